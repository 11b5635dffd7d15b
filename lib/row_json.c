/* row_json: JSON members from a row's cells (row_json.h). */
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "row_json.h"

int
add_members(cJSON *o, const struct member *m, size_t n,
    const struct db_rows *rows, int r, int col)
{
	const char *cell;
	cJSON *added;
	size_t i;

	for (i = 0; i < n; i++) {
		cell = db_cell(rows, r, col + m[i].c);
		if (cell == NULL)
			added = cJSON_AddNullToObject(o, m[i].key);
		else if (m[i].kind == AS_STRING)
			added = cJSON_AddStringToObject(o, m[i].key, cell);
		else if (m[i].kind == AS_BOOL)
			added = cJSON_AddBoolToObject(o, m[i].key,
			    strcmp(cell, "0") != 0);
		else
			added = cJSON_AddNumberToObject(o, m[i].key,
			    (double)strtoll(cell, NULL, 10) /
			    (m[i].kind == AS_PERCENT ? 100.0 : 1.0));
		if (added == NULL)
			return -1;
	}
	return 0;
}

cJSON *
members_json(const struct member *m, size_t n, const struct db_rows *rows,
    int r, int col)
{
	cJSON *o = cJSON_CreateObject();

	if (o != NULL && add_members(o, m, n, rows, r, col) != 0) {
		cJSON_Delete(o);
		o = NULL;
	}
	return o;
}
