/*
 * fuzz_validate: json_parse, then validate_object against a table using
 * every field kind and flag (nested object, array of objects, arrays of
 * scalars, enum, cents, date, datetime, email, uuid, int range, number
 * range, bool, bounded string, server-set, forbidden, nullable), then the
 * issues answered in both envelopes, then validate_decode with the same
 * table into a struct that gives every field a destination.  Invariants
 * (abort on violation): the count never exceeds the maximum and overflow
 * is set when issues were dropped; every issue path is a NUL-terminated,
 * valid UTF-8 string with a known reason; both answers are a 400 whose
 * body is JSON and valid UTF-8 (the AMAGE message, cut at 511 bytes,
 * never ends inside a character), and the PMS body lists v.count details
 * plus one overflow entry when issues were dropped.  Decoding reports
 * what validate_object reports (plus too_many_items where the struct's
 * arrays are smaller than the JSON arrays), writes only valid values (a
 * uuid decoded is canonical, a date formats back to itself, an enum index
 * is in range, a count is within its array), leaves no FIELD_INVALID
 * state on a valid body, and validate_clear gives back the all-zero
 * struct.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "datetime.h"
#include "envelope.h"
#include "json.h"
#include "request.h"
#include "uuid.h"
#include "validate.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Every member is a destination, a state or a count of the tables below. */
struct fuzz_geo {
	double lat, lon;
	enum field_state lat_state;
};

struct fuzz_address {
	const char *city, *zip;
	struct fuzz_geo geo;
	enum field_state city_state, geo_state;
};

struct fuzz_installment {
	int64_t amount_cents;
	int32_t due_date;
	int paid;
	const char *tags[3];
	int ntags;
	enum field_state amount_state, due_state;
};

struct fuzz_body {
	char unit_id[UUID_STR_LEN + 1];
	int kind;
	int32_t from, until;
	int64_t scheduled_at, price_cents, nights, offset, any_int;
	const char *email, *name, *note;
	double ratio, any_number;
	int active;
	struct fuzz_address address;
	struct fuzz_installment installments[12];
	int ninstallments;
	char room_ids[5][UUID_STR_LEN + 1];
	int nroom_ids;
	int modes[4];
	int nmodes;
	const char *emails[4];
	int nemails;
	int32_t days[4];
	int ndays;
	int64_t stamps[4], amounts[4], counts[4];
	int nstamps, namounts, ncounts;
	double weights[4];
	int nweights;
	int flags[4];
	int nflags;
	enum field_state id_state, unit_id_state, kind_state, from_state;
	enum field_state until_state, address_state, opaque_state;
	enum field_state installments_state, room_ids_state, days_state;
	enum field_state matrix_state, blobs_state;
};

static const struct field address_fields[] = {
	{ .name = "city", .kind = FIELD_STRING, .flags = F_REQUIRED,
	  .min = 1, .max = 40, FIELD_AT(struct fuzz_address, city),
	  FIELD_STATE(struct fuzz_address, city_state) },
	{ .name = "zip", .kind = FIELD_STRING, .min = 0, .max = 10,
	  FIELD_AT(struct fuzz_address, zip) },
	{ .name = "geo", .kind = FIELD_OBJECT, .items = (const struct field[]) {
		{ .name = "lat", .kind = FIELD_NUMBER, .flags = F_REQUIRED,
		  .dmin = -90, .dmax = 90, FIELD_AT(struct fuzz_geo, lat),
		  FIELD_STATE(struct fuzz_geo, lat_state) },
		{ .name = "lon", .kind = FIELD_NUMBER, .flags = F_REQUIRED,
		  .dmin = -180, .dmax = 180, FIELD_AT(struct fuzz_geo, lon) },
		{ .name = NULL } },
	  FIELD_AT(struct fuzz_address, geo),
	  FIELD_STATE(struct fuzz_address, geo_state) },
	{ .name = NULL }
};

static const struct field installment_fields[] = {
	{ .name = "amountCents", .kind = FIELD_CENTS, .flags = F_REQUIRED,
	  FIELD_AT(struct fuzz_installment, amount_cents),
	  FIELD_STATE(struct fuzz_installment, amount_state) },
	{ .name = "dueDate", .kind = FIELD_DATE, .flags = F_REQUIRED,
	  FIELD_AT(struct fuzz_installment, due_date),
	  FIELD_STATE(struct fuzz_installment, due_state) },
	{ .name = "paid", .kind = FIELD_BOOL,
	  FIELD_AT(struct fuzz_installment, paid) },
	{ .name = "tags", .kind = FIELD_ARRAY, .item_kind = FIELD_STRING,
	  .max = 3, FIELD_ARRAY_AT(struct fuzz_installment, tags, ntags) },
	{ .name = NULL }
};

