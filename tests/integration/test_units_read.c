/*
 * test_units_read: the read endpoints of the units family, answered as
 * SPEC 2.7 fixes them:
 *  - GET /v1/units/{unitId}: the unit with its current and future blocks
 *    (refId = unit_blocks.id, oooUntil null when open-ended), in oooFrom
 *    order; ended and returned blocks left out;
 *  - GET /v1/units?establishmentId=&page=&size=: the list shape, paging in
 *    unit-number order, each unit with its own blocks;
 *  - GET /v1/availability?establishmentId=&from=&to=[&unitTypeId=]: one
 *    entry per type and night, available = total - blocked - committed,
 *    from the inventory rows where they exist and from the truth where
 *    they do not; 366 nights answered, 367 refused; the filter;
 *  - every 400 (all bad parameters in one answer), 403 and 404.
 * Read-only checks use the demo data set (SPEC 5).  Tests that need blocks,
 * committed counts or an exact set of units build an establishment of
 * their own with SQL (fresh ids, an API key scoped to it), through the
 * test stack's database (lib/db.h, PMS_DB_* from scripts/test.sh), so the
 * demo establishments are never written.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "datetime.h"
#include "db.h"
#include "harness.h"
#include "inventory.h"

/* ---- the database, written directly ------------------------------------- */


/* The harness's SQL helper (harness.h): query 1 for rows, 0 for a statement. */
#define sql_at			harness_sql_at
#define Q(...)			sql_at(__FILE__, __LINE__, 1, __VA_ARGS__)
#define X(...)			(sql_at(__FILE__, __LINE__, 0, __VA_ARGS__) != NULL)

/* ---- dates ----------------------------------------------------------------- */

/* base + delta days, as YYYY-MM-DD (pool). */
static const char *
day(const char *base, int delta)
{
	char out[DATE_STR_LEN + 1];
	int32_t d;

	if (date_parse(base, &d) != 0)
		return pool_strdup("(bad date)");
	date_format(d + delta, out);
	return pool_strdup(out);
}

static const char business_date_sql[] =
    "SELECT DATE_FORMAT(business_date, '%Y-%m-%d') FROM establishments "
    "WHERE id = ?";

/* The business date of establishment id (pool), or NULL after a failure. */
static const char *
business_date(const char *id)
{
	struct db_rows *rows = Q(business_date_sql, 1, id);
	const char *s = db_cell(rows, 0, 0);

	return CHECKF(s != NULL, "no business date for %s", id) ?
	    pool_strdup(s) : NULL;
}

/* ---- an establishment of the test's own ------------------------------------ */

static const char est_insert_sql[] =
    "INSERT INTO establishments (id, name, time_zone, business_date) "
    "VALUES (?, ?, 'Europe/Paris', ?)";
static const char type_insert_sql[] =
    "INSERT INTO unit_types (id, establishment_id, code, name) "
    "VALUES (?, ?, ?, ?)";
static const char unit_insert_sql[] =
    "INSERT INTO units (id, establishment_id, unit_type_id, number, active) "
    "VALUES (?, ?, ?, ?, ?)";
static const char key_insert_sql[] =
    "INSERT INTO api_keys (key_sha256, label, role, all_establishments) "
    "VALUES (SHA2(?, 256), 'itest units read', 'agent', ?)";
static const char scope_insert_sql[] =
    "INSERT INTO api_key_scopes (api_key_id, establishment_id) "
    "SELECT id, ? FROM api_keys WHERE key_sha256 = SHA2(?, 256)";
static const char block_insert_sql[] =
    "INSERT INTO unit_blocks (id, unit_id, establishment_id, kind, "
    "ooo_from, ooo_until, released_at) VALUES (?, ?, ?, ?, ?, ?, ?)";
static const char committed_set_sql[] =
    "UPDATE inventory_nights SET committed = ? "
    "WHERE unit_type_id = ? AND night = ?";

/* A fresh agent key: scoped to establishment, or to all when NULL (pool);
   NULL after a failure. */
static const char *
key_new(const char *establishment)
{
	const char *key = pool_printf("itest-read-%s-%s", fresh_uuid(),
	    fresh_uuid());

	if (!X(key_insert_sql, 2, key, establishment != NULL ? "0" : "1") ||
	    (establishment != NULL &&
	    !X(scope_insert_sql, 2, establishment, key)))
		return NULL;
	return key;
}

/* Units of the fixture, in number order: A1..A4 of type A (A4 inactive),
   B1 and B2 of type B. */
enum { A1, A2, A3, A4, B1, B2, NUNITS };
static const char *const unit_numbers[NUNITS] = {
	"A1", "A2", "A3", "A4", "B1", "B2"
};

struct fixture {
	const char *id, *bd;		/* establishment, business date */
	const char *type_a, *type_b;
	const char *unit[NUNITS];
	const char *key;		/* agent, scoped to it */
};

/* A new establishment whose business date is bd: 0, or -1 after a
   failure was recorded. */
