/*
 * test_unit_blocks: POST /v1/units/{unitId}/out-of-service and
 * DELETE /v1/units/{unitId}/out-of-service/{refId} (SPEC 2.1, 2.2, 2.3,
 * 2.7; seed units-out-of-service.fr.txt) through the real stack, with the
 * database read directly (the harness's connection, harness_db_at) to
 * prove what the answers claim:
 *  - the 201 / 200 shapes, unit ids in either case answered in lower case;
 *  - each refusal (400 VALIDATION_FAILED listing every bad field, 401,
 *    403 FORBIDDEN / OUT_OF_SCOPE, 404, 409 UNIT_ALREADY_BLOCKED,
 *    CAPACITY_SATURATED and UNIT_INACTIVE) with every inventory night unchanged, compared
 *    night by night, and no block stored;
 *  - half-open windows, open-ended blocks up to the horizon (and later
 *    nights once the horizon moves), nights counted from the business
 *    date, oooFrom >= today - 1 in the establishment's own time zone;
 *  - return to service, an idempotent replay, and 50 racing blocks on a
 *    unit type with room for K of them: exactly K accepted.
 * Every test makes its own scratch establishment (SQL: establishment, one
 * unit type, its units; a scratch API key from the admin tool, whose
 * night-audit also moves business dates and horizons), so tests share no
 * unit and no night and the demo data stays as seeded.  The few
 * tests on the demo data (demo keys) only send refusals, or return to
 * service the block they made.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sys/wait.h>
#include <unistd.h>

#include "business_date.h"
#include "config.h"
#include "datetime.h"
#include "db.h"
#include "harness.h"
#include "inventory.h"
#include "scratch.h"

#define UNIT_PARIS_05	"bbbbbbbb-0000-4000-8000-000000000005"
#define UNIT_PARIS_06	"bbbbbbbb-0000-4000-8000-000000000006"

/* ---- the database, read directly ----------------------------------------- */

/* The harness's SQL helper (harness.h): the rows of a query (pool), or
   1 for a statement that ran; NULL / 0 after recording a failure. */
#define q_at(file, line, ...)	harness_sql_at((file), (line), 1, __VA_ARGS__)
#define Q(...)			q_at(__FILE__, __LINE__, __VA_ARGS__)
#define x_at(file, line, ...)	(harness_sql_at((file), (line), 0, __VA_ARGS__) != NULL)
#define X(...)			x_at(__FILE__, __LINE__, __VA_ARGS__)

/* The first cell as a number; -1 when there is none. */
static long long
qnum(const struct db_rows *rows)
{
	const char *s = db_cell(rows, 0, 0);

	return s != NULL ? atoll(s) : -1;
}

/* ---- scratch establishments (scratch.h) --------------------------------- */

static const char inactive_unit_ins_sql[] =
    "INSERT INTO units (id, establishment_id, unit_type_id, number, active) "
    "VALUES (?, ?, ?, 'OFF', 0)";
static const char business_get_sql[] =
    "SELECT DATE_FORMAT(business_date, '%Y-%m-%d'), time_zone "
    "FROM establishments WHERE id = ?";
static const char through_get_sql[] =
    "SELECT DATE_FORMAT(inventory_through, '%Y-%m-%d') FROM establishments "
    "WHERE id = ?";

/* One unit type of n units, in UTC, business date today: the common case. */
#define SCRATCH(s, n)		SCRATCH_NEW((s), 1, (n), "UTC", \
				    TODAY_IN("UTC"), 1)

/* ---- inventory rows ------------------------------------------------------ */

enum { N_NIGHT, N_TOTAL, N_BLOCKED, N_COMMITTED };
static const char all_nights_sql[] =
    "SELECT DATE_FORMAT(night, '%Y-%m-%d'), total, blocked, committed "
    "FROM inventory_nights WHERE unit_type_id = ? ORDER BY night";
static const char committed_set_sql[] =
    "UPDATE inventory_nights SET committed = ? "
    "WHERE unit_type_id = ? AND night = ?";
static const char min_available_sql[] =
    "SELECT MIN(total - blocked - committed), COUNT(*) FROM inventory_nights "
    "WHERE unit_type_id = ?";

/* Every row of the unit type (pool), or NULL after a failure. */
#define nights_at(type, file, line) q_at((file), (line), all_nights_sql, 1, (type))
#define NIGHTS(type)		nights_at((type), __FILE__, __LINE__)

/* The row of night d in rows, or -1. */
static int
night_row(const struct db_rows *rows, int32_t d)
{
	const char *want = day_s(d);
	int r;

	for (r = 0; rows != NULL && r < rows->nrows; r++)
		if (strcmp(db_cell(rows, r, N_NIGHT), want) == 0)
			return r;
	return -1;
}

/* Column col of night d in rows, or -1 when the night has no row. */
static long long
night_val(const struct db_rows *rows, int32_t d, int col)
{
	int r = night_row(rows, d);

	return r < 0 ? -1 : atoll(db_cell(rows, r, col));
}

/*
 * after holds the same nights as before, each with the same total and
 * committed, and blocked moved by delta on [from, until) except on the
 * night except (-1: none) and by nothing elsewhere (delta 0: every night
 * identical).  Names each night that
 * differs (the first 8).
 */
static int
check_nights_at(const struct db_rows *before, const struct db_rows *after,
    int32_t from, int32_t until, int delta, int32_t except, const char *file,
    int line)
{
	int r, bad = 0, ok = 1;
	int32_t d;
	long long want;

	if (!check_true(before != NULL && after != NULL, file, line,
	    "no inventory rows to compare"))
		return 0;
	ok &= check_true(before->nrows == after->nrows, file, line,
	    "inventory rows: %d before, %d after", before->nrows,
	    after->nrows);
	for (r = 0; r < before->nrows && r < after->nrows; r++) {
		if (date_parse(db_cell(before, r, N_NIGHT), &d) != 0) {
			ok = check_true(0, file, line, "bad night %s",
			    db_cell(before, r, N_NIGHT));
			continue;
		}
		want = atoll(db_cell(before, r, N_BLOCKED)) +
		    (d >= from && d < until && d != except ? delta : 0);
		if (strcmp(db_cell(before, r, N_NIGHT),
		    db_cell(after, r, N_NIGHT)) == 0 &&
		    strcmp(db_cell(before, r, N_TOTAL),
		    db_cell(after, r, N_TOTAL)) == 0 &&
		    strcmp(db_cell(before, r, N_COMMITTED),
		    db_cell(after, r, N_COMMITTED)) == 0 &&
		    atoll(db_cell(after, r, N_BLOCKED)) == want)
			continue;
		if (bad++ < 8)
			check_true(0, file, line, "night %s: before total %s "
			    "blocked %s committed %s; after %s total %s "
			    "blocked %s committed %s; expected blocked %lld",
			    db_cell(before, r, N_NIGHT),
			    db_cell(before, r, N_TOTAL),
			    db_cell(before, r, N_BLOCKED),
			    db_cell(before, r, N_COMMITTED),
			    db_cell(after, r, N_NIGHT),
			    db_cell(after, r, N_TOTAL),
			    db_cell(after, r, N_BLOCKED),
			    db_cell(after, r, N_COMMITTED), want);
		ok = 0;
	}
	if (bad > 8)
		check_true(0, file, line, "... %d nights differ in all", bad);
	return ok;
}
/* The unit type's rows now, against before, blocked moved by delta on
   [from, until). */
#define CHECK_NIGHTS_MOVED(type, before, from, until, delta) \
	check_nights_at((before), nights_at((type), __FILE__, __LINE__), \
	    (from), (until), (delta), -1, __FILE__, __LINE__)
#define CHECK_NIGHTS_SAME(type, before) \
	CHECK_NIGHTS_MOVED((type), (before), 0, 0, 0)

/* Every night of the type has available >= 0, and there are rows. */
static int
check_available_at(const char *type, const char *file, int line)
{
	struct db_rows *rows = q_at(file, line, min_available_sql, 1, type);

	return rows != NULL && check_true(qnum(rows) >= 0 &&
	    atoll(db_cell(rows, 0, 1) ? db_cell(rows, 0, 1) : "0") > 0,
	    file, line, "unit type %s: min available %s over %s nights",
	    type, db_cell(rows, 0, 0) ? db_cell(rows, 0, 0) : "NULL",
	    db_cell(rows, 0, 1) ? db_cell(rows, 0, 1) : "?");
}
#define CHECK_AVAILABLE(type)	check_available_at((type), __FILE__, __LINE__)

/* ---- blocks as stored ---------------------------------------------------- */

static const char unit_blocks_sql[] =
    "SELECT id, kind, DATE_FORMAT(ooo_from, '%Y-%m-%d'), "
    "DATE_FORMAT(ooo_until, '%Y-%m-%d'), released_at IS NOT NULL "
    "FROM unit_blocks WHERE unit_id = ? ORDER BY created_at, ooo_from";
