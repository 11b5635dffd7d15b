/*
 * test_amage_behaviours: AMAGE work-order behaviours (SPEC 3, 3.1, seed
 * amage-work-orders.pl.txt) proven on the rows themselves:
 *  - an asset twice in a plan (removal by asset refused, by entry works);
 *  - "duplicated entry" for every lookup that finds two records: history
 *    entries, plan items, asset-plan entries and work orders sharing a
 *    uuid;
 *  - edit-history replacing (only) the lists it is given;
 *  - text/plain bodies on every write that takes a body;
 *  - a plan item naming another work order in its body;
 *  - replayed signatures, one after the other and 8 at once;
 *  - a client restricted to two devices, made by pms-admin;
 *  - edit naming an unknown reference of each kind.
 * "Nothing changed" is a byte comparison of every column of every row a
 * work-order write can touch (snapshot below), read from the database
 * with lib's db.h and the PMS_DB_* environment of scripts/test.sh.
 * "400/404": HTTP 400 with errorCode 404; "400/400", "400/401" alike.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sys/wait.h>
#include <unistd.h>

#include "config.h"
#include "db.h"
#include "harness.h"
#include "sign.h"

#define ET_011		AMAGE_ELEMENT_TYPE_1
#define ET_012		"ffffffff-0000-4000-8000-000000000012"
#define ASSET_022	"ffffffff-0000-4000-8000-000000000022"

/* ---- the database ------------------------------------------------------ */

/* The harness's SQL helper (harness.h): query 1 for rows, 0 for a statement. */
#define sql_at		harness_sql_at
#define Q(...)		sql_at(__FILE__, __LINE__, 1, __VA_ARGS__)

/* Cell (0, 0) of a query, "(none)" when there is none. */
static const char *
cell0(const struct db_rows *rows)
{
	const char *s = db_cell(rows, 0, 0);

	return s != NULL ? s : "(none)";
}

/* Every column of every row a write on work-order uuid ? can touch, in id
   order, and the size of every table (a row written elsewhere shows). */
static const struct { const char *sql; int n; } snap[] = {
	{ "SELECT (SELECT COUNT(*) FROM work_orders), "
	  "(SELECT COUNT(*) FROM work_order_shared_uuids), "
	  "(SELECT COUNT(*) FROM work_order_history), "
	  "(SELECT COUNT(*) FROM work_order_history_participants), "
	  "(SELECT COUNT(*) FROM work_order_expenditures), "
	  "(SELECT COUNT(*) FROM work_order_element_type_plans), "
	  "(SELECT COUNT(*) FROM work_order_asset_plans)", 0 },
	{ "SELECT * FROM work_orders WHERE uuid = ? ORDER BY id", 1 },
	{ "SELECT h.* FROM work_order_history h JOIN work_orders w "
	  "ON w.id = h.work_order_id WHERE w.uuid = ? ORDER BY h.id", 1 },
	{ "SELECT p.* FROM work_order_history_participants p "
	  "JOIN work_order_history h ON h.id = p.history_id JOIN work_orders w "
	  "ON w.id = h.work_order_id WHERE w.uuid = ? ORDER BY p.id", 1 },
	{ "SELECT e.* FROM work_order_expenditures e JOIN work_orders w "
	  "ON w.id = e.work_order_id WHERE w.uuid = ? ORDER BY e.id", 1 },
	{ "SELECT p.* FROM work_order_element_type_plans p JOIN work_orders w "
	  "ON w.id = p.work_order_id WHERE w.uuid = ? ORDER BY p.id", 1 },
	{ "SELECT a.* FROM work_order_asset_plans a JOIN work_orders w "
	  "ON w.id = a.work_order_id WHERE w.uuid = ? ORDER BY a.id", 1 },
};

/* The snapshot of the work orders with uuid wo (pool), or NULL. */
static const char *
snapshot_at(const char *wo, const char *file, int line)
{
	struct db_rows *rows;
	size_t i, len = 0;
	char *buf = NULL;
	const char *c;
	FILE *f;
	int r, k;

	if ((f = open_memstream(&buf, &len)) == NULL) {
		check_true(0, file, line, "open_memstream: %s", strerror(errno));
		return NULL;
	}
	for (i = 0; i < sizeof(snap) / sizeof(snap[0]); i++) {
		if ((rows = sql_at(file, line, 1, snap[i].sql, snap[i].n,
		    wo)) == NULL) {
			fclose(f);
			free(buf);
			return NULL;
		}
		for (r = 0; r < rows->nrows; r++, fputc('\n', f))
			for (k = 0; k < rows->ncols; k++)
				fprintf(f, "%s%s", k ? "\x1f" : "",
				    (c = db_cell(rows, r, k)) ? c : "\\N");
		fputs("--\n", f);
	}
	fclose(f);
	return pool_keep(buf, free);
}
#define SNAPSHOT(wo)		snapshot_at((wo), __FILE__, __LINE__)

/* 160 bytes of s from byte from, rows and cells shown as '/' and ',' (pool). */
static const char *
window(const char *s, size_t from)
{
	char *w = pool_printf("%.160s", s + from), *c;

	for (c = w; *c != '\0'; c++)
		*c = *c == '\n' ? '/' : *c == '\x1f' ? ',' : *c;
	return w;
}

/* The rows of wo are byte for byte as in before; the first difference
   is shown. */