static int
fixture_new(struct fixture *f, const char *bd)
{
	int i, ok;

	f->id = fresh_uuid();
	f->bd = bd;
	f->type_a = fresh_uuid();
	f->type_b = fresh_uuid();
	ok = X(est_insert_sql, 3, f->id, pool_printf("itest %s", f->id), bd) &&
	    X(type_insert_sql, 4, f->type_a, f->id, "A", "Type A") &&
	    X(type_insert_sql, 4, f->type_b, f->id, "B", "Type B");
	for (i = 0; ok && i < NUNITS; i++) {
		f->unit[i] = fresh_uuid();
		ok = X(unit_insert_sql, 5, f->unit[i], f->id,
		    i < B1 ? f->type_a : f->type_b, unit_numbers[i],
		    i == A4 ? "0" : "1");
	}
	if (ok)
		ok = (f->key = key_new(f->id)) != NULL;
	return ok ? 0 : -1;
}

/* A block of unit u of f (until, released may be NULL); its id (pool). */
static const char *
block_add(const struct fixture *f, int u, const char *kind, const char *from,
    const char *until, const char *released)
{
	const char *id = fresh_uuid();

	return X(block_insert_sql, 7, id, f->unit[u], f->id, kind, from, until,
	    released) ? id : NULL;
}

struct materialize {
	const char *establishment;
	int32_t from, through;
};

static int
materialize_tx(struct db *db, void *ctx)
{
	const struct materialize *m = ctx;

	return inventory_materialize(db, m->establishment, m->from,
	    m->through);
}

/* Rows of f's nights [bd, bd + nights), as the night audit makes them. */
static int
fixture_materialize(const struct fixture *f, int nights)
{
	struct materialize m = { .establishment = f->id };
	struct db *db;
	int rc;

	if ((db = HARNESS_DB()) == NULL ||
	    date_parse(f->bd, &m.from) != 0)
		return -1;
	m.through = m.from + nights - 1;
	rc = db_transaction(db, materialize_tx, &m);
	return CHECKF(rc == 0, "inventory_materialize: %d (%u %s)", rc,
	    db_errno(db), db_error(db)) ? 0 : -1;
}

/* ---- answers ------------------------------------------------------------- */

/*
 * A 400 VALIDATION_FAILED whose details are exactly the NULL-terminated
 * "field:rule" pairs, in any order.
 */
static int
check_details_at(const struct http_response *r, const char *file, int line,
    ...)
{
	const cJSON *details, *d;
	const char *want;
	char pair[160];
	int n = 0, ok;
	va_list ap;

	ok = check_pms_error_at(r, 400, "VALIDATION_FAILED", file, line);
	details = jget(r->json, "details");
	va_start(ap, line);
	while ((want = va_arg(ap, const char *)) != NULL) {
		int found = 0;

		n++;
		cJSON_ArrayForEach(d, details) {
			snprintf(pair, sizeof(pair), "%s:%s",
			    jstr(d, "field") ? jstr(d, "field") : "",
			    jstr(d, "rule") ? jstr(d, "rule") : "");
			found |= strcmp(pair, want) == 0;
		}
		ok &= check_true(found, file, line, "details lack %s: %s", want,
		    jshow(details));
	}
	va_end(ap);
	ok &= check_true(cJSON_GetArraySize(details) == n, file, line,
	    "%d details, expected %d: %s", cJSON_GetArraySize(details), n,
	    jshow(details));
	return ok;
}
#define CHECK_DETAILS(r, ...)	check_details_at((r), __FILE__, __LINE__, __VA_ARGS__, (const char *)NULL)

/* key is a JSON integer (a number with no fraction) equal to want. */
static int
check_json_int_at(const cJSON *obj, const char *key, long long want,
    const char *file, int line)
{
	const cJSON *v = jget(obj, key);

	return check_true(cJSON_IsNumber(v) &&
	    v->valuedouble == (double)(long long)v->valuedouble &&
	    (long long)v->valuedouble == want, file, line,
	    "\"%s\": %s, expected %lld", key, jshow(v), want);
}
#define CHECK_JSON_INT(o, k, want) check_json_int_at((o), (k), (want), __FILE__, __LINE__)

/* obj[key] as a whole number; -1 when it is not a number. */
static long long
jnum(const cJSON *obj, const char *key)
{
	const cJSON *v = jget(obj, key);

	return cJSON_IsNumber(v) ? (long long)v->valuedouble : -1;
}

/* The unit of a list answer's data with this id, or NULL. */
static const cJSON *
list_unit(const cJSON *data, const char *id)
{
	const cJSON *u;

	cJSON_ArrayForEach(u, data)
		if (jstr(u, "id") != NULL && strcmp(jstr(u, "id"), id) == 0)
			return u;
	return NULL;
}

static struct http_response *
units_page(const char *key, const char *establishment, const char *extra)
{
	return pms_get(pool_printf("/v1/units?establishmentId=%s%s",
	    establishment, extra), key);
}