enum { B_ID, B_KIND, B_FROM, B_UNTIL, B_RELEASED };
static const char est_blocks_sql[] =
    "SELECT COUNT(*) FROM unit_blocks WHERE establishment_id = ?";

/* The blocks stored for a unit, released ones too (pool). */
#define BLOCKS(unit)		Q(unit_blocks_sql, 1, (unit))

static int
check_nblocks_at(const char *unit, int n, const char *file, int line)
{
	struct db_rows *rows = q_at(file, line, unit_blocks_sql, 1, unit);

	return rows != NULL && check_true(rows->nrows == n, file, line,
	    "unit %s: %d blocks stored, expected %d", unit, rows->nrows, n);
}
#define CHECK_NBLOCKS(unit, n)	check_nblocks_at((unit), (n), __FILE__, __LINE__)

/* ---- requests ------------------------------------------------------------ */

#define UNTIL_ABSENT	(-1)
#define UNTIL_NULL	(-2)

/* {"kind","oooFrom","oooUntil"}; until UNTIL_ABSENT or UNTIL_NULL. */
static const char *
block_body(const char *kind, int32_t from, int32_t until)
{
	if (until == UNTIL_ABSENT)
		return pool_printf("{\"kind\":\"%s\",\"oooFrom\":\"%s\"}", kind,
		    day_s(from));
	if (until == UNTIL_NULL)
		return pool_printf("{\"kind\":\"%s\",\"oooFrom\":\"%s\","
		    "\"oooUntil\":null}", kind, day_s(from));
	return pool_printf("{\"kind\":\"%s\",\"oooFrom\":\"%s\",\"oooUntil\":"
	    "\"%s\"}", kind, day_s(from), day_s(until));
}

static const char *
oos_path(const char *unit)
{
	return pool_printf("/v1/units/%s/out-of-service", unit);
}

/* POST a body (any JSON text) with an optional extra header line. */
static struct http_response *
post_raw(const char *unit, const char *key, const char *body,
    const char *header)
{
	const char *h[2] = { header, NULL };

	return pms_request("POST", oos_path(unit), key, h, body, strlen(body));
}

static struct http_response *
post_block(const char *unit, const char *key, const char *kind, int32_t from,
    int32_t until)
{
	return post_raw(unit, key, block_body(kind, from, until), NULL);
}

static struct http_response *
del_block(const char *unit, const char *ref, const char *key)
{
	return pms_request("DELETE", pool_printf("/v1/units/%s/out-of-service/"
	    "%s", unit, ref), key, NULL, NULL, 0);
}

/* A lower-case copy (pool). */
static const char *
lower(const char *s)
{
	char *p = pool_strdup(s), *q;

	for (q = p; *q != '\0'; q++)
		if (*q >= 'A' && *q <= 'Z')
			*q = (char)(*q - 'A' + 'a');
	return p;
}

/*
 * 201 {"data":{"refId":<non-empty string>,"unitId":<unit in lower case>,
 * "nightsBlocked":nights}}: the refId (pool), or NULL after a failure.
 */
static const char *
check_created_at(const struct http_response *r, const char *unit, int nights,
    const char *file, int line)
{
	const cJSON *data, *n;
	const char *ref;
	int ok;

	if (!check_status_at(r, 201, file, line)) {
		check_true(0, file, line, "answer: %.300s", r->body ?
		    r->body : "");
		return NULL;
	}
	ok = check_json_at(r, file, line);
	data = jget(r->json, "data");
	ok &= check_true(cJSON_IsObject(data), file, line,
	    "expected {\"data\":{...}}, got %.200s", r->body);
	ref = jstr(data, "refId");
	ok &= check_true(ref != NULL && ref[0] != '\0', file, line,
	    "data.refId: expected a non-empty string, got %s",
	    jshow(jget(data, "refId")));
	ok &= check_json_str_at(data, "unitId", lower(unit), file, line);
	n = jget(data, "nightsBlocked");
	ok &= check_true(cJSON_IsNumber(n) && cJSON_GetNumberValue(n) ==
	    (double)nights, file, line, "data.nightsBlocked: expected the "
	    "integer %d, got %s", nights, jshow(n));
	return ok && ref != NULL ? pool_strdup(ref) : NULL;
}
#define CHECK_CREATED(r, unit, n) check_created_at((r), (unit), (n), __FILE__, __LINE__)

/* 200 {"data":{"refId","unitId","nightsReleased"}}. */
static int
check_released_at(const struct http_response *r, const char *unit,
    const char *ref, int nights, const char *file, int line)
{
	const cJSON *data, *n;
	int ok;

	if (!check_status_at(r, 200, file, line))
		return check_true(0, file, line, "answer: %.300s", r->body ?
		    r->body : "");
	ok = check_json_at(r, file, line);
	data = jget(r->json, "data");
	ok &= check_true(cJSON_IsObject(data), file, line,
	    "expected {\"data\":{...}}, got %.200s", r->body);
	ok &= check_json_str_at(data, "refId", lower(ref), file, line);
	ok &= check_json_str_at(data, "unitId", lower(unit), file, line);
	n = jget(data, "nightsReleased");
	ok &= check_true(cJSON_IsNumber(n) && cJSON_GetNumberValue(n) ==
	    (double)nights, file, line, "data.nightsReleased: expected the "
	    "integer %d, got %s", nights, jshow(n));
	return ok;
}
#define CHECK_RELEASED(r, unit, ref, n) check_released_at((r), (unit), (ref), (n), __FILE__, __LINE__)

/* Unit i of s blocked by its manager: the refId (pool), or NULL. */
#define BLOCK_OK(s, i, kind, from, until, n) \
	check_created_at(post_block((s)->units[0][i], (s)->key, (kind), (from), \
	    (until)), (s)->units[0][i], (n), __FILE__, __LINE__)
/* Block ref of unit i of s returned to service by its manager. */
#define RETURN_OK(s, i, ref, n) \
	check_released_at(del_block((s)->units[0][i], (ref), (s)->key), \
	    (s)->units[0][i], (ref), (n), __FILE__, __LINE__)

/*
 * 400 VALIDATION_FAILED whose details name each of fields (NULL-ended),
 * each with a non-empty reason.
 */
static int
check_invalid_at(const struct http_response *r, const char *const *fields,
    const char *file, int line)
{
	const cJSON *details, *d;
	const char *const *f;
	int ok, found;

	ok = check_pms_error_at(r, 400, "VALIDATION_FAILED", file, line);
	details = jget(r->json, "details");
	if (!check_true(cJSON_IsArray(details), file, line,
	    "expected \"details\":[...] in %.300s", r->body ? r->body : ""))
		return 0;
	cJSON_ArrayForEach(d, details)
		ok &= check_true(cJSON_IsObject(d) && jstr(d, "field") &&
		    jstr(d, "reason") && jstr(d, "reason")[0], file, line,
		    "details item without field and reason: %s", jshow(d));
	for (f = fields; *f != NULL; f++) {
		found = 0;
		cJSON_ArrayForEach(d, details)
			found |= jstr(d, "field") != NULL &&
			    strcmp(jstr(d, "field"), *f) == 0;
		ok &= check_true(found, file, line, "details do not name "
		    "\"%s\": %.300s", *f, r->body);
	}
	return ok;
}
#define CHECK_INVALID(r, ...)	check_invalid_at((r), (const char *const []){ __VA_ARGS__, NULL }, __FILE__, __LINE__)

/* GET /v1/units/{unit}: its "blocks" array (pool), or NULL. */
static const cJSON *
unit_blocks_json_at(const char *unit, const char *key, const char *file,
    int line)
{
	struct http_response *r = pms_get(pool_printf("/v1/units/%s", unit),
	    key);
	const cJSON *b;

	if (!check_status_at(r, 200, file, line))
		return NULL;
	b = jget(jget(r->json, "data"), "blocks");
	if (!check_true(cJSON_IsArray(b), file, line, "GET unit: expected "
	    "data.blocks, an array: %.200s", r->body))
		return NULL;
	return b;
}
#define UNIT_BLOCKS_JSON(unit, key) unit_blocks_json_at((unit), (key), __FILE__, __LINE__)

/* The block of blocks whose refId is ref, or NULL. */
static const cJSON *
block_listed(const cJSON *blocks, const char *ref)
{
	const cJSON *b;

	cJSON_ArrayForEach(b, blocks)
		if (jstr(b, "refId") != NULL && strcmp(jstr(b, "refId"),
		    ref) == 0)
			return b;
	return NULL;
}

/* On the demo data: a block a refusal test got by mistake goes back. */
static void
undo_demo(const struct http_response *r, const char *unit)
{
	const char *ref = jstr(jget(r->json, "data"), "refId");

	if (r->status == 201 && ref != NULL)
		del_block(unit, ref, KEY_PARIS_MANAGER);
}

