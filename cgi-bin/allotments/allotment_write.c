/* allotment_write: what the family's writes share (allotment_write.h). */
#include <stdio.h>
#include <string.h>

#include "allotment_write.h"
#include "auth.h"
#include "config.h"
#include "datetime.h"
#include "db.h"
#include "envelope.h"
#include "inventory.h"
#include "request.h"
#include "validate.h"
#include "write.h"

/* One query: the allotment and its establishment's business date. */
static const char head_sql[] =
    "SELECT a.establishment_id, a.rate_plan_id, a.status, a.cutoff_state, "
    "DATE_FORMAT(a.period_from, '%Y-%m-%d'), "
    "DATE_FORMAT(a.period_to, '%Y-%m-%d'), "
    "DATE_FORMAT(a.cutoff_date, '%Y-%m-%d'), "
    "a.penalty_per_room_night_cents IS NOT NULL, "
    "DATE_FORMAT(e.business_date, '%Y-%m-%d') "
    "FROM allotments a JOIN establishments e ON e.id = a.establishment_id "
    "WHERE a.id = ?";

int
allotment_inventory_ready(struct db *db, const char *establishment_id,
    int32_t business_date, int32_t horizon_end, int32_t period_to)
{
	return inventory_ensure(db, establishment_id, business_date,
	    horizon_end - 1, period_to - 1);
}

int
allotment_take_inventory(struct db *db, const char *unit_type_id,
    int32_t from, int32_t until, int qty, struct write_refusal *why)
{
	int rc = inventory_take(db, unit_type_id, INVENTORY_COMMITTED, from,
	    until, qty, NULL);

	if (rc == INVENTORY_SATURATED)
		return write_refuse(why, "CAPACITY_SATURATED", NULL);
	/* Rows were made ready first: a missing one is a bug, not a 409. */
	return rc == INVENTORY_NOT_MATERIALISED ? DB_ERR_FAILED : rc;
}

int
allotment_head_load(struct request *rq, struct allotment_head *h)
{
	struct validation v = { 0 };
	struct db_rows *rows = NULL;
	int rc;

	memset(h, 0, sizeof(*h));
	if (uuid_parse(request_path_param(rq, "id"), h->id) != 0) {
		validation_add(&v, "id", REASON_BAD_UUID);
		respond_validation(rq, &v);
		return -1;
	}
	if ((rc = db_query(rq->db, head_sql, (struct db_param[]){
	    DB_STR(h->id) }, 1, &rows)) != DB_OK) {
		respond_db_failure(rq, rc);
		return -1;
	}
	if (rows->nrows == 0) {
		respond_error(rq, "ALLOTMENT_NOT_FOUND");
		rc = -1;
	} else if (!auth_scope_allows(rq, db_cell(rows, 0, 0))) {
		respond_error(rq, "OUT_OF_SCOPE");
		rc = -1;
	} else {
		snprintf(h->establishment, sizeof(h->establishment), "%s",
		    db_cell(rows, 0, 0));
		snprintf(h->rate_plan, sizeof(h->rate_plan), "%s",
		    db_cell(rows, 0, 1));
		snprintf(h->status, sizeof(h->status), "%s",
		    db_cell(rows, 0, 2));
		h->cutoff_done = strcmp(db_cell(rows, 0, 3), "done") == 0;
		h->has_penalty = strcmp(db_cell(rows, 0, 7), "1") == 0;
		if (date_parse(db_cell(rows, 0, 4), &h->period_from) != 0 ||
		    date_parse(db_cell(rows, 0, 5), &h->period_to) != 0 ||
		    date_parse(db_cell(rows, 0, 6), &h->cutoff) != 0 ||
		    date_parse(db_cell(rows, 0, 8), &h->business_date) != 0) {
			respond_error(rq, "INTERNAL_ERROR");
			rc = -1;
		}
	}
	db_rows_free(rows);
	h->horizon_end = h->business_date + rq->cfg->horizon_days;
	return rc != 0 ? -1 : 0;
}