static struct http_response *
availability(const char *key, const char *establishment, const char *from,
    const char *to, const char *type)
{
	return pms_get(pool_printf("/v1/availability?establishmentId=%s"
	    "&from=%s&to=%s%s%s", establishment, from, to,
	    type != NULL ? "&unitTypeId=" : "", type != NULL ? type : ""), key);
}

/* The entry of unit type type in an availability answer, or NULL. */
static const cJSON *
avail_type(const struct http_response *r, const char *type)
{
	const cJSON *t;

	cJSON_ArrayForEach(t, jget(jget(r->json, "data"), "unitTypes"))
		if (jstr(t, "unitTypeId") != NULL &&
		    strcmp(jstr(t, "unitTypeId"), type) == 0)
			return t;
	return NULL;
}

/*
 * The nights of t are exactly [from, from + n), one each, in order, each
 * with integer counts and available = total - blocked - committed.
 */
static int
check_nights_at(const cJSON *t, const char *from, int n, const char *file,
    int line)
{
	const cJSON *nights = jget(t, "nights"), *night;
	long long total, blocked, committed;
	int i = 0, ok;

	ok = check_true(cJSON_GetArraySize(nights) == n, file, line,
	    "%d nights, expected %d", cJSON_GetArraySize(nights), n);
	cJSON_ArrayForEach(night, nights) {
		const char *want = day(from, i++);

		if (!check_str(want, jstr(night, "date"), "date", file, line))
			return 0;
		total = jnum(night, "total");
		blocked = jnum(night, "blocked");
		committed = jnum(night, "committed");
		ok &= check_json_int_at(night, "total", total, file, line) &&
		    check_json_int_at(night, "blocked", blocked, file, line) &&
		    check_json_int_at(night, "committed", committed, file,
		    line) && check_json_int_at(night, "available",
		    total - blocked - committed, file, line);
	}
	return ok;
}
#define CHECK_NIGHTS(t, from, n) check_nights_at((t), (from), (n), __FILE__, __LINE__)

/* The night of t dated date holds these counts, available included. */
static int
check_night_at(const cJSON *t, const char *date, int total, int blocked,
    int committed, const char *file, int line)
{
	const cJSON *night;

	cJSON_ArrayForEach(night, jget(t, "nights"))
		if (jstr(night, "date") != NULL &&
		    strcmp(jstr(night, "date"), date) == 0)
			return check_json_int_at(night, "total", total, file,
			    line) & check_json_int_at(night, "blocked",
			    blocked, file, line) & check_json_int_at(night,
			    "committed", committed, file, line) &
			    check_json_int_at(night, "available",
			    total - blocked - committed, file, line);
	return check_true(0, file, line, "no night %s", date);
}
#define CHECK_NIGHT(t, date, tot, blk, com) check_night_at((t), (date), (tot), (blk), (com), __FILE__, __LINE__)

/* ---- GET /v1/units/{unitId} ------------------------------------------------ */

TEST(unit_lists_current_and_future_blocks_in_ooo_from_order)
{
	const char *open, *current, *future, *bd = "2030-01-10";
	const cJSON *data, *blocks, *b;
	struct http_response *r;
	struct fixture f;

	REQUIRE(fixture_new(&f, bd) == 0);
	/* Inserted out of order; the ended and the returned one stay out. */
	REQUIRE((open = block_add(&f, A1, "oos", day(bd, 20), NULL,
	    NULL)) != NULL);
	REQUIRE(block_add(&f, A1, "ooo", day(bd, -5), bd, NULL) != NULL);
	REQUIRE((future = block_add(&f, A1, "ooo", day(bd, 4), day(bd, 6),
	    NULL)) != NULL);
	REQUIRE((current = block_add(&f, A1, "oos", day(bd, -1), day(bd, 1),
	    NULL)) != NULL);
	REQUIRE(block_add(&f, A1, "ooo", day(bd, 8), day(bd, 8),
	    "2030-01-09 12:00:00") != NULL);

	r = pms_get(pool_printf("/v1/units/%s", f.unit[A1]), f.key);
	REQUIRE(CHECK_STATUS(r, 200));
	data = jget(r->json, "data");
	CHECK_JSON_STR(data, "id", f.unit[A1]);
	CHECK_JSON_STR(data, "establishmentId", f.id);
	CHECK_JSON_STR(data, "unitTypeId", f.type_a);
	CHECK_JSON_STR(data, "number", "A1");
	CHECK_JSON_BOOL(data, "active", 1);
	blocks = jget(data, "blocks");
	REQUIRE(CHECKF(cJSON_GetArraySize(blocks) == 3,
	    "expected 3 blocks: %s", jshow(blocks)));
	b = cJSON_GetArrayItem(blocks, 0);
	CHECK_JSON_STR(b, "refId", current);
	CHECK_JSON_STR(b, "kind", "oos");
	CHECK_JSON_STR(b, "oooFrom", day(bd, -1));
	CHECK_JSON_STR(b, "oooUntil", day(bd, 1));
	b = cJSON_GetArrayItem(blocks, 1);
	CHECK_JSON_STR(b, "refId", future);
	CHECK_JSON_STR(b, "kind", "ooo");
	CHECK_JSON_STR(b, "oooFrom", day(bd, 4));
	CHECK_JSON_STR(b, "oooUntil", day(bd, 6));
	b = cJSON_GetArrayItem(blocks, 2);
	CHECK_JSON_STR(b, "refId", open);
	CHECK_JSON_STR(b, "oooFrom", day(bd, 20));
	CHECK_JSON_NULL(b, "oooUntil");
}

