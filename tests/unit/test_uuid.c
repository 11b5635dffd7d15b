/*
 * Unit tests of lib/uuid.c: the exact 8-4-4-4-12 shape in any case, the
 * lower-case canonical form, and v4 generation from the CSPRNG.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>
#include <time.h>

#include "uuid.h"

static void
lower_case_uuid_is_accepted_unchanged(void **state)
{
	char out[UUID_STR_LEN + 1];

	(void)state;
	assert_int_equal(uuid_parse("11111111-1111-4111-8111-111111111111", out), 0);
	assert_string_equal(out, "11111111-1111-4111-8111-111111111111");
}

static void
upper_case_seed_uuid_is_returned_in_lower_case(void **state)
{
	char out[UUID_STR_LEN + 1];

	(void)state;
	/* The AMAGE seed's own example: not v4, and upper case. */
	assert_int_equal(uuid_parse("2489E9AD-2EE2-8E00-8EC9-32D5F69181C0", out), 0);
	assert_string_equal(out, "2489e9ad-2ee2-8e00-8ec9-32d5f69181c0");
}

static void
mixed_case_uuid_is_canonicalised(void **state)
{
	char out[UUID_STR_LEN + 1];

	(void)state;
	assert_int_equal(uuid_parse("aBcDeF01-2345-6789-AbCd-EF0123456789", out), 0);
	assert_string_equal(out, "abcdef01-2345-6789-abcd-ef0123456789");
}

static void
no_version_or_variant_check_is_made(void **state)
{
	char out[UUID_STR_LEN + 1];

	(void)state;
	assert_int_equal(uuid_parse("00000000-0000-0000-0000-000000000000", out), 0);
	assert_int_equal(uuid_parse("ffffffff-ffff-ffff-ffff-ffffffffffff", out), 0);
}

static void
null_and_empty_strings_are_rejected(void **state)
{
	char out[UUID_STR_LEN + 1];

	(void)state;
	assert_int_equal(uuid_parse(NULL, out), -1);
	assert_int_equal(uuid_parse("", out), -1);
	assert_int_equal(uuid_parse_n(NULL, 36, out), -1);
}

static void
wrong_length_is_rejected(void **state)
{
	char out[UUID_STR_LEN + 1];

	(void)state;
	assert_int_equal(uuid_parse("11111111-1111-4111-8111-11111111111", out), -1);
	assert_int_equal(uuid_parse("11111111-1111-4111-8111-1111111111111", out), -1);
	assert_int_equal(uuid_parse("11111111-1111-4111-8111-111111111111 ", out), -1);
	assert_int_equal(uuid_parse(" 11111111-1111-4111-8111-111111111111", out), -1);
}

static void
misplaced_or_missing_dashes_are_rejected(void **state)
{
	char out[UUID_STR_LEN + 1];

	(void)state;
	assert_int_equal(uuid_parse("111111111-111-4111-8111-111111111111", out), -1);
	assert_int_equal(uuid_parse("11111111x1111-4111-8111-111111111111", out), -1);
	assert_int_equal(uuid_parse("111111111111141118111111111111111111", out), -1);
	/* the braces form and urn: prefix are not ours */
	assert_int_equal(uuid_parse("{1111111-1111-4111-8111-111111111111}", out), -1);
}

static void
non_hex_digits_are_rejected(void **state)
{
	char out[UUID_STR_LEN + 1];

	(void)state;
	assert_int_equal(uuid_parse("g1111111-1111-4111-8111-111111111111", out), -1);
	assert_int_equal(uuid_parse("11111111-1111-4111-8111-11111111111-", out), -1);
	assert_int_equal(uuid_parse("11111111-1111-4111-8111-1111111111\xc3\xa9", out), -1);
}

static void
failed_parse_leaves_output_untouched(void **state)
{
	char out[UUID_STR_LEN + 1] = "sentinel";

	(void)state;
	assert_int_equal(uuid_parse("not-a-uuid", out), -1);
	assert_string_equal(out, "sentinel");
}

static void
counted_parse_ignores_bytes_after_length(void **state)
{
	char out[UUID_STR_LEN + 1];
	const char *s = "AAAAAAAA-0000-4000-8000-000000000001/edit";

	(void)state;
	assert_int_equal(uuid_parse_n(s, 36, out), 0);
	assert_string_equal(out, "aaaaaaaa-0000-4000-8000-000000000001");
	assert_int_equal(uuid_parse_n(s, 35, out), -1);
	assert_int_equal(uuid_parse_n(s, 37, out), -1);
}

