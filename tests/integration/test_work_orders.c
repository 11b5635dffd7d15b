/*
 * test_work_orders: the three proof endpoints of the AMAGE work-order API
 * (seed amage-work-orders.pl.txt, SPEC 3) through the real stack:
 *   GET  /count                the bare number, +1 per add
 *   POST /add                  a full WorkOrderDto, the defaults of a
 *                              minimal one, uuids in any case, ignored
 *                              server fields, "id" refused, each unknown
 *                              reference 400/404 naming it, malformed
 *                              bodies 400/400, content types
 *   GET  /get/by-uuid/{uuid}   every field back, 400 malformed, 404
 *                              unknown, 400 "duplicated"
 * Nothing assumes an empty database: counts are compared before and after,
 * uuids are fresh, and the references a full add needs are made once per
 * run with pms-admin amage-ref add.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"
#include "uuid.h"

#define ADD_PATH	WO_BASE "/add"
#define GET_PATH	WO_BASE "/get/by-uuid/"

/* Every key of a WorkOrderDto, as the seed lists them. */
static const char *const dto_keys[] = {
	"id", "uuid", "name", "description", "typeUuid", "stateName",
	"priorityName", "archived", "contractUuid", "contractScopeUuid",
	"accountUuid", "created", "beginDate", "deadlineDate", "notes",
	"startDate", "finishDate", "assignedDepartmentUuid",
	"assignedUserUuid", "assignedContractorUuid", "verifyUserUuid",
	"protocolNumber", "parentUuid", "customerUuid", "locationUuid",
	"placeOfWorkUuid", "budget", "hoursEstimated", "workAmount",
	"workAmountUnit", "workUnitMinutesTotal", "workUnitMinutes",
	"workUnitPrice", "progressCompleted", "elementTypePlanCompleted",
	"elementTypePlanTotalCount", "elementTypePlanCompletedCount",
	"progressCompletedUpdated", "elementTypePlanUpdated", NULL
};

/* ---- fixtures: references made once per run --------------------------- */

static struct {
	int ready;
	char contract[UUID_STR_LEN + 1];
	char contract_scope[UUID_STR_LEN + 1];
	char account[UUID_STR_LEN + 1];
	char department[UUID_STR_LEN + 1];
	char contractor[UUID_STR_LEN + 1];
	char customer[UUID_STR_LEN + 1];
	char place_of_work[UUID_STR_LEN + 1];
	char parent[UUID_STR_LEN + 1];
} refs;

static int
ref_add(const char *kind, char out[UUID_STR_LEN + 1])
{
	if (!CHECK(uuid_generate(out) == 0))
		return 0;
	return ADMIN("amage-ref", "add", "--kind", kind, "--uuid", out,
	    "--name", pool_printf("itest %s", kind)) != NULL;
}

/* The references a full add points at; 0 after recording a failure. */
static int
refs_ready(void)
{
	struct http_response *r;
	const char *u;

	if (refs.ready)
		return 1;
	if (!ref_add("contract", refs.contract) ||
	    !ref_add("contract_scope", refs.contract_scope) ||
	    !ref_add("account", refs.account) ||
	    !ref_add("department", refs.department) ||
	    !ref_add("contractor", refs.contractor) ||
	    !ref_add("customer", refs.customer) ||
	    !ref_add("place_of_work", refs.place_of_work))
		return 0;
	r = amage_post(ADD_PATH, "{\"name\":\"itest parent\"}");
	if (!CHECK_AMAGE_OK(r))
		return 0;
	u = jstr(r->json, "uuid");
	snprintf(refs.parent, sizeof(refs.parent), "%s", u);
	refs.ready = 1;
	return 1;
}

/*
 * Every client-settable field of a WorkOrderDto, with values unlike the
 * defaults; uuid NULL leaves "uuid" out.  The object is in the pool.
 */