static int
check_unchanged_at(const char *wo, const char *before, const char *file,
    int line)
{
	const char *after = snapshot_at(wo, file, line);
	size_t i = 0, from;

	if (before == NULL || after == NULL)
		return check_true(0, file, line, "no snapshot to compare");
	while (before[i] != '\0' && before[i] == after[i])
		i++;
	from = i > 60 ? i - 60 : 0;
	return check_true(before[i] == after[i], file, line, "rows of %s "
	    "changed at byte %zu:\n#     before: ...%s\n#     after:  ...%s",
	    wo, i, window(before, from), window(after, from));
}
#define CHECK_UNCHANGED(wo, before) check_unchanged_at((wo), (before), __FILE__, __LINE__)

/* ---- requests ------------------------------------------------------------ */

static const char *
nonce(void)
{
	return pool_printf("%.8s", fresh_uuid());
}

/* WO_BASE/op/u */
static const char *
wo_path(const char *op, const char *u)
{
	return pool_printf(WO_BASE "/%s/%s", op, u);
}

/* WO_BASE/asset-plan/wo/op/u */
static const char *
ap_path(const char *wo, const char *op, const char *u)
{
	return pool_printf(WO_BASE "/asset-plan/%s/%s/%s", wo, op, u);
}
#define JOIN		"join-asset-to-plan-by-uuid"
#define RM_ASSET	"remove-asset-from-plan-by-uuid"
#define RM_ENTRY	"remove-asset-plan-by-uuid"

static struct http_response *
amage_delete(const char *path)
{
	return amage_request("DELETE", path, NULL, 0, NULL);
}

/* A success (naming the record uuid when it is not NULL): the uuid it
   names (pool), or NULL after recording a failure. */
static const char *
ok_uuid_at(const struct http_response *r, const char *uuid, const char *file,
    int line)
{
	if (!check_amage_ok_at(r, file, line) || (uuid != NULL &&
	    !check_json_str_at(r->json, "uuid", uuid, file, line)))
		return NULL;
	return pool_strdup(jstr(r->json, "uuid"));
}
#define OK_UUID(r)		ok_uuid_at((r), NULL, __FILE__, __LINE__)
#define CHECK_OK_IS(r, uuid)	check_ok_is_at((r), (uuid), __FILE__, __LINE__)

static int
check_ok_is_at(const struct http_response *r, const char *uuid,
    const char *file, int line)
{
	return ok_uuid_at(r, uuid, file, line) != NULL;
}

/* 400/400 whose message says "duplicated". */
static int
check_duplicated_at(const struct http_response *r, const char *file, int line)
{
	return check_amage_error_at(r, 400, 400, file, line) &&
	    check_contains(jstr(r->json, "message"), "duplicated", 1,
	    "message", file, line);
}
#define CHECK_DUPLICATED(r)	check_duplicated_at((r), __FILE__, __LINE__)

/* 400/404 whose message holds uuid and names the missing record (what,
   in any case). */
static int
check_not_found_at(const struct http_response *r, const char *what,
    const char *uuid, const char *file, int line)
{
	return check_amage_error_at(r, 400, 404, file, line) &&
	    check_contains(jstr(r->json, "message"), uuid, 0, "message", file,
	    line) && check_contains(jstr(r->json, "message"), what, 1,
	    "message", file, line);
}
#define CHECK_NOT_FOUND(r, w, u) check_not_found_at((r), (w), (u), __FILE__, __LINE__)

/* POST /add {"name":"itest behaviours <nonce>"<,more>}: the uuid, or NULL. */
static const char *
wo_new_at(const char *more, const char *file, int line)
{
	return ok_uuid_at(amage_post(WO_BASE "/add", pool_printf(
	    "{\"name\":\"itest behaviours %s\"%s%s}", nonce(),
	    more[0] ? "," : "", more)), NULL, file, line);
}
#define WO_NEW(more)		wo_new_at((more), __FILE__, __LINE__)

/* Two work orders added through the API with one fresh uuid: it, or NULL. */
static const char *
wo_twins_at(const char *file, int line)
{
	const char *u = fresh_uuid();
	const char *more = pool_printf("\"uuid\":\"%s\"", u);

	if (wo_new_at(more, file, line) == NULL ||
	    wo_new_at(more, file, line) == NULL)
		return NULL;
	return check_true(atoll(cell0(sql_at(file, line, 1,
	    "SELECT COUNT(*) FROM work_orders WHERE uuid = ?", 1, u))) == 2,
	    file, line, "two adds of %s did not make two work orders", u) ?
	    u : NULL;
}
#define WO_TWINS()		wo_twins_at(__FILE__, __LINE__)

/* An asset-plan entry written with SQL (the API refuses a second join). */
static const char asset_entry_insert_sql[] =
    "INSERT INTO work_order_asset_plans (uuid, work_order_id, asset_uuid, "
    "created) SELECT ?, MIN(id), ?, UTC_TIMESTAMP() FROM work_orders "
    "WHERE uuid = ?";

static const char *
asset_entry_sql_at(const char *wo, const char *asset, const char *entry,
    const char *file, int line)
{
	return sql_at(file, line, 0, asset_entry_insert_sql, 3, entry, asset,
	    wo) != NULL ? entry : NULL;
}
#define ASSET_ENTRY_SQL(wo, asset, entry) asset_entry_sql_at((wo), (asset), (entry), __FILE__, __LINE__)

static const char asset_entries_sql[] =
    "SELECT GROUP_CONCAT(a.uuid ORDER BY a.id) FROM work_order_asset_plans a "
    "JOIN work_orders w ON w.id = a.work_order_id "
    "WHERE w.uuid = ? AND a.asset_uuid = ?";

