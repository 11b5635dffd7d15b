/*
 * Unit tests of decoding: validate_decode() storing every kind into a
 * caller's struct (uuid canonical, dates as days, cents exact, enum index,
 * borrowed strings, nested objects, arrays of objects and of scalars with
 * their capacity), the field states, the table check, validate_clear(),
 * and body_decode() end to end on a struct request: one 400 listing type
 * errors and cross-field violations together, a cleared struct and no
 * allocation left behind on that path (ASan's leak check would say).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "body.h"
#include "datetime.h"
#include "envelope.h"
#include "json.h"
#include "request.h"
#include "uuid.h"
#include "validate.h"

struct installment {
	int64_t seq_no;
	int32_t due_date;
	int64_t amount_cents;
	enum field_state amount_state;
};

struct address {
	const char *city;
	enum field_state city_state;
};

/* establishment_id first: a destination at offset 0 must work. */
struct contract {
	char establishment_id[UUID_STR_LEN + 1];
	enum field_state establishment_state;
	int currency;
	int32_t period_start;
	enum field_state period_start_state;
	int32_t period_end;
	enum field_state period_end_state;
	int64_t signed_at;
	int64_t total_cents;
	enum field_state total_state;
	int tax_exempt;
	enum field_state tax_exempt_state;
	const char *tax_exempt_basis;
	enum field_state tax_exempt_basis_state;
	const char *email;
	int64_t nights;
	enum field_state nights_state;
	double ratio;
	struct address address;
	enum field_state address_state;
	struct installment installments[3];
	int n_installments;
	enum field_state installments_state;
	int32_t closed_days[4];
	int n_closed_days;
	char unit_ids[2][UUID_STR_LEN + 1];
	int n_unit_ids;
};

static const struct field installment_fields[] = {
	{ .name = "seqNo", .kind = FIELD_INT, .flags = F_REQUIRED,
	  .min = 1, .max = 120, FIELD_AT(struct installment, seq_no) },
	{ .name = "dueDate", .kind = FIELD_DATE, .flags = F_REQUIRED,
	  FIELD_AT(struct installment, due_date) },
	{ .name = "amountCents", .kind = FIELD_CENTS, .flags = F_REQUIRED,
	  FIELD_AT(struct installment, amount_cents),
	  FIELD_STATE(struct installment, amount_state) },
	{ .name = NULL }
};

static const struct field address_fields[] = {
	{ .name = "city", .kind = FIELD_STRING, .flags = F_REQUIRED,
	  .min = 1, .max = 40, FIELD_AT(struct address, city),
	  FIELD_STATE(struct address, city_state) },
	{ .name = NULL }
};

static const struct field contract_fields[] = {
	{ .name = "establishmentId", .kind = FIELD_UUID, .flags = F_REQUIRED,
	  FIELD_AT(struct contract, establishment_id),
	  FIELD_STATE(struct contract, establishment_state) },
	{ .name = "currency", .kind = FIELD_ENUM, .flags = F_REQUIRED,
	  .one_of = "EUR CHF GBP", FIELD_AT(struct contract, currency) },
	{ .name = "periodStart", .kind = FIELD_DATE, .flags = F_REQUIRED,
	  FIELD_AT(struct contract, period_start),
	  FIELD_STATE(struct contract, period_start_state) },
	{ .name = "periodEnd", .kind = FIELD_DATE, .flags = F_NULLABLE,
	  FIELD_AT(struct contract, period_end),
	  FIELD_STATE(struct contract, period_end_state) },
	{ .name = "signedAt", .kind = FIELD_DATETIME,
	  FIELD_AT(struct contract, signed_at) },
	{ .name = "totalAmountCents", .kind = FIELD_CENTS, .flags = F_REQUIRED,
	  FIELD_AT(struct contract, total_cents),
	  FIELD_STATE(struct contract, total_state) },
	{ .name = "tourismTaxExempt", .kind = FIELD_BOOL,
	  FIELD_AT(struct contract, tax_exempt),
	  FIELD_STATE(struct contract, tax_exempt_state) },
	{ .name = "tourismTaxExemptBasis", .kind = FIELD_STRING,
	  .flags = F_NULLABLE, .max = 200,
	  FIELD_AT(struct contract, tax_exempt_basis),
	  FIELD_STATE(struct contract, tax_exempt_basis_state) },
	{ .name = "bookerEmail", .kind = FIELD_EMAIL,
	  FIELD_AT(struct contract, email) },
	{ .name = "nights", .kind = FIELD_INT, .min = 1, .max = 365,
	  FIELD_AT(struct contract, nights),
	  FIELD_STATE(struct contract, nights_state) },
	{ .name = "ratio", .kind = FIELD_NUMBER, .dmin = 0, .dmax = 1,
	  FIELD_AT(struct contract, ratio) },
	{ .name = "address", .kind = FIELD_OBJECT, .items = address_fields,
	  FIELD_AT(struct contract, address),
	  FIELD_STATE(struct contract, address_state) },
	{ .name = "installments", .kind = FIELD_ARRAY,
	  .items = installment_fields,
	  FIELD_ARRAY_AT(struct contract, installments, n_installments),
	  FIELD_STATE(struct contract, installments_state) },
	{ .name = "closedDays", .kind = FIELD_ARRAY, .item_kind = FIELD_DATE,
	  FIELD_ARRAY_AT(struct contract, closed_days, n_closed_days) },
	{ .name = "unitIds", .kind = FIELD_ARRAY, .item_kind = FIELD_UUID,
	  FIELD_ARRAY_AT(struct contract, unit_ids, n_unit_ids) },
	{ .name = "businessDateAtCreation", .kind = FIELD_DATE,
	  .flags = F_SERVER_SET },
	{ .name = NULL }
};