static cJSON *
full_body(const char *uuid)
{
	cJSON *o = pool_json(cJSON_CreateObject());

	if (uuid != NULL)
		cJSON_AddStringToObject(o, "uuid", uuid);
	cJSON_AddStringToObject(o, "name",
	    "Naprawa oświetlenia — zażółć gęślą jaźń");
	cJSON_AddStringToObject(o, "description",
	    "Wymiana opraw w korytarzu, piętro 2 \"B\"\nlinia 2");
	cJSON_AddStringToObject(o, "typeUuid", AMAGE_TYPE);
	cJSON_AddStringToObject(o, "stateName", "SCHEDULED");
	cJSON_AddStringToObject(o, "priorityName", "HIGH");
	cJSON_AddBoolToObject(o, "archived", 1);
	cJSON_AddStringToObject(o, "contractUuid", refs.contract);
	cJSON_AddStringToObject(o, "contractScopeUuid", refs.contract_scope);
	cJSON_AddStringToObject(o, "accountUuid", refs.account);
	cJSON_AddStringToObject(o, "beginDate", "2021-01-01T12:00:00");
	cJSON_AddStringToObject(o, "deadlineDate", "2021-02-28T23:59:59");
	cJSON_AddStringToObject(o, "notes", "notatki");
	cJSON_AddStringToObject(o, "startDate", "2021-01-02T07:30:00");
	cJSON_AddStringToObject(o, "finishDate", "2021-01-03T18:45:01");
	cJSON_AddStringToObject(o, "assignedDepartmentUuid", refs.department);
	cJSON_AddStringToObject(o, "assignedUserUuid", AMAGE_USER_1);
	cJSON_AddStringToObject(o, "assignedContractorUuid", refs.contractor);
	cJSON_AddStringToObject(o, "verifyUserUuid", AMAGE_USER_2);
	cJSON_AddStringToObject(o, "protocolNumber", "A/23/330/2000");
	cJSON_AddStringToObject(o, "parentUuid", refs.parent);
	cJSON_AddStringToObject(o, "customerUuid", refs.customer);
	cJSON_AddStringToObject(o, "locationUuid", AMAGE_LOCATION);
	cJSON_AddStringToObject(o, "placeOfWorkUuid", refs.place_of_work);
	cJSON_AddNumberToObject(o, "budget", 1000.5);
	cJSON_AddNumberToObject(o, "hoursEstimated", 10.25);
	cJSON_AddNumberToObject(o, "workAmount", 100);
	cJSON_AddStringToObject(o, "workAmountUnit", "metry");
	cJSON_AddNumberToObject(o, "workUnitMinutesTotal", 150);
	cJSON_AddNumberToObject(o, "workUnitMinutes", 100.5);
	cJSON_AddNumberToObject(o, "workUnitPrice", 156.75);
	return o;
}

static struct http_response *
add_json(const cJSON *body)
{
	return amage_post(ADD_PATH, pool_json_print(body));
}

static struct http_response *
get_by_uuid(const char *uuid)
{
	return amage_get(pool_printf(WO_BASE "/get/by-uuid/%s", uuid));
}

/* obj has exactly the keys of list, each once. */
static int
check_exact_keys(const cJSON *obj, const char *const *list)
{
	const cJSON *c, *d;
	const char *const *k;
	int ok = 1;

	if (!CHECK(cJSON_IsObject(obj)))
		return 0;
	for (c = obj->child; c != NULL; c = c->next) {
		for (k = list; *k != NULL && strcmp(*k, c->string) != 0; k++)
			;
		ok &= CHECKF(*k != NULL, "unexpected key \"%s\"", c->string);
		for (d = c->next; d != NULL; d = d->next)
			ok &= CHECKF(strcmp(c->string, d->string) != 0,
			    "key \"%s\" appears twice", c->string);
	}
	for (k = list; *k != NULL; k++)
		ok &= CHECKF(jget(obj, *k) != NULL, "missing key \"%s\"", *k);
	return ok;
}

/* Every field of sent comes back in got with the same value. */
static void
check_echo(const cJSON *sent, const cJSON *got)
{
	const cJSON *s;

	for (s = sent->child; s != NULL; s = s->next) {
		if (cJSON_IsString(s))
			CHECK_JSON_STR(got, s->string, s->valuestring);
		else if (cJSON_IsNumber(s))
			CHECK_JSON_NUM(got, s->string, s->valuedouble);
		else if (cJSON_IsBool(s))
			CHECK_JSON_BOOL(got, s->string, cJSON_IsTrue(s));
		else if (cJSON_IsNull(s))
			CHECK_JSON_NULL(got, s->string);
	}
}

/* A server-set timestamp: the right shape, within a day of now. */
static void
check_recent_datetime(const cJSON *obj, const char *key)
{
	const char *s = jstr(obj, key);
	struct tm tm;
	double d;
	time_t t;

	if (!CHECKF(is_local_datetime(s), "\"%s\": expected "
	    "YYYY-MM-DDTHH:MM:SS, got %s", key, s ? s : "(not a string)"))
		return;
	memset(&tm, 0, sizeof(tm));
	sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d", &tm.tm_year, &tm.tm_mon,
	    &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec);
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	t = timegm(&tm);
	/* Local time, zone unknown: a day either way is "now". */
	d = difftime(t, time(NULL));
	CHECKF(d > -26 * 3600.0 && d < 26 * 3600.0,
	    "\"%s\": %s is not today", key, s);
}

/* ---- count ---------------------------------------------------------------- */