/* The entry uuids of asset in wo's plan, comma-separated, "(none)". */
static const char *
asset_entries(const char *wo, const char *asset)
{
	return cell0(Q(asset_entries_sql, 2, wo, asset));
}

/* ======================================================================== */

TEST(remove_by_asset_of_an_asset_twice_in_the_plan_is_400_400_and_removes_nothing_then_entry_uuids_remove_each)
{
	const char *u, *e1, *e2, *before;
	struct http_response *r;

	REQUIRE((u = WO_NEW("")) != NULL);
	REQUIRE((e1 = OK_UUID(amage_post(ap_path(u, JOIN, ASSET_022),
	    NULL))) != NULL);
	REQUIRE(ASSET_ENTRY_SQL(u, ASSET_022, (e2 = fresh_uuid())) != NULL);
	REQUIRE(CHECK_STR(pool_printf("%s,%s", e1, e2),
	    asset_entries(u, ASSET_022)));
	REQUIRE((before = SNAPSHOT(u)) != NULL);
	r = amage_post(ap_path(u, RM_ASSET, ASSET_022), NULL);
	CHECK_AMAGE_ERROR(r, 400, 400);
	CHECK_CONTAINS(jstr(r->json, "message"), ASSET_022);
	CHECK_AMAGE_ERROR(amage_post(ap_path(pool_upper(u), RM_ASSET,
	    pool_upper(ASSET_022)), NULL), 400, 400);
	CHECK_UNCHANGED(u, before);
	/* By its entry uuid: that entry goes, the other stays. */
	CHECK_OK_IS(amage_post(ap_path(u, RM_ENTRY, e2), NULL), e2);
	CHECK_STR(e1, asset_entries(u, ASSET_022));
	/* Once in the plan, removal by asset works again. */
	CHECK_OK_IS(amage_post(ap_path(u, RM_ASSET, ASSET_022), NULL), e1);
	CHECK_STR("(none)", asset_entries(u, ASSET_022));
}

TEST(history_entries_sharing_a_uuid_make_edit_and_delete_history_400_400_duplicated_and_change_nothing)
{
	const char *u, *v, *h = fresh_uuid(), *bu, *bv, *body;

	REQUIRE((u = WO_NEW("\"workAmount\":10")) != NULL);
	REQUIRE((v = WO_NEW("\"workAmount\":10")) != NULL);
	body = pool_printf("{\"uuid\":\"%s\",\"workAmountReported\":1,"
	    "\"participants\":[{\"uuid\":\"" AMAGE_USER_1 "\"}]}", h);
	REQUIRE(CHECK_OK_IS(amage_post(wo_path("add-history", u), body), h));
	REQUIRE(CHECK_OK_IS(amage_post(wo_path("add-history", v), body), h));
	REQUIRE((bu = SNAPSHOT(u)) != NULL && (bv = SNAPSHOT(v)) != NULL);
	CHECK_DUPLICATED(amage_post(wo_path("edit-history", h),
	    "{\"workAmountReported\":9,\"message\":\"which one\"}"));
	CHECK_DUPLICATED(amage_post(wo_path("edit-history", pool_upper(h)),
	    "{\"participants\":[]}"));
	CHECK_DUPLICATED(amage_delete(wo_path("delete-history", h)));
	CHECK_UNCHANGED(u, bu);
	CHECK_UNCHANGED(v, bv);
}

TEST(plan_items_sharing_a_uuid_make_edit_and_delete_plan_400_400_duplicated_and_change_nothing)
{
	const char *u, *v, *p = fresh_uuid(), *bu, *bv, *body;

	REQUIRE((u = WO_NEW("")) != NULL);
	REQUIRE((v = WO_NEW("")) != NULL);
	body = pool_printf("{\"uuid\":\"%s\",\"elementTypeUuid\":\"" ET_011
	    "\",\"itemCount\":2,\"code\":\"twin\"}", p);
	REQUIRE(CHECK_OK_IS(amage_post(wo_path("add-workorder-elementtype-plan",
	    u), body), p));
	REQUIRE(CHECK_OK_IS(amage_post(wo_path("add-workorder-elementtype-plan",
	    v), body), p));
	REQUIRE((bu = SNAPSHOT(u)) != NULL && (bv = SNAPSHOT(v)) != NULL);
	CHECK_DUPLICATED(amage_post(wo_path("edit-workorder-elementtype-plan",
	    p), "{\"itemCount\":0,\"code\":\"which one\"}"));
	CHECK_DUPLICATED(amage_delete(wo_path(
	    "delete-workorder-elementtype-plan", pool_upper(p))));
	CHECK_UNCHANGED(u, bu);
	CHECK_UNCHANGED(v, bv);
}

TEST(asset_plan_entries_sharing_a_uuid_make_remove_by_entry_400_400_duplicated_and_remove_nothing)
{
	const char *u, *e, *before;

	REQUIRE((u = WO_NEW("")) != NULL);
	REQUIRE((e = OK_UUID(amage_post(ap_path(u, JOIN, AMAGE_ASSET_1),
	    NULL))) != NULL);
	REQUIRE(ASSET_ENTRY_SQL(u, ASSET_022, e) != NULL);
	REQUIRE((before = SNAPSHOT(u)) != NULL);
	CHECK_DUPLICATED(amage_post(ap_path(u, RM_ENTRY, e), NULL));
	CHECK_DUPLICATED(amage_post(ap_path(u, RM_ENTRY, pool_upper(e)), NULL));
	CHECK_UNCHANGED(u, before);
}