TEST(unit_without_blocks_has_an_empty_blocks_array)
{
	struct http_response *r;
	struct fixture f;

	REQUIRE(fixture_new(&f, "2030-01-10") == 0);
	r = pms_get(pool_printf("/v1/units/%s", f.unit[A2]), f.key);
	REQUIRE(CHECK_STATUS(r, 200));
	CHECKF(cJSON_IsArray(jget(jget(r->json, "data"), "blocks")) &&
	    cJSON_GetArraySize(jget(jget(r->json, "data"), "blocks")) == 0,
	    "expected \"blocks\":[]: %s", r->body);
}

TEST(inactive_unit_is_answered_with_active_false)
{
	struct http_response *r;
	struct fixture f;

	REQUIRE(fixture_new(&f, "2030-01-10") == 0);
	r = pms_get(pool_printf("/v1/units/%s", f.unit[A4]), f.key);
	REQUIRE(CHECK_STATUS(r, 200));
	CHECK_JSON_BOOL(jget(r->json, "data"), "active", 0);
}

/* ---- GET /v1/units?establishmentId= ----------------------------------------- */

TEST(paris_list_holds_its_15_units_in_number_order_with_the_list_shape)
{
	static const char *const numbers[] = { "101", "102", "103", "104",
	    "105", "106", "107", "108", "109", "110", "201", "202", "203",
	    "204", "205" };
	const cJSON *data, *page, *u;
	struct http_response *r;
	int i = 0;

	r = units_page(KEY_PARIS_AGENT, PARIS_ID, "");
	REQUIRE(CHECK_STATUS(r, 200));
	CHECK_JSON(r);
	data = jget(r->json, "data");
	page = jget(r->json, "page");
	REQUIRE(CHECKF(cJSON_IsArray(data) && cJSON_IsObject(page),
	    "expected {\"data\":[...],\"page\":{...}}: %.200s", r->body));
	CHECK_JSON_INT(page, "number", 1);
	CHECK_JSON_INT(page, "size", 50);
	CHECK_JSON_INT(page, "total", 15);
	REQUIRE(CHECK_INT(15, cJSON_GetArraySize(data)));
	cJSON_ArrayForEach(u, data) {
		CHECK_JSON_STR(u, "number", numbers[i]);
		CHECK_JSON_STR(u, "establishmentId", PARIS_ID);
		CHECK_JSON_STR(u, "unitTypeId", i < 10 ? UNIT_TYPE_PARIS_DBL :
		    UNIT_TYPE_PARIS_SGL);
		CHECKF(is_lower_uuid(jstr(u, "id")), "unit %d: id %s", i,
		    jshow(jget(u, "id")));
		CHECKF(cJSON_IsBool(jget(u, "active")), "unit %d: active", i);
		CHECKF(cJSON_IsArray(jget(u, "blocks")), "unit %d: blocks", i);
		i++;
	}
	CHECK_JSON_STR(list_unit(data, UNIT_PARIS_01), "number", "101");
}

TEST(list_pages_by_size_in_number_order_and_past_the_end_is_empty)
{
	static const struct {
		const char *query;
		int number, size, first, count;
	} pages[] = {
		{ "&size=4", 1, 4, A1, 4 },
		{ "&size=4&page=2", 2, 4, B1, 2 },
		{ "&page=3&size=4", 3, 4, 0, 0 },
		{ "&size=200", 1, 200, A1, NUNITS },
		{ "&page=2", 2, 50, 0, 0 },
	};
	const cJSON *data, *page;
	struct http_response *r;
	struct fixture f;
	size_t p;
	int i;

	REQUIRE(fixture_new(&f, "2030-01-10") == 0);
	for (p = 0; p < sizeof(pages) / sizeof(pages[0]); p++) {
		r = units_page(f.key, f.id, pages[p].query);
		if (!CHECK_STATUS(r, 200))
			continue;
		data = jget(r->json, "data");
		page = jget(r->json, "page");
		CHECK_JSON_INT(page, "number", pages[p].number);
		CHECK_JSON_INT(page, "size", pages[p].size);
		CHECK_JSON_INT(page, "total", NUNITS);
		if (!CHECKF(cJSON_GetArraySize(data) == pages[p].count,
		    "%s: %d units, expected %d", pages[p].query,
		    cJSON_GetArraySize(data), pages[p].count))
			continue;
		for (i = 0; i < pages[p].count; i++)
			CHECK_JSON_STR(cJSON_GetArrayItem(data, i), "id",
			    f.unit[pages[p].first + i]);
	}
}

