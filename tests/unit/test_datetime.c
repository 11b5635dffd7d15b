/*
 * Unit tests of lib/datetime.c: strict YYYY-MM-DD and YYYY-MM-DDTHH:MM:SS
 * parsing (real calendar days, years 1000..9999), days/seconds since the
 * epoch, and the formatters, including round trips over the whole range.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "datetime.h"

static void
epoch_date_is_day_zero(void **state)
{
	int32_t d = -1;

	(void)state;
	assert_int_equal(date_parse("1970-01-01", &d), 0);
	assert_int_equal(d, 0);
}

static void
known_dates_have_known_day_numbers(void **state)
{
	int32_t d;

	(void)state;
	assert_int_equal(date_parse("2000-03-01", &d), 0);
	assert_int_equal(d, 11017);
	assert_int_equal(date_parse("2024-02-29", &d), 0);
	assert_int_equal(d, 19782);
	assert_int_equal(date_parse("1969-12-31", &d), 0);
	assert_int_equal(d, -1);
	assert_int_equal(date_parse("1000-01-01", &d), 0);
	assert_int_equal(d, -354285);
	assert_int_equal(date_parse("9999-12-31", &d), 0);
	assert_int_equal(d, 2932896);
}

static void
leap_day_exists_only_in_leap_years(void **state)
{
	int32_t d;

	(void)state;
	assert_int_equal(date_parse("2024-02-29", &d), 0);
	assert_int_equal(date_parse("2023-02-29", &d), -1);
	assert_int_equal(date_parse("2000-02-29", &d), 0);	/* divisible by 400 */
	assert_int_equal(date_parse("1900-02-29", &d), -1);	/* by 100, not 400 */
	assert_int_equal(date_parse("2024-02-30", &d), -1);
}

static void
day_beyond_month_length_is_rejected(void **state)
{
	int32_t d;

	(void)state;
	assert_int_equal(date_parse("2026-04-31", &d), -1);
	assert_int_equal(date_parse("2026-04-30", &d), 0);
	assert_int_equal(date_parse("2026-01-32", &d), -1);
	assert_int_equal(date_parse("2026-12-31", &d), 0);
	assert_int_equal(date_parse("2026-01-00", &d), -1);
}

static void
month_out_of_range_is_rejected(void **state)
{
	int32_t d;

	(void)state;
	assert_int_equal(date_parse("2026-00-10", &d), -1);
	assert_int_equal(date_parse("2026-13-10", &d), -1);
}

static void
years_outside_1000_to_9999_are_rejected(void **state)
{
	int32_t d;

	(void)state;
	assert_int_equal(date_parse("0999-12-31", &d), -1);
	assert_int_equal(date_parse("0999-01-01", &d), -1);
	assert_int_equal(date_parse("0000-01-01", &d), -1);
	assert_int_equal(date_parse("1000-01-01", &d), 0);
	assert_int_equal(date_parse("9999-12-31", &d), 0);
	assert_int_equal(date_parse("10000-01-01", &d), -1);
}

static void
unpadded_or_misshapen_dates_are_rejected(void **state)
{
	int32_t d;

	(void)state;
	assert_int_equal(date_parse("2026-1-01", &d), -1);
	assert_int_equal(date_parse("2026-01-1", &d), -1);
	assert_int_equal(date_parse("2026/01/01", &d), -1);
	assert_int_equal(date_parse("20260101", &d), -1);
	assert_int_equal(date_parse("2026-01-01 ", &d), -1);
	assert_int_equal(date_parse(" 2026-01-01", &d), -1);
	assert_int_equal(date_parse("2026-01-01T00:00:00", &d), -1);
	assert_int_equal(date_parse("+026-01-01", &d), -1);
	assert_int_equal(date_parse("2026-+1-01", &d), -1);
	assert_int_equal(date_parse("2026-0a-01", &d), -1);
	assert_int_equal(date_parse("\xd9\xa2""026-01-01", &d), -1);
}