TEST(work_order_uuid_two_work_orders_share_is_400_400_duplicated_on_plan_asset_and_history_writes_and_changes_nothing)
{
	const char *u, *e, *before;

	REQUIRE((u = WO_TWINS()) != NULL);
	/* An entry in the first twin's plan, which a removal could find. */
	REQUIRE((e = ASSET_ENTRY_SQL(u, AMAGE_ASSET_1, fresh_uuid())) != NULL);
	REQUIRE((before = SNAPSHOT(u)) != NULL);
	CHECK_DUPLICATED(amage_post(wo_path("add-workorder-elementtype-plan",
	    u), "{\"elementTypeUuid\":\"" ET_011 "\",\"itemCount\":1}"));
	CHECK_DUPLICATED(amage_post(ap_path(u, JOIN, ASSET_022), NULL));
	CHECK_DUPLICATED(amage_post(ap_path(u, RM_ASSET, AMAGE_ASSET_1), NULL));
	CHECK_DUPLICATED(amage_post(ap_path(u, RM_ENTRY, e), NULL));
	CHECK_DUPLICATED(amage_post(wo_path("add-history", u),
	    "{\"workAmountReported\":1,\"stateName\":\"IN_PROGRESS\"}"));
	CHECK_DUPLICATED(amage_post(wo_path("add-history", pool_upper(u)),
	    pool_printf("{\"workOrderUuid\":\"%s\",\"message\":\"m\"}", u)));
	CHECK_UNCHANGED(u, before);
}

/* ======================================================================== */

/* Participants, expenditures (uuid:elementType:count), then the ids of
   both, of history entry ?. */
static const char hist_lists_sql[] =
    "SELECT (SELECT GROUP_CONCAT(p.user_uuid ORDER BY p.id) "
    "  FROM work_order_history_participants p WHERE p.history_id = h.id), "
    "(SELECT GROUP_CONCAT(CONCAT_WS(':', e.uuid, e.element_type_uuid, "
    "  e.item_count) ORDER BY e.id) FROM work_order_expenditures e "
    "  WHERE e.history_id = h.id), "
    "(SELECT GROUP_CONCAT(p.id) FROM work_order_history_participants p "
    "  WHERE p.history_id = h.id), "
    "(SELECT GROUP_CONCAT(e.id) FROM work_order_expenditures e "
    "  WHERE e.history_id = h.id) FROM work_order_history h WHERE h.uuid = ?";
/* How many participant and expenditure rows with these ids remain. */
static const char rows_left_sql[] =
    "SELECT CONCAT((SELECT COUNT(*) FROM work_order_history_participants "
    "  WHERE FIND_IN_SET(id, ?)), ' ', (SELECT COUNT(*) FROM "
    "  work_order_expenditures WHERE FIND_IN_SET(id, ?)))";
static const char wo_derived_sql[] =
    "SELECT CONCAT_WS(' ', element_type_plan_total_count, "
    "element_type_plan_completed_count, element_type_plan_completed, "
    "progress_completed) FROM work_orders WHERE uuid = ?";

/* participants|expenditures (uuid:elementType:count) of history entry h. */
static const char *
hist_lists(const char *h)
{
	struct db_rows *rows = Q(hist_lists_sql, 1, h);
	const char *p = db_cell(rows, 0, 0), *e = db_cell(rows, 0, 1);

	return pool_printf("%s|%s", p ? p : "-", e ? e : "-");
}