#define INSTALLMENT(seq, due, cents)					\
	"{\"seqNo\":" #seq ",\"dueDate\":\"" due "\",\"amountCents\":" cents "}"

/* A valid contract; its installments sum to 10000. */
#define CONTRACT(total)							\
	"{\"establishmentId\":\"2489E9AD-2EE2-8E00-8EC9-32D5F69181C0\","	\
	"\"currency\":\"CHF\",\"periodStart\":\"2024-02-29\","		\
	"\"periodEnd\":\"2024-03-01\","					\
	"\"signedAt\":\"1970-01-02T01:00:01\","				\
	"\"totalAmountCents\":" total ","					\
	"\"tourismTaxExempt\":true,\"tourismTaxExemptBasis\":\"diplomat\","	\
	"\"bookerEmail\":\"a.b@example.com\",\"nights\":365,\"ratio\":0.25,"	\
	"\"address\":{\"city\":\"Lyon\"},"					\
	"\"installments\":[" INSTALLMENT(1, "2024-02-29", "\"5000\"") ","	\
	INSTALLMENT(2, "2024-03-29", "5000") "],"				\
	"\"closedDays\":[\"1970-01-01\",\"2000-02-29\"],"			\
	"\"unitIds\":[\"BBBBBBBB-0000-4000-8000-000000000001\"]}"
#define VALID_CONTRACT CONTRACT("\"999999999999999999\"")

/* The required members only, then more ("" or ",\"member\":..."). */
#define REQUIRED_ONLY(more)						\
	"{\"establishmentId\":\"11111111-1111-4111-8111-111111111111\","	\
	"\"currency\":\"EUR\",\"periodStart\":\"2026-03-01\","		\
	"\"totalAmountCents\":\"3\"" more "}"

/* The parsed document s, which must be JSON; the caller deletes it. */
static cJSON *
doc(const char *s)
{
	cJSON *root = NULL;

	if (json_parse(s, strlen(s), JSON_MAX_DEPTH, &root, NULL, 0) != JSON_OK)
		fail_msg("not JSON: %s", s);
	return root;
}

/* The issues of v in order, as "field:rule" joined by spaces. */
static const char *
issues_of(const struct validation *v)
{
	static char out[1024];
	size_t used = 0;
	int i;

	out[0] = '\0';
	for (i = 0; i < v->count && used < sizeof(out); i++)
		used += (size_t)snprintf(out + used, sizeof(out) - used,
		    "%s%s:%s", i ? " " : "", v->issue[i].field,
		    reason_name(v->issue[i].reason));
	return out;
}

/* Decodes s into *c (zeroed first); root is kept for borrowed strings. */
static int
decode(const char *s, struct contract *c, struct validation *v, cJSON **root)
{
	memset(c, 0, sizeof(*c));
	memset(v, 0, sizeof(*v));
	*root = doc(s);
	return validate_decode(*root, contract_fields, c, "", v);
}

