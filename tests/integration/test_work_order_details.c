/*
 * test_work_order_details: the rest of the AMAGE work-order API (seed
 * amage-work-orders.pl.txt, SPEC 3) through nginx, every request signed as
 * the demo client (test_work_orders.c covers count, add and get/by-uuid):
 *   GET    /list?page=&size=                      paging, order, limits
 *   POST   /edit/{uuid}                           partial, all-or-nothing
 *   POST   /add-history/{wo}, /edit-history/{h}, DELETE /delete-history/{h}
 *   POST   /add-workorder-elementtype-plan/{wo}, /edit-...-plan/{p},
 *   DELETE /delete-workorder-elementtype-plan/{p}
 *   POST   /asset-plan/{wo}/join-asset-to-plan-by-uuid/{asset},
 *          /remove-asset-from-plan-by-uuid/{asset},
 *          /remove-asset-plan-by-uuid/{entry}
 * and, above all, the server-maintained fields those writes keep up to date
 * (progressCompleted, elementTypePlan*, stateName, startDate, finishDate),
 * read back with get/by-uuid.  There is no endpoint that reads a history
 * entry or a plan item back, so every write is checked through its effect
 * on these derived fields.
 *
 * Nothing assumes an empty database: every test makes its own work orders
 * with fresh uuids, and the list tests work from /count.  The list tests
 * of page sizes first fill the table to more than 1,000 work orders
 * through SQL, and the binary runs alone (scripts/test.sh), so /count
 * moves only by what a test writes: each list test checks that it did
 * not move while it read, never retries or skips.
 *
 * Some effects no AMAGE read returns (a history entry's participants and
 * expenditures) or that need a known starting point (the ...Updated
 * timestamps, set back first) go through the database directly (lib/db.h
 * with the PMS_DB_* environment scripts/test.sh exports).
 *
 * "400/404" below: HTTP 400 with errorCode 404 (a missing record named in
 * the message with its lower-case uuid); "400/400": HTTP 400, errorCode 400.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "db.h"
#include "harness.h"
#include "uuid.h"

/* The demo AMAGE references (SPEC 5). */
#define USER_1		"ffffffff-0000-4000-8000-000000000001"
#define USER_2		"ffffffff-0000-4000-8000-000000000002"
#define ET_011		"ffffffff-0000-4000-8000-000000000011"
#define ET_012		"ffffffff-0000-4000-8000-000000000012"
#define ASSET_021	"ffffffff-0000-4000-8000-000000000021"
#define ASSET_022	"ffffffff-0000-4000-8000-000000000022"
#define TYPE_031	"ffffffff-0000-4000-8000-000000000031"
#define LOCATION_041	"ffffffff-0000-4000-8000-000000000041"

/* ---- the database, directly --------------------------------------------- */


/*
 * The harness's SQL helper with this file's shape: a query (rows != NULL)
 * leaves its rows (pool) in *rows.  0, or -1 after recording a failure.
 */
static int
sql_at(const char *file, int line, struct db_rows **rows, const char *sql,
    int n, ...)
{
	struct db_rows *r;
	va_list ap;

	va_start(ap, n);
	r = harness_sql_va(file, line, rows != NULL, sql, n, ap);
	va_end(ap);
	if (rows != NULL)
		*rows = r;
	return r != NULL ? 0 : -1;
}
#define SQL_EXEC(...)		sql_at(__FILE__, __LINE__, NULL, __VA_ARGS__)
#define SQL_QUERY(rows, ...)	sql_at(__FILE__, __LINE__, (rows), __VA_ARGS__)

/*
 * The one row of a query as "col1|col2|..." (NULL as "NULL"), in the pool,
 * or NULL after recording a failure (no row, or more than one).
 */
static const char *
sql_row_at(const char *file, int line, const char *sql, const char *param)
{
	struct db_rows *rows;
	char *s = pool_strdup("");
	int c;

	if (sql_at(file, line, &rows, sql, param != NULL, param) != 0 ||
	    !check_true(rows->nrows == 1, file, line, "expected one row, got "
	    "%d: %.120s (%s)", rows->nrows, sql, param))
		return NULL;
	for (c = 0; c < rows->ncols; c++)
		s = pool_printf("%s%s%s", s, c ? "|" : "",
		    db_cell(rows, 0, c) ? db_cell(rows, 0, c) : "NULL");
	return s;
}
#define SQL_ROW(sql, param)	sql_row_at(__FILE__, __LINE__, (sql), (param))

/* ---- paths ------------------------------------------------------------- */

static const char *
p_get(const char *u)
{
	return pool_printf(WO_BASE "/get/by-uuid/%s", u);
}

static const char *
p_edit(const char *u)
{
	return pool_printf(WO_BASE "/edit/%s", u);
}

static const char *
p_hadd(const char *wo)
{
	return pool_printf(WO_BASE "/add-history/%s", wo);
}

static const char *
p_hedit(const char *h)
{
	return pool_printf(WO_BASE "/edit-history/%s", h);
}

static const char *
p_hdel(const char *h)
{
	return pool_printf(WO_BASE "/delete-history/%s", h);
}

static const char *
p_padd(const char *wo)
{
	return pool_printf(WO_BASE "/add-workorder-elementtype-plan/%s", wo);
}

static const char *
p_pedit(const char *p)
{
	return pool_printf(WO_BASE "/edit-workorder-elementtype-plan/%s", p);
}

static const char *
p_pdel(const char *p)
{
	return pool_printf(WO_BASE "/delete-workorder-elementtype-plan/%s", p);
}

static const char *
p_join(const char *wo, const char *asset)
{
	return pool_printf(WO_BASE "/asset-plan/%s/join-asset-to-plan-by-uuid/%s",
	    wo, asset);
}

static const char *
p_rm_asset(const char *wo, const char *asset)
{
	return pool_printf(WO_BASE
	    "/asset-plan/%s/remove-asset-from-plan-by-uuid/%s", wo, asset);
}

static const char *
p_rm_entry(const char *wo, const char *entry)
{
	return pool_printf(WO_BASE "/asset-plan/%s/remove-asset-plan-by-uuid/%s",
	    wo, entry);
}

static const char *
p_list(long long page, long long size)
{
	return pool_printf(WO_BASE "/list?page=%lld&size=%lld", page, size);
}

/* ---- requests -------------------------------------------------------------- */

static struct http_response *
amage_delete(const char *path)
{
	return amage_request("DELETE", path, NULL, 0, NULL);
}

/* A POST without a body (the asset-plan endpoints). */
static struct http_response *
amage_post0(const char *path)
{
	return amage_post(path, NULL);
}


static long long
json_id(const cJSON *obj)
{
	return (long long)cJSON_GetNumberValue(jget(obj, "id"));
}

/*
 * A success result: CHECK_AMAGE_OK, then its uuid (pool) and *id (may be
 * NULL); NULL after recording a failure.
 */
static const char *
ok_uuid_at(const struct http_response *r, long long *id, const char *file,
    int line)
{
	if (!check_amage_ok_at(r, file, line))
		return NULL;
	if (id != NULL)
		*id = json_id(r->json);
	return pool_strdup(jstr(r->json, "uuid"));
}
#define OK_UUID(r, idp)		ok_uuid_at((r), (idp), __FILE__, __LINE__)

/* A success result naming exactly this record. */
static int
check_ok_is_at(const struct http_response *r, long long id, const char *uuid,
    const char *file, int line)
{
	int ok = check_amage_ok_at(r, file, line);

	if (!ok)
		return 0;
	ok &= check_json_num_at(r->json, "id", (double)id, file, line);
	ok &= check_json_str_at(r->json, "uuid", uuid, file, line);
	return ok;
}
#define CHECK_OK_IS(r, id, uuid) check_ok_is_at((r), (id), (uuid), __FILE__, __LINE__)

/*
 * A 400/404 (or other) failure whose message names kind (compared without
 * case, spaces, '_' or '-': "workorder", "history", "plan", "asset",
 * "elementtype", "user", "location") and contains the lower-case uuid.
 */
static int
check_not_found_at(const struct http_response *r, const char *kind,
    const char *uuid, const char *file, int line)
{
	const char *m;
	char norm[1024];
	size_t o = 0;
	int ok;

	ok = check_amage_error_at(r, 400, 404, file, line);
	m = jstr(r->json, "message");
	if (m == NULL)
		return 0;
	ok &= check_contains(m, uuid, 0, "message", file, line);
	for (; *m != '\0' && o < sizeof(norm) - 1; m++)
		if (*m != ' ' && *m != '_' && *m != '-')
			norm[o++] = (char)tolower((unsigned char)*m);
	norm[o] = '\0';
	ok &= check_true(strstr(norm, kind) != NULL, file, line,
	    "message \"%s\" does not name the missing kind (%s)",
	    jstr(r->json, "message"), kind);
	return ok;
}
#define CHECK_NOT_FOUND(r, kind, uuid) check_not_found_at((r), (kind), (uuid), __FILE__, __LINE__)

#define CHECK_BAD_REQUEST(r)	CHECK_AMAGE_ERROR((r), 400, 400)
#define CHECK_SIGN_REFUSED(r)	CHECK_AMAGE_ERROR((r), 400, 401)

/* ---- work orders ------------------------------------------------------------ */

/*
 * The server refuses a signature it has seen in the last minutes, and the
 * harness only avoids repeats within one process, moving t a second on
 * for each: a second run soon after the first would sign a constant body
 * on a constant path with the same t, and be refused.  So every such
 * request here carries something fresh: names get a nonce, malformed uuids
 * are made from fresh ones.
 */
static const char *
nonce(void)
{
	return pool_printf("%.8s", fresh_uuid());
}

/* A malformed uuid, different on every call. */
static const char *
bad_uuid(void)
{
	return pool_printf("not-a-uuid-%s", nonce());
}

/*
 * Malformed uuids made from fresh ones (NULL-terminated, pool): a word,
 * 35 and 37 characters, a non-hex digit, no dashes.
 */
static const char **
bad_uuids(void)
{
	const char **b = pool_keep(calloc(6, sizeof(*b)), free);
	const char *f = fresh_uuid();

	b[0] = bad_uuid();
	b[1] = pool_printf("%.35s", f);
	b[2] = pool_printf("%sa", f);
	b[3] = pool_printf("%.35sg", f);
	b[4] = pool_printf("%.8s%.4s%.4s%.4s%.12sabcd", f, f + 9, f + 14,
	    f + 19, f + 24);
	return b;
}

/*
 * POST /add json (a "name" gets a nonce appended); the new uuid (pool) and
 * *id, or NULL after a failure.
 */
static const char *
wo_add_at(const char *json, long long *id, const char *file, int line)
{
	cJSON *o = pool_json(cJSON_Parse(json));
	const char *name = jstr(o, "name");

	if (name != NULL) {
		cJSON_ReplaceItemInObjectCaseSensitive(o, "name",
		    cJSON_CreateString(pool_printf("%s %s", name, nonce())));
		json = pool_json_print(o);
	}
	return ok_uuid_at(amage_post(WO_BASE "/add", json), id, file, line);
}
#define WO_ADD(json, idp)	wo_add_at((json), (idp), __FILE__, __LINE__)

/* GET /get/by-uuid: the WorkOrderDto (lives until the test ends) or NULL. */
static const cJSON *
wo_get_at(const char *uuid, const char *file, int line)
{
	struct http_response *r = amage_get(p_get(uuid));

	if (!check_status_at(r, 200, file, line) ||
	    !check_true(cJSON_IsObject(r->json), file, line,
	    "GET %s: expected a JSON object", r->path))
		return NULL;
	return r->json;
}
#define WO_GET(u)		wo_get_at((u), __FILE__, __LINE__)

static int
in_list(const char *key, const char *const *list)
{
	for (; list != NULL && *list != NULL; list++)
		if (strcmp(*list, key) == 0)
			return 1;
	return 0;
}

/*
 * after has exactly the keys of before, each with the same value, except
 * the keys of except (NULL-terminated, may be NULL).
 */
static int
check_same_at(const cJSON *before, const cJSON *after,
    const char *const *except, const char *file, int line)
{
	const cJSON *c, *v;
	int ok = 1;

	if (before == NULL || after == NULL)
		return check_true(0, file, line, "nothing to compare");
	for (c = before->child; c != NULL; c = c->next) {
		if (in_list(c->string, except))
			continue;
		v = jget(after, c->string);
		ok &= check_true(v != NULL && cJSON_Compare(c, v, 1), file,
		    line, "\"%s\" changed: %s -> %s", c->string, jshow(c),
		    jshow(v));
	}
	for (c = after->child; c != NULL; c = c->next)
		ok &= check_true(jget(before, c->string) != NULL, file, line,
		    "unexpected key \"%s\"", c->string);
	return ok;
}
#define CHECK_SAME(b, a, except) check_same_at((b), (a), (except), __FILE__, __LINE__)

/* The work order is exactly as before (a refused write changed nothing). */
#define CHECK_UNCHANGED(uuid, before) CHECK_SAME((before), WO_GET(uuid), NULL)

/* ---- derived fields ------------------------------------------------------------ */

static int
check_progress_at(const cJSON *g, double progress, const char *file, int line)
{
	return check_json_num_at(g, "progressCompleted", progress, file, line);
}
#define CHECK_PROGRESS(g, p)	check_progress_at((g), (p), __FILE__, __LINE__)

/* Total, completed, and elementTypePlanCompleted = total > 0 && all done. */
static int
check_plan_at(const cJSON *g, int total, int completed, const char *file,
    int line)
{
	int ok;

	ok = check_json_num_at(g, "elementTypePlanTotalCount", total, file,
	    line);
	ok &= check_json_num_at(g, "elementTypePlanCompletedCount", completed,
	    file, line);
	ok &= check_json_bool_at(g, "elementTypePlanCompleted",
	    total > 0 && completed == total, file, line);
	return ok;
}
#define CHECK_PLAN(g, t, c)	check_plan_at((g), (t), (c), __FILE__, __LINE__)

static int
check_datetime_set_at(const cJSON *g, const char *key, const char *file,
    int line)
{
	return check_true(is_local_datetime(jstr(g, key)), file, line,
	    "\"%s\": expected YYYY-MM-DDTHH:MM:SS, got %s", key,
	    jshow(jget(g, key)));
}

/*
 * The ...Updated timestamps: set back to 2000-01-01 in the database (the
 * dto trigger follows, and get/by-uuid is checked to show it), so that a
 * write that recomputes them is seen to move them to its own time.
 * Returns the database's UTC time once set back, or NULL after a failure.
 */
#define LONG_AGO		"2000-01-01T00:00:00"
static const char backdate_sql[] =
    "UPDATE work_orders SET progress_completed_updated = '2000-01-01', "
    "element_type_plan_updated = '2000-01-01' WHERE uuid = ?";
static const char utc_now_sql[] =
    "SELECT DATE_FORMAT(UTC_TIMESTAMP(), '%Y-%m-%dT%H:%i:%s')";

