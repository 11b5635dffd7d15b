/*
 * allotment_close: ends the pickup period of an allotment, shared by the
 * allotments binary (POST /v1/allotments/{id}/cancel) and the cutoff job
 * of pms-admin (SPEC 2.4, docs/allotments.md).
 */
#ifndef PMS_ALLOTMENT_CLOSE_H
#define PMS_ALLOTMENT_CLOSE_H

#include <stdint.h>

struct db;

/*
 * In the caller's transaction, which has already moved the allotment's
 * row out of its bookable status: closes every open night of the
 * allotment (is_open = 0, a real change to each row, so a pickup of the
 * same night conflicts with it on one node and on Galera), then gives
 * each unpicked room-night from `from` (the business date) on back to
 * general inventory (committed down by allocated - picked, per unit type
 * and run of nights with the same count).  Nights already closed hold no
 * unpicked room-night in inventory (a tentative never did), so a second
 * call gives nothing back.  *released (may be NULL): the room-nights
 * given back.  0 or a DB status.
 */
int allotment_close(struct db *db, const char *allotment_id, int32_t from,
    int64_t *released);

#endif
