/*
 * row_json: JSON object members from the cells of a db_rows row, by a
 * table of (key, column, kind), so a family's answer is declared once and
 * its reads stay in step (SPEC 2.7: counts are JSON integers, money
 * digit strings, an optional column that is NULL a JSON null).
 */
#ifndef PMS_ROW_JSON_H
#define PMS_ROW_JSON_H

#include <stddef.h>

#include <cjson/cJSON.h>

struct db_rows;

enum member_kind {
	AS_STRING,	/* a string (ids, dates, words, cents as digits) */
	AS_COUNT,	/* a JSON integer */
	AS_PERCENT,	/* hundredths of a percent as a percent (7050 -> 70.5) */
	AS_BOOL,	/* "0" false, anything else true */
};

/* A member named key, of kind, from column c (from the caller's col on);
   null when the cell is NULL. */
struct member {
	const char *key;
	int c;
	enum member_kind kind;
};
#define NMEMBERS(m)	(sizeof(m) / sizeof((m)[0]))

/* Adds the members of row r (columns from col on) to o, in order.  0, or
   -1 when out of memory. */
int add_members(cJSON *o, const struct member *m, size_t n,
    const struct db_rows *rows, int r, int col);

/* A new object of the members of row r (the caller owns it), or NULL
   when out of memory. */
cJSON *members_json(const struct member *m, size_t n,
    const struct db_rows *rows, int r, int col);

#endif
