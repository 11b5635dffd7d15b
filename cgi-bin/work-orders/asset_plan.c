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

enum asset_action { ASSET_JOIN, ASSET_REMOVE_BY_ASSET, ASSET_REMOVE_BY_ENTRY };

struct asset_ctx {
	enum asset_action action;
	char wo_uuid[UUID_STR_LEN + 1];
	char target[UUID_STR_LEN + 1];	/* asset or entry uuid */
	struct work_order_result res;
};

static int
asset_join(struct db *db, struct asset_ctx *ctx, uint64_t wo_id)
{
	struct db_rows *rows;
	int rc, n;

	if ((rc = work_order_ref_check(db, "asset", "Asset", ctx->target,
	    &ctx->res)) != WO_OK)
		return rc;
	if ((rc = db_query(db, asset_plan_count_sql, (struct db_param[]){
	    DB_I64((int64_t)wo_id), DB_STR(ctx->target) }, 2, &rows)) != DB_OK)
		return rc;
	n = atoi(db_cell(rows, 0, 0));
	db_rows_free(rows);
	if (n > 0)
		return work_order_fail(&ctx->res, WO_REFUSED,
		    "Asset already in the plan of this work order: %s",
		    ctx->target);
	if (uuid_generate(ctx->res.uuid) != 0)
		return DB_ERR_FAILED;
	return db_exec(db, asset_plan_insert_sql, (struct db_param[]){
	    DB_STR(ctx->res.uuid), DB_I64((int64_t)wo_id), DB_STR(ctx->target) },
	    3, NULL, &ctx->res.id);
}

static int
asset_remove(struct db *db, struct asset_ctx *ctx, uint64_t wo_id)
{
	int by_asset = ctx->action == ASSET_REMOVE_BY_ASSET;
	struct db_rows *rows;
	int rc;

	rc = db_query(db, by_asset ? asset_plan_by_asset_sql :
	    asset_plan_by_uuid_sql, (struct db_param[]){
	    DB_I64((int64_t)wo_id), DB_STR(ctx->target) }, 2, &rows);
	if (rc != DB_OK)
		return rc;
	if (rows->nrows == 0)
		rc = work_order_fail(&ctx->res, WO_NOT_FOUND, by_asset ?
		    "Asset not in the plan of this work order: %s" :
		    "Asset plan entry not found in this work order: %s",
		    ctx->target);
	else if (rows->nrows > 1)
		rc = work_order_fail(&ctx->res, WO_REFUSED, by_asset ?
		    "Asset is in the plan more than once, remove it by its "
		    "plan entry uuid: %s" : "duplicated entry: %s", ctx->target);
	else {
		ctx->res.id = strtoull(db_cell(rows, 0, 0), NULL, 10);
		memcpy(ctx->res.uuid, db_cell(rows, 0, 1), UUID_STR_LEN + 1);
	}
	db_rows_free(rows);
	if (rc != WO_OK)
		return rc;
	return db_exec(db, asset_plan_delete_sql, (struct db_param[]){
	    DB_I64((int64_t)ctx->res.id) }, 1, NULL, NULL);
}

static int
asset_tx(struct db *db, void *arg)
{
	struct asset_ctx *ctx = arg;
	uint64_t wo_id;
	int rc;

	if ((rc = work_order_lock(db, ctx->wo_uuid, &wo_id, &ctx->res)) != WO_OK)
		return rc;
	return ctx->action == ASSET_JOIN ? asset_join(db, ctx, wo_id) :
	    asset_remove(db, ctx, wo_id);
}

static int
asset_plan_handle(struct request *rq, enum asset_action action)
{
	struct asset_ctx ctx;
	int rc;

	memset(&ctx, 0, sizeof(ctx));
	ctx.action = action;
	if ((rc = work_order_path_uuid(rq, "workOrderUuid", "Work Order",
	    ctx.wo_uuid, &ctx.res)) == WO_OK &&
	    (rc = work_order_path_uuid(rq, "uuid", action ==
	    ASSET_REMOVE_BY_ENTRY ? "asset plan entry" : "asset", ctx.target,
	    &ctx.res)) == WO_OK)
		rc = db_transaction(rq->db, asset_tx, &ctx);
	return work_order_answer(rq, rc, &ctx.res);
}

int
work_order_asset_join(struct request *rq)
{
	return asset_plan_handle(rq, ASSET_JOIN);
}

int
work_order_asset_remove(struct request *rq)
{
	return asset_plan_handle(rq, ASSET_REMOVE_BY_ASSET);
}

int
work_order_asset_plan_remove(struct request *rq)
{
	return asset_plan_handle(rq, ASSET_REMOVE_BY_ENTRY);
}
