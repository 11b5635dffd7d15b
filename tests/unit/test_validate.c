/*
 * Unit tests of lib/validate.c: every issue reported with its JSON path,
 * unknown / server-set / forbidden members, each field kind and its
 * bounds, arrays of scalars and of objects, nested objects, the prefix,
 * the overflow flag, and the scalar checks (email, enum, code points).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "validate.h"

static cJSON *
doc(const char *s)
{
	cJSON *root = NULL;

	assert_int_equal(json_parse(s, strlen(s), JSON_MAX_DEPTH, &root, NULL, 0),
	    JSON_OK);
	return root;
}

/* Runs the table over s; v is cleared first. */
static int
check(const char *s, const struct field *fields, struct validation *v)
{
	cJSON *root = doc(s);
	int n;

	memset(v, 0, sizeof(*v));
	n = validate_object(root, fields, "", v);
	cJSON_Delete(root);
	return n;
}

static int
has_issue(const struct validation *v, const char *field, enum reason r)
{
	int i;

	for (i = 0; i < v->count; i++)
		if (strcmp(v->issue[i].field, field) == 0 && v->issue[i].reason == r)
			return 1;
	return 0;
}

static void
dump(const struct validation *v)
{
	int i;

	for (i = 0; i < v->count; i++)
		print_message("  %s: %s\n", v->issue[i].field,
		    reason_name(v->issue[i].reason));
}

#define assert_issue(v, field, r) do {					\
	if (!has_issue((v), (field), (r))) {				\
		dump(v);						\
		fail_msg("missing issue %s: %s", (field), reason_name(r)); \
	}								\
} while (0)

static const struct field installment_fields[] = {
	{ .name = "amountCents", .kind = FIELD_CENTS, .flags = F_REQUIRED },
	{ .name = "dueDate", .kind = FIELD_DATE, .flags = F_REQUIRED },
	{ .name = NULL }
};

static const struct field address_fields[] = {
	{ .name = "city", .kind = FIELD_STRING, .flags = F_REQUIRED,
	    .min = 1, .max = 10 },
	{ .name = NULL }
};

static const struct field contract_fields[] = {
	{ .name = "establishmentId", .kind = FIELD_UUID, .flags = F_REQUIRED },
	{ .name = "kind", .kind = FIELD_ENUM, .flags = F_REQUIRED,
	    .one_of = "ooo oos" },
	{ .name = "periodFrom", .kind = FIELD_DATE, .flags = F_REQUIRED },
	{ .name = "periodTo", .kind = FIELD_DATE, .flags = F_NULLABLE },
	{ .name = "name", .kind = FIELD_STRING, .flags = 0,
	    .min = 2, .max = 5 },
	{ .name = "email", .kind = FIELD_EMAIL, .flags = F_NULLABLE },
	{ .name = "nights", .kind = FIELD_INT, .flags = 0,
	    .min = 1, .max = 365 },
	{ .name = "ratio", .kind = FIELD_NUMBER, .flags = 0,
	    .dmin = 0.0, .dmax = 1.0 },
	{ .name = "active", .kind = FIELD_BOOL, .flags = 0 },
	{ .name = "startedAt", .kind = FIELD_DATETIME, .flags = 0 },
	{ .name = "installments", .kind = FIELD_ARRAY, .flags = 0,
	    .min = 1, .max = 3,
	    .items = installment_fields },
	{ .name = "tags", .kind = FIELD_ARRAY, .flags = 0,
	    .max = 4, .item_kind = FIELD_ENUM,
	    .one_of = "vip late" },
	{ .name = "address", .kind = FIELD_OBJECT, .flags = 0,
	    .items = address_fields },
	{ .name = "businessDateAtCreation", .kind = FIELD_DATE, .flags = F_SERVER_SET },
	{ .name = "id", .kind = FIELD_INT, .flags = F_FORBIDDEN },
	{ .name = NULL }
};