/* A description of n four-byte characters (U+1F527, a wrench). */
static char *
long_text_body(int n, const char *field)
{
	size_t len = (size_t)n * 4 + 160;
	char *b = malloc(len), *p;
	int i;

	if (b == NULL)
		return NULL;
	p = b + sprintf(b, "{\"name\":\"itest long %s\",\"%s\":\"", fresh_uuid(),
	    field);
	for (i = 0; i < n; i++) {
		memcpy(p, "\xf0\x9f\x94\xa7", 4);
		p += 4;
	}
	strcpy(p, "\"}");
	return pool_keep(b, free);
}

TEST(longest_texts_in_four_byte_characters_are_stored_whole)
{
	struct http_response *a, *g;

	/* 16383 code points of 4 bytes fill a TEXT column: accepted, kept. */
	a = amage_post(ADD_PATH, long_text_body(16383, "description"));
	REQUIRE(CHECK_AMAGE_OK(a));
	g = amage_get(pool_printf("%s%s", GET_PATH, jstr(a->json, "uuid")));
	REQUIRE(CHECK_STATUS(g, 200));
	CHECK_INT(16383 * 4, (long long)strlen(jstr(g->json, "description")));
	CHECK_AMAGE_OK(amage_post(ADD_PATH, long_text_body(16383, "notes")));
}

TEST(a_text_longer_than_its_column_is_400_not_a_failed_insert)
{
	long long before = AMAGE_COUNT();

	CHECK_AMAGE_ERROR(amage_post(ADD_PATH, long_text_body(16384,
	    "description")), 400, 400);
	CHECK_AMAGE_ERROR(amage_post(ADD_PATH, long_text_body(16384, "notes")),
	    400, 400);
	CHECK_INT(before, AMAGE_COUNT());
}

TEST(concurrent_adds_with_one_new_uuid_all_succeed_and_get_says_duplicated)
{
	enum { N = 6 };
	const char *uuid = fresh_uuid();
	char buf[N * 80 + 1], *line, *save;
	int go[2], res[2], i, n = 0, got = 0;
	long long before;
	pid_t pids[N];
	ssize_t k;
	struct http_response *r;

	/* They race for the first row of the uuid (schema/006): the losers are
	   retried and become duplicates, none fails. */
	REQUIRE((before = AMAGE_COUNT()) >= 0);
	REQUIRE(CHECKF(pipe(go) == 0 && pipe(res) == 0, "pipe failed"));
	for (i = 0; i < N; i++) {
		if ((pids[i] = fork()) == 0) {
			const char *ans;
			char c;

			close(go[1]);
			close(res[0]);
			harness_forked_child();
			/* The start barrier: EOF once the parent has forked
			   every child and closed its end; then all send. */
			if (read(go[0], &c, 1) != 0)
				_exit(3);
			r = amage_post(ADD_PATH, pool_printf("{\"uuid\":\"%s\","
			    "\"name\":\"itest race %d\"}", uuid, i));
			ans = pool_printf("%ld %s %s\n", r->status,
			    cJSON_IsTrue(jget(r->json, "success")) ? "true" :
			    "false", jstr(r->json, "uuid") ? jstr(r->json,
			    "uuid") : "-");
			_exit(write(res[1], ans, strlen(ans)) < 0 ? 3 : 0);
		}
		CHECKF(pids[i] > 0, "fork failed");
	}
	close(go[0]);
	close(res[1]);
	close(go[1]);
	while (got < (int)sizeof(buf) - 1 &&
	    (k = read(res[0], buf + got, sizeof(buf) - 1 - (size_t)got)) > 0)
		got += (int)k;
	buf[got] = '\0';
	close(res[0]);
	for (i = 0; i < N; i++)
		if (pids[i] > 0)
			waitpid(pids[i], NULL, 0);
	for (line = strtok_r(buf, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save), n++)
		CHECKF(strcmp(line, pool_printf("200 true %s", uuid)) == 0,
		    "add %d answered \"%s\", expected 200, success, %s", n,
		    line, uuid);
	CHECK_INT(N, n);
	CHECK_INT(before + N, AMAGE_COUNT());
	r = amage_get(pool_printf("%s%s", GET_PATH, uuid));
	CHECK_AMAGE_ERROR(r, 400, 400);
	CHECK_CONTAINS_NOCASE(jstr(r->json, "message"), "duplicated entry");
}

TEST(count_is_a_bare_json_number)
{
	struct http_response *r = amage_get(WO_BASE "/count");

	CHECK_STATUS(r, 200);
	CHECK_JSON(r);
	CHECKF(cJSON_IsNumber(r->json) && r->json->valuedouble >= 0 &&
	    (double)(long long)r->json->valuedouble == r->json->valuedouble,
	    "expected a bare non-negative integer, got %.100s", r->body);
}

