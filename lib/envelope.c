/*
 * envelope: the shared message catalogue and the two response shapes.
 * Handlers and the platform name an error by its stable code; the family
 * decides the shape (PMS error object or AMAGE result object) and the
 * language (PMS: French unless Accept-Language asks for English; AMAGE:
 * English, as the seed's own messages).  The catalogue here holds only the
 * codes every family may raise (platform, auth, body); a family's own codes
 * live in its cgi-bin/<family>/<name>_codes.c and are looked up first.
 */
#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "db.h"
#include "envelope.h"
#include "log.h"
#include "request.h"
#include "validate.h"

const struct message envelope_shared_messages[] = {
	/* platform */
	{ "NOT_FOUND", 404, 404, 404, "Ressource introuvable", "Not found" },
	{ "METHOD_NOT_ALLOWED", 405, 405, 405, "Méthode non autorisée",
	  "Method not allowed" },
	{ "PAYLOAD_TOO_LARGE", 413, 413, 413, "Corps de requête trop volumineux",
	  "Request body too large" },
	{ "UNSUPPORTED_MEDIA_TYPE", 415, 415, 415,
	  "Type de contenu non pris en charge (application/json attendu)",
	  "Unsupported content type (application/json expected)" },
	{ "MALFORMED_JSON", 400, 400, 400, "Corps JSON invalide",
	  "Malformed JSON body" },
	{ "BAD_LENGTH", 400, 400, 400, "Longueur de corps invalide",
	  "Invalid Content-Length" },
	{ "VALIDATION_FAILED", 400, 400, 400, "Requête invalide",
	  "Validation failed" },
	{ "UNAUTHENTICATED", 401, 400, 401,
	  "Clé d'API absente, inconnue ou révoquée",
	  "Missing, unknown or revoked API key" },
	{ "FORBIDDEN", 403, 403, 403, "Permission refusée (réservé aux managers)",
	  "Permission denied (manager only)" },
	{ "OUT_OF_SCOPE", 403, 403, 403,
	  "Établissement hors du périmètre de la clé",
	  "Establishment outside the key's scope" },
	{ "SERVICE_UNAVAILABLE", 503, 503, 503,
	  "Service momentanément indisponible, réessayez",
	  "Service temporarily unavailable, retry" },
	{ "INTERNAL_ERROR", 500, 500, 500, "Erreur interne", "Internal error" },
	/* AMAGE signature (SPEC 3.1): always HTTP 400, errorCode 401 */
	{ "SIGNATURE_MISSING", 401, 400, 401,
	  "En-têtes de signature absents",
	  "Missing signature headers (device-uuid, api-key, api-sign)" },
	{ "SIGNATURE_INVALID", 401, 400, 401, "Signature invalide",
	  "Invalid request signature" },
	{ "SIGNATURE_EXPIRED", 401, 400, 401, "Signature expirée",
	  "Request signature expired or from the future" },
	{ "SIGNATURE_REPLAYED", 401, 400, 401, "Signature déjà utilisée",
	  "Request signature already used" },
	{ "CLIENT_UNKNOWN", 401, 400, 401, "Client inconnu ou révoqué",
	  "Unknown or revoked api-key" },
	{ "DEVICE_NOT_ALLOWED", 401, 400, 401, "Appareil non autorisé",
	  "Device not allowed for this api-key" },
	/* Idempotency-Key of a POST (SPEC 2.1) */
	{ "IDEMPOTENCY_KEY_REUSED", 409, 409, 409,
	  "Clé d'idempotence déjà utilisée pour une autre requête",
	  "Idempotency-Key already used for a different request" },
	{ "IDEMPOTENCY_KEY_INVALID", 400, 400, 400,
	  "En-tête Idempotency-Key invalide (1 à 255 caractères ASCII visibles)",
	  "Invalid Idempotency-Key header (1 to 255 visible ASCII characters)" },
	/* inventory (lib/inventory.c): units, allotments and contracts */
	{ "CONTRACT_UNIT_UNAVAILABLE", 409, 409, 409,
	  "Le logement est déjà tenu par un autre contrat sur une nuit de la période",
	  "The unit is held by another contract on a night of the period" },
	{ "CAPACITY_SATURATED", 409, 409, 409,
	  "Capacité saturée : au moins une nuit passerait sous zéro disponibilité",
	  "Capacity saturated: at least one night would fall below zero availability" },
	/* an establishment named by a query or a body (every PMS family) */
	{ "ESTABLISHMENT_NOT_FOUND", 404, 404, 404, "Établissement introuvable",
	  "Establishment not found" },
	{ NULL, 0, 0, 0, NULL, NULL }
};