#define AT(member) FIELD_AT(struct fuzz_body, member)
#define STATE(member) FIELD_STATE(struct fuzz_body, member)
#define ARRAY_AT(member, count) FIELD_ARRAY_AT(struct fuzz_body, member, count)

static const struct field body_fields[] = {
	{ .name = "id", .kind = FIELD_INT, .flags = F_FORBIDDEN,
	  STATE(id_state) },
	{ .name = "createdAt", .kind = FIELD_DATETIME, .flags = F_SERVER_SET },
	{ .name = "unitId", .kind = FIELD_UUID, .flags = F_REQUIRED,
	  AT(unit_id), STATE(unit_id_state) },
	{ .name = "kind", .kind = FIELD_ENUM, .flags = F_REQUIRED,
	  .one_of = "ooo oos  maintenance", AT(kind), STATE(kind_state) },
	{ .name = "from", .kind = FIELD_DATE, .flags = F_REQUIRED,
	  AT(from), STATE(from_state) },
	{ .name = "until", .kind = FIELD_DATE, .flags = F_NULLABLE,
	  AT(until), STATE(until_state) },
	{ .name = "scheduledAt", .kind = FIELD_DATETIME, AT(scheduled_at) },
	{ .name = "email", .kind = FIELD_EMAIL, .flags = F_NULLABLE,
	  AT(email) },
	{ .name = "priceCents", .kind = FIELD_CENTS, AT(price_cents) },
	{ .name = "nights", .kind = FIELD_INT, .min = 1, .max = 365,
	  AT(nights) },
	{ .name = "offset", .kind = FIELD_INT, .min = -5, .max = 0,
	  AT(offset) },
	{ .name = "anyInt", .kind = FIELD_INT, AT(any_int) },
	{ .name = "ratio", .kind = FIELD_NUMBER, .dmin = 0, .dmax = 1,
	  AT(ratio) },
	{ .name = "anyNumber", .kind = FIELD_NUMBER, AT(any_number) },
	{ .name = "active", .kind = FIELD_BOOL, AT(active) },
	{ .name = "name", .kind = FIELD_STRING, .min = 1, .max = 8, AT(name) },
	{ .name = "note", .kind = FIELD_STRING, .flags = F_NULLABLE,
	  AT(note) },
	{ .name = "address", .kind = FIELD_OBJECT, .items = address_fields,
	  AT(address), STATE(address_state) },
	{ .name = "opaque", .kind = FIELD_OBJECT, STATE(opaque_state) },
	{ .name = "installments", .kind = FIELD_ARRAY,
	  .items = installment_fields, .min = 1, .max = 12,
	  ARRAY_AT(installments, ninstallments), STATE(installments_state) },
	{ .name = "roomIds", .kind = FIELD_ARRAY, .item_kind = FIELD_UUID,
	  .max = 5, ARRAY_AT(room_ids, nroom_ids), STATE(room_ids_state) },
	/* the arrays below have no .max: their capacity of 4 bounds them */
	{ .name = "modes", .kind = FIELD_ARRAY, .item_kind = FIELD_ENUM,
	  .one_of = "a b c", ARRAY_AT(modes, nmodes) },
	{ .name = "emails", .kind = FIELD_ARRAY, .item_kind = FIELD_EMAIL,
	  ARRAY_AT(emails, nemails) },
	{ .name = "days", .kind = FIELD_ARRAY, .item_kind = FIELD_DATE,
	  ARRAY_AT(days, ndays), STATE(days_state) },
	{ .name = "stamps", .kind = FIELD_ARRAY, .item_kind = FIELD_DATETIME,
	  ARRAY_AT(stamps, nstamps) },
	{ .name = "amounts", .kind = FIELD_ARRAY, .item_kind = FIELD_CENTS,
	  ARRAY_AT(amounts, namounts) },
	{ .name = "counts", .kind = FIELD_ARRAY, .item_kind = FIELD_INT,
	  .min = 0, .max = 0, ARRAY_AT(counts, ncounts) },
	{ .name = "weights", .kind = FIELD_ARRAY, .item_kind = FIELD_NUMBER,
	  ARRAY_AT(weights, nweights) },
	{ .name = "flags", .kind = FIELD_ARRAY, .item_kind = FIELD_BOOL,
	  ARRAY_AT(flags, nflags) },
	{ .name = "matrix", .kind = FIELD_ARRAY, .item_kind = FIELD_ARRAY,
	  STATE(matrix_state) },
	{ .name = "blobs", .kind = FIELD_ARRAY, .item_kind = FIELD_OBJECT,
	  STATE(blobs_state) },
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
	}
	/* Both: the AMAGE message is cut at its size on a character boundary. */
	if (!json_utf8_valid(rq.resp_body, rq.resp_len))
		abort();
	cJSON_Delete(o);
	free(rq.resp_body);
}

