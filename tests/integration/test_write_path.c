/*
 * test_write_path: the one write path (lib/write.c, db_transaction) proven
 * through the real stack on the AMAGE work-order writes:
 *  - faults injected on purpose (X-Pms-Fault, test builds only) at every
 *    database call of every write, as a lost connection, a deadlock and a
 *    lock wait timeout: each answer is 200 with the write applied exactly
 *    once, or 503 in the AMAGE envelope with every row the write could
 *    touch byte-identical;
 *  - the Idempotency-Key header: a replay, a reuse with another body,
 *    malformed keys, and requests racing with one key;
 *  - free text stored exactly as sent, uuids answered in lower case;
 *  - regressions: a parent uuid two work orders share, progress of a huge
 *    reported amount over a tiny work amount.
 * The database is read directly (lib/db.h with the PMS_DB_* environment of
 * scripts/test.sh, from the test stack's pms.env) to compare state; a test that needs it
 * fails when it cannot be reached.  Every test makes its own work orders
 * with fresh uuids and names; the binary runs alone, so the count of work
 * orders only moves by what it writes.
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

/* The demo AMAGE references (SPEC 5) harness.h does not name. */
#define USER_2		"ffffffff-0000-4000-8000-000000000002"
#define ET_12		"ffffffff-0000-4000-8000-000000000012"

#define ADD_PATH	WO_BASE "/add"

/* ---- the database, read directly ----------------------------------------- */


/* The rows of a query (pool), or NULL after recording a failure. */
#define q_at(file, line, ...)	harness_sql_at((file), (line), 1, __VA_ARGS__)
#define Q(...)			q_at(__FILE__, __LINE__, __VA_ARGS__)

/* The first cell as a number; -1 when there is none (the caller's check
   then fails on it). */
static long long
qnum(const struct db_rows *rows)
{
	const char *s = db_cell(rows, 0, 0);

	return s != NULL ? atoll(s) : -1;
}

static const char wo_count_sql[] = "SELECT COUNT(*) FROM work_orders";
static const char wo_named_sql[] =
    "SELECT COUNT(*) FROM work_orders WHERE name = ?";

static long long
wo_count(void)
{
	return qnum(Q(wo_count_sql, 0));
}

/* How many work orders carry this name. */
static long long
named_count(const char *name)
{
	return qnum(Q(wo_named_sql, 1, name));
}

/* rows holds n rows; what names them in the message. */
static int
check_nrows_at(const struct db_rows *rows, int n, const char *what,
    const char *file, int line)
{
	return check_true(rows != NULL && rows->nrows == n, file, line,
	    "%s: %d rows, expected %d", what, rows ? rows->nrows : -1, n);
}
#define CHECK_NROWS(rows, n, what) check_nrows_at((rows), (n), (what), __FILE__, __LINE__)

/* The cell holds exactly the bytes of want. */
static int
check_cell_at(const struct db_rows *rows, int row, int col, const char *want,
    const char *what, const char *file, int line)
{
	const char *got = db_cell(rows, row, col);
	size_t n = got != NULL ? rows->len[(size_t)row * rows->ncols + col] : 0;

	return check_true(got != NULL && n == strlen(want) &&
	    memcmp(got, want, n) == 0, file, line, "%s: stored \"%s\" "
	    "(%zu bytes), sent \"%s\" (%zu bytes)", what, got ? got : "(NULL)",
	    n, want, strlen(want));
}
#define CHECK_CELL(rows, r, c, want, what) check_cell_at((rows), (r), (c), (want), (what), __FILE__, __LINE__)

/* The cell, a DOUBLE column, equals want. */
static int
check_cell_num_at(const struct db_rows *rows, int row, int col, double want,
    const char *what, const char *file, int line)
{
	const char *got = db_cell(rows, row, col);

	return check_true(got != NULL && atof(got) == want, file, line,
	    "%s: stored %s, expected %.17g", what, got ? got : "(NULL)", want);
}
#define CHECK_CELL_NUM(rows, r, c, want, what) check_cell_num_at((rows), (r), (c), (want), (what), __FILE__, __LINE__)

/*
 * Every row a work-order write could touch, as one string: the count of
 * work orders, the shared-uuid record, the work orders with this uuid (dto
 * and uuid keys), their history with participants and expenditures, their
 * plan items and asset-plan entries, each list ordered by id.  QUOTE tells
 * NULL from 'NULL'; a section without rows is "-".  Plain SELECTs joined
 * here: GROUP_CONCAT in correlated subqueries once crashed MariaDB 10.11's
 * temporary-table code (signal 11) under this test's load.
 */
static const char *const snapshot_sqls[] = {
	"SELECT COUNT(*) FROM work_orders WHERE ? IS NOT NULL",
	"SELECT COUNT(*) FROM work_order_shared_uuids WHERE uuid = ?",
	"SELECT w.id, QUOTE(w.uuid_key), w.uuid_shared, QUOTE(w.dto) "
	"FROM work_orders w WHERE w.uuid = ? ORDER BY w.id",
	"SELECT h.id, QUOTE(h.uuid), QUOTE(h.reported_on), "
	"QUOTE(h.reported_by_uuid), QUOTE(h.tstamp), QUOTE(h.state_name), "
	"QUOTE(h.message), QUOTE(h.hours_reported), "
	"QUOTE(h.work_amount_reported), QUOTE(h.participant_count), h.valid, "
	"QUOTE(h.created) FROM work_order_history h JOIN work_orders w "
	"ON w.id = h.work_order_id WHERE w.uuid = ? ORDER BY h.id",
	"SELECT p.id, p.history_id, QUOTE(p.user_uuid) "
	"FROM work_order_history_participants p JOIN work_order_history h "
	"ON h.id = p.history_id JOIN work_orders w ON w.id = h.work_order_id "
	"WHERE w.uuid = ? ORDER BY p.id",
	"SELECT e.id, QUOTE(e.uuid), e.history_id, QUOTE(e.tstamp), "
	"QUOTE(e.element_type_uuid), QUOTE(e.item_count), QUOTE(e.message) "
	"FROM work_order_expenditures e JOIN work_orders w "
	"ON w.id = e.work_order_id WHERE w.uuid = ? ORDER BY e.id",
	"SELECT p.id, QUOTE(p.uuid), QUOTE(p.element_type_uuid), "
	"QUOTE(p.item_count), QUOTE(p.category), QUOTE(p.code), "
	"QUOTE(p.created) FROM work_order_element_type_plans p "
	"JOIN work_orders w ON w.id = p.work_order_id WHERE w.uuid = ? "
	"ORDER BY p.id",
	"SELECT a.id, QUOTE(a.uuid), QUOTE(a.asset_uuid), QUOTE(a.created) "
	"FROM work_order_asset_plans a JOIN work_orders w "
	"ON w.id = a.work_order_id WHERE w.uuid = ? ORDER BY a.id",
};

/* The snapshot of work order uuid wo (pool), or NULL after a failure. */
static const char *
snapshot_at(const char *wo, const char *file, int line)
{
	const char *out = "";
	struct db_rows *rows;
	size_t i;
	int r, c;

	for (i = 0; i < sizeof(snapshot_sqls) / sizeof(snapshot_sqls[0]); i++) {
		if ((rows = q_at(file, line, snapshot_sqls[i], 1, wo)) == NULL)
			return NULL;
		out = pool_printf("%s%s%s", out, i ? " | " : "",
		    rows->nrows ? "" : "-");
		for (r = 0; r < rows->nrows; r++)
			for (c = 0; c < rows->ncols; c++)
				out = pool_printf("%s%s%s", out, c ? "," :
				    r ? ";" : "", db_cell(rows, r, c) ?
				    db_cell(rows, r, c) : "NULL");
	}
	return out;
}
#define SNAPSHOT(wo)		snapshot_at((wo), __FILE__, __LINE__)

/* The rows of work order wo are as in before. */
static int
check_unchanged_at(const char *wo, const char *before, const char *file,
    int line)
{
	const char *after = snapshot_at(wo, file, line);

	return check_true(before != NULL && after != NULL &&
	    strcmp(before, after) == 0, file, line, "rows changed:\n"
	    "#     before: %s\n#     after:  %s", before ? before : "?",
	    after ? after : "?");
}
#define CHECK_UNCHANGED(wo, before) check_unchanged_at((wo), (before), __FILE__, __LINE__)

static const char wo_row_sql[] =
    "SELECT name, notes, work_amount, state_name, progress_completed, "
    "element_type_plan_total_count FROM work_orders WHERE uuid = ?";
enum { WO_NAME, WO_NOTES, WO_AMOUNT, WO_STATE, WO_PROGRESS, WO_PLAN_TOTAL };

/* The history entries with this uuid: message, participants,
   expenditures, and the expenditures' messages. */
