/*
 * fuzz_validate: json_parse, then validate_object against a table using
 * every field kind and flag (nested object, array of objects, arrays of
 * scalars, enum, cents, date, datetime, email, uuid, int range, number
 * range, bool, bounded string, server-set, forbidden, nullable), then the
 * issues answered in both envelopes.  Invariants (abort on violation):
 * the count never exceeds the maximum and overflow is set when issues
 * were dropped; every issue path is a NUL-terminated, valid UTF-8 string
 * with a known reason; both answers are a 400 whose body is JSON, and the
 * PMS body lists exactly v.count details.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "envelope.h"
#include "json.h"
#include "request.h"
#include "validate.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct field address_fields[] = {
	{ .name = "city", .kind = FIELD_STRING, .flags = F_REQUIRED,
	  .min = 1, .max = 40 },
	{ .name = "zip", .kind = FIELD_STRING, .min = 0, .max = 10 },
	{ .name = "geo", .kind = FIELD_OBJECT, .items = (const struct field[]) {
		{ .name = "lat", .kind = FIELD_NUMBER, .flags = F_REQUIRED,
		  .dmin = -90, .dmax = 90 },
		{ .name = "lon", .kind = FIELD_NUMBER, .flags = F_REQUIRED,
		  .dmin = -180, .dmax = 180 },
		{ .name = NULL } } },
	{ .name = NULL }
};

static const struct field installment_fields[] = {
	{ .name = "amountCents", .kind = FIELD_CENTS, .flags = F_REQUIRED },
	{ .name = "dueDate", .kind = FIELD_DATE, .flags = F_REQUIRED },
	{ .name = "paid", .kind = FIELD_BOOL },
	{ .name = "tags", .kind = FIELD_ARRAY, .item_kind = FIELD_STRING,
	  .max = 3 },
	{ .name = NULL }
};

static const struct field body_fields[] = {
	{ .name = "id", .kind = FIELD_INT, .flags = F_FORBIDDEN },
	{ .name = "createdAt", .kind = FIELD_DATETIME, .flags = F_SERVER_SET },
	{ .name = "unitId", .kind = FIELD_UUID, .flags = F_REQUIRED },
	{ .name = "kind", .kind = FIELD_ENUM, .flags = F_REQUIRED,
	  .one_of = "ooo oos  maintenance" },
	{ .name = "from", .kind = FIELD_DATE, .flags = F_REQUIRED },
	{ .name = "until", .kind = FIELD_DATE, .flags = F_NULLABLE },
	{ .name = "scheduledAt", .kind = FIELD_DATETIME },
	{ .name = "email", .kind = FIELD_EMAIL, .flags = F_NULLABLE },
	{ .name = "priceCents", .kind = FIELD_CENTS },
	{ .name = "nights", .kind = FIELD_INT, .min = 1, .max = 365 },
	{ .name = "offset", .kind = FIELD_INT, .min = -5, .max = 0 },
	{ .name = "anyInt", .kind = FIELD_INT },
	{ .name = "ratio", .kind = FIELD_NUMBER, .dmin = 0, .dmax = 1 },
	{ .name = "anyNumber", .kind = FIELD_NUMBER },
	{ .name = "active", .kind = FIELD_BOOL },
	{ .name = "name", .kind = FIELD_STRING, .min = 1, .max = 8 },
	{ .name = "note", .kind = FIELD_STRING, .flags = F_NULLABLE },
	{ .name = "address", .kind = FIELD_OBJECT, .items = address_fields },
	{ .name = "opaque", .kind = FIELD_OBJECT },
	{ .name = "installments", .kind = FIELD_ARRAY,
	  .items = installment_fields, .min = 1, .max = 12 },
	{ .name = "roomIds", .kind = FIELD_ARRAY, .item_kind = FIELD_UUID,
	  .max = 5 },
	{ .name = "modes", .kind = FIELD_ARRAY, .item_kind = FIELD_ENUM,
	  .one_of = "a b c" },
	{ .name = "emails", .kind = FIELD_ARRAY, .item_kind = FIELD_EMAIL },
	{ .name = "days", .kind = FIELD_ARRAY, .item_kind = FIELD_DATE },
	{ .name = "stamps", .kind = FIELD_ARRAY, .item_kind = FIELD_DATETIME },
	{ .name = "amounts", .kind = FIELD_ARRAY, .item_kind = FIELD_CENTS },
	{ .name = "counts", .kind = FIELD_ARRAY, .item_kind = FIELD_INT,
	  .min = 0, .max = 0 },
	{ .name = "weights", .kind = FIELD_ARRAY, .item_kind = FIELD_NUMBER },
	{ .name = "flags", .kind = FIELD_ARRAY, .item_kind = FIELD_BOOL },
	{ .name = "matrix", .kind = FIELD_ARRAY, .item_kind = FIELD_ARRAY },
	{ .name = "blobs", .kind = FIELD_ARRAY, .item_kind = FIELD_OBJECT },
	{ .name = NULL }
};

static const struct family pms_family = {
	.name = "fuzz", .envelope = ENVELOPE_PMS,
	.bounded_context = "fuzz", .module = "fuzz",
};
static const struct family amage_family = {
	.name = "fuzz", .envelope = ENVELOPE_AMAGE,
};

/* Answers v in fam's envelope; aborts unless it is a 400 with a JSON body. */
static void
fuzz_respond(const struct family *fam, const struct validation *v)
{
	struct request rq;
	cJSON *o, *details;

	memset(&rq, 0, sizeof(rq));
	rq.family = fam;
	rq.lang = LANG_EN;
	respond_validation(&rq, v);
	if (rq.status != 400 || rq.resp_body == NULL)
		abort();
	if ((o = cJSON_Parse(rq.resp_body)) == NULL)
		abort();
	if (fam->envelope == ENVELOPE_PMS) {
		details = cJSON_GetObjectItemCaseSensitive(o, "details");
		if (cJSON_GetArraySize(details) != v->count +
		    (v->overflow ? 1 : 0))
			abort();
		if (!json_utf8_valid(rq.resp_body, rq.resp_len))
			abort();
	}
#ifdef FUZZ_CHECK_AMAGE_UTF8
	/* Off by default: the AMAGE message is cut at a byte (reported bug). */
	if (!json_utf8_valid(rq.resp_body, rq.resp_len))
		abort();
#endif
	cJSON_Delete(o);
	free(rq.resp_body);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct validation v;
	cJSON *root = NULL;
	size_t len;
	int n, i;

	if (json_parse((const char *)data, size, JSON_MAX_DEPTH, &root, NULL,
	    0) != JSON_OK)
		return 0;
	memset(&v, 0, sizeof(v));
	n = validate_object(root, body_fields, "", &v);
	if (n < v.count || v.count < 0 || v.count > VALIDATION_MAX_ISSUES)
		abort();
	if ((n > v.count) != (v.overflow != 0))
		abort();
	for (i = 0; i < v.count; i++) {
		len = strnlen(v.issue[i].field, FIELD_PATH_MAX);
		if (len == FIELD_PATH_MAX)
			abort();
		if (!json_utf8_valid(v.issue[i].field, len))
			abort();
		if (v.issue[i].reason < REASON_REQUIRED ||
		    v.issue[i].reason > REASON_INVALID)
			abort();
	}
	fuzz_respond(&pms_family, &v);
	fuzz_respond(&amage_family, &v);

	/* The same document under a prefix, as a nested check would do. */
	memset(&v, 0, sizeof(v));
	validate_object(root, address_fields, "items[0].address", &v);
	for (i = 0; i < v.count; i++)
		if (!json_utf8_valid(v.issue[i].field,
		    strnlen(v.issue[i].field, FIELD_PATH_MAX)))
			abort();
	cJSON_Delete(root);
	return 0;
}