/* The fixture of the tests that read VALID_CONTRACT decoded. */
struct decoded_contract {
	struct contract c;
	struct validation v;
	cJSON *root;
};

static int
valid_contract_setup(void **state)
{
	struct decoded_contract *d = calloc(1, sizeof(*d));

	if (d == NULL)
		return -1;
	*state = d;
	d->root = doc(VALID_CONTRACT);
	return validate_decode(d->root, contract_fields, &d->c, "", &d->v) == 0 ?
	    0 : -1;
}

static int
valid_contract_teardown(void **state)
{
	struct decoded_contract *d = *state;

	cJSON_Delete(d->root);
	free(d);
	return 0;
}

static void
valid_body_fills_every_destination(void **state)
{
	const struct contract *c = &((struct decoded_contract *)*state)->c;

	assert_int_equal(c->establishment_state, FIELD_SET);
	assert_int_equal(c->currency, 1);
	assert_int_equal(c->signed_at, 86400 + 3600 + 1);
	assert_int_equal(c->tax_exempt, 1);
	assert_string_equal(c->tax_exempt_basis, "diplomat");
	assert_string_equal(c->email, "a.b@example.com");
	assert_int_equal(c->nights, 365);
	assert_true(c->ratio == 0.25);
	assert_int_equal(c->address_state, FIELD_SET);
	assert_string_equal(c->address.city, "Lyon");
	assert_int_equal(c->address.city_state, FIELD_SET);
	assert_int_equal(c->installments_state, FIELD_SET);
	assert_int_equal(c->n_installments, 2);
	assert_int_equal(c->installments[1].seq_no, 2);
	assert_int_equal(c->n_unit_ids, 1);
	assert_string_equal(c->unit_ids[0], "bbbbbbbb-0000-4000-8000-000000000001");
}

static void
upper_case_uuid_lands_in_canonical_lower_case(void **state)
{
	const struct contract *c = &((struct decoded_contract *)*state)->c;

	assert_string_equal(c->establishment_id,
	    "2489e9ad-2ee2-8e00-8ec9-32d5f69181c0");
}

static void
dates_decode_to_days_since_epoch_across_a_leap_day(void **state)
{
	const struct contract *c = &((struct decoded_contract *)*state)->c;

	/* 2024-01-01 is day 19723; + 31 + 28 is 2024-02-29 */
	assert_int_equal(c->period_start, 19723 + 31 + 28);
	assert_int_equal(c->period_end, c->period_start + 1);
	assert_int_equal(c->period_end, date_from_ymd(2024, 3, 1));
	assert_int_equal(c->installments[0].due_date, c->period_start);
	assert_int_equal(c->n_closed_days, 2);
	assert_int_equal(c->closed_days[0], 0);
	assert_int_equal(c->closed_days[1], date_from_ymd(2000, 2, 29));
}

static void
cents_decode_exactly_from_digit_strings_and_integers(void **state)
{
	const struct contract *c = &((struct decoded_contract *)*state)->c;

	/* 18 digits: a double would have rounded it */
	assert_true(c->total_cents == INT64_C(999999999999999999));
	assert_int_equal(c->installments[0].amount_cents, 5000);	/* "5000" */
	assert_int_equal(c->installments[1].amount_cents, 5000);	/* 5000 */
}

static void
states_tell_absent_null_set_and_invalid_apart(void **state)
{
	struct contract c;
	struct validation v;
	cJSON *root;

	(void)state;
	assert_int_equal(decode("{\"establishmentId\":\"x\",\"currency\":\"EUR\","
	    "\"periodStart\":\"2026-03-01\",\"periodEnd\":null,"
	    "\"totalAmountCents\":\"1\"}", &c, &v, &root), 1);
	assert_int_equal(c.establishment_state, FIELD_INVALID);
	assert_int_equal(c.period_start_state, FIELD_SET);
	assert_int_equal(c.period_end_state, FIELD_NULL);
	assert_int_equal(c.tax_exempt_state, FIELD_ABSENT);
	assert_int_equal(c.address_state, FIELD_ABSENT);
	assert_int_equal(c.installments_state, FIELD_ABSENT);
	assert_int_equal(c.n_installments, 0);
	/* a value is written only when valid: the bad uuid left nothing */
	assert_string_equal(c.establishment_id, "");
	cJSON_Delete(root);
}