static void
null_and_empty_dates_are_rejected(void **state)
{
	int32_t d = 42;

	(void)state;
	assert_int_equal(date_parse(NULL, &d), -1);
	assert_int_equal(date_parse("", &d), -1);
	assert_int_equal(d, 42);
}

static void
date_format_round_trips_every_day_of_the_range(void **state)
{
	int32_t first, last, d, back;
	char buf[DATE_STR_LEN + 1];

	(void)state;
	assert_int_equal(date_parse("1000-01-01", &first), 0);
	assert_int_equal(date_parse("9999-12-31", &last), 0);
	for (d = first; d <= last; d++) {
		date_format(d, buf);
		if (date_parse(buf, &back) != 0 || back != d)
			fail_msg("day %d formatted as %s", (int)d, buf);
	}
}

static void
date_to_ymd_inverts_date_from_ymd(void **state)
{
	int y, m, d;

	(void)state;
	date_to_ymd(date_from_ymd(2024, 2, 29), &y, &m, &d);
	assert_int_equal(y, 2024);
	assert_int_equal(m, 2);
	assert_int_equal(d, 29);
	date_to_ymd(-1, &y, &m, &d);
	assert_int_equal(y, 1969);
	assert_int_equal(m, 12);
	assert_int_equal(d, 31);
	assert_int_equal(date_from_ymd(2024, 3, 1) - date_from_ymd(2024, 2, 28), 2);
	assert_int_equal(date_from_ymd(2023, 3, 1) - date_from_ymd(2023, 2, 28), 1);
}

static void
date_format_writes_zero_padded_iso_date(void **state)
{
	char buf[DATE_STR_LEN + 1];

	(void)state;
	date_format(0, buf);
	assert_string_equal(buf, "1970-01-01");
	date_format(date_from_ymd(1000, 1, 1), buf);
	assert_string_equal(buf, "1000-01-01");
	date_format(date_from_ymd(2026, 3, 9), buf);
	assert_string_equal(buf, "2026-03-09");
}

static void
date_format_of_out_of_range_days_is_clamped_and_bounded(void **state)
{
	char buf[DATE_STR_LEN + 1 + 8];

	(void)state;
	/* Out of the 4-digit range: clamped, and never past the 11 bytes. */
	memset(buf, 'Z', sizeof(buf));
	date_format(INT32_MAX, buf);
	assert_string_equal(buf, "9999-12-31");
	assert_int_equal(buf[DATE_STR_LEN + 1], 'Z');
	date_format(INT32_MIN, buf);
	assert_string_equal(buf, "0000-01-01");
	assert_int_equal(buf[DATE_STR_LEN + 1], 'Z');
	date_format(date_from_ymd(10000, 1, 1), buf);
	assert_string_equal(buf, "9999-12-31");
}

static void
datetime_epoch_is_second_zero(void **state)
{
	int64_t s = -1;

	(void)state;
	assert_int_equal(datetime_parse("1970-01-01T00:00:00", &s), 0);
	assert_int_equal(s, 0);
}

static void
datetime_known_values_convert(void **state)
{
	int64_t s;

	(void)state;
	assert_int_equal(datetime_parse("2024-02-29T23:59:59", &s), 0);
	assert_int_equal(s, 19782LL * 86400 + 86399);
	assert_int_equal(datetime_parse("1969-12-31T23:59:59", &s), 0);
	assert_int_equal(s, -1);
	assert_int_equal(datetime_parse("9999-12-31T23:59:59", &s), 0);
	assert_int_equal(s, 253402300799LL);
}

static void
datetime_fields_out_of_range_are_rejected(void **state)
{
	int64_t s;

	(void)state;
	assert_int_equal(datetime_parse("2026-01-01T24:00:00", &s), -1);
	assert_int_equal(datetime_parse("2026-01-01T23:60:00", &s), -1);
	assert_int_equal(datetime_parse("2026-01-01T23:59:60", &s), -1);
	assert_int_equal(datetime_parse("2023-02-29T10:00:00", &s), -1);
	assert_int_equal(datetime_parse("0999-12-31T10:00:00", &s), -1);
}

