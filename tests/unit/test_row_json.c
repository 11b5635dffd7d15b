/*
 * test_row_json: lib/row_json.c turns a row's cells into typed JSON
 * members (SPEC 2.7: counts as integers, money as digit strings, NULL as
 * null, booleans, hundredths of a percent as a percent).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "db.h"
#include "row_json.h"

/* One row of six cells; NULL is SQL NULL. */
static char *cells[] = { "abc", "42", NULL, "1", "0", "7050" };
static unsigned long lens[] = { 3, 2, 0, 1, 1, 4 };
static const struct db_rows row = { 1, 6, cells, lens };

static const struct member members[] = {
	{ "id", 0, AS_STRING },
	{ "count", 1, AS_COUNT },
	{ "missing", 2, AS_STRING },
	{ "yes", 3, AS_BOOL },
	{ "no", 4, AS_BOOL },
	{ "percent", 5, AS_PERCENT },
};

static void
members_have_their_kinds_and_order(void **state)
{
	cJSON *o = members_json(members, NMEMBERS(members), &row, 0, 0);
	char *text;

	(void)state;
	assert_non_null(o);
	text = cJSON_PrintUnformatted(o);
	assert_non_null(text);
	assert_string_equal(text, "{\"id\":\"abc\",\"count\":42,\"missing\":null,"
	    "\"yes\":true,\"no\":false,\"percent\":70.5}");
	cJSON_free(text);
	cJSON_Delete(o);
}

/* Columns are counted from col: the same table reads a later block. */
static void
columns_count_from_col(void **state)
{
	static const struct member shifted[] = { { "count", 0, AS_COUNT } };
	cJSON *o = members_json(shifted, NMEMBERS(shifted), &row, 0, 1);

	(void)state;
	assert_non_null(o);
	assert_int_equal((int)cJSON_GetObjectItemCaseSensitive(o,
	    "count")->valuedouble, 42);
	cJSON_Delete(o);
}

static void
money_as_digits_stays_a_string(void **state)
{
	static char *big[] = { "999999999999999999" };
	static unsigned long big_len[] = { 18 };
	static const struct db_rows money = { 1, 1, big, big_len };
	static const struct member cents[] = { { "c", 0, AS_STRING } };
	cJSON *o = cJSON_CreateObject();

	(void)state;
	assert_int_equal(add_members(o, cents, 1, &money, 0, 0), 0);
	assert_string_equal(cJSON_GetStringValue(
	    cJSON_GetObjectItemCaseSensitive(o, "c")), "999999999999999999");
	cJSON_Delete(o);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(members_have_their_kinds_and_order),
		cmocka_unit_test(columns_count_from_col),
		cmocka_unit_test(money_as_digits_stays_a_string),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