static const char hist_row_sql[] =
    "SELECT h.message, (SELECT COUNT(*) FROM work_order_history_participants "
    "  p WHERE p.history_id = h.id), (SELECT COUNT(*) FROM "
    "  work_order_expenditures e WHERE e.history_id = h.id), "
    "(SELECT GROUP_CONCAT(e.message ORDER BY e.id SEPARATOR '|') FROM "
    "  work_order_expenditures e WHERE e.history_id = h.id), "
    "h.reported_by_uuid, (SELECT GROUP_CONCAT(p.user_uuid ORDER BY p.id) "
    "  FROM work_order_history_participants p WHERE p.history_id = h.id), "
    "(SELECT GROUP_CONCAT(e.element_type_uuid ORDER BY e.id) FROM "
    "  work_order_expenditures e WHERE e.history_id = h.id) "
    "FROM work_order_history h WHERE h.uuid = ?";
enum { H_MESSAGE, H_NPART, H_NEXP, H_EXP_MESSAGES, H_REPORTED_BY, H_USERS,
	H_ELEMENT_TYPES };

/* Everything under work order wo: history, participants, expenditures. */
static const char wo_children_sql[] =
    "SELECT (SELECT COUNT(*) FROM work_order_history h JOIN work_orders w "
    "  ON w.id = h.work_order_id WHERE w.uuid = ?), "
    "(SELECT COUNT(*) FROM work_order_history_participants p "
    "  JOIN work_order_history h ON h.id = p.history_id "
    "  JOIN work_orders w ON w.id = h.work_order_id WHERE w.uuid = ?), "
    "(SELECT COUNT(*) FROM work_order_expenditures e JOIN work_orders w "
    "  ON w.id = e.work_order_id WHERE w.uuid = ?)";

static const char plan_row_sql[] =
    "SELECT category, code, item_count, element_type_uuid "
    "FROM work_order_element_type_plans WHERE uuid = ?";

static const char asset_row_sql[] =
    "SELECT a.uuid FROM work_order_asset_plans a JOIN work_orders w "
    "ON w.id = a.work_order_id WHERE w.uuid = ? AND a.asset_uuid = ?";
static const char asset_entry_sql[] =
    "SELECT asset_uuid FROM work_order_asset_plans WHERE uuid = ?";

/* ---- requests ----------------------------------------------------------- */

/* Eight fresh hex digits: keeps names and bodies from repeating. */
static const char *
nonce(void)
{
	return pool_printf("%.8s", fresh_uuid());
}

/* A signed request with more header lines (each may be NULL). */
static struct http_response *
amage_with2(const char *method, const char *path, const char *body,
    const char *header, const char *header2)
{
	const char *h[3] = { header, header2, NULL };
	struct amage_opts o;

	memset(&o, 0, sizeof(o));
	o.extra_headers = h;
	if (header == NULL) {
		h[0] = header2;
		h[1] = NULL;
	}
	return amage_request(method, path, body, body ? strlen(body) : 0, &o);
}

static struct http_response *
amage_with(const char *method, const char *path, const char *body,
    const char *header)
{
	return amage_with2(method, path, body, header, NULL);
}

/* A POST that must succeed: the answer's uuid (pool), or NULL. */
static const char *
post_ok_at(const char *path, const char *body, const char *file, int line)
{
	struct http_response *r = amage_post(path, body);

	if (!check_amage_ok_at(r, file, line))
		return NULL;
	return pool_strdup(jstr(r->json, "uuid"));
}
#define POST_OK(path, body)	post_ok_at((path), (body), __FILE__, __LINE__)

/* A new work order with a fresh name and the given members ("" none). */
static const char *
wo_new_at(const char *more, const char *file, int line)
{
	return post_ok_at(ADD_PATH, pool_printf("{\"name\":\"itest write path "
	    "%s\"%s%s}", nonce(), more[0] ? "," : "", more), file, line);
}
#define WO_NEW(more)		wo_new_at((more), __FILE__, __LINE__)

/* WO_BASE/<action>/{uuid}, e.g. HADD(wo). */
static const char *
wo_path(const char *action, const char *uuid)
{
	return pool_printf(WO_BASE "/%s/%s", action, uuid);
}

#define HADD(wo)	wo_path("add-history", (wo))
#define PADD(wo)	wo_path("add-workorder-elementtype-plan", (wo))

/* WO_BASE/asset-plan/{wo}/<action>/{uuid} */
static const char *
p_asset(const char *wo, const char *action, const char *uuid)
{
	return pool_printf(WO_BASE "/asset-plan/%s/%s/%s", wo, action, uuid);
}

/* GET /get/by-uuid: the WorkOrderDto (pool), or NULL after a failure. */
static const cJSON *
wo_get_at(const char *uuid, const char *file, int line)
{
	struct http_response *r = amage_get(wo_path("get/by-uuid", uuid));

	if (!check_status_at(r, 200, file, line) || !check_true(
	    cJSON_IsObject(r->json), file, line, "expected a JSON object"))
		return NULL;
	return r->json;
}
#define WO_GET(u)		wo_get_at((u), __FILE__, __LINE__)

/* A history entry: one participant, one expenditure, reported amount. */
static const char *
hist_body(const char *uuid, const char *reported)
{
	return pool_printf("{\"uuid\":\"%s\",\"reportedByUuid\":\"" AMAGE_USER_1
	    "\",\"stateName\":\"IN_PROGRESS\",\"message\":\"itest\","
	    "\"workAmountReported\":%s,\"valid\":true,\"participants\":"
	    "[{\"uuid\":\"" AMAGE_USER_1 "\"}],\"workOrderExpenditures\":"
	    "[{\"elementTypeUuid\":\"" AMAGE_ELEMENT_TYPE_1 "\","
	    "\"itemCount\":1,"
	    "\"message\":\"e\"}]}", uuid, reported);
}

static const char *
plan_body(const char *uuid)
{
	return pool_printf("{\"uuid\":\"%s\",\"elementTypeUuid\":\""
	    AMAGE_ELEMENT_TYPE_1 "\",\"itemCount\":3,\"category\":\"c\","
	    "\"code\":\"k\"}", uuid);
}

/* ======================================================================== */
/* faults injected on purpose                                               */
/* ======================================================================== */

/* One faulted write, on objects made fresh for it. */
struct fault_case {
	const char *method, *path, *body;
	const char *wo;		/* the work order the snapshot covers */
	const char *child;	/* the history, plan or asset entry named */
	const char *value;	/* a text the write stores */
	const char *key;	/* an Idempotency-Key header line, or NULL */
	const char *first;	/* the first answer of that key, or NULL */
	long long count;	/* work orders before the write */
};

struct fault_write {
	const char *name;
	/* Makes the objects and the request: 1, or 0 after a failure. */
	int (*setup)(struct fault_case *c);
	/* After a 200: the write is there exactly once. */
	int (*applied)(const struct fault_case *c,
	    const struct http_response *r);
	/* After any answer (may be NULL): what a client's retry gets. */
	int (*retried)(const struct fault_case *c,
	    const struct http_response *r);
};

/* The rows sql finds for key, n of them expected (what names them). */
static struct db_rows *
rows_n_at(const char *sql, const char *key, int n, const char *what,
    const char *file, int line)
{
	struct db_rows *rows = q_at(file, line, sql, 1, key);

	if (rows == NULL || !check_nrows_at(rows, n, pool_printf("%s with "
	    "uuid %s", what, key), file, line))
		return NULL;
	return rows;
}
#define WO_ROW(wo)	rows_n_at(wo_row_sql, (wo), 1, "work orders", __FILE__, __LINE__)
#define HIST_ROW(h, n)	rows_n_at(hist_row_sql, (h), (n), "history entries", __FILE__, __LINE__)
#define PLAN_ROW(p, n)	rows_n_at(plan_row_sql, (p), (n), "plan items", __FILE__, __LINE__)

static int
setup_add(struct fault_case *c)
{
	const char *parent = WO_NEW("");

	if (parent == NULL)
		return 0;
	c->wo = fresh_uuid();
	c->value = pool_printf("itest fault add %s", nonce());
	c->method = "POST";
	c->path = ADD_PATH;
	c->body = pool_printf("{\"uuid\":\"%s\",\"name\":\"%s\",\"typeUuid\":\""
	    AMAGE_TYPE "\",\"locationUuid\":\"" AMAGE_LOCATION "\","
	    "\"assignedUserUuid\":\"" AMAGE_USER_1 "\",\"parentUuid\":\"%s\","
	    "\"workAmount\":10}", c->wo, c->value, parent);
	return 1;
}

static int
applied_add(const struct fault_case *c, const struct http_response *r)
{
	struct db_rows *w = WO_ROW(c->wo);
	int ok = CHECK_JSON_STR(r->json, "uuid", c->wo);

	ok &= CHECK_INT(c->count + 1, wo_count());
	return w != NULL && ok && CHECK_CELL(w, 0, WO_NAME, c->value, "name");
}

static int
setup_add_idem(struct fault_case *c)
{
	c->key = pool_printf("Idempotency-Key: itest-%s", fresh_uuid());
	return setup_add(c);
}

