/*
 * Unit tests of lib/query.c: each checked query parameter kind, absent,
 * empty, good and bad, with every bad parameter recorded under its name
 * in one struct validation.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "query.h"
#include "request.h"
#include "validate.h"

static void
init(struct request *rq, const char *query)
{
	static char *env[] = { NULL };

	memset(rq, 0, sizeof(*rq));
	rq->envp = env;
	rq->query = query;
}

static void
uuid_is_lower_cased_and_required_when_asked(void **state)
{
	char id[UUID_STR_LEN + 1];
	struct validation v = { 0 };
	struct request rq;

	(void)state;
	init(&rq, "a=ABCDEF00-0000-4000-8000-00000000000A&b=nope&c=");
	assert_int_equal(query_uuid(&rq, "a", 1, id, &v), 0);
	assert_string_equal(id, "abcdef00-0000-4000-8000-00000000000a");
	assert_int_equal(query_uuid(&rq, "b", 0, id, &v), -1);
	assert_string_equal(id, "");
	assert_int_equal(query_uuid(&rq, "c", 0, id, &v), 0);
	assert_int_equal(query_uuid(&rq, "c", 1, id, &v), -1);
	assert_int_equal(v.count, 2);
	assert_string_equal(v.issue[0].field, "b");
	assert_int_equal(v.issue[0].reason, REASON_BAD_UUID);
	assert_string_equal(v.issue[1].field, "c");
	assert_int_equal(v.issue[1].reason, REASON_REQUIRED);
}

static void
date_required_or_optional(void **state)
{
	struct validation v = { 0 };
	struct request rq;
	int32_t days = -1;
	int present = -1;

	(void)state;
	init(&rq, "from=1970-01-03&bad=2030-02-30");
	assert_int_equal(query_date(&rq, "from", &days, &v), 0);
	assert_int_equal(days, 2);
	assert_int_equal(query_date_optional(&rq, "to", &days, &present, &v),
	    0);
	assert_int_equal(present, 0);
	assert_int_equal(v.count, 0);
	assert_int_equal(query_date(&rq, "to", &days, &v), -1);
	assert_int_equal(query_date_optional(&rq, "bad", &days, &present, &v),
	    -1);
	assert_int_equal(present, 1);
	assert_int_equal(v.count, 2);
	assert_int_equal(v.issue[0].reason, REASON_REQUIRED);
	assert_string_equal(v.issue[1].field, "bad");
	assert_int_equal(v.issue[1].reason, REASON_BAD_DATE);
}

static void
int_in_range_or_default(void **state)
{
	struct validation v = { 0 };
	struct request rq;
	int64_t n;

	(void)state;
	init(&rq, "a=007&b=-1&c=99999999999999999999999&d=1x");
	assert_int_equal(query_int(&rq, "a", 0, 1, 10, &n, &v), 0);
	assert_int_equal(n, 7);
	assert_int_equal(query_int(&rq, "none", 5, 1, 10, &n, &v), 0);
	assert_int_equal(n, 5);
	assert_int_equal(query_int(&rq, "b", 0, 0, 10, &n, &v), -1);
	assert_int_equal(query_int(&rq, "c", 0, 0, 10, &n, &v), -1);
	assert_int_equal(query_int(&rq, "d", 0, 0, 10, &n, &v), -1);
	assert_int_equal(v.count, 3);
	assert_int_equal(v.issue[0].reason, REASON_WRONG_TYPE);
	assert_int_equal(v.issue[1].reason, REASON_OUT_OF_RANGE);
	assert_int_equal(v.issue[2].reason, REASON_WRONG_TYPE);
}

static void
enum_gives_the_word_index(void **state)
{
	struct validation v = { 0 };
	struct request rq;
	int i = 9;

	(void)state;
	init(&rq, "s=definite&t=DEFINITE");
	assert_int_equal(query_enum(&rq, "s", "tentative definite", &i, &v), 0);
	assert_int_equal(i, 1);
	assert_int_equal(query_enum(&rq, "u", "tentative definite", &i, &v), 0);
	assert_int_equal(i, -1);
	assert_int_equal(query_enum(&rq, "t", "tentative definite", &i, &v),
	    -1);
	assert_int_equal(v.count, 1);
	assert_string_equal(v.issue[0].field, "t");
	assert_int_equal(v.issue[0].reason, REASON_NOT_ALLOWED_VALUE);
}

static void
page_and_size_default_and_bounds(void **state)
{
	struct validation v = { 0 };
	struct request rq;
	int64_t page, size;

	(void)state;
	init(&rq, "");
	assert_int_equal(query_page(&rq, &page, &size, &v), 0);
	assert_int_equal(page, 1);
	assert_int_equal(size, QUERY_PAGE_DEFAULT_SIZE);
	init(&rq, "page=3&size=200");
	assert_int_equal(query_page(&rq, &page, &size, &v), 0);
	assert_int_equal(page, 3);
	assert_int_equal(size, 200);
	init(&rq, "page=0&size=201");
	assert_int_equal(query_page(&rq, &page, &size, &v), -1);
	assert_int_equal(v.count, 2);
	assert_string_equal(v.issue[0].field, "page");
	assert_string_equal(v.issue[1].field, "size");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(uuid_is_lower_cased_and_required_when_asked),
		cmocka_unit_test(date_required_or_optional),
		cmocka_unit_test(int_in_range_or_default),
		cmocka_unit_test(enum_gives_the_word_index),
		cmocka_unit_test(page_and_size_default_and_bounds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