TEST(edit_history_replaces_the_lists_it_is_given_keeps_the_others_and_recomputes_the_plan)
{
	const char *u, *h, *x1 = fresh_uuid(), *x2 = fresh_uuid(),
	    *x3 = fresh_uuid(), *x4 = fresh_uuid(), *pids, *eids;
	struct db_rows *rows;

	REQUIRE((u = WO_NEW("\"workAmount\":10")) != NULL);
	REQUIRE(OK_UUID(amage_post(wo_path("add-workorder-elementtype-plan",
	    u), "{\"elementTypeUuid\":\"" ET_011 "\",\"itemCount\":3}")));
	REQUIRE(OK_UUID(amage_post(wo_path("add-workorder-elementtype-plan",
	    u), "{\"elementTypeUuid\":\"" ET_012 "\",\"itemCount\":2}")));
	REQUIRE((h = OK_UUID(amage_post(wo_path("add-history", u), pool_printf(
	    "{\"workAmountReported\":4,\"participants\":[{\"uuid\":\""
	    AMAGE_USER_1 "\"},{\"uuid\":\"" AMAGE_USER_2 "\"}],"
	    "\"workOrderExpenditures\":[{\"uuid\":\"%s\",\"elementTypeUuid\":"
	    "\"" ET_011 "\",\"itemCount\":3},{\"uuid\":\"%s\","
	    "\"elementTypeUuid\":\"" ET_012 "\",\"itemCount\":1}]}", x1,
	    x2)))) != NULL);
	REQUIRE(CHECK_STR(pool_printf(AMAGE_USER_1 "," AMAGE_USER_2 "|%s:"
	    ET_011 ":3,%s:" ET_012 ":1", x1, x2), hist_lists(h)));
	CHECK_STR("2 1 0 40", cell0(Q(wo_derived_sql, 1, u)));
	REQUIRE((rows = Q(hist_lists_sql, 1, h)) != NULL);
	pids = pool_strdup(db_cell(rows, 0, 2));
	eids = pool_strdup(db_cell(rows, 0, 3));
	REQUIRE(CHECK_STR("2 2", cell0(Q(rows_left_sql, 2, pids, eids))));

	/* Both lists given: both replaced, ET_012 now reaches its plan. */
	CHECK_OK_IS(amage_post(wo_path("edit-history", h), pool_printf(
	    "{\"participants\":[{\"uuid\":\"" AMAGE_USER_2 "\"}],"
	    "\"workOrderExpenditures\":[{\"uuid\":\"%s\",\"elementTypeUuid\":"
	    "\"" ET_011 "\",\"itemCount\":3},{\"uuid\":\"%s\","
	    "\"elementTypeUuid\":\"" ET_012 "\",\"itemCount\":2}]}", x3, x4)),
	    h);
	CHECK_STR(pool_printf(AMAGE_USER_2 "|%s:" ET_011 ":3,%s:" ET_012 ":2",
	    x3, x4), hist_lists(h));
	/* The old rows are gone, not kept beside the new ones. */
	CHECK_STR("0 0", cell0(Q(rows_left_sql, 2, pids, eids)));
	CHECK_STR("2 2 1 40", cell0(Q(wo_derived_sql, 1, u)));

	/* Only participants: the expenditures stay. */
	CHECK_OK_IS(amage_post(wo_path("edit-history", h), "{\"participants\":"
	    "[{\"uuid\":\"" AMAGE_USER_1 "\"}],\"workOrderExpenditures\":null}"),
	    h);
	CHECK_STR(pool_printf(AMAGE_USER_1 "|%s:" ET_011 ":3,%s:" ET_012 ":2",
	    x3, x4), hist_lists(h));
	CHECK_STR("2 2 1 40", cell0(Q(wo_derived_sql, 1, u)));

	/* Only expenditures: the participants stay; ET_011 falls short. */
	CHECK_OK_IS(amage_post(wo_path("edit-history", h), pool_printf(
	    "{\"workAmountReported\":10,\"workOrderExpenditures\":[{\"uuid\":"
	    "\"%s\",\"elementTypeUuid\":\"" ET_012 "\",\"itemCount\":5}]}",
	    x1)), h);
	CHECK_STR(pool_printf(AMAGE_USER_1 "|%s:" ET_012 ":5", x1),
	    hist_lists(h));
	CHECK_STR("2 1 0 100", cell0(Q(wo_derived_sql, 1, u)));

	/* Empty lists empty them. */
	CHECK_OK_IS(amage_post(wo_path("edit-history", h), "{\"participants\":"
	    "[],\"workOrderExpenditures\":[]}"), h);
	CHECK_STR("-|-", hist_lists(h));
	CHECK_STR("2 0 0 100", cell0(Q(wo_derived_sql, 1, u)));
}

/* ======================================================================== */

static struct http_response *
post_text_plain(const char *path, const char *body)
{
	struct amage_opts o = { .content_type = "text/plain" };

	return amage_request("POST", path, body, strlen(body), &o);
}

static const char wo_text_sql[] =
    "SELECT CONCAT_WS('|', name, notes) FROM work_orders WHERE uuid = ?";
static const char hist_text_sql[] =
    "SELECT CONCAT_WS('|', h.message, h.work_amount_reported, w.uuid) "
    "FROM work_order_history h JOIN work_orders w ON w.id = h.work_order_id "
    "WHERE h.uuid = ?";
static const char plan_text_sql[] =
    "SELECT CONCAT_WS('|', p.element_type_uuid, p.item_count, "
    "IFNULL(p.category, '-'), IFNULL(p.code, '-'), w.uuid) "
    "FROM work_order_element_type_plans p "
    "JOIN work_orders w ON w.id = p.work_order_id WHERE p.uuid = ?";

TEST(text_plain_bodies_are_accepted_by_edit_history_and_plan_writes_and_stored_as_sent)
{
	const char *u, *h = fresh_uuid(), *p = fresh_uuid(), *n = nonce();

	REQUIRE((u = WO_NEW("")) != NULL);
	CHECK_OK_IS(post_text_plain(wo_path("edit", u), pool_printf(
	    "{\"name\":\"plain %s\",\"notes\":\"zażółć\"}", n)), u);
	CHECK_STR(pool_printf("plain %s|zażółć", n),
	    cell0(Q(wo_text_sql, 1, u)));

	CHECK_OK_IS(post_text_plain(wo_path("add-history", u), pool_printf(
	    "{\"uuid\":\"%s\",\"message\":\"plain add\","
	    "\"workAmountReported\":2}", h)), h);
	CHECK_STR(pool_printf("plain add|2|%s", u),
	    cell0(Q(hist_text_sql, 1, h)));
	CHECK_OK_IS(post_text_plain(wo_path("edit-history", h),
	    "{\"message\":\"plain edit\"}"), h);
	CHECK_STR(pool_printf("plain edit|2|%s", u),
	    cell0(Q(hist_text_sql, 1, h)));

	CHECK_OK_IS(post_text_plain(wo_path("add-workorder-elementtype-plan", u),
	    pool_printf("{\"uuid\":\"%s\",\"elementTypeUuid\":\"" ET_011 "\","
	    "\"itemCount\":4,\"category\":\"plain\",\"code\":\"P-1\"}", p)), p);
	CHECK_STR(pool_printf(ET_011 "|4|plain|P-1|%s", u),
	    cell0(Q(plan_text_sql, 1, p)));
	CHECK_OK_IS(post_text_plain(wo_path("edit-workorder-elementtype-plan",
	    p), "{\"itemCount\":5,\"code\":\"P-2\"}"), p);
	CHECK_STR(pool_printf(ET_011 "|5|plain|P-2|%s", u),
	    cell0(Q(plan_text_sql, 1, p)));
}