/* The add with its key already answered once: the faulted request is
   the client's retry. */
static int
setup_replay(struct fault_case *c)
{
	struct http_response *first;

	if (!setup_add_idem(c))
		return 0;
	first = amage_with("POST", c->path, c->body, c->key);
	if (!CHECK_AMAGE_OK(first))
		return 0;
	c->first = pool_strdup(first->body);
	return 1;
}

static int
applied_replay(const struct fault_case *c, const struct http_response *r)
{
	int ok = CHECK_STR("true", http_header(r, "Idempotent-Replayed"));

	ok &= CHECKF(strcmp(c->first, r->body) == 0, "the replay differs:\n"
	    "#     first:  %s\n#     replay: %s", c->first, r->body);
	ok &= CHECK_INT(c->count, wo_count());
	return ok & CHECK_NROWS(Q(wo_row_sql, 1, c->wo), 1, "work orders with "
	    "the uuid");
}

static const char idem_rows_sql[] =
    "SELECT COUNT(*) FROM idempotency_keys WHERE idem_key = ?";

/*
 * The same add sent again with its key: after a 200, the first answer
 * replayed byte for byte; after a 503, no key was kept and the retry does
 * the work.  Either way one work order has the uuid.
 */
static int
retried_add_idem(const struct fault_case *c, const struct http_response *r)
{
	struct http_response *again;
	int ok = 1;

	if (r->status == 503)
		ok &= CHECK_INT(0, qnum(Q(idem_rows_sql, 1, c->key +
		    strlen("Idempotency-Key: "))));
	again = amage_with("POST", c->path, c->body, c->key);
	ok &= CHECK_AMAGE_OK(again);
	if (r->status == 200)
		ok &= CHECK_STR("true", http_header(again,
		    "Idempotent-Replayed")) & CHECKF(again->body_len ==
		    r->body_len && memcmp(again->body, r->body, r->body_len) ==
		    0, "the replay differs:\n#     first:  %s\n"
		    "#     again:  %s", r->body, again->body);
	else
		ok &= CHECKF(http_header(again, "Idempotent-Replayed") == NULL,
		    "replayed an answer that was never committed");
	return ok & CHECK_NROWS(Q(wo_row_sql, 1, c->wo), 1, "work orders with "
	    "the uuid after the retry");
}

/* A POST on a new work order (with members more), a fresh uuid for the
   record it makes, and a fresh text naming what.  1, or 0 after a failure. */
static int
fault_post(struct fault_case *c, const char *more, const char *what)
{
	if ((c->wo = WO_NEW(more)) == NULL)
		return 0;
	c->child = fresh_uuid();
	c->value = pool_printf("itest fault %s %s", what, nonce());
	c->method = "POST";
	return 1;
}

static int
setup_edit(struct fault_case *c)
{
	if (!fault_post(c, "\"workAmount\":10", "edit"))
		return 0;
	c->path = wo_path("edit", c->wo);
	c->body = pool_printf("{\"name\":\"%s\",\"notes\":\"%s\","
	    "\"typeUuid\":\"" AMAGE_TYPE "\",\"workAmount\":20}", c->value,
	    c->value);
	return 1;
}

static int
applied_edit(const struct fault_case *c, const struct http_response *r)
{
	struct db_rows *w = WO_ROW(c->wo);
	int ok = CHECK_JSON_STR(r->json, "uuid", c->wo);

	ok &= CHECK_INT(c->count, wo_count());
	if (w == NULL)
		return 0;
	ok &= CHECK_CELL(w, 0, WO_NAME, c->value, "name");
	ok &= CHECK_CELL(w, 0, WO_NOTES, c->value, "notes");
	return ok & CHECK_CELL_NUM(w, 0, WO_AMOUNT, 20, "work_amount");
}

static int
setup_hadd(struct fault_case *c)
{
	if (!fault_post(c, "\"workAmount\":10", "history"))
		return 0;
	c->path = HADD(c->wo);
	c->body = pool_printf("{\"uuid\":\"%s\",\"workOrderUuid\":\"%s\","
	    "\"reportedByUuid\":\"" AMAGE_USER_1 "\",\"stateName\":"
	    "\"IN_PROGRESS\",\"message\":\"%s\",\"workAmountReported\":5,"
	    "\"valid\":true,\"participants\":[{\"uuid\":\"" AMAGE_USER_1 "\"},"
	    "{\"uuid\":\"" USER_2 "\"}],\"workOrderExpenditures\":[{"
	    "\"elementTypeUuid\":\"" AMAGE_ELEMENT_TYPE_1 "\",\"itemCount\":1,"
	    "\"message\":\"%s\"},{\"elementTypeUuid\":\"" ET_12 "\","
	    "\"itemCount\":2,\"message\":\"%s\"}]}", c->child, c->wo, c->value,
	    c->value, c->value);
	return 1;
}

/* The entry c->child holds c->value with two participants, nexp
   expenditures whose messages are exp_messages, and the work order is in
   progress at progress %. */
static int
history_applied_at(const struct fault_case *c, const struct http_response *r,
    const char *nexp, const char *exp_messages, const char *progress,
    const char *file, int line)
{
	struct db_rows *h = rows_n_at(hist_row_sql, c->child, 1,
	    "history entries", file, line);
	struct db_rows *w = rows_n_at(wo_row_sql, c->wo, 1, "work orders", file,
	    line);
	int ok = check_json_str_at(r->json, "uuid", c->child, file, line);

	if (h == NULL || w == NULL)
		return 0;
	ok &= check_cell_at(h, 0, H_MESSAGE, c->value, "history message", file,
	    line);
	ok &= check_cell_at(h, 0, H_NPART, "2", "participants", file, line);
	ok &= check_cell_at(h, 0, H_NEXP, nexp, "expenditures", file, line);
	ok &= check_cell_at(h, 0, H_EXP_MESSAGES, exp_messages,
	    "expenditure messages", file, line);
	ok &= check_cell_at(w, 0, WO_STATE, "IN_PROGRESS", "state", file, line);
	return ok & check_cell_at(w, 0, WO_PROGRESS, progress, "progress", file,
	    line);
}

static int
applied_hadd(const struct fault_case *c, const struct http_response *r)
{
	return history_applied_at(c, r, "2", pool_printf("%s|%s", c->value,
	    c->value), "50", __FILE__, __LINE__);
}

/* A work order with one history entry; the entry's uuid in c->child. */
static int
setup_with_history(struct fault_case *c)
{
	if ((c->wo = WO_NEW("\"workAmount\":10")) == NULL)
		return 0;
	c->child = fresh_uuid();
	return POST_OK(HADD(c->wo), hist_body(c->child, "1")) != NULL;
}

static int
setup_hedit(struct fault_case *c)
{
	if (!setup_with_history(c))
		return 0;
	c->value = pool_printf("itest fault history edit %s", nonce());
	c->method = "POST";
	c->path = wo_path("edit-history", c->child);
	c->body = pool_printf("{\"message\":\"%s\",\"workAmountReported\":10,"
	    "\"participants\":[{\"uuid\":\"" USER_2 "\"},{\"uuid\":\""
	    AMAGE_USER_1 "\"}],\"workOrderExpenditures\":[{\"elementTypeUuid\":"
	    "\"" ET_12 "\",\"itemCount\":3,\"message\":\"%s\"}]}", c->value,
	    c->value);
	return 1;
}

static int
applied_hedit(const struct fault_case *c, const struct http_response *r)
{
	return history_applied_at(c, r, "1", c->value, "100", __FILE__,
	    __LINE__);
}

/* The request of a write without a body; returns 1. */
static int
fault_request(struct fault_case *c, const char *method, const char *path)
{
	c->method = method;
	c->path = path;
	return 1;
}

static int
setup_hdel(struct fault_case *c)
{
	return setup_with_history(c) && fault_request(c, "DELETE",
	    wo_path("delete-history", c->child));
}

static int
applied_hdel(const struct fault_case *c, const struct http_response *r)
{
	struct db_rows *k = Q(wo_children_sql, 3, c->wo, c->wo, c->wo);
	struct db_rows *w = WO_ROW(c->wo);
	int ok = CHECK_JSON_STR(r->json, "uuid", c->child);

	ok &= HIST_ROW(c->child, 0) != NULL;
	if (k == NULL || w == NULL)
		return 0;
	ok &= CHECK_CELL(k, 0, 0, "0", "history entries left");
	ok &= CHECK_CELL(k, 0, 1, "0", "participants left");
	ok &= CHECK_CELL(k, 0, 2, "0", "expenditures left");
	return ok & CHECK_CELL(w, 0, WO_PROGRESS, "0", "progress");
}