TEST(count_grows_by_exactly_one_after_an_add)
{
	long long before, after;

	before = AMAGE_COUNT();
	CHECK_AMAGE_OK(amage_post(ADD_PATH, "{\"name\":\"itest count\"}"));
	after = AMAGE_COUNT();
	CHECK_INT(before + 1, after);
}

/* ---- add and get ------------------------------------------------------------ */

TEST(add_with_every_field_answers_200_with_id_and_the_uuid_sent)
{
	const char *uuid = fresh_uuid();
	struct http_response *r;

	REQUIRE(refs_ready());
	r = add_json(full_body(uuid));
	CHECK_AMAGE_OK(r);
	CHECK_JSON_STR(r->json, "uuid", uuid);
}

TEST(get_by_uuid_returns_every_field_as_sent_and_exactly_the_dto_keys)
{
	const char *uuid = fresh_uuid();
	struct http_response *a, *g;
	const cJSON *sent;

	REQUIRE(refs_ready());
	sent = full_body(uuid);
	a = add_json(sent);
	REQUIRE(CHECK_AMAGE_OK(a));
	g = get_by_uuid(uuid);
	REQUIRE(CHECK_STATUS(g, 200));
	CHECK_JSON(g);
	check_exact_keys(g->json, dto_keys);
	check_echo(sent, g->json);
	CHECK_JSON_NUM(g->json, "id", cJSON_GetNumberValue(jget(a->json,
	    "id")));
	check_recent_datetime(g->json, "created");
	CHECK_JSON_NUM(g->json, "progressCompleted", 0);
	CHECK_JSON_BOOL(g->json, "elementTypePlanCompleted", 0);
	CHECK_JSON_NUM(g->json, "elementTypePlanTotalCount", 0);
	CHECK_JSON_NUM(g->json, "elementTypePlanCompletedCount", 0);
}

TEST(minimal_add_gives_defaults_nulls_and_a_generated_lower_case_uuid)
{
	static const char *const set[] = { "id", "uuid", "name", "stateName",
	    "priorityName", "archived", "created", "progressCompleted",
	    "elementTypePlanCompleted", "elementTypePlanTotalCount",
	    "elementTypePlanCompletedCount", NULL };
	const char *const *k, *const *s;
	struct http_response *a, *g;
	const char *uuid;

	a = amage_post(ADD_PATH, "{\"name\":\"x\"}");
	REQUIRE(CHECK_AMAGE_OK(a));
	uuid = jstr(a->json, "uuid");
	g = get_by_uuid(uuid);
	REQUIRE(CHECK_STATUS(g, 200));
	check_exact_keys(g->json, dto_keys);
	CHECK_JSON_NUM(g->json, "id", cJSON_GetNumberValue(jget(a->json,
	    "id")));
	CHECK_JSON_STR(g->json, "uuid", uuid);
	CHECK_JSON_STR(g->json, "name", "x");
	CHECK_JSON_STR(g->json, "stateName", "NEW");
	CHECK_JSON_STR(g->json, "priorityName", "NORMAL");
	CHECK_JSON_BOOL(g->json, "archived", 0);
	check_recent_datetime(g->json, "created");
	CHECK_JSON_NUM(g->json, "progressCompleted", 0);
	CHECK_JSON_BOOL(g->json, "elementTypePlanCompleted", 0);
	CHECK_JSON_NUM(g->json, "elementTypePlanTotalCount", 0);
	CHECK_JSON_NUM(g->json, "elementTypePlanCompletedCount", 0);
	for (k = dto_keys; *k != NULL; k++) {
		for (s = set; *s != NULL && strcmp(*s, *k) != 0; s++)
			;
		if (*s == NULL)
			CHECK_JSON_NULL(g->json, *k);
	}
}

TEST(two_adds_without_uuid_get_different_uuids_and_ids)
{
	struct http_response *a, *b;

	a = amage_post(ADD_PATH, "{\"name\":\"itest one\"}");
	b = amage_post(ADD_PATH, "{\"name\":\"itest two\"}");
	REQUIRE(CHECK_AMAGE_OK(a) && CHECK_AMAGE_OK(b));
	CHECKF(strcmp(jstr(a->json, "uuid"), jstr(b->json, "uuid")) != 0,
	    "two adds got the same uuid %s", jstr(a->json, "uuid"));
	CHECKF(cJSON_GetNumberValue(jget(b->json, "id")) >
	    cJSON_GetNumberValue(jget(a->json, "id")),
	    "the second add's id is not above the first's");
}

