/*
 * long-stay-contracts: the family's own error codes, handed to lib/
 * through struct family (main.c); shared codes are lib's.
 */
#include <stddef.h>

#include "envelope.h"

const struct message contract_messages[] = {
	{ "CONTRACT_NOT_FOUND", 404, 404, 404, "Contrat introuvable",
	  "Contract not found" },
	{ "CONTRACT_STATE_CONFLICT", 409, 409, 409,
	  "Le statut du contrat ne permet pas cette action",
	  "The contract's status does not allow this action" },
	{ "CONTRACT_UNIT_REQUIRED", 409, 409, 409,
	  "Le contrat ne nomme ni logement ni type de logement",
	  "The contract names neither a unit nor a unit type" },
	{ NULL, 0, 0, 0, NULL, NULL }
};