#define VALID_CONTRACT							\
	"{\"establishmentId\":\"11111111-1111-4111-8111-111111111111\","	\
	"\"kind\":\"ooo\",\"periodFrom\":\"2026-03-01\","			\
	"\"periodTo\":null,\"name\":\"Caf\xc3\xa9\","				\
	"\"email\":\"a.b@example.com\",\"nights\":365,\"ratio\":0.5,"		\
	"\"active\":false,\"startedAt\":\"2026-03-01T08:00:00\","		\
	"\"installments\":[{\"amountCents\":\"5000\",\"dueDate\":\"2026-03-01\"}," \
	"{\"amountCents\":2500,\"dueDate\":\"2026-04-01\"}],"			\
	"\"tags\":[\"vip\",\"late\"],\"address\":{\"city\":\"Lyon\"},"		\
	"\"businessDateAtCreation\":null}"

static void
valid_body_has_no_issues(void **state)
{
	struct validation v;

	(void)state;
	if (check(VALID_CONTRACT, contract_fields, &v) != 0) {
		dump(&v);
		fail();
	}
	assert_int_equal(v.count, 0);
	assert_int_equal(v.overflow, 0);
}

static void
minimal_body_with_only_required_fields_is_valid(void **state)
{
	struct validation v;

	(void)state;
	assert_int_equal(check("{\"establishmentId\":\"11111111-1111-4111-8111-"
	    "111111111111\",\"kind\":\"oos\",\"periodFrom\":\"2026-03-01\"}",
	    contract_fields, &v), 0);
}

static void
several_bad_fields_are_all_reported_with_their_paths(void **state)
{
	struct validation v;
	int n;

	(void)state;
	n = check("{\"establishmentId\":\"nope\",\"kind\":\"OOO\","
	    "\"periodFrom\":\"2023-02-29\",\"nights\":0,"
	    "\"installments\":[{\"amountCents\":\"1\",\"dueDate\":\"2026-01-01\"},"
	    "{\"amountCents\":\"-1\",\"dueDate\":\"2026-1-01\"}],"
	    "\"colour\":\"red\"}", contract_fields, &v);
	assert_int_equal(n, 7);
	assert_int_equal(v.count, 7);
	assert_issue(&v, "establishmentId", REASON_BAD_UUID);
	assert_issue(&v, "kind", REASON_NOT_ALLOWED_VALUE);
	assert_issue(&v, "periodFrom", REASON_BAD_DATE);
	assert_issue(&v, "nights", REASON_OUT_OF_RANGE);
	assert_issue(&v, "installments[1].amountCents", REASON_BAD_CENTS);
	assert_issue(&v, "installments[1].dueDate", REASON_BAD_DATE);
	assert_issue(&v, "colour", REASON_UNKNOWN_FIELD);
}

static void
missing_and_null_required_fields_are_required(void **state)
{
	struct validation v;

	(void)state;
	assert_int_equal(check("{\"establishmentId\":null,\"kind\":null}",
	    contract_fields, &v), 3);
	assert_issue(&v, "establishmentId", REASON_REQUIRED);
	assert_issue(&v, "kind", REASON_REQUIRED);
	assert_issue(&v, "periodFrom", REASON_REQUIRED);
}

static void
empty_object_reports_every_required_field(void **state)
{
	struct validation v;

	(void)state;
	assert_int_equal(check("{}", contract_fields, &v), 3);
}

static const struct field small_fields[] = {
	{ .name = "a", .kind = FIELD_STRING, .flags = 0 },
	{ .name = "b", .kind = FIELD_STRING, .flags = F_NULLABLE },
	{ .name = "c", .kind = FIELD_STRING, .flags = F_SERVER_SET },
	{ .name = "id", .kind = FIELD_UUID, .flags = F_FORBIDDEN },
	{ .name = NULL }
};

static void
null_without_nullable_flag_is_wrong_type(void **state)
{
	struct validation v;

	(void)state;
	assert_int_equal(check("{\"a\":null,\"b\":null}", small_fields, &v), 1);
	assert_issue(&v, "a", REASON_WRONG_TYPE);
}

