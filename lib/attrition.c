/*
 * attrition: the pickup percentage and the attrition penalty of an
 * allotment at cutoff (attrition.h), in integers: ceil(a / b) is
 * (a + b - 1) / b, half up of a / b is (2a + b) / 2b.
 */
#include "attrition.h"

#define BP_WHOLE 10000		/* 100 % in hundredths of a percent */

int
attrition_pickup_bp(int64_t contracted, int64_t picked, int *bp_out)
{
	int64_t num, den;

	*bp_out = 0;
	if (contracted < 0 || picked < 0 || picked > contracted)
		return ATTRITION_INVALID;
	if (contracted == 0)
		return ATTRITION_OK;
	/* 2 * picked * 10000 + contracted over 2 * contracted. */
	if (__builtin_mul_overflow(picked, 2 * BP_WHOLE, &num) ||
	    __builtin_add_overflow(num, contracted, &num) ||
	    __builtin_mul_overflow(contracted, 2, &den))
		return ATTRITION_OVERFLOW;
	*bp_out = (int)(num / den);
	return ATTRITION_OK;
}

int
attrition_penalty(int64_t contracted, int64_t picked, int minimum_bp,
    int64_t penalty_per_room_night, int64_t *penalty_out)
{
	int64_t required, missing;

	*penalty_out = 0;
	if (contracted < 0 || picked < 0 || picked > contracted ||
	    minimum_bp < 0 || minimum_bp > BP_WHOLE ||
	    penalty_per_room_night < 0)
		return ATTRITION_INVALID;
	/* ceil(contracted * minimum_bp / 10000) */
	if (__builtin_mul_overflow(contracted, (int64_t)minimum_bp, &required) ||
	    __builtin_add_overflow(required, BP_WHOLE - 1, &required))
		return ATTRITION_OVERFLOW;
	required /= BP_WHOLE;
	missing = required > picked ? required - picked : 0;
	if (__builtin_mul_overflow(missing, penalty_per_room_night,
	    penalty_out) || *penalty_out > ATTRITION_PENALTY_MAX) {
		*penalty_out = 0;
		return ATTRITION_OVERFLOW;
	}
	return ATTRITION_OK;
}

int
attrition_penalty_fits(int64_t contracted, int64_t penalty_per_room_night)
{
	int64_t worst;

	return attrition_penalty(contracted, 0, BP_WHOLE,
	    penalty_per_room_night, &worst) == ATTRITION_OK;
}
