/*
 * units: out-of-order / out-of-service blocks and availability
 * (seed units-out-of-service.fr.txt, SPEC 2.3).  This route table is the
 * family's table of contents.
 */
#include "envelope.h"
#include "router.h"
#include "server.h"
#include "units.h"

static const struct route units_routes[] = {
	{ "GET", "/v1/units/{unitId}", unit_get, AUTH_AGENT },
	{ "POST", "/v1/units/{unitId}/out-of-service", unit_block,
	  AUTH_MANAGER },
	{ "DELETE", "/v1/units/{unitId}/out-of-service/{refId}", unit_unblock,
	  AUTH_MANAGER },
	{ "GET", "/v1/units", unit_list, AUTH_AGENT },
	{ "GET", "/v1/availability", availability_get, AUTH_AGENT },
	{ NULL, NULL, NULL, AUTH_NONE }
};

/* The family's error codes (unit_codes.c). */
extern const struct message unit_messages[];

static const struct family units_family = {
	.name = "units",
	.envelope = ENVELOPE_PMS,
	.bounded_context = "inventory",
	.module = "units",
	.body_types = "application/json",
	.routes = units_routes,
	.messages = unit_messages,
};

int
main(int argc, char **argv)
{
	return server_main(argc, argv, &units_family);
}