/* ======================================================================== */

TEST(add_plan_naming_another_work_order_in_its_body_is_400_400_and_writes_nothing)
{
	const char *u, *v, *bu, *bv, *p = fresh_uuid();
	const char *fmt = "{\"uuid\":\"%s\",\"workOrderUuid\":\"%s\","
	    "\"elementTypeUuid\":\"" ET_011 "\",\"itemCount\":1}";

	REQUIRE((u = WO_NEW("")) != NULL);
	REQUIRE((v = WO_NEW("")) != NULL);
	REQUIRE((bu = SNAPSHOT(u)) != NULL && (bv = SNAPSHOT(v)) != NULL);
	CHECK_AMAGE_ERROR(amage_post(wo_path("add-workorder-elementtype-plan",
	    u), pool_printf(fmt, p, v)), 400, 400);
	CHECK_AMAGE_ERROR(amage_post(wo_path("add-workorder-elementtype-plan",
	    u), pool_printf(fmt, p, fresh_uuid())), 400, 400);
	CHECK_UNCHANGED(u, bu);
	CHECK_UNCHANGED(v, bv);
	CHECK_STR("(none)", cell0(Q(plan_text_sql, 1, p)));
	/* Its own uuid, in the other case, is the same work order. */
	CHECK_OK_IS(amage_post(wo_path("add-workorder-elementtype-plan", u),
	    pool_printf(fmt, p, pool_upper(u))), p);
	CHECK_STR(pool_printf(ET_011 "|1|-|-|%s", u),
	    cell0(Q(plan_text_sql, 1, p)));
}

/* ======================================================================== */

/* Sends method path body signed, then the very same api-sign again:
   first 200, again 400/401.  between runs in between (may be NULL). */
static void
replay_at(const char *method, const char *path, const char *body,
    const char *wo, void (*between)(const char *), const char *file,
    int line)
{
	struct amage_opts first = { 0 }, again = { 0 };
	size_t n = body ? strlen(body) : 0;
	const char *before;

	if (!check_amage_ok_at(amage_request(method, path, body, n, &first),
	    file, line))
		return;
	if (between != NULL)
		between(wo);
	if ((before = snapshot_at(wo, file, line)) == NULL)
		return;
	again.sign_header = first.used_sign;
	check_amage_error_at(amage_request(method, path, body, n, &again), 400,
	    401, file, line);
	check_unchanged_at(wo, before, file, line);
}
#define REPLAY(m, p, b, wo, between) replay_at((m), (p), (b), (wo), (between), __FILE__, __LINE__)

static void
rename_again(const char *wo)
{
	CHECK_AMAGE_OK(amage_post(wo_path("edit", wo), pool_printf(
	    "{\"name\":\"itest renamed %s\"}", nonce())));
}

static void
remove_asset_1(const char *wo)
{
	CHECK_AMAGE_OK(amage_post(ap_path(wo, RM_ASSET, AMAGE_ASSET_1), NULL));
}

static void
join_asset_1(const char *wo)
{
	CHECK_AMAGE_OK(amage_post(ap_path(wo, JOIN, AMAGE_ASSET_1), NULL));
}

TEST(replayed_edit_signature_is_400_401_and_changes_nothing)
{
	const char *u;

	REQUIRE((u = WO_NEW("")) != NULL);
	/* Renamed in between: a replay that ran would rename it back. */
	REPLAY("POST", wo_path("edit", u), pool_printf("{\"name\":\"itest "
	    "replayed %s\",\"workAmount\":7}", nonce()), u, rename_again);
}

TEST(replayed_asset_plan_signatures_are_400_401_and_change_nothing)
{
	const char *u, *e;

	REQUIRE((u = WO_NEW("")) != NULL);
	/* Each time the state is put back so that the replay, if it ran,
	   would succeed and show. */
	REPLAY("POST", ap_path(u, JOIN, AMAGE_ASSET_1), NULL, u,
	    remove_asset_1);
	CHECK_STR("(none)", asset_entries(u, AMAGE_ASSET_1));
	join_asset_1(u);
	REPLAY("POST", ap_path(u, RM_ASSET, AMAGE_ASSET_1), NULL, u,
	    join_asset_1);
	REQUIRE((e = ASSET_ENTRY_SQL(u, ASSET_022, fresh_uuid())) != NULL);
	REPLAY("POST", ap_path(u, RM_ENTRY, e), NULL, u, NULL);
	CHECK_STR("(none)", asset_entries(u, ASSET_022));
	CHECKF(is_lower_uuid(asset_entries(u, AMAGE_ASSET_1)), "one entry "
	    "of the asset expected: %s", asset_entries(u, AMAGE_ASSET_1));
}

/*
 * N forked clients send path body with one api-sign at once (a pipe is
 * the barrier: all read EOF when the parent closes it).  Returns how
 * many answered 200 and how many 400/401 in *ok and *replayed.
 */