static void
server_set_field_is_refused_when_sent_with_a_value(void **state)
{
	struct validation v;

	(void)state;
	assert_int_equal(check("{\"c\":\"x\"}", small_fields, &v), 1);
	assert_issue(&v, "c", REASON_SERVER_SET);
	/* null means "not sent" */
	assert_int_equal(check("{\"c\":null}", small_fields, &v), 0);
	/* even a value of the wrong type is reported only as server_set */
	assert_int_equal(check("{\"c\":5}", small_fields, &v), 1);
	assert_issue(&v, "c", REASON_SERVER_SET);
}

static void
forbidden_field_is_refused_even_when_null(void **state)
{
	struct validation v;

	(void)state;
	assert_int_equal(check("{\"id\":null}", small_fields, &v), 1);
	assert_issue(&v, "id", REASON_SERVER_SET);
	assert_int_equal(check("{\"id\":\"11111111-1111-4111-8111-111111111111\"}",
	    small_fields, &v), 1);
	assert_int_equal(check("{}", small_fields, &v), 0);
}

static void
unknown_fields_are_each_reported_and_case_matters(void **state)
{
	struct validation v;

	(void)state;
	assert_int_equal(check("{\"A\":\"x\",\"zz\":1,\"a\":\"y\"}", small_fields, &v),
	    2);
	assert_issue(&v, "A", REASON_UNKNOWN_FIELD);
	assert_issue(&v, "zz", REASON_UNKNOWN_FIELD);
}

static void
non_object_body_is_one_not_an_object_issue(void **state)
{
	struct validation v;

	(void)state;
	assert_int_equal(check("[1,2]", small_fields, &v), 1);
	assert_int_equal(v.issue[0].reason, REASON_NOT_AN_OBJECT);
	assert_string_equal(v.issue[0].field, "");
	assert_int_equal(check("\"x\"", small_fields, &v), 1);
	memset(&v, 0, sizeof(v));
	assert_int_equal(validate_object(NULL, small_fields, "", &v), 1);
	assert_int_equal(v.issue[0].reason, REASON_NOT_AN_OBJECT);
}

static void
string_kinds_given_another_type_are_wrong_type(void **state)
{
	struct validation v;

	(void)state;
	assert_int_equal(check("{\"establishmentId\":5,\"kind\":true,"
	    "\"periodFrom\":[],\"name\":{},\"email\":1,\"startedAt\":0}",
	    contract_fields, &v), 6);
	assert_issue(&v, "establishmentId", REASON_WRONG_TYPE);
	assert_issue(&v, "kind", REASON_WRONG_TYPE);
	assert_issue(&v, "periodFrom", REASON_WRONG_TYPE);
	assert_issue(&v, "name", REASON_WRONG_TYPE);
	assert_issue(&v, "email", REASON_WRONG_TYPE);
	assert_issue(&v, "startedAt", REASON_WRONG_TYPE);
}

static const struct field kinds_fields[] = {
	{ .name = "name", .kind = FIELD_STRING, .flags = 0,
	    .min = 2, .max = 3 },
	{ .name = "nonEmpty", .kind = FIELD_STRING, .flags = 0, .min = 1 },
	{ .name = "email", .kind = FIELD_EMAIL, .flags = 0 },
	{ .name = "at", .kind = FIELD_DATETIME, .flags = 0 },
	{ .name = "price", .kind = FIELD_CENTS, .flags = 0 },
	{ .name = "count", .kind = FIELD_INT, .flags = 0 },
	{ .name = "level", .kind = FIELD_INT, .flags = 0,
	    .min = -5, .max = 0 },
	{ .name = "ratio", .kind = FIELD_NUMBER, .flags = 0,
	    .dmin = 0.0, .dmax = 1.0 },
	{ .name = "any", .kind = FIELD_NUMBER, .flags = 0 },
	{ .name = "flag", .kind = FIELD_BOOL, .flags = 0 },
	{ .name = NULL }
};