static const char *
backdate_at(const char *u, const char *file, int line)
{
	const cJSON *g;

	if (sql_at(file, line, NULL, backdate_sql, 1, u) != 0 ||
	    (g = wo_get_at(u, file, line)) == NULL ||
	    !check_json_str_at(g, "progressCompletedUpdated", LONG_AGO, file,
	    line) ||
	    !check_json_str_at(g, "elementTypePlanUpdated", LONG_AGO, file,
	    line))
		return NULL;
	return sql_row_at(file, line, utc_now_sql, NULL);
}
#define BACKDATE(u)		backdate_at((u), __FILE__, __LINE__)

/* g[key] is a time from since (database UTC, as text) to now. */
static int
check_dt_since_at(const cJSON *g, const char *key, const char *since,
    const char *file, int line)
{
	const char *v = jstr(g, key), *now;

	if (!check_true(since != NULL, file, line, "no start time") ||
	    !check_datetime_set_at(g, key, file, line) ||
	    (now = sql_row_at(file, line, utc_now_sql, NULL)) == NULL)
		return 0;
	/* YYYY-MM-DDTHH:MM:SS compares as text. */
	return check_true(strcmp(v, since) >= 0 && strcmp(v, now) <= 0, file,
	    line, "\"%s\": expected the time of the write, %s to %s, got %s",
	    key, since, now, v);
}
#define CHECK_DT_SINCE(g, key, since) check_dt_since_at((g), (key), (since), __FILE__, __LINE__)

/* ---- history, plans -------------------------------------------------------------- */

/*
 * A history entry as the database holds it (no AMAGE read returns it):
 * its row, its participants (sorted) and its expenditures (element
 * type:count, in the order written); NULL where there are none.
 */
static const char *const hist_cols[] = { "reported_on", "reported_by_uuid",
    "tstamp", "state_name", "message", "hours_reported",
    "work_amount_reported", "participant_count", "valid", "participants",
    "expenditures", NULL };
static const char hist_state_sql[] =
    "SELECT reported_on, reported_by_uuid, tstamp, state_name, message, "
    "hours_reported, work_amount_reported, participant_count, valid, "
    "(SELECT GROUP_CONCAT(p.user_uuid ORDER BY p.user_uuid SEPARATOR ',') "
    "  FROM work_order_history_participants p WHERE p.history_id = h.id), "
    "(SELECT GROUP_CONCAT(e.element_type_uuid, ':', e.item_count "
    "  ORDER BY e.id SEPARATOR ',') "
    "  FROM work_order_expenditures e WHERE e.history_id = h.id) "
    "FROM work_order_history h WHERE h.uuid = ?";

/* The entry's one row (pool), or NULL after recording a failure. */
static const struct db_rows *
hist_state_at(const char *h, const char *file, int line)
{
	struct db_rows *rows;

	if (sql_at(file, line, &rows, hist_state_sql, 1, h) != 0 ||
	    !check_true(rows->nrows == 1, file, line, "history %s: %d rows",
	    h, rows->nrows))
		return NULL;
	return rows;
}
#define HIST_STATE(h)		hist_state_at((h), __FILE__, __LINE__)

/* Column col (one of hist_cols) of a HIST_STATE; "NULL" for SQL NULL. */
static const char *
hist_col(const struct db_rows *st, const char *col)
{
	int c;

	for (c = 0; hist_cols[c] != NULL; c++)
		if (strcmp(hist_cols[c], col) == 0)
			return db_cell(st, 0, c) ? db_cell(st, 0, c) : "NULL";
	return "(no such column)";
}
#define CHECK_HIST(st, col, exp) CHECK_STR((exp), hist_col((st), (col)))

/* after holds what before held, but for the columns of except. */
static int
check_hist_same_at(const struct db_rows *before, const struct db_rows *after,
    const char *const *except, const char *file, int line)
{
	int c, ok = 1;

	if (before == NULL || after == NULL)
		return check_true(0, file, line, "nothing to compare");
	for (c = 0; hist_cols[c] != NULL; c++)
		if (!in_list(hist_cols[c], except))
			ok &= check_str(hist_col(before, hist_cols[c]),
			    hist_col(after, hist_cols[c]), hist_cols[c], file,
			    line);
	return ok;
}
#define CHECK_HIST_SAME(b, a, except) check_hist_same_at((b), (a), (except), __FILE__, __LINE__)

/* POST /add-history/{wo} json; the entry's uuid (pool) and *id, or NULL. */
static const char *
hist_add_at(const char *wo, const char *json, long long *id,
    const char *file, int line)
{
	return ok_uuid_at(amage_post(p_hadd(wo), json), id, file, line);
}
#define HIST_ADD(wo, json, idp)	hist_add_at((wo), (json), (idp), __FILE__, __LINE__)

/* POST /add-workorder-elementtype-plan/{wo}: the item's uuid, or NULL. */
static const char *
plan_add_at(const char *wo, const char *et, double count, long long *id,
    const char *file, int line)
{
	return ok_uuid_at(amage_post(p_padd(wo), pool_printf(
	    "{\"elementTypeUuid\":\"%s\",\"itemCount\":%g,"
	    "\"category\":\"itest\",\"code\":\"C-%g\"}", et, count, count)),
	    id, file, line);
}
#define PLAN_ADD(wo, et, n, idp) plan_add_at((wo), (et), (n), (idp), __FILE__, __LINE__)

/* One expenditure object of a history body. */
static const char *
exp_json(const char *et, double count)
{
	return pool_printf("{\"tstamp\":\"2021-01-01T12:00:00\","
	    "\"elementTypeUuid\":\"%s\",\"itemCount\":%g,\"message\":\"m\"}",
	    et, count);
}

/* A new work order with workAmount (< 0: none); its uuid, or NULL. */
static const char *
wo_with_amount_at(double amount, const char *file, int line)
{
	if (amount < 0)
		return wo_add_at("{\"name\":\"itest details\"}", NULL, file,
		    line);
	return wo_add_at(pool_printf("{\"name\":\"itest details\","
	    "\"workAmount\":%g}", amount), NULL, file, line);
}
#define WO_WITH_AMOUNT(a)	wo_with_amount_at((a), __FILE__, __LINE__)

/* ======================================================================== */
/* list                                                                     */
/* ======================================================================== */

/* GET /list...: the array (lives until the test ends) or NULL. */
static const cJSON *
list_get_at(const char *path, const char *file, int line)
{
	struct http_response *r = amage_get(path);

	if (!check_status_at(r, 200, file, line) ||
	    !check_json_at(r, file, line) ||
	    !check_true(cJSON_IsArray(r->json), file, line,
	    "GET %s: expected a JSON array", path))
		return NULL;
	return r->json;
}
#define LIST_GET(path)		list_get_at((path), __FILE__, __LINE__)

/* Every item has a larger id than the one before it. */
static int
check_ascending_at(const cJSON *arr, const char *file, int line)
{
	const cJSON *it;
	long long prev = 0, id;
	int ok = 1, i = 0;

	cJSON_ArrayForEach(it, arr) {
		ok &= check_true(cJSON_IsNumber(jget(it, "id")), file, line,
		    "item %d has no numeric id: %s", i, jshow(it));
		id = json_id(it);
		ok &= check_true(i == 0 || id > prev, file, line,
		    "item %d: id %lld after %lld, not ascending", i, id, prev);
		prev = id;
		i++;
	}
	return ok;
}
#define CHECK_ASCENDING(a)	check_ascending_at((a), __FILE__, __LINE__)

/* Index of the item with this uuid in arr, or -1. */
static int
find_uuid(const cJSON *arr, const char *uuid)
{
	const cJSON *it;
	int i = 0;

	cJSON_ArrayForEach(it, arr) {
		const char *u = jstr(it, "uuid");

		if (u != NULL && strcmp(u, uuid) == 0)
			return i;
		i++;
	}
	return -1;
}

static const char wo_total_sql[] = "SELECT COUNT(*) FROM work_orders";
static const char list_fill_sql[] =
    "INSERT INTO work_orders (uuid, created, name) SELECT UUID(), "
    "UTC_TIMESTAMP(), CONCAT('itest list fill ', seq) FROM seq_1_to_1001";

/*
 * More than 1,000 work orders, so that a page of 1000 is full and has a
 * page after it, and a page of 50 is full: rows written through SQL (the
 * triggers keep their dto and the per-block counts) when the table holds
 * fewer.  The count (/count) afterwards, or -1 after recording a failure.
 */
static long long
list_filled_at(const char *file, int line)
{
	const char *n = sql_row_at(file, line, wo_total_sql, NULL);
	long long count;

	if (n == NULL)
		return -1;
	if (atoll(n) <= 1000 && sql_at(file, line, NULL, list_fill_sql, 0) != 0)
		return -1;
	count = amage_count_at(file, line);
	if (!check_true(count > 1000, file, line, "GET /count says %lld after "
	    "the table was filled to more than 1000", count))
		return -1;
	return count;
}
#define LIST_FILLED()		list_filled_at(__FILE__, __LINE__)

/* Nothing was added while the test read its pages. */
#define CHECK_COUNT_STILL(n)	CHECKF(AMAGE_COUNT() == (n), "the count " \
				    "moved from %lld while the test read", (n))

/* a and b hold the same ids in the same order. */
static int
check_same_ids_at(const cJSON *a, const cJSON *b, const char *what,
    const char *file, int line)
{
	int i, n = cJSON_GetArraySize(a);

	if (!check_true(n == cJSON_GetArraySize(b), file, line, "%s: %d items "
	    "and %d items", what, n, cJSON_GetArraySize(b)))
		return 0;
	for (i = 0; i < n; i++)
		if (!check_true(json_id(cJSON_GetArrayItem(a, i)) ==
		    json_id(cJSON_GetArrayItem(b, i)), file, line, "%s: item %d "
		    "has id %lld and id %lld", what, i,
		    json_id(cJSON_GetArrayItem(a, i)),
		    json_id(cJSON_GetArrayItem(b, i))))
			return 0;
	return 1;
}
#define CHECK_SAME_IDS(a, b, what) check_same_ids_at((a), (b), (what), __FILE__, __LINE__)

/* The last id of page a is below the first of page b. */
static int
check_follows_at(const cJSON *a, const cJSON *b, const char *file, int line)
{
	long long last, first;

	if (!check_true(cJSON_GetArraySize(a) > 0 &&
	    cJSON_GetArraySize(b) > 0, file, line, "an empty page"))
		return 0;
	last = json_id(cJSON_GetArrayItem(a, cJSON_GetArraySize(a) - 1));
	first = json_id(cJSON_GetArrayItem(b, 0));
	return check_true(last < first, file, line, "page ends with id %lld, "
	    "the next starts with %lld", last, first);
}
#define CHECK_FOLLOWS(a, b)	check_follows_at((a), (b), __FILE__, __LINE__)

TEST(list_last_pages_hold_the_new_work_orders_as_get_by_uuid_returns_them)
{
	const long long size = 10;
	const char *u[3];
	const cJSON *prev = NULL, *last, *it, *g;
	long long n, lastp, id[3];
	int i, at[3];

	for (i = 0; i < 3; i++)
		REQUIRE((u[i] = WO_ADD(pool_printf("{\"name\":\"itest list "
		    "%d\",\"workAmount\":%d}", i, 10 + i), &id[i])) != NULL);
	REQUIRE((n = AMAGE_COUNT()) >= 3);
	lastp = (n + size - 1) / size;
	REQUIRE((last = LIST_GET(p_list(lastp, size))) != NULL);
	if (lastp > 1)
		REQUIRE((prev = LIST_GET(p_list(lastp - 1, size))) != NULL);
	CHECK_COUNT_STILL(n);
	CHECK_INT(n - (lastp - 1) * size, cJSON_GetArraySize(last));
	if (lastp > 1)
		CHECK_INT(size, cJSON_GetArraySize(prev));
	CHECK_ASCENDING(last);
	/* The three newest are at positions n-2, n-1, n. */
	for (i = 0; i < 3; i++) {
		long long pos = n - 2 + i;	/* 1-based */
		const cJSON *page = (pos - 1) / size + 1 == lastp ? last : prev;
		int idx = (int)((pos - 1) % size);

		at[i] = page ? find_uuid(page, u[i]) : -1;
		if (!CHECKF(page != NULL && at[i] == idx, "work order %s "
		    "(id %lld) expected at position %lld (page %lld, index %d), "
		    "found at index %d of that page", u[i], id[i], pos,
		    (pos - 1) / size + 1, idx, at[i]))
			continue;
		it = cJSON_GetArrayItem(page, idx);
		CHECK_JSON_NUM(it, "id", (double)id[i]);
		/* The full WorkOrderDto, exactly as get/by-uuid has it. */
		if ((g = WO_GET(u[i])) != NULL)
			CHECK_SAME(g, it, NULL);
	}
}

TEST(list_consecutive_pages_do_not_overlap_and_are_ordered_by_id)
{
	const long long size = 3;
	const cJSON *a, *b, *c, *it;
	long long n, lastp;
	int i;

	for (i = 0; i < 7; i++)
		REQUIRE(WO_ADD("{\"name\":\"itest pages\"}", NULL) != NULL);
	REQUIRE((n = AMAGE_COUNT()) >= 7);
	lastp = (n + size - 1) / size;
	REQUIRE(lastp >= 3);
	REQUIRE((a = LIST_GET(p_list(lastp - 2, size))) != NULL);
	REQUIRE((b = LIST_GET(p_list(lastp - 1, size))) != NULL);
	REQUIRE((c = LIST_GET(p_list(lastp, size))) != NULL);
	CHECK_COUNT_STILL(n);
	CHECK_INT(size, cJSON_GetArraySize(a));
	CHECK_INT(size, cJSON_GetArraySize(b));
	CHECK_INT(n - (lastp - 1) * size, cJSON_GetArraySize(c));
	CHECK_ASCENDING(a);
	CHECK_ASCENDING(b);
	CHECK_ASCENDING(c);
	/* Page k ends below where page k+1 starts: no overlap, no reorder. */
	CHECK_FOLLOWS(a, b);
	CHECK_FOLLOWS(b, c);
	cJSON_ArrayForEach(it, b)
		CHECKF(find_uuid(a, jstr(it, "uuid")) < 0 &&
		    find_uuid(c, jstr(it, "uuid")) < 0,
		    "%s is on two pages", jstr(it, "uuid"));
	/* The first two pages too, from the other end. */
	REQUIRE((a = LIST_GET(p_list(1, size))) != NULL);
	REQUIRE((b = LIST_GET(p_list(2, size))) != NULL);
	CHECK_INT(size, cJSON_GetArraySize(a));
	CHECK_INT(size, cJSON_GetArraySize(b));
	CHECK_ASCENDING(a);
	CHECK_ASCENDING(b);
	CHECK_FOLLOWS(a, b);
}

TEST(list_page_count_of_size_1_is_the_newest_work_order)
{
	const cJSON *arr;
	const char *u;
	long long n, id;

	REQUIRE((u = WO_ADD("{\"name\":\"itest newest\"}", &id)) != NULL);
	REQUIRE((n = AMAGE_COUNT()) >= 1);
	REQUIRE((arr = LIST_GET(p_list(n, 1))) != NULL);
	REQUIRE(CHECK_INT(1, cJSON_GetArraySize(arr)));
	CHECK_JSON_NUM(cJSON_GetArrayItem(arr, 0), "id", (double)id);
	CHECK_JSON_STR(cJSON_GetArrayItem(arr, 0), "uuid", u);
	/* And the page after it is past the end. */
	CHECK_AMAGE_ERROR(amage_get(p_list(n + 1, 1)), 404, 404);
	CHECK_COUNT_STILL(n);
}

