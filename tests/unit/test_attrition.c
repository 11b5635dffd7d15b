/*
 * Unit tests of lib/attrition.c: the cutoff result of an allotment in
 * integers.  The worked example of the brief (18 room-nights contracted,
 * 70 %, 9 picked, 5000 cents: ceil(12.6) - 9 = 4 -> 20000), the edges of
 * the minimum (0 %, 100 %), a pickup above it, nothing contracted,
 * products that would overflow, and the rounding of the pickup.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "attrition.h"

static int64_t
penalty(int64_t contracted, int64_t picked, int minimum_bp, int64_t per)
{
	int64_t p = -1;

	assert_int_equal(attrition_penalty(contracted, picked, minimum_bp, per,
	    &p), ATTRITION_OK);
	return p;
}

static int
pickup_bp(int64_t contracted, int64_t picked)
{
	int bp = -1;

	assert_int_equal(attrition_pickup_bp(contracted, picked, &bp),
	    ATTRITION_OK);
	return bp;
}

static void
worked_example_18_contracted_70_percent_9_picked_costs_4_room_nights(
    void **state)
{
	(void)state;
	assert_int_equal(penalty(18, 9, 7000, 5000), 20000);
	assert_int_equal(pickup_bp(18, 9), 5000);
}

static void
minimum_of_0_percent_never_costs_anything(void **state)
{
	(void)state;
	assert_int_equal(penalty(18, 0, 0, 5000), 0);
	assert_int_equal(penalty(18, 9, 0, 5000), 0);
}

static void
minimum_of_100_percent_costs_every_unpicked_room_night(void **state)
{
	(void)state;
	assert_int_equal(penalty(18, 0, 10000, 5000), 18 * 5000);
	assert_int_equal(penalty(18, 17, 10000, 5000), 5000);
	assert_int_equal(penalty(18, 18, 10000, 5000), 0);
}

static void
pickup_at_or_above_the_minimum_costs_nothing(void **state)
{
	(void)state;
	assert_int_equal(penalty(18, 13, 7000, 5000), 0);	/* 13 >= 12.6 */
	assert_int_equal(penalty(18, 12, 7000, 5000), 5000);	/* 12 < 12.6 */
	assert_int_equal(penalty(18, 18, 7000, 5000), 0);
	assert_int_equal(penalty(10, 7, 7000, 5000), 0);	/* exactly 7 */
}

static void
minimum_rounds_up_to_a_whole_room_night(void **state)
{
	(void)state;
	/* 70.01 % of 100 = 70.01: 71 required. */
	assert_int_equal(penalty(100, 70, 7001, 1), 1);
	/* 0.01 % of 1 = 0.0001: 1 required. */
	assert_int_equal(penalty(1, 0, 1, 7), 7);
}

static void
nothing_contracted_gives_0_percent_and_no_penalty(void **state)
{
	(void)state;
	assert_int_equal(pickup_bp(0, 0), 0);
	assert_int_equal(penalty(0, 0, 7000, 5000), 0);
	assert_int_equal(penalty(0, 0, 10000, INT64_MAX), 0);
}

static void
no_penalty_per_room_night_costs_nothing(void **state)
{
	(void)state;
	assert_int_equal(penalty(18, 0, 10000, 0), 0);
}

static void
overflowing_products_are_refused(void **state)
{
	int64_t p = -1;
	int bp = -1;

	(void)state;
	/* missing * penalty overflows int64 */
	assert_int_equal(attrition_penalty(1000, 0, 10000, INT64_MAX / 10, &p),
	    ATTRITION_OVERFLOW);
	assert_int_equal(p, 0);
	/* contracted * minimum_bp overflows int64 */
	assert_int_equal(attrition_penalty(INT64_MAX / 2, 0, 10000, 1, &p),
	    ATTRITION_OVERFLOW);
	/* fits int64 but not 18 digits */
	assert_int_equal(attrition_penalty(10, 0, 10000,
	    ATTRITION_PENALTY_MAX / 9, &p), ATTRITION_OVERFLOW);
	/* the largest that fits is accepted */
	assert_int_equal(attrition_penalty(1, 0, 10000, ATTRITION_PENALTY_MAX,
	    &p), ATTRITION_OK);
	assert_true(p == ATTRITION_PENALTY_MAX);
	/* picked * 20000 overflows */
	assert_int_equal(attrition_pickup_bp(INT64_MAX, INT64_MAX / 2, &bp),
	    ATTRITION_OVERFLOW);
	assert_int_equal(bp, 0);
}