static void
string_length_is_counted_in_code_points(void **state)
{
	struct validation v;

	(void)state;
	/* "ééé": 3 code points, 6 bytes */
	assert_int_equal(check("{\"name\":\"\xc3\xa9\xc3\xa9\xc3\xa9\"}",
	    kinds_fields, &v), 0);
	assert_int_equal(check("{\"name\":\"\xf0\x9f\x98\x80\xf0\x9f\x98\x80\"}",
	    kinds_fields, &v), 0);
	assert_int_equal(check("{\"name\":\"abcd\"}", kinds_fields, &v), 1);
	assert_issue(&v, "name", REASON_TOO_LONG);
	assert_int_equal(check("{\"name\":\"\xc3\xa9\"}", kinds_fields, &v), 1);
	assert_issue(&v, "name", REASON_TOO_SHORT);
}

static void
zero_bound_means_unbounded_on_that_side(void **state)
{
	struct validation v;
	char *big = malloc(20000);
	const char *pre = "{\"nonEmpty\":\"";

	(void)state;
	assert_non_null(big);
	strcpy(big, pre);
	memset(big + strlen(pre), 'x', 10000);
	strcpy(big + strlen(pre) + 10000, "\"}");
	assert_int_equal(check(big, kinds_fields, &v), 0);
	assert_int_equal(check("{\"nonEmpty\":\"\"}", kinds_fields, &v), 1);
	assert_issue(&v, "nonEmpty", REASON_TOO_SHORT);
	free(big);
}

static void
email_datetime_and_cents_report_their_own_reasons(void **state)
{
	struct validation v;

	(void)state;
	assert_int_equal(check("{\"email\":\"no-at-sign\",\"at\":\"2026-01-01 10:00:00\","
	    "\"price\":\"1.5\"}", kinds_fields, &v), 3);
	assert_issue(&v, "email", REASON_BAD_EMAIL);
	assert_issue(&v, "at", REASON_BAD_DATETIME);
	assert_issue(&v, "price", REASON_BAD_CENTS);
	assert_int_equal(check("{\"price\":1.5}", kinds_fields, &v), 1);
	assert_issue(&v, "price", REASON_BAD_CENTS);
	assert_int_equal(check("{\"price\":9007199254740992}", kinds_fields, &v), 1);
	assert_int_equal(check("{\"price\":true}", kinds_fields, &v), 1);
	assert_issue(&v, "price", REASON_WRONG_TYPE);
	assert_int_equal(check("{\"price\":\"000000000000000001\"}", kinds_fields,
	    &v), 0);
}

static void
int_checks_integrality_then_range(void **state)
{
	struct validation v;

	(void)state;
	assert_int_equal(check("{\"count\":-9007199254740991,\"level\":-5}",
	    kinds_fields, &v), 0);
	assert_int_equal(check("{\"level\":0}", kinds_fields, &v), 0);
	assert_int_equal(check("{\"level\":1,\"count\":1.5}", kinds_fields, &v), 2);
	assert_issue(&v, "level", REASON_OUT_OF_RANGE);
	assert_issue(&v, "count", REASON_WRONG_TYPE);
	assert_int_equal(check("{\"count\":1e300}", kinds_fields, &v), 1);
	assert_issue(&v, "count", REASON_OUT_OF_RANGE);
	assert_int_equal(check("{\"count\":\"1\"}", kinds_fields, &v), 1);
	assert_issue(&v, "count", REASON_WRONG_TYPE);
}

static void
number_must_be_finite_and_within_its_bounds(void **state)
{
	struct validation v;
	cJSON *root;

	(void)state;
	assert_int_equal(check("{\"ratio\":1,\"any\":-1e300}", kinds_fields, &v), 0);
	assert_int_equal(check("{\"ratio\":1.0001}", kinds_fields, &v), 1);
	assert_issue(&v, "ratio", REASON_OUT_OF_RANGE);
	/* json_parse refuses 1e999 (JSON_ERR_RANGE): only a tree built in
	   code can still bring inf here. */
	root = cJSON_CreateObject();
	assert_non_null(cJSON_AddNumberToObject(root, "any", HUGE_VAL));
	memset(&v, 0, sizeof(v));
	assert_int_equal(validate_object(root, kinds_fields, "", &v), 1);
	cJSON_Delete(root);
	assert_issue(&v, "any", REASON_OUT_OF_RANGE);
	assert_int_equal(check("{\"any\":\"1\"}", kinds_fields, &v), 1);
	assert_issue(&v, "any", REASON_WRONG_TYPE);
}