TEST(list_size_5000_is_capped_to_1000_items)
{
	const cJSON *arr, *p1, *p2, *p2k;
	long long n;

	REQUIRE((n = LIST_FILLED()) > 1000);
	REQUIRE((arr = LIST_GET(WO_BASE "/list?page=1&size=5000")) != NULL);
	REQUIRE((p1 = LIST_GET(p_list(1, 1000))) != NULL);
	REQUIRE((p2 = LIST_GET(WO_BASE "/list?page=2&size=5000")) != NULL);
	REQUIRE((p2k = LIST_GET(p_list(2, 1000))) != NULL);
	CHECK_COUNT_STILL(n);
	CHECK_INT(1000, cJSON_GetArraySize(arr));
	CHECK_ASCENDING(arr);
	CHECK_SAME_IDS(p1, arr, "page 1 of size 1000 and of size 5000");
	/* Page 2 of "5000" is page 2 of 1000: the rows after the first 1000. */
	CHECK_INT(n - 1000 < 1000 ? n - 1000 : 1000, cJSON_GetArraySize(p2));
	CHECK_SAME_IDS(p2k, p2, "page 2 of size 1000 and of size 5000");
	CHECK_FOLLOWS(arr, p2);
}

TEST(list_defaults_are_page_1_and_size_50)
{
	const cJSON *d, *e, *p1, *ps, *d2, *p2;
	long long n;

	REQUIRE((n = LIST_FILLED()) > 1000);
	REQUIRE((d = LIST_GET(WO_BASE "/list")) != NULL);
	REQUIRE((p1 = LIST_GET(p_list(1, 50))) != NULL);
	REQUIRE((ps = LIST_GET(WO_BASE "/list?size=50")) != NULL);
	REQUIRE((e = LIST_GET(WO_BASE "/list?page=1")) != NULL);
	REQUIRE((d2 = LIST_GET(WO_BASE "/list?page=2")) != NULL);
	REQUIRE((p2 = LIST_GET(p_list(2, 50))) != NULL);
	CHECK_COUNT_STILL(n);
	CHECK_INT(50, cJSON_GetArraySize(d));
	CHECK_ASCENDING(d);
	/* Work orders are never deleted: page 1 is the same every time. */
	CHECK_SAME_IDS(p1, d, "/list and ?page=1&size=50");
	CHECK_SAME_IDS(p1, e, "?page=1 and ?page=1&size=50");
	CHECK_SAME_IDS(p1, ps, "?size=50 and ?page=1&size=50");
	/* ?page=2 alone is the next 50. */
	CHECK_INT(50, cJSON_GetArraySize(d2));
	CHECK_SAME_IDS(p2, d2, "?page=2 and ?page=2&size=50");
	CHECK_FOLLOWS(d, d2);
	/* ?size=1 alone is page 1. */
	REQUIRE((d = LIST_GET(WO_BASE "/list?size=1")) != NULL);
	if (CHECK_INT(1, cJSON_GetArraySize(d)))
		CHECK_INT(json_id(cJSON_GetArrayItem(p1, 0)),
		    json_id(cJSON_GetArrayItem(d, 0)));
}

TEST(list_page_past_the_end_is_404_with_error_code_404)
{
	long long n;

	REQUIRE(WO_ADD("{\"name\":\"itest past end\"}", NULL) != NULL);
	REQUIRE((n = AMAGE_COUNT()) >= 1);
	/* The last page is there; the one after it is not. */
	CHECK_STATUS(amage_get(p_list(n, 1)), 200);
	CHECK_AMAGE_ERROR(amage_get(p_list(n + 1, 1)), 404, 404);
	CHECK_STATUS(amage_get(p_list((n + 999) / 1000, 1000)), 200);
	CHECK_AMAGE_ERROR(amage_get(p_list((n + 999) / 1000 + 1, 1000)), 404,
	    404);
	CHECK_AMAGE_ERROR(amage_get(p_list(999999999, 50)), 404, 404);
	CHECK_COUNT_STILL(n);
}

TEST(list_with_bad_page_or_size_is_400_with_error_code_400)
{
	static const char *const bad[] = {
		"page=abc", "page=0", "page=-1", "page=", "page=1x",
		"size=abc", "size=0", "size=-5", "size=", "size=10x",
		"page=1&size=0", "page=0&size=10", "page=-3&size=-3",
		NULL
	};
	const char *const *b;

	for (b = bad; *b != NULL; b++)
		CHECK_AMAGE_ERROR(amage_get(pool_printf(WO_BASE "/list?%s",
		    *b)), 400, 400);
}

/* ======================================================================== */
/* edit                                                                     */
/* ======================================================================== */

/* A work order with many fields set (demo references only). */
static const char *
wo_full_at(long long *id, const char *file, int line)
{
	const char *parent;

	parent = wo_add_at("{\"name\":\"itest edit parent\"}", NULL, file,
	    line);
	if (parent == NULL)
		return NULL;
	return wo_add_at(pool_printf("{\"name\":\"itest edit\","
	    "\"description\":\"opis\",\"typeUuid\":\"" TYPE_031 "\","
	    "\"stateName\":\"SCHEDULED\",\"priorityName\":\"HIGH\","
	    "\"archived\":false,\"beginDate\":\"2021-01-01T12:00:00\","
	    "\"deadlineDate\":\"2021-02-28T23:59:59\",\"notes\":\"notatki\","
	    "\"assignedUserUuid\":\"" USER_1 "\",\"verifyUserUuid\":\""
	    USER_2 "\",\"protocolNumber\":\"A/23/330/2000\","
	    "\"parentUuid\":\"%s\",\"locationUuid\":\"" LOCATION_041 "\","
	    "\"budget\":1000.5,\"hoursEstimated\":10.25,\"workAmount\":100,"
	    "\"workAmountUnit\":\"metry\",\"workUnitMinutesTotal\":150,"
	    "\"workUnitMinutes\":100.5,\"workUnitPrice\":156.75}", parent),
	    id, file, line);
}
#define WO_FULL(idp)		wo_full_at((idp), __FILE__, __LINE__)

TEST(edit_name_only_changes_the_name_and_answers_id_and_uuid)
{
	static const char *const except[] = { "name", NULL };
	const cJSON *before, *after;
	const char *u;
	long long id;

	REQUIRE((u = WO_FULL(&id)) != NULL);
	REQUIRE((before = WO_GET(u)) != NULL);
	CHECK_OK_IS(amage_post(p_edit(u), "{\"name\":\"new\"}"), id, u);
	REQUIRE((after = WO_GET(u)) != NULL);
	CHECK_JSON_STR(after, "name", "new");
	CHECK_SAME(before, after, except);
}

TEST(edit_with_explicit_nulls_leaves_those_fields_alone)
{
	static const char *const except[] = { "description", NULL };
	const cJSON *before, *after;
	const char *u;
	long long id;

	REQUIRE((u = WO_FULL(&id)) != NULL);
	REQUIRE((before = WO_GET(u)) != NULL);
	CHECK_OK_IS(amage_post(p_edit(u), "{\"name\":null,\"locationUuid\":"
	    "null,\"budget\":null,\"archived\":null,\"beginDate\":null,"
	    "\"description\":\"nowy opis\"}"), id, u);
	REQUIRE((after = WO_GET(u)) != NULL);
	CHECK_JSON_STR(after, "description", "nowy opis");
	CHECK_SAME(before, after, except);
}

TEST(edit_several_fields_changes_exactly_those)
{
	static const char *const except[] = { "priorityName", "archived",
	    "budget", "deadlineDate", "assignedUserUuid", "notes", NULL };
	const cJSON *before, *after;
	const char *u;
	long long id;

	REQUIRE((u = WO_FULL(&id)) != NULL);
	REQUIRE((before = WO_GET(u)) != NULL);
	CHECK_OK_IS(amage_post(p_edit(u), "{\"priorityName\":\"LOW\","
	    "\"archived\":true,\"budget\":7.5,\"deadlineDate\":"
	    "\"2022-03-04T05:06:07\",\"assignedUserUuid\":\"" USER_2 "\","
	    "\"notes\":\"\"}"), id, u);
	REQUIRE((after = WO_GET(u)) != NULL);
	CHECK_JSON_STR(after, "priorityName", "LOW");
	CHECK_JSON_BOOL(after, "archived", 1);
	CHECK_JSON_NUM(after, "budget", 7.5);
	CHECK_JSON_STR(after, "deadlineDate", "2022-03-04T05:06:07");
	CHECK_JSON_STR(after, "assignedUserUuid", USER_2);
	CHECK_JSON_STR(after, "notes", "");
	CHECK_SAME(before, after, except);
}

TEST(edit_get_modify_post_round_trip_changes_only_what_was_modified)
{
	static const char *const except[] = { "description", NULL };
	const cJSON *before, *after;
	cJSON *body;
	const char *u;
	long long id;

	REQUIRE((u = WO_FULL(&id)) != NULL);
	/* Some history so that the derived fields are not all zero. */
	REQUIRE(PLAN_ADD(u, ET_011, 2, NULL) != NULL);
	REQUIRE(HIST_ADD(u, pool_printf("{\"tstamp\":\"2021-01-05T08:00:00\","
	    "\"stateName\":\"IN_PROGRESS\",\"workAmountReported\":25,"
	    "\"workOrderExpenditures\":[%s]}", exp_json(ET_011, 2)), NULL) !=
	    NULL);
	REQUIRE((before = WO_GET(u)) != NULL);
	body = pool_json(cJSON_Duplicate(before, 1));
	REQUIRE(CHECK(body != NULL));
	cJSON_ReplaceItemInObjectCaseSensitive(body, "description",
	    cJSON_CreateString("po edycji"));
	CHECK_OK_IS(amage_post(p_edit(u), pool_json_print(body)), id, u);
	REQUIRE((after = WO_GET(u)) != NULL);
	CHECK_JSON_STR(after, "description", "po edycji");
	CHECK_SAME(before, after, except);
	CHECK_PROGRESS(after, 25);
	CHECK_PLAN(after, 1, 1);
}

TEST(edit_takes_its_own_id_and_uuid_and_ignores_server_maintained_fields)
{
	static const char *const except[] = { "name", NULL };
	const cJSON *before, *after;
	const char *u;
	long long id;

	REQUIRE((u = WO_FULL(&id)) != NULL);
	REQUIRE((before = WO_GET(u)) != NULL);
	CHECK_OK_IS(amage_post(p_edit(u), pool_printf("{\"id\":%lld,"
	    "\"uuid\":\"%s\",\"name\":\"ignored fields\","
	    "\"created\":\"2000-01-01T00:00:00\",\"progressCompleted\":55,"
	    "\"elementTypePlanCompleted\":true,"
	    "\"elementTypePlanTotalCount\":10,"
	    "\"elementTypePlanCompletedCount\":7,"
	    "\"progressCompletedUpdated\":\"2000-01-02T10:00:00\","
	    "\"elementTypePlanUpdated\":\"2000-01-02T10:05:00\"}", id,
	    pool_upper(u))), id, u);
	REQUIRE((after = WO_GET(u)) != NULL);
	CHECK_JSON_STR(after, "name", "ignored fields");
	CHECK_SAME(before, after, except);
}

/* Finding: edit silently ignored an id or uuid naming another record. */
TEST(edit_with_another_id_or_uuid_in_the_body_is_400_400_and_changes_nothing)
{
	static const char *const none[] = { NULL };
	const cJSON *before, *after;
	const char *u, *other = fresh_uuid();
	long long id;

	REQUIRE((u = WO_FULL(&id)) != NULL);
	REQUIRE((before = WO_GET(u)) != NULL);
	CHECK_AMAGE_ERROR(amage_post(p_edit(u), pool_printf("{\"id\":%lld,"
	    "\"name\":\"must not land\"}", id + 1000000)), 400, 400);
	CHECK_AMAGE_ERROR(amage_post(p_edit(u), pool_printf("{\"uuid\":\"%s\","
	    "\"name\":\"must not land\"}", other)), 400, 400);
	REQUIRE((after = WO_GET(u)) != NULL);
	CHECK_SAME(before, after, none);
	/* The uuid in the body did not become a work order. */
	CHECK_AMAGE_ERROR(amage_get(p_get(other)), 404, 404);
}

TEST(edit_by_upper_case_uuid_edits_and_answers_lower_case)
{
	const cJSON *after;
	const char *u;
	long long id;

	REQUIRE((u = WO_ADD("{\"name\":\"itest upper edit\"}", &id)) != NULL);
	CHECK_OK_IS(amage_post(p_edit(pool_upper(u)), "{\"name\":\"UP\"}"),
	    id, u);
	REQUIRE((after = WO_GET(u)) != NULL);
	CHECK_JSON_STR(after, "name", "UP");
}

TEST(edit_of_unknown_work_order_is_400_404_and_creates_nothing)
{
	const char *u = fresh_uuid();
	long long before = AMAGE_COUNT();

	CHECK_NOT_FOUND(amage_post(p_edit(u), "{\"name\":\"ghost\"}"),
	    "workorder", u);
	CHECK_NOT_FOUND(amage_post(p_edit(pool_upper(u)),
	    "{\"name\":\"ghost\"}"), "workorder", u);
	CHECK_INT(before, AMAGE_COUNT());
	CHECK_AMAGE_ERROR(amage_get(p_get(u)), 404, 404);
}

TEST(edit_with_malformed_path_uuid_is_400_400)
{
	const char *const *b;

	for (b = bad_uuids(); *b != NULL; b++)
		CHECK_BAD_REQUEST(amage_post(p_edit(*b), pool_printf(
		    "{\"name\":\"x %s\"}", nonce())));
}

/* Edit u with json: 400/404 naming kind and missing; u unchanged. */
static void
edit_refused_not_found(const char *u, const cJSON *before, const char *json,
    const char *kind, const char *missing)
{
	CHECK_NOT_FOUND(amage_post(p_edit(u), json), kind, missing);
	CHECK_UNCHANGED(u, before);
}

TEST(edit_with_unknown_reference_is_400_404_and_changes_nothing)
{
	const char *u, *x = fresh_uuid();
	const cJSON *before;

	REQUIRE((u = WO_FULL(NULL)) != NULL);
	REQUIRE((before = WO_GET(u)) != NULL);
	/* All or nothing: the valid name must not be applied either. */
	edit_refused_not_found(u, before, pool_printf("{\"name\":\"half\","
	    "\"locationUuid\":\"%s\"}", x), "location", x);
	edit_refused_not_found(u, before, pool_printf("{\"budget\":1,"
	    "\"assignedUserUuid\":\"%s\",\"notes\":\"half\"}", x), "user", x);
	/* Sent in upper case, named in lower case. */
	edit_refused_not_found(u, before, pool_printf("{\"name\":\"half\","
	    "\"verifyUserUuid\":\"%s\"}", pool_upper(x)), "user", x);
	edit_refused_not_found(u, before, pool_printf("{\"name\":\"half\","
	    "\"parentUuid\":\"%s\"}", x), "workorder", x);
	/* A reference of another kind: the demo asset is not a location. */
	edit_refused_not_found(u, before, "{\"name\":\"half\",\"locationUuid\":"
	    "\"" ASSET_021 "\"}", "location", ASSET_021);
}