static void
absent_or_null_field_keeps_the_callers_default(void **state)
{
	struct contract c;
	struct validation v;
	cJSON *root;

	(void)state;
	memset(&c, 0, sizeof(c));
	memset(&v, 0, sizeof(v));
	c.nights = 7;
	c.period_end = 42;
	root = doc(REQUIRED_ONLY(",\"periodEnd\":null"));
	assert_int_equal(validate_decode(root, contract_fields, &c, "", &v), 0);
	assert_int_equal(c.nights, 7);
	assert_int_equal(c.nights_state, FIELD_ABSENT);
	assert_int_equal(c.period_end, 42);
	assert_int_equal(c.period_end_state, FIELD_NULL);
	cJSON_Delete(root);
}

static void
enum_decodes_to_the_index_of_its_word(void **state)
{
	static const char *const words[] = { "EUR", "CHF", "GBP" };
	struct contract c;
	struct validation v;
	char buf[256];
	cJSON *root;
	int i;

	(void)state;
	for (i = 0; i < 3; i++) {
		snprintf(buf, sizeof(buf), "{\"establishmentId\":\"11111111-1111-"
		    "4111-8111-111111111111\",\"currency\":\"%s\","
		    "\"periodStart\":\"2026-03-01\",\"totalAmountCents\":0}",
		    words[i]);
		assert_int_equal(decode(buf, &c, &v, &root), 0);
		assert_int_equal(c.currency, i);
		cJSON_Delete(root);
	}
	assert_int_equal(enum_index("b", "  a   b  "), 1);
	assert_int_equal(enum_index("c", "a b"), -1);
	assert_int_equal(enum_index("", "a b"), -1);
}

static void
strings_are_borrowed_from_the_parsed_tree(void **state)
{
	const struct decoded_contract *d = *state;
	const struct contract *c = &d->c;

	assert_ptr_equal(c->email, json_get_string(d->root, "bookerEmail"));
	assert_ptr_equal(c->address.city,
	    json_get_string(json_get(d->root, "address"), "city"));
}

static void
array_of_objects_reports_indexed_paths_and_keeps_valid_items(void **state)
{
	struct contract c;
	struct validation v;
	cJSON *root;

	(void)state;
	assert_int_equal(decode(REQUIRED_ONLY(",\"installments\":["
	    INSTALLMENT(1, "2026-03-01", "\"1\"") ","
	    INSTALLMENT(2, "2026-04-01", "\"-1\"") "]"), &c, &v, &root), 1);
	assert_string_equal(issues_of(&v), "installments[1].amountCents:bad_cents");
	assert_int_equal(c.installments_state, FIELD_INVALID);
	assert_int_equal(c.n_installments, 2);
	assert_int_equal(c.installments[0].amount_state, FIELD_SET);
	assert_int_equal(c.installments[0].amount_cents, 1);
	assert_int_equal(c.installments[1].amount_state, FIELD_INVALID);
	assert_int_equal(c.installments[1].seq_no, 2);
	cJSON_Delete(root);
}

static void
array_beyond_its_capacity_is_too_many_items(void **state)
{
	struct contract c;
	struct validation v;
	cJSON *root;

	(void)state;
	assert_int_equal(decode(REQUIRED_ONLY(",\"installments\":["
	    INSTALLMENT(1, "2026-03-01", "1") "," INSTALLMENT(2, "2026-04-01", "1")
	    "," INSTALLMENT(3, "2026-05-01", "1") ","
	    INSTALLMENT(4, "2026-06-01", "\"x\"") "],"
	    "\"unitIds\":[\"11111111-1111-4111-8111-111111111111\","
	    "\"11111111-1111-4111-8111-111111111112\","
	    "\"11111111-1111-4111-8111-111111111113\"]"), &c, &v, &root), 3);
	/* items past the capacity are still checked, not stored */
	assert_string_equal(issues_of(&v), "installments:too_many_items "
	    "installments[3].amountCents:bad_cents unitIds:too_many_items");
	assert_int_equal(c.n_installments, 3);
	assert_int_equal(c.installments[2].seq_no, 3);
	assert_int_equal(c.n_unit_ids, 2);
	assert_string_equal(c.unit_ids[1], "11111111-1111-4111-8111-111111111112");
	cJSON_Delete(root);
}