TEST(upper_case_uuid_in_add_is_stored_lower_case_and_found_in_upper_case)
{
	const char *lower = fresh_uuid(), *upper = pool_upper(lower);
	struct http_response *a, *g;

	a = amage_post(ADD_PATH, pool_printf("{\"uuid\":\"%s\",\"name\":"
	    "\"itest upper\"}", upper));
	REQUIRE(CHECK_AMAGE_OK(a));
	CHECK_JSON_STR(a->json, "uuid", lower);
	g = get_by_uuid(upper);
	CHECK_STATUS(g, 200);
	CHECK_JSON_STR(g->json, "uuid", lower);
	g = get_by_uuid(lower);
	CHECK_STATUS(g, 200);
	CHECK_JSON_STR(g->json, "uuid", lower);
}

TEST(upper_case_reference_uuids_are_accepted_and_returned_lower_case)
{
	const char *uuid = fresh_uuid();
	struct http_response *a, *g;

	a = amage_post(ADD_PATH, pool_printf("{\"uuid\":\"%s\",\"name\":"
	    "\"itest refs\",\"typeUuid\":\"%s\",\"locationUuid\":\"%s\"}",
	    uuid, pool_upper(AMAGE_TYPE), pool_upper(AMAGE_LOCATION)));
	REQUIRE(CHECK_AMAGE_OK(a));
	g = get_by_uuid(uuid);
	CHECK_STATUS(g, 200);
	CHECK_JSON_STR(g->json, "typeUuid", AMAGE_TYPE);
	CHECK_JSON_STR(g->json, "locationUuid", AMAGE_LOCATION);
}

TEST(server_maintained_fields_sent_on_add_are_ignored)
{
	const char *uuid = fresh_uuid();
	struct http_response *a, *g;

	a = amage_post(ADD_PATH, pool_printf("{\"uuid\":\"%s\","
	    "\"name\":\"itest ignored\",\"created\":\"2000-01-01T00:00:00\","
	    "\"progressCompleted\":55,\"elementTypePlanCompleted\":true,"
	    "\"elementTypePlanTotalCount\":10,"
	    "\"elementTypePlanCompletedCount\":7,"
	    "\"progressCompletedUpdated\":\"2000-01-02T10:00:00\","
	    "\"elementTypePlanUpdated\":\"2000-01-02T10:05:00\"}", uuid));
	REQUIRE(CHECK_AMAGE_OK(a));
	g = get_by_uuid(uuid);
	REQUIRE(CHECK_STATUS(g, 200));
	check_recent_datetime(g->json, "created");
	CHECK_JSON_NUM(g->json, "progressCompleted", 0);
	CHECK_JSON_BOOL(g->json, "elementTypePlanCompleted", 0);
	CHECK_JSON_NUM(g->json, "elementTypePlanTotalCount", 0);
	CHECK_JSON_NUM(g->json, "elementTypePlanCompletedCount", 0);
	CHECK_JSON_NULL(g->json, "progressCompletedUpdated");
	CHECK_JSON_NULL(g->json, "elementTypePlanUpdated");
}

TEST(id_in_add_body_is_400_naming_id_and_writes_nothing)
{
	long long before = AMAGE_COUNT();
	struct http_response *r;

	r = amage_post(ADD_PATH, "{\"id\":5,\"name\":\"itest with id\"}");
	CHECK_AMAGE_ERROR(r, 400, 400);
	CHECKF(contains_word(jstr(r->json, "message"), "id") ||
	    contains_word(jstr(r->json, "message"), "ID"),
	    "the message does not name the field id");
	CHECK_INT(before, AMAGE_COUNT());
}

/* ---- references that do not exist ----------------------------------------- */

/* A full body whose field points at a fresh uuid: 400/404 naming it. */
static void
unknown_reference(const char *field, int upper)
{
	const char *u = fresh_uuid();
	long long before;
	struct http_response *r;
	cJSON *b;

	REQUIRE(refs_ready());
	b = full_body(NULL);
	cJSON_ReplaceItemInObjectCaseSensitive(b, field,
	    cJSON_CreateString(upper ? pool_upper(u) : u));
	before = AMAGE_COUNT();
	r = add_json(b);
	CHECK_AMAGE_ERROR(r, 400, 404);
	CHECK_CONTAINS(jstr(r->json, "message"), u);
	CHECK_INT(before, AMAGE_COUNT());
}

#define UNKNOWN_REFERENCE_TEST(name, field)				\
	TEST(name) { unknown_reference(field, 0); }

