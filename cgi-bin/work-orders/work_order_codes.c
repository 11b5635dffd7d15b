/*
 * work-orders: the family's own error codes, handed to lib/ through struct
 * family (main.c).  respond_error() looks here first, then in lib's shared
 * codes (auth, signature, body, platform); a shared code is never repeated
 * here.  The English texts are the seed's, which the AMAGE envelope sends.
 */
#include <stddef.h>

#include "envelope.h"

const struct message work_order_messages[] = {
	{ "WORK_ORDER_NOT_FOUND", 404, 404, 404, "Ordre de travail introuvable",
	  "Work Order not found" },
	{ "WORK_ORDER_UUID_INVALID", 400, 400, 400,
	  "Format d'UUID d'ordre de travail invalide",
	  "Wrong Work Order UUID format or non-existent" },
	{ "DUPLICATED_ENTRY", 400, 400, 400, "Entrée dupliquée",
	  "duplicated entry" },
	{ "ID_NOT_ALLOWED", 400, 400, 400, "Le champ id ne doit pas être fourni",
	  "Field id must not be sent" },
	/* Writes: the seed answers a missing referenced record with HTTP 400
	   and errorCode 404; the message names the record (write_refuse). */
	{ "REFERENCE_NOT_FOUND", 404, 400, 404,
	  "Enregistrement référencé introuvable",
	  "Referenced record not found" },
	{ "WORK_ORDER_REFUSED", 400, 400, 400, "Requête refusée",
	  "Request refused" },
	{ NULL, 0, 0, 0, NULL, NULL }
};
