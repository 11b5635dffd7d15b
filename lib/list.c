/*
 * list: the list answers of SPEC 2.7 (list.h), shared by the families'
 * list reads so that every list pages and counts the same way.
 */
#include <stdlib.h>

#include <cjson/cJSON.h>

#include "db.h"
#include "envelope.h"
#include "list.h"
#include "request.h"

/* The items of rows, or NULL when out of memory. */
static cJSON *
list_items(const struct db_rows *rows, int col, list_item_fn item)
{
	cJSON *data, *one;
	int r = 0;

	if ((data = cJSON_CreateArray()) == NULL)
		return NULL;
	while (r < rows->nrows && db_cell(rows, r, col) != NULL) {
		if (item(rows, r, col, &one, &r) != 0) {
			cJSON_Delete(data);
			return NULL;
		}
		cJSON_AddItemToArray(data, one);
	}
	return data;
}

int
list_respond(struct request *rq, const struct db_rows *rows, int col,
    int total_col, list_item_fn item, int64_t page, int64_t size)
{
	const char *total = db_cell(rows, 0, total_col);
	cJSON *o, *data, *p;

	if ((o = cJSON_CreateObject()) == NULL ||
	    (data = list_items(rows, col, item)) == NULL)
		goto fail;
	if (!cJSON_AddItemToObject(o, "data", data)) {
		cJSON_Delete(data);
		goto fail;
	}
	if ((p = cJSON_AddObjectToObject(o, "page")) == NULL ||
	    cJSON_AddNumberToObject(p, "number", (double)page) == NULL ||
	    cJSON_AddNumberToObject(p, "size", (double)size) == NULL ||
	    cJSON_AddNumberToObject(p, "total", total != NULL ?
	    (double)strtoll(total, NULL, 10) : 0) == NULL)
		goto fail;
	request_respond_json(rq, 200, o);
	return 0;
fail:
	cJSON_Delete(o);
	return respond_error(rq, "INTERNAL_ERROR");
}
