/*
 * GET /v1/units/{unitId}: a unit with its current blocks (those not
 * released and not ended before the establishment's business date).
 * Any authenticated key whose scope holds the unit's establishment.
 */
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "auth.h"
#include "db.h"
#include "envelope.h"
#include "request.h"
#include "units.h"
#include "uuid.h"
#include "validate.h"

static const char unit_get_sql[] =
    "SELECT u.id, u.establishment_id, u.unit_type_id, u.number, u.active "
    "FROM units u WHERE u.id = ?";

static const char unit_blocks_sql[] =
    "SELECT b.id, b.kind, DATE_FORMAT(b.ooo_from, '%Y-%m-%d'), "
    "DATE_FORMAT(b.ooo_until, '%Y-%m-%d') "
    "FROM unit_blocks b JOIN establishments e ON e.id = b.establishment_id "
    "WHERE b.unit_id = ? AND b.released_at IS NULL "
    "AND (b.ooo_until IS NULL OR b.ooo_until > e.business_date) "
    "ORDER BY b.ooo_from";

static cJSON *
unit_blocks_json(const struct db_rows *rows)
{
	cJSON *arr = cJSON_CreateArray(), *b;
	const char *until;
	int r;

	for (r = 0; arr != NULL && r < rows->nrows; r++) {
		if ((b = cJSON_CreateObject()) == NULL)
			break;
		cJSON_AddStringToObject(b, "refId", db_cell(rows, r, 0));
		cJSON_AddStringToObject(b, "kind", db_cell(rows, r, 1));
		cJSON_AddStringToObject(b, "oooFrom", db_cell(rows, r, 2));
		if ((until = db_cell(rows, r, 3)) != NULL)
			cJSON_AddStringToObject(b, "oooUntil", until);
		else
			cJSON_AddNullToObject(b, "oooUntil");
		cJSON_AddItemToArray(arr, b);
	}
	return arr;
}

int
unit_get(struct request *rq)
{
	char id[UUID_STR_LEN + 1];
	struct db_rows *unit = NULL, *blocks = NULL;
	struct validation v = { 0 };
	cJSON *data;
	int rc;

	if (uuid_parse(request_path_param(rq, "unitId"), id) != 0) {
		validation_add(&v, "unitId", REASON_BAD_UUID);
		rc = respond_validation(rq, &v);
		goto done;
	}
	rc = db_query(rq->db, unit_get_sql, (struct db_param[]){ DB_STR(id) },
	    1, &unit);
	if (rc != DB_OK) {
		rc = respond_db_failure(rq, rc);
		goto done;
	}
	if (unit->nrows == 0) {
		rc = respond_error(rq, "UNIT_NOT_FOUND");
		goto done;
	}
	if (!auth_scope_allows(rq, db_cell(unit, 0, 1))) {
		rc = respond_error(rq, "OUT_OF_SCOPE");
		goto done;
	}
	rc = db_query(rq->db, unit_blocks_sql, (struct db_param[]){ DB_STR(id) },
	    1, &blocks);
	if (rc != DB_OK) {
		rc = respond_db_failure(rq, rc);
		goto done;
	}
	if ((data = cJSON_CreateObject()) == NULL) {
		rc = respond_error(rq, "INTERNAL_ERROR");
		goto done;
	}
	cJSON_AddStringToObject(data, "id", db_cell(unit, 0, 0));
	cJSON_AddStringToObject(data, "establishmentId", db_cell(unit, 0, 1));
	cJSON_AddStringToObject(data, "unitTypeId", db_cell(unit, 0, 2));
	cJSON_AddStringToObject(data, "number", db_cell(unit, 0, 3));
	cJSON_AddBoolToObject(data, "active", strcmp(db_cell(unit, 0, 4), "1") == 0);
	cJSON_AddItemToObject(data, "blocks", unit_blocks_json(blocks));
	rc = respond_data(rq, 200, data);
done:
	db_rows_free(unit);
	db_rows_free(blocks);
	return rc;
}