/* The demo establishment's business date (-1 after a failure). */
static int32_t
business_of_at(const char *est, const char *file, int line)
{
	struct db_rows *rows = q_at(file, line, business_get_sql, 1, est);
	int32_t d = -1;

	if (rows == NULL || !check_true(db_cell(rows, 0, 0) != NULL &&
	    date_parse(db_cell(rows, 0, 0), &d) == 0, file, line,
	    "no business date for %s", est))
		return -1;
	return d;
}
#define BUSINESS_OF(est)	business_of_at((est), __FILE__, __LINE__)

/* ======================================================================== */
/* blocks                                                                   */
/* ======================================================================== */

TEST(manager_blocks_a_unit_201_with_ref_id_unit_id_and_nights_blocked)
{
	struct scratch s;
	struct db_rows *b;
	const char *ref;
	int32_t from;

	REQUIRE(SCRATCH(&s, 3));
	from = s.business + 10;
	ref = BLOCK_OK(&s, 0, "ooo", from, from + 3, 3);
	REQUIRE(ref != NULL);
	/* Stored as sent, refId being the block's id. */
	REQUIRE((b = BLOCKS(s.units[0][0])) != NULL);
	REQUIRE(CHECKF(b->nrows == 1, "%d blocks stored, expected 1",
	    b->nrows));
	CHECK_STR(lower(ref), db_cell(b, 0, B_ID));
	CHECK_STR("ooo", db_cell(b, 0, B_KIND));
	CHECK_STR(day_s(from), db_cell(b, 0, B_FROM));
	CHECK_STR(day_s(from + 3), db_cell(b, 0, B_UNTIL));
	CHECK_STR("0", db_cell(b, 0, B_RELEASED));
}

TEST(a_block_takes_one_unit_of_its_type_on_each_night_of_the_half_open_window)
{
	struct scratch s;
	struct db_rows *before;
	int32_t from;

	REQUIRE(SCRATCH(&s, 3));
	REQUIRE((before = NIGHTS(s.types[0])) != NULL);
	REQUIRE(CHECK_INT(s.through - s.business + 1, before->nrows));
	from = s.business + 20;
	REQUIRE(BLOCK_OK(&s, 1, "ooo", from, from + 4, 4) != NULL);
	/* from .. from+3 blocked; from-1 and from+4 (the end date) not. */
	CHECK_NIGHTS_MOVED(s.types[0], before, from, from + 4, 1);
	CHECK_AVAILABLE(s.types[0]);
}

TEST(oos_block_is_accepted_and_listed_by_get_unit_with_kind_oos)
{
	struct scratch s;
	struct db_rows *before;
	const cJSON *blocks, *b;
	const char *ref;
	int32_t from;

	REQUIRE(SCRATCH(&s, 2));
	REQUIRE((before = NIGHTS(s.types[0])) != NULL);
	from = s.business + 2;
	REQUIRE((ref = BLOCK_OK(&s, 0, "oos", from, from + 1, 1)) != NULL);
	CHECK_NIGHTS_MOVED(s.types[0], before, from, from + 1, 1);
	REQUIRE((blocks = UNIT_BLOCKS_JSON(s.units[0][0], s.key)) != NULL);
	REQUIRE(CHECKF((b = block_listed(blocks, ref)) != NULL,
	    "GET unit does not list block %s: %s", ref, jshow(blocks)));
	CHECK_JSON_STR(b, "kind", "oos");
	CHECK_JSON_STR(b, "oooFrom", day_s(from));
	CHECK_JSON_STR(b, "oooUntil", day_s(from + 1));
}

TEST(open_ended_block_takes_every_night_to_the_horizon_and_counts_them)
{
	struct scratch s;
	struct db_rows *after, *th;
	const cJSON *blocks, *b;
	const char *ref;
	int32_t from, d;
	int bad = 0;

	/* Not materialised: the write makes the rows it needs. */
	REQUIRE(SCRATCH_NEW(&s, 1, 2, "UTC", TODAY_IN("UTC"), 0));
	from = s.business + 5;
	REQUIRE((ref = BLOCK_OK(&s, 0, "ooo", from, UNTIL_ABSENT,
	    HORIZON - 5)) != NULL);
	REQUIRE((after = NIGHTS(s.types[0])) != NULL);
	CHECKF(after->nrows == HORIZON && night_row(after,
	    s.business) == 0, "rows from the business date %s: %d rows, "
	    "first %s, expected %d from %s", day_s(s.business), after->nrows,
	    db_cell(after, 0, N_NIGHT) ? db_cell(after, 0, N_NIGHT) : "-",
	    HORIZON, day_s(s.business));
	for (d = s.business; d <= s.through; d++)
		if (night_val(after, d, N_BLOCKED) != (d >= from) &&
		    bad++ < 5)
			FAIL("night %s: blocked %lld, expected %d", day_s(d),
			    night_val(after, d, N_BLOCKED), d >= from);
	if ((th = Q(through_get_sql, 1, s.est)) != NULL)
		CHECK_STR(day_s(s.through), db_cell(th, 0, 0));
	REQUIRE((blocks = UNIT_BLOCKS_JSON(s.units[0][0], s.key)) != NULL);
	REQUIRE(CHECKF((b = block_listed(blocks, ref)) != NULL,
	    "GET unit does not list block %s: %s", ref, jshow(blocks)));
	CHECK_JSON_NULL(b, "oooUntil");
	CHECK_JSON_STR(b, "oooFrom", day_s(from));
}

TEST(first_block_of_an_establishment_without_inventory_rows_makes_them_and_takes_its_nights)
{
	struct scratch s;
	struct db_rows *after;
	int32_t from, d;
	int bad = 0;

	REQUIRE(SCRATCH_NEW(&s, 1, 3, "UTC", TODAY_IN("UTC"), 0));
	from = s.business + 3;
	REQUIRE(BLOCK_OK(&s, 2, "oos", from, from + 3, 3) != NULL);
	REQUIRE((after = NIGHTS(s.types[0])) != NULL);
	CHECKF(after->nrows >= from + 3 - s.business && night_row(after,
	    s.business) == 0, "rows from the business date %s: %d rows, "
	    "first %s", day_s(s.business), after->nrows,
	    db_cell(after, 0, N_NIGHT) ? db_cell(after, 0, N_NIGHT) : "-");
	for (d = s.business; d < s.business + after->nrows; d++)
		if ((night_val(after, d, N_BLOCKED) != (d >= from &&
		    d < from + 3) || night_val(after, d, N_TOTAL) != 3) &&
		    bad++ < 5)
			FAIL("night %s: total %lld blocked %lld", day_s(d),
			    night_val(after, d, N_TOTAL),
			    night_val(after, d, N_BLOCKED));
}

TEST(null_ooo_until_is_open_ended_like_an_absent_one)
{
	struct scratch s;
	struct db_rows *before, *b;
	int32_t from;

	REQUIRE(SCRATCH(&s, 2));
	REQUIRE((before = NIGHTS(s.types[0])) != NULL);
	from = s.business + 100;
	REQUIRE(BLOCK_OK(&s, 1, "oos", from, UNTIL_NULL, HORIZON - 100) !=
	    NULL);
	CHECK_NIGHTS_MOVED(s.types[0], before, from, s.through + 1, 1);
	if ((b = BLOCKS(s.units[0][1])) != NULL && CHECK_INT(1, b->nrows))
		CHECKF(db_cell(b, 0, B_UNTIL) == NULL, "ooo_until stored %s, "
		    "expected NULL", db_cell(b, 0, B_UNTIL));
}

TEST(an_open_ended_block_takes_the_nights_the_horizon_reaches_later)
{
	struct scratch s;
	struct db_rows *after;

	REQUIRE(SCRATCH(&s, 2));
	REQUIRE(BLOCK_OK(&s, 0, "ooo", s.business + 30, UNTIL_ABSENT,
	    HORIZON - 30) != NULL);
	/* The night audit: business date + 1, horizon one night further. */
	REQUIRE(NIGHT_AUDIT(s.est, s.business + 1));
	REQUIRE((after = NIGHTS(s.types[0])) != NULL);
	CHECK_INT(1, night_val(after, s.through + 1, N_BLOCKED));
	CHECK_INT(1, night_val(after, s.through, N_BLOCKED));
}

TEST(ooo_from_yesterday_is_accepted_and_nights_count_from_the_business_date)
{
	struct scratch s;
	struct db_rows *before;

	/* today = business date in UTC; yesterday has no inventory row. */
	REQUIRE(SCRATCH(&s, 2));
	REQUIRE((before = NIGHTS(s.types[0])) != NULL);
	REQUIRE(BLOCK_OK(&s, 0, "ooo", s.business - 1, s.business + 2, 2) !=
	    NULL);
	CHECK_NIGHTS_MOVED(s.types[0], before, s.business, s.business + 2, 1);
}

