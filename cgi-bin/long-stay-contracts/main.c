/*
 * long-stay-contracts: seasonal long-stay contracts with installments (SPEC 2.5).
 * The route table is the family's table of contents; its endpoints come
 * with their issue, until then every path answers 404 in the envelope.
 */
#include "envelope.h"
#include "router.h"
#include "server.h"

static const struct route long_stay_contracts_routes[] = {
	{ NULL, NULL, NULL, AUTH_NONE }
};

static const struct family long_stay_contracts_family = {
	.name = "long-stay-contracts",
	.envelope = ENVELOPE_PMS,
	.bounded_context = "contracts",
	.module = "long-stay-contracts",
	.body_types = "application/json",
	.routes = long_stay_contracts_routes,
	.messages = NULL,	/* no codes of its own yet: shared ones only */
};

int
main(int argc, char **argv)
{
	return server_main(argc, argv, &long_stay_contracts_family);
}