static void
very_long_input_is_rejected(void **state)
{
	static char big[100000];
	char out[UUID_STR_LEN + 1];

	(void)state;
	memset(big, 'a', sizeof(big) - 1);
	assert_int_equal(uuid_parse(big, out), -1);
}

static void
generated_uuid_is_lower_case_v4_and_parses(void **state)
{
	char a[UUID_STR_LEN + 1], back[UUID_STR_LEN + 1];

	(void)state;
	assert_int_equal(uuid_generate(a), 0);
	assert_int_equal((int)strlen(a), UUID_STR_LEN);
	assert_int_equal(uuid_parse(a, back), 0);
	assert_string_equal(a, back);
	assert_int_equal(a[14], '4');
	assert_non_null(strchr("89ab", a[19]));
}

static void
generated_uuids_differ(void **state)
{
	char a[UUID_STR_LEN + 1], b[UUID_STR_LEN + 1];

	(void)state;
	assert_int_equal(uuid_generate(a), 0);
	assert_int_equal(uuid_generate(b), 0);
	assert_string_not_equal(a, b);
}

static void
ordered_uuid_is_lower_case_v7_and_parses(void **state)
{
	char a[UUID_STR_LEN + 1], back[UUID_STR_LEN + 1];

	(void)state;
	assert_int_equal(uuid_generate_ordered(a), 0);
	assert_int_equal((int)strlen(a), UUID_STR_LEN);
	assert_int_equal(uuid_parse(a, back), 0);
	assert_string_equal(a, back);
	assert_int_equal(a[14], '7');
	assert_non_null(strchr("89ab", a[19]));
}

/* Its first 48 bits are the time in milliseconds: a later one sorts
   after (as CHAR(36) ascii_bin compares), the random rest differs. */
static void
ordered_uuids_sort_by_time_and_differ(void **state)
{
	char a[UUID_STR_LEN + 1], b[UUID_STR_LEN + 1], c[UUID_STR_LEN + 1];
	struct timespec two_ms = { 0, 2 * 1000000L };
	struct timespec now;
	unsigned long long ms, in_a = 0;
	int i;

	(void)state;
	assert_int_equal(clock_gettime(CLOCK_REALTIME, &now), 0);
	ms = (unsigned long long)now.tv_sec * 1000u +
	    (unsigned long long)now.tv_nsec / 1000000u;
	assert_int_equal(uuid_generate_ordered(a), 0);
	for (i = 0; i < 13; i++)
		if (a[i] != '-')
			in_a = in_a * 16 + (unsigned long long)(strchr(
			    "0123456789abcdef", a[i]) - "0123456789abcdef");
	assert_true(in_a >= ms && in_a <= ms + 1000);
	nanosleep(&two_ms, NULL);
	assert_int_equal(uuid_generate_ordered(b), 0);
	assert_int_equal(uuid_generate_ordered(c), 0);
	assert_true(strcmp(a, b) < 0);
	assert_string_not_equal(b, c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(lower_case_uuid_is_accepted_unchanged),
		cmocka_unit_test(upper_case_seed_uuid_is_returned_in_lower_case),
		cmocka_unit_test(mixed_case_uuid_is_canonicalised),
		cmocka_unit_test(no_version_or_variant_check_is_made),
		cmocka_unit_test(null_and_empty_strings_are_rejected),
		cmocka_unit_test(wrong_length_is_rejected),
		cmocka_unit_test(misplaced_or_missing_dashes_are_rejected),
		cmocka_unit_test(non_hex_digits_are_rejected),
		cmocka_unit_test(failed_parse_leaves_output_untouched),
		cmocka_unit_test(counted_parse_ignores_bytes_after_length),
		cmocka_unit_test(very_long_input_is_rejected),
		cmocka_unit_test(generated_uuid_is_lower_case_v4_and_parses),
		cmocka_unit_test(generated_uuids_differ),
		cmocka_unit_test(ordered_uuid_is_lower_case_v7_and_parses),
		cmocka_unit_test(ordered_uuids_sort_by_time_and_differ),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