static void
datetime_shape_must_be_exact(void **state)
{
	int64_t s;

	(void)state;
	assert_int_equal(datetime_parse("2026-01-01 10:00:00", &s), -1);
	assert_int_equal(datetime_parse("2026-01-01t10:00:00", &s), -1);
	assert_int_equal(datetime_parse("2026-01-01T10:00", &s), -1);
	assert_int_equal(datetime_parse("2026-01-01T10:00:00Z", &s), -1);
	assert_int_equal(datetime_parse("2026-01-01T10:00:00.000", &s), -1);
	assert_int_equal(datetime_parse("2026-01-01T10:00:00 ", &s), -1);
	assert_int_equal(datetime_parse("2026-01-01T1:00:000", &s), -1);
	assert_int_equal(datetime_parse("2026-01-01T10-00-00", &s), -1);
	assert_int_equal(datetime_parse("2026-01-01", &s), -1);
	assert_int_equal(datetime_parse("", &s), -1);
	assert_int_equal(datetime_parse(NULL, &s), -1);
}

static void
datetime_format_round_trips(void **state)
{
	static const char *const cases[] = {
		"1970-01-01T00:00:00", "1969-12-31T23:59:59",
		"2024-02-29T12:34:56", "1000-01-01T00:00:00",
		"9999-12-31T23:59:59", "2026-07-04T09:05:01",
	};
	char buf[DATETIME_STR_LEN + 1];
	int64_t s;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(datetime_parse(cases[i], &s), 0);
		datetime_format(s, buf);
		assert_string_equal(buf, cases[i]);
	}
}

static void
datetime_format_of_negative_seconds_floors_to_previous_day(void **state)
{
	char buf[DATETIME_STR_LEN + 1];

	(void)state;
	datetime_format(-86400, buf);
	assert_string_equal(buf, "1969-12-31T00:00:00");
	datetime_format(-86401, buf);
	assert_string_equal(buf, "1969-12-30T23:59:59");
}

static void
datetime_format_of_out_of_range_seconds_is_clamped_and_bounded(void **state)
{
	char buf[DATETIME_STR_LEN + 1 + 8];

	(void)state;
	memset(buf, 'Z', sizeof(buf));
	datetime_format(INT64_MAX, buf);
	assert_string_equal(buf, "9999-12-31T23:59:59");
	assert_int_equal(buf[DATETIME_STR_LEN + 1], 'Z');
	datetime_format(INT64_MIN, buf);
	assert_string_equal(buf, "0000-01-01T00:00:00");
	assert_int_equal(buf[DATETIME_STR_LEN + 1], 'Z');
	datetime_format(253402300800LL, buf);	/* 10000-01-01T00:00:00 */
	assert_string_equal(buf, "9999-12-31T23:59:59");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(epoch_date_is_day_zero),
		cmocka_unit_test(known_dates_have_known_day_numbers),
		cmocka_unit_test(leap_day_exists_only_in_leap_years),
		cmocka_unit_test(day_beyond_month_length_is_rejected),
		cmocka_unit_test(month_out_of_range_is_rejected),
		cmocka_unit_test(years_outside_1000_to_9999_are_rejected),
		cmocka_unit_test(unpadded_or_misshapen_dates_are_rejected),
		cmocka_unit_test(null_and_empty_dates_are_rejected),
		cmocka_unit_test(date_format_round_trips_every_day_of_the_range),
		cmocka_unit_test(date_to_ymd_inverts_date_from_ymd),
		cmocka_unit_test(date_format_writes_zero_padded_iso_date),
		cmocka_unit_test(date_format_of_out_of_range_days_is_clamped_and_bounded),
		cmocka_unit_test(datetime_epoch_is_second_zero),
		cmocka_unit_test(datetime_known_values_convert),
		cmocka_unit_test(datetime_fields_out_of_range_are_rejected),
		cmocka_unit_test(datetime_shape_must_be_exact),
		cmocka_unit_test(datetime_format_round_trips),
		cmocka_unit_test(datetime_format_of_negative_seconds_floors_to_previous_day),
		cmocka_unit_test(datetime_format_of_out_of_range_seconds_is_clamped_and_bounded),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
