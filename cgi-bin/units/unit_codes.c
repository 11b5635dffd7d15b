/*
 * units: the family's own error codes, handed to lib/ through struct family
 * (main.c).  respond_error() looks here first, then in lib's shared codes
 * (auth, body, platform); a shared code is never repeated here.
 */
#include <stddef.h>

#include "envelope.h"

const struct message unit_messages[] = {
	{ "UNIT_NOT_FOUND", 404, 404, 404, "Unité introuvable", "Unit not found" },
	{ "UNIT_ALREADY_BLOCKED", 409, 409, 409,
	  "L'unité est déjà bloquée sur une partie de cette période",
	  "The unit is already blocked on part of this period" },
	{ "UNIT_INACTIVE", 409, 409, 409,
	  "Unité inactive : hors inventaire, rien à bloquer",
	  "Inactive unit: not in inventory, nothing to block" },
	{ "UNIT_BLOCK_NOT_FOUND", 404, 404, 404,
	  "Blocage introuvable ou déjà levé",
	  "Block not found or already returned to service" },
	{ "UNIT_TYPE_NOT_FOUND", 404, 404, 404,
	  "Type d'unité introuvable dans cet établissement",
	  "Unit type not found in this establishment" },
	{ NULL, 0, 0, 0, NULL, NULL }
};
