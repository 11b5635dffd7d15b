/*
 * work-orders: the AMAGE work-order API (seed amage-work-orders.pl.txt,
 * SPEC 3).  Shared within the family: the WorkOrderDto column map, the
 * reference checks, and the handlers of main.c's route table.
 */
#ifndef WORK_ORDER_H
#define WORK_ORDER_H

#include <cjson/cJSON.h>

#include "db.h"
#include "uuid.h"
#include "validate.h"

struct request;

/*
 * Longest text for a TEXT column (65,535 bytes), in code points: utf8mb4
 * takes up to 4 bytes each, and a longer value would fail the insert.
 */
#define TEXT_MAX_CHARS 16383

/* The WorkOrderDto fields a client may send, as validator entries. */
extern const struct field work_order_fields[];		/* add */
extern const struct field work_order_edit_fields[];	/* edit */

/*
 * A WorkOrderDto as JSON text, from the `id` and `dto` columns (the dto is
 * kept by triggers, schema/005): "{"id":<id>," followed by the dto without
 * its opening brace.  Appends to buf; -1 when it does not fit.
 */
struct work_order_buf {
	char *data;		/* owned, malloc'd */
	size_t len, cap;
};
int work_order_dto_append(struct work_order_buf *buf, const char *id,
    const char *dto, size_t dto_len);
int work_order_buf_add(struct work_order_buf *buf, const char *s, size_t n);

/*
 * Outcomes of a write's transaction body besides the DB statuses (< 0):
 * WO_NOT_FOUND answers HTTP 400 with errorCode 404, WO_REFUSED HTTP 400
 * with errorCode 400, both with the message of the result.
 */
enum { WO_OK = 0, WO_NOT_FOUND = 1, WO_REFUSED = 2 };

/* What a write answers: the record's id and uuid, or why it failed. */
struct work_order_result {
	uint64_t id;
	char uuid[UUID_STR_LEN + 1];
	char message[200];
};

/* Sets res->message and returns outcome (for one-line failure returns). */
int work_order_fail(struct work_order_result *res, int outcome,
    const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Answers rc (WO_* or a DB status) with res in the result envelope. */
int work_order_answer(struct request *rq, int rc,
    const struct work_order_result *res);

/*
 * Finds the work order with this uuid (already canonical) and locks its row
 * for the transaction: writers of one work order's history and plans queue
 * here, so the derived fields are computed from a stable set.  WO_OK and
 * *id; WO_NOT_FOUND; WO_REFUSED (duplicated uuid); or a DB status.
 */
int work_order_lock(struct db *db, const char *uuid, uint64_t *id,
    struct work_order_result *res);
/*
 * Finds a child row (history entry, plan item) by uuid with find_sql
 * ("SELECT c.id, c.work_order_id, w.uuid ... WHERE c.uuid = ? LIMIT 2"),
 * locks its work order, then re-reads the child with relock_sql ("SELECT id
 * FROM t WHERE id = ? FOR UPDATE") in case it went meanwhile.  WO_OK with
 * *child_id, *wo_id, wo_uuid; WO_NOT_FOUND / WO_REFUSED naming label; or a
 * DB status.
 */
int work_order_child_lock(struct db *db, const char *find_sql,
    const char *relock_sql, const char *label, const char *uuid,
    uint64_t *child_id, uint64_t *wo_id, char wo_uuid[UUID_STR_LEN + 1],
    struct work_order_result *res);

/* WO_REFUSED when body's workOrderUuid is given and is not wo_uuid. */
int work_order_same_parent(const cJSON *body, const char *wo_uuid,
    struct work_order_result *res);

/*
 * WO_OK when uuid (any case, may be NULL = nothing to check) exists in
 * amage_references with kind; else WO_NOT_FOUND naming label and uuid.
 */
int work_order_ref_check(struct db *db, const char *kind, const char *label,
    const char *uuid, struct work_order_result *res);

/* Checks every uuid reference of a WorkOrderDto body (see dto_refs). */
int work_order_check_refs(struct db *db, const cJSON *body,
    struct work_order_result *res);

/* Server-maintained fields, recomputed in the writing transaction. */
int work_order_recompute_state(struct db *db, uint64_t id);
int work_order_recompute_progress(struct db *db, uint64_t id);
int work_order_recompute_plan(struct db *db, uint64_t id);
/* All three: after any history change. */
int work_order_recompute_all(struct db *db, uint64_t id);

/* A canonical uuid from a path parameter, or WO_REFUSED naming what. */
int work_order_path_uuid(struct request *rq, const char *param,
    const char *what, char out[UUID_STR_LEN + 1],
    struct work_order_result *res);

/*
 * Binds a JSON member for SQL: string, number, bool as 0/1, or NULL for
 * absent/null.  uuids are lower-cased and date-times get MySQL's ' '
 * separator in buf (>= 40 bytes); other strings are borrowed from body.
 */
struct db_param work_order_param(const cJSON *body, const char *name,
    char *buf, size_t buf_len);

/* The client-writable fields, bound in one fixed order by add and edit. */
#define WORK_ORDER_NWRITABLE 30
struct work_order_params {
	char buf[WORK_ORDER_NWRITABLE][40];
};
void work_order_params(const cJSON *body, struct work_order_params *wp,
    struct db_param *p);

/*
 * The state of one write: its body, the canonical uuid of its path, and
 * what it answers.  The transaction functions of add, edit, history and
 * plans all take one.
 */
struct work_order_write {
	const cJSON *body;		/* NULL for writes without a body */
	char path_uuid[UUID_STR_LEN + 1];
	struct work_order_result res;
};

enum work_order_write_kind {
	WRITE_CREATE,	/* res.uuid: the body's uuid, else a new one */
	WRITE_CHANGE,	/* res.uuid: the path's */
};

/*
 * Runs the shape every write shares: the path uuid (param "uuid", named
 * `what` in errors; what NULL: the path has none), the body checked against fields (NULL: no body), the
 * record's uuid by kind, fn in one transaction, the answer.
 */
int work_order_write_run(struct request *rq, const char *what,
    const struct field *fields, enum work_order_write_kind kind,
    db_tx_fn fn);

int work_order_count(struct request *rq);
int work_order_list(struct request *rq);
int work_order_get(struct request *rq);
int work_order_add(struct request *rq);
int work_order_edit(struct request *rq);
int work_order_history_add(struct request *rq);
int work_order_history_edit(struct request *rq);
int work_order_history_delete(struct request *rq);
int work_order_plan_add(struct request *rq);
int work_order_plan_edit(struct request *rq);
int work_order_plan_delete(struct request *rq);
int work_order_asset_join(struct request *rq);
int work_order_asset_remove(struct request *rq);
int work_order_asset_plan_remove(struct request *rq);

#endif