static void
decode_reports_the_same_issues_as_validate_object(void **state)
{
	static const char body[] = "{\"establishmentId\":5,\"currency\":\"eur\","
	    "\"periodStart\":\"2023-02-29\",\"nights\":0,\"ratio\":2,"
	    "\"tourismTaxExempt\":1,\"address\":{\"zip\":1},"
	    "\"closedDays\":[null,\"2026-13-01\"],\"colour\":\"red\","
	    "\"businessDateAtCreation\":\"2026-01-01\"}";
	struct contract c;
	struct validation v, plain;
	cJSON *root;
	int n, i;

	(void)state;
	n = decode(body, &c, &v, &root);
	memset(&plain, 0, sizeof(plain));
	assert_int_equal(validate_object(root, contract_fields, "", &plain), n);
	assert_int_equal(n, 13);
	assert_int_equal(plain.count, v.count);
	for (i = 0; i < v.count; i++) {
		assert_string_equal(plain.issue[i].field, v.issue[i].field);
		assert_int_equal(plain.issue[i].reason, v.issue[i].reason);
	}
	cJSON_Delete(root);
}

struct wrong_size {
	int64_t day;			/* a DATE is int32_t */
	enum field_state day_state;
};

static const struct field wrong_size_fields[] = {
	{ .name = "day", .kind = FIELD_DATE, FIELD_AT(struct wrong_size, day),
	  FIELD_STATE(struct wrong_size, day_state) },
	{ .name = NULL }
};

struct scalar_list {
	int64_t amounts[2];
	int n;
};

static const struct field object_items_without_table_fields[] = {
	{ .name = "amounts", .kind = FIELD_ARRAY, .item_kind = FIELD_OBJECT,
	  FIELD_ARRAY_AT(struct scalar_list, amounts, n) },
	{ .name = NULL }
};

static const struct field date_items_in_cents_array_fields[] = {
	{ .name = "amounts", .kind = FIELD_ARRAY, .item_kind = FIELD_DATE,
	  FIELD_ARRAY_AT(struct scalar_list, amounts, n) },
	{ .name = NULL }
};

static void
table_whose_member_does_not_fit_its_kind_is_refused_before_writing(void **state)
{
	struct wrong_size w = { .day = 5, .day_state = FIELD_NULL };
	struct validation v;
	cJSON *root = doc("{\"day\":\"2026-01-01\"}");

	(void)state;
	memset(&v, 0, sizeof(v));
	assert_int_equal(validate_decode(root, wrong_size_fields, &w, "", &v),
	    VALIDATE_ERR_TABLE);
	assert_int_equal(w.day, 5);
	assert_int_equal(w.day_state, FIELD_NULL);
	assert_int_equal(v.count, 0);
	/* without a destination the same table only validates */
	assert_int_equal(validate_decode(root, wrong_size_fields, NULL, "", &v), 0);
	assert_int_equal(validate_table_check(wrong_size_fields),
	    VALIDATE_ERR_TABLE);
	assert_int_equal(validate_table_check(object_items_without_table_fields),
	    VALIDATE_ERR_TABLE);
	assert_int_equal(validate_table_check(date_items_in_cents_array_fields),
	    VALIDATE_ERR_TABLE);
	assert_int_equal(validate_table_check(contract_fields), 0);
	cJSON_Delete(root);
}

static void
clear_zeroes_every_destination_the_table_names(void **state)
{
	struct contract *c = &((struct decoded_contract *)*state)->c;

	validate_clear(contract_fields, c);
	assert_string_equal(c->establishment_id, "");
	assert_int_equal(c->establishment_state, FIELD_ABSENT);
	assert_null(c->email);
	assert_null(c->address.city);
	assert_int_equal(c->address_state, FIELD_ABSENT);
	assert_int_equal(c->n_installments, 0);
	assert_int_equal(c->installments[0].amount_cents, 0);
	assert_int_equal(c->n_unit_ids, 0);
	assert_true(c->total_cents == 0);
}

/* body_decode on a struct request, as server.c would hand it over. */

static const struct family pms_family = {
	.name = "long-stay-contracts",
	.envelope = ENVELOPE_PMS,
	.bounded_context = "contracts",
	.module = "long-stay-contracts",
	.body_types = "application/json",
	.routes = NULL,
};

static char content_json[] = "CONTENT_TYPE=application/json";
static char content_text[] = "CONTENT_TYPE=text/plain";