TEST(edit_with_wrong_types_is_400_400_and_changes_nothing)
{
	static const char *const bad[] = {
		"{\"name\":5,\"notes\":\"half\"}",
		"{\"notes\":\"half\",\"workAmount\":\"abc\"}",
		"{\"notes\":\"half\",\"archived\":\"yes\"}",
		"{\"notes\":\"half\",\"stateName\":\"DONE\"}",
		"{\"notes\":\"half\",\"priorityName\":\"URGENT\"}",
		"{\"notes\":\"half\",\"beginDate\":\"2021-13-01T00:00:00\"}",
		"{\"notes\":\"half\",\"deadlineDate\":\"2021-02-30T00:00:00\"}",
		"{\"notes\":\"half\",\"locationUuid\":\"not-a-uuid\"}",
		"{\"notes\":\"half\",\"locationUuid\":7}",
		"{\"notes\":\"half\",\"budget\":true}",
		"{\"notes\":",
		"[{\"notes\":\"half\"}]",
		"\"half\"",
		NULL
	};
	const char *const *b;
	const char *u;
	const cJSON *before;

	REQUIRE((u = WO_FULL(NULL)) != NULL);
	REQUIRE((before = WO_GET(u)) != NULL);
	for (b = bad; *b != NULL; b++) {
		CHECKF(CHECK_BAD_REQUEST(amage_post(p_edit(u), *b)),
		    "body: %s", *b);
		CHECK_UNCHANGED(u, before);
	}
}

TEST(edit_with_parent_uuid_equal_to_itself_is_400_400)
{
	const char *u, *other;
	const cJSON *before, *after;

	REQUIRE((u = WO_FULL(NULL)) != NULL);
	REQUIRE((before = WO_GET(u)) != NULL);
	CHECK_BAD_REQUEST(amage_post(p_edit(u), pool_printf("{\"name\":"
	    "\"self\",\"parentUuid\":\"%s\"}", u)));
	CHECK_UNCHANGED(u, before);
	CHECK_BAD_REQUEST(amage_post(p_edit(u), pool_printf("{\"name\":"
	    "\"self\",\"parentUuid\":\"%s\"}", pool_upper(u))));
	CHECK_UNCHANGED(u, before);
	/* Another work order is a fine parent. */
	REQUIRE((other = WO_ADD("{\"name\":\"itest new parent\"}", NULL)) !=
	    NULL);
	CHECK_AMAGE_OK(amage_post(p_edit(u), pool_printf("{\"parentUuid\":"
	    "\"%s\"}", other)));
	REQUIRE((after = WO_GET(u)) != NULL);
	CHECK_JSON_STR(after, "parentUuid", other);
}

TEST(edit_of_a_duplicated_uuid_is_400_400_duplicated)
{
	const char *u = fresh_uuid();
	const char *body = pool_printf("{\"uuid\":\"%s\",\"name\":\"twin\"}",
	    u);
	struct http_response *r;

	REQUIRE(WO_ADD(body, NULL) != NULL);
	REQUIRE(WO_ADD(body, NULL) != NULL);
	r = amage_post(p_edit(u), "{\"name\":\"which one\"}");
	CHECK_BAD_REQUEST(r);
	CHECK_CONTAINS_NOCASE(jstr(r->json, "message"), "duplicated entry");
	r = amage_post(p_hadd(u), "{\"workAmountReported\":1}");
	CHECK_BAD_REQUEST(r);
	CHECK_CONTAINS_NOCASE(jstr(r->json, "message"), "duplicated entry");
}

TEST(edit_of_work_amount_recomputes_progress)
{
	const char *u;
	const cJSON *g;

	REQUIRE((u = WO_WITH_AMOUNT(100)) != NULL);
	REQUIRE(HIST_ADD(u, "{\"tstamp\":\"2021-01-01T10:00:00\","
	    "\"workAmountReported\":30}", NULL) != NULL);
	REQUIRE((g = WO_GET(u)) != NULL);
	CHECK_PROGRESS(g, 30);
	CHECK_AMAGE_OK(amage_post(p_edit(u), "{\"workAmount\":60}"));
	REQUIRE((g = WO_GET(u)) != NULL);
	CHECK_JSON_NUM(g, "workAmount", 60);
	CHECK_PROGRESS(g, 50);
	CHECK_AMAGE_OK(amage_post(p_edit(u), "{\"workAmount\":20}"));
	CHECK_PROGRESS(WO_GET(u), 100);		/* 150 %, capped */
	CHECK_AMAGE_OK(amage_post(p_edit(u), "{\"workAmount\":70}"));
	CHECK_PROGRESS(WO_GET(u), 42);		/* 42.86, floored */
	CHECK_AMAGE_OK(amage_post(p_edit(u), "{\"workAmount\":0}"));
	CHECK_PROGRESS(WO_GET(u), 0);
	CHECK_AMAGE_OK(amage_post(p_edit(u), "{\"workAmount\":300}"));
	CHECK_PROGRESS(WO_GET(u), 10);
}

/* ======================================================================== */
/* history                                                                  */
/* ======================================================================== */

TEST(add_history_with_every_field_answers_its_id_and_a_fresh_uuid)
{
	const char *u, *h1, *h2, *since;
	long long id1, id2, wo_id;
	const struct db_rows *st;
	const cJSON *g;

	REQUIRE((u = WO_ADD("{\"name\":\"itest hist\",\"workAmount\":10}",
	    &wo_id)) != NULL);
	REQUIRE((g = WO_GET(u)) != NULL);
	CHECK_JSON_NULL(g, "progressCompletedUpdated");
	REQUIRE((since = SQL_ROW(utc_now_sql, NULL)) != NULL);
	REQUIRE((h1 = HIST_ADD(u, pool_printf("{\"workOrderUuid\":\"%s\","
	    "\"reportedOn\":\"2021-01-01T12:00:00\","
	    "\"reportedByUuid\":\"" USER_1 "\","
	    "\"tstamp\":\"2021-01-01T12:00:00\",\"stateName\":\"IN_PROGRESS\","
	    "\"message\":\"wiadomość\",\"hoursReported\":8.0,"
	    "\"workAmountReported\":1.0,\"participantCount\":2,\"valid\":true,"
	    "\"participants\":[{\"uuid\":\"" USER_1 "\"},{\"uuid\":\""
	    USER_2 "\"}],\"workOrderExpenditures\":[{\"uuid\":\"%s\","
	    "\"tstamp\":\"2021-01-01T12:00:00\",\"elementTypeUuid\":\"" ET_011
	    "\",\"itemCount\":10.0,\"message\":\"message\"}]}", u,
	    fresh_uuid()), &id1)) != NULL);
	CHECK(strcmp(h1, u) != 0);
	/* Every field stored, participants and expenditures included. */
	REQUIRE((st = HIST_STATE(h1)) != NULL);
	CHECK_HIST(st, "reported_on", "2021-01-01 12:00:00");
	CHECK_HIST(st, "reported_by_uuid", USER_1);
	CHECK_HIST(st, "tstamp", "2021-01-01 12:00:00");
	CHECK_HIST(st, "state_name", "IN_PROGRESS");
	CHECK_HIST(st, "message", "wiadomość");
	CHECK_HIST(st, "hours_reported", "8");
	CHECK_HIST(st, "work_amount_reported", "1");
	CHECK_HIST(st, "participant_count", "2");
	CHECK_HIST(st, "valid", "1");
	CHECK_HIST(st, "participants", USER_1 "," USER_2);
	CHECK_HIST(st, "expenditures", ET_011 ":10");
	/* A second one: another id and uuid. */
	REQUIRE((h2 = HIST_ADD(u, "{\"workAmountReported\":1}", &id2)) !=
	    NULL);
	CHECKF(strcmp(h1, h2) != 0, "two entries got the uuid %s", h1);
	CHECKF(id1 != id2, "two entries got the id %lld", id1);
	REQUIRE((g = WO_GET(u)) != NULL);
	CHECK_PROGRESS(g, 20);
	CHECK_JSON_STR(g, "stateName", "IN_PROGRESS");
	CHECK_DT_SINCE(g, "progressCompletedUpdated", since);
}

TEST(add_history_with_a_given_uuid_keeps_it_in_lower_case)
{
	const char *u, *h = fresh_uuid();
	struct http_response *r;

	REQUIRE((u = WO_WITH_AMOUNT(10)) != NULL);
	r = amage_post(p_hadd(u), pool_printf("{\"uuid\":\"%s\","
	    "\"workAmountReported\":1}", pool_upper(h)));
	REQUIRE(CHECK_AMAGE_OK(r));
	CHECK_JSON_STR(r->json, "uuid", h);
	/* And it is that entry that delete-history finds. */
	CHECK_OK_IS(amage_delete(p_hdel(h)), json_id(r->json), h);
	CHECK_PROGRESS(WO_GET(u), 0);
}

TEST(add_history_valid_defaults_to_true)
{
	const char *u;

	REQUIRE((u = WO_WITH_AMOUNT(10)) != NULL);
	REQUIRE(HIST_ADD(u, "{\"tstamp\":\"2021-01-01T10:00:00\","
	    "\"stateName\":\"ON_HOLD\",\"workAmountReported\":4}", NULL) !=
	    NULL);
	CHECK_PROGRESS(WO_GET(u), 40);
	CHECK_JSON_STR(WO_GET(u), "stateName", "ON_HOLD");
}

TEST(add_history_with_matching_work_order_uuid_in_any_case_is_accepted)
{
	const char *u;

	REQUIRE((u = WO_WITH_AMOUNT(10)) != NULL);
	CHECK_AMAGE_OK(amage_post(p_hadd(u), pool_printf("{\"workOrderUuid\":"
	    "\"%s\",\"workAmountReported\":1}", pool_upper(u))));
	CHECK_AMAGE_OK(amage_post(p_hadd(pool_upper(u)), pool_printf(
	    "{\"workOrderUuid\":\"%s\",\"workAmountReported\":1}", u)));
	CHECK_PROGRESS(WO_GET(u), 20);
}

static const char wo_history_count_sql[] =
    "SELECT COUNT(*) FROM work_order_history h "
    "JOIN work_orders w ON w.id = h.work_order_id WHERE w.uuid = ?";

/*
 * POST add-history/{u} json: refused with status/code, and nothing
 * written: no history row in the database, derived fields untouched.
 */
static void
hist_refused(const char *u, const char *json, long status, int code)
{
	const cJSON *g;

	CHECKF(CHECK_AMAGE_ERROR(amage_post(p_hadd(u), json), status, code),
	    "body: %s", json);
	CHECKF(CHECK_STR("0", SQL_ROW(wo_history_count_sql, u)),
	    "history rows after body: %s", json);
	if ((g = WO_GET(u)) != NULL) {
		CHECK_PROGRESS(g, 0);
		CHECK_JSON_NULL(g, "progressCompletedUpdated");
		CHECK_JSON_STR(g, "stateName", "NEW");
		CHECK_PLAN(g, 0, 0);
	}
}

TEST(add_history_with_id_is_400_400_and_writes_nothing)
{
	const char *u;

	REQUIRE((u = WO_WITH_AMOUNT(10)) != NULL);
	hist_refused(u, "{\"id\":5,\"workAmountReported\":5,"
	    "\"stateName\":\"IN_PROGRESS\"}", 400, 400);
}

TEST(add_history_with_another_work_order_uuid_in_the_body_is_400_400)
{
	const char *u, *other;

	REQUIRE((u = WO_WITH_AMOUNT(10)) != NULL);
	REQUIRE((other = WO_WITH_AMOUNT(10)) != NULL);
	hist_refused(u, pool_printf("{\"workOrderUuid\":\"%s\","
	    "\"workAmountReported\":5}", other), 400, 400);
	CHECK_PROGRESS(WO_GET(other), 0);
	hist_refused(u, pool_printf("{\"workOrderUuid\":\"%s\","
	    "\"workAmountReported\":5}", fresh_uuid()), 400, 400);
}

TEST(add_history_to_unknown_work_order_is_400_404)
{
	const char *x = fresh_uuid();

	CHECK_NOT_FOUND(amage_post(p_hadd(x), "{\"workAmountReported\":1}"),
	    "workorder", x);
	CHECK_NOT_FOUND(amage_post(p_hadd(pool_upper(x)),
	    "{\"workAmountReported\":1}"), "workorder", x);
}

TEST(add_history_with_unknown_references_is_400_404_and_writes_nothing)
{
	const char *u, *x = fresh_uuid();
	struct http_response *r;

	REQUIRE((u = WO_WITH_AMOUNT(10)) != NULL);
	r = amage_post(p_hadd(u), pool_printf("{\"reportedByUuid\":\"%s\","
	    "\"workAmountReported\":5,\"stateName\":\"IN_PROGRESS\"}", x));
	CHECK_NOT_FOUND(r, "user", x);
	r = amage_post(p_hadd(u), pool_printf("{\"workAmountReported\":5,"
	    "\"stateName\":\"IN_PROGRESS\",\"participants\":[{\"uuid\":\""
	    USER_1 "\"},{\"uuid\":\"%s\"}]}", pool_upper(x)));
	CHECK_NOT_FOUND(r, "user", x);
	r = amage_post(p_hadd(u), pool_printf("{\"workAmountReported\":5,"
	    "\"stateName\":\"IN_PROGRESS\",\"workOrderExpenditures\":[%s,%s]}",
	    exp_json(ET_011, 1), exp_json(x, 1)));
	CHECK_NOT_FOUND(r, "elementtype", x);
	/* References of another kind. */
	r = amage_post(p_hadd(u), "{\"workAmountReported\":5,"
	    "\"reportedByUuid\":\"" ASSET_021 "\"}");
	CHECK_NOT_FOUND(r, "user", ASSET_021);
	r = amage_post(p_hadd(u), pool_printf("{\"workAmountReported\":5,"
	    "\"workOrderExpenditures\":[%s]}", exp_json(ASSET_021, 1)));
	CHECK_NOT_FOUND(r, "elementtype", ASSET_021);
	hist_refused(u, pool_printf("{\"workAmountReported\":5,"
	    "\"participants\":[{\"uuid\":\"%s\"}]}", x), 400, 404);
}

