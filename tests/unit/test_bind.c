/*
 * Unit tests of lib/bind.c: a value is bound by the kind its field
 * declares, never by its shape.  Free text that looks like a uuid or a
 * date-time goes as sent; uuid fields go lower case; date-time fields get
 * MySQL's separator; numbers, cents, booleans and nulls take their types.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "bind.h"
#include "json.h"

static const struct field fields[] = {
	{ .name = "text", .kind = FIELD_STRING, .flags = F_NULLABLE },
	{ .name = "ref", .kind = FIELD_UUID, .flags = F_NULLABLE },
	{ .name = "at", .kind = FIELD_DATETIME, .flags = F_NULLABLE },
	{ .name = "day", .kind = FIELD_DATE, .flags = F_NULLABLE },
	{ .name = "state", .kind = FIELD_ENUM, .flags = F_NULLABLE,
	  .one_of = "A B" },
	{ .name = "cents", .kind = FIELD_CENTS, .flags = F_NULLABLE },
	{ .name = "n", .kind = FIELD_INT, .flags = F_NULLABLE },
	{ .name = "x", .kind = FIELD_NUMBER, .flags = F_NULLABLE },
	{ .name = "flag", .kind = FIELD_BOOL, .flags = F_NULLABLE },
	{ .name = NULL }
};

static cJSON *
parse(const char *text)
{
	cJSON *j = NULL;

	assert_int_equal(json_parse(text, strlen(text), 8, &j, NULL, 0), JSON_OK);
	return j;
}

static void
free_text_that_looks_like_a_uuid_or_a_timestamp_is_bound_as_sent(void **state)
{
	cJSON *j = parse("{\"text\":\"2489E9AD-2EE2-8E00-8EC9-32D5F69181C0\"}");
	cJSON *k = parse("{\"text\":\"2021-01-01T12:00:00\"}");
	char buf[BIND_BUF_LEN];
	struct db_param p;

	(void)state;
	p = bind_member(j, fields, "text", buf);
	assert_int_equal(p.type, DBP_STR);
	assert_string_equal(p.s, "2489E9AD-2EE2-8E00-8EC9-32D5F69181C0");
	p = bind_member(k, fields, "text", buf);
	assert_string_equal(p.s, "2021-01-01T12:00:00");
	cJSON_Delete(j);
	cJSON_Delete(k);
}

static void
uuid_field_is_bound_lower_case_and_datetime_field_with_a_space(void **state)
{
	cJSON *j = parse("{\"ref\":\"2489E9AD-2EE2-8E00-8EC9-32D5F69181C0\","
	    "\"at\":\"2021-01-01T12:00:00\",\"day\":\"2024-02-29\","
	    "\"state\":\"B\"}");
	char b1[BIND_BUF_LEN], b2[BIND_BUF_LEN], b3[BIND_BUF_LEN];

	(void)state;
	assert_string_equal(bind_member(j, fields, "ref", b1).s,
	    "2489e9ad-2ee2-8e00-8ec9-32d5f69181c0");
	assert_string_equal(bind_member(j, fields, "at", b2).s,
	    "2021-01-01 12:00:00");
	assert_string_equal(bind_member(j, fields, "day", b3).s, "2024-02-29");
	assert_string_equal(bind_member(j, fields, "state", b3).s, "B");
	cJSON_Delete(j);
}

static void
numbers_cents_and_booleans_take_their_sql_types(void **state)
{
	cJSON *j = parse("{\"cents\":\"999999999999999999\",\"n\":-42,"
	    "\"x\":0.1,\"flag\":false}");
	char buf[BIND_BUF_LEN];
	struct db_param p;

	(void)state;
	p = bind_member(j, fields, "cents", buf);
	assert_int_equal(p.type, DBP_I64);
	assert_true(p.i == 999999999999999999LL);
	p = bind_member(j, fields, "n", buf);
	assert_int_equal(p.type, DBP_I64);
	assert_int_equal(p.i, -42);
	p = bind_member(j, fields, "x", buf);
	assert_int_equal(p.type, DBP_DOUBLE);
	assert_true(p.d == 0.1);
	p = bind_member(j, fields, "flag", buf);
	assert_int_equal(p.type, DBP_I64);
	assert_int_equal(p.i, 0);
	cJSON_Delete(j);
}

static void
absent_null_and_unknown_members_bind_sql_null(void **state)
{
	cJSON *j = parse("{\"text\":null}");
	char buf[BIND_BUF_LEN];

	(void)state;
	assert_int_equal(bind_member(j, fields, "text", buf).type, DBP_NULL);
	assert_int_equal(bind_member(j, fields, "ref", buf).type, DBP_NULL);
	assert_int_equal(bind_member(j, fields, "not_in_table", buf).type,
	    DBP_NULL);
	cJSON_Delete(j);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(free_text_that_looks_like_a_uuid_or_a_timestamp_is_bound_as_sent),
		cmocka_unit_test(uuid_field_is_bound_lower_case_and_datetime_field_with_a_space),
		cmocka_unit_test(numbers_cents_and_booleans_take_their_sql_types),
		cmocka_unit_test(absent_null_and_unknown_members_bind_sql_null),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