static int
setup_padd(struct fault_case *c)
{
	if (!fault_post(c, "", "plan"))
		return 0;
	c->path = PADD(c->wo);
	c->body = pool_printf("{\"uuid\":\"%s\",\"workOrderUuid\":\"%s\","
	    "\"elementTypeUuid\":\"" AMAGE_ELEMENT_TYPE_1 "\",\"itemCount\":3,"
	    "\"category\":\"%s\",\"code\":\"%s\"}", c->child, c->wo, c->value,
	    c->value);
	return 1;
}

static int
applied_padd(const struct fault_case *c, const struct http_response *r)
{
	struct db_rows *p = PLAN_ROW(c->child, 1), *w = WO_ROW(c->wo);
	int ok = CHECK_JSON_STR(r->json, "uuid", c->child);

	if (p == NULL || w == NULL)
		return 0;
	ok &= CHECK_CELL(p, 0, 0, c->value, "category");
	ok &= CHECK_CELL(p, 0, 1, c->value, "code");
	return ok & CHECK_CELL(w, 0, WO_PLAN_TOTAL, "1", "plan total count");
}

/* A work order with one plan item; the item's uuid in c->child. */
static int
setup_with_plan(struct fault_case *c)
{
	if ((c->wo = WO_NEW("")) == NULL)
		return 0;
	c->child = fresh_uuid();
	return POST_OK(PADD(c->wo), plan_body(c->child)) != NULL;
}

static int
setup_pedit(struct fault_case *c)
{
	if (!setup_with_plan(c))
		return 0;
	c->value = pool_printf("itest fault plan edit %s", nonce());
	c->method = "POST";
	c->path = wo_path("edit-workorder-elementtype-plan", c->child);
	c->body = pool_printf("{\"elementTypeUuid\":\"" ET_12 "\","
	    "\"itemCount\":7,\"category\":\"%s\",\"code\":\"%s\"}", c->value,
	    c->value);
	return 1;
}

static int
applied_pedit(const struct fault_case *c, const struct http_response *r)
{
	struct db_rows *p = PLAN_ROW(c->child, 1);
	int ok = CHECK_JSON_STR(r->json, "uuid", c->child);

	if (p == NULL)
		return 0;
	ok &= CHECK_CELL(p, 0, 0, c->value, "category");
	ok &= CHECK_CELL(p, 0, 1, c->value, "code");
	ok &= CHECK_CELL(p, 0, 3, ET_12, "element type");
	return ok & CHECK_CELL_NUM(p, 0, 2, 7, "item count");
}

static int
setup_pdel(struct fault_case *c)
{
	return setup_with_plan(c) && fault_request(c, "DELETE",
	    wo_path("delete-workorder-elementtype-plan", c->child));
}

static int
applied_pdel(const struct fault_case *c, const struct http_response *r)
{
	struct db_rows *w = WO_ROW(c->wo);
	int ok = CHECK_JSON_STR(r->json, "uuid", c->child);

	ok &= PLAN_ROW(c->child, 0) != NULL;
	return w != NULL && ok &&
	    CHECK_CELL(w, 0, WO_PLAN_TOTAL, "0", "plan total count");
}

static int
setup_join(struct fault_case *c)
{
	return (c->wo = WO_NEW("")) != NULL && fault_request(c, "POST",
	    p_asset(c->wo, "join-asset-to-plan-by-uuid", AMAGE_ASSET_1));
}

static int
applied_join(const struct fault_case *c, const struct http_response *r)
{
	struct db_rows *a = Q(asset_row_sql, 2, c->wo, AMAGE_ASSET_1);

	return CHECK_NROWS(a, 1, "asset-plan entries of the asset") &&
	    CHECK_CELL(a, 0, 0, jstr(r->json, "uuid") ? jstr(r->json, "uuid") :
	    "(none)", "the entry answered");
}

/* A work order whose asset plan holds the demo asset; entry in c->child. */
static int
setup_with_asset(struct fault_case *c)
{
	if ((c->wo = WO_NEW("")) == NULL)
		return 0;
	c->child = POST_OK(p_asset(c->wo, "join-asset-to-plan-by-uuid",
	    AMAGE_ASSET_1), NULL);
	return c->child != NULL;
}

static int
setup_rm_asset(struct fault_case *c)
{
	return setup_with_asset(c) && fault_request(c, "POST", p_asset(c->wo,
	    "remove-asset-from-plan-by-uuid", AMAGE_ASSET_1));
}

static int
setup_rm_entry(struct fault_case *c)
{
	return setup_with_asset(c) && fault_request(c, "POST", p_asset(c->wo,
	    "remove-asset-plan-by-uuid", c->child));
}

static int
applied_asset_removed(const struct fault_case *c,
    const struct http_response *r)
{
	int ok = CHECK_JSON_STR(r->json, "uuid", c->child);

	ok &= CHECK_NROWS(Q(asset_row_sql, 2, c->wo, AMAGE_ASSET_1), 0,
	    "asset-plan entries of the asset");
	return ok & CHECK_NROWS(Q(asset_entry_sql, 1, c->child), 0,
	    "asset-plan entries with the removed uuid");
}

#define FAULT_WRITE(n, s, a)	{ .name = (n), .setup = (s), .applied = (a) }
static const struct fault_write fw_add =
    FAULT_WRITE("add", setup_add, applied_add);
static const struct fault_write fw_add_idem = {
	.name = "add with an Idempotency-Key", .setup = setup_add_idem,
	.applied = applied_add, .retried = retried_add_idem
};
static const struct fault_write fw_replay =
    FAULT_WRITE("replay of an add with an Idempotency-Key", setup_replay,
    applied_replay);
static const struct fault_write fw_edit =
    FAULT_WRITE("edit", setup_edit, applied_edit);
static const struct fault_write fw_hadd =
    FAULT_WRITE("add-history", setup_hadd, applied_hadd);
static const struct fault_write fw_hedit =
    FAULT_WRITE("edit-history", setup_hedit, applied_hedit);
static const struct fault_write fw_hdel =
    FAULT_WRITE("delete-history", setup_hdel, applied_hdel);
static const struct fault_write fw_padd =
    FAULT_WRITE("add-workorder-elementtype-plan", setup_padd, applied_padd);
static const struct fault_write fw_pedit =
    FAULT_WRITE("edit-workorder-elementtype-plan", setup_pedit,
    applied_pedit);
static const struct fault_write fw_pdel =
    FAULT_WRITE("delete-workorder-elementtype-plan", setup_pdel,
    applied_pdel);
static const struct fault_write fw_join =
    FAULT_WRITE("join-asset-to-plan-by-uuid", setup_join, applied_join);
static const struct fault_write fw_rm_asset =
    FAULT_WRITE("remove-asset-from-plan-by-uuid", setup_rm_asset,
    applied_asset_removed);
static const struct fault_write fw_rm_entry =
    FAULT_WRITE("remove-asset-plan-by-uuid", setup_rm_entry,
    applied_asset_removed);

/* No write here makes this many database calls: a fault still firing
   at this N means the sweep would never end. */
#define FAULT_MAX_N 60
/* Faults one X-Pms-Fault header may name (lib/db.c). */
#define FAULT_SPEC_MAX 4

static const char *const fault_kinds[] = { "lost", "deadlock", "timeout" };

/*
 * Sends write w with "X-Pms-Fault: spec" on fresh objects.  The answer
 * must be `expect` when not 0; with 0, either 200 with the write applied
 * once or 503 with every row as before.  *fired: how many faults fired,
 * -1 when nothing could be told (a failure is recorded).  1 when it held.
 */
static int
fault_attempt(const struct fault_write *w, const char *spec, long expect,
    int *fired)
{
	struct fault_case c;
	struct http_response *r;
	const char *before, *f;
	int ok;

	*fired = -1;
	memset(&c, 0, sizeof(c));
	if (!w->setup(&c) || (before = SNAPSHOT(c.wo)) == NULL ||
	    !CHECK((c.count = wo_count()) >= 0))
		return 0;
	r = amage_with2(c.method, c.path, c.body, c.key,
	    pool_printf("X-Pms-Fault: %s", spec));
	if (!CHECKF((f = http_header(r, "X-Pms-Fault-Fired")) != NULL,
	    "%s with X-Pms-Fault %s: no X-Pms-Fault-Fired header (HTTP "
	    "%ld): is the stack a fault-injection build?", w->name, spec,
	    r->status))
		return 0;
	*fired = atoi(f);
	ok = CHECKF(*fired >= 0 && *fired <= FAULT_SPEC_MAX,
	    "X-Pms-Fault-Fired: %s", f);
	if (expect != 0)
		ok &= CHECK_STATUS(r, expect);
	if (r->status == 200)
		ok &= CHECK_AMAGE_OK(r) && w->applied(&c, r);
	else if (r->status == 503)
		ok &= CHECK_AMAGE_ERROR(r, 503, 503) &
		    CHECK_UNCHANGED(c.wo, before);
	else
		ok = FAIL("HTTP %ld: expected 200 (applied once) or 503 "
		    "(nothing changed)", r->status);
	if (w->retried != NULL && (r->status == 200 || r->status == 503))
		ok &= w->retried(&c, r);
	if (!ok)
		FAIL("... %s: %s %s, X-Pms-Fault %s, fired %d, HTTP %ld: "
		    "%.300s", w->name, c.method, c.path, spec, *fired,
		    r->status, r->body);
	return ok;
}