/*
 * plain's issues, in order, are decode's, which may have a too_many_items
 * more wherever a JSON array is longer than its struct array.
 */
static void
fuzz_same_issues(const struct validation *plain, const struct validation *v)
{
	int i, j = 0;

	for (i = 0; i < plain->count; i++, j++) {
		while (j < v->count && v->issue[j].reason == REASON_TOO_MANY_ITEMS &&
		    (strcmp(v->issue[j].field, plain->issue[i].field) != 0 ||
		    plain->issue[i].reason != REASON_TOO_MANY_ITEMS))
			j++;
		if (j >= v->count ||
		    strcmp(v->issue[j].field, plain->issue[i].field) != 0 ||
		    v->issue[j].reason != plain->issue[i].reason)
			abort();
	}
}

/* A decoded uuid is canonical: it parses to itself. */
static void
fuzz_check_uuid(const char uuid[UUID_STR_LEN + 1])
{
	char again[UUID_STR_LEN + 1];

	if (uuid_parse(uuid, again) != 0 || strcmp(again, uuid) != 0)
		abort();
}

/* A decoded date is a real calendar date: it formats back to itself. */
static void
fuzz_check_date(int32_t days)
{
	char s[DATE_STR_LEN + 1];
	int32_t again;

	date_format(days, s);
	if (date_parse(s, &again) != 0 || again != days)
		abort();
}

/* What validate_decode wrote into b, against the table's promises. */
static void
fuzz_check_decoded(const struct fuzz_body *b, int found)
{
	int i;

	if (b->unit_id_state == FIELD_SET)
		fuzz_check_uuid(b->unit_id);
	if (b->kind_state == FIELD_SET && (b->kind < 0 || b->kind > 2))
		abort();
	if (b->from_state == FIELD_SET)
		fuzz_check_date(b->from);
	if (b->ninstallments < 0 || b->ninstallments > 12 ||
	    b->nroom_ids < 0 || b->nroom_ids > 5 || b->ndays < 0 ||
	    b->ndays > 4 || b->nmodes < 0 || b->nmodes > 4)
		abort();
	for (i = 0; i < b->ninstallments; i++)
		if (b->installments[i].amount_state == FIELD_SET &&
		    b->installments[i].amount_cents < 0)
			abort();
	if (b->room_ids_state == FIELD_SET)
		for (i = 0; i < b->nroom_ids; i++)
			fuzz_check_uuid(b->room_ids[i]);
	if (b->days_state == FIELD_SET)
		for (i = 0; i < b->ndays; i++)
			fuzz_check_date(b->days[i]);
	if (found == 0 && (b->unit_id_state != FIELD_SET ||
	    b->kind_state != FIELD_SET || b->from_state != FIELD_SET ||
	    b->until_state == FIELD_INVALID ||
	    b->address_state == FIELD_INVALID ||
	    b->installments_state == FIELD_INVALID))
		abort();
}

/* validate_decode on root: the invariants above, then a clear. */
static void
fuzz_decode(const cJSON *root, const struct validation *plain)
{
	static const struct fuzz_body zero;
	struct fuzz_body b;
	struct validation v;
	int n;

	/* padding too: validate_clear must leave the bytes it found */
	memset(&b, 0, sizeof(b));
	memset(&v, 0, sizeof(v));
	n = validate_decode(root, body_fields, &b, "", &v);
	if (n < v.count || (n > v.count) != (v.overflow != 0))
		abort();
	if (!plain->overflow && !v.overflow)
		fuzz_same_issues(plain, &v);
	fuzz_check_decoded(&b, n);
	validate_clear(body_fields, &b);
	if (memcmp(&b, &zero, sizeof(b)) != 0)
		abort();
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
	fuzz_decode(root, &v);

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
