/* scratch: establishments of a test's own (scratch.h). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "business_date.h"
#include "config.h"
#include "datetime.h"
#include "db.h"
#include "harness.h"
#include "inventory.h"
#include "scratch.h"

static const char est_ins_sql[] =
    "INSERT INTO establishments (id, name, time_zone, business_date) "
    "VALUES (?, ?, ?, ?)";
static const char type_ins_sql[] =
    "INSERT INTO unit_types (id, establishment_id, code, name) "
    "VALUES (?, ?, ?, 'itest scratch')";
static const char unit_ins_sql[] =
    "INSERT INTO units (id, establishment_id, unit_type_id, number, active) "
    "VALUES (?, ?, ?, ?, 1)";
static const char rate_plan_ins_sql[] =
    "INSERT INTO rate_plans (id, establishment_id, code, name, currency) "
    "VALUES (?, ?, 'RACK', 'itest scratch', 'EUR')";
static const char guest_ins_sql[] =
    "INSERT INTO guest_profiles (id, establishment_id, full_name, email) "
    "VALUES (?, ?, 'Itest Guest', 'guest@example.org')";
static const char snapshot_sql[] =
    "SELECT DATE_FORMAT(night, '%Y-%m-%d'), total, blocked, committed "
    "FROM inventory_nights WHERE unit_type_id = ? AND night >= ? "
    "AND night < ? ORDER BY night";
static const char available_sql[] =
    "SELECT total - blocked - committed FROM inventory_nights "
    "WHERE unit_type_id = ? AND night = ?";

#define X_AT(file, line, ...)	(harness_sql_at((file), (line), 0, __VA_ARGS__) != NULL)

const char *
day_s(int32_t d)
{
	char b[DATE_STR_LEN + 1];

	date_format(d, b);
	return pool_strdup(b);
}

int32_t
today_in_at(const char *zone, const char *file, int line)
{
	int32_t d = -1;

	if (!check_true(tz_local_date(time(NULL), zone, &d) == 0, file, line,
	    "tz_local_date(%s) failed", zone))
		return -1;
	return d;
}

int
horizon_at(const char *file, int line)
{
	static struct config cfg;
	static int loaded;

	if (!loaded && check_true(config_load(&cfg) == 0, file, line,
	    "config_load failed (PMS_* environment)"))
		loaded = 1;
	return loaded ? cfg.horizon_days : 365;
}

struct materialize_ctx {
	const char *est;
	int32_t from, through;
};

static int
materialize_tx(struct db *db, void *arg)
{
	struct materialize_ctx *m = arg;

	return inventory_materialize(db, m->est, m->from, m->through);
}

int
materialize_at(const char *est, int32_t from, const char *file, int line)
{
	struct materialize_ctx m;
	struct db *db = harness_db_at(file, line);
	int rc;

	if (db == NULL)
		return 0;
	m.est = est;
	m.from = from;
	m.through = from + horizon_at(file, line) - 1;
	rc = db_transaction(db, materialize_tx, &m);
	return check_true(rc == 0, file, line, "inventory_materialize(%s, %s, "
	    "%s): %d (%u %s)", est, day_s(m.from), day_s(m.through), rc,
	    db_errno(db), db_error(db));
}

int
night_audit_at(const char *est, int32_t to, const char *file, int line)
{
	const char *out = admin_run_at(file, line, "night-audit",
	    "--establishment", est, "--to", day_s(to), (const char *)NULL);
	const char *bd = out != NULL ? kv_get(out, "business-date") : NULL;

	return out != NULL && check_true(bd != NULL && strcmp(bd, day_s(to))
	    == 0, file, line, "night-audit --to %s printed: %s", day_s(to),
	    out);
}

const char *
scratch_key_at(const char *est, const char *role, const char *file, int line)
{
	const char *out = admin_run_at(file, line, "api-key", "add", "--role",
	    role, "--establishment", est, "--label", "itest scratch",
	    (const char *)NULL);
	const char *key = out != NULL ? kv_get(out, "key") : NULL;

	check_true(key != NULL && key[0] != '\0', file, line,
	    "api-key add printed no key=: %s", out ? out : "(nothing)");
	return key;
}

static int
uuid_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int
scratch_new_at(struct scratch *s, int ntypes, int nunits, const char *zone,
    int32_t business, int materialise, const char *file, int line)
{
	int t, i;

	memset(s, 0, sizeof(*s));
	if (!check_true(ntypes >= 1 && ntypes <= SCRATCH_MAX_TYPES &&
	    nunits >= 0 && nunits <= SCRATCH_MAX_UNITS, file, line,
	    "scratch: %d types of %d units is out of bounds", ntypes, nunits))
		return 0;
	s->est = fresh_uuid();
	s->zone = zone;
	s->business = business;
	if (!X_AT(file, line, est_ins_sql, 4, s->est, pool_printf("itest "
	    "scratch %.8s", s->est), zone, day_s(business)))
		return 0;
	for (t = 0; t < ntypes; t++)
		s->types[t] = fresh_uuid();
	qsort(s->types, (size_t)ntypes, sizeof(s->types[0]), uuid_cmp);
	s->ntypes = ntypes;
	for (t = 0; t < ntypes; t++) {
		if (!X_AT(file, line, type_ins_sql, 3, s->types[t], s->est,
		    pool_printf("T%d", t + 1)))
			return 0;
		for (i = 0; i < nunits; i++) {
			s->units[t][i] = fresh_uuid();
			if (!X_AT(file, line, unit_ins_sql, 4, s->units[t][i],
			    s->est, s->types[t], pool_printf("%c%02d", 'A' + t,
			    i + 1)))
				return 0;
		}
		s->nunits[t] = nunits;
	}
	s->rate_plan = fresh_uuid();
	s->guest = fresh_uuid();
	if (!X_AT(file, line, rate_plan_ins_sql, 2, s->rate_plan, s->est) ||
	    !X_AT(file, line, guest_ins_sql, 2, s->guest, s->est))
		return 0;
	s->through = business + horizon_at(file, line) - 1;
	if (materialise && !materialize_at(s->est, business, file, line))
		return 0;
	s->key = scratch_key_at(s->est, "manager", file, line);
	s->agent_key = scratch_key_at(s->est, "agent", file, line);
	return s->key != NULL && s->agent_key != NULL;
}

const char *
inventory_snapshot_at(const char *type, int32_t from, int32_t until,
    const char *file, int line)
{
	const struct db_rows *rows = harness_sql_at(file, line, 1,
	    snapshot_sql, 3, type, day_s(from), day_s(until));
	size_t cap = 1, len = 0;
	char *out;
	int i;

	if (rows == NULL)
		return NULL;
	cap += (size_t)rows->nrows * 64;
	if ((out = malloc(cap)) == NULL)
		return NULL;
	out[0] = '\0';
	for (i = 0; i < rows->nrows; i++)
		len += (size_t)snprintf(out + len, cap - len, "%s:%s/%s/%s ",
		    db_cell(rows, i, 0), db_cell(rows, i, 1),
		    db_cell(rows, i, 2), db_cell(rows, i, 3));
	return pool_keep(out, free);
}

long long
available_at(const char *type, int32_t night, const char *file, int line)
{
	const struct db_rows *rows = harness_sql_at(file, line, 1,
	    available_sql, 2, type, day_s(night));
	const char *s = rows != NULL ? db_cell(rows, 0, 0) : NULL;

	if (!check_true(s != NULL, file, line, "no inventory row for %s on %s",
	    type, day_s(night)))
		return -1;
	return atoll(s);
}

/* ---- validation answers ------------------------------------------------- */