/* Texts of validation reasons, indexed by enum reason. */
static const struct {
	enum reason reason;
	const char *fr, *en;
} reason_texts[] = {
	{ REASON_REQUIRED, "champ obligatoire", "required" },
	{ REASON_UNKNOWN_FIELD, "champ inconnu", "unknown field" },
	{ REASON_SERVER_SET, "champ fixé par le serveur",
	  "set by the server, must not be sent" },
	{ REASON_WRONG_TYPE, "type incorrect", "wrong type" },
	{ REASON_BAD_UUID, "UUID invalide", "not a uuid" },
	{ REASON_BAD_DATE, "date invalide (AAAA-MM-JJ)",
	  "not a date (YYYY-MM-DD)" },
	{ REASON_BAD_DATETIME, "date-heure invalide (AAAA-MM-JJTHH:MM:SS)",
	  "not a date-time (YYYY-MM-DDTHH:MM:SS)" },
	{ REASON_NOT_ALLOWED_VALUE, "valeur non autorisée", "value not allowed" },
	{ REASON_TOO_SHORT, "trop court", "too short" },
	{ REASON_TOO_LONG, "trop long", "too long" },
	{ REASON_BAD_EMAIL, "adresse e-mail invalide", "not an email address" },
	{ REASON_BAD_CENTS, "montant invalide (centimes entiers)",
	  "not an amount in integer cents" },
	{ REASON_OUT_OF_RANGE, "hors limites", "out of range" },
	{ REASON_TOO_FEW_ITEMS, "trop peu d'éléments", "too few items" },
	{ REASON_TOO_MANY_ITEMS, "trop d'éléments", "too many items" },
	{ REASON_NOT_AN_OBJECT, "objet JSON attendu", "JSON object expected" },
	{ REASON_BEFORE_START, "doit être postérieur au début",
	  "must be after the start" },
	{ REASON_IN_PAST, "date dans le passé", "date in the past" },
	{ REASON_DUPLICATE, "valeur en double", "duplicate value" },
	{ REASON_MISMATCH, "incohérent", "inconsistent" },
	{ REASON_UNKNOWN_REFERENCE, "inconnu dans cet établissement",
	  "not found in this establishment" },
	{ REASON_BEYOND_HORIZON, "au-delà de l'horizon d'inventaire",
	  "beyond the inventory horizon" },
	{ REASON_TOO_PRECISE, "trop de décimales", "too many decimals" },
	{ REASON_OUT_OF_ORDER, "avant l'élément qu'il doit suivre",
	  "before the item it must follow" },
	{ REASON_INVALID, "valeur invalide", "invalid value" },
};

/* The entry of code in catalogue (NULL: an empty one), or NULL. */
static const struct message *
catalogue_find(const struct message *catalogue, const char *code)
{
	const struct message *m = catalogue;

	while (m != NULL && m->code != NULL && strcmp(m->code, code) != 0)
		m++;
	return m != NULL && m->code != NULL ? m : NULL;
}

const struct message *
message_find(const char *code)
{
	return code == NULL ? NULL :
	    catalogue_find(envelope_shared_messages, code);
}

const struct message *
message_find_for(const struct family *fam, const char *code)
{
	const struct message *m = NULL;

	if (code != NULL && fam != NULL)
		m = catalogue_find(fam->messages, code);
	return m != NULL ? m : message_find(code);
}

static const char *
reason_text(enum reason r, enum lang lang)
{
	size_t i;

	for (i = 0; i < sizeof(reason_texts) / sizeof(reason_texts[0]); i++)
		if (reason_texts[i].reason == r)
			return lang == LANG_EN ? reason_texts[i].en :
			    reason_texts[i].fr;
	return lang == LANG_EN ? "invalid value" : "valeur invalide";
}

/* The PMS error object; details (owned, may be NULL) is attached. */
static int
respond_pms_error(struct request *rq, const struct message *m,
    cJSON *details)
{
	cJSON *o, *origin;

	if ((o = cJSON_CreateObject()) == NULL) {
		cJSON_Delete(details);
		request_respond_raw(rq, 500, "", 0);
		return 0;
	}
	cJSON_AddStringToObject(o, "code", m->code);
	cJSON_AddStringToObject(o, "message",
	    rq->lang == LANG_EN ? m->en : m->fr);
	cJSON_AddNumberToObject(o, "status", m->status);
	cJSON_AddStringToObject(o, "traceId", rq->trace_id);
	if ((origin = cJSON_AddObjectToObject(o, "origin")) != NULL &&
	    rq->family != NULL) {
		cJSON_AddStringToObject(origin, "boundedContext",
		    rq->family->bounded_context);
		cJSON_AddStringToObject(origin, "module", rq->family->module);
	}
	if (details != NULL)
		cJSON_AddItemToObject(o, "details", details);
	request_respond_json(rq, m->status, o);
	return 0;
}

