/*
 * What every work-order write shares: locking the work order, checking
 * references, and keeping the
 * server-maintained fields of SPEC 3 (state moves from history, start and
 * finish dates, progress, element-type plan counts and their timestamps)
 * right, by recomputing them from the child rows in the same transaction.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "envelope.h"
#include "json.h"
#include "request.h"
#include "work_order.h"

static const char work_order_lock_sql[] =
    "SELECT id FROM work_orders WHERE uuid = ? LIMIT 2 FOR UPDATE";
static const char work_order_lock_id_sql[] =
    "SELECT id FROM work_orders WHERE id = ? FOR UPDATE";

int
work_order_lock(struct db *db, const char *uuid, uint64_t *id,
    struct write_refusal *why)
{
	struct db_rows *rows;
	int rc;

	rc = db_query(db, work_order_lock_sql, (struct db_param[]){
	    DB_STR(uuid) }, 1, &rows);
	if (rc != DB_OK)
		return rc;
	if (rows->nrows == 0)
		rc = write_refuse(why, "REFERENCE_NOT_FOUND",
		    "Work Order not found: %s", uuid);
	else if (rows->nrows > 1)
		rc = write_refuse(why, "DUPLICATED_ENTRY",
		    "duplicated entry: Work Order %s", uuid);
	else
		*id = strtoull(db_cell(rows, 0, 0), NULL, 10);
	db_rows_free(rows);
	return rc;
}

int
work_order_child_lock(struct db *db, const char *find_sql,
    const char *relock_sql, const char *label, const char *uuid,
    uint64_t *child_id, uint64_t *wo_id, char wo_uuid[UUID_STR_LEN + 1],
    struct write_refusal *why)
{
	struct db_rows *rows = NULL;
	int rc;

	rc = db_query(db, find_sql, (struct db_param[]){ DB_STR(uuid) }, 1,
	    &rows);
	if (rc != DB_OK)
		goto done;
	if (rows->nrows == 0) {
		rc = write_refuse(why, "REFERENCE_NOT_FOUND", "%s not found: %s",
		    label, uuid);
		goto done;
	}
	if (rows->nrows > 1) {
		rc = write_refuse(why, "DUPLICATED_ENTRY", "duplicated entry: %s %s",
		    label, uuid);
		goto done;
	}
	*child_id = strtoull(db_cell(rows, 0, 0), NULL, 10);
	*wo_id = strtoull(db_cell(rows, 0, 1), NULL, 10);
	snprintf(wo_uuid, UUID_STR_LEN + 1, "%s", db_cell(rows, 0, 2));
	db_rows_free(rows);
	rows = NULL;
	/* Work order first, then the child: the order every writer uses. */
	rc = db_query(db, work_order_lock_id_sql, (struct db_param[]){
	    DB_I64((int64_t)*wo_id) }, 1, &rows);
	if (rc != DB_OK)
		goto done;
	db_rows_free(rows);
	rc = db_query(db, relock_sql, (struct db_param[]){
	    DB_I64((int64_t)*child_id) }, 1, &rows);
	if (rc == DB_OK && rows->nrows == 0)
		rc = write_refuse(why, "REFERENCE_NOT_FOUND", "%s not found: %s",
		    label, uuid);
done:
	db_rows_free(rows);
	return rc;
}

int
work_order_same_parent(const cJSON *body, const char *wo_uuid,
    struct write_refusal *why)
{
	const char *s = json_get_string(body, "workOrderUuid");
	char id[UUID_STR_LEN + 1];

	if (s != NULL && (uuid_parse(s, id) != 0 || strcmp(id, wo_uuid) != 0))
		return write_refuse(why, "WORK_ORDER_REFUSED",
		    "workOrderUuid %s is not the work order %s", s, wo_uuid);
	return DB_OK;
}

static const char ref_exists_sql[] =
    "SELECT 1 FROM amage_references WHERE kind = ? AND uuid = ?";

int
work_order_ref_check(struct db *db, const char *kind, const char *label,
    const char *uuid, struct write_refusal *why)
{
	char id[UUID_STR_LEN + 1];
	struct db_rows *rows;
	int rc;

	if (uuid == NULL)
		return DB_OK;
	if (uuid_parse(uuid, id) != 0)
		return write_refuse(why, "WORK_ORDER_REFUSED", "Wrong %s UUID format",
		    label);
	rc = db_query(db, ref_exists_sql, (struct db_param[]){ DB_STR(kind),
	    DB_STR(id) }, 2, &rows);
	if (rc != DB_OK)
		return rc;
	if (rows->nrows == 0)
		rc = write_refuse(why, "REFERENCE_NOT_FOUND", "%s not found: %s",
		    label, id);
	db_rows_free(rows);
	return rc;
}

