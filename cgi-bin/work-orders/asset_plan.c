/*
 * Asset plan of a work order (seed "Plan zasobów"), no request body:
 *   POST /asset-plan/{workOrderUuid}/join-asset-to-plan-by-uuid/{assetUuid}
 *   POST /asset-plan/{workOrderUuid}/remove-asset-from-plan-by-uuid/{assetUuid}
 *   POST /asset-plan/{workOrderUuid}/remove-asset-plan-by-uuid/{entryUuid}
 * An asset is in a plan at most once (joining it again: 400); removal by
 * asset refuses an asset found twice (400: use the entry uuid).
 */
#include <stdlib.h>
#include <string.h>

#include "request.h"
#include "work_order.h"

static const char asset_plan_count_sql[] =
    "SELECT COUNT(*) FROM work_order_asset_plans "
    "WHERE work_order_id = ? AND asset_uuid = ?";
static const char asset_plan_insert_sql[] =
    "INSERT INTO work_order_asset_plans (uuid, work_order_id, asset_uuid, "
    "created) VALUES (?, ?, ?, UTC_TIMESTAMP())";
static const char asset_plan_by_asset_sql[] =
    "SELECT id, uuid FROM work_order_asset_plans "
    "WHERE work_order_id = ? AND asset_uuid = ? LIMIT 2";
static const char asset_plan_by_uuid_sql[] =
    "SELECT id, uuid FROM work_order_asset_plans "
    "WHERE work_order_id = ? AND uuid = ? LIMIT 2";
static const char asset_plan_delete_sql[] =
    "DELETE FROM work_order_asset_plans WHERE id = ?";

static int
asset_join_tx(struct db *db, void *arg, struct write_refusal *why)
{
	struct work_order_write *w = arg;
	struct db_rows *rows;
	uint64_t wo_id;
	int rc, n;

	if ((rc = work_order_lock(db, w->path_uuid, &wo_id, why)) != DB_OK ||
	    (rc = work_order_ref_check(db, "asset", "Asset", w->target_uuid,
	    why)) != DB_OK)
		return rc;
	if ((rc = db_query(db, asset_plan_count_sql, (struct db_param[]){
	    DB_I64((int64_t)wo_id), DB_STR(w->target_uuid) }, 2,
	    &rows)) != DB_OK)
		return rc;
	n = atoi(db_cell(rows, 0, 0));
	db_rows_free(rows);
	if (n > 0)
		return write_refuse(why, "WORK_ORDER_REFUSED",
		    "Asset already in the plan of this work order: %s",
		    w->target_uuid);
	if (uuid_generate(w->uuid) != 0)
		return DB_ERR_FAILED;
	return db_exec(db, asset_plan_insert_sql, (struct db_param[]){
	    DB_STR(w->uuid), DB_I64((int64_t)wo_id), DB_STR(w->target_uuid) },
	    3, NULL, &w->id);
}

/* Removal by asset (by_asset) or by plan entry uuid. */
static int
asset_remove(struct db *db, struct work_order_write *w, int by_asset,
    struct write_refusal *why)
{
	struct db_rows *rows;
	uint64_t wo_id;
	int rc;

	if ((rc = work_order_lock(db, w->path_uuid, &wo_id, why)) != DB_OK)
		return rc;
	rc = db_query(db, by_asset ? asset_plan_by_asset_sql :
	    asset_plan_by_uuid_sql, (struct db_param[]){
	    DB_I64((int64_t)wo_id), DB_STR(w->target_uuid) }, 2, &rows);
	if (rc != DB_OK)
		return rc;
	if (rows->nrows == 0)
		rc = write_refuse(why, "REFERENCE_NOT_FOUND", by_asset ?
		    "Asset not in the plan of this work order: %s" :
		    "Asset plan entry not found in this work order: %s",
		    w->target_uuid);
	else if (rows->nrows > 1)
		rc = write_refuse(why, by_asset ? "WORK_ORDER_REFUSED" :
		    "DUPLICATED_ENTRY", by_asset ?
		    "Asset is in the plan more than once, remove it by its "
		    "plan entry uuid: %s" : "duplicated entry: %s",
		    w->target_uuid);
	else {
		w->id = strtoull(db_cell(rows, 0, 0), NULL, 10);
		memcpy(w->uuid, db_cell(rows, 0, 1), UUID_STR_LEN + 1);
	}
	db_rows_free(rows);
	if (rc != DB_OK)
		return rc;
	return db_exec(db, asset_plan_delete_sql, (struct db_param[]){
	    DB_I64((int64_t)w->id) }, 1, NULL, NULL);
}

static int
asset_remove_by_asset_tx(struct db *db, void *arg, struct write_refusal *why)
{
	return asset_remove(db, arg, 1, why);
}

static int
asset_remove_by_entry_tx(struct db *db, void *arg, struct write_refusal *why)
{
	return asset_remove(db, arg, 0, why);
}

#define ASSET_PLAN_DEF(what, fn) { .path_param = "workOrderUuid", \
	.path_what = "Work Order", .target_param = "uuid", \
	.target_what = what, .kind = WRITE_OTHER, .apply = fn }

static const struct work_order_write_def asset_join_def =
    ASSET_PLAN_DEF("asset", asset_join_tx);
static const struct work_order_write_def asset_remove_def =
    ASSET_PLAN_DEF("asset", asset_remove_by_asset_tx);
static const struct work_order_write_def asset_plan_remove_def =
    ASSET_PLAN_DEF("asset plan entry", asset_remove_by_entry_tx);

int
work_order_asset_join(struct request *rq)
{
	return work_order_write_run(rq, &asset_join_def);
}

int
work_order_asset_remove(struct request *rq)
{
	return work_order_write_run(rq, &asset_remove_def);
}

int
work_order_asset_plan_remove(struct request *rq)
{
	return work_order_write_run(rq, &asset_plan_remove_def);
}