TEST(ooo_from_is_checked_against_today_in_the_establishment_time_zone)
{
	struct scratch s;
	struct db_rows *before;
	struct http_response *r;
	const char *zone;
	int32_t utc, local;
	time_t now = time(NULL);
	struct tm tm;

	/*
	 * A zone whose date differs from the UTC date now: Kiritimati
	 * (UTC+14) from 10:00 UTC, Pago Pago (UTC-11) before 11:00 UTC.
	 */
	REQUIRE(gmtime_r(&now, &tm) != NULL);
	zone = tm.tm_hour >= 10 ? "Pacific/Kiritimati" : "Pacific/Pago_Pago";
	REQUIRE((utc = TODAY_IN("UTC")) >= 0 && (local = TODAY_IN(zone)) >= 0);
	REQUIRE(CHECKF(local != utc, "%s: local date %s = UTC date", zone,
	    day_s(local)));
	REQUIRE(SCRATCH_NEW(&s, 1, 2, zone, local - 1, 1));
	REQUIRE((before = NIGHTS(s.types[0])) != NULL);
	/* local today - 2: refused, whatever the UTC date says. */
	r = post_block(s.units[0][1], s.key, "ooo", local - 2, local + 3);
	CHECK_INVALID(r, "oooFrom");
	CHECK_NBLOCKS(s.units[0][1], 0);
	CHECK_NIGHTS_SAME(s.types[0], before);
	/* local today - 1: accepted, whatever the UTC date says. */
	r = post_block(s.units[0][0], s.key, "ooo", local - 1, local + 3);
	if (CHECK_CREATED(r, s.units[0][0], 4) != NULL)
		CHECK_NIGHTS_MOVED(s.types[0], before, local - 1, local + 3, 1);
}

TEST(upper_case_unit_id_is_accepted_and_answered_in_lower_case)
{
	struct scratch s;
	struct db_rows *before;
	const char *ref;
	int32_t from;

	REQUIRE(SCRATCH(&s, 2));
	REQUIRE((before = NIGHTS(s.types[0])) != NULL);
	from = s.business + 7;
	REQUIRE((ref = CHECK_CREATED(post_block(pool_upper(s.units[0][0]), s.key,
	    "ooo", from, from + 2), s.units[0][0], 2)) != NULL);
	CHECK_NBLOCKS(s.units[0][0], 1);
	CHECK_NIGHTS_MOVED(s.types[0], before, from, from + 2, 1);
	/* The return to service, unit and refId in upper case. */
	CHECK_RELEASED(del_block(pool_upper(s.units[0][0]), pool_upper(ref),
	    s.key), s.units[0][0], ref, 2);
	CHECK_NIGHTS_SAME(s.types[0], before);
}

TEST(paris_manager_blocks_a_demo_unit_and_returns_it_to_service)
{
	struct db_rows *before;
	struct http_response *r;
	const char *ref;
	int32_t b, from;

	REQUIRE((b = BUSINESS_OF(PARIS_ID)) >= 0);
	REQUIRE(MATERIALIZE(PARIS_ID, b));
	REQUIRE((before = NIGHTS(UNIT_TYPE_PARIS_DBL)) != NULL);
	from = b + 40;
	r = post_block(UNIT_PARIS_05, KEY_PARIS_MANAGER, "ooo", from, from + 2);
	ref = CHECK_CREATED(r, UNIT_PARIS_05, 2);
	if (ref == NULL) {
		undo_demo(r, UNIT_PARIS_05);
		return;
	}
	CHECK_NIGHTS_MOVED(UNIT_TYPE_PARIS_DBL, before, from, from + 2, 1);
	CHECK_RELEASED(del_block(UNIT_PARIS_05, ref, KEY_PARIS_MANAGER),
	    UNIT_PARIS_05, ref, 2);
	CHECK_NIGHTS_SAME(UNIT_TYPE_PARIS_DBL, before);
}

/* ======================================================================== */
/* refusals: nothing blocked, every night unchanged                         */
/* ======================================================================== */

TEST(block_without_a_valid_api_key_is_401_unauthenticated_and_blocks_nothing)
{
	struct scratch s;
	struct db_rows *before;
	const char *body;

	REQUIRE(SCRATCH(&s, 1));
	REQUIRE((before = NIGHTS(s.types[0])) != NULL);
	body = block_body("ooo", s.business + 3, s.business + 5);
	CHECK_PMS_ERROR(post_raw(s.units[0][0], NULL, body, NULL), 401,
	    "UNAUTHENTICATED");
	CHECK_PMS_ERROR(post_raw(s.units[0][0], "pms_0000000000000000000000000"
	    "000000000000000000000000000000000000000", body, NULL), 401,
	    "UNAUTHENTICATED");
	CHECK_NBLOCKS(s.units[0][0], 0);
	CHECK_NIGHTS_SAME(s.types[0], before);
}

/*
 * A block of demo unit Paris 06 with key answers 403 code; nothing is
 * blocked and every night of the Paris DBL type stays as it was.
 */
static void
demo_block_refused_at(const char *key, const char *code, const char *file,
    int line)
{
	struct db_rows *before;
	struct http_response *r;
	int32_t b;

	if ((b = business_of_at(PARIS_ID, file, line)) < 0 ||
	    !materialize_at(PARIS_ID, b, file, line) ||
	    (before = nights_at(UNIT_TYPE_PARIS_DBL, file, line)) == NULL)
		return;
	r = post_block(UNIT_PARIS_06, key, "ooo", b + 3, b + 5);
	check_pms_error_at(r, 403, code, file, line);
	check_true(r->body == NULL || strstr(r->body, PARIS_ID) == NULL, file,
	    line, "a 403 names the unit's establishment");
	undo_demo(r, UNIT_PARIS_06);
	check_nblocks_at(UNIT_PARIS_06, 0, file, line);
	check_nights_at(before, nights_at(UNIT_TYPE_PARIS_DBL, file, line), 0,
	    0, 0, -1, file, line);
}

TEST(block_by_an_agent_is_403_forbidden_and_blocks_nothing)
{
	demo_block_refused_at(KEY_PARIS_AGENT, "FORBIDDEN", __FILE__, __LINE__);
}

TEST(block_by_a_manager_of_another_establishment_is_403_out_of_scope_and_blocks_nothing)
{
	demo_block_refused_at(KEY_LYON_MANAGER, "OUT_OF_SCOPE", __FILE__,
	    __LINE__);
}

TEST(block_of_an_unknown_unit_is_404_unit_not_found)
{
	int32_t b;

	REQUIRE((b = BUSINESS_OF(PARIS_ID)) >= 0);
	CHECK_PMS_ERROR(post_block(fresh_uuid(), KEY_PARIS_MANAGER, "ooo",
	    b + 3, b + 5), 404, "UNIT_NOT_FOUND");
	CHECK_PMS_ERROR(post_block(pool_upper(fresh_uuid()), KEY_PARIS_MANAGER,
	    "ooo", b + 3, b + 5), 404, "UNIT_NOT_FOUND");
}

TEST(block_of_an_inactive_unit_is_409_unit_inactive_and_changes_no_night)
{
	struct scratch s;
	struct db_rows *before;
	const char *off = fresh_uuid();

	REQUIRE(SCRATCH(&s, 2));
	/* A unit of the type that is not in inventory (total counts 2). */
	REQUIRE(X(inactive_unit_ins_sql, 3, off, s.est, s.types[0]));
	REQUIRE((before = NIGHTS(s.types[0])) != NULL);
	REQUIRE(CHECK_INT(2, night_val(before, s.business, N_TOTAL)));
	CHECK_PMS_ERROR(post_block(off, s.key, "ooo", s.business + 3,
	    s.business + 5), 409, "UNIT_INACTIVE");
	CHECK_NBLOCKS(off, 0);
	CHECK_NIGHTS_SAME(s.types[0], before);
}

TEST(ooo_from_before_today_minus_one_is_400_naming_ooo_from_and_blocks_nothing)
{
	struct scratch s;
	struct db_rows *before;

	REQUIRE(SCRATCH(&s, 1));
	REQUIRE((before = NIGHTS(s.types[0])) != NULL);
	CHECK_INVALID(post_block(s.units[0][0], s.key, "ooo", s.business - 2,
	    s.business + 3), "oooFrom");
	CHECK_INVALID(post_block(s.units[0][0], s.key, "ooo", s.business - 30,
	    UNTIL_ABSENT), "oooFrom");
	CHECK_NBLOCKS(s.units[0][0], 0);
	CHECK_NIGHTS_SAME(s.types[0], before);
}

