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

static const char head_sql[] = ALLOTMENT_HEAD_SELECT ALLOTMENT_HEAD_FROM;

/* Column col of row 0; "" for SQL NULL. */
static const char *
head_cell(const struct db_rows *rows, int col)
{
	const char *s = db_cell(rows, 0, col);

	return s != NULL ? s : "";
}

int
allotment_head_parse(const struct db_rows *rows, int horizon_days,
    struct allotment_head *h)
{
	if (rows->nrows < 1 || rows->ncols < ALLOTMENT_HEAD_COLUMNS)
		return -1;
	snprintf(h->establishment, sizeof(h->establishment), "%s",
	    head_cell(rows, 0));
	snprintf(h->rate_plan, sizeof(h->rate_plan), "%s", head_cell(rows, 1));
	snprintf(h->status, sizeof(h->status), "%s", head_cell(rows, 2));
	h->cutoff_done = strcmp(head_cell(rows, 3), "done") == 0;
	h->has_penalty = strcmp(head_cell(rows, 7), "1") == 0;
	if (date_parse(head_cell(rows, 4), &h->period_from) != 0 ||
	    date_parse(head_cell(rows, 5), &h->period_to) != 0 ||
	    date_parse(head_cell(rows, 6), &h->cutoff) != 0 ||
	    date_parse(head_cell(rows, 8), &h->business_date) != 0)
		return -1;
	h->horizon_end = h->business_date + horizon_days;
	return 0;
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
	} else if (allotment_head_parse(rows, rq->cfg->horizon_days, h) != 0) {
		respond_error(rq, "INTERNAL_ERROR");
		rc = -1;
	}
	db_rows_free(rows);
	return rc != 0 ? -1 : 0;
}
