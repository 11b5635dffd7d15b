/*
 * GET /v1/units?establishmentId=&page=&size=: the units of an
 * establishment, each as GET /v1/units/{unitId} answers it (its current
 * and future blocks included), in the list shape of SPEC 2.7:
 * {"data":[...],"page":{"number","size","total"}}, total counting the
 * establishment's units.  Ordered by unit number (unique per
 * establishment), page from 1, size 1..200 (default 50, lib/query.h); a
 * page past the end is an empty "data".  Any authenticated key: 400 VALIDATION_FAILED
 * listing every bad parameter, then 403 OUT_OF_SCOPE (before any lookup,
 * so a key learns nothing of establishments outside its scope), then 404
 * ESTABLISHMENT_NOT_FOUND.
 *
 * One query whatever the page: the establishment row, its unit count, the
 * page of units (a derived table with LIMIT) and their blocks LEFT JOINed
 * on; no row at all means no such establishment, one row with NULL unit
 * columns an empty page.
 */
#include <cjson/cJSON.h>

#include "db.h"
#include "envelope.h"
#include "list.h"
#include "query.h"
#include "request.h"
#include "units.h"
#include "uuid.h"
#include "validate.h"

/* Columns 0-1, then the unit's from LIST_COL_UNIT on (enum unit_col). */
#define LIST_COL_TOTAL 1
#define LIST_COL_UNIT 2
static const char unit_list_sql[] =
    "SELECT e.id, (SELECT COUNT(*) FROM units c "
    "  WHERE c.establishment_id = e.id), "
    "u.id, u.establishment_id, u.unit_type_id, u.number, u.active, "
    "b.id, b.kind, DATE_FORMAT(b.ooo_from, '%Y-%m-%d'), "
    "DATE_FORMAT(b.ooo_until, '%Y-%m-%d') "
    "FROM establishments e "
    "LEFT JOIN (SELECT id, establishment_id, unit_type_id, number, active "
    "  FROM units WHERE establishment_id = ? ORDER BY number, id "
    "  LIMIT ? OFFSET ?) u ON u.establishment_id = e.id "
    "LEFT JOIN unit_blocks b ON b.unit_id = u.id AND b.released_at IS NULL "
    "AND (b.ooo_until IS NULL OR b.ooo_until > e.business_date) "
    "WHERE e.id = ? ORDER BY u.number, u.id, b.ooo_from, b.id";

struct list_query {
	char establishment[UUID_STR_LEN + 1];
	int64_t page, size;
};

/* The parameters, checked: 0, or -1 after answering 400 or 403. */
static int
unit_list_params(struct request *rq, struct list_query *q)
{
	struct validation v = { 0 };

	query_uuid(rq, "establishmentId", 1, q->establishment, &v);
	query_page(rq, &q->page, &q->size, &v);
	return query_refused(rq, &v, q->establishment) ? -1 : 0;
}

int
unit_list(struct request *rq)
{
	struct list_query q = { .page = 1 };
	struct db_rows *rows = NULL;
	int rc = 0;

	if (unit_list_params(rq, &q) != 0)
		goto done;
	rc = db_query(rq->db, unit_list_sql, (struct db_param[]){
	    DB_STR(q.establishment), DB_I64(q.size),
	    DB_I64((q.page - 1) * q.size), DB_STR(q.establishment) }, 4, &rows);
	if (rc != DB_OK) {
		rc = respond_db_failure(rq, rc);
		goto done;
	}
	if (rows->nrows == 0) {
		rc = respond_error(rq, "ESTABLISHMENT_NOT_FOUND");
		goto done;
	}
	rc = list_respond(rq, rows, LIST_COL_UNIT, LIST_COL_TOTAL, unit_json,
	    q.page, q.size);
done:
	db_rows_free(rows);
	return rc;
}