TEST(add_history_with_wrong_types_is_400_400_and_writes_nothing)
{
	static const char *const bad[] = {
		"{\"workAmountReported\":5,\"valid\":\"yes\"}",
		"{\"workAmountReported\":\"5\"}",
		"{\"workAmountReported\":5,\"stateName\":\"DONE\"}",
		"{\"workAmountReported\":5,\"tstamp\":\"2021-02-30T00:00:00\"}",
		"{\"workAmountReported\":5,\"reportedOn\":\"2021-01-01\"}",
		"{\"workAmountReported\":5,\"reportedByUuid\":\"nope\"}",
		"{\"workAmountReported\":5,\"participants\":\"" USER_1 "\"}",
		"{\"workAmountReported\":5,\"participants\":[{\"uuid\":5}]}",
		"{\"workAmountReported\":5,\"participantCount\":\"two\"}",
		"{\"workAmountReported\":5,\"workOrderExpenditures\":{}}",
		"{\"workAmountReported\":5,\"workOrderExpenditures\":"
		    "[{\"itemCount\":1,\"tstamp\":\"2021-01-01T12:00:00\"}]}",
		"{\"workAmountReported\":5,\"workOrderExpenditures\":"
		    "[{\"elementTypeUuid\":\"" ET_011 "\",\"itemCount\":\"x\"}]}",
		"{\"workAmountReported\":5,\"workOrderUuid\":\"nope\"}",
		"{\"workAmountReported\":5,\"uuid\":\"nope\"}",
		"{\"workAmountReported\":",
		"[]",
		NULL
	};
	const char *const *b;
	const char *u;

	REQUIRE((u = WO_WITH_AMOUNT(10)) != NULL);
	for (b = bad; *b != NULL; b++)
		hist_refused(u, *b, 400, 400);
}

TEST(edit_history_is_partial_and_keeps_what_is_not_sent)
{
	static const char *const message[] = { "message", NULL };
	static const char *const amount[] = { "work_amount_reported", NULL };
	static const char *const state[] = { "state_name", NULL };
	static const char *const participants[] = { "participants", NULL };
	const struct db_rows *st, *prev;
	const char *u, *h;
	long long hid;
	const cJSON *g;

	REQUIRE((u = WO_WITH_AMOUNT(100)) != NULL);
	REQUIRE(PLAN_ADD(u, ET_011, 3, NULL) != NULL);
	REQUIRE((h = HIST_ADD(u, pool_printf("{\"tstamp\":"
	    "\"2021-01-01T10:00:00\",\"stateName\":\"IN_PROGRESS\","
	    "\"workAmountReported\":30,\"reportedByUuid\":\"" USER_1 "\","
	    "\"message\":\"pierwsza\",\"participantCount\":1,"
	    "\"participants\":[{\"uuid\":\"" USER_2 "\"}],"
	    "\"workOrderExpenditures\":[%s]}", exp_json(ET_011, 3)), &hid)) !=
	    NULL);
	REQUIRE((g = WO_GET(u)) != NULL);
	CHECK_PROGRESS(g, 30);
	CHECK_PLAN(g, 1, 1);
	REQUIRE((prev = HIST_STATE(h)) != NULL);
	CHECK_HIST(prev, "participants", USER_2);
	CHECK_HIST(prev, "expenditures", ET_011 ":3");
	CHECK_HIST(prev, "message", "pierwsza");
	/* Only the message: the rest of the entry, state, amount stay. */
	CHECK_OK_IS(amage_post(p_hedit(h), "{\"message\":\"tylko wiadomość\"}"),
	    hid, h);
	REQUIRE((st = HIST_STATE(h)) != NULL);
	CHECK_HIST(st, "message", "tylko wiadomość");
	CHECK_HIST_SAME(prev, st, message);
	REQUIRE((g = WO_GET(u)) != NULL);
	CHECK_PROGRESS(g, 30);
	CHECK_PLAN(g, 1, 1);
	CHECK_JSON_STR(g, "stateName", "IN_PROGRESS");
	/* Only the amount. */
	prev = st;
	CHECK_OK_IS(amage_post(p_hedit(pool_upper(h)),
	    "{\"workAmountReported\":45.5}"), hid, h);
	REQUIRE((st = HIST_STATE(h)) != NULL);
	CHECK_HIST(st, "work_amount_reported", "45.5");
	CHECK_HIST_SAME(prev, st, amount);
	REQUIRE((g = WO_GET(u)) != NULL);
	CHECK_PROGRESS(g, 45);
	CHECK_PLAN(g, 1, 1);
	CHECK_JSON_STR(g, "stateName", "IN_PROGRESS");
	/* Only the state. */
	prev = st;
	CHECK_OK_IS(amage_post(p_hedit(h), "{\"stateName\":\"ON_HOLD\"}"), hid,
	    h);
	REQUIRE((st = HIST_STATE(h)) != NULL);
	CHECK_HIST(st, "state_name", "ON_HOLD");
	CHECK_HIST_SAME(prev, st, state);
	REQUIRE((g = WO_GET(u)) != NULL);
	CHECK_JSON_STR(g, "stateName", "ON_HOLD");
	CHECK_PROGRESS(g, 45);
	CHECK_PLAN(g, 1, 1);
	/* The participants replaced, not added to: USER_2 gone, USER_1
	   there; the expenditures untouched. */
	prev = st;
	CHECK_OK_IS(amage_post(p_hedit(h), "{\"participants\":[{\"uuid\":\""
	    USER_1 "\"}]}"), hid, h);
	REQUIRE((st = HIST_STATE(h)) != NULL);
	CHECK_HIST(st, "participants", USER_1);
	CHECK_HIST_SAME(prev, st, participants);
	CHECK_PLAN(WO_GET(u), 1, 1);
	/* Replaced by none. */
	prev = st;
	CHECK_OK_IS(amage_post(p_hedit(h), "{\"participants\":[]}"), hid, h);
	REQUIRE((st = HIST_STATE(h)) != NULL);
	CHECK_HIST(st, "participants", "NULL");
	CHECK_HIST_SAME(prev, st, participants);
	CHECK_PLAN(WO_GET(u), 1, 1);
}

TEST(edit_history_expenditures_replace_the_old_list)
{
	static const char *const exps[] = { "expenditures", NULL };
	const struct db_rows *st, *prev;
	const char *u, *h, *since;
	const cJSON *g;

	REQUIRE((u = WO_WITH_AMOUNT(-1)) != NULL);
	REQUIRE(PLAN_ADD(u, ET_011, 5, NULL) != NULL);
	REQUIRE(PLAN_ADD(u, ET_012, 2, NULL) != NULL);
	REQUIRE((h = HIST_ADD(u, pool_printf("{\"participants\":[{\"uuid\":\""
	    USER_1 "\"}],\"workOrderExpenditures\":[%s,%s]}",
	    exp_json(ET_011, 5), exp_json(ET_012, 1)), NULL)) != NULL);
	CHECK_PLAN(WO_GET(u), 2, 1);
	REQUIRE((prev = HIST_STATE(h)) != NULL);
	CHECK_HIST(prev, "expenditures", ET_011 ":5," ET_012 ":1");
	/* Replaced, not appended: 011 drops to 1, 012 reaches 2. */
	CHECK_AMAGE_OK(amage_post(p_hedit(h), pool_printf(
	    "{\"workOrderExpenditures\":[%s,%s]}", exp_json(ET_011, 1),
	    exp_json(ET_012, 2))));
	REQUIRE((st = HIST_STATE(h)) != NULL);
	CHECK_HIST(st, "expenditures", ET_011 ":1," ET_012 ":2");
	CHECK_HIST_SAME(prev, st, exps);
	CHECK_PLAN(WO_GET(u), 2, 1);
	REQUIRE((since = BACKDATE(u)) != NULL);
	CHECK_AMAGE_OK(amage_post(p_hedit(h), pool_printf(
	    "{\"workOrderExpenditures\":[%s,%s]}", exp_json(ET_012, 1),
	    exp_json(ET_012, 1))));
	REQUIRE((st = HIST_STATE(h)) != NULL);
	CHECK_HIST(st, "expenditures", ET_012 ":1," ET_012 ":1");
	REQUIRE((g = WO_GET(u)) != NULL);
	CHECK_PLAN(g, 2, 1);
	CHECK_DT_SINCE(g, "elementTypePlanUpdated", since);
	CHECK_AMAGE_OK(amage_post(p_hedit(h), "{\"workOrderExpenditures\":[]}"));
	REQUIRE((st = HIST_STATE(h)) != NULL);
	CHECK_HIST(st, "expenditures", "NULL");
	CHECK_HIST_SAME(prev, st, exps);
	CHECK_PLAN(WO_GET(u), 2, 0);
}

TEST(edit_history_unknown_or_malformed_is_refused)
{
	const char *x = fresh_uuid();

	CHECK_NOT_FOUND(amage_post(p_hedit(x), "{\"message\":\"x\"}"),
	    "history", x);
	CHECK_NOT_FOUND(amage_post(p_hedit(pool_upper(x)),
	    "{\"message\":\"x\"}"), "history", x);
	CHECK_BAD_REQUEST(amage_post(p_hedit(bad_uuid()),
	    "{\"message\":\"x\"}"));
}

/* The work order and the history entry h are as before. */
#define CHECK_HIST_UNCHANGED(u, before, h, hbefore) do { \
	CHECK_UNCHANGED((u), (before)); \
	CHECK_HIST_SAME((hbefore), HIST_STATE(h), NULL); \
} while (0)

TEST(edit_history_with_unknown_references_is_400_404_and_changes_nothing)
{
	const char *u, *h, *x = fresh_uuid();
	const cJSON *before;
	const struct db_rows *hbefore;

	REQUIRE((u = WO_WITH_AMOUNT(100)) != NULL);
	REQUIRE(PLAN_ADD(u, ET_011, 2, NULL) != NULL);
	REQUIRE((h = HIST_ADD(u, pool_printf("{\"tstamp\":"
	    "\"2021-01-01T10:00:00\",\"stateName\":\"IN_PROGRESS\","
	    "\"workAmountReported\":30,\"participants\":[{\"uuid\":\"" USER_1
	    "\"}],\"workOrderExpenditures\":[%s]}", exp_json(ET_011, 2)),
	    NULL)) != NULL);
	REQUIRE((before = WO_GET(u)) != NULL);
	REQUIRE((hbefore = HIST_STATE(h)) != NULL);
	CHECK_HIST(hbefore, "participants", USER_1);
	CHECK_HIST(hbefore, "expenditures", ET_011 ":2");
	CHECK_NOT_FOUND(amage_post(p_hedit(h), pool_printf(
	    "{\"workAmountReported\":99,\"stateName\":\"ON_HOLD\","
	    "\"reportedByUuid\":\"%s\"}", x)), "user", x);
	CHECK_HIST_UNCHANGED(u, before, h, hbefore);
	CHECK_NOT_FOUND(amage_post(p_hedit(h), pool_printf(
	    "{\"workAmountReported\":99,\"workOrderExpenditures\":[],"
	    "\"participants\":[{\"uuid\":\"%s\"}]}", x)), "user", x);
	CHECK_HIST_UNCHANGED(u, before, h, hbefore);
	CHECK_NOT_FOUND(amage_post(p_hedit(h), pool_printf(
	    "{\"workAmountReported\":99,\"participants\":[],"
	    "\"workOrderExpenditures\":[%s]}", exp_json(x, 1))),
	    "elementtype", x);
	CHECK_HIST_UNCHANGED(u, before, h, hbefore);
	CHECK_BAD_REQUEST(amage_post(p_hedit(h), "{\"workAmountReported\":99,"
	    "\"valid\":\"no\"}"));
	CHECK_HIST_UNCHANGED(u, before, h, hbefore);
	CHECK_BAD_REQUEST(amage_post(p_hedit(h), "{\"workAmountReported\":99,"
	    "\"id\":1}"));
	CHECK_HIST_UNCHANGED(u, before, h, hbefore);
}

TEST(delete_history_answers_the_deleted_entry_then_400_404)
{
	const char *u, *h, *since;
	long long hid;
	const cJSON *g;

	REQUIRE((u = WO_WITH_AMOUNT(10)) != NULL);
	REQUIRE((h = HIST_ADD(u, "{\"tstamp\":\"2021-01-01T10:00:00\","
	    "\"workAmountReported\":5}", &hid)) != NULL);
	REQUIRE(HIST_ADD(u, "{\"tstamp\":\"2021-01-02T10:00:00\","
	    "\"workAmountReported\":2}", NULL) != NULL);
	CHECK_PROGRESS(WO_GET(u), 70);
	REQUIRE((since = BACKDATE(u)) != NULL);
	CHECK_OK_IS(amage_delete(p_hdel(h)), hid, h);
	REQUIRE((g = WO_GET(u)) != NULL);
	CHECK_PROGRESS(g, 20);
	CHECK_DT_SINCE(g, "progressCompletedUpdated", since);
	CHECK_NOT_FOUND(amage_delete(p_hdel(h)), "history", h);
	CHECK_NOT_FOUND(amage_post(p_hedit(h), "{\"valid\":true}"), "history",
	    h);
	CHECK_PROGRESS(WO_GET(u), 20);
}

TEST(delete_history_unknown_or_malformed_is_refused)
{
	const char *x = fresh_uuid();

	CHECK_NOT_FOUND(amage_delete(p_hdel(x)), "history", x);
	CHECK_BAD_REQUEST(amage_delete(p_hdel(bad_uuid())));
}

TEST(history_of_another_table_is_not_found)
{
	const char *u, *p, *a;
	long long pid;

	/* A plan item's and an asset-plan entry's uuids are not history. */
	REQUIRE((u = WO_WITH_AMOUNT(10)) != NULL);
	REQUIRE((p = PLAN_ADD(u, ET_011, 1, &pid)) != NULL);
	REQUIRE((a = OK_UUID(amage_post0(p_join(u, ASSET_021)), NULL)) !=
	    NULL);
	CHECK_NOT_FOUND(amage_delete(p_hdel(p)), "history", p);
	CHECK_NOT_FOUND(amage_post(p_hedit(a), "{\"valid\":true}"), "history",
	    a);
	CHECK_NOT_FOUND(amage_delete(p_hdel(u)), "history", u);
	CHECK_PLAN(WO_GET(u), 1, 0);
	CHECK_OK_IS(amage_delete(p_pdel(p)), pid, p);
}

/* ======================================================================== */
/* derived fields                                                           */
/* ======================================================================== */

