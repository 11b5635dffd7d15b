/*
 * list: the answers of the list reads (SPEC 2.7), {"data":[...],"page":
 * {"number","size","total"}}, from the rows of the one query a list
 * makes: its items from a column on, the rows of one item next to each
 * other (an item may span rows, e.g. a unit and its LEFT JOINed blocks),
 * and the total in a column of the first row.  A page past the end is one
 * row whose item columns are NULL (the LEFT JOIN of an empty page).
 */
#ifndef PMS_LIST_H
#define PMS_LIST_H

#include <stdint.h>

#include <cjson/cJSON.h>

struct db_rows;
struct request;

/*
 * Builds the item of row first (columns from col on): 0, *out (owned) and
 * *next, the row after its rows; -1 when out of memory.
 */
typedef int (*list_item_fn)(const struct db_rows *rows, int first, int col,
    cJSON **out, int *next);

/*
 * Answers 200 with the items of rows (up to the first row whose column col
 * is NULL) and the page, total read from column total_col of row 0 (rows
 * holds at least one row); 500 when out of memory.  Returns 0.
 */
int list_respond(struct request *rq, const struct db_rows *rows, int col,
    int total_col, list_item_fn item, int64_t page, int64_t size);

#endif
