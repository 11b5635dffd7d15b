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
plan_params(const cJSON *body, char et[BIND_BUF_LEN], struct db_param *p)
{
	p[0] = bind_member(body, plan_add_fields, "elementTypeUuid", et);
	p[1] = bind_member(body, plan_add_fields, "itemCount", NULL);
	p[2] = bind_member(body, plan_add_fields, "category", NULL);
	p[3] = bind_member(body, plan_add_fields, "code", NULL);
}

static int
plan_add_tx(struct db *db, void *arg, struct write_refusal *why)
{
	struct work_order_write *w = arg;
	struct db_param p[6];
	char et[BIND_BUF_LEN];
	uint64_t wo_id;
	int rc;

	if ((rc = work_order_lock(db, w->path_uuid, &wo_id, why)) != DB_OK ||
	    (rc = work_order_same_parent(w->body, w->path_uuid,
	    why)) != DB_OK ||
	    (rc = work_order_ref_check(db, "element_type", "Element type",
	    json_get_string(w->body, "elementTypeUuid"), why)) != DB_OK)
		return rc;
	p[0] = DB_STR(w->uuid);
	p[1] = DB_I64((int64_t)wo_id);
	plan_params(w->body, et, p + 2);
	if ((rc = db_exec(db, plan_insert_sql, p, 6, NULL, &w->id)) != DB_OK)
		return rc;
	return work_order_recompute_plan(db, wo_id);
}

static const struct work_order_write_def plan_add_def = {
	.path_param = "uuid",
	.path_what = "Work Order",
	.fields = plan_add_fields,
	.kind = WRITE_CREATE,
	.apply = plan_add_tx,
};

int
work_order_plan_add(struct request *rq)
{
	return work_order_write_run(rq, &plan_add_def);
}

static int
plan_edit_tx(struct db *db, void *arg, struct write_refusal *why)
{
	struct work_order_write *w = arg;
	char et[BIND_BUF_LEN], wo_uuid[UUID_STR_LEN + 1];
	struct db_param p[5];
	uint64_t wo_id;
	int rc;

	if ((rc = work_order_child_lock(db, plan_find_sql, plan_relock_sql,
	    "Element type plan item", w->path_uuid, &w->id, &wo_id,
	    wo_uuid, why)) != DB_OK ||
	    (rc = work_order_same_parent(w->body, wo_uuid, why)) != DB_OK ||
	    (rc = work_order_ref_check(db, "element_type", "Element type",
	    json_get_string(w->body, "elementTypeUuid"), why)) != DB_OK)
		return rc;
	plan_params(w->body, et, p);
	p[4] = DB_I64((int64_t)w->id);
	if ((rc = db_exec(db, plan_update_sql, p, 5, NULL, NULL)) != DB_OK)
		return rc;
	return work_order_recompute_plan(db, wo_id);
}

static const struct work_order_write_def plan_edit_def = {
	.path_param = "uuid",
	.path_what = "Element type plan item",
	.fields = plan_edit_fields,
	.kind = WRITE_CHANGE,
	.apply = plan_edit_tx,
};

int
work_order_plan_edit(struct request *rq)
{
	return work_order_write_run(rq, &plan_edit_def);
}

static int
plan_delete_tx(struct db *db, void *arg, struct write_refusal *why)
{
	struct work_order_write *w = arg;
	char wo_uuid[UUID_STR_LEN + 1];
	uint64_t wo_id;
	int rc;

	if ((rc = work_order_child_lock(db, plan_find_sql, plan_relock_sql,
	    "Element type plan item", w->path_uuid, &w->id, &wo_id,
	    wo_uuid, why)) != DB_OK ||
	    (rc = db_exec(db, plan_delete_sql, (struct db_param[]){
	    DB_I64((int64_t)w->id) }, 1, NULL, NULL)) != DB_OK)
		return rc;
	return work_order_recompute_plan(db, wo_id);
}

static const struct work_order_write_def plan_delete_def = {
	.path_param = "uuid",
	.path_what = "Element type plan item",
	.kind = WRITE_CHANGE,
	.apply = plan_delete_tx,
};

int
work_order_plan_delete(struct request *rq)
{
	return work_order_write_run(rq, &plan_delete_def);
}
