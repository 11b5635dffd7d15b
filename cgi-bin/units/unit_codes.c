/*
 * units: the family's own error codes, handed to lib/ through struct family
 * (main.c).  respond_error() looks here first, then in lib's shared codes
 * (auth, body, platform); a shared code is never repeated here.
 */
#include <stddef.h>

#include "envelope.h"

const struct message unit_messages[] = {
	{ "UNIT_NOT_FOUND", 404, 404, 404, "Unité introuvable", "Unit not found" },
	{ NULL, 0, 0, 0, NULL, NULL }
};
