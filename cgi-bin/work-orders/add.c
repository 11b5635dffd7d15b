/*
 * POST /add: a new work order from a WorkOrderDto.  `id` must not be sent;
 * `uuid` is kept when given (uniqueness is not checked, as the seed says)
 * and generated otherwise.  Every referenced uuid must exist with its kind
 * (else HTTP 400, errorCode 404, naming it).  Checks and insert are one
 * transaction.
 */
#include "request.h"
#include "work_order.h"

/* A uuid seen before: its first work order now says it is shared
   (schema/007; a trigger cannot do it).  Touches no row for a new uuid,
   whose uuid_key row is the one just inserted. */
static const char work_order_mark_shared_sql[] =
    "UPDATE work_orders SET uuid_shared = TRUE "
    "WHERE uuid_key = ? AND id <> ? AND NOT uuid_shared";

static int
work_order_add_tx(struct db *db, void *arg, struct write_refusal *why)
{
	struct work_order_write *w = arg;
	struct db_param p[1 + WORK_ORDER_NWRITABLE];
	struct work_order_params wp;
	int rc;

	if ((rc = work_order_check_refs(db, w->body, why)) != DB_OK)
		return rc;
	p[0] = DB_STR(w->uuid);
	work_order_params(w->body, &wp, p + 1);
	rc = db_exec(db, work_order_insert_sql, p, 1 + WORK_ORDER_NWRITABLE,
	    NULL, &w->id);
	/* Only uq_work_orders_uuid_key can clash: a concurrent first insert of
	   the same uuid.  Again, the trigger then sees it (schema/006). */
	if (rc == DB_ERR_DUPLICATE)
		return db_tx_retry(db);
	if (rc != DB_OK)
		return rc;
	return db_exec(db, work_order_mark_shared_sql, (struct db_param[]){
	    DB_STR(w->uuid), DB_I64((int64_t)w->id) }, 2, NULL, NULL);
}

static const struct work_order_write_def work_order_add_def = {
	.fields = work_order_fields,
	.kind = WRITE_CREATE,
	.apply = work_order_add_tx,
};

int
work_order_add(struct request *rq)
{
	return work_order_write_run(rq, &work_order_add_def);
}
