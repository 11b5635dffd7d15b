/*
 * work-orders: the AMAGE work-order API (seed amage-work-orders.pl.txt,
 * SPEC 3).  Shared within the family: the WorkOrderDto column map, the
 * reference checks, and the handlers of main.c's route table.
 */
#ifndef WORK_ORDER_H
#define WORK_ORDER_H

#include <cjson/cJSON.h>

#include "bind.h"
#include "db.h"
#include "uuid.h"
#include "validate.h"
#include "write.h"

struct request;

/*
 * Longest text for a TEXT column (65,535 bytes), in code points: utf8mb4
 * takes up to 4 bytes each, and a longer value would fail the insert.
 */
#define TEXT_MAX_CHARS 16383

/* The WorkOrderDto fields a client may send, as validator entries, and
   the statements they bind into (work_order_dto.c, from one table). */
extern const struct field work_order_fields[];		/* add */
extern const struct field work_order_edit_fields[];	/* edit */
extern const char work_order_insert_sql[];
extern const char work_order_update_sql[];

/* The dto triggers' SQL as the newest DTO migration must hold it. */
const char *work_order_dto_trigger_sql(void);

/*
 * A WorkOrderDto as JSON text, from the `id` and `dto` columns (the dto is
 * kept by triggers generated from the table): "{"id":<id>," followed by
 * the dto without its opening brace.  Appends to buf; -1 when it does not
 * fit.
 */
struct work_order_buf {
	char *data;		/* owned, malloc'd */
	size_t len, cap;
};
int work_order_dto_append(struct work_order_buf *buf, const char *id,
    const char *dto, size_t dto_len);
int work_order_buf_add(struct work_order_buf *buf, const char *s, size_t n);

/*
 * The transaction bodies below follow write.h: DB_OK, WRITE_REFUSED with
 * a catalogue code (work_order_codes.c) and the seed-style message in
 * `why`, or a DB status.  REFERENCE_NOT_FOUND answers HTTP 400 with
 * errorCode 404; WORK_ORDER_REFUSED and DUPLICATED_ENTRY 400 with 400.
 */

/*
 * Finds the work order with this uuid (already canonical) and locks its row
 * for the transaction: writers of one work order's history and plans queue
 * here, so the derived fields are computed from a stable set.  DB_OK and
 * *id; refused when missing or when the uuid is shared (duplicated).
 */
int work_order_lock(struct db *db, const char *uuid, uint64_t *id,
    struct write_refusal *why);
/*
 * Finds a child row (history entry, plan item) by uuid with find_sql
 * ("SELECT c.id, c.work_order_id, w.uuid ... WHERE c.uuid = ? LIMIT 2"),
 * locks its work order, then re-reads the child with relock_sql ("SELECT id
 * FROM t WHERE id = ? FOR UPDATE") in case it went meanwhile.  DB_OK with
 * *child_id, *wo_id, wo_uuid; refused naming label; or a DB status.
 */
int work_order_child_lock(struct db *db, const char *find_sql,
    const char *relock_sql, const char *label, const char *uuid,
    uint64_t *child_id, uint64_t *wo_id, char wo_uuid[UUID_STR_LEN + 1],
    struct write_refusal *why);

/* Refused when body's workOrderUuid is given and is not wo_uuid. */
int work_order_same_parent(const cJSON *body, const char *wo_uuid,
    struct write_refusal *why);

/*
 * DB_OK when uuid (any case, may be NULL = nothing to check) exists in
 * amage_references with kind; else refused naming label and uuid.
 */
int work_order_ref_check(struct db *db, const char *kind, const char *label,
    const char *uuid, struct write_refusal *why);

/* Checks every uuid reference of a WorkOrderDto body (see dto_refs). */
int work_order_check_refs(struct db *db, const cJSON *body,
    struct write_refusal *why);

/* Server-maintained fields, recomputed in the writing transaction. */
int work_order_recompute_state(struct db *db, uint64_t id);
int work_order_recompute_progress(struct db *db, uint64_t id);
int work_order_recompute_plan(struct db *db, uint64_t id);
/* All three: after any history change. */
int work_order_recompute_all(struct db *db, uint64_t id);

/* The client-writable fields, bound by their kinds in the order of
   work_order_insert_sql / work_order_update_sql. */
#define WORK_ORDER_NWRITABLE 30
struct work_order_params {
	char buf[WORK_ORDER_NWRITABLE][BIND_BUF_LEN];
};
void work_order_params(const cJSON *body, struct work_order_params *wp,
    struct db_param *p);

/*
 * The state of one write: its body, the canonical uuids of its path, and
 * what it answers (id and uuid of the record written).
 */
struct work_order_write {
	const cJSON *body;		/* NULL for writes without a body */
	char path_uuid[UUID_STR_LEN + 1];
	char target_uuid[UUID_STR_LEN + 1];	/* a second path uuid */
	uint64_t id;
	char uuid[UUID_STR_LEN + 1];
};

enum work_order_write_kind {
	WRITE_CREATE,	/* uuid: the body's uuid, else a new one */
	WRITE_CHANGE,	/* uuid: the path's */
	WRITE_OTHER,	/* uuid: set by the transaction */
};

/* What a write takes from its request. */
struct work_order_write_def {
	const char *path_param;		/* the path's record uuid, or NULL */
	const char *path_what;		/* its name in errors ("Work Order") */
	const char *target_param;	/* a second path uuid, or NULL */
	const char *target_what;
	const struct field *fields;	/* the body's table; NULL: no body */
	enum work_order_write_kind kind;
	write_apply_fn apply;		/* ctx: struct work_order_write */
};

/* Path uuids, body, the record's uuid by kind, then lib's write path
   (write.h) with the result envelope as the answer. */
int work_order_write_run(struct request *rq,
    const struct work_order_write_def *def);

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
