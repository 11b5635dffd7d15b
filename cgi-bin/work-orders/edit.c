/*
 * POST /edit/{uuid}: partial update of a work order; only the non-null
 * fields of the WorkOrderDto change (seed).  `id`, `uuid` and the
 * server-maintained fields are ignored, so a client may post back what
 * get/by-uuid gave it.  References are checked as on add; a new workAmount
 * recomputes progress.  One transaction.
 */
#include <string.h>

#include "json.h"
#include "request.h"
#include "work_order.h"

/* Each column keeps its value when its parameter is NULL. */
static const char work_order_update_sql[] =
    "UPDATE work_orders SET name = COALESCE(?, name), "
    "description = COALESCE(?, description), "
    "type_uuid = COALESCE(?, type_uuid), "
    "state_name = COALESCE(?, state_name), "
    "priority_name = COALESCE(?, priority_name), "
    "archived = COALESCE(?, archived), "
    "contract_uuid = COALESCE(?, contract_uuid), "
    "contract_scope_uuid = COALESCE(?, contract_scope_uuid), "
    "account_uuid = COALESCE(?, account_uuid), "
    "begin_date = COALESCE(?, begin_date), "
    "deadline_date = COALESCE(?, deadline_date), "
    "notes = COALESCE(?, notes), "
    "start_date = COALESCE(?, start_date), "
    "finish_date = COALESCE(?, finish_date), "
    "assigned_department_uuid = COALESCE(?, assigned_department_uuid), "
    "assigned_user_uuid = COALESCE(?, assigned_user_uuid), "
    "assigned_contractor_uuid = COALESCE(?, assigned_contractor_uuid), "
    "verify_user_uuid = COALESCE(?, verify_user_uuid), "
    "protocol_number = COALESCE(?, protocol_number), "
    "parent_uuid = COALESCE(?, parent_uuid), "
    "customer_uuid = COALESCE(?, customer_uuid), "
    "location_uuid = COALESCE(?, location_uuid), "
    "place_of_work_uuid = COALESCE(?, place_of_work_uuid), "
    "budget = COALESCE(?, budget), "
    "hours_estimated = COALESCE(?, hours_estimated), "
    "work_amount = COALESCE(?, work_amount), "
    "work_amount_unit = COALESCE(?, work_amount_unit), "
    "work_unit_minutes_total = COALESCE(?, work_unit_minutes_total), "
    "work_unit_minutes = COALESCE(?, work_unit_minutes), "
    "work_unit_price = COALESCE(?, work_unit_price) "
    "WHERE id = ?";

static int
work_order_edit_tx(struct db *db, void *arg)
{
	struct work_order_write *ctx = arg;
	struct db_param p[WORK_ORDER_NWRITABLE + 1];
	struct work_order_params wp;
	char parent[UUID_STR_LEN + 1];
	const char *s;
	int rc;

	if ((rc = work_order_lock(db, ctx->res.uuid, &ctx->res.id,
	    &ctx->res)) != WO_OK)
		return rc;
	if ((s = json_get_string(ctx->body, "parentUuid")) != NULL &&
	    uuid_parse(s, parent) == 0 && strcmp(parent, ctx->res.uuid) == 0)
		return work_order_fail(&ctx->res, WO_REFUSED,
		    "A work order cannot be its own parent");
	if ((rc = work_order_check_refs(db, ctx->body, &ctx->res)) != WO_OK)
		return rc;
	work_order_params(ctx->body, &wp, p);
	p[WORK_ORDER_NWRITABLE] = DB_I64((int64_t)ctx->res.id);
	if ((rc = db_exec(db, work_order_update_sql, p,
	    WORK_ORDER_NWRITABLE + 1, NULL, NULL)) != DB_OK)
		return rc;
	if (!json_is_absent(ctx->body, "workAmount"))
		return work_order_recompute_progress(db, ctx->res.id);
	return WO_OK;
}

int
work_order_edit(struct request *rq)
{
	return work_order_write_run(rq, "Work Order", work_order_edit_fields,
	    WRITE_CHANGE, work_order_edit_tx);
}