/*
 * For N = 1, 2, ... sends w with the fault at the Nth database call until
 * it no longer fires (N past the write's last call).  Returns the largest
 * N that fired (the write's COMMIT), 0 after a failure that stopped it.
 */
static int
fault_sweep(const struct fault_write *w, const char *kind)
{
	int n, fired = 1, last = 0;

	for (n = 1; n <= FAULT_MAX_N && fired != 0; n++) {
		fault_attempt(w, pool_printf("%d:%s", n, kind), 0, &fired);
		if (fired < 0)
			return 0;
		if (fired > 0)
			last = n;
	}
	if (!CHECKF(fired == 0, "%s: X-Pms-Fault %d:%s still fires", w->name,
	    FAULT_MAX_N, kind) || !CHECKF(last > 0, "%s: X-Pms-Fault 1:%s "
	    "did not fire", w->name, kind))
		return 0;
	return last;
}

static void
fault_sweep_all(const struct fault_write *w)
{
	size_t k;

	for (k = 0; k < sizeof(fault_kinds) / sizeof(fault_kinds[0]); k++)
		fault_sweep(w, fault_kinds[k]);
}

TEST(add_under_each_injected_fault_commits_once_or_changes_nothing)
{
	fault_sweep_all(&fw_add);
}

TEST(add_with_an_idempotency_key_under_each_injected_fault_commits_once_or_changes_nothing)
{
	/* The key's claim and stored answer are calls of the same
	   transaction: faults there too, and a retry sees the outcome. */
	fault_sweep_all(&fw_add_idem);
}

TEST(replay_of_an_add_under_each_injected_fault_answers_the_first_answer_or_503)
{
	fault_sweep_all(&fw_replay);
}

TEST(edit_under_each_injected_fault_commits_once_or_changes_nothing)
{
	fault_sweep_all(&fw_edit);
}

TEST(add_history_under_each_injected_fault_commits_once_or_changes_nothing)
{
	fault_sweep_all(&fw_hadd);
}

TEST(edit_history_under_each_injected_fault_commits_once_or_changes_nothing)
{
	fault_sweep_all(&fw_hedit);
}

TEST(delete_history_under_each_injected_fault_commits_once_or_changes_nothing)
{
	fault_sweep_all(&fw_hdel);
}

TEST(add_workorder_elementtype_plan_under_each_injected_fault_commits_once_or_changes_nothing)
{
	fault_sweep_all(&fw_padd);
}

TEST(edit_workorder_elementtype_plan_under_each_injected_fault_commits_once_or_changes_nothing)
{
	fault_sweep_all(&fw_pedit);
}

TEST(delete_workorder_elementtype_plan_under_each_injected_fault_commits_once_or_changes_nothing)
{
	fault_sweep_all(&fw_pdel);
}

TEST(join_asset_to_plan_by_uuid_under_each_injected_fault_commits_once_or_changes_nothing)
{
	fault_sweep_all(&fw_join);
}

TEST(remove_asset_from_plan_by_uuid_under_each_injected_fault_commits_once_or_changes_nothing)
{
	fault_sweep_all(&fw_rm_asset);
}

TEST(remove_asset_plan_by_uuid_under_each_injected_fault_commits_once_or_changes_nothing)
{
	fault_sweep_all(&fw_rm_entry);
}

TEST(a_deadlock_injected_at_the_first_call_is_retried_and_answers_200)
{
	int fired;

	/* The first call is START TRANSACTION: the retry is the only way
	   to a 200, and the header shows the fault did fire. */
	fault_attempt(&fw_add, "1:deadlock", 200, &fired);
	CHECKF(fired == 1, "X-Pms-Fault-Fired %d, expected 1", fired);
	fault_attempt(&fw_hadd, "1:deadlock", 200, &fired);
	CHECKF(fired == 1, "X-Pms-Fault-Fired %d, expected 1", fired);
}

TEST(four_failed_attempts_in_a_row_are_retried_and_the_fifth_commits)
{
	int fired;

	/* Attempt N fails at its START TRANSACTION, call N: a deadlock,
	   a deadlock, a lock wait timeout, a lost connection. */
	fault_attempt(&fw_hadd, "1:deadlock,2:deadlock,3:timeout,4:lost", 200,
	    &fired);
	CHECKF(fired == 4, "X-Pms-Fault-Fired %d, expected 4", fired);
}

TEST(a_connection_lost_at_commit_answers_503_and_changes_nothing)
{
	const struct fault_write *const ws[] = { &fw_add, &fw_hadd };
	int fired, commit;
	size_t i;

	/* COMMIT is the write's last call: the largest N that fires.  A
	   connection lost there leaves the outcome unknown to the worker: it
	   must not run the write again but answer 503, and the injected loss
	   (the connection really closed before COMMIT) rolled it back. */
	for (i = 0; i < sizeof(ws) / sizeof(ws[0]); i++) {
		if ((commit = fault_sweep(ws[i], "lost")) == 0)
			continue;
		fault_attempt(ws[i], pool_printf("%d:lost", commit), 503,
		    &fired);
		CHECKF(fired == 1, "%s: X-Pms-Fault-Fired %d at COMMIT (%d), "
		    "expected 1", ws[i]->name, fired, commit);
	}
}

TEST(a_connection_lost_at_the_commit_of_a_retried_attempt_answers_503_and_changes_nothing)
{
	int fired, commit;

	/* A deadlock at the first call (START TRANSACTION) costs one call:
	   the retry's COMMIT is call commit + 1. */
	REQUIRE((commit = fault_sweep(&fw_hedit, "lost")) > 0);
	fault_attempt(&fw_hedit, pool_printf("1:deadlock,%d:lost", commit + 1),
	    503, &fired);
	CHECKF(fired == 2, "X-Pms-Fault-Fired %d, expected 2", fired);
}

/* ======================================================================== */
/* Idempotency-Key                                                          */
/* ======================================================================== */

static const char *
idem_header(const char *key)
{
	return pool_printf("Idempotency-Key: %s", key);
}

static const char *
idem_key(void)
{
	return pool_printf("itest-%s", fresh_uuid());
}

/* An add body whose name no other request uses; the name in *name. */
static const char *
named_body(const char **name)
{
	*name = pool_printf("itest idempotency %s", nonce());
	return pool_printf("{\"name\":\"%s\",\"workAmount\":3}", *name);
}

TEST(add_repeated_with_an_idempotency_key_replays_the_first_answer_and_writes_once)
{
	const char *key = idem_key(), *name, *body = named_body(&name);
	struct http_response *a, *b;
	long long before;

	REQUIRE((before = wo_count()) >= 0);
	a = amage_with("POST", ADD_PATH, body, idem_header(key));
	REQUIRE(CHECK_AMAGE_OK(a));
	CHECKF(http_header(a, "Idempotent-Replayed") == NULL,
	    "the first answer says it is replayed");
	/* Signed anew (amage_request moves t on), the same key and body. */
	b = amage_with("POST", ADD_PATH, body, idem_header(key));
	CHECK_STATUS(b, 200);
	CHECK_STR("true", http_header(b, "Idempotent-Replayed"));
	CHECKF(a->body_len == b->body_len &&
	    memcmp(a->body, b->body, a->body_len) == 0, "the replay differs:\n"
	    "#     first:  %s\n#     second: %s", a->body, b->body);
	CHECK_INT(before + 1, wo_count());
	CHECK_INT(1, named_count(name));
}

TEST(an_idempotency_key_reused_with_another_body_is_409_and_writes_nothing)
{
	const char *key = idem_key(), *name, *name2, *body = named_body(&name);
	struct http_response *r;
	long long before;

	REQUIRE(CHECK_AMAGE_OK(amage_with("POST", ADD_PATH, body,
	    idem_header(key))));
	REQUIRE((before = wo_count()) >= 0);
	r = amage_with("POST", ADD_PATH, named_body(&name2), idem_header(key));
	if (CHECK_AMAGE_ERROR(r, 409, 409))
		CHECK_CONTAINS(jstr(r->json, "message"), "Idempotency-Key");
	CHECKF(http_header(r, "Idempotent-Replayed") == NULL,
	    "a refused reuse says it is replayed");
	CHECK_INT(before, wo_count());
	CHECK_INT(0, named_count(name2));
	CHECK_INT(1, named_count(name));
	/* Another request is also another path with the same body. */
	CHECK_AMAGE_ERROR(amage_with("POST", wo_path("edit", fresh_uuid()),
	    body, idem_header(key)), 409, 409);
}

static const char idem_age_sql[] =
    "UPDATE idempotency_keys SET created_at = UTC_TIMESTAMP() - INTERVAL 2 DAY "
    "WHERE idem_key = ?";