static void
bool_accepts_only_true_and_false(void **state)
{
	struct validation v;

	(void)state;
	assert_int_equal(check("{\"flag\":true}", kinds_fields, &v), 0);
	assert_int_equal(check("{\"flag\":1}", kinds_fields, &v), 1);
	assert_issue(&v, "flag", REASON_WRONG_TYPE);
	assert_int_equal(check("{\"flag\":\"true\"}", kinds_fields, &v), 1);
}

static void
array_count_bounds_are_enforced(void **state)
{
	struct validation v;
	const char *item = "{\"amountCents\":\"1\",\"dueDate\":\"2026-01-01\"}";
	char buf[1024];

	(void)state;
	snprintf(buf, sizeof(buf), "{\"installments\":[],\"tags\":[\"vip\","
	    "\"vip\",\"vip\",\"vip\",\"vip\"]}");
	assert_int_equal(check(buf, contract_fields, &v), 5);
	assert_issue(&v, "installments", REASON_TOO_FEW_ITEMS);
	assert_issue(&v, "tags", REASON_TOO_MANY_ITEMS);
	snprintf(buf, sizeof(buf), "{\"establishmentId\":\"11111111-1111-4111-8111-"
	    "111111111111\",\"kind\":\"oos\",\"periodFrom\":\"2026-03-01\","
	    "\"installments\":[%s,%s,%s,%s]}", item, item, item, item);
	assert_int_equal(check(buf, contract_fields, &v), 1);
	assert_issue(&v, "installments", REASON_TOO_MANY_ITEMS);
}

static void
array_items_are_checked_with_indexed_paths(void **state)
{
	struct validation v;

	(void)state;
	assert_int_equal(check("{\"establishmentId\":\"11111111-1111-4111-8111-"
	    "111111111111\",\"kind\":\"oos\",\"periodFrom\":\"2026-03-01\","
	    "\"tags\":[\"vip\",\"VIP\",null,3],"
	    "\"installments\":[{\"amountCents\":\"1\",\"dueDate\":\"2026-01-01\","
	    "\"extra\":1},7,{\"dueDate\":\"2026-01-01\"}]}", contract_fields, &v), 6);
	assert_issue(&v, "tags[1]", REASON_NOT_ALLOWED_VALUE);
	assert_issue(&v, "tags[2]", REASON_WRONG_TYPE);
	assert_issue(&v, "tags[3]", REASON_WRONG_TYPE);
	assert_issue(&v, "installments[0].extra", REASON_UNKNOWN_FIELD);
	assert_issue(&v, "installments[1]", REASON_NOT_AN_OBJECT);
	assert_issue(&v, "installments[2].amountCents", REASON_REQUIRED);
}

static void
array_given_another_type_is_wrong_type(void **state)
{
	struct validation v;

	(void)state;
	assert_int_equal(check("{\"tags\":\"vip\",\"installments\":{}}",
	    contract_fields, &v), 5);
	assert_issue(&v, "tags", REASON_WRONG_TYPE);
	assert_issue(&v, "installments", REASON_WRONG_TYPE);
}

static const struct field uuid_list_fields[] = {
	{ .name = "participants", .kind = FIELD_ARRAY, .flags = 0,
	    .item_kind = FIELD_UUID },
	{ .name = NULL }
};

static void
array_of_uuids_checks_each_item(void **state)
{
	struct validation v;

	(void)state;
	assert_int_equal(check("{\"participants\":[\"FFFFFFFF-0000-4000-8000-"
	    "000000000001\",\"x\"]}", uuid_list_fields, &v), 1);
	assert_issue(&v, "participants[1]", REASON_BAD_UUID);
	assert_int_equal(check("{\"participants\":[]}", uuid_list_fields, &v), 0);
}