/* The latest valid history entry with a state decides the state. */
static const char recompute_state_sql[] =
    "UPDATE work_orders w SET "
    "state_name = COALESCE((SELECT h.state_name FROM work_order_history h "
    "  WHERE h.work_order_id = w.id AND h.valid = 1 "
    "  AND h.state_name IS NOT NULL "
    "  ORDER BY COALESCE(h.tstamp, h.reported_on, h.created) DESC, h.id DESC "
    "  LIMIT 1), w.state_name), "
    "start_date = COALESCE(w.start_date, (SELECT "
    "  MIN(COALESCE(h.tstamp, h.reported_on, h.created)) "
    "  FROM work_order_history h WHERE h.work_order_id = w.id "
    "  AND h.valid = 1 AND h.state_name = 'IN_PROGRESS')), "
    "finish_date = COALESCE(w.finish_date, (SELECT "
    "  MIN(COALESCE(h.tstamp, h.reported_on, h.created)) "
    "  FROM work_order_history h WHERE h.work_order_id = w.id "
    "  AND h.valid = 1 AND h.state_name = 'FINISHED')) "
    "WHERE w.id = ?";

/*
 * Reported / planned, in percent, capped at 100.  The division only runs
 * when reported < planned, so the quotient is below 1 and nothing can
 * overflow a DOUBLE (1e15 reported over 1e-300 planned did: error 1690).
 */
static const char recompute_progress_sql[] =
    "UPDATE work_orders w SET "
    "progress_completed = COALESCE((SELECT CASE "
    "  WHEN w.work_amount IS NULL OR w.work_amount <= 0 "
    "    OR SUM(h.work_amount_reported) IS NULL "
    "    OR SUM(h.work_amount_reported) <= 0 THEN 0 "
    "  WHEN SUM(h.work_amount_reported) >= w.work_amount THEN 100 "
    "  ELSE LEAST(100, FLOOR(1e-9 + 100 * "
    "    (SUM(h.work_amount_reported) / w.work_amount))) END "
    "  FROM work_order_history h "
    "  WHERE h.work_order_id = w.id AND h.valid = 1), 0), "
    "progress_completed_updated = UTC_TIMESTAMP() "
    "WHERE w.id = ?";

/* Assignments run left to right: the flag sees the new counts. */
static const char recompute_plan_sql[] =
    "UPDATE work_orders w SET "
    "element_type_plan_total_count = (SELECT COUNT(*) "
    "  FROM work_order_element_type_plans p WHERE p.work_order_id = w.id), "
    "element_type_plan_completed_count = (SELECT COUNT(*) "
    "  FROM work_order_element_type_plans p WHERE p.work_order_id = w.id "
    "  AND p.item_count <= (SELECT COALESCE(SUM(e.item_count), 0) "
    "    FROM work_order_expenditures e "
    "    JOIN work_order_history h ON h.id = e.history_id "
    "    WHERE e.work_order_id = w.id AND h.valid = 1 "
    "    AND e.element_type_uuid = p.element_type_uuid)), "
    "element_type_plan_completed = (element_type_plan_total_count > 0 AND "
    "  element_type_plan_completed_count = element_type_plan_total_count), "
    "element_type_plan_updated = UTC_TIMESTAMP() "
    "WHERE w.id = ?";

static int
work_order_update_by_id(struct db *db, const char *sql, uint64_t id)
{
	return db_exec(db, sql, (struct db_param[]){ DB_I64((int64_t)id) }, 1,
	    NULL, NULL);
}

int
work_order_recompute_state(struct db *db, uint64_t id)
{
	return work_order_update_by_id(db, recompute_state_sql, id);
}

int
work_order_recompute_progress(struct db *db, uint64_t id)
{
	return work_order_update_by_id(db, recompute_progress_sql, id);
}

int
work_order_recompute_plan(struct db *db, uint64_t id)
{
	return work_order_update_by_id(db, recompute_plan_sql, id);
}

int
work_order_recompute_all(struct db *db, uint64_t id)
{
	int rc;

	if ((rc = work_order_recompute_state(db, id)) != DB_OK ||
	    (rc = work_order_recompute_progress(db, id)) != DB_OK)
		return rc;
	return work_order_recompute_plan(db, id);
}
