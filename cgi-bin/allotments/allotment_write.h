/*
 * allotment_write: what the family's writes share (allotment_write.c):
 * the inventory they take, and the allotment row they act on.
 */
#ifndef ALLOTMENT_WRITE_H
#define ALLOTMENT_WRITE_H

#include <stdint.h>

#include "uuid.h"

struct db;
struct db_rows;
struct request;
struct write_refusal;

/* An allotment as the actions and the pickup read it first. */
struct allotment_head {
	char id[UUID_STR_LEN + 1];
	char establishment[UUID_STR_LEN + 1];
	char rate_plan[UUID_STR_LEN + 1];
	char status[12];		/* tentative definite cancelled released */
	int cutoff_done;
	int32_t period_from, period_to, cutoff;
	int has_penalty;
	int32_t business_date;		/* its establishment's */
	int32_t horizon_end;		/* first night past the horizon */
};

/*
 * The columns of an allotment_head, for a query of the family's own that
 * reads more in the same round trip: ALLOTMENT_HEAD_SELECT, then its own
 * columns (", ..."), then ALLOTMENT_HEAD_FROM, whose one parameter is the
 * allotment id (after the parameters of the extra columns).
 */
#define ALLOTMENT_HEAD_SELECT						\
    "SELECT a.establishment_id, a.rate_plan_id, a.status, a.cutoff_state, " \
    "DATE_FORMAT(a.period_from, '%Y-%m-%d'), "				\
    "DATE_FORMAT(a.period_to, '%Y-%m-%d'), "				\
    "DATE_FORMAT(a.cutoff_date, '%Y-%m-%d'), "				\
    "a.penalty_per_room_night_cents IS NOT NULL, "			\
    "DATE_FORMAT(e.business_date, '%Y-%m-%d')"
#define ALLOTMENT_HEAD_COLUMNS 9
#define ALLOTMENT_HEAD_FROM						\
    " FROM allotments a JOIN establishments e "				\
    "ON e.id = a.establishment_id WHERE a.id = ?"

/*
 * Fills h (its id already set) from the first ALLOTMENT_HEAD_COLUMNS
 * columns of row 0, and the horizon from horizon_days.  0, or -1 for a
 * row that does not parse.
 */
int allotment_head_parse(const struct db_rows *rows, int horizon_days,
    struct allotment_head *h);

/*
 * The allotment of the path parameter "id" and its establishment's
 * business date, in one query,
 * with the key's right to it; answers 400 (bad id), 404, 403 or 503
 * itself and returns -1 then.  0 and *h otherwise.
 */
int allotment_head_load(struct request *rq, struct allotment_head *h);

/* Allocation of an allotment, ascending unit type (the order inventory
   rows are locked in). */
struct allotment_allocation {
	char unit_type[UUID_STR_LEN + 1];
	int quantity;
};

#endif
