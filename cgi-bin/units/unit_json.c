/*
 * units: a unit as SPEC 2.7 answers it, {"id","establishmentId",
 * "unitTypeId","number","active","blocks":[{"refId","kind","oooFrom",
 * "oooUntil"}]}, built from the rows of a query that LEFT JOINs a unit's
 * current blocks onto it: one row per block (or one row with NULL block
 * columns when it has none), the rows of one unit next to each other, in
 * the order its blocks are to be listed.  GET /v1/units/{unitId} and
 * GET /v1/units both read their units this way, so one query answers a
 * unit or a page of units whatever the number of blocks.
 */
#include <string.h>

#include <cjson/cJSON.h>

#include "db.h"
#include "units.h"

/* The block of row r, or NULL when out of memory. */
static cJSON *
unit_block_json(const struct db_rows *rows, int r, int col)
{
	const char *until = db_cell(rows, r, col + UNIT_COL_BLOCK_UNTIL);
	cJSON *b;
	int ok;

	if ((b = cJSON_CreateObject()) == NULL)
		return NULL;
	ok = cJSON_AddStringToObject(b, "refId",
	    db_cell(rows, r, col + UNIT_COL_BLOCK_ID)) != NULL &&
	    cJSON_AddStringToObject(b, "kind",
	    db_cell(rows, r, col + UNIT_COL_BLOCK_KIND)) != NULL &&
	    cJSON_AddStringToObject(b, "oooFrom",
	    db_cell(rows, r, col + UNIT_COL_BLOCK_FROM)) != NULL &&
	    (until != NULL ? cJSON_AddStringToObject(b, "oooUntil", until) :
	    cJSON_AddNullToObject(b, "oooUntil")) != NULL;
	if (!ok) {
		cJSON_Delete(b);
		b = NULL;
	}
	return b;
}

int
unit_json(const struct db_rows *rows, int first, int col, cJSON **out,
    int *next)
{
	const char *id = db_cell(rows, first, col + UNIT_COL_ID);
	cJSON *unit = NULL, *blocks, *b;
	int r = first, rc = -1;

	*out = NULL;
	if ((unit = cJSON_CreateObject()) == NULL ||
	    cJSON_AddStringToObject(unit, "id", id) == NULL ||
	    cJSON_AddStringToObject(unit, "establishmentId",
	    db_cell(rows, first, col + UNIT_COL_ESTABLISHMENT)) == NULL ||
	    cJSON_AddStringToObject(unit, "unitTypeId",
	    db_cell(rows, first, col + UNIT_COL_TYPE)) == NULL ||
	    cJSON_AddStringToObject(unit, "number",
	    db_cell(rows, first, col + UNIT_COL_NUMBER)) == NULL ||
	    cJSON_AddBoolToObject(unit, "active", strcmp(db_cell(rows, first,
	    col + UNIT_COL_ACTIVE), "0") != 0) == NULL ||
	    (blocks = cJSON_AddArrayToObject(unit, "blocks")) == NULL)
		goto done;
	for (; r < rows->nrows && strcmp(db_cell(rows, r, col + UNIT_COL_ID),
	    id) == 0; r++) {
		if (db_cell(rows, r, col + UNIT_COL_BLOCK_ID) == NULL)
			continue;	/* the LEFT JOIN's row of a unit without blocks */
		if ((b = unit_block_json(rows, r, col)) == NULL)
			goto done;
		cJSON_AddItemToArray(blocks, b);
	}
	*out = unit;
	unit = NULL;
	*next = r;
	rc = 0;
done:
	cJSON_Delete(unit);
	return rc;
}