static const char idem_recent_sql[] =
    "SELECT COUNT(*) FROM idempotency_keys WHERE idem_key = ? "
    "AND created_at > UTC_TIMESTAMP() - INTERVAL 1 HOUR";

TEST(an_idempotency_key_older_than_a_day_is_free_again_and_the_new_request_is_done)
{
	const char *key = idem_key(), *name, *name2, *body = named_body(&name);
	struct http_response *r;
	long long before;

	REQUIRE(CHECK_AMAGE_OK(amage_with("POST", ADD_PATH, body,
	    idem_header(key))));
	/* The key's row made two days old, as a day-old claim would be. */
	REQUIRE(harness_sql_at(__FILE__, __LINE__, 0, idem_age_sql, 1, key) !=
	    NULL);
	REQUIRE((before = wo_count()) >= 0);
	r = amage_with("POST", ADD_PATH, named_body(&name2), idem_header(key));
	CHECK_AMAGE_OK(r);
	CHECKF(http_header(r, "Idempotent-Replayed") == NULL,
	    "an expired key replayed its old answer");
	CHECK_INT(before + 1, wo_count());
	CHECK_INT(1, named_count(name2));
	CHECK_INT(1, named_count(name));
	/* The key now holds the new request: its row is today's. */
	CHECK_INT(1, qnum(Q(idem_recent_sql, 1, key)));
	CHECK_INT(1, qnum(Q(idem_rows_sql, 1, key)));
}

TEST(an_invalid_idempotency_key_is_400_and_writes_nothing)
{
	char long_key[257];
	/* "Name;" is how curl sends a header with an empty value. */
	const char *headers[] = { "Idempotency-Key;", NULL,
	    "Idempotency-Key: itest key with a space",
	    "Idempotency-Key: itest\x01" "control" };
	const char *name, *body;
	struct http_response *r;
	long long before;
	size_t i;

	memset(long_key, 'k', 256);
	long_key[256] = '\0';
	headers[1] = idem_header(long_key);
	REQUIRE((before = wo_count()) >= 0);
	for (i = 0; i < sizeof(headers) / sizeof(headers[0]); i++) {
		body = named_body(&name);
		r = amage_with("POST", ADD_PATH, body, headers[i]);
		if (!CHECK_AMAGE_ERROR(r, 400, 400) || !CHECK_CONTAINS(jstr(
		    r->json, "message"), "Idempotency-Key"))
			FAIL("... with \"%.40s...\"", headers[i]);
		CHECK_INT(0, named_count(name));
	}
	CHECK_INT(before, wo_count());
}

TEST(an_idempotency_key_of_255_visible_characters_is_accepted)
{
	char key[256];
	const char *name, *body = named_body(&name);

	memset(key, '~', 255);
	key[255] = '\0';
	memcpy(key, "itest-", 6);
	memcpy(key + 6, fresh_uuid(), 36);
	CHECK_AMAGE_OK(amage_with("POST", ADD_PATH, body, idem_header(key)));
	CHECK_INT(1, named_count(name));
}

TEST(requests_racing_with_one_idempotency_key_create_one_work_order_and_all_get_its_answer)
{
	enum { N = 8 };
	const char *key = idem_key(), *name, *body = named_body(&name);
	char buf[N * 128 + 1], status[N][8], id[N][24], uuid[N][40], rep[N][8];
	int go[2], res[2], i, n = 0, got, replayed = 0;
	pid_t pids[N];
	long long before, t0 = (long long)time(NULL);
	ssize_t k;
	char *line, *save;

	REQUIRE((before = wo_count()) >= 0);
	REQUIRE(CHECKF(pipe(go) == 0 && pipe(res) == 0, "pipe: %s",
	    strerror(errno)));
	for (i = 0; i < N; i++) {
		if ((pids[i] = fork()) == 0) {
			const char *h[2] = { idem_header(key), NULL };
			struct amage_opts o;
			struct http_response *r;
			const char *ans;
			char c;

			close(go[1]);
			close(res[0]);
			harness_forked_child();
			/* The barrier: every child reads EOF when the parent
			   closes its end, then all send at once. */
			if (read(go[0], &c, 1) < 0)
				_exit(3);
			memset(&o, 0, sizeof(o));
			o.extra_headers = h;
			o.has_t = 1;		/* one signature each */
			o.t = t0 + i;
			r = amage_request("POST", ADD_PATH, body, strlen(body),
			    &o);
			ans = pool_printf("%ld %.0f %s %s\n", r->status,
			    cJSON_GetNumberValue(jget(r->json, "id")),
			    jstr(r->json, "uuid") ? jstr(r->json, "uuid") : "-",
			    http_header(r, "Idempotent-Replayed") ?
			    http_header(r, "Idempotent-Replayed") : "-");
			_exit(write(res[1], ans, strlen(ans)) < 0 ? 3 : 0);
		}
		CHECKF(pids[i] > 0, "fork: %s", strerror(errno));
	}
	close(go[0]);
	close(res[1]);
	close(go[1]);
	for (got = 0; (k = read(res[0], buf + got, sizeof(buf) - 1 - got)) > 0;)
		got += (int)k;
	buf[got] = '\0';
	close(res[0]);
	for (i = 0; i < N; i++)
		if (pids[i] > 0)
			waitpid(pids[i], NULL, 0);
	for (line = strtok_r(buf, "\n", &save); line != NULL && n < N;
	    line = strtok_r(NULL, "\n", &save), n++)
		if (!CHECKF(sscanf(line, "%7s %23s %39s %7s", status[n], id[n],
		    uuid[n], rep[n]) == 4, "child answer: %s", line))
			return;
	REQUIRE(CHECK_INT(N, n));
	for (i = 0; i < N; i++) {
		CHECKF(strcmp(status[i], "200") == 0 && is_lower_uuid(uuid[i]),
		    "request %d: HTTP %s, uuid %s", i, status[i], uuid[i]);
		CHECKF(strcmp(id[i], id[0]) == 0 &&
		    strcmp(uuid[i], uuid[0]) == 0, "request %d answered id %s "
		    "uuid %s, request 0 id %s uuid %s", i, id[i], uuid[i],
		    id[0], uuid[0]);
		replayed += strcmp(rep[i], "true") == 0;
	}
	CHECKF(replayed == N - 1, "%d of %d answers replayed, expected all "
	    "but the one that wrote", replayed, N);
	CHECK_INT(before + 1, wo_count());
	CHECK_INT(1, named_count(name));
}

/* ======================================================================== */
/* free text and uuids                                                      */
/* ======================================================================== */

static const char *const text_fields[] = {
	"name", "description", "notes", "protocolNumber", "workAmountUnit",
};
#define NTEXT (sizeof(text_fields) / sizeof(text_fields[0]))

/* Texts that a conversion by kind, an escape or a query could change. */
static const char *const tricky[] = {
	"2489E9AD-2EE2-8E00-8EC9-32D5F69181C0",
	"2021-01-01T12:00:00",
	"\xF0\x9F\x98\x80 \xF0\x9D\x84\x9E \xF0\x90\x8D\x88",
	"she said \"yes\" and 'no' and `maybe`",
	"C:\\dir\\new \\\\ \\u0041 \\n \\\"",
	"'; DROP TABLE work_orders; --",
	"line\nnext\ttab\r",
};
#define NTRICKY (sizeof(tricky) / sizeof(tricky[0]))

/* n copies of a 4-byte character (pool): at a bound counted in code
   points, the most bytes a field can take. */
static const char *
wide(int n)
{
	char *s = pool_keep(malloc((size_t)n * 4 + 1), free);
	int i;

	for (i = 0; s != NULL && i < n; i++)
		memcpy(s + i * 4, "\xF0\x9F\x98\x80", 4);
	if (s != NULL)
		s[n * 4] = '\0';
	return s;
}

/* A body with every free-text field set to texts[i] (pool). */
static cJSON *
text_body(const char *const texts[NTEXT])
{
	cJSON *o = pool_json(cJSON_CreateObject());
	size_t i;

	for (i = 0; i < NTEXT; i++)
		cJSON_AddStringToObject(o, text_fields[i], texts[i]);
	return o;
}

/* Each free-text field of got holds exactly what sent has. */
static int
check_texts_at(const cJSON *sent, const cJSON *got, const char *where,
    const char *file, int line)
{
	const char *s, *g;
	size_t i;
	int ok = 1;

	for (i = 0; i < NTEXT; i++) {
		s = jstr(sent, text_fields[i]);
		g = jstr(got, text_fields[i]);
		ok &= check_true(s != NULL && g != NULL && strcmp(s, g) == 0,
		    file, line, "%s: \"%s\" sent \"%s\", got %s", where,
		    text_fields[i], s ? s : "?", jshow(jget(got,
		    text_fields[i])));
	}
	return ok;
}
#define CHECK_TEXTS(sent, got, where) check_texts_at((sent), (got), (where), __FILE__, __LINE__)