TEST(derived_fields_follow_the_history_and_plan_scenario)
{
	const char *u, *p1, *p2, *ha, *hb, *hc, *since;
	long long p2id, hcid;
	const cJSON *g;

	REQUIRE((u = WO_WITH_AMOUNT(100)) != NULL);
	REQUIRE((g = WO_GET(u)) != NULL);
	CHECK_PROGRESS(g, 0);
	CHECK_PLAN(g, 0, 0);
	CHECK_JSON_NULL(g, "elementTypePlanUpdated");
	CHECK_JSON_NULL(g, "progressCompletedUpdated");

	/* Plan: 011 x 10, 012 x 5. */
	REQUIRE((since = SQL_ROW(utc_now_sql, NULL)) != NULL);
	REQUIRE((p1 = PLAN_ADD(u, ET_011, 10, NULL)) != NULL);
	REQUIRE((p2 = PLAN_ADD(u, ET_012, 5, &p2id)) != NULL);
	REQUIRE((g = WO_GET(u)) != NULL);
	CHECK_PLAN(g, 2, 0);
	CHECK_DT_SINCE(g, "elementTypePlanUpdated", since);
	CHECK_PROGRESS(g, 0);
	CHECK_JSON_STR(g, "stateName", "NEW");

	/* A: valid, IN_PROGRESS, 30, 011 x 6. */
	REQUIRE((since = BACKDATE(u)) != NULL);
	REQUIRE((ha = HIST_ADD(u, pool_printf("{\"tstamp\":"
	    "\"2021-01-01T10:00:00\",\"reportedOn\":\"2021-01-01T11:00:00\","
	    "\"reportedByUuid\":\"" USER_1 "\",\"stateName\":\"IN_PROGRESS\","
	    "\"workAmountReported\":30,\"valid\":true,\"participants\":"
	    "[{\"uuid\":\"" USER_1 "\"},{\"uuid\":\"" USER_2 "\"}],"
	    "\"participantCount\":2,\"workOrderExpenditures\":[%s]}",
	    exp_json(ET_011, 6)), NULL)) != NULL);
	REQUIRE((g = WO_GET(u)) != NULL);
	CHECK_PROGRESS(g, 30);
	CHECK_DT_SINCE(g, "progressCompletedUpdated", since);
	CHECK_JSON_STR(g, "stateName", "IN_PROGRESS");
	CHECK_JSON_STR(g, "startDate", "2021-01-01T10:00:00");
	CHECK_JSON_NULL(g, "finishDate");
	CHECK_PLAN(g, 2, 0);
	CHECK_DT_SINCE(g, "elementTypePlanUpdated", since);

	/* B: valid, 50, 011 x 4 + 012 x 5. */
	REQUIRE((hb = HIST_ADD(u, pool_printf("{\"tstamp\":"
	    "\"2021-01-02T10:00:00\",\"workAmountReported\":50,\"valid\":true,"
	    "\"workOrderExpenditures\":[%s,%s]}", exp_json(ET_011, 4),
	    exp_json(ET_012, 5)), NULL)) != NULL);
	REQUIRE((g = WO_GET(u)) != NULL);
	CHECK_PROGRESS(g, 80);
	CHECK_PLAN(g, 2, 2);
	CHECK_JSON_STR(g, "stateName", "IN_PROGRESS");
	CHECK_JSON_STR(g, "startDate", "2021-01-01T10:00:00");
	CHECK_JSON_NULL(g, "finishDate");

	/* C: invalid, FINISHED, 40: moves nothing. */
	REQUIRE((hc = HIST_ADD(u, "{\"tstamp\":\"2021-01-03T10:00:00\","
	    "\"stateName\":\"FINISHED\",\"workAmountReported\":40,"
	    "\"valid\":false}", &hcid)) != NULL);
	REQUIRE((g = WO_GET(u)) != NULL);
	CHECK_PROGRESS(g, 80);
	CHECK_JSON_STR(g, "stateName", "IN_PROGRESS");
	CHECK_JSON_NULL(g, "finishDate");
	CHECK_PLAN(g, 2, 2);

	/* C becomes valid: 120 % capped, FINISHED, finishDate = C's tstamp. */
	CHECK_OK_IS(amage_post(p_hedit(hc), "{\"valid\":true}"), hcid, hc);
	REQUIRE((g = WO_GET(u)) != NULL);
	CHECK_PROGRESS(g, 100);
	CHECK_JSON_STR(g, "stateName", "FINISHED");
	CHECK_JSON_STR(g, "finishDate", "2021-01-03T10:00:00");
	CHECK_JSON_STR(g, "startDate", "2021-01-01T10:00:00");
	CHECK_PLAN(g, 2, 2);

	/* B's expenditures replaced by none: 011 has 6 < 10, 012 has 0 < 5. */
	CHECK_AMAGE_OK(amage_post(p_hedit(hb), "{\"workOrderExpenditures\":[]}"));
	REQUIRE((g = WO_GET(u)) != NULL);
	CHECK_PLAN(g, 2, 0);
	CHECK_PROGRESS(g, 100);
	CHECK_JSON_STR(g, "stateName", "FINISHED");

	/* C deleted: back to A's state; finishDate is never cleared. */
	CHECK_OK_IS(amage_delete(p_hdel(hc)), hcid, hc);
	REQUIRE((g = WO_GET(u)) != NULL);
	CHECK_JSON_STR(g, "stateName", "IN_PROGRESS");
	CHECK_PROGRESS(g, 80);
	CHECK_JSON_STR(g, "finishDate", "2021-01-03T10:00:00");
	CHECK_JSON_STR(g, "startDate", "2021-01-01T10:00:00");
	CHECK_PLAN(g, 2, 0);

	/* The 012 plan item deleted: one item, still short. */
	CHECK_OK_IS(amage_delete(p_pdel(p2)), p2id, p2);
	REQUIRE((g = WO_GET(u)) != NULL);
	CHECK_PLAN(g, 1, 0);
	CHECK_PROGRESS(g, 80);

	/* D: 011 x 4 more makes 10. */
	REQUIRE(HIST_ADD(u, pool_printf("{\"tstamp\":\"2021-01-04T10:00:00\","
	    "\"valid\":true,\"workOrderExpenditures\":[%s]}",
	    exp_json(ET_011, 4)), NULL) != NULL);
	REQUIRE((g = WO_GET(u)) != NULL);
	CHECK_PLAN(g, 1, 1);
	CHECK_PROGRESS(g, 80);
	CHECK_JSON_STR(g, "stateName", "IN_PROGRESS");
	CHECK_JSON_STR(g, "startDate", "2021-01-01T10:00:00");
	CHECK_JSON_STR(g, "finishDate", "2021-01-03T10:00:00");
	(void)p1;
	(void)ha;
}

TEST(progress_is_floored_and_zero_without_a_work_amount)
{
	const char *u, *since;
	const cJSON *g;

	REQUIRE((u = WO_WITH_AMOUNT(3)) != NULL);
	REQUIRE(HIST_ADD(u, "{\"workAmountReported\":1}", NULL) != NULL);
	CHECK_PROGRESS(WO_GET(u), 33);
	REQUIRE(HIST_ADD(u, "{\"workAmountReported\":1}", NULL) != NULL);
	CHECK_PROGRESS(WO_GET(u), 66);		/* 66.67, not 67 */
	REQUIRE(HIST_ADD(u, "{\"workAmountReported\":0.99}", NULL) != NULL);
	CHECK_PROGRESS(WO_GET(u), 99);		/* 99.67 */
	REQUIRE(HIST_ADD(u, "{\"workAmountReported\":0.01}", NULL) != NULL);
	CHECK_PROGRESS(WO_GET(u), 100);

	/* Without one, progress is still recomputed (to 0) at each write. */
	REQUIRE((u = WO_WITH_AMOUNT(-1)) != NULL);
	REQUIRE((since = SQL_ROW(utc_now_sql, NULL)) != NULL);
	REQUIRE(HIST_ADD(u, "{\"workAmountReported\":5}", NULL) != NULL);
	REQUIRE((g = WO_GET(u)) != NULL);
	CHECK_JSON_NULL(g, "workAmount");
	CHECK_PROGRESS(g, 0);
	CHECK_DT_SINCE(g, "progressCompletedUpdated", since);

	REQUIRE((u = WO_WITH_AMOUNT(0)) != NULL);
	REQUIRE((since = SQL_ROW(utc_now_sql, NULL)) != NULL);
	REQUIRE(HIST_ADD(u, "{\"workAmountReported\":5}", NULL) != NULL);
	REQUIRE((g = WO_GET(u)) != NULL);
	CHECK_PROGRESS(g, 0);
	CHECK_DT_SINCE(g, "progressCompletedUpdated", since);
}

TEST(invalid_history_counts_for_nothing_until_made_valid)
{
	const char *u, *h, *since;
	const cJSON *g;

	REQUIRE((u = WO_WITH_AMOUNT(50)) != NULL);
	REQUIRE(PLAN_ADD(u, ET_011, 10, NULL) != NULL);
	REQUIRE((since = SQL_ROW(utc_now_sql, NULL)) != NULL);
	REQUIRE((h = HIST_ADD(u, pool_printf("{\"tstamp\":"
	    "\"2021-02-01T10:00:00\",\"stateName\":\"IN_PROGRESS\","
	    "\"valid\":false,\"workAmountReported\":25,"
	    "\"workOrderExpenditures\":[%s]}", exp_json(ET_011, 10)), NULL)) !=
	    NULL);
	REQUIRE((g = WO_GET(u)) != NULL);
	CHECK_PROGRESS(g, 0);
	CHECK_PLAN(g, 1, 0);
	CHECK_JSON_STR(g, "stateName", "NEW");
	CHECK_JSON_NULL(g, "startDate");
	CHECK_DT_SINCE(g, "progressCompletedUpdated", since);
	REQUIRE((since = BACKDATE(u)) != NULL);
	CHECK_AMAGE_OK(amage_post(p_hedit(h), "{\"valid\":true}"));
	REQUIRE((g = WO_GET(u)) != NULL);
	CHECK_PROGRESS(g, 50);
	CHECK_DT_SINCE(g, "progressCompletedUpdated", since);
	CHECK_DT_SINCE(g, "elementTypePlanUpdated", since);
	CHECK_PLAN(g, 1, 1);
	CHECK_JSON_STR(g, "stateName", "IN_PROGRESS");
	CHECK_JSON_STR(g, "startDate", "2021-02-01T10:00:00");
	CHECK_AMAGE_OK(amage_post(p_hedit(h), "{\"valid\":false}"));
	REQUIRE((g = WO_GET(u)) != NULL);
	CHECK_PROGRESS(g, 0);
	CHECK_PLAN(g, 1, 0);
	/* startDate stays once set. */
	CHECK_JSON_STR(g, "startDate", "2021-02-01T10:00:00");
}

TEST(state_is_the_latest_valid_entry_by_tstamp_then_creation_order)
{
	const char *u, *late;
	const cJSON *g;

	REQUIRE((u = WO_WITH_AMOUNT(-1)) != NULL);
	REQUIRE((late = HIST_ADD(u, "{\"tstamp\":\"2021-03-02T10:00:00\","
	    "\"stateName\":\"ON_HOLD\"}", NULL)) != NULL);
	CHECK_JSON_STR(WO_GET(u), "stateName", "ON_HOLD");
	/* Added later but earlier in time: does not win. */
	REQUIRE(HIST_ADD(u, "{\"tstamp\":\"2021-03-01T10:00:00\","
	    "\"stateName\":\"SCHEDULED\"}", NULL) != NULL);
	CHECK_JSON_STR(WO_GET(u), "stateName", "ON_HOLD");
	/* Same tstamp, created later: wins. */
	REQUIRE(HIST_ADD(u, "{\"tstamp\":\"2021-03-02T10:00:00\","
	    "\"stateName\":\"VOID\"}", NULL) != NULL);
	CHECK_JSON_STR(WO_GET(u), "stateName", "VOID");
	/* Later, but without a state: does not move it. */
	REQUIRE(HIST_ADD(u, "{\"tstamp\":\"2021-03-09T10:00:00\","
	    "\"message\":\"bez stanu\"}", NULL) != NULL);
	CHECK_JSON_STR(WO_GET(u), "stateName", "VOID");
	/* Later, valid=false: does not move it. */
	REQUIRE(HIST_ADD(u, "{\"tstamp\":\"2021-03-10T10:00:00\","
	    "\"stateName\":\"FINISHED\",\"valid\":false}", NULL) != NULL);
	REQUIRE((g = WO_GET(u)) != NULL);
	CHECK_JSON_STR(g, "stateName", "VOID");
	CHECK_JSON_NULL(g, "finishDate");
	CHECK_JSON_NULL(g, "startDate");
	/* Moving an entry's tstamp moves the state with it. */
	CHECK_AMAGE_OK(amage_post(p_hedit(late), "{\"tstamp\":"
	    "\"2021-03-05T10:00:00\"}"));
	CHECK_JSON_STR(WO_GET(u), "stateName", "ON_HOLD");
	CHECK_AMAGE_OK(amage_post(p_hedit(late), "{\"valid\":false}"));
	CHECK_JSON_STR(WO_GET(u), "stateName", "VOID");
}

TEST(start_date_is_set_once_by_the_first_valid_in_progress)
{
	const char *u, *h1;
	const cJSON *g;

	REQUIRE((u = WO_WITH_AMOUNT(-1)) != NULL);
	REQUIRE(HIST_ADD(u, "{\"tstamp\":\"2021-04-01T08:00:00\","
	    "\"stateName\":\"SCHEDULED\"}", NULL) != NULL);
	CHECK_JSON_NULL(WO_GET(u), "startDate");
	REQUIRE((h1 = HIST_ADD(u, "{\"tstamp\":\"2021-04-02T08:00:00\","
	    "\"stateName\":\"IN_PROGRESS\"}", NULL)) != NULL);
	CHECK_JSON_STR(WO_GET(u), "startDate", "2021-04-02T08:00:00");
	/* Another IN_PROGRESS, earlier or later: never overwritten. */
	REQUIRE(HIST_ADD(u, "{\"tstamp\":\"2021-04-01T09:00:00\","
	    "\"stateName\":\"IN_PROGRESS\"}", NULL) != NULL);
	REQUIRE(HIST_ADD(u, "{\"tstamp\":\"2021-04-05T09:00:00\","
	    "\"stateName\":\"IN_PROGRESS\"}", NULL) != NULL);
	CHECK_JSON_STR(WO_GET(u), "startDate", "2021-04-02T08:00:00");
	CHECK_AMAGE_OK(amage_delete(p_hdel(h1)));
	REQUIRE((g = WO_GET(u)) != NULL);
	CHECK_JSON_STR(g, "startDate", "2021-04-02T08:00:00");
	CHECK_JSON_NULL(g, "finishDate");
	/* FINISHED sets finishDate once, likewise. */
	REQUIRE(HIST_ADD(u, "{\"tstamp\":\"2021-04-06T17:00:00\","
	    "\"stateName\":\"FINISHED\"}", NULL) != NULL);
	CHECK_JSON_STR(WO_GET(u), "finishDate", "2021-04-06T17:00:00");
	REQUIRE(HIST_ADD(u, "{\"tstamp\":\"2021-04-07T17:00:00\","
	    "\"stateName\":\"FINISHED\"}", NULL) != NULL);
	REQUIRE((g = WO_GET(u)) != NULL);
	CHECK_JSON_STR(g, "finishDate", "2021-04-06T17:00:00");
	CHECK_JSON_STR(g, "stateName", "FINISHED");
	CHECK_JSON_STR(g, "startDate", "2021-04-02T08:00:00");
}

TEST(start_and_finish_dates_given_on_add_are_not_overwritten)
{
	const char *u;
	const cJSON *g;

	REQUIRE((u = WO_ADD("{\"name\":\"itest dates\","
	    "\"startDate\":\"2020-12-01T07:00:00\","
	    "\"finishDate\":\"2020-12-31T16:00:00\"}", NULL)) != NULL);
	REQUIRE(HIST_ADD(u, "{\"tstamp\":\"2021-05-01T08:00:00\","
	    "\"stateName\":\"IN_PROGRESS\"}", NULL) != NULL);
	REQUIRE(HIST_ADD(u, "{\"tstamp\":\"2021-05-02T08:00:00\","
	    "\"stateName\":\"FINISHED\"}", NULL) != NULL);
	REQUIRE((g = WO_GET(u)) != NULL);
	CHECK_JSON_STR(g, "stateName", "FINISHED");
	CHECK_JSON_STR(g, "startDate", "2020-12-01T07:00:00");
	CHECK_JSON_STR(g, "finishDate", "2020-12-31T16:00:00");
}