TEST(ooo_until_not_after_ooo_from_is_400_naming_ooo_until_and_blocks_nothing)
{
	struct scratch s;
	struct db_rows *before;
	int32_t from;

	REQUIRE(SCRATCH(&s, 1));
	REQUIRE((before = NIGHTS(s.types[0])) != NULL);
	from = s.business + 5;
	CHECK_INVALID(post_block(s.units[0][0], s.key, "ooo", from, from),
	    "oooUntil");
	CHECK_INVALID(post_block(s.units[0][0], s.key, "ooo", from, from - 1),
	    "oooUntil");
	CHECK_NBLOCKS(s.units[0][0], 0);
	CHECK_NIGHTS_SAME(s.types[0], before);
}

TEST(every_bad_field_is_listed_in_one_400_and_nothing_is_blocked)
{
	struct scratch s;
	struct db_rows *before;
	const char *u;
	int32_t b;

	REQUIRE(SCRATCH(&s, 1));
	REQUIRE((before = NIGHTS(s.types[0])) != NULL);
	u = s.units[0][0];
	b = s.business;
	/* required fields */
	CHECK_INVALID(post_raw(u, s.key, "{}", NULL), "kind", "oooFrom");
	/* a kind outside the enum, a date that is no calendar day, an
	   unknown field */
	CHECK_INVALID(post_raw(u, s.key, pool_printf("{\"kind\":\"broken\","
	    "\"oooFrom\":\"%.4s-02-30\",\"oooUntil\":\"%s\",\"reason\":\"x\"}",
	    day_s(b + 400), day_s(b + 800)), NULL), "kind", "oooFrom",
	    "reason");
	/* type errors everywhere */
	CHECK_INVALID(post_raw(u, s.key, "{\"kind\":1,\"oooFrom\":20300101,"
	    "\"oooUntil\":true,\"extra\":null}", NULL), "kind", "oooFrom",
	    "oooUntil", "extra");
	/* a type error and a date rule in the same answer */
	CHECK_INVALID(post_raw(u, s.key, pool_printf("{\"kind\":5,"
	    "\"oooFrom\":\"%s\",\"oooUntil\":\"%s\"}", day_s(b - 2),
	    day_s(b + 3)), NULL), "kind", "oooFrom");
	/* both date rules at once, and an unknown field */
	CHECK_INVALID(post_raw(u, s.key, pool_printf("{\"kind\":\"ooo\","
	    "\"oooFrom\":\"%s\",\"oooUntil\":\"%s\",\"unitId\":\"%s\"}",
	    day_s(b - 2), day_s(b - 3), u), NULL), "oooFrom", "oooUntil",
	    "unitId");
	/* a bad oooUntil type with a bad kind value */
	CHECK_INVALID(post_raw(u, s.key, pool_printf("{\"kind\":\"OOO\","
	    "\"oooFrom\":\"%s\",\"oooUntil\":\"soon\"}", day_s(b + 2)), NULL),
	    "kind", "oooUntil");
	CHECK_NBLOCKS(u, 0);
	CHECK_NIGHTS_SAME(s.types[0], before);
}

TEST(overlapping_block_of_the_same_unit_is_409_unit_already_blocked_and_takes_nothing)
{
	struct scratch s;
	struct db_rows *before;
	int32_t from;

	REQUIRE(SCRATCH(&s, 3));
	from = s.business + 10;
	REQUIRE(BLOCK_OK(&s, 0, "ooo", from, from + 5, 5) != NULL);
	REQUIRE((before = NIGHTS(s.types[0])) != NULL);
	/* the last night, the first night, inside, around, open-ended */
	CHECK_PMS_ERROR(post_block(s.units[0][0], s.key, "ooo", from + 4,
	    from + 9), 409, "UNIT_ALREADY_BLOCKED");
	CHECK_PMS_ERROR(post_block(s.units[0][0], s.key, "oos", from - 3,
	    from + 1), 409, "UNIT_ALREADY_BLOCKED");
	CHECK_PMS_ERROR(post_block(s.units[0][0], s.key, "ooo", from + 1,
	    from + 2), 409, "UNIT_ALREADY_BLOCKED");
	CHECK_PMS_ERROR(post_block(s.units[0][0], s.key, "ooo", from - 1,
	    from + 6), 409, "UNIT_ALREADY_BLOCKED");
	CHECK_PMS_ERROR(post_block(s.units[0][0], s.key, "ooo", s.business + 1,
	    UNTIL_ABSENT), 409, "UNIT_ALREADY_BLOCKED");
	CHECK_PMS_ERROR(post_block(pool_upper(s.units[0][0]), s.key, "ooo",
	    from + 2, from + 3), 409, "UNIT_ALREADY_BLOCKED");
	CHECK_NBLOCKS(s.units[0][0], 1);
	CHECK_NIGHTS_SAME(s.types[0], before);
	/* Another unit of the type on the same nights is no overlap. */
	BLOCK_OK(&s, 1, "ooo", from, from + 5, 5);
}

TEST(blocks_of_one_unit_that_only_touch_do_not_overlap)
{
	struct scratch s;
	struct db_rows *before;
	int32_t from;

	REQUIRE(SCRATCH(&s, 2));
	REQUIRE((before = NIGHTS(s.types[0])) != NULL);
	from = s.business + 10;
	REQUIRE(BLOCK_OK(&s, 0, "ooo", from, from + 5, 5) != NULL);
	/* Half-open: the end date of one is the first night of the next. */
	BLOCK_OK(&s, 0, "ooo", from + 5, from + 7, 2);
	BLOCK_OK(&s, 0, "oos", from - 2, from, 2);
	CHECK_NBLOCKS(s.units[0][0], 3);
	CHECK_NIGHTS_MOVED(s.types[0], before, from - 2, from + 7, 1);
}

TEST(an_open_ended_block_overlaps_every_later_block_of_the_unit)
{
	struct scratch s;
	struct db_rows *before;
	int32_t from;

	REQUIRE(SCRATCH(&s, 2));
	from = s.business + 50;
	REQUIRE(BLOCK_OK(&s, 0, "ooo", from, UNTIL_ABSENT, HORIZON - 50) !=
	    NULL);
	REQUIRE((before = NIGHTS(s.types[0])) != NULL);
	CHECK_PMS_ERROR(post_block(s.units[0][0], s.key, "ooo", from + 200,
	    from + 201), 409, "UNIT_ALREADY_BLOCKED");
	CHECK_PMS_ERROR(post_block(s.units[0][0], s.key, "ooo", from + 1,
	    UNTIL_NULL), 409, "UNIT_ALREADY_BLOCKED");
	CHECK_NIGHTS_SAME(s.types[0], before);
	/* Before it, up to its first night: no overlap. */
	BLOCK_OK(&s, 0, "ooo", from - 3, from, 3);
	CHECK_NBLOCKS(s.units[0][0], 2);
}

TEST(block_that_would_leave_a_night_below_zero_is_409_capacity_saturated_and_changes_no_night)
{
	struct scratch s;
	struct db_rows *before;
	int32_t from;

	REQUIRE(SCRATCH(&s, 3));
	from = s.business + 12;
	/* 3 units: from+2 fully committed, from+1 has one unit left. */
	REQUIRE(X(committed_set_sql, 3, "3", s.types[0], day_s(from + 2)));
	REQUIRE(X(committed_set_sql, 3, "2", s.types[0], day_s(from + 1)));
	REQUIRE((before = NIGHTS(s.types[0])) != NULL);
	REQUIRE(CHECK_INT(0, 3 - night_val(before, from + 2, N_COMMITTED) -
	    night_val(before, from + 2, N_BLOCKED)));
	CHECK_PMS_ERROR(post_block(s.units[0][0], s.key, "ooo", from, from + 4),
	    409, "CAPACITY_SATURATED");
	CHECK_PMS_ERROR(post_block(s.units[0][1], s.key, "oos", from + 2,
	    UNTIL_ABSENT), 409, "CAPACITY_SATURATED");
	CHECK_NBLOCKS(s.units[0][0], 0);
	CHECK_NBLOCKS(s.units[0][1], 0);
	CHECK_NIGHTS_SAME(s.types[0], before);
	/* The nights around the full one still have room. */
	BLOCK_OK(&s, 0, "ooo", from, from + 2, 2);
	BLOCK_OK(&s, 1, "ooo", from + 3, from + 6, 3);
	check_nights_at(before, NIGHTS(s.types[0]), from, from + 6, 1, from + 2,
	    __FILE__, __LINE__);
	CHECK_AVAILABLE(s.types[0]);
}

TEST(blocks_count_against_each_other_a_second_unit_on_the_last_free_night_is_409_capacity_saturated)
{
	struct scratch s;
	struct db_rows *before;
	int32_t from;

	REQUIRE(SCRATCH(&s, 3));
	from = s.business + 8;
	REQUIRE(X(committed_set_sql, 3, "2", s.types[0], day_s(from)));
	REQUIRE(BLOCK_OK(&s, 0, "ooo", from, from + 1, 1) != NULL);
	REQUIRE((before = NIGHTS(s.types[0])) != NULL);
	CHECK_PMS_ERROR(post_block(s.units[0][1], s.key, "ooo", from - 1,
	    from + 2), 409, "CAPACITY_SATURATED");
	CHECK_NBLOCKS(s.units[0][1], 0);
	CHECK_NIGHTS_SAME(s.types[0], before);
	CHECK_AVAILABLE(s.types[0]);
}

