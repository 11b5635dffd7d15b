/*
 * attrition: the arithmetic of an allotment's cutoff result (SPEC 2.4,
 * docs/allotments.md "Status and cutoff"), integer only.  Percentages are
 * in hundredths of a percent ("bp": 70 % is 7000), money in int64 cents.
 *
 *   pickup_bp     = picked * 10000 / contracted, rounded half up (0 when
 *                   nothing was contracted)
 *   penalty_cents = max(0, ceil(contracted * minimum_bp / 10000) - picked)
 *                   * penalty_per_room_night
 *
 * Every product is checked (__builtin_mul_overflow); a penalty must also
 * fit in 18 digits, as the API's digit strings and the creation check
 * promise.  Status: 0, or one of the negative codes below.
 */
#ifndef PMS_ATTRITION_H
#define PMS_ATTRITION_H

#include <stdint.h>

enum attrition_status {
	ATTRITION_OK = 0,
	/* enum db_status uses -1 .. -5, business_date.h -32 .. -34,
	   inventory.h -48 .. -49. */
	ATTRITION_INVALID = -56,	/* a negative count, picked > contracted,
					   minimum_bp outside 0..10000 */
	ATTRITION_OVERFLOW = -57,	/* a product or the penalty too large */
};

/* The largest penalty: 18 digits. */
#define ATTRITION_PENALTY_MAX INT64_C(999999999999999999)

/* *bp_out (0..10000) = picked / contracted in hundredths of a percent,
   rounded half up; 0 when contracted is 0. */
int attrition_pickup_bp(int64_t contracted, int64_t picked, int *bp_out);

/*
 * *penalty_out = the room-nights missing to reach minimum_bp of
 * contracted (rounded up), times penalty_per_room_night (cents, >= 0).
 * *penalty_out is 0 unless ATTRITION_OK.
 */
int attrition_penalty(int64_t contracted, int64_t picked, int minimum_bp,
    int64_t penalty_per_room_night, int64_t *penalty_out);

/*
 * 1 when the largest penalty a contract can make (100 %, nothing picked:
 * contracted x penalty_per_room_night) fits in 18 digits: what creating
 * or confirming an allotment checks, so its cutoff can always compute.
 */
int attrition_penalty_fits(int64_t contracted, int64_t penalty_per_room_night);

#endif
