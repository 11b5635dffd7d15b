/*
 * POST /add: a new work order from a WorkOrderDto.  `id` must not be sent;
 * `uuid` is kept when given (uniqueness is not checked, as the seed says)
 * and generated otherwise.  Every referenced uuid must exist with its kind
 * (else HTTP 400, errorCode 404, naming it).  Checks and insert are one
 * transaction.
 */
#include "request.h"
#include "work_order.h"

static const char work_order_insert_sql[] =
    "INSERT INTO work_orders (uuid, name, description, type_uuid, "
    "state_name, priority_name, archived, contract_uuid, contract_scope_uuid, "
    "account_uuid, created, begin_date, deadline_date, notes, start_date, "
    "finish_date, assigned_department_uuid, assigned_user_uuid, "
    "assigned_contractor_uuid, verify_user_uuid, protocol_number, "
    "parent_uuid, customer_uuid, location_uuid, place_of_work_uuid, budget, "
    "hours_estimated, work_amount, work_amount_unit, work_unit_minutes_total, "
    "work_unit_minutes, work_unit_price) VALUES (?, ?, ?, ?, "
    "COALESCE(?, 'NEW'), COALESCE(?, 'NORMAL'), COALESCE(?, 0), ?, ?, ?, "
    "UTC_TIMESTAMP(), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
    "?, ?, ?)";

/* A uuid seen before: its first work order now says it is shared
   (schema/007; a trigger cannot do it).  Touches no row for a new uuid,
   whose uuid_key row is the one just inserted. */
static const char work_order_mark_shared_sql[] =
    "UPDATE work_orders SET uuid_shared = TRUE "
    "WHERE uuid_key = ? AND id <> ? AND NOT uuid_shared";

static int
work_order_add_tx(struct db *db, void *arg)
{
	struct work_order_write *ctx = arg;
	struct db_param p[1 + WORK_ORDER_NWRITABLE];
	struct work_order_params wp;
	int rc;

	if ((rc = work_order_check_refs(db, ctx->body, &ctx->res)) != WO_OK)
		return rc;
	p[0] = DB_STR(ctx->res.uuid);
	work_order_params(ctx->body, &wp, p + 1);
	rc = db_exec(db, work_order_insert_sql, p, 1 + WORK_ORDER_NWRITABLE,
	    NULL, &ctx->res.id);
	/* Only uq_work_orders_uuid_key can clash: a concurrent first insert of
	   the same uuid.  Again, the trigger then sees it (schema/006). */
	if (rc == DB_ERR_DUPLICATE)
		return DB_ERR_RETRY;
	if (rc != DB_OK)
		return rc;
	return db_exec(db, work_order_mark_shared_sql, (struct db_param[]){
	    DB_STR(ctx->res.uuid), DB_I64((int64_t)ctx->res.id) }, 2, NULL, NULL);
}

int
work_order_add(struct request *rq)
{
	return work_order_write_run(rq, NULL, work_order_fields, WRITE_CREATE,
	    work_order_add_tx);
}