int
respond_amage_result(struct request *rq, int http_status, int64_t id,
    const char *uuid, int success, int error_code, const char *message)
{
	cJSON *o;

	if ((o = cJSON_CreateObject()) == NULL) {
		request_respond_raw(rq, 500, "", 0);
		return 0;
	}
	if (id < 0)
		cJSON_AddNullToObject(o, "id");
	else
		cJSON_AddNumberToObject(o, "id", (double)id);
	if (uuid == NULL)
		cJSON_AddNullToObject(o, "uuid");
	else
		cJSON_AddStringToObject(o, "uuid", uuid);
	cJSON_AddBoolToObject(o, "success", success);
	cJSON_AddNumberToObject(o, "errorCode", error_code);
	cJSON_AddStringToObject(o, "message", message ? message : "");
	request_respond_json(rq, http_status, o);
	return 0;
}

int
respond_error(struct request *rq, const char *code)
{
	const struct message *m = message_find_for(rq->family, code);

	if (m == NULL) {
		/* A handler named a code no catalogue holds: a bug to fix, so
		   one line each time rather than a quiet 500. */
		log_error("trace=%s respond_error: unknown code \"%s\"",
		    rq->trace_id, code != NULL ? code : "(null)");
		m = message_find("INTERNAL_ERROR");
	}
	if (rq->family != NULL && rq->family->envelope == ENVELOPE_AMAGE)
		return respond_amage_result(rq, m->amage_status, -1, NULL, 0,
		    m->amage_error_code, m->en);
	return respond_pms_error(rq, m, NULL);
}

/* Cuts s back to its last complete UTF-8 character (snprintf cuts bytes). */
static void
utf8_trim_partial(char *s)
{
	size_t n = strlen(s), lead, need;
	unsigned char c;

	if (n == 0)
		return;
	lead = n;
	while (lead > 0 && ((unsigned char)s[lead - 1] & 0xc0) == 0x80)
		lead--;
	if (lead == 0)
		return;
	c = (unsigned char)s[lead - 1];
	need = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
	if (n - (lead - 1) < need)
		s[lead - 1] = '\0';
}

int
respond_validation(struct request *rq, const struct validation *v)
{
	const struct message *m = message_find("VALIDATION_FAILED");
	/* When issues were dropped the answer says so, in its last words. */
	static const char more_amage[] = ", ...";
	static const char more_fr[] = "d'autres champs invalides ne sont pas listés";
	static const char more_en[] = "more invalid fields not listed";
	cJSON *details, *d;
	char msg[512];
	size_t used, room;
	int i, w;

	if (rq->family != NULL && rq->family->envelope == ENVELOPE_AMAGE) {
		room = sizeof(msg) - (v->overflow ? sizeof(more_amage) - 1 : 0);
		used = (size_t)snprintf(msg, room, "Validation failed:");
		for (i = 0; i < v->count && used < room; i++) {
			w = snprintf(msg + used, room - used, "%s %s (%s)",
			    i ? "," : "", v->issue[i].field,
			    reason_text(v->issue[i].reason, LANG_EN));
			if (w < 0)
				break;
			used += (size_t)w;
		}
		/* Field names may be the client's own (unknown) keys. */
		utf8_trim_partial(msg);
		if (v->overflow)
			strcat(msg, more_amage);
		return respond_amage_result(rq, 400, -1, NULL, 0, 400, msg);
	}
	if ((details = cJSON_CreateArray()) == NULL)
		return respond_pms_error(rq, m, NULL);
	/* One entry per issue, then the overflow marker when there is one. */
	for (i = 0; i < v->count + (v->overflow ? 1 : 0); i++) {
		const char *field = "", *rule = "overflow";
		const char *reason = rq->lang == LANG_EN ? more_en : more_fr;

		if (i < v->count) {
			field = v->issue[i].field;
			reason = reason_text(v->issue[i].reason, rq->lang);
			rule = reason_name(v->issue[i].reason);
		}
		if ((d = cJSON_CreateObject()) == NULL)
			break;
		cJSON_AddStringToObject(d, "field", field);
		cJSON_AddStringToObject(d, "reason", reason);
		cJSON_AddStringToObject(d, "rule", rule);
		cJSON_AddItemToArray(details, d);
	}
	return respond_pms_error(rq, m, details);
}

int
respond_data(struct request *rq, int status, cJSON *data)
{
	cJSON *o;

	if ((o = cJSON_CreateObject()) == NULL) {
		cJSON_Delete(data);
		return respond_error(rq, "INTERNAL_ERROR");
	}
	cJSON_AddItemToObject(o, "data", data);
	request_respond_json(rq, status, o);
	return 0;
}

int
respond_db_failure(struct request *rq, int db_status)
{
	return respond_error(rq, db_failure_code(db_status));
}

const char *
db_failure_code(int db_status)
{
	return db_status == DB_ERR_UNAVAILABLE || db_status == DB_ERR_RETRY ?
	    "SERVICE_UNAVAILABLE" : "INTERNAL_ERROR";
}