/* ======================================================================== */
/* idempotency                                                              */
/* ======================================================================== */

TEST(repeat_with_the_same_idempotency_key_and_body_replays_the_201_and_blocks_once)
{
	struct scratch s;
	struct db_rows *before;
	struct http_response *a, *b;
	const char *hdr = pool_printf("Idempotency-Key: itest-oos-%s",
	    fresh_uuid()), *body;
	int32_t from;

	REQUIRE(SCRATCH(&s, 2));
	REQUIRE((before = NIGHTS(s.types[0])) != NULL);
	from = s.business + 15;
	body = block_body("ooo", from, from + 3);
	a = post_raw(s.units[0][0], s.key, body, hdr);
	REQUIRE(CHECK_CREATED(a, s.units[0][0], 3) != NULL);
	CHECKF(http_header(a, "Idempotent-Replayed") == NULL,
	    "the first answer says it is replayed");
	b = post_raw(s.units[0][0], s.key, body, hdr);
	CHECK_STATUS(b, 201);
	CHECK_STR("true", http_header(b, "Idempotent-Replayed"));
	CHECKF(a->body_len == b->body_len && memcmp(a->body, b->body,
	    a->body_len) == 0, "the replay differs:\n#     first:  %s\n"
	    "#     second: %s", a->body, b->body);
	CHECK_NBLOCKS(s.units[0][0], 1);
	CHECK_NIGHTS_MOVED(s.types[0], before, from, from + 3, 1);
}

TEST(same_idempotency_key_with_another_body_is_409_idempotency_key_reused_and_blocks_nothing_more)
{
	struct scratch s;
	struct db_rows *before;
	struct http_response *r;
	const char *hdr = pool_printf("Idempotency-Key: itest-oos-%s",
	    fresh_uuid());
	int32_t from;

	REQUIRE(SCRATCH(&s, 2));
	from = s.business + 15;
	REQUIRE(CHECK_CREATED(post_raw(s.units[0][0], s.key, block_body("ooo",
	    from, from + 3), hdr), s.units[0][0], 3) != NULL);
	REQUIRE((before = NIGHTS(s.types[0])) != NULL);
	/* Nights that do not overlap: without the key, a 201. */
	r = post_raw(s.units[0][0], s.key, block_body("ooo", from + 10,
	    from + 12), hdr);
	CHECK_PMS_ERROR(r, 409, "IDEMPOTENCY_KEY_REUSED");
	CHECKF(http_header(r, "Idempotent-Replayed") == NULL,
	    "a refused reuse says it is replayed");
	CHECK_NBLOCKS(s.units[0][0], 1);
	CHECK_NIGHTS_SAME(s.types[0], before);
}

/* ======================================================================== */
/* return to service                                                        */
/* ======================================================================== */

TEST(return_to_service_answers_200_with_the_nights_released_and_frees_them)
{
	struct scratch s;
	struct db_rows *before, *b;
	const cJSON *blocks;
	const char *ref;
	int32_t from;

	REQUIRE(SCRATCH(&s, 2));
	REQUIRE((before = NIGHTS(s.types[0])) != NULL);
	from = s.business + 3;
	REQUIRE((ref = BLOCK_OK(&s, 0, "oos", from, from + 5, 5)) != NULL);
	REQUIRE((blocks = UNIT_BLOCKS_JSON(s.units[0][0], s.key)) != NULL);
	REQUIRE(CHECKF(block_listed(blocks, ref) != NULL, "GET unit does not "
	    "list block %s before its return: %s", ref, jshow(blocks)));
	RETURN_OK(&s, 0, ref, 5);
	CHECK_NIGHTS_SAME(s.types[0], before);
	if ((blocks = UNIT_BLOCKS_JSON(s.units[0][0], s.key)) != NULL)
		CHECKF(block_listed(blocks, ref) == NULL, "GET unit still "
		    "lists returned block %s: %s", ref, jshow(blocks));
	/* The row stays, marked returned. */
	if ((b = BLOCKS(s.units[0][0])) != NULL && CHECK_INT(1, b->nrows))
		CHECK_STR("1", db_cell(b, 0, B_RELEASED));
	/* Its nights are free again: the same unit can be blocked on them. */
	BLOCK_OK(&s, 0, "ooo", from, from + 5, 5);
}

TEST(a_block_returned_before_it_began_no_longer_overlaps_a_block_around_its_dates)
{
	struct scratch s;
	struct db_rows *before;
	const char *ref;
	int32_t from;

	REQUIRE(SCRATCH(&s, 2));
	REQUIRE((before = NIGHTS(s.types[0])) != NULL);
	from = s.business + 10;
	REQUIRE((ref = BLOCK_OK(&s, 0, "ooo", from, from + 5, 5)) != NULL);
	REQUIRE(RETURN_OK(&s, 0, ref, 5));
	/* The unit is free on every night again: a window that starts the
	   night before the returned block's first night and covers it. */
	BLOCK_OK(&s, 0, "ooo", from - 1, from + 1, 2);
	CHECK_NIGHTS_MOVED(s.types[0], before, from - 1, from + 1, 1);
	CHECK_NBLOCKS(s.units[0][0], 2);
}

TEST(return_to_service_after_the_business_date_moved_frees_only_the_nights_from_it)
{
	struct scratch s;
	const char *ref;

	REQUIRE(SCRATCH(&s, 2));
	REQUIRE((ref = BLOCK_OK(&s, 1, "ooo", s.business, s.business + 5,
	    5)) != NULL);
	/* The night audit, two days on. */
	REQUIRE(NIGHT_AUDIT(s.est, s.business + 2));
	RETURN_OK(&s, 1, ref, 3);
	/* Past nights keep their history; the later rows may have grown. */
	CHECK_INT(1, night_val(NIGHTS(s.types[0]), s.business, N_BLOCKED));
	CHECK_INT(1, night_val(NIGHTS(s.types[0]), s.business + 1, N_BLOCKED));
	CHECK_INT(0, night_val(NIGHTS(s.types[0]), s.business + 2, N_BLOCKED));
	CHECK_INT(0, night_val(NIGHTS(s.types[0]), s.business + 4, N_BLOCKED));
	CHECK_AVAILABLE(s.types[0]);
}

TEST(an_open_ended_block_returned_to_service_releases_every_night_to_the_horizon)
{
	struct scratch s;
	struct db_rows *before;
	const char *ref;
	int32_t from;

	REQUIRE(SCRATCH(&s, 2));
	REQUIRE((before = NIGHTS(s.types[0])) != NULL);
	from = s.business + 10;
	REQUIRE((ref = BLOCK_OK(&s, 0, "ooo", from, UNTIL_ABSENT,
	    HORIZON - 10)) != NULL);
	CHECK_NIGHTS_MOVED(s.types[0], before, from, s.through + 1, 1);
	RETURN_OK(&s, 0, ref, HORIZON - 10);
	CHECK_NIGHTS_SAME(s.types[0], before);
}

TEST(a_returned_open_ended_block_takes_no_night_the_horizon_reaches_later)
{
	struct scratch s;
	struct db_rows *after;
	const char *ref;

	REQUIRE(SCRATCH(&s, 2));
	REQUIRE((ref = BLOCK_OK(&s, 0, "ooo", s.business + 10, UNTIL_ABSENT,
	    HORIZON - 10)) != NULL);
	REQUIRE(RETURN_OK(&s, 0, ref, HORIZON - 10));
	/* The night audit: business date + 1, horizon one night further. */
	REQUIRE(NIGHT_AUDIT(s.est, s.business + 1));
	REQUIRE((after = NIGHTS(s.types[0])) != NULL);
	CHECK_INT(0, night_val(after, s.through + 1, N_BLOCKED));
	CHECK_INT(2, night_val(after, s.through + 1, N_TOTAL));
}

TEST(returning_a_block_twice_is_404_unit_block_not_found_and_frees_nothing_more)
{
	struct scratch s;
	struct db_rows *before;
	const char *ref;
	int32_t from;

	REQUIRE(SCRATCH(&s, 2));
	from = s.business + 4;
	/* Another unit's block on the same nights: a second release would
	   show as one night freed too many. */
	REQUIRE(BLOCK_OK(&s, 1, "ooo", from, from + 2, 2) != NULL);
	REQUIRE((ref = BLOCK_OK(&s, 0, "ooo", from, from + 2, 2)) != NULL);
	REQUIRE(RETURN_OK(&s, 0, ref, 2));
	REQUIRE((before = NIGHTS(s.types[0])) != NULL);
	CHECK_PMS_ERROR(del_block(s.units[0][0], ref, s.key), 404,
	    "UNIT_BLOCK_NOT_FOUND");
	CHECK_NIGHTS_SAME(s.types[0], before);
}