static void
race_at(const char *path, const char *body, int *ok, int *replayed,
    const char *file, int line)
{
	enum { N = 8 };
	char hex[SIGN_HEX_LEN + 1], buf[N * 32 + 1], *l, *save;
	const char *hdr;
	int go[2], res[2], i, got = 0, st, ec;
	size_t n = body ? strlen(body) : 0;
	long long t = (long long)time(NULL);
	pid_t pid[N];
	ssize_t k;

	*ok = *replayed = 0;
	if (!check_true(sign_compute(AMAGE_DEMO_SECRET, t, "POST", path,
	    AMAGE_DEMO_DEVICE, body ? body : "", n, hex) == 0, file, line,
	    "sign_compute") || !check_true(pipe(go) == 0 && pipe(res) == 0,
	    file, line, "pipe: %s", strerror(errno)))
		return;
	hdr = pool_printf("t=%lld,v1=%s", t, hex);
	for (i = 0; i < N; i++) {
		if ((pid[i] = fork()) == 0) {
			struct amage_opts o = { .sign_header = hdr };
			struct http_response *r;
			char c, *ans;

			close(go[1]);
			close(res[0]);
			harness_forked_child();
			if (read(go[0], &c, 1) < 0)
				_exit(3);
			r = amage_request("POST", path, body, n, &o);
			ans = pool_printf("%ld %.0f\n", r->status,
			    cJSON_GetNumberValue(jget(r->json, "errorCode")));
			_exit(write(res[1], ans, strlen(ans)) < 0 ? 3 : 0);
		}
		check_true(pid[i] > 0, file, line, "fork: %s", strerror(errno));
	}
	close(go[0]);
	close(res[1]);
	close(go[1]);
	while ((k = read(res[0], buf + got, sizeof(buf) - 1 - got)) > 0)
		got += (int)k;
	buf[got] = '\0';
	close(res[0]);
	for (i = 0; i < N; i++)
		if (pid[i] > 0)
			waitpid(pid[i], NULL, 0);
	for (i = 0, l = strtok_r(buf, "\n", &save); l != NULL;
	    l = strtok_r(NULL, "\n", &save), i++) {
		if (sscanf(l, "%d %d", &st, &ec) == 2 && st == 200 && ec == 0)
			(*ok)++;
		else if (sscanf(l, "%d %d", &st, &ec) == 2 && st == 400 &&
		    ec == 401)
			(*replayed)++;
		else
			check_true(0, file, line, "POST %s: answered %s", path,
			    l);
	}
	check_true(i == N, file, line, "%d of %d clients answered", i, N);
}

TEST(one_signed_request_sent_by_8_clients_at_once_is_done_once_and_refused_7_times)
{
	const char *u, *h = fresh_uuid();
	int ok, replayed;

	REQUIRE((u = WO_NEW("\"workAmount\":100")) != NULL);
	race_at(wo_path("add-history", u), pool_printf("{\"uuid\":\"%s\","
	    "\"workAmountReported\":3}", h), &ok, &replayed, __FILE__,
	    __LINE__);
	CHECK_INT(1, ok);
	CHECK_INT(7, replayed);
	CHECK_STR("1", cell0(Q("SELECT COUNT(*) FROM work_order_history "
	    "WHERE uuid = ?", 1, h)));
	CHECK_STR("0 0 0 3", cell0(Q(wo_derived_sql, 1, u)));

	race_at(ap_path(u, JOIN, AMAGE_ASSET_1), NULL, &ok, &replayed, __FILE__,
	    __LINE__);
	CHECK_INT(1, ok);
	CHECK_INT(7, replayed);
	CHECKF(is_lower_uuid(asset_entries(u, AMAGE_ASSET_1)), "one entry "
	    "of the asset expected: %s", asset_entries(u, AMAGE_ASSET_1));
}

/* ======================================================================== */

struct client {
	const char *id, *key, *secret;
};

/* pms-admin amage-client add [--device d1 --device d2]. */
static int
client_add_at(struct client *c, const char *d1, const char *d2,
    const char *file, int line)
{
	const char *name = pool_printf("itest devices %s", nonce());
	const char *out = d1 != NULL ?
	    admin_run_at(file, line, "amage-client", "add", "--name", name,
	    "--device", d1, "--device", d2, (const char *)NULL) :
	    admin_run_at(file, line, "amage-client", "add", "--name", name,
	    (const char *)NULL);

	c->id = kv_get(out, "id");
	c->key = kv_get(out, "api-key");
	c->secret = kv_get(out, "secret");
	return check_true(c->id && c->key && c->secret, file, line,
	    "amage-client add printed no id=, api-key=, secret=: %s",
	    out ? out : "(nothing)");
}
#define CLIENT_ADD(c, d1, d2)	client_add_at((c), (d1), (d2), __FILE__, __LINE__)

/* A write as client c from device dev: renames wo. */
static struct http_response *
edit_as(const struct client *c, const char *secret, const char *dev,
    const char *wo)
{
	struct amage_opts o = { .api_key = c->key, .secret = secret,
	    .device_uuid = dev };
	const char *body = pool_printf("{\"name\":\"itest by %s\"}", dev);

	return amage_request("POST", wo_path("edit", wo), body, strlen(body),
	    &o);
}

static const char wo_name_sql[] = "SELECT name FROM work_orders WHERE uuid = ?";