static void
request_with_body(struct request *rq, char *content_type, char *body)
{
	static char *env[2];

	env[0] = content_type;
	env[1] = NULL;
	memset(rq, 0, sizeof(*rq));
	rq->envp = env;
	rq->family = &pms_family;
	rq->lang = LANG_EN;
	rq->body = body;
	rq->body_len = strlen(body);
}

/*
 * SPEC 2.5's rules, each only when the fields it needs decoded; *ctx
 * counts the runs, to show that rules run on an invalid body too.
 */
static void
contract_rules(const void *dest, void *ctx, struct validation *v)
{
	const struct contract *c = dest;
	int64_t sum = 0;
	int i;

	(*(int *)ctx)++;
	if (c->period_start_state == FIELD_SET &&
	    c->period_end_state == FIELD_SET && c->period_end <= c->period_start)
		validation_add(v, "periodEnd", REASON_BEFORE_START);
	if (c->tax_exempt_state == FIELD_SET && c->tax_exempt &&
	    c->tax_exempt_basis_state != FIELD_SET)
		validation_add(v, "tourismTaxExemptBasis", REASON_REQUIRED);
	if (c->total_state == FIELD_SET &&
	    c->installments_state == FIELD_SET) {
		for (i = 0; i < c->n_installments; i++)
			sum += c->installments[i].amount_cents;
		if (sum != c->total_cents)
			validation_add(v, "totalAmountCents", REASON_MISMATCH);
	}
}

/* The details of the 400 in rq, as "field:rule" strings joined by ' '. */
static void
details_of(const struct request *rq, char *out, size_t len)
{
	cJSON *o, *d;
	size_t used = 0;

	assert_int_equal(rq->status, 400);
	assert_non_null(o = cJSON_Parse(rq->resp_body));
	assert_string_equal(cJSON_GetStringValue(
	    cJSON_GetObjectItemCaseSensitive(o, "code")), "VALIDATION_FAILED");
	out[0] = '\0';
	cJSON_ArrayForEach(d, cJSON_GetObjectItemCaseSensitive(o, "details"))
		used += (size_t)snprintf(out + used, len - used, "%s%s:%s",
		    used ? " " : "", cJSON_GetStringValue(
		    cJSON_GetObjectItemCaseSensitive(d, "field")),
		    cJSON_GetStringValue(
		    cJSON_GetObjectItemCaseSensitive(d, "rule")));
	cJSON_Delete(o);
}

static void
every_bad_field_type_errors_and_rule_violations_are_in_one_400(void **state)
{
	char body[] = "{\"establishmentId\":12,\"currency\":\"EUR\","
	    "\"periodStart\":\"2026-03-10\",\"periodEnd\":\"2026-03-01\","
	    "\"totalAmountCents\":\"12.5\",\"tourismTaxExempt\":\"yes\"}";
	struct request rq;
	struct contract c;
	struct body b;
	char details[512];
	int runs = 0;

	(void)state;
	request_with_body(&rq, content_json, body);
	assert_int_equal(body_decode(&rq, contract_fields, &c, contract_rules,
	    &runs, &b), -1);
	assert_int_equal(runs, 1);
	details_of(&rq, details, sizeof(details));
	assert_string_equal(details, "establishmentId:wrong_type "
	    "totalAmountCents:bad_cents tourismTaxExempt:wrong_type "
	    "periodEnd:before_start");
	free(rq.resp_body);
}

static void
body_decode_400_clears_the_struct_and_keeps_nothing_allocated(void **state)
{
	char body[] = REQUIRED_ONLY(",\"bookerEmail\":\"a@b.co\","
	    "\"address\":{\"city\":\"Lyon\"},\"installments\":["
	    INSTALLMENT(1, "2026-03-01", "1") "]");
	struct request rq;
	struct contract c;
	struct body b = { .json = NULL };
	char details[256];
	int runs = 0;

	(void)state;
	memset(&c, 0xff, sizeof(c));
	request_with_body(&rq, content_json, body);
	/* valid types, but the installments do not sum to the total */
	assert_int_equal(body_decode(&rq, contract_fields, &c, contract_rules,
	    &runs, &b), -1);
	details_of(&rq, details, sizeof(details));
	assert_string_equal(details, "totalAmountCents:mismatch");
	assert_null(b.json);
	/* nothing borrowed from the freed tree stays reachable */
	assert_null(c.email);
	assert_null(c.address.city);
	assert_int_equal(c.n_installments, 0);
	assert_int_equal(c.establishment_state, FIELD_ABSENT);
	body_free(&b);
	free(rq.resp_body);
}