int
detail_count(const struct http_response *r)
{
	const cJSON *details = jget(r->json, "details");

	return cJSON_IsArray(details) ? cJSON_GetArraySize(details) : -1;
}

int
check_detail_at(const struct http_response *r, const char *field,
    const char *rule, int only, const char *file, int line)
{
	const cJSON *details = jget(r->json, "details"), *d;
	int ok, found = 0;

	ok = check_pms_error_at(r, 400, "VALIDATION_FAILED", file, line);
	cJSON_ArrayForEach(d, details)
		found |= jstr(d, "field") != NULL && jstr(d, "rule") != NULL &&
		    strcmp(jstr(d, "field"), field) == 0 &&
		    strcmp(jstr(d, "rule"), rule) == 0;
	ok &= check_true(found, file, line, "details lack %s:%s: %.400s",
	    field, rule, r->body ? r->body : "");
	if (only)
		ok &= check_true(detail_count(r) == 1, file, line, "expected "
		    "only %s:%s, got %d details: %.400s", field, rule,
		    detail_count(r), r->body ? r->body : "");
	return ok;
}

/* ---- allotments ----------------------------------------------------------- */

cJSON *
json_set(cJSON *obj, const char *key, const char *raw)
{
	cJSON *v;

	cJSON_DeleteItemFromObjectCaseSensitive(obj, key);
	if (raw != NULL) {
		/* Sent as written: cJSON prints a double with 15 digits only. */
		v = cJSON_Parse(raw);
		if (!check_true(v != NULL, __FILE__, __LINE__, "json_set(%s): "
		    "bad JSON %s", key, raw))
			return obj;
		cJSON_Delete(v);
		cJSON_AddItemToObject(obj, key, cJSON_CreateRaw(raw));
	}
	return obj;
}