UNKNOWN_REFERENCE_TEST(unknown_type_uuid_is_400_with_error_code_404, "typeUuid")
UNKNOWN_REFERENCE_TEST(unknown_contract_uuid_is_400_with_error_code_404, "contractUuid")
UNKNOWN_REFERENCE_TEST(unknown_contract_scope_uuid_is_400_with_error_code_404, "contractScopeUuid")
UNKNOWN_REFERENCE_TEST(unknown_account_uuid_is_400_with_error_code_404, "accountUuid")
UNKNOWN_REFERENCE_TEST(unknown_assigned_department_uuid_is_400_with_error_code_404, "assignedDepartmentUuid")
UNKNOWN_REFERENCE_TEST(unknown_assigned_user_uuid_is_400_with_error_code_404, "assignedUserUuid")
UNKNOWN_REFERENCE_TEST(unknown_assigned_contractor_uuid_is_400_with_error_code_404, "assignedContractorUuid")
UNKNOWN_REFERENCE_TEST(unknown_verify_user_uuid_is_400_with_error_code_404, "verifyUserUuid")
UNKNOWN_REFERENCE_TEST(unknown_parent_uuid_is_400_with_error_code_404, "parentUuid")
UNKNOWN_REFERENCE_TEST(unknown_customer_uuid_is_400_with_error_code_404, "customerUuid")
UNKNOWN_REFERENCE_TEST(unknown_location_uuid_is_400_with_error_code_404, "locationUuid")
UNKNOWN_REFERENCE_TEST(unknown_place_of_work_uuid_is_400_with_error_code_404, "placeOfWorkUuid")

TEST(unknown_reference_sent_in_upper_case_is_named_in_lower_case)
{
	unknown_reference("parentUuid", 1);
}

TEST(reference_of_another_kind_is_400_with_error_code_404)
{
	long long before = AMAGE_COUNT();
	struct http_response *r;

	/* The demo location exists, but not as a work-order type. */
	r = amage_post(ADD_PATH, "{\"name\":\"itest kind\",\"typeUuid\":\""
	    AMAGE_LOCATION "\"}");
	CHECK_AMAGE_ERROR(r, 400, 404);
	CHECK_CONTAINS(jstr(r->json, "message"), AMAGE_LOCATION);
	CHECK_INT(before, AMAGE_COUNT());
}

/* ---- malformed bodies -------------------------------------------------------- */

/* 400/400, the message naming field (when given), nothing written. */
static void
malformed(const char *body, size_t len, const char *field)
{
	long long before = AMAGE_COUNT();
	struct http_response *r;

	r = amage_request("POST", ADD_PATH, body, len, NULL);
	CHECK_AMAGE_ERROR(r, 400, 400);
	if (field != NULL)
		CHECK_CONTAINS(jstr(r->json, "message"), field);
	CHECK_INT(before, AMAGE_COUNT());
}

#define MALFORMED_TEST(name, literal, field)				\
	TEST(name) { malformed(literal, sizeof(literal) - 1, field); }

MALFORMED_TEST(add_with_invalid_json_is_400, "{\"name\":", NULL)
MALFORMED_TEST(add_with_empty_body_is_400, "", NULL)
MALFORMED_TEST(add_with_trailing_garbage_is_400, "{\"name\":\"x\"} x", NULL)
MALFORMED_TEST(add_with_a_json_array_is_400, "[{\"name\":\"x\"}]", NULL)
MALFORMED_TEST(add_with_a_json_string_is_400, "\"x\"", NULL)
MALFORMED_TEST(add_with_a_duplicate_key_is_400,
    "{\"name\":\"a\",\"name\":\"b\"}", NULL)
MALFORMED_TEST(add_with_budget_as_text_is_400,
    "{\"name\":\"x\",\"budget\":\"abc\"}", "budget")
/* 1e400 is not a double: refused by json_parse as malformed JSON,
   before any field is looked at. */
MALFORMED_TEST(add_with_budget_beyond_a_double_is_400,
    "{\"name\":\"x\",\"budget\":1e400}", NULL)
MALFORMED_TEST(add_with_archived_as_text_is_400,
    "{\"name\":\"x\",\"archived\":\"yes\"}", "archived")
MALFORMED_TEST(add_with_name_as_number_is_400,
    "{\"name\":5}", "name")
MALFORMED_TEST(add_with_unknown_state_name_is_400,
    "{\"name\":\"x\",\"stateName\":\"DONE\"}", "stateName")
MALFORMED_TEST(add_with_unknown_priority_name_is_400,
    "{\"name\":\"x\",\"priorityName\":\"URGENT\"}", "priorityName")
MALFORMED_TEST(add_with_month_13_is_400,
    "{\"name\":\"x\",\"beginDate\":\"2021-13-01T00:00:00\"}", "beginDate")
MALFORMED_TEST(add_with_february_30_is_400,
    "{\"name\":\"x\",\"deadlineDate\":\"2021-02-30T00:00:00\"}", "deadlineDate")
MALFORMED_TEST(add_with_hour_25_is_400,
    "{\"name\":\"x\",\"beginDate\":\"2021-01-01T25:00:00\"}", "beginDate")