static void
body_decode_success_fills_the_struct_and_keeps_the_tree(void **state)
{
	char body[] = CONTRACT("\"10000\"");
	struct request rq;
	struct contract c;
	struct body b;
	int runs = 0;

	(void)state;
	memset(&c, 0, sizeof(c));
	request_with_body(&rq, content_json, body);
	assert_int_equal(body_decode(&rq, contract_fields, &c, contract_rules,
	    &runs, &b), 0);
	assert_int_equal(rq.responded, 0);
	assert_int_equal(runs, 1);
	assert_non_null(b.json);
	assert_int_equal(c.total_cents, 10000);
	assert_string_equal(c.address.city, "Lyon");
	body_free(&b);
	assert_null(b.json);
	body_free(&b);		/* twice is harmless */
}

static void
body_decode_answers_415_for_another_media_type_without_decoding(void **state)
{
	char body[] = VALID_CONTRACT;
	struct request rq;
	struct contract c;
	struct body b;
	int runs = 0;
	cJSON *o;

	(void)state;
	memset(&c, 0, sizeof(c));
	request_with_body(&rq, content_text, body);
	assert_int_equal(body_decode(&rq, contract_fields, &c, contract_rules,
	    &runs, &b), -1);
	assert_int_equal(rq.status, 415);
	assert_int_equal(runs, 0);
	assert_null(b.json);
	assert_int_equal(c.establishment_state, FIELD_ABSENT);
	assert_non_null(o = cJSON_Parse(rq.resp_body));
	assert_string_equal(cJSON_GetStringValue(
	    cJSON_GetObjectItemCaseSensitive(o, "code")),
	    "UNSUPPORTED_MEDIA_TYPE");
	cJSON_Delete(o);
	free(rq.resp_body);
}

static void
body_decode_with_a_misfit_table_answers_500(void **state)
{
	char body[] = "{\"day\":\"2026-01-01\"}";
	struct request rq;
	struct wrong_size w = { .day = 5, .day_state = FIELD_ABSENT };
	struct body b;

	(void)state;
	request_with_body(&rq, content_json, body);
	assert_int_equal(body_decode(&rq, wrong_size_fields, &w, NULL, NULL,
	    &b), -1);
	assert_int_equal(rq.status, 500);
	assert_null(b.json);
	assert_int_equal(w.day, 5);
	free(rq.resp_body);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(valid_body_fills_every_destination,
		    valid_contract_setup, valid_contract_teardown),
		cmocka_unit_test_setup_teardown(upper_case_uuid_lands_in_canonical_lower_case,
		    valid_contract_setup, valid_contract_teardown),
		cmocka_unit_test_setup_teardown(dates_decode_to_days_since_epoch_across_a_leap_day,
		    valid_contract_setup, valid_contract_teardown),
		cmocka_unit_test_setup_teardown(cents_decode_exactly_from_digit_strings_and_integers,
		    valid_contract_setup, valid_contract_teardown),
		cmocka_unit_test(states_tell_absent_null_set_and_invalid_apart),
		cmocka_unit_test(absent_or_null_field_keeps_the_callers_default),
		cmocka_unit_test(enum_decodes_to_the_index_of_its_word),
		cmocka_unit_test_setup_teardown(strings_are_borrowed_from_the_parsed_tree,
		    valid_contract_setup, valid_contract_teardown),
		cmocka_unit_test(array_of_objects_reports_indexed_paths_and_keeps_valid_items),
		cmocka_unit_test(array_beyond_its_capacity_is_too_many_items),
		cmocka_unit_test(decode_reports_the_same_issues_as_validate_object),
		cmocka_unit_test(table_whose_member_does_not_fit_its_kind_is_refused_before_writing),
		cmocka_unit_test_setup_teardown(clear_zeroes_every_destination_the_table_names,
		    valid_contract_setup, valid_contract_teardown),
		cmocka_unit_test(every_bad_field_type_errors_and_rule_violations_are_in_one_400),
		cmocka_unit_test(body_decode_400_clears_the_struct_and_keeps_nothing_allocated),
		cmocka_unit_test(body_decode_success_fills_the_struct_and_keeps_the_tree),
		cmocka_unit_test(body_decode_answers_415_for_another_media_type_without_decoding),
		cmocka_unit_test(body_decode_with_a_misfit_table_answers_500),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