cJSON *
allotment_body(const struct scratch *s, const char *type, int32_t from,
    int32_t until, int32_t cutoff, const int *qty)
{
	cJSON *b = pool_json(cJSON_CreateObject()), *allocs, *a;
	int t;

	cJSON_AddStringToObject(b, "establishmentId", s->est);
	cJSON_AddStringToObject(b, "ratePlanId", s->rate_plan);
	cJSON_AddStringToObject(b, "channelType", "group");
	cJSON_AddStringToObject(b, "channelExternalId", "itest-group");
	cJSON_AddStringToObject(b, "allotmentType", type);
	cJSON_AddStringToObject(b, "currency", "EUR");
	cJSON_AddStringToObject(b, "periodFrom", day_s(from));
	cJSON_AddStringToObject(b, "periodTo", day_s(until));
	allocs = cJSON_AddArrayToObject(b, "unitAllocations");
	for (t = 0; t < s->ntypes; t++) {
		if (qty[t] <= 0)
			continue;
		a = cJSON_CreateObject();
		cJSON_AddStringToObject(a, "unitTypeId", s->types[t]);
		cJSON_AddNumberToObject(a, "quantity", qty[t]);
		cJSON_AddItemToArray(allocs, a);
	}
	cJSON_AddStringToObject(b, "cutoffDate", day_s(cutoff));
	cJSON_AddNumberToObject(b, "minimumPickupPercent", 70);
	cJSON_AddStringToObject(b, "penaltyPerRoomNightCents", "5000");
	cJSON_AddNumberToObject(b, "complimentaryRooms", 1);
	cJSON_AddNumberToObject(b, "contractualHeadcount", 20);
	cJSON_AddStringToObject(b, "invoicingMode", "master_single");
	cJSON_AddStringToObject(b, "billingFolioId", fresh_uuid());
	return b;
}

struct http_response *
allotment_post(const char *key, const cJSON *body)
{
	const char *text = pool_json_print(body);

	return pms_request("POST", "/v1/allotments", key, NULL, text,
	    strlen(text));
}

struct http_response *
allotment_action(const char *id, const char *action, const char *key,
    const char *body)
{
	return pms_request("POST", pool_printf("/v1/allotments/%s/%s", id,
	    action), key, NULL, body, body != NULL ? strlen(body) : 0);
}

/* The lower-case uuid data.<member> of a 201, or NULL after a failure. */
static const char *
created_id_at(const struct http_response *r, const char *member,
    const char *file, int line)
{
	const char *id = jstr(jget(r->json, "data"), member);

	if (!check_status_at(r, 201, file, line))
		return NULL;
	if (!check_true(id != NULL && is_lower_uuid(id), file, line,
	    "201: expected data.%s, a lower-case uuid: %.300s", member,
	    r->body ? r->body : ""))
		return NULL;
	return id;
}

const char *
allotment_new_at(const struct scratch *s, const char *type, int32_t from,
    int32_t until, int32_t cutoff, const int *qty, const char *file,
    int line)
{
	return created_id_at(allotment_post(s->key, allotment_body(s, type,
	    from, until, cutoff, qty)), "allotmentId", file, line);
}

cJSON *
pickup_body(const struct scratch *s, int t, int32_t in, int32_t out, int q)
{
	cJSON *b = pool_json(cJSON_CreateObject());

	cJSON_AddStringToObject(b, "checkInDate", day_s(in));
	cJSON_AddStringToObject(b, "checkOutDate", day_s(out));
	cJSON_AddStringToObject(b, "unitTypeId", s->types[t]);
	if (q > 0)
		cJSON_AddNumberToObject(b, "quantity", q);
	cJSON_AddStringToObject(b, "ratePlanId", s->rate_plan);
	cJSON_AddStringToObject(b, "guestProfileId", s->guest);
	cJSON_AddStringToObject(b, "channelType", "group");
	cJSON_AddStringToObject(b, "segment", "group");
	cJSON_AddStringToObject(b, "bookerContactName", "CE Acme");
	cJSON_AddStringToObject(b, "bookerContactEmail", "ce@acme.fr");
	return b;
}

struct http_response *
pickup_post(const char *allot, const char *key, const cJSON *body,
    const char *idem)
{
	const char *text = pool_json_print(body);
	const char *hdrs[2] = { NULL, NULL };

	if (idem != NULL)
		hdrs[0] = pool_printf("Idempotency-Key: %s", idem);
	return pms_request("POST", pool_printf("/v1/allotments/%s/"
	    "reservations", allot), key, hdrs, text, strlen(text));
}

const char *
pickup_new_at(const struct scratch *s, const char *allot, int t, int32_t in,
    int32_t out, int q, const char *file, int line)
{
	return created_id_at(pickup_post(allot, s->agent_key, pickup_body(s,
	    t, in, out, q), NULL), "reservationId", file, line);
}

