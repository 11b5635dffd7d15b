/*
 * GET /v1/units/{unitId}: a unit with its current and future blocks (SPEC
 * 2.7): those not returned to service and not ended before the
 * establishment's business date, in oooFrom order.  One query: the blocks
 * are LEFT JOINed onto the unit (unit_json.c reads the rows).  Any
 * authenticated key whose scope holds the unit's establishment.
 */
#include <cjson/cJSON.h>

#include "auth.h"
#include "db.h"
#include "envelope.h"
#include "request.h"
#include "units.h"
#include "uuid.h"
#include "validate.h"

/* Columns as enum unit_col; the block conditions are in the ON so that a
   unit without a current block still has its row. */
static const char unit_get_sql[] =
    "SELECT u.id, u.establishment_id, u.unit_type_id, u.number, u.active, "
    "b.id, b.kind, DATE_FORMAT(b.ooo_from, '%Y-%m-%d'), "
    "DATE_FORMAT(b.ooo_until, '%Y-%m-%d') "
    "FROM units u JOIN establishments e ON e.id = u.establishment_id "
    "LEFT JOIN unit_blocks b ON b.unit_id = u.id AND b.released_at IS NULL "
    "AND (b.ooo_until IS NULL OR b.ooo_until > e.business_date) "
    "WHERE u.id = ? ORDER BY b.ooo_from, b.id";

int
unit_get(struct request *rq)
{
	char id[UUID_STR_LEN + 1];
	struct db_rows *rows = NULL;
	struct validation v = { 0 };
	cJSON *data = NULL;
	int rc, next;

	if (uuid_parse(request_path_param(rq, "unitId"), id) != 0) {
		validation_add(&v, "unitId", REASON_BAD_UUID);
		rc = respond_validation(rq, &v);
		goto done;
	}
	rc = db_query(rq->db, unit_get_sql, (struct db_param[]){ DB_STR(id) },
	    1, &rows);
	if (rc != DB_OK) {
		rc = respond_db_failure(rq, rc);
		goto done;
	}
	if (rows->nrows == 0) {
		rc = respond_error(rq, "UNIT_NOT_FOUND");
		goto done;
	}
	if (!auth_scope_allows(rq, db_cell(rows, 0, UNIT_COL_ESTABLISHMENT))) {
		rc = respond_error(rq, "OUT_OF_SCOPE");
		goto done;
	}
	if (unit_json(rows, 0, 0, &data, &next) != 0) {
		rc = respond_error(rq, "INTERNAL_ERROR");
		goto done;
	}
	rc = respond_data(rq, 200, data);
done:
	db_rows_free(rows);
	return rc;
}