TEST(plan_completion_compares_each_item_with_the_summed_expenditures)
{
	const char *u, *h;
	const cJSON *g;

	REQUIRE((u = WO_WITH_AMOUNT(-1)) != NULL);
	/* Two items of one element type, each compared with the sum. */
	REQUIRE(PLAN_ADD(u, ET_011, 5, NULL) != NULL);
	REQUIRE(PLAN_ADD(u, ET_011, 8, NULL) != NULL);
	REQUIRE((h = HIST_ADD(u, pool_printf("{\"workOrderExpenditures\":"
	    "[%s,%s]}", exp_json(ET_011, 2.5), exp_json(ET_011, 3.5)),
	    NULL)) != NULL);
	REQUIRE((g = WO_GET(u)) != NULL);
	CHECK_PLAN(g, 2, 1);
	CHECK_PROGRESS(g, 0);
	/* 012 does not count towards 011. */
	REQUIRE(HIST_ADD(u, pool_printf("{\"workOrderExpenditures\":[%s]}",
	    exp_json(ET_012, 100)), NULL) != NULL);
	CHECK_PLAN(WO_GET(u), 2, 1);
	REQUIRE(HIST_ADD(u, pool_printf("{\"workOrderExpenditures\":[%s]}",
	    exp_json(ET_011, 2)), NULL) != NULL);
	CHECK_PLAN(WO_GET(u), 2, 2);
	/* Another work order's expenditures do not count here. */
	{
		const char *v;

		REQUIRE((v = WO_WITH_AMOUNT(-1)) != NULL);
		REQUIRE(PLAN_ADD(v, ET_011, 1, NULL) != NULL);
		CHECK_PLAN(WO_GET(v), 1, 0);
	}
	/* Invalidating h loses 6 of the 8. */
	CHECK_AMAGE_OK(amage_post(p_hedit(h), "{\"valid\":false}"));
	CHECK_PLAN(WO_GET(u), 2, 0);
}

TEST(plan_item_of_zero_is_complete_at_once)
{
	const cJSON *g;
	const char *u, *since;

	REQUIRE((u = WO_WITH_AMOUNT(-1)) != NULL);
	REQUIRE((since = SQL_ROW(utc_now_sql, NULL)) != NULL);
	REQUIRE(PLAN_ADD(u, ET_012, 0, NULL) != NULL);
	REQUIRE((g = WO_GET(u)) != NULL);
	CHECK_PLAN(g, 1, 1);
	CHECK_DT_SINCE(g, "elementTypePlanUpdated", since);
}

/* ======================================================================== */
/* element-type plan                                                        */
/* ======================================================================== */

TEST(add_plan_answers_id_and_uuid_and_keeps_a_given_uuid_lower_case)
{
	const char *u, *p = fresh_uuid();
	struct http_response *r;
	long long id1;

	REQUIRE((u = WO_WITH_AMOUNT(-1)) != NULL);
	REQUIRE(PLAN_ADD(u, ET_011, 1, &id1) != NULL);
	r = amage_post(p_padd(pool_upper(u)), pool_printf("{\"uuid\":\"%s\","
	    "\"workOrderUuid\":\"%s\",\"elementTypeUuid\":\"%s\","
	    "\"itemCount\":2.5,\"category\":\"kat\",\"code\":\"K-1\"}",
	    pool_upper(p), u, pool_upper(ET_012)));
	REQUIRE(CHECK_AMAGE_OK(r));
	CHECK_JSON_STR(r->json, "uuid", p);
	CHECKF(json_id(r->json) != id1, "two plan items got the id %lld", id1);
	CHECK_PLAN(WO_GET(u), 2, 0);
	CHECK_OK_IS(amage_delete(p_pdel(p)), json_id(r->json), p);
	CHECK_PLAN(WO_GET(u), 1, 0);
}

static const char wo_plan_count_sql[] =
    "SELECT COUNT(*) FROM work_order_element_type_plans p "
    "JOIN work_orders w ON w.id = p.work_order_id WHERE w.uuid = ?";
/* A plan item as the database holds it. */
static const char plan_state_sql[] =
    "SELECT element_type_uuid, item_count, category, code "
    "FROM work_order_element_type_plans WHERE uuid = ?";

TEST(add_plan_refusals_write_nothing)
{
	const char *u, *x = fresh_uuid();
	const cJSON *g;
	static const char *const bad[] = {
		"{\"itemCount\":1}",
		"{\"elementTypeUuid\":null,\"itemCount\":1}",
		"{\"elementTypeUuid\":\"" ET_011 "\"}",
		"{\"elementTypeUuid\":\"" ET_011 "\",\"itemCount\":-1}",
		"{\"elementTypeUuid\":\"" ET_011 "\",\"itemCount\":\"1\"}",
		"{\"elementTypeUuid\":\"nope\",\"itemCount\":1}",
		"{\"elementTypeUuid\":\"" ET_011 "\",\"itemCount\":1,\"id\":3}",
		"{\"elementTypeUuid\":\"" ET_011 "\",\"itemCount\":1,"
		    "\"code\":5}",
		"{\"elementTypeUuid\":",
		NULL
	};
	const char *const *b;

	REQUIRE((u = WO_WITH_AMOUNT(-1)) != NULL);
	for (b = bad; *b != NULL; b++)
		CHECKF(CHECK_BAD_REQUEST(amage_post(p_padd(u), *b)), "body: %s",
		    *b);
	CHECK_NOT_FOUND(amage_post(p_padd(u), pool_printf(
	    "{\"elementTypeUuid\":\"%s\",\"itemCount\":1}", x)),
	    "elementtype", x);
	CHECK_NOT_FOUND(amage_post(p_padd(u),
	    "{\"elementTypeUuid\":\"" ASSET_022 "\",\"itemCount\":1}"),
	    "elementtype", ASSET_022);
	REQUIRE((g = WO_GET(u)) != NULL);
	CHECK_PLAN(g, 0, 0);
	CHECK_JSON_NULL(g, "elementTypePlanUpdated");
	CHECK_STR("0", SQL_ROW(wo_plan_count_sql, u));
	CHECK_NOT_FOUND(amage_post(p_padd(x), "{\"elementTypeUuid\":\""
	    ET_011 "\",\"itemCount\":1}"), "workorder", x);
	CHECK_BAD_REQUEST(amage_post(p_padd(bad_uuid()), "{\"elementTypeUuid\":\""
	    ET_011 "\",\"itemCount\":1}"));
}

TEST(edit_plan_is_partial_and_recomputes_completion)
{
	const char *u, *p, *since;
	long long pid;
	const cJSON *g;

	REQUIRE((u = WO_WITH_AMOUNT(-1)) != NULL);
	REQUIRE((p = PLAN_ADD(u, ET_011, 10, &pid)) != NULL);
	REQUIRE(HIST_ADD(u, pool_printf("{\"workOrderExpenditures\":[%s]}",
	    exp_json(ET_011, 6)), NULL) != NULL);
	CHECK_PLAN(WO_GET(u), 1, 0);
	CHECK_OK_IS(amage_post(p_pedit(p), "{\"itemCount\":6}"), pid, p);
	CHECK_PLAN(WO_GET(u), 1, 1);
	/* Category / code only: the count and type stay. */
	CHECK_OK_IS(amage_post(p_pedit(pool_upper(p)), "{\"category\":\"x\","
	    "\"code\":\"y\"}"), pid, p);
	CHECK_PLAN(WO_GET(u), 1, 1);
	REQUIRE((since = BACKDATE(u)) != NULL);
	CHECK_OK_IS(amage_post(p_pedit(p), "{\"elementTypeUuid\":\"" ET_012
	    "\"}"), pid, p);
	REQUIRE((g = WO_GET(u)) != NULL);
	CHECK_PLAN(g, 1, 0);
	CHECK_DT_SINCE(g, "elementTypePlanUpdated", since);
	CHECK_OK_IS(amage_post(p_pedit(p), "{\"elementTypeUuid\":\"" ET_011
	    "\",\"itemCount\":0}"), pid, p);
	CHECK_PLAN(WO_GET(u), 1, 1);
}

TEST(edit_plan_refusals_change_nothing)
{
	const char *u, *p, *x = fresh_uuid(), *item;
	const cJSON *before;

	REQUIRE((u = WO_WITH_AMOUNT(-1)) != NULL);
	REQUIRE((p = PLAN_ADD(u, ET_011, 3, NULL)) != NULL);
	REQUIRE(HIST_ADD(u, pool_printf("{\"workOrderExpenditures\":[%s]}",
	    exp_json(ET_011, 3)), NULL) != NULL);
	REQUIRE((before = WO_GET(u)) != NULL);
	CHECK_PLAN(before, 1, 1);
	REQUIRE((item = SQL_ROW(plan_state_sql, p)) != NULL);
	CHECK_STR(ET_011 "|3|itest|C-3", item);
	CHECK_NOT_FOUND(amage_post(p_pedit(p), pool_printf("{\"itemCount\":9,"
	    "\"code\":\"half\",\"elementTypeUuid\":\"%s\"}", x)),
	    "elementtype", x);
	CHECK_UNCHANGED(u, before);
	CHECK_STR(item, SQL_ROW(plan_state_sql, p));
	CHECK_BAD_REQUEST(amage_post(p_pedit(p), "{\"itemCount\":-1,"
	    "\"code\":\"half\"}"));
	CHECK_UNCHANGED(u, before);
	CHECK_STR(item, SQL_ROW(plan_state_sql, p));
	CHECK_BAD_REQUEST(amage_post(p_pedit(p), "{\"itemCount\":\"9\","
	    "\"category\":\"half\"}"));
	CHECK_UNCHANGED(u, before);
	CHECK_STR(item, SQL_ROW(plan_state_sql, p));
	CHECK_NOT_FOUND(amage_post(p_pedit(x), "{\"itemCount\":1}"), "plan",
	    x);
	CHECK_BAD_REQUEST(amage_post(p_pedit(bad_uuid()), "{\"itemCount\":1}"));
	/* A history uuid is not a plan item. */
	{
		const char *h;

		REQUIRE((h = HIST_ADD(u, "{\"message\":\"h\"}", NULL)) != NULL);
		CHECK_NOT_FOUND(amage_post(p_pedit(h), "{\"itemCount\":9}"),
		    "plan", h);
		CHECK_NOT_FOUND(amage_delete(p_pdel(h)), "plan", h);
	}
	CHECK_PLAN(WO_GET(u), 1, 1);
}

TEST(delete_plan_answers_the_deleted_item_then_400_404)
{
	const char *u, *p;
	long long pid;
	const cJSON *g;

	REQUIRE((u = WO_WITH_AMOUNT(-1)) != NULL);
	REQUIRE((p = PLAN_ADD(u, ET_011, 1, &pid)) != NULL);
	REQUIRE(PLAN_ADD(u, ET_012, 0, NULL) != NULL);
	CHECK_PLAN(WO_GET(u), 2, 1);
	CHECK_OK_IS(amage_delete(p_pdel(pool_upper(p))), pid, p);
	REQUIRE((g = WO_GET(u)) != NULL);
	CHECK_PLAN(g, 1, 1);
	CHECK_NOT_FOUND(amage_delete(p_pdel(p)), "plan", p);
	CHECK_NOT_FOUND(amage_post(p_pedit(p), "{\"itemCount\":1}"), "plan", p);
	CHECK_BAD_REQUEST(amage_delete(p_pdel(bad_uuid())));
	CHECK_PLAN(WO_GET(u), 1, 1);
}

/* ======================================================================== */
/* asset plan                                                               */
/* ======================================================================== */

TEST(join_then_remove_asset_by_asset_uuid)
{
	const char *u, *e, *e2;
	long long eid;

	REQUIRE((u = WO_WITH_AMOUNT(-1)) != NULL);
	REQUIRE((e = OK_UUID(amage_post0(p_join(u, ASSET_021)), &eid)) !=
	    NULL);
	CHECKF(strcmp(e, ASSET_021) != 0 && strcmp(e, u) != 0,
	    "the join answered %s, not a new asset-plan entry uuid", e);
	/* Twice: 400/400, in any case. */
	CHECK_BAD_REQUEST(amage_post0(p_join(u, ASSET_021)));
	CHECK_BAD_REQUEST(amage_post0(p_join(pool_upper(u),
	    pool_upper(ASSET_021))));
	/* Another asset is fine. */
	CHECK_AMAGE_OK(amage_post0(p_join(u, ASSET_022)));
	/* Removal answers the entry that the join created. */
	CHECK_OK_IS(amage_post0(p_rm_asset(u, ASSET_021)), eid, e);
	CHECK_NOT_FOUND(amage_post0(p_rm_asset(u, ASSET_021)), "asset",
	    ASSET_021);
	/* Joinable again, as a new entry. */
	REQUIRE((e2 = OK_UUID(amage_post0(p_join(u, ASSET_021)), NULL)) !=
	    NULL);
	CHECKF(strcmp(e, e2) != 0, "the new entry reused the uuid %s", e);
	CHECK_AMAGE_OK(amage_post0(p_rm_asset(pool_upper(u),
	    pool_upper(ASSET_021))));
}

TEST(join_asset_refusals)
{
	const char *u, *x = fresh_uuid();

	REQUIRE((u = WO_WITH_AMOUNT(-1)) != NULL);
	CHECK_NOT_FOUND(amage_post0(p_join(u, x)), "asset", x);
	/* An element type is not an asset. */
	CHECK_NOT_FOUND(amage_post0(p_join(u, ET_011)), "asset", ET_011);
	CHECK_NOT_FOUND(amage_post0(p_join(x, ASSET_021)), "workorder", x);
	CHECK_BAD_REQUEST(amage_post0(p_join(u, bad_uuid())));
	CHECK_BAD_REQUEST(amage_post0(p_join(bad_uuid(), ASSET_021)));
	/* None of those joined anything: a first join still succeeds. */
	CHECK_AMAGE_OK(amage_post0(p_join(u, ASSET_021)));
}

TEST(join_asset_made_by_the_admin_tool)
{
	const char *u, *a = fresh_uuid();

	REQUIRE((u = WO_WITH_AMOUNT(-1)) != NULL);
	CHECK_NOT_FOUND(amage_post0(p_join(u, a)), "asset", a);
	REQUIRE(ADMIN("amage-ref", "add", "--kind", "asset", "--uuid", a,
	    "--name", "itest asset") != NULL);
	CHECK_AMAGE_OK(amage_post0(p_join(u, a)));
	CHECK_AMAGE_OK(amage_post0(p_rm_asset(u, a)));
}