TEST(list_gives_each_unit_its_own_blocks_and_pages_units_not_blocks)
{
	const char *a1_now, *a1_later, *b1_open, *bd = "2030-01-10";
	const cJSON *data, *blocks;
	struct http_response *r;
	struct fixture f;

	REQUIRE(fixture_new(&f, bd) == 0);
	REQUIRE((a1_later = block_add(&f, A1, "ooo", day(bd, 5), day(bd, 7),
	    NULL)) != NULL);
	REQUIRE((a1_now = block_add(&f, A1, "oos", bd, day(bd, 2),
	    NULL)) != NULL);
	REQUIRE((b1_open = block_add(&f, B1, "ooo", day(bd, 1), NULL,
	    NULL)) != NULL);
	REQUIRE(block_add(&f, A2, "ooo", day(bd, -3), day(bd, -1),
	    NULL) != NULL);

	/* Two units, A1's two blocks included: the page counts units. */
	r = units_page(f.key, f.id, "&size=2");
	REQUIRE(CHECK_STATUS(r, 200));
	data = jget(r->json, "data");
	REQUIRE(CHECK_INT(2, cJSON_GetArraySize(data)));
	blocks = jget(list_unit(data, f.unit[A1]), "blocks");
	REQUIRE(CHECK_INT(2, cJSON_GetArraySize(blocks)));
	CHECK_JSON_STR(cJSON_GetArrayItem(blocks, 0), "refId", a1_now);
	CHECK_JSON_STR(cJSON_GetArrayItem(blocks, 1), "refId", a1_later);
	CHECK_INT(0, cJSON_GetArraySize(jget(list_unit(data, f.unit[A2]),
	    "blocks")));

	r = units_page(f.key, f.id, "&size=2&page=3");
	REQUIRE(CHECK_STATUS(r, 200));
	data = jget(r->json, "data");
	blocks = jget(list_unit(data, f.unit[B1]), "blocks");
	REQUIRE(CHECK_INT(1, cJSON_GetArraySize(blocks)));
	CHECK_JSON_STR(cJSON_GetArrayItem(blocks, 0), "refId", b1_open);
	CHECK_JSON_NULL(cJSON_GetArrayItem(blocks, 0), "oooUntil");
	CHECK_INT(0, cJSON_GetArraySize(jget(list_unit(data, f.unit[B2]),
	    "blocks")));
}

TEST(list_without_establishment_id_is_400_naming_it)
{
	CHECK_DETAILS(pms_get("/v1/units", KEY_PARIS_AGENT),
	    "establishmentId:required");
	CHECK_DETAILS(pms_get("/v1/units?establishmentId=", KEY_PARIS_AGENT),
	    "establishmentId:required");
}

TEST(list_with_a_malformed_establishment_id_is_400_bad_uuid)
{
	CHECK_DETAILS(units_page(KEY_PARIS_AGENT, "not-a-uuid", ""),
	    "establishmentId:bad_uuid");
	CHECK_DETAILS(units_page(KEY_PARIS_AGENT, PARIS_ID "0", ""),
	    "establishmentId:bad_uuid");
}

TEST(list_refuses_page_below_1_and_size_outside_1_to_200)
{
	CHECK_DETAILS(units_page(KEY_PARIS_AGENT, PARIS_ID, "&page=0"),
	    "page:out_of_range");
	CHECK_DETAILS(units_page(KEY_PARIS_AGENT, PARIS_ID, "&page=-1"),
	    "page:wrong_type");
	CHECK_DETAILS(units_page(KEY_PARIS_AGENT, PARIS_ID, "&size=0"),
	    "size:out_of_range");
	CHECK_DETAILS(units_page(KEY_PARIS_AGENT, PARIS_ID, "&size=201"),
	    "size:out_of_range");
	CHECK_DETAILS(units_page(KEY_PARIS_AGENT, PARIS_ID, "&size=abc"),
	    "size:wrong_type");
	CHECK_DETAILS(units_page(KEY_PARIS_AGENT, PARIS_ID,
	    "&page=99999999999999999999999"), "page:out_of_range");
}

TEST(list_names_every_bad_parameter_in_one_400)
{
	CHECK_DETAILS(pms_get("/v1/units?page=0&size=500", KEY_PARIS_AGENT),
	    "establishmentId:required", "page:out_of_range",
	    "size:out_of_range");
}

TEST(list_of_an_establishment_outside_the_scope_is_403)
{
	struct http_response *r;

	r = units_page(KEY_PARIS_AGENT, LYON_ID, "");
	CHECK_PMS_ERROR(r, 403, "OUT_OF_SCOPE");
	CHECKF(strstr(r->body, UNIT_LYON_16) == NULL,
	    "a 403 names a Lyon unit");
	CHECK_PMS_ERROR(units_page(KEY_LYON_MANAGER, PARIS_ID, ""), 403,
	    "OUT_OF_SCOPE");
}

