/*
 * POST /edit/{uuid}: partial update of a work order; only the non-null
 * fields of the WorkOrderDto change (seed).  `id` and `uuid` may be posted
 * back as get/by-uuid gave them, and are refused when they name another
 * work order; the server-maintained fields are ignored (SPEC 3).
 * References are checked as on add; a workAmount that changes recomputes
 * progress.
 * One transaction.
 */
#include <string.h>

#include "json.h"
#include "request.h"
#include "work_order.h"

/* What a body says of the record itself must be this record: nothing a
   client sends is silently ignored. */
static int
work_order_edit_same_record(const struct work_order_write *w,
    struct write_refusal *why)
{
	const cJSON *id = json_get(w->body, "id");
	const char *s;
	char parent[UUID_STR_LEN + 1], uuid[UUID_STR_LEN + 1];

	if (id != NULL && cJSON_IsNumber(id) &&
	    id->valuedouble != (double)w->id)
		return write_refuse(why, "WORK_ORDER_REFUSED",
		    "id %.0f is not the id of Work Order %s (%llu)",
		    id->valuedouble, w->uuid, (unsigned long long)w->id);
	if ((s = json_get_string(w->body, "uuid")) != NULL &&
	    (uuid_parse(s, uuid) != 0 || strcmp(uuid, w->uuid) != 0))
		return write_refuse(why, "WORK_ORDER_REFUSED",
		    "uuid %s is not the uuid of Work Order %s", s, w->uuid);
	if ((s = json_get_string(w->body, "parentUuid")) != NULL &&
	    uuid_parse(s, parent) == 0 && strcmp(parent, w->uuid) == 0)
		return write_refuse(why, "WORK_ORDER_REFUSED",
		    "A work order cannot be its own parent");
	return DB_OK;
}

/*
 * Whether the edit gives workAmount a new value (null leaves it alone).
 * Only then is progress recomputed: a GET-modify-POST round trip sends
 * the same workAmount back, and must not move progressCompletedUpdated.
 * Read before the UPDATE, under the row lock work_order_lock took.
 */
static int
work_order_edit_amount_changes(struct db *db, const struct work_order_write *w,
    int *changes)
{
	static const char same_sql[] =
	    "SELECT 1 FROM work_orders WHERE id = ? AND work_amount <=> ?";
	const cJSON *a = json_get(w->body, "workAmount");
	struct db_rows *rows = NULL;
	int rc;

	*changes = 0;
	if (a == NULL || !cJSON_IsNumber(a))
		return DB_OK;
	rc = db_query(db, same_sql, (struct db_param[]){
	    DB_I64((int64_t)w->id), DB_DOUBLE(a->valuedouble) }, 2, &rows);
	if (rc == DB_OK)
		*changes = rows->nrows == 0;
	db_rows_free(rows);
	return rc;
}

static int
work_order_edit_tx(struct db *db, void *arg, struct write_refusal *why)
{
	struct work_order_write *w = arg;
	struct db_param p[WORK_ORDER_NWRITABLE + 1];
	struct work_order_params wp;
	int rc, amount_changes;

	if ((rc = work_order_lock(db, w->uuid, &w->id, why)) != DB_OK ||
	    (rc = work_order_edit_same_record(w, why)) != DB_OK ||
	    (rc = work_order_check_refs(db, w->body, why)) != DB_OK ||
	    (rc = work_order_edit_amount_changes(db, w, &amount_changes)) !=
	    DB_OK)
		return rc;
	work_order_params(w->body, &wp, p);
	p[WORK_ORDER_NWRITABLE] = DB_I64((int64_t)w->id);
	if ((rc = db_exec(db, work_order_update_sql, p,
	    WORK_ORDER_NWRITABLE + 1, NULL, NULL)) != DB_OK)
		return rc;
	if (amount_changes)
		return work_order_recompute_progress(db, w->id);
	return DB_OK;
}

static const struct work_order_write_def work_order_edit_def = {
	.path_param = "uuid",
	.path_what = "Work Order",
	.fields = work_order_edit_fields,
	.kind = WRITE_CHANGE,
	.apply = work_order_edit_tx,
};

int
work_order_edit(struct request *rq)
{
	return work_order_write_run(rq, &work_order_edit_def);
}