TEST(returning_an_unknown_block_is_404_unit_block_not_found)
{
	struct scratch s;
	struct db_rows *before;

	REQUIRE(SCRATCH(&s, 1));
	REQUIRE((before = NIGHTS(s.types[0])) != NULL);
	CHECK_PMS_ERROR(del_block(s.units[0][0], fresh_uuid(), s.key), 404,
	    "UNIT_BLOCK_NOT_FOUND");
	CHECK_NIGHTS_SAME(s.types[0], before);
}

TEST(returning_a_block_through_another_units_path_is_404_and_frees_nothing)
{
	struct scratch s;
	struct db_rows *before, *b;
	const char *ref;
	int32_t from;

	REQUIRE(SCRATCH(&s, 2));
	from = s.business + 6;
	REQUIRE((ref = BLOCK_OK(&s, 0, "ooo", from, from + 3, 3)) != NULL);
	REQUIRE((before = NIGHTS(s.types[0])) != NULL);
	CHECK_PMS_ERROR(del_block(s.units[0][1], ref, s.key), 404,
	    "UNIT_BLOCK_NOT_FOUND");
	CHECK_NIGHTS_SAME(s.types[0], before);
	if ((b = BLOCKS(s.units[0][0])) != NULL && CHECK_INT(1, b->nrows))
		CHECK_STR("0", db_cell(b, 0, B_RELEASED));
}

TEST(return_to_service_without_a_key_by_an_agent_or_out_of_scope_is_refused_and_frees_nothing)
{
	struct scratch s;
	struct db_rows *before, *b;
	const char *ref, *agent;
	int32_t from;

	REQUIRE(SCRATCH(&s, 1));
	REQUIRE((agent = SCRATCH_KEY(s.est, "agent")) != NULL);
	from = s.business + 6;
	REQUIRE((ref = BLOCK_OK(&s, 0, "ooo", from, from + 3, 3)) != NULL);
	REQUIRE((before = NIGHTS(s.types[0])) != NULL);
	CHECK_PMS_ERROR(del_block(s.units[0][0], ref, NULL), 401,
	    "UNAUTHENTICATED");
	CHECK_PMS_ERROR(del_block(s.units[0][0], ref, agent), 403, "FORBIDDEN");
	CHECK_PMS_ERROR(del_block(s.units[0][0], ref, KEY_LYON_MANAGER), 403,
	    "OUT_OF_SCOPE");
	CHECK_NIGHTS_SAME(s.types[0], before);
	if ((b = BLOCKS(s.units[0][0])) != NULL && CHECK_INT(1, b->nrows))
		CHECK_STR("0", db_cell(b, 0, B_RELEASED));
	/* An agent is refused the block too (scratch agent key). */
	CHECK_PMS_ERROR(post_block(s.units[0][0], agent, "ooo", from + 10,
	    from + 11), 403, "FORBIDDEN");
	CHECK_NBLOCKS(s.units[0][0], 1);
}

/* ======================================================================== */
/* concurrency                                                              */
/* ======================================================================== */

/* What one racing client got: HTTP status, and the error code, "data"
   for a success, or "-". */
struct race_answer {
	long status;
	char code[40];
};

typedef struct http_response *(*race_fn)(int i, void *ctx);

#define RACE_MAX 64

/*
 * Forks n clients that wait on a pipe barrier, then all send fn(i, ctx)
 * at once; out[i] receives client i's answer.  1 when every client
 * answered, else 0 after recording a failure.
 */
static int
race_at(int n, race_fn fn, void *ctx, struct race_answer *out,
    const char *file, int line)
{
	char buf[RACE_MAX * 96 + 1], *ln, *save;
	int go[2], res[2], i, idx, answered = 0, got;
	pid_t pids[RACE_MAX];
	ssize_t k;

	if (!check_true(n <= RACE_MAX, file, line, "too many racers"))
		return 0;
	for (i = 0; i < n; i++) {
		out[i].status = -1;
		snprintf(out[i].code, sizeof(out[i].code), "-");
	}
	if (!check_true(pipe(go) == 0 && pipe(res) == 0, file, line,
	    "pipe: %s", strerror(errno)))
		return 0;
	for (i = 0; i < n; i++) {
		if ((pids[i] = fork()) == 0) {
			struct http_response *r;
			const char *ans;
			char c;

			close(go[1]);
			close(res[0]);
			harness_forked_child();
			/* The barrier: EOF when the parent closes its end. */
			if (read(go[0], &c, 1) < 0)
				_exit(3);
			r = fn(i, ctx);
			ans = pool_printf("%d %ld %s\n", i, r->status,
			    jstr(r->json, "code") ? jstr(r->json, "code") :
			    jget(r->json, "data") ? "data" : "-");
			_exit(write(res[1], ans, strlen(ans)) < 0 ? 3 : 0);
		}
		check_true(pids[i] > 0, file, line, "fork: %s",
		    strerror(errno));
	}
	close(go[0]);
	close(res[1]);
	close(go[1]);
	for (got = 0; got < (int)sizeof(buf) - 1 &&
	    (k = read(res[0], buf + got, sizeof(buf) - 1 - got)) > 0;)
		got += (int)k;
	buf[got] = '\0';
	close(res[0]);
	for (i = 0; i < n; i++)
		if (pids[i] > 0)
			waitpid(pids[i], NULL, 0);
	for (ln = strtok_r(buf, "\n", &save); ln != NULL;
	    ln = strtok_r(NULL, "\n", &save)) {
		long st;
		char code[40];

		if (!check_true(sscanf(ln, "%d %ld %39s", &idx, &st, code) ==
		    3 && idx >= 0 && idx < n && out[idx].status == -1, file,
		    line, "client answer: %s", ln))
			continue;
		out[idx].status = st;
		snprintf(out[idx].code, sizeof(out[idx].code), "%s", code);
		answered++;
	}
	return check_true(answered == n, file, line, "%d of %d clients "
	    "answered", answered, n);
}
#define RACE(n, fn, ctx, out)	race_at((n), (fn), (ctx), (out), __FILE__, __LINE__)

/* How many answers are status with code; names every other answer. */
static int
race_count_at(const struct race_answer *a, int n, long status,
    const char *code, long status2, const char *code2, int *count2,
    const char *file, int line)
{
	int i, c = 0;

	*count2 = 0;
	for (i = 0; i < n; i++) {
		if (a[i].status == status && strcmp(a[i].code, code) == 0)
			c++;
		else if (a[i].status == status2 &&
		    strcmp(a[i].code, code2) == 0)
			(*count2)++;
		else
			check_true(0, file, line, "client %d: HTTP %ld %s", i,
			    a[i].status, a[i].code);
	}
	return c;
}

struct block_race {
	const struct scratch *s;
	int32_t from, until;
	const char *ref;
};

/* Client i blocks unit i on the common window. */
static struct http_response *
race_block_unit_i(int i, void *ctx)
{
	struct block_race *b = ctx;

	return post_block(b->s->units[0][i], b->s->key, "ooo", b->from, b->until);
}

TEST(fifty_racing_blocks_on_a_type_with_room_for_k_accept_exactly_k_and_never_oversell)
{
	enum { N = 50, K = 7 };
	struct scratch s;
	struct race_answer a[N];
	struct block_race br;
	struct db_rows *after, *nb;
	int i, created, saturated;
	int32_t d;

	REQUIRE(SCRATCH(&s, N));
	br.s = &s;
	br.from = s.business + 20;
	br.until = br.from + 4;
	/* Night from+2 has room for K units only. */
	REQUIRE(X(committed_set_sql, 3, pool_printf("%d", N - K), s.types[0],
	    day_s(br.from + 2)));
	REQUIRE(RACE(N, race_block_unit_i, &br, a));
	created = race_count_at(a, N, 201, "data", 409, "CAPACITY_SATURATED",
	    &saturated, __FILE__, __LINE__);
	CHECKF(created == K && saturated == N - K, "%d created, %d "
	    "CAPACITY_SATURATED; expected %d and %d", created, saturated, K,
	    N - K);
	/* The store agrees with the answers. */
	for (i = 0; i < N; i++)
		if ((nb = BLOCKS(s.units[0][i])) != NULL)
			CHECKF(nb->nrows == (a[i].status == 201), "unit %d "
			    "answered %ld and has %d blocks", i, a[i].status,
			    nb->nrows);
	CHECK_INT(created, qnum(Q(est_blocks_sql, 1, s.est)));
	REQUIRE((after = NIGHTS(s.types[0])) != NULL);
	for (d = br.from; d < br.until; d++)
		CHECKF(night_val(after, d, N_BLOCKED) == created,
		    "night %s: blocked %lld, %d blocks accepted", day_s(d),
		    night_val(after, d, N_BLOCKED), created);
	CHECK_INT(0, night_val(after, br.from + 2, N_TOTAL) -
	    night_val(after, br.from + 2, N_BLOCKED) -
	    night_val(after, br.from + 2, N_COMMITTED));
	CHECK_AVAILABLE(s.types[0]);
}