static void
impossible_inputs_are_refused(void **state)
{
	int64_t p = -1;
	int bp = -1;

	(void)state;
	assert_int_equal(attrition_penalty(-1, 0, 7000, 1, &p),
	    ATTRITION_INVALID);
	assert_int_equal(attrition_penalty(5, 6, 7000, 1, &p),
	    ATTRITION_INVALID);
	assert_int_equal(attrition_penalty(5, 1, 10001, 1, &p),
	    ATTRITION_INVALID);
	assert_int_equal(attrition_penalty(5, 1, -1, 1, &p),
	    ATTRITION_INVALID);
	assert_int_equal(attrition_penalty(5, 1, 7000, -1, &p),
	    ATTRITION_INVALID);
	assert_int_equal(attrition_pickup_bp(5, 6, &bp), ATTRITION_INVALID);
	assert_int_equal(attrition_pickup_bp(-5, 0, &bp), ATTRITION_INVALID);
}

static void
pickup_percent_rounds_half_up_to_hundredths(void **state)
{
	(void)state;
	assert_int_equal(pickup_bp(3, 1), 3333);	/* 33.333 */
	assert_int_equal(pickup_bp(3, 2), 6667);	/* 66.666 */
	assert_int_equal(pickup_bp(8, 1), 1250);	/* exact */
	assert_int_equal(pickup_bp(8000, 1), 1);	/* 0.0125 % -> 0.01 */
	assert_int_equal(pickup_bp(4000, 1), 3);	/* 0.025 %, half -> 0.03 */
	assert_int_equal(pickup_bp(20000, 1), 1);	/* 0.005 %, half -> 0.01 */
	assert_int_equal(pickup_bp(20001, 1), 0);	/* just under half */
	assert_int_equal(pickup_bp(8, 7), 8750);	/* 87.5 % exact */
	assert_int_equal(pickup_bp(7, 1), 1429);	/* 14.2857 % -> 14.29 */
	assert_int_equal(pickup_bp(18, 18), 10000);
	assert_int_equal(pickup_bp(18, 0), 0);
}

/* The creation check: contracted x penalty within 18 digits. */
static void
a_contract_fits_while_its_largest_penalty_has_18_digits(void **state)
{
	(void)state;
	assert_true(attrition_penalty_fits(18, 5000));
	assert_true(attrition_penalty_fits(1, ATTRITION_PENALTY_MAX));
	assert_true(attrition_penalty_fits(9, INT64_C(111111111111111111)));
	assert_false(attrition_penalty_fits(2, ATTRITION_PENALTY_MAX));
	assert_false(attrition_penalty_fits(10, INT64_C(100000000000000000)));
	assert_false(attrition_penalty_fits(INT64_MAX, 2));
	assert_true(attrition_penalty_fits(0, ATTRITION_PENALTY_MAX));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(worked_example_18_contracted_70_percent_9_picked_costs_4_room_nights),
		cmocka_unit_test(minimum_of_0_percent_never_costs_anything),
		cmocka_unit_test(minimum_of_100_percent_costs_every_unpicked_room_night),
		cmocka_unit_test(pickup_at_or_above_the_minimum_costs_nothing),
		cmocka_unit_test(minimum_rounds_up_to_a_whole_room_night),
		cmocka_unit_test(nothing_contracted_gives_0_percent_and_no_penalty),
		cmocka_unit_test(no_penalty_per_room_night_costs_nothing),
		cmocka_unit_test(overflowing_products_are_refused),
		cmocka_unit_test(impossible_inputs_are_refused),
		cmocka_unit_test(pickup_percent_rounds_half_up_to_hundredths),
		cmocka_unit_test(a_contract_fits_while_its_largest_penalty_has_18_digits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