TEST(list_of_an_unknown_establishment_is_404_or_403_outside_the_scope)
{
	const char *all = key_new(NULL), *unknown = fresh_uuid();

	REQUIRE(all != NULL);
	CHECK_PMS_ERROR(units_page(all, unknown, ""), 404,
	    "ESTABLISHMENT_NOT_FOUND");
	/* A scoped key learns nothing of ids outside its scope. */
	CHECK_PMS_ERROR(units_page(KEY_PARIS_AGENT, unknown, ""), 403,
	    "OUT_OF_SCOPE");
}

TEST(list_accepts_an_upper_case_establishment_id)
{
	struct http_response *r;

	r = units_page(KEY_PARIS_AGENT, pool_upper(PARIS_ID), "&size=1");
	REQUIRE(CHECK_STATUS(r, 200));
	CHECK_JSON_STR(cJSON_GetArrayItem(jget(r->json, "data"), 0),
	    "establishmentId", PARIS_ID);
}

/* ---- GET /v1/availability ---------------------------------------------------- */

TEST(availability_of_paris_answers_each_type_and_night_with_integer_counts)
{
	const char *bd = business_date(PARIS_ID);
	const cJSON *data, *dbl, *sgl;
	struct http_response *r;

	REQUIRE(bd != NULL);
	r = availability(KEY_PARIS_AGENT, PARIS_ID, bd, day(bd, 3), NULL);
	REQUIRE(CHECK_STATUS(r, 200));
	CHECK_JSON(r);
	data = jget(r->json, "data");
	CHECK_JSON_STR(data, "establishmentId", PARIS_ID);
	CHECK_JSON_STR(data, "from", bd);
	CHECK_JSON_STR(data, "to", day(bd, 3));
	CHECK_INT(2, cJSON_GetArraySize(jget(data, "unitTypes")));
	dbl = avail_type(r, UNIT_TYPE_PARIS_DBL);
	sgl = avail_type(r, UNIT_TYPE_PARIS_SGL);
	REQUIRE(CHECKF(dbl != NULL && sgl != NULL, "DBL and SGL expected: %s",
	    jshow(jget(data, "unitTypes"))));
	CHECK_NIGHTS(dbl, bd, 3);
	CHECK_NIGHTS(sgl, bd, 3);
	CHECK_JSON_INT(cJSON_GetArrayItem(jget(dbl, "nights"), 0), "total", 10);
	CHECK_JSON_INT(cJSON_GetArrayItem(jget(sgl, "nights"), 0), "total", 5);
}

/*
 * Nights with rows (business date .. +9, committed set in the rows) are
 * read from them; nights before and after are computed from the truth,
 * and both agree on blocks.  Type A: 3 active units (A4 is inactive), A1
 * blocked [bd-2, bd+3), A2 from bd+5 on (open-ended), 1 committed on
 * bd+1 and bd+2.  Type B: 2 units, 2 committed on bd+4.
 */
TEST(availability_is_total_minus_blocked_minus_committed_each_night)
{
	const char *bd = "2030-01-10", *from = day(bd, -3);
	const cJSON *a, *b;
	struct http_response *r;
	struct fixture f;
	int i;

	REQUIRE(fixture_new(&f, bd) == 0);
	REQUIRE(block_add(&f, A1, "ooo", day(bd, -2), day(bd, 3),
	    NULL) != NULL);
	REQUIRE(block_add(&f, A2, "oos", day(bd, 5), NULL, NULL) != NULL);
	REQUIRE(fixture_materialize(&f, 10) == 0);
	REQUIRE(X(committed_set_sql, 3, "1", f.type_a, day(bd, 1)));
	REQUIRE(X(committed_set_sql, 3, "1", f.type_a, day(bd, 2)));
	REQUIRE(X(committed_set_sql, 3, "2", f.type_b, day(bd, 4)));

	r = availability(f.key, f.id, from, day(bd, 13), NULL);
	REQUIRE(CHECK_STATUS(r, 200));
	a = avail_type(r, f.type_a);
	b = avail_type(r, f.type_b);
	REQUIRE(CHECKF(a != NULL && b != NULL, "types A and B expected"));
	CHECK_NIGHTS(a, from, 16);
	CHECK_NIGHTS(b, from, 16);
	CHECK_NIGHT(a, day(bd, -3), 3, 0, 0);
	CHECK_NIGHT(a, day(bd, -2), 3, 1, 0);
	CHECK_NIGHT(a, day(bd, -1), 3, 1, 0);
	CHECK_NIGHT(a, bd, 3, 1, 0);
	CHECK_NIGHT(a, day(bd, 1), 3, 1, 1);
	CHECK_NIGHT(a, day(bd, 2), 3, 1, 1);
	CHECK_NIGHT(a, day(bd, 3), 3, 0, 0);
	CHECK_NIGHT(a, day(bd, 4), 3, 0, 0);
	for (i = 5; i < 13; i++)	/* rows to bd+9, the truth after */
		CHECK_NIGHT(a, day(bd, i), 3, 1, 0);
	for (i = -3; i < 13; i++)
		CHECK_NIGHT(b, day(bd, i), 2, 0, i == 4 ? 2 : 0);
}

