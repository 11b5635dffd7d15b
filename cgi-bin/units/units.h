/* units: the family's handlers, and the helpers its files share. */
#ifndef UNITS_H
#define UNITS_H

#include <stdint.h>

#include <cjson/cJSON.h>

#include "uuid.h"

struct db_rows;
struct request;
struct validation;

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

/*
 * unit_query.c: query parameters, checked.  Each returns 0 when its
 * parameter is fine (stored, or absent and optional), else -1 after
 * recording the issue in v under the parameter's name.
 */
/* A uuid, lower case; out "" when absent. */
int query_uuid(const struct request *rq, const char *name, int required,
    char out[UUID_STR_LEN + 1], struct validation *v);
/* A required YYYY-MM-DD, as days since 1970-01-01. */
int query_date(const struct request *rq, const char *name, int32_t *days,
    struct validation *v);
/* A decimal in [min, max]; def when absent. */
int query_int(const struct request *rq, const char *name, int64_t def,
    int64_t min, int64_t max, int64_t *out, struct validation *v);

#endif