static void
nested_object_is_checked_with_dotted_paths(void **state)
{
	struct validation v;

	(void)state;
	assert_int_equal(check("{\"establishmentId\":\"11111111-1111-4111-8111-"
	    "111111111111\",\"kind\":\"oos\",\"periodFrom\":\"2026-03-01\","
	    "\"address\":{\"city\":\"\",\"zip\":\"69000\"}}", contract_fields, &v), 2);
	assert_issue(&v, "address.city", REASON_TOO_SHORT);
	assert_issue(&v, "address.zip", REASON_UNKNOWN_FIELD);
	assert_int_equal(check("{\"establishmentId\":\"11111111-1111-4111-8111-"
	    "111111111111\",\"kind\":\"oos\",\"periodFrom\":\"2026-03-01\","
	    "\"address\":\"Lyon\"}", contract_fields, &v), 1);
	assert_issue(&v, "address", REASON_NOT_AN_OBJECT);
}

static void
prefix_is_prepended_to_every_path(void **state)
{
	struct validation v;
	cJSON *root = doc("{\"amountCents\":\"x\",\"more\":1}");

	(void)state;
	memset(&v, 0, sizeof(v));
	assert_int_equal(validate_object(root, installment_fields,
	    "installments[1]", &v), 3);
	assert_issue(&v, "installments[1].amountCents", REASON_BAD_CENTS);
	assert_issue(&v, "installments[1].dueDate", REASON_REQUIRED);
	assert_issue(&v, "installments[1].more", REASON_UNKNOWN_FIELD);
	cJSON_Delete(root);
}

static void
issues_beyond_the_maximum_set_overflow_and_are_still_counted(void **state)
{
	struct validation v;
	char *buf = malloc(4096);
	int i;

	(void)state;
	assert_non_null(buf);
	strcpy(buf, "{");
	for (i = 0; i < 100; i++)
		sprintf(buf + strlen(buf), "%s\"u%d\":1", i ? "," : "", i);
	strcat(buf, "}");
	assert_int_equal(check(buf, small_fields, &v), 100);
	assert_int_equal(v.count, VALIDATION_MAX_ISSUES);
	assert_int_equal(v.overflow, 1);
	assert_string_equal(v.issue[0].field, "u0");
	free(buf);
}

static void
issue_added_to_a_full_validation_sets_overflow(void **state)
{
	struct validation v;
	cJSON *root;
	int i;

	(void)state;
	memset(&v, 0, sizeof(v));
	for (i = 0; i < VALIDATION_MAX_ISSUES; i++)
		validation_add(&v, "x", REASON_INVALID);
	assert_int_equal(v.overflow, 0);
	validation_add(&v, "checkOutDate", REASON_BEFORE_START);
	assert_int_equal(v.count, VALIDATION_MAX_ISSUES);
	assert_int_equal(v.overflow, 1);
	/* a full validation still makes validate_object report the failure */
	root = doc("{\"nope\":1}");
	assert_int_equal(validate_object(root, small_fields, "", &v), 1);
	assert_int_equal(v.count, VALIDATION_MAX_ISSUES);
	cJSON_Delete(root);
	validation_add(NULL, "x", REASON_INVALID);	/* harmless */
}

static void
over_long_paths_are_cut_with_an_ellipsis_on_a_character_boundary(void **state)
{
	struct validation v;
	char buf[1024], key[400];
	size_t n;

	(void)state;
	/* 199 x "é" (2 bytes each): any cut at 124 would split one */
	strcpy(key, "a");
	for (n = 0; n < 199; n++)
		strcat(key, "\xc3\xa9");
	snprintf(buf, sizeof(buf), "{\"%s\":1}", key);
	assert_int_equal(check(buf, small_fields, &v), 1);
	n = strlen(v.issue[0].field);
	assert_true(n < FIELD_PATH_MAX);
	assert_string_equal(v.issue[0].field + n - 3, "...");
	assert_true(json_utf8_valid(v.issue[0].field, n));
	assert_memory_equal(v.issue[0].field, key, n - 3);
}

