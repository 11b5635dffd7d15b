/*
 * allotments: group contingents (allotments and tentative blocks) with
 * their cutoff, attrition and pickup sub-reservations (seeds
 * allotments.fr.txt, allotment-reservations.fr.txt; SPEC 2.4 and 2.7;
 * docs/allotments.md).  This route table is the family's table of
 * contents.  The cutoff itself runs in pms-admin (night audit).
 */
#include "allotments.h"
#include "envelope.h"
#include "router.h"
#include "server.h"

static const struct route allotments_routes[] = {
	{ "POST", "/v1/allotments", allotment_create, AUTH_MANAGER },
	{ "GET", "/v1/allotments", allotment_list, AUTH_AGENT },
	{ "GET", "/v1/allotments/{id}", allotment_get, AUTH_AGENT },
	{ "POST", "/v1/allotments/{id}/confirm", allotment_confirm,
	  AUTH_MANAGER },
	{ "POST", "/v1/allotments/{id}/cancel", allotment_cancel,
	  AUTH_MANAGER },
	{ "POST", "/v1/allotments/{id}/reservations", allotment_pickup,
	  AUTH_AGENT },
	{ "GET", "/v1/allotments/{id}/reservations", reservation_list,
	  AUTH_AGENT },
	{ "POST", "/v1/allotments/{id}/reservations/{reservationId}/cancel",
	  reservation_cancel, AUTH_AGENT },
	{ NULL, NULL, NULL, AUTH_NONE }
};

/* The family's error codes (allotment_codes.c). */
extern const struct message allotment_messages[];

static const struct family allotments_family = {
	.name = "allotments",
	.envelope = ENVELOPE_PMS,
	.bounded_context = "groups",
	.module = "allotments",
	.body_types = "application/json",
	.routes = allotments_routes,
	.messages = allotment_messages,
};

int
main(int argc, char **argv)
{
	return server_main(argc, argv, &allotments_family);
}