TEST(availability_of_an_establishment_without_rows_comes_from_the_truth)
{
	const char *bd = "2030-01-10";
	struct http_response *r;
	struct fixture f;

	REQUIRE(fixture_new(&f, bd) == 0);
	REQUIRE(block_add(&f, B2, "ooo", day(bd, 1), day(bd, 2), NULL) != NULL);
	/* A returned block is cut to its release date: it covers nothing. */
	REQUIRE(block_add(&f, B1, "ooo", day(bd, 1), day(bd, 1),
	    "2030-01-10 09:00:00") != NULL);
	r = availability(f.key, f.id, bd, day(bd, 3), f.type_b);
	REQUIRE(CHECK_STATUS(r, 200));
	CHECK_NIGHT(avail_type(r, f.type_b), bd, 2, 0, 0);
	CHECK_NIGHT(avail_type(r, f.type_b), day(bd, 1), 2, 1, 0);
	CHECK_NIGHT(avail_type(r, f.type_b), day(bd, 2), 2, 0, 0);
}

TEST(availability_of_366_nights_is_answered_night_by_night)
{
	const char *from = "2028-01-01";	/* a leap year */
	struct http_response *r;

	r = availability(KEY_PARIS_AGENT, PARIS_ID, from, "2029-01-01", NULL);
	REQUIRE(CHECK_STATUS(r, 200));
	CHECK_NIGHTS(avail_type(r, UNIT_TYPE_PARIS_DBL), from, 366);
	CHECK_NIGHTS(avail_type(r, UNIT_TYPE_PARIS_SGL), from, 366);
}

TEST(availability_of_367_nights_is_400_on_to)
{
	CHECK_DETAILS(availability(KEY_PARIS_AGENT, PARIS_ID, "2028-01-01",
	    "2029-01-02", NULL), "to:out_of_range");
}

TEST(availability_with_to_not_after_from_is_400_on_to)
{
	CHECK_DETAILS(availability(KEY_PARIS_AGENT, PARIS_ID, "2030-01-10",
	    "2030-01-10", NULL), "to:before_start");
	CHECK_DETAILS(availability(KEY_PARIS_AGENT, PARIS_ID, "2030-01-10",
	    "2030-01-09", NULL), "to:before_start");
}

TEST(availability_without_parameters_lists_each_missing_one)
{
	CHECK_DETAILS(pms_get("/v1/availability", KEY_PARIS_AGENT),
	    "establishmentId:required", "from:required", "to:required");
	CHECK_DETAILS(pms_get("/v1/availability?establishmentId=" PARIS_ID
	    "&from=&to=2030-01-10", KEY_PARIS_AGENT), "from:required");
}

TEST(availability_names_every_bad_parameter_in_one_400)
{
	CHECK_DETAILS(availability(KEY_PARIS_AGENT, "nope", "2030-02-30",
	    "10-01-2030", "aaaa"), "establishmentId:bad_uuid",
	    "from:bad_date", "to:bad_date", "unitTypeId:bad_uuid");
	CHECK_DETAILS(availability(KEY_PARIS_AGENT, PARIS_ID, "2030-1-1",
	    "2030-01-10%00", NULL), "from:bad_date", "to:bad_date");
}

TEST(availability_filtered_by_unit_type_answers_only_that_type)
{
	struct http_response *r;
	const cJSON *types;

	r = availability(KEY_PARIS_AGENT, PARIS_ID, "2030-01-10", "2030-01-12",
	    pool_upper(UNIT_TYPE_PARIS_SGL));
	REQUIRE(CHECK_STATUS(r, 200));
	types = jget(jget(r->json, "data"), "unitTypes");
	REQUIRE(CHECK_INT(1, cJSON_GetArraySize(types)));
	CHECK_JSON_STR(cJSON_GetArrayItem(types, 0), "unitTypeId",
	    UNIT_TYPE_PARIS_SGL);
	CHECK_NIGHTS(cJSON_GetArrayItem(types, 0), "2030-01-10", 2);
}

TEST(availability_of_an_unknown_unit_type_or_another_establishments_is_404)
{
	CHECK_PMS_ERROR(availability(KEY_PARIS_AGENT, PARIS_ID, "2030-01-10",
	    "2030-01-12", fresh_uuid()), 404, "UNIT_TYPE_NOT_FOUND");
	CHECK_PMS_ERROR(availability(KEY_PARIS_AGENT, PARIS_ID, "2030-01-10",
	    "2030-01-12", UNIT_TYPE_LYON_DBL), 404, "UNIT_TYPE_NOT_FOUND");
}