static void
reason_names_are_stable_lower_snake_words(void **state)
{
	static const struct { enum reason r; const char *name; } names[] = {
		{ REASON_REQUIRED, "required" },
		{ REASON_UNKNOWN_FIELD, "unknown_field" },
		{ REASON_SERVER_SET, "server_set" },
		{ REASON_WRONG_TYPE, "wrong_type" },
		{ REASON_BAD_UUID, "bad_uuid" },
		{ REASON_BAD_DATE, "bad_date" },
		{ REASON_BAD_DATETIME, "bad_datetime" },
		{ REASON_NOT_ALLOWED_VALUE, "not_allowed_value" },
		{ REASON_TOO_SHORT, "too_short" },
		{ REASON_TOO_LONG, "too_long" },
		{ REASON_BAD_EMAIL, "bad_email" },
		{ REASON_BAD_CENTS, "bad_cents" },
		{ REASON_OUT_OF_RANGE, "out_of_range" },
		{ REASON_TOO_FEW_ITEMS, "too_few_items" },
		{ REASON_TOO_MANY_ITEMS, "too_many_items" },
		{ REASON_NOT_AN_OBJECT, "not_an_object" },
		{ REASON_BEFORE_START, "before_start" },
		{ REASON_IN_PAST, "in_past" },
		{ REASON_DUPLICATE, "duplicate" },
		{ REASON_MISMATCH, "mismatch" },
		{ REASON_UNKNOWN_REFERENCE, "unknown_reference" },
		{ REASON_BEYOND_HORIZON, "beyond_horizon" },
		{ REASON_TOO_PRECISE, "too_precise" },
		{ REASON_OUT_OF_ORDER, "out_of_order" },
		{ REASON_INVALID, "invalid" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		assert_string_equal(reason_name(names[i].r), names[i].name);
	assert_non_null(reason_name((enum reason)999));
}

static void
plausible_email_addresses_are_accepted(void **state)
{
	char addr[300];

	(void)state;
	assert_true(valid_email("a@b.co"));
	assert_true(valid_email("first.last+tag@sub.example-hotel.fr"));
	assert_true(valid_email("x@1.2"));
	/* local part of exactly 64 and total of exactly 254 */
	memset(addr, 'l', 64);
	strcpy(addr + 64, "@example.com");
	assert_true(valid_email(addr));
	memset(addr, 'l', 64);
	addr[64] = '@';
	memset(addr + 65, 'd', 254 - 65 - 4);
	strcpy(addr + 254 - 4, ".com");
	assert_int_equal(strlen(addr), 254);
	/* labels of at most 63: split the long domain */
	for (size_t i = 65 + 60; i < 250; i += 61)
		addr[i] = '.';
	assert_true(valid_email(addr));
}

static void
implausible_email_addresses_are_rejected(void **state)
{
	char addr[300];

	(void)state;
	assert_false(valid_email(NULL));
	assert_false(valid_email(""));
	assert_false(valid_email("@example.com"));
	assert_false(valid_email("a@"));
	assert_false(valid_email("a@localhost"));
	assert_false(valid_email("a@@b.com"));
	assert_false(valid_email("a@b@c.com"));
	assert_false(valid_email("a b@c.com"));
	assert_false(valid_email("a\tb@c.com"));
	assert_false(valid_email("a@c.com "));
	assert_false(valid_email("a@-c.com"));
	assert_false(valid_email("a@c-.com"));
	assert_false(valid_email("a@c..com"));
	assert_false(valid_email("a@.c.com"));
	assert_false(valid_email("a@c.com."));
	assert_false(valid_email("a@c_d.com"));
	assert_false(valid_email("a@h\xc3\xb4tel.fr"));
	memset(addr, 'l', 65);
	strcpy(addr + 65, "@example.com");
	assert_false(valid_email(addr));			/* local 65 */
	memset(addr, 'l', 10);
	addr[10] = '@';
	memset(addr + 11, 'd', 64);
	strcpy(addr + 75, ".com");
	assert_false(valid_email(addr));			/* label 64 */
	memset(addr, 'd', 299);
	addr[0] = 'a';
	addr[1] = '@';
	for (size_t i = 10; i < 290; i += 50)
		addr[i] = '.';
	addr[299] = '\0';
	assert_false(valid_email(addr));			/* > 254 */
}

static void
enum_matches_whole_words_only(void **state)
{
	(void)state;
	assert_true(valid_enum("ooo", "ooo oos"));
	assert_true(valid_enum("oos", "ooo oos"));
	assert_true(valid_enum("IN_PROGRESS", "NEW IN_PROGRESS FINISHED"));
	assert_false(valid_enum("oo", "ooo oos"));
	assert_false(valid_enum("ooo oos", "ooo oos"));
	assert_false(valid_enum("OOO", "ooo oos"));
	assert_false(valid_enum("", "ooo oos"));
	assert_false(valid_enum(" ", "ooo  oos"));
	assert_false(valid_enum(NULL, "ooo"));
	assert_false(valid_enum("ooo", NULL));
	assert_true(valid_enum("b", "  a   b  "));
}

static void
utf8_length_counts_code_points_not_bytes(void **state)
{
	(void)state;
	assert_int_equal(utf8_length(""), 0);
	assert_int_equal(utf8_length(NULL), 0);
	assert_int_equal(utf8_length("abc"), 3);
	assert_int_equal(utf8_length("Caf\xc3\xa9"), 4);
	assert_int_equal(utf8_length("\xe2\x82\xac\xf0\x9f\x98\x80"), 2);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(valid_body_has_no_issues),
		cmocka_unit_test(minimal_body_with_only_required_fields_is_valid),
		cmocka_unit_test(several_bad_fields_are_all_reported_with_their_paths),
		cmocka_unit_test(missing_and_null_required_fields_are_required),
		cmocka_unit_test(empty_object_reports_every_required_field),
		cmocka_unit_test(null_without_nullable_flag_is_wrong_type),
		cmocka_unit_test(server_set_field_is_refused_when_sent_with_a_value),
		cmocka_unit_test(forbidden_field_is_refused_even_when_null),
		cmocka_unit_test(unknown_fields_are_each_reported_and_case_matters),
		cmocka_unit_test(non_object_body_is_one_not_an_object_issue),
		cmocka_unit_test(string_kinds_given_another_type_are_wrong_type),
		cmocka_unit_test(string_length_is_counted_in_code_points),
		cmocka_unit_test(zero_bound_means_unbounded_on_that_side),
		cmocka_unit_test(email_datetime_and_cents_report_their_own_reasons),
		cmocka_unit_test(int_checks_integrality_then_range),
		cmocka_unit_test(number_must_be_finite_and_within_its_bounds),
		cmocka_unit_test(bool_accepts_only_true_and_false),
		cmocka_unit_test(array_count_bounds_are_enforced),
		cmocka_unit_test(array_items_are_checked_with_indexed_paths),
		cmocka_unit_test(array_given_another_type_is_wrong_type),
		cmocka_unit_test(array_of_uuids_checks_each_item),
		cmocka_unit_test(nested_object_is_checked_with_dotted_paths),
		cmocka_unit_test(prefix_is_prepended_to_every_path),
		cmocka_unit_test(issues_beyond_the_maximum_set_overflow_and_are_still_counted),
		cmocka_unit_test(issue_added_to_a_full_validation_sets_overflow),
		cmocka_unit_test(over_long_paths_are_cut_with_an_ellipsis_on_a_character_boundary),
		cmocka_unit_test(reason_names_are_stable_lower_snake_words),
		cmocka_unit_test(plausible_email_addresses_are_accepted),
		cmocka_unit_test(implausible_email_addresses_are_rejected),
		cmocka_unit_test(enum_matches_whole_words_only),
		cmocka_unit_test(utf8_length_counts_code_points_not_bytes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
