/*
 * Element-type (material) plan of a work order (seed "Plan materiałowy"):
 *   POST   /add-workorder-elementtype-plan/{workOrderUuid}
 *   POST   /edit-workorder-elementtype-plan/{planItemUuid}   partial
 *   DELETE /delete-workorder-elementtype-plan/{planItemUuid}
 * Each change recomputes the plan counts in the same transaction.
 */
#include <string.h>

#include "json.h"
#include "request.h"
#include "work_order.h"

#define PLAN_FIELDS(required) \
	{ .name = "id", .kind = FIELD_INT, .flags = F_FORBIDDEN }, \
	{ .name = "uuid", .kind = FIELD_UUID, .flags = F_NULLABLE }, \
	{ .name = "workOrderUuid", .kind = FIELD_UUID, .flags = F_NULLABLE }, \
	{ .name = "elementTypeUuid", .kind = FIELD_UUID, .flags = (required) }, \
	{ .name = "itemCount", .kind = FIELD_NUMBER, .flags = (required), \
	  .dmin = 0, .dmax = 1e15 }, \
	{ .name = "category", .kind = FIELD_STRING, .flags = F_NULLABLE, \
	  .max = 255 }, \
	{ .name = "code", .kind = FIELD_STRING, .flags = F_NULLABLE, .max = 255 }, \
	{ .name = NULL }

static const struct field plan_add_fields[] = { PLAN_FIELDS(F_REQUIRED) };
static const struct field plan_edit_fields[] = { PLAN_FIELDS(F_NULLABLE) };

static const char plan_insert_sql[] =
    "INSERT INTO work_order_element_type_plans (uuid, work_order_id, "
    "element_type_uuid, item_count, category, code, created) "
    "VALUES (?, ?, ?, ?, ?, ?, UTC_TIMESTAMP())";
static const char plan_update_sql[] =
    "UPDATE work_order_element_type_plans SET "
    "element_type_uuid = COALESCE(?, element_type_uuid), "
    "item_count = COALESCE(?, item_count), "
    "category = COALESCE(?, category), code = COALESCE(?, code) "
    "WHERE id = ?";
static const char plan_find_sql[] =
    "SELECT p.id, p.work_order_id, w.uuid FROM work_order_element_type_plans p "
    "JOIN work_orders w ON w.id = p.work_order_id WHERE p.uuid = ? LIMIT 2";
static const char plan_relock_sql[] =
    "SELECT id FROM work_order_element_type_plans WHERE id = ? FOR UPDATE";
static const char plan_delete_sql[] =
    "DELETE FROM work_order_element_type_plans WHERE id = ?";

/* elementTypeUuid, itemCount, category, code: bound into p[0..3]. */
static void
plan_params(const cJSON *body, char et[40], struct db_param *p)
{
	p[0] = work_order_param(body, "elementTypeUuid", et, 40);
	p[1] = work_order_param(body, "itemCount", NULL, 0);
	p[2] = work_order_param(body, "category", NULL, 0);
	p[3] = work_order_param(body, "code", NULL, 0);
}

static int
plan_add_tx(struct db *db, void *arg)
{
	struct work_order_write *ctx = arg;
	struct db_param p[6];
	char et[40];
	uint64_t wo_id;
	int rc;

	if ((rc = work_order_lock(db, ctx->path_uuid, &wo_id, &ctx->res)) != WO_OK ||
	    (rc = work_order_same_parent(ctx->body, ctx->path_uuid,
	    &ctx->res)) != WO_OK ||
	    (rc = work_order_ref_check(db, "element_type", "Element type",
	    json_get_string(ctx->body, "elementTypeUuid"), &ctx->res)) != WO_OK)
		return rc;
	p[0] = DB_STR(ctx->res.uuid);
	p[1] = DB_I64((int64_t)wo_id);
	plan_params(ctx->body, et, p + 2);
	if ((rc = db_exec(db, plan_insert_sql, p, 6, NULL, &ctx->res.id)) != DB_OK)
		return rc;
	return work_order_recompute_plan(db, wo_id);
}

int
work_order_plan_add(struct request *rq)
{
	return work_order_write_run(rq, "Work Order", plan_add_fields,
	    WRITE_CREATE, plan_add_tx);
}

static int
plan_edit_tx(struct db *db, void *arg)
{
	struct work_order_write *ctx = arg;
	char et[40], wo_uuid[UUID_STR_LEN + 1];
	struct db_param p[5];
	uint64_t wo_id;
	int rc;

	if ((rc = work_order_child_lock(db, plan_find_sql, plan_relock_sql,
	    "Element type plan item", ctx->path_uuid, &ctx->res.id, &wo_id,
	    wo_uuid, &ctx->res)) != WO_OK ||
	    (rc = work_order_same_parent(ctx->body, wo_uuid, &ctx->res)) != WO_OK ||
	    (rc = work_order_ref_check(db, "element_type", "Element type",
	    json_get_string(ctx->body, "elementTypeUuid"), &ctx->res)) != WO_OK)
		return rc;
	plan_params(ctx->body, et, p);
	p[4] = DB_I64((int64_t)ctx->res.id);
	if ((rc = db_exec(db, plan_update_sql, p, 5, NULL, NULL)) != DB_OK)
		return rc;
	return work_order_recompute_plan(db, wo_id);
}

int
work_order_plan_edit(struct request *rq)
{
	return work_order_write_run(rq, "Element type plan item",
	    plan_edit_fields, WRITE_CHANGE, plan_edit_tx);
}

static int
plan_delete_tx(struct db *db, void *arg)
{
	struct work_order_write *ctx = arg;
	char wo_uuid[UUID_STR_LEN + 1];
	uint64_t wo_id;
	int rc;

	if ((rc = work_order_child_lock(db, plan_find_sql, plan_relock_sql,
	    "Element type plan item", ctx->path_uuid, &ctx->res.id, &wo_id,
	    wo_uuid, &ctx->res)) != WO_OK ||
	    (rc = db_exec(db, plan_delete_sql, (struct db_param[]){
	    DB_I64((int64_t)ctx->res.id) }, 1, NULL, NULL)) != DB_OK)
		return rc;
	return work_order_recompute_plan(db, wo_id);
}

int
work_order_plan_delete(struct request *rq)
{
	return work_order_write_run(rq, "Element type plan item", NULL,
	    WRITE_CHANGE, plan_delete_tx);
}