TEST(client_restricted_to_two_devices_accepts_both_refuses_a_third_and_an_unrestricted_client_accepts_any)
{
	const char *u, *d1 = fresh_uuid(), *d2 = fresh_uuid(), *d3 = fresh_uuid();
	const char *before;
	struct client c, any;

	REQUIRE((u = WO_NEW("")) != NULL);
	REQUIRE(CLIENT_ADD(&c, d1, d2));
	CHECK_AMAGE_OK(edit_as(&c, c.secret, d1, u));
	CHECK_STR(pool_printf("itest by %s", d1), cell0(Q(wo_name_sql, 1, u)));
	CHECK_AMAGE_OK(edit_as(&c, c.secret, pool_upper(d2), u));
	CHECK_STR(pool_printf("itest by %s", pool_upper(d2)),
	    cell0(Q(wo_name_sql, 1, u)));
	REQUIRE((before = SNAPSHOT(u)) != NULL);
	CHECK_AMAGE_ERROR(edit_as(&c, c.secret, d3, u), 400, 401);
	CHECK_AMAGE_ERROR(edit_as(&c, c.secret, AMAGE_DEMO_DEVICE, u), 400,
	    401);
	/* Its own secret: the demo client's does not sign for it. */
	CHECK_AMAGE_ERROR(edit_as(&c, AMAGE_DEMO_SECRET, d1, u), 400, 401);
	CHECK_UNCHANGED(u, before);

	if (CLIENT_ADD(&any, NULL, NULL)) {
		CHECK_AMAGE_OK(edit_as(&any, any.secret, d3, u));
		CHECK_AMAGE_OK(edit_as(&any, any.secret, fresh_uuid(), u));
		CHECK_AMAGE_ERROR(edit_as(&any, c.secret, d1, u), 400, 401);
		ADMIN("amage-client", "revoke", "--id", any.id);
	}
	ADMIN("amage-client", "revoke", "--id", c.id);
}

/* ======================================================================== */

TEST(edit_with_an_unknown_reference_of_each_kind_is_400_404_naming_it_and_changes_nothing)
{
	static const struct { const char *field, *word, *other; } refs[] = {
		{ "typeUuid", "type", AMAGE_USER_1 },
		{ "contractUuid", "contract", AMAGE_USER_1 },
		{ "contractScopeUuid", "contract scope", AMAGE_USER_1 },
		{ "accountUuid", "account", AMAGE_USER_1 },
		{ "assignedDepartmentUuid", "department", AMAGE_USER_1 },
		{ "assignedUserUuid", "user", AMAGE_TYPE },
		{ "assignedContractorUuid", "contractor", AMAGE_USER_1 },
		{ "verifyUserUuid", "user", AMAGE_TYPE },
		{ "parentUuid", "work order", AMAGE_USER_1 },
		{ "customerUuid", "customer", AMAGE_USER_1 },
		{ "locationUuid", "location", AMAGE_USER_1 },
		{ "placeOfWorkUuid", "place of work", AMAGE_LOCATION },
	};
	const char *u, *before, *x;
	size_t i;
	int k;

	REQUIRE((u = WO_NEW("\"locationUuid\":\"" AMAGE_LOCATION "\"")) !=
	    NULL);
	REQUIRE((before = SNAPSHOT(u)) != NULL);
	for (i = 0; i < sizeof(refs) / sizeof(refs[0]); i++)
		for (k = 0; k < 2; k++) {
			/* Unknown, then a uuid that is another kind's. */
			x = k == 0 ? fresh_uuid() : refs[i].other;
			CHECKF(CHECK_NOT_FOUND(amage_post(wo_path("edit", u),
			    pool_printf("{\"name\":\"half %s\",\"%s\":\"%s\"}",
			    nonce(), refs[i].field, k == 0 ? pool_upper(x) : x)),
			    refs[i].word, x), "edit with %s %s", refs[i].field,
			    x);
			CHECK_UNCHANGED(u, before);
		}
}

static const struct test_case tests[] = {
	TEST_ENTRY(remove_by_asset_of_an_asset_twice_in_the_plan_is_400_400_and_removes_nothing_then_entry_uuids_remove_each),
	TEST_ENTRY(history_entries_sharing_a_uuid_make_edit_and_delete_history_400_400_duplicated_and_change_nothing),
	TEST_ENTRY(plan_items_sharing_a_uuid_make_edit_and_delete_plan_400_400_duplicated_and_change_nothing),
	TEST_ENTRY(asset_plan_entries_sharing_a_uuid_make_remove_by_entry_400_400_duplicated_and_remove_nothing),
	TEST_ENTRY(work_order_uuid_two_work_orders_share_is_400_400_duplicated_on_plan_asset_and_history_writes_and_changes_nothing),
	TEST_ENTRY(edit_history_replaces_the_lists_it_is_given_keeps_the_others_and_recomputes_the_plan),
	TEST_ENTRY(text_plain_bodies_are_accepted_by_edit_history_and_plan_writes_and_stored_as_sent),
	TEST_ENTRY(add_plan_naming_another_work_order_in_its_body_is_400_400_and_writes_nothing),
	TEST_ENTRY(replayed_edit_signature_is_400_401_and_changes_nothing),
	TEST_ENTRY(replayed_asset_plan_signatures_are_400_401_and_change_nothing),
	TEST_ENTRY(one_signed_request_sent_by_8_clients_at_once_is_done_once_and_refused_7_times),
	TEST_ENTRY(client_restricted_to_two_devices_accepts_both_refuses_a_third_and_an_unrestricted_client_accepts_any),
	TEST_ENTRY(edit_with_an_unknown_reference_of_each_kind_is_400_404_naming_it_and_changes_nothing),
	TEST_END
};

int
main(int argc, char **argv)
{
	return harness_main(argc, argv, __FILE__, tests);
}