/* Client i blocks unit 0 on a window shifted by i nights: all overlap. */
static struct http_response *
race_block_unit_0(int i, void *ctx)
{
	struct block_race *b = ctx;

	return post_block(b->s->units[0][0], b->s->key, i % 2 ? "oos" : "ooo",
	    b->from + i, b->until + i);
}

TEST(racing_overlapping_blocks_of_one_unit_accept_exactly_one)
{
	enum { N = 8 };
	struct scratch s;
	struct race_answer a[N];
	struct block_race br;
	struct db_rows *before, *nb;
	int created, refused, i;

	REQUIRE(SCRATCH(&s, 2));
	REQUIRE((before = NIGHTS(s.types[0])) != NULL);
	br.s = &s;
	br.from = s.business + 30;
	br.until = br.from + N + 1;
	REQUIRE(RACE(N, race_block_unit_0, &br, a));
	created = race_count_at(a, N, 201, "data", 409, "UNIT_ALREADY_BLOCKED",
	    &refused, __FILE__, __LINE__);
	CHECKF(created == 1 && refused == N - 1, "%d created, %d "
	    "UNIT_ALREADY_BLOCKED; expected 1 and %d", created, refused,
	    N - 1);
	REQUIRE((nb = BLOCKS(s.units[0][0])) != NULL);
	REQUIRE(CHECK_INT(1, nb->nrows));
	for (i = 0; i < N && a[i].status != 201; i++)
		;
	if (i < N)
		CHECK_NIGHTS_MOVED(s.types[0], before, br.from + i, br.until + i,
		    1);
}

/* Every client returns the same block to service. */
static struct http_response *
race_unblock(int i, void *ctx)
{
	struct block_race *b = ctx;

	(void)i;
	return del_block(b->s->units[0][0], b->ref, b->s->key);
}

TEST(racing_returns_of_one_block_free_its_nights_once)
{
	enum { N = 8 };
	struct scratch s;
	struct race_answer a[N];
	struct block_race br;
	struct db_rows *before;
	int released, missing;

	REQUIRE(SCRATCH(&s, 3));
	br.s = &s;
	br.from = s.business + 40;
	br.until = br.from + 6;
	/* Another unit's block on the same nights: a second release would
	   show as one night freed too many. */
	REQUIRE(BLOCK_OK(&s, 1, "ooo", br.from, br.until, 6) != NULL);
	REQUIRE((before = NIGHTS(s.types[0])) != NULL);
	REQUIRE((br.ref = BLOCK_OK(&s, 0, "ooo", br.from, br.until, 6)) !=
	    NULL);
	REQUIRE(RACE(N, race_unblock, &br, a));
	released = race_count_at(a, N, 200, "data", 404,
	    "UNIT_BLOCK_NOT_FOUND", &missing, __FILE__, __LINE__);
	CHECKF(released == 1 && missing == N - 1, "%d returned, %d "
	    "UNIT_BLOCK_NOT_FOUND; expected 1 and %d", released, missing,
	    N - 1);
	CHECK_NIGHTS_SAME(s.types[0], before);
	CHECK_AVAILABLE(s.types[0]);
}

TEST(a_block_past_the_horizon_counts_the_nights_within_it_and_takes_later_ones_as_the_horizon_moves)
{
	struct scratch s;
	struct db_rows *before, *after;
	int32_t from;
	int h;

	REQUIRE(SCRATCH(&s, 2));
	REQUIRE((before = NIGHTS(s.types[0])) != NULL);
	h = HORIZON;
	/* The last 5 nights of the horizon, and 5 beyond it. */
	from = s.business + h - 5;
	REQUIRE(BLOCK_OK(&s, 0, "ooo", from, from + 10, 5) != NULL);
	CHECK_NIGHTS_MOVED(s.types[0], before, from, from + 5, 1);
	/* The night audit: the horizon reaches the block's 6th night. */
	REQUIRE(NIGHT_AUDIT(s.est, s.business + 1));
	REQUIRE((after = NIGHTS(s.types[0])) != NULL);
	CHECK_INT(1, night_val(after, from + 5, N_BLOCKED));
}

static const struct test_case tests[] = {
	TEST_ENTRY(manager_blocks_a_unit_201_with_ref_id_unit_id_and_nights_blocked),
	TEST_ENTRY(a_block_takes_one_unit_of_its_type_on_each_night_of_the_half_open_window),
	TEST_ENTRY(oos_block_is_accepted_and_listed_by_get_unit_with_kind_oos),
	TEST_ENTRY(open_ended_block_takes_every_night_to_the_horizon_and_counts_them),
	TEST_ENTRY(first_block_of_an_establishment_without_inventory_rows_makes_them_and_takes_its_nights),
	TEST_ENTRY(null_ooo_until_is_open_ended_like_an_absent_one),
	TEST_ENTRY(an_open_ended_block_takes_the_nights_the_horizon_reaches_later),
	TEST_ENTRY(ooo_from_yesterday_is_accepted_and_nights_count_from_the_business_date),
	TEST_ENTRY(ooo_from_is_checked_against_today_in_the_establishment_time_zone),
	TEST_ENTRY(upper_case_unit_id_is_accepted_and_answered_in_lower_case),
	TEST_ENTRY(paris_manager_blocks_a_demo_unit_and_returns_it_to_service),
	TEST_ENTRY(block_without_a_valid_api_key_is_401_unauthenticated_and_blocks_nothing),
	TEST_ENTRY(block_by_an_agent_is_403_forbidden_and_blocks_nothing),
	TEST_ENTRY(block_by_a_manager_of_another_establishment_is_403_out_of_scope_and_blocks_nothing),
	TEST_ENTRY(block_of_an_unknown_unit_is_404_unit_not_found),
	TEST_ENTRY(block_of_an_inactive_unit_is_409_unit_inactive_and_changes_no_night),
	TEST_ENTRY(ooo_from_before_today_minus_one_is_400_naming_ooo_from_and_blocks_nothing),
	TEST_ENTRY(ooo_until_not_after_ooo_from_is_400_naming_ooo_until_and_blocks_nothing),
	TEST_ENTRY(every_bad_field_is_listed_in_one_400_and_nothing_is_blocked),
	TEST_ENTRY(overlapping_block_of_the_same_unit_is_409_unit_already_blocked_and_takes_nothing),
	TEST_ENTRY(blocks_of_one_unit_that_only_touch_do_not_overlap),
	TEST_ENTRY(an_open_ended_block_overlaps_every_later_block_of_the_unit),
	TEST_ENTRY(block_that_would_leave_a_night_below_zero_is_409_capacity_saturated_and_changes_no_night),
	TEST_ENTRY(blocks_count_against_each_other_a_second_unit_on_the_last_free_night_is_409_capacity_saturated),
	TEST_ENTRY(repeat_with_the_same_idempotency_key_and_body_replays_the_201_and_blocks_once),
	TEST_ENTRY(same_idempotency_key_with_another_body_is_409_idempotency_key_reused_and_blocks_nothing_more),
	TEST_ENTRY(return_to_service_answers_200_with_the_nights_released_and_frees_them),
	TEST_ENTRY(a_block_returned_before_it_began_no_longer_overlaps_a_block_around_its_dates),
	TEST_ENTRY(return_to_service_after_the_business_date_moved_frees_only_the_nights_from_it),
	TEST_ENTRY(an_open_ended_block_returned_to_service_releases_every_night_to_the_horizon),
	TEST_ENTRY(a_returned_open_ended_block_takes_no_night_the_horizon_reaches_later),
	TEST_ENTRY(returning_a_block_twice_is_404_unit_block_not_found_and_frees_nothing_more),
	TEST_ENTRY(returning_an_unknown_block_is_404_unit_block_not_found),
	TEST_ENTRY(returning_a_block_through_another_units_path_is_404_and_frees_nothing),
	TEST_ENTRY(return_to_service_without_a_key_by_an_agent_or_out_of_scope_is_refused_and_frees_nothing),
	TEST_ENTRY(fifty_racing_blocks_on_a_type_with_room_for_k_accept_exactly_k_and_never_oversell),
	TEST_ENTRY(racing_overlapping_blocks_of_one_unit_accept_exactly_one),
	TEST_ENTRY(racing_returns_of_one_block_free_its_nights_once),
	TEST_ENTRY(a_block_past_the_horizon_counts_the_nights_within_it_and_takes_later_ones_as_the_horizon_moves),
	TEST_END
};

int
main(int argc, char **argv)
{
	return harness_main(argc, argv, __FILE__, tests);
}
