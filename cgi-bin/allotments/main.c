/*
 * allotments: group contingents (allotments) with cutoff, attrition and pickup sub-reservations (SPEC 2.4).
 * The route table is the family's table of contents; its endpoints come
 * with their issue, until then every path answers 404 in the envelope.
 */
#include "envelope.h"
#include "router.h"
#include "server.h"

static const struct route allotments_routes[] = {
	{ NULL, NULL, NULL, AUTH_NONE }
};

static const struct family allotments_family = {
	.name = "allotments",
	.envelope = ENVELOPE_PMS,
	.bounded_context = "groups",
	.module = "allotments",
	.body_types = "application/json",
	.routes = allotments_routes,
	.messages = NULL,	/* no codes of its own yet: shared ones only */
};

int
main(int argc, char **argv)
{
	return server_main(argc, argv, &allotments_family);
}