/* The texts of each case: every field one tricky value, then every
   field long in 4-byte characters: at its bound, except description and
   notes (2000 of 16383: test_work_orders fills them). */
static void
text_cases(const char *cases[NTRICKY + 1][NTEXT])
{
	static const int bound[NTEXT] = { 255, 2000, 2000, 100, 50 };
	size_t c, f;

	for (c = 0; c < NTRICKY; c++)
		for (f = 0; f < NTEXT; f++)
			cases[c][f] = tricky[c];
	for (f = 0; f < NTEXT; f++)
		cases[NTRICKY][f] = wide(bound[f]);
}

TEST(work_order_free_text_is_stored_exactly_as_sent_through_add_get_and_list)
{
	const char *cases[NTRICKY + 1][NTEXT];
	const cJSON *g, *item;
	struct http_response *r, *l;
	cJSON *body;
	const char *uuid;
	long long n;
	size_t c;

	text_cases(cases);
	for (c = 0; c < NTRICKY + 1; c++) {
		body = text_body(cases[c]);
		uuid = fresh_uuid();
		cJSON_AddStringToObject(body, "uuid", uuid);
		r = amage_post(ADD_PATH, pool_json_print(body));
		if (!CHECK_AMAGE_OK(r))
			continue;
		if ((g = WO_GET(uuid)) != NULL)
			CHECK_TEXTS(body, g, "get/by-uuid");
		/* The newest work order is alone on the last page of size 1. */
		if ((n = AMAGE_COUNT()) < 1)
			continue;
		l = amage_get(pool_printf(WO_BASE "/list?page=%lld&size=1", n));
		if (!CHECK_STATUS(l, 200) || !CHECKF(cJSON_GetArraySize(l->json)
		    == 1, "list: expected one item"))
			continue;
		item = cJSON_GetArrayItem(l->json, 0);
		if (CHECK_JSON_STR(item, "uuid", uuid))
			CHECK_TEXTS(body, item, "list");
	}
}

TEST(work_order_free_text_is_stored_exactly_as_sent_through_edit)
{
	const char *cases[NTRICKY + 1][NTEXT];
	const cJSON *g;
	cJSON *body;
	const char *uuid;
	size_t c;

	text_cases(cases);
	for (c = 0; c < NTRICKY + 1; c++) {
		if ((uuid = WO_NEW("\"notes\":\"before\"")) == NULL)
			continue;
		body = text_body(cases[c]);
		if (CHECK_AMAGE_OK(amage_post(wo_path("edit", uuid),
		    pool_json_print(body))) && (g = WO_GET(uuid)) != NULL)
			CHECK_TEXTS(body, g, "get/by-uuid after edit");
	}
}

/* A history body with message and one expenditure message, both text. */
static const char *
hist_text_body(const char *uuid, const char *text)
{
	cJSON *o = pool_json(cJSON_CreateObject()), *e, *a;

	if (uuid != NULL)
		cJSON_AddStringToObject(o, "uuid", uuid);
	cJSON_AddStringToObject(o, "message", text);
	a = cJSON_AddArrayToObject(o, "workOrderExpenditures");
	e = cJSON_CreateObject();
	cJSON_AddStringToObject(e, "elementTypeUuid", AMAGE_ELEMENT_TYPE_1);
	cJSON_AddNumberToObject(e, "itemCount", 1);
	cJSON_AddStringToObject(e, "message", text);
	cJSON_AddItemToArray(a, e);
	return pool_json_print(o);
}

static const char *
plan_text_body(const char *uuid, const char *text)
{
	cJSON *o = pool_json(cJSON_CreateObject());

	if (uuid != NULL)
		cJSON_AddStringToObject(o, "uuid", uuid);
	cJSON_AddStringToObject(o, "elementTypeUuid", AMAGE_ELEMENT_TYPE_1);
	cJSON_AddNumberToObject(o, "itemCount", 1);
	cJSON_AddStringToObject(o, "category", text);
	cJSON_AddStringToObject(o, "code", text);
	return pool_json_print(o);
}

/* The history entry's message and expenditure message, the plan item's
   category and code, hold exactly text. */
static void
check_child_texts_at(const char *h, const char *p, const char *text,
    const char *file, int line)
{
	struct db_rows *hr = rows_n_at(hist_row_sql, h, 1, "history entries",
	    file, line);
	struct db_rows *pr = rows_n_at(plan_row_sql, p, 1, "plan items", file,
	    line);

	if (hr != NULL) {
		check_cell_at(hr, 0, H_MESSAGE, text, "history message", file,
		    line);
		check_cell_at(hr, 0, H_EXP_MESSAGES, text, "expenditure "
		    "message", file, line);
	}
	if (pr != NULL) {
		check_cell_at(pr, 0, 0, text, "plan category", file, line);
		check_cell_at(pr, 0, 1, text, "plan code", file, line);
	}
}
#define CHECK_CHILD_TEXTS(h, p, t) check_child_texts_at((h), (p), (t), __FILE__, __LINE__)

TEST(history_and_plan_free_text_is_stored_exactly_as_sent)
{
	const char *wo, *h, *p, *next;
	size_t c;

	/* Added with one text, then edited to the next one. */
	for (c = 0; c < NTRICKY; c++) {
		next = tricky[(c + 1) % NTRICKY];
		h = fresh_uuid();
		p = fresh_uuid();
		if ((wo = WO_NEW("")) == NULL ||
		    POST_OK(HADD(wo),
		    hist_text_body(h, tricky[c])) == NULL ||
		    POST_OK(PADD(wo),
		    plan_text_body(p, tricky[c])) == NULL)
			continue;
		CHECK_CHILD_TEXTS(h, p, tricky[c]);
		if (POST_OK(wo_path("edit-history", h),
		    hist_text_body(NULL, next)) != NULL &&
		    POST_OK(wo_path("edit-workorder-elementtype-plan", p),
		    plan_text_body(NULL, next)) != NULL)
			CHECK_CHILD_TEXTS(h, p, next);
	}
}

TEST(uuids_sent_in_upper_case_come_back_lower_case)
{
	static const struct { const char *key, *uuid; } refs[] = {
		{ "typeUuid", AMAGE_TYPE },
		{ "locationUuid", AMAGE_LOCATION },
		{ "assignedUserUuid", AMAGE_USER_1 },
		{ "verifyUserUuid", USER_2 },
	};
	const char *parent, *uuid = fresh_uuid(), *h = fresh_uuid();
	const char *p = fresh_uuid();
	struct db_rows *hr, *pr, *ar;
	const char *e;
	const cJSON *g;
	cJSON *body;
	size_t i;

	REQUIRE((parent = WO_NEW("")) != NULL);
	body = pool_json(cJSON_CreateObject());
	cJSON_AddStringToObject(body, "uuid", pool_upper(uuid));
	cJSON_AddStringToObject(body, "parentUuid", pool_upper(parent));
	for (i = 0; i < sizeof(refs) / sizeof(refs[0]); i++)
		cJSON_AddStringToObject(body, refs[i].key,
		    pool_upper(refs[i].uuid));
	REQUIRE(CHECK_STR(uuid, POST_OK(ADD_PATH, pool_json_print(body))));
	REQUIRE((g = WO_GET(pool_upper(uuid))) != NULL);
	CHECK_JSON_STR(g, "uuid", uuid);
	CHECK_JSON_STR(g, "parentUuid", parent);
	for (i = 0; i < sizeof(refs) / sizeof(refs[0]); i++)
		CHECK_JSON_STR(g, refs[i].key, refs[i].uuid);
	CHECK_STR(uuid, POST_OK(wo_path("edit",
	    pool_upper(uuid)), "{\"notes\":\"upper\"}"));

	/* The children keep theirs in lower case too. */
	CHECK_STR(h, POST_OK(HADD(pool_upper(uuid)), pool_printf(
	    "{\"uuid\":\"%s\",\"workOrderUuid\":\"%s\",\"reportedByUuid\":"
	    "\"%s\",\"participants\":[{\"uuid\":\"%s\"}],"
	    "\"workOrderExpenditures\":[{\"elementTypeUuid\":\"%s\"}]}",
	    pool_upper(h), pool_upper(uuid), pool_upper(AMAGE_USER_1),
	    pool_upper(USER_2), pool_upper(AMAGE_ELEMENT_TYPE_1))));
	if ((hr = HIST_ROW(h, 1)) != NULL) {
		CHECK_CELL(hr, 0, H_REPORTED_BY, AMAGE_USER_1, "reported by");
		CHECK_CELL(hr, 0, H_USERS, USER_2, "participant");
		CHECK_CELL(hr, 0, H_ELEMENT_TYPES, AMAGE_ELEMENT_TYPE_1,
		    "expenditure element type");
	}
	CHECK_STR(p, POST_OK(PADD(pool_upper(uuid)), pool_printf(
	    "{\"uuid\":\"%s\",\"elementTypeUuid\":\"%s\",\"itemCount\":1}",
	    pool_upper(p), pool_upper(AMAGE_ELEMENT_TYPE_1))));
	if ((pr = PLAN_ROW(p, 1)) != NULL)
		CHECK_CELL(pr, 0, 3, AMAGE_ELEMENT_TYPE_1, "plan element type");
	REQUIRE((e = POST_OK(p_asset(pool_upper(uuid),
	    "join-asset-to-plan-by-uuid", pool_upper(AMAGE_ASSET_1)), NULL)) !=
	    NULL);
	ar = Q(asset_row_sql, 2, uuid, AMAGE_ASSET_1);
	CHECK_NROWS(ar, 1, "asset-plan entries of the asset in lower case");

	/* Child records named in upper case in the path. */
	CHECK_STR(h, POST_OK(wo_path("edit-history", pool_upper(h)),
	    "{\"message\":\"upper\"}"));
	CHECK_STR(p, POST_OK(wo_path("edit-workorder-elementtype-plan",
	    pool_upper(p)), "{\"itemCount\":2}"));
	CHECK_STR(e, POST_OK(p_asset(pool_upper(uuid),
	    "remove-asset-plan-by-uuid", pool_upper(e)), NULL));
}