MALFORMED_TEST(add_with_a_date_without_time_is_400,
    "{\"name\":\"x\",\"beginDate\":\"2021-01-01\"}", "beginDate")
MALFORMED_TEST(add_with_malformed_type_uuid_is_400,
    "{\"name\":\"x\",\"typeUuid\":\"not-a-uuid\"}", "typeUuid")
MALFORMED_TEST(add_with_malformed_uuid_is_400,
    "{\"name\":\"x\",\"uuid\":\"f25e62ea-0100-4f4e-aad2-853cf48df2b\"}", "uuid")
MALFORMED_TEST(add_with_unknown_field_is_400,
    "{\"name\":\"x\",\"colour\":\"red\"}", "colour")
MALFORMED_TEST(add_with_invalid_utf8_is_400,
    "{\"name\":\"\xc3\x28\"}", NULL)
MALFORMED_TEST(add_with_overlong_utf8_is_400,
    "{\"name\":\"\xc0\xaf\"}", NULL)
MALFORMED_TEST(add_with_utf8_surrogate_is_400,
    "{\"name\":\"\xed\xa0\x80\"}", NULL)

TEST(add_nested_100_deep_is_400)
{
	char body[512];
	size_t o = 0;
	int i;

	o += (size_t)snprintf(body, sizeof(body),
	    "{\"name\":\"x\",\"description\":");
	for (i = 0; i < 100; i++)
		body[o++] = '[';
	for (i = 0; i < 100; i++)
		body[o++] = ']';
	body[o++] = '}';
	body[o] = '\0';
	malformed(body, o, NULL);
}

/* ---- content types ---------------------------------------------------------- */

TEST(add_with_content_type_text_plain_is_accepted)
{
	struct amage_opts o = { .content_type = "text/plain" };
	static const char body[] = "{\"name\":\"itest text/plain\"}";

	CHECK_AMAGE_OK(amage_request("POST", ADD_PATH, body, sizeof(body) - 1,
	    &o));
}

TEST(add_with_content_type_json_and_charset_is_accepted)
{
	struct amage_opts o = { .content_type =
	    "application/json; charset=utf-8" };
	static const char body[] = "{\"name\":\"itest charset\"}";

	CHECK_AMAGE_OK(amage_request("POST", ADD_PATH, body, sizeof(body) - 1,
	    &o));
}

TEST(add_with_content_type_application_xml_is_415_and_writes_nothing)
{
	struct amage_opts o = { .content_type = "application/xml" };
	static const char body[] = "{\"name\":\"itest xml\"}";
	long long before = AMAGE_COUNT();

	CHECK_AMAGE_ERROR(amage_request("POST", ADD_PATH, body,
	    sizeof(body) - 1, &o), 415, 415);
	CHECK_INT(before, AMAGE_COUNT());
}

/* ---- get/by-uuid failures ------------------------------------------------------- */

TEST(get_by_uuid_of_malformed_uuid_is_400_with_error_code_400)
{
	static const char *const bad[] = {
		"not-a-uuid",
		"f25e62ea-0100-4f4e-aad2-853cf48df2b",		/* 35 */
		"f25e62ea-0100-4f4e-aad2-853cf48df2b9a",	/* 37 */
		"f25e62ea-0100-4f4e-aad2-853cf48df2bg",	/* not hex */
		"f25e62ea01004f4eaad2853cf48df2b9aaaa",	/* no dashes */
		NULL
	};
	const char *const *b;

	for (b = bad; *b != NULL; b++)
		CHECK_AMAGE_ERROR(get_by_uuid(*b), 400, 400);
}

TEST(get_by_uuid_of_unknown_uuid_is_404_in_result_envelope)
{
	static const char *const keys[] = { "id", "uuid", "success",
	    "errorCode", "message", NULL };
	struct http_response *r = get_by_uuid(fresh_uuid());

	CHECK_AMAGE_ERROR(r, 404, 404);
	CHECK_JSON_STR(r->json, "message", "Work Order not found");
	check_exact_keys(r->json, keys);
}

TEST(two_adds_with_the_same_uuid_succeed_then_get_is_400_duplicated)
{
	const char *uuid = fresh_uuid();
	const char *body = pool_printf("{\"uuid\":\"%s\",\"name\":\"itest "
	    "twin\"}", uuid);
	struct http_response *r;

	CHECK_AMAGE_OK(amage_post(ADD_PATH, body));
	CHECK_AMAGE_OK(amage_post(ADD_PATH, body));
	r = get_by_uuid(uuid);
	CHECK_AMAGE_ERROR(r, 400, 400);
	CHECK_CONTAINS_NOCASE(jstr(r->json, "message"), "duplicated");
}

