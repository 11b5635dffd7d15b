/* units: the family's handlers, and the helpers its files share. */
#ifndef UNITS_H
#define UNITS_H

#include <stdint.h>

#include <cjson/cJSON.h>

#include "uuid.h"

struct db_rows;
struct request;

int unit_get(struct request *rq);
int unit_block(struct request *rq);	/* unit_block.c */
int unit_unblock(struct request *rq);
int unit_list(struct request *rq);
int availability_get(struct request *rq);

/*
 * unit_json.c: the columns a unit query selects, from its first unit
 * column on: the unit, then its LEFT JOINed block (NULL when none).
 */
enum unit_col {
	UNIT_COL_ID,
	UNIT_COL_ESTABLISHMENT,
	UNIT_COL_TYPE,
	UNIT_COL_NUMBER,
	UNIT_COL_ACTIVE,
	UNIT_COL_BLOCK_ID,
	UNIT_COL_BLOCK_KIND,
	UNIT_COL_BLOCK_FROM,	/* YYYY-MM-DD */
	UNIT_COL_BLOCK_UNTIL,	/* YYYY-MM-DD, NULL when open-ended */
};

/*
 * The unit of row first (its columns from col on, as enum unit_col) with
 * the blocks of the rows that follow it with the same unit id.  0, *out
 * (owned: cJSON_Delete) and *next, the row after them; -1 when out of
 * memory (*out NULL).
 */
int unit_json(const struct db_rows *rows, int first, int col, cJSON **out,
    int *next);

#endif