/* ======================================================================== */
/* regressions                                                              */
/* ======================================================================== */

/* A uuid two work orders share (pool), or NULL after a failure. */
static const char *
shared_uuid(void)
{
	const char *u = fresh_uuid();
	const char *body = pool_printf("{\"uuid\":\"%s\"}", u);

	if (POST_OK(ADD_PATH, body) == NULL || POST_OK(ADD_PATH, body) == NULL)
		return NULL;
	return u;
}

/* 400/400 naming the duplicated entry. */
static int
check_duplicated_at(const struct http_response *r, const char *file,
    int line)
{
	return check_amage_error_at(r, 400, 400, file, line) &&
	    check_contains(jstr(r->json, "message"), "duplicated entry", 1,
	    "message", file, line);
}
#define CHECK_DUPLICATED(r)	check_duplicated_at((r), __FILE__, __LINE__)

TEST(add_with_a_parent_uuid_two_work_orders_share_is_400_duplicated_entry)
{
	const char *u, *name, *body;
	long long before;

	REQUIRE((u = shared_uuid()) != NULL);
	REQUIRE((before = wo_count()) >= 0);
	name = pool_printf("itest shared parent %s", nonce());
	body = pool_printf("{\"name\":\"%s\",\"parentUuid\":\"%s\"}", name, u);
	CHECK_DUPLICATED(amage_post(ADD_PATH, body));
	CHECK_INT(before, wo_count());
	CHECK_INT(0, named_count(name));
}

TEST(edit_with_a_parent_uuid_two_work_orders_share_is_400_duplicated_entry)
{
	const char *u, *wo, *before;

	REQUIRE((u = shared_uuid()) != NULL);
	REQUIRE((wo = WO_NEW("")) != NULL);
	REQUIRE((before = SNAPSHOT(wo)) != NULL);
	CHECK_DUPLICATED(amage_post(wo_path("edit", wo),
	    pool_printf("{\"name\":\"itest renamed\",\"parentUuid\":\"%s\"}",
	    u)));
	CHECK_UNCHANGED(wo, before);
}

/* get/by-uuid says progressCompleted is want. */
static int
check_progress_at(const char *wo, double want, const char *file, int line)
{
	const cJSON *g = wo_get_at(wo, file, line);

	return g != NULL && check_json_num_at(g, "progressCompleted", want,
	    file, line);
}
#define CHECK_PROGRESS(wo, want) check_progress_at((wo), (want), __FILE__, __LINE__)

TEST(history_with_huge_reported_amount_over_tiny_work_amount_is_200_and_progress_100)
{
	/* reported / planned overflows a DOUBLE for both pairs. */
	static const struct { const char *amount, *reported; } cases[] = {
		{ "1e-300", "1e15" },
		{ "5e-324", "1" },
	};
	const char *wo, *h;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		/* add-history onto the tiny amount */
		if ((wo = WO_NEW(pool_printf("\"workAmount\":%s",
		    cases[i].amount))) != NULL &&
		    POST_OK(HADD(wo), hist_body(fresh_uuid(),
		    cases[i].reported)) != NULL)
			CHECK_PROGRESS(wo, 100);
		/* edit of workAmount under a reported amount: 10 % -> 100 % */
		if ((wo = WO_NEW("\"workAmount\":1e15")) != NULL &&
		    POST_OK(HADD(wo), hist_body(fresh_uuid(), "1e14")) !=
		    NULL && CHECK_PROGRESS(wo, 10) &&
		    POST_OK(wo_path("edit", wo), pool_printf(
		    "{\"workAmount\":%s}", cases[i].amount)) != NULL)
			CHECK_PROGRESS(wo, 100);
		/* edit-history from nothing reported to the huge amount */
		h = fresh_uuid();
		if ((wo = WO_NEW(pool_printf("\"workAmount\":%s",
		    cases[i].amount))) != NULL &&
		    POST_OK(HADD(wo), hist_body(h, "0")) != NULL &&
		    CHECK_PROGRESS(wo, 0) &&
		    POST_OK(wo_path("edit-history", h),
		    pool_printf("{\"workAmountReported\":%s}",
		    cases[i].reported)) != NULL)
			CHECK_PROGRESS(wo, 100);
	}
}

static const struct test_case tests[] = {
	TEST_ENTRY(add_under_each_injected_fault_commits_once_or_changes_nothing),
	TEST_ENTRY(add_with_an_idempotency_key_under_each_injected_fault_commits_once_or_changes_nothing),
	TEST_ENTRY(replay_of_an_add_under_each_injected_fault_answers_the_first_answer_or_503),
	TEST_ENTRY(edit_under_each_injected_fault_commits_once_or_changes_nothing),
	TEST_ENTRY(add_history_under_each_injected_fault_commits_once_or_changes_nothing),
	TEST_ENTRY(edit_history_under_each_injected_fault_commits_once_or_changes_nothing),
	TEST_ENTRY(delete_history_under_each_injected_fault_commits_once_or_changes_nothing),
	TEST_ENTRY(add_workorder_elementtype_plan_under_each_injected_fault_commits_once_or_changes_nothing),
	TEST_ENTRY(edit_workorder_elementtype_plan_under_each_injected_fault_commits_once_or_changes_nothing),
	TEST_ENTRY(delete_workorder_elementtype_plan_under_each_injected_fault_commits_once_or_changes_nothing),
	TEST_ENTRY(join_asset_to_plan_by_uuid_under_each_injected_fault_commits_once_or_changes_nothing),
	TEST_ENTRY(remove_asset_from_plan_by_uuid_under_each_injected_fault_commits_once_or_changes_nothing),
	TEST_ENTRY(remove_asset_plan_by_uuid_under_each_injected_fault_commits_once_or_changes_nothing),
	TEST_ENTRY(a_deadlock_injected_at_the_first_call_is_retried_and_answers_200),
	TEST_ENTRY(four_failed_attempts_in_a_row_are_retried_and_the_fifth_commits),
	TEST_ENTRY(a_connection_lost_at_commit_answers_503_and_changes_nothing),
	TEST_ENTRY(a_connection_lost_at_the_commit_of_a_retried_attempt_answers_503_and_changes_nothing),
	TEST_ENTRY(add_repeated_with_an_idempotency_key_replays_the_first_answer_and_writes_once),
	TEST_ENTRY(an_idempotency_key_reused_with_another_body_is_409_and_writes_nothing),
	TEST_ENTRY(an_idempotency_key_older_than_a_day_is_free_again_and_the_new_request_is_done),
	TEST_ENTRY(an_invalid_idempotency_key_is_400_and_writes_nothing),
	TEST_ENTRY(an_idempotency_key_of_255_visible_characters_is_accepted),
	TEST_ENTRY(requests_racing_with_one_idempotency_key_create_one_work_order_and_all_get_its_answer),
	TEST_ENTRY(work_order_free_text_is_stored_exactly_as_sent_through_add_get_and_list),
	TEST_ENTRY(work_order_free_text_is_stored_exactly_as_sent_through_edit),
	TEST_ENTRY(history_and_plan_free_text_is_stored_exactly_as_sent),
	TEST_ENTRY(uuids_sent_in_upper_case_come_back_lower_case),
	TEST_ENTRY(add_with_a_parent_uuid_two_work_orders_share_is_400_duplicated_entry),
	TEST_ENTRY(edit_with_a_parent_uuid_two_work_orders_share_is_400_duplicated_entry),
	TEST_ENTRY(history_with_huge_reported_amount_over_tiny_work_amount_is_200_and_progress_100),
	TEST_END
};

int
main(int argc, char **argv)
{
	return harness_main(argc, argv, __FILE__, tests);
}