TEST(availability_outside_the_scope_is_403)
{
	CHECK_PMS_ERROR(availability(KEY_PARIS_AGENT, LYON_ID, "2030-01-10",
	    "2030-01-12", NULL), 403, "OUT_OF_SCOPE");
	CHECK_PMS_ERROR(availability(KEY_PARIS_AGENT, fresh_uuid(),
	    "2030-01-10", "2030-01-12", NULL), 403, "OUT_OF_SCOPE");
}

TEST(availability_of_an_unknown_establishment_is_404)
{
	const char *all = key_new(NULL);

	REQUIRE(all != NULL);
	CHECK_PMS_ERROR(availability(all, fresh_uuid(), "2030-01-10",
	    "2030-01-12", NULL), 404, "ESTABLISHMENT_NOT_FOUND");
}

TEST(availability_of_an_establishment_without_unit_types_is_empty)
{
	const char *id = fresh_uuid(), *key;
	struct http_response *r;

	REQUIRE(X(est_insert_sql, 3, id, pool_printf("itest %s", id),
	    "2030-01-10"));
	REQUIRE((key = key_new(id)) != NULL);
	r = availability(key, id, "2030-01-10", "2030-01-12", NULL);
	REQUIRE(CHECK_STATUS(r, 200));
	CHECKF(cJSON_IsArray(jget(jget(r->json, "data"), "unitTypes")) &&
	    cJSON_GetArraySize(jget(jget(r->json, "data"), "unitTypes")) == 0,
	    "expected \"unitTypes\":[]: %s", r->body);
}

/* ---- failures and query counts ---------------------------------------------- */

/*
 * X-Pms-Fault (test builds) fails the Nth database call of a handler: each
 * of a read's queries failing answers 503 in the envelope, and a fault
 * armed one call past them never fires, which proves how many queries the
 * read runs (1 for a unit, 1 for a page of units, 2 for availability).
 */
TEST(each_read_is_503_when_one_of_its_queries_fails_and_runs_no_more)
{
	CHECK_READ_FAULTS("/v1/units/" UNIT_PARIS_01, KEY_PARIS_AGENT, 1);
	CHECK_READ_FAULTS("/v1/units?establishmentId=" PARIS_ID "&size=200",
	    KEY_PARIS_AGENT, 1);
	CHECK_READ_FAULTS("/v1/availability?establishmentId=" PARIS_ID
	    "&from=2030-01-10&to=2031-01-10", KEY_PARIS_AGENT, 2);
}

static const struct test_case tests[] = {
	TEST_ENTRY(unit_lists_current_and_future_blocks_in_ooo_from_order),
	TEST_ENTRY(unit_without_blocks_has_an_empty_blocks_array),
	TEST_ENTRY(inactive_unit_is_answered_with_active_false),
	TEST_ENTRY(paris_list_holds_its_15_units_in_number_order_with_the_list_shape),
	TEST_ENTRY(list_pages_by_size_in_number_order_and_past_the_end_is_empty),
	TEST_ENTRY(list_gives_each_unit_its_own_blocks_and_pages_units_not_blocks),
	TEST_ENTRY(list_without_establishment_id_is_400_naming_it),
	TEST_ENTRY(list_with_a_malformed_establishment_id_is_400_bad_uuid),
	TEST_ENTRY(list_refuses_page_below_1_and_size_outside_1_to_200),
	TEST_ENTRY(list_names_every_bad_parameter_in_one_400),
	TEST_ENTRY(list_of_an_establishment_outside_the_scope_is_403),
	TEST_ENTRY(list_of_an_unknown_establishment_is_404_or_403_outside_the_scope),
	TEST_ENTRY(list_accepts_an_upper_case_establishment_id),
	TEST_ENTRY(availability_of_paris_answers_each_type_and_night_with_integer_counts),
	TEST_ENTRY(availability_is_total_minus_blocked_minus_committed_each_night),
	TEST_ENTRY(availability_of_an_establishment_without_rows_comes_from_the_truth),
	TEST_ENTRY(availability_of_366_nights_is_answered_night_by_night),
	TEST_ENTRY(availability_of_367_nights_is_400_on_to),
	TEST_ENTRY(availability_with_to_not_after_from_is_400_on_to),
	TEST_ENTRY(availability_without_parameters_lists_each_missing_one),
	TEST_ENTRY(availability_names_every_bad_parameter_in_one_400),
	TEST_ENTRY(availability_filtered_by_unit_type_answers_only_that_type),
	TEST_ENTRY(availability_of_an_unknown_unit_type_or_another_establishments_is_404),
	TEST_ENTRY(availability_outside_the_scope_is_403),
	TEST_ENTRY(availability_of_an_unknown_establishment_is_404),
	TEST_ENTRY(availability_of_an_establishment_without_unit_types_is_empty),
	TEST_ENTRY(each_read_is_503_when_one_of_its_queries_fails_and_runs_no_more),
	TEST_END
};

int
main(int argc, char **argv)
{
	return harness_main(argc, argv, __FILE__, tests);
}