static const struct test_case tests[] = {
	TEST_ENTRY(count_is_a_bare_json_number),
	TEST_ENTRY(concurrent_adds_with_one_new_uuid_all_succeed_and_get_says_duplicated),
	TEST_ENTRY(longest_texts_in_four_byte_characters_are_stored_whole),
	TEST_ENTRY(a_text_longer_than_its_column_is_400_not_a_failed_insert),
	TEST_ENTRY(count_grows_by_exactly_one_after_an_add),
	TEST_ENTRY(add_with_every_field_answers_200_with_id_and_the_uuid_sent),
	TEST_ENTRY(get_by_uuid_returns_every_field_as_sent_and_exactly_the_dto_keys),
	TEST_ENTRY(minimal_add_gives_defaults_nulls_and_a_generated_lower_case_uuid),
	TEST_ENTRY(two_adds_without_uuid_get_different_uuids_and_ids),
	TEST_ENTRY(upper_case_uuid_in_add_is_stored_lower_case_and_found_in_upper_case),
	TEST_ENTRY(upper_case_reference_uuids_are_accepted_and_returned_lower_case),
	TEST_ENTRY(server_maintained_fields_sent_on_add_are_ignored),
	TEST_ENTRY(id_in_add_body_is_400_naming_id_and_writes_nothing),
	TEST_ENTRY(unknown_type_uuid_is_400_with_error_code_404),
	TEST_ENTRY(unknown_contract_uuid_is_400_with_error_code_404),
	TEST_ENTRY(unknown_contract_scope_uuid_is_400_with_error_code_404),
	TEST_ENTRY(unknown_account_uuid_is_400_with_error_code_404),
	TEST_ENTRY(unknown_assigned_department_uuid_is_400_with_error_code_404),
	TEST_ENTRY(unknown_assigned_user_uuid_is_400_with_error_code_404),
	TEST_ENTRY(unknown_assigned_contractor_uuid_is_400_with_error_code_404),
	TEST_ENTRY(unknown_verify_user_uuid_is_400_with_error_code_404),
	TEST_ENTRY(unknown_parent_uuid_is_400_with_error_code_404),
	TEST_ENTRY(unknown_customer_uuid_is_400_with_error_code_404),
	TEST_ENTRY(unknown_location_uuid_is_400_with_error_code_404),
	TEST_ENTRY(unknown_place_of_work_uuid_is_400_with_error_code_404),
	TEST_ENTRY(unknown_reference_sent_in_upper_case_is_named_in_lower_case),
	TEST_ENTRY(reference_of_another_kind_is_400_with_error_code_404),
	TEST_ENTRY(add_with_invalid_json_is_400),
	TEST_ENTRY(add_with_empty_body_is_400),
	TEST_ENTRY(add_with_trailing_garbage_is_400),
	TEST_ENTRY(add_with_a_json_array_is_400),
	TEST_ENTRY(add_with_a_json_string_is_400),
	TEST_ENTRY(add_with_a_duplicate_key_is_400),
	TEST_ENTRY(add_with_budget_as_text_is_400),
	TEST_ENTRY(add_with_budget_beyond_a_double_is_400),
	TEST_ENTRY(add_with_archived_as_text_is_400),
	TEST_ENTRY(add_with_name_as_number_is_400),
	TEST_ENTRY(add_with_unknown_state_name_is_400),
	TEST_ENTRY(add_with_unknown_priority_name_is_400),
	TEST_ENTRY(add_with_month_13_is_400),
	TEST_ENTRY(add_with_february_30_is_400),
	TEST_ENTRY(add_with_hour_25_is_400),
	TEST_ENTRY(add_with_a_date_without_time_is_400),
	TEST_ENTRY(add_with_malformed_type_uuid_is_400),
	TEST_ENTRY(add_with_malformed_uuid_is_400),
	TEST_ENTRY(add_with_unknown_field_is_400),
	TEST_ENTRY(add_with_invalid_utf8_is_400),
	TEST_ENTRY(add_with_overlong_utf8_is_400),
	TEST_ENTRY(add_with_utf8_surrogate_is_400),
	TEST_ENTRY(add_nested_100_deep_is_400),
	TEST_ENTRY(add_with_content_type_text_plain_is_accepted),
	TEST_ENTRY(add_with_content_type_json_and_charset_is_accepted),
	TEST_ENTRY(add_with_content_type_application_xml_is_415_and_writes_nothing),
	TEST_ENTRY(get_by_uuid_of_malformed_uuid_is_400_with_error_code_400),
	TEST_ENTRY(get_by_uuid_of_unknown_uuid_is_404_in_result_envelope),
	TEST_ENTRY(two_adds_with_the_same_uuid_succeed_then_get_is_400_duplicated),
	TEST_END
};

int
main(int argc, char **argv)
{
	return harness_main(argc, argv, __FILE__, tests);
}