struct http_response *
pickup_cancel(const char *allot, const char *rid, const char *key)
{
	return pms_request("POST", pool_printf("/v1/allotments/%s/"
	    "reservations/%s/cancel", allot, rid), key, NULL, NULL, 0);
}

const char *
sql_value_at(const char *file, int line, const char *sql, int n, ...)
{
	const struct db_rows *rows;
	va_list ap;

	va_start(ap, n);
	rows = harness_sql_va(file, line, 1, sql, n, ap);
	va_end(ap);
	return rows != NULL && rows->nrows > 0 ? db_cell(rows, 0, 0) : NULL;
}

static const char picked_sql[] =
    "SELECT picked FROM allotment_nights WHERE allotment_id = ? "
    "AND unit_type_id = ? AND night = ?";

long long
picked_at(const char *allot, const char *type, int32_t night,
    const char *file, int line)
{
	const char *v = sql_value_at(file, line, picked_sql, 3, allot, type,
	    day_s(night));

	return v != NULL ? atoll(v) : -1;
}

/* ---- long-stay contracts ------------------------------------------------- */

const char *
installment_json(const char *id, int seq, int32_t due, const char *amount,
    const char *currency)
{
	return pool_printf("{\"id\":\"%s\",\"seqNo\":%d,\"dueDate\":\"%s\","
	    "\"amountCents\":\"%s\",\"currency\":\"%s\"}", id, seq,
	    day_s(due), amount, currency);
}

cJSON *
contract_body(const struct scratch *s)
{
	cJSON *b = pool_json(cJSON_CreateObject()), *items, *it;
	int i;

	cJSON_AddStringToObject(b, "establishmentId", s->est);
	cJSON_AddStringToObject(b, "guestProfileId", s->guest);
	cJSON_AddStringToObject(b, "periodStart", day_s(s->business + 10));
	cJSON_AddStringToObject(b, "periodEnd", day_s(s->business + 40));
	cJSON_AddStringToObject(b, "totalAmountCents", "300000");
	cJSON_AddStringToObject(b, "currency", "EUR");
	items = cJSON_AddArrayToObject(b, "installments");
	for (i = 0; i < 3; i++) {
		it = cJSON_CreateObject();
		cJSON_AddStringToObject(it, "id", fresh_uuid());
		cJSON_AddNumberToObject(it, "seqNo", i + 1);
		cJSON_AddStringToObject(it, "dueDate", day_s(s->business +
		    10 * (i + 1)));
		cJSON_AddStringToObject(it, "amountCents", "100000");
		cJSON_AddStringToObject(it, "currency", "EUR");
		cJSON_AddItemToArray(items, it);
	}
	return b;
}

struct http_response *
contract_post(const char *key, const cJSON *body, const char *idem)
{
	const char *text = pool_json_print(body);
	const char *hdrs[2] = { NULL, NULL };

	if (idem != NULL)
		hdrs[0] = pool_printf("Idempotency-Key: %s", idem);
	return pms_request("POST", "/v1/long-stay-contracts", key, hdrs, text,
	    strlen(text));
}

struct http_response *
contract_get(const char *id, const char *key)
{
	return pms_get(pool_printf("/v1/long-stay-contracts/%s", id), key);
}

const char *
contract_new_at(const struct scratch *s, const cJSON *body, const char *file,
    int line)
{
	return created_id_at(contract_post(s->key, body != NULL ? body :
	    contract_body(s), NULL), "contractId", file, line);
}

/* data of a 200 GET of contract id, or NULL after a failure. */
const cJSON *
contract_data_at(const char *id, const char *key, const char *file, int line)
{
	struct http_response *r = contract_get(id, key);
	const cJSON *data = jget(r->json, "data");

	if (!check_status_at(r, 200, file, line) || !check_json_at(r, file,
	    line) || !check_true(cJSON_IsObject(data), file, line,
	    "no data object: %.300s", r->body))
		return NULL;
	return data;
}

/* One installment of a GET as sent, with the JSON types of SPEC 2.7. */
int
check_installment_at(const cJSON *got, const char *id, int seq, int32_t due,
    const char *amount, const char *currency, const char *file, int line)
{
	int ok = check_true(cJSON_IsObject(got), file, line, "installment "
	    "seqNo %d: not an object: %s", seq, jshow(got));

	ok &= check_true(jstr(got, "id") != NULL && strcasecmp(jstr(got,
	    "id"), id) == 0, file, line, "installment seqNo %d: id %s, "
	    "expected %s", seq, jshow(jget(got, "id")), id);
	ok &= check_json_num_at(got, "seqNo", seq, file, line);
	ok &= check_json_str_at(got, "dueDate", day_s(due), file, line);
	ok &= check_json_str_at(got, "amountCents", amount, file, line);
	ok &= check_json_str_at(got, "currency", currency, file, line);
	return ok;
}