TEST(remove_asset_refusals)
{
	const char *u, *x = fresh_uuid();

	REQUIRE((u = WO_WITH_AMOUNT(-1)) != NULL);
	/* Exists as an asset, but not in this plan. */
	CHECK_NOT_FOUND(amage_post0(p_rm_asset(u, ASSET_022)), "asset",
	    ASSET_022);
	CHECK_NOT_FOUND(amage_post0(p_rm_asset(u, x)), "asset", x);
	CHECK_NOT_FOUND(amage_post0(p_rm_asset(x, ASSET_021)), "workorder", x);
	CHECK_BAD_REQUEST(amage_post0(p_rm_asset(u, bad_uuid())));
	CHECK_BAD_REQUEST(amage_post0(p_rm_asset(bad_uuid(), ASSET_021)));
}

TEST(asset_plans_of_two_work_orders_are_separate)
{
	const char *u, *v, *eu, *ev;
	long long evid;

	REQUIRE((u = WO_WITH_AMOUNT(-1)) != NULL);
	REQUIRE((v = WO_WITH_AMOUNT(-1)) != NULL);
	REQUIRE((eu = OK_UUID(amage_post0(p_join(u, ASSET_021)), NULL)) !=
	    NULL);
	/* The same asset in another work order's plan is no duplicate. */
	REQUIRE((ev = OK_UUID(amage_post0(p_join(v, ASSET_021)), &evid)) !=
	    NULL);
	CHECK_OK_IS(amage_post0(p_rm_asset(v, ASSET_021)), evid, ev);
	/* u's entry is still there. */
	CHECK_BAD_REQUEST(amage_post0(p_join(u, ASSET_021)));
	CHECK_AMAGE_OK(amage_post0(p_rm_asset(u, ASSET_021)));
	(void)eu;
}

TEST(remove_asset_plan_entry_by_its_uuid)
{
	const char *u, *v, *e, *ev, *x = fresh_uuid();
	long long eid;

	REQUIRE((u = WO_WITH_AMOUNT(-1)) != NULL);
	REQUIRE((v = WO_WITH_AMOUNT(-1)) != NULL);
	REQUIRE((e = OK_UUID(amage_post0(p_join(u, ASSET_022)), &eid)) !=
	    NULL);
	REQUIRE((ev = OK_UUID(amage_post0(p_join(v, ASSET_022)), NULL)) !=
	    NULL);
	/* v's entry through u: not found, and v's entry stays. */
	CHECK_NOT_FOUND(amage_post0(p_rm_entry(u, ev)), "plan", ev);
	CHECK_BAD_REQUEST(amage_post0(p_join(v, ASSET_022)));
	/* The asset's uuid is not an entry's uuid. */
	CHECK_NOT_FOUND(amage_post0(p_rm_entry(u, ASSET_022)), "plan",
	    ASSET_022);
	CHECK_OK_IS(amage_post0(p_rm_entry(pool_upper(u), pool_upper(e))), eid,
	    e);
	CHECK_NOT_FOUND(amage_post0(p_rm_entry(u, e)), "plan", e);
	/* Gone from u's plan: the asset can be joined again. */
	CHECK_NOT_FOUND(amage_post0(p_rm_asset(u, ASSET_022)), "asset",
	    ASSET_022);
	CHECK_AMAGE_OK(amage_post0(p_join(u, ASSET_022)));
	CHECK_NOT_FOUND(amage_post0(p_rm_entry(x, ev)), "workorder", x);
	CHECK_BAD_REQUEST(amage_post0(p_rm_entry(u, bad_uuid())));
	CHECK_BAD_REQUEST(amage_post0(p_rm_entry(bad_uuid(), ev)));
}

/* ======================================================================== */
/* malformed path uuids everywhere                                          */
/* ======================================================================== */

TEST(every_endpoint_refuses_a_malformed_path_uuid_with_400_400)
{
	const char *const *b;
	const char *u;

	REQUIRE((u = WO_WITH_AMOUNT(-1)) != NULL);
	for (b = bad_uuids(); *b != NULL; b++) {
		CHECK_BAD_REQUEST(amage_post(p_edit(*b), "{\"name\":\"x\"}"));
		CHECK_BAD_REQUEST(amage_post(p_hadd(*b), "{\"message\":\"x\"}"));
		CHECK_BAD_REQUEST(amage_post(p_hedit(*b), "{\"message\":\"x\"}"));
		CHECK_BAD_REQUEST(amage_delete(p_hdel(*b)));
		CHECK_BAD_REQUEST(amage_post(p_padd(*b), "{\"elementTypeUuid\":"
		    "\"" ET_011 "\",\"itemCount\":1}"));
		CHECK_BAD_REQUEST(amage_post(p_pedit(*b), "{\"itemCount\":1}"));
		CHECK_BAD_REQUEST(amage_delete(p_pdel(*b)));
		CHECK_BAD_REQUEST(amage_post0(p_join(*b, ASSET_021)));
		CHECK_BAD_REQUEST(amage_post0(p_join(u, *b)));
		CHECK_BAD_REQUEST(amage_post0(p_rm_asset(*b, ASSET_021)));
		CHECK_BAD_REQUEST(amage_post0(p_rm_asset(u, *b)));
		CHECK_BAD_REQUEST(amage_post0(p_rm_entry(*b, fresh_uuid())));
		CHECK_BAD_REQUEST(amage_post0(p_rm_entry(u, *b)));
	}
}

/* ======================================================================== */
/* signature                                                                */
/* ======================================================================== */

TEST(unsigned_writes_are_400_401_and_change_nothing)
{
	struct amage_opts none = { .omit = AMAGE_OMIT_DEVICE |
	    AMAGE_OMIT_API_KEY | AMAGE_OMIT_SIGN };
	struct amage_opts nosign = { .omit = AMAGE_OMIT_SIGN };
	struct amage_opts badsig = { .signature =
	    "0000000000000000000000000000000000000000000000000000000000000000" };
	static const char edit[] = "{\"name\":\"unsigned\"}";
	static const char hist[] = "{\"workAmountReported\":5,"
	    "\"stateName\":\"IN_PROGRESS\"}";
	const char *u, *h;
	long long hid;
	const cJSON *before, *g;
	const struct db_rows *hbefore;

	REQUIRE((u = WO_WITH_AMOUNT(10)) != NULL);
	REQUIRE((h = HIST_ADD(u, "{\"tstamp\":\"2021-01-01T10:00:00\","
	    "\"workAmountReported\":1}", &hid)) != NULL);
	REQUIRE((before = WO_GET(u)) != NULL);
	REQUIRE((hbefore = HIST_STATE(h)) != NULL);
	CHECK_PROGRESS(before, 10);

	CHECK_SIGN_REFUSED(amage_request("POST", p_edit(u), edit,
	    sizeof(edit) - 1, &none));
	CHECK_SIGN_REFUSED(amage_request("POST", p_edit(u), edit,
	    sizeof(edit) - 1, &nosign));
	CHECK_SIGN_REFUSED(amage_request("POST", p_hadd(u), hist,
	    sizeof(hist) - 1, &nosign));
	CHECK_SIGN_REFUSED(amage_request("POST", p_hadd(u), hist,
	    sizeof(hist) - 1, &badsig));
	CHECK_SIGN_REFUSED(amage_request("DELETE", p_hdel(h), NULL, 0,
	    &nosign));
	CHECK_SIGN_REFUSED(amage_request("DELETE", p_hdel(h), NULL, 0,
	    &badsig));
	CHECK_SIGN_REFUSED(amage_request("POST", p_join(u, ASSET_021), NULL, 0,
	    &nosign));
	CHECK_SIGN_REFUSED(amage_request("POST", p_hedit(h), hist,
	    sizeof(hist) - 1, &badsig));
	CHECK_UNCHANGED(u, before);
	CHECK_HIST_SAME(hbefore, HIST_STATE(h), NULL);
	CHECK_STR("1", SQL_ROW(wo_history_count_sql, u));
	/* The entry is still there: the signed delete finds it. */
	CHECK_OK_IS(amage_delete(p_hdel(h)), hid, h);
	REQUIRE((g = WO_GET(u)) != NULL);
	CHECK_PROGRESS(g, 0);
	/* No asset was joined. */
	CHECK_AMAGE_OK(amage_post0(p_join(u, ASSET_021)));
}

TEST(replayed_delete_signature_is_400_401)
{
	struct amage_opts first = { 0 }, again = { 0 };
	const char *u, *h, *p;
	long long hid;

	REQUIRE((u = WO_WITH_AMOUNT(10)) != NULL);
	REQUIRE((h = HIST_ADD(u, "{\"workAmountReported\":1}", &hid)) != NULL);
	CHECK_OK_IS(amage_request("DELETE", p_hdel(h), NULL, 0, &first), hid,
	    h);
	again.sign_header = first.used_sign;
	CHECK_SIGN_REFUSED(amage_request("DELETE", p_hdel(h), NULL, 0, &again));

	/* Same for a plan item, replayed at once. */
	REQUIRE((p = PLAN_ADD(u, ET_011, 1, NULL)) != NULL);
	memset(&first, 0, sizeof(first));
	memset(&again, 0, sizeof(again));
	CHECK_AMAGE_OK(amage_request("DELETE", p_pdel(p), NULL, 0, &first));
	again.sign_header = first.used_sign;
	CHECK_SIGN_REFUSED(amage_request("DELETE", p_pdel(p), NULL, 0, &again));
	CHECK_PLAN(WO_GET(u), 0, 0);
}

TEST(replayed_add_history_signature_writes_once)
{
	struct amage_opts first = { 0 }, again = { 0 };
	static const char body[] = "{\"workAmountReported\":3}";
	const char *u;

	REQUIRE((u = WO_WITH_AMOUNT(10)) != NULL);
	CHECK_AMAGE_OK(amage_request("POST", p_hadd(u), body, sizeof(body) - 1,
	    &first));
	again.sign_header = first.used_sign;
	CHECK_SIGN_REFUSED(amage_request("POST", p_hadd(u), body,
	    sizeof(body) - 1, &again));
	CHECK_PROGRESS(WO_GET(u), 30);
	CHECK_STR("1", SQL_ROW(wo_history_count_sql, u));
}

static const struct test_case tests[] = {
	TEST_ENTRY(list_last_pages_hold_the_new_work_orders_as_get_by_uuid_returns_them),
	TEST_ENTRY(list_consecutive_pages_do_not_overlap_and_are_ordered_by_id),
	TEST_ENTRY(list_page_count_of_size_1_is_the_newest_work_order),
	TEST_ENTRY(list_size_5000_is_capped_to_1000_items),
	TEST_ENTRY(list_defaults_are_page_1_and_size_50),
	TEST_ENTRY(list_page_past_the_end_is_404_with_error_code_404),
	TEST_ENTRY(list_with_bad_page_or_size_is_400_with_error_code_400),
	TEST_ENTRY(edit_name_only_changes_the_name_and_answers_id_and_uuid),
	TEST_ENTRY(edit_with_explicit_nulls_leaves_those_fields_alone),
	TEST_ENTRY(edit_several_fields_changes_exactly_those),
	TEST_ENTRY(edit_get_modify_post_round_trip_changes_only_what_was_modified),
	TEST_ENTRY(edit_takes_its_own_id_and_uuid_and_ignores_server_maintained_fields),
	TEST_ENTRY(edit_with_another_id_or_uuid_in_the_body_is_400_400_and_changes_nothing),
	TEST_ENTRY(edit_by_upper_case_uuid_edits_and_answers_lower_case),
	TEST_ENTRY(edit_of_unknown_work_order_is_400_404_and_creates_nothing),
	TEST_ENTRY(edit_with_malformed_path_uuid_is_400_400),
	TEST_ENTRY(edit_with_unknown_reference_is_400_404_and_changes_nothing),
	TEST_ENTRY(edit_with_wrong_types_is_400_400_and_changes_nothing),
	TEST_ENTRY(edit_with_parent_uuid_equal_to_itself_is_400_400),
	TEST_ENTRY(edit_of_a_duplicated_uuid_is_400_400_duplicated),
	TEST_ENTRY(edit_of_work_amount_recomputes_progress),
	TEST_ENTRY(add_history_with_every_field_answers_its_id_and_a_fresh_uuid),
	TEST_ENTRY(add_history_with_a_given_uuid_keeps_it_in_lower_case),
	TEST_ENTRY(add_history_valid_defaults_to_true),
	TEST_ENTRY(add_history_with_matching_work_order_uuid_in_any_case_is_accepted),
	TEST_ENTRY(add_history_with_id_is_400_400_and_writes_nothing),
	TEST_ENTRY(add_history_with_another_work_order_uuid_in_the_body_is_400_400),
	TEST_ENTRY(add_history_to_unknown_work_order_is_400_404),
	TEST_ENTRY(add_history_with_unknown_references_is_400_404_and_writes_nothing),
	TEST_ENTRY(add_history_with_wrong_types_is_400_400_and_writes_nothing),
	TEST_ENTRY(edit_history_is_partial_and_keeps_what_is_not_sent),
	TEST_ENTRY(edit_history_expenditures_replace_the_old_list),
	TEST_ENTRY(edit_history_unknown_or_malformed_is_refused),
	TEST_ENTRY(edit_history_with_unknown_references_is_400_404_and_changes_nothing),
	TEST_ENTRY(delete_history_answers_the_deleted_entry_then_400_404),
	TEST_ENTRY(delete_history_unknown_or_malformed_is_refused),
	TEST_ENTRY(history_of_another_table_is_not_found),
	TEST_ENTRY(derived_fields_follow_the_history_and_plan_scenario),
	TEST_ENTRY(progress_is_floored_and_zero_without_a_work_amount),
	TEST_ENTRY(invalid_history_counts_for_nothing_until_made_valid),
	TEST_ENTRY(state_is_the_latest_valid_entry_by_tstamp_then_creation_order),
	TEST_ENTRY(start_date_is_set_once_by_the_first_valid_in_progress),
	TEST_ENTRY(start_and_finish_dates_given_on_add_are_not_overwritten),
	TEST_ENTRY(plan_completion_compares_each_item_with_the_summed_expenditures),
	TEST_ENTRY(plan_item_of_zero_is_complete_at_once),
	TEST_ENTRY(add_plan_answers_id_and_uuid_and_keeps_a_given_uuid_lower_case),
	TEST_ENTRY(add_plan_refusals_write_nothing),
	TEST_ENTRY(edit_plan_is_partial_and_recomputes_completion),
	TEST_ENTRY(edit_plan_refusals_change_nothing),
	TEST_ENTRY(delete_plan_answers_the_deleted_item_then_400_404),
	TEST_ENTRY(join_then_remove_asset_by_asset_uuid),
	TEST_ENTRY(join_asset_refusals),
	TEST_ENTRY(join_asset_made_by_the_admin_tool),
	TEST_ENTRY(remove_asset_refusals),
	TEST_ENTRY(asset_plans_of_two_work_orders_are_separate),
	TEST_ENTRY(remove_asset_plan_entry_by_its_uuid),
	TEST_ENTRY(every_endpoint_refuses_a_malformed_path_uuid_with_400_400),
	TEST_ENTRY(unsigned_writes_are_400_401_and_change_nothing),
	TEST_ENTRY(replayed_delete_signature_is_400_401),
	TEST_ENTRY(replayed_add_history_signature_writes_once),
	TEST_END
};

int
main(int argc, char **argv)
{
	return harness_main(argc, argv, __FILE__, tests);
}
