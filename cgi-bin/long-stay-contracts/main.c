/*
 * long-stay-contracts: seasonal long-stay contracts with installments
 * (seed long-stay-contracts.fr.txt, SPEC 2.5 and 2.7,
 * docs/long-stay-contracts.md).  This route table is the family's table
 * of contents.
 */
#include "contracts.h"
#include "envelope.h"
#include "router.h"
#include "server.h"

static const struct route long_stay_contracts_routes[] = {
	{ "POST", "/v1/long-stay-contracts", contract_create, AUTH_MANAGER },
	{ "GET", "/v1/long-stay-contracts", contract_list, AUTH_AGENT },
	{ "GET", "/v1/long-stay-contracts/{id}", contract_get, AUTH_AGENT },
	{ "POST", "/v1/long-stay-contracts/{id}/activate", contract_activate,
	  AUTH_MANAGER },
	{ "POST", "/v1/long-stay-contracts/{id}/cancel", contract_cancel,
	  AUTH_MANAGER },
	{ NULL, NULL, NULL, AUTH_NONE }
};

/* The family's error codes (contract_codes.c). */
extern const struct message contract_messages[];

static const struct family long_stay_contracts_family = {
	.name = "long-stay-contracts",
	.envelope = ENVELOPE_PMS,
	.bounded_context = "contracts",
	.module = "long-stay-contracts",
	.body_types = "application/json",
	.routes = long_stay_contracts_routes,
	.messages = contract_messages,
};

int
main(int argc, char **argv)
{
	return server_main(argc, argv, &long_stay_contracts_family);
}
