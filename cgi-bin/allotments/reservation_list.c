/*
 * GET /v1/allotments/{id}/reservations?page=&size=: the rooming list, the
 * allotment's pickups in creation order (created_at, then id), cancelled
 * ones included with "status":"cancelled", each as reservation_json
 * answers it (docs/allotments.md "Answers"), in the list shape of SPEC
 * 2.7 with total counting every pickup of the allotment.  Any
 * authenticated key: 400 for an id that is not a uuid or a bad page /
 * size, 404 ALLOTMENT_NOT_FOUND, 403 OUT_OF_SCOPE as GET answers them.
 *
 * One query whatever the page: the allotment's establishment, its pickup
 * count and the page of pickups (a derived table with LIMIT); no row
 * means no such allotment, one row with NULL pickup columns an empty
 * page.
 */
#include "allotments.h"
#include "auth.h"
#include "db.h"
#include "envelope.h"
#include "list.h"
#include "query.h"
#include "request.h"
#include "uuid.h"
#include "validate.h"

/* Columns 0-1, then the pickup's from LIST_COL_RESERVATION on. */
#define LIST_COL_ESTABLISHMENT 0
#define LIST_COL_TOTAL 1
#define LIST_COL_RESERVATION 2
static const char reservation_list_sql[] =
    "SELECT a.establishment_id, (SELECT COUNT(*) "
    "  FROM allotment_reservations c WHERE c.allotment_id = a.id), "
    RESERVATION_COLUMNS " FROM allotments a "
    "LEFT JOIN (SELECT * FROM allotment_reservations WHERE allotment_id = ? "
    "  ORDER BY created_at, id LIMIT ? OFFSET ?) r "
    "  ON r.allotment_id = a.id "
    "WHERE a.id = ? ORDER BY r.created_at, r.id";

int
reservation_list(struct request *rq)
{
	char id[UUID_STR_LEN + 1];
	struct validation v = { 0 };
	struct db_rows *rows = NULL;
	int64_t page, size;
	int rc = 0;

	if (uuid_parse(request_path_param(rq, "id"), id) != 0)
		validation_add(&v, "id", REASON_BAD_UUID);
	query_page(rq, &page, &size, &v);
	if (v.count > 0) {
		rc = respond_validation(rq, &v);
		goto done;
	}
	rc = db_query(rq->db, reservation_list_sql, (struct db_param[]){
	    DB_STR(id), DB_I64(size), DB_I64((page - 1) * size), DB_STR(id) },
	    4, &rows);
	if (rc != DB_OK) {
		rc = respond_db_failure(rq, rc);
		goto done;
	}
	if (rows->nrows == 0) {
		rc = respond_error(rq, "ALLOTMENT_NOT_FOUND");
		goto done;
	}
	if (!auth_scope_allows(rq, db_cell(rows, 0, LIST_COL_ESTABLISHMENT))) {
		rc = respond_error(rq, "OUT_OF_SCOPE");
		goto done;
	}
	rc = list_respond(rq, rows, LIST_COL_RESERVATION, LIST_COL_TOTAL,
	    reservation_json, page, size);
done:
	db_rows_free(rows);
	return rc;
}
