/*
 * test_long_stay_contracts_list: GET /v1/long-stay-contracts (SPEC 2.7,
 * docs/long-stay-contracts.md "List") through the real stack: the list
 * shape and its total, the guest and status filters, pages, and the
 * refusals (every bad parameter in one 400, 403 outside the key's scope,
 * 404 for an unknown establishment).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "scratch.h"

#define ZONE		"Europe/Paris"
#define CONTRACTS	"/v1/long-stay-contracts"

#define X(...)			(harness_sql_at(__FILE__, __LINE__, 0, __VA_ARGS__) != NULL)

/* An all-establishments key (reference data, as pms-admin makes it). */
static const char key_ins_sql[] =
    "INSERT INTO api_keys (key_sha256, label, role, all_establishments) "
    "VALUES (SHA2(?, 256), 'itest contracts list', 'manager', 1)";
static const char guest_ins_sql[] =
    "INSERT INTO guest_profiles (id, establishment_id, full_name, email) "
    "VALUES (?, ?, 'Itest Second Guest', 'second@example.org')";

/* A draft of guest over [start, start + 10) tied to type T1; its id. */
static const char *
draft_new_at(const struct scratch *s, const char *guest, int32_t start,
    const char *file, int line)
{
	const char *hdr[] = { "Content-Type: application/json", NULL };
	const char *body = pool_printf("{\"establishmentId\":\"%s\","
	    "\"guestProfileId\":\"%s\",\"unitType\":\"T1\","
	    "\"periodStart\":\"%s\",\"periodEnd\":\"%s\","
	    "\"totalAmountCents\":\"100\",\"currency\":\"EUR\","
	    "\"installments\":[{\"id\":\"%s\",\"seqNo\":1,\"dueDate\":\"%s\","
	    "\"amountCents\":\"100\",\"currency\":\"EUR\"}]}", s->est, guest,
	    day_s(start), day_s(start + 10), fresh_uuid(), day_s(start));
	struct http_response *r = pms_request("POST", CONTRACTS, s->key, hdr,
	    body, strlen(body));
	const char *id = r->json ? jstr(cJSON_GetObjectItemCaseSensitive(
	    r->json, "data"), "contractId") : NULL;

	return check_status_at(r, 201, file, line) ? id : NULL;
}
#define DRAFT_NEW(s, guest, start)	draft_new_at((s), (guest), (start), \
	__FILE__, __LINE__)

/* The ids of a 200 list answer, comma-separated, and its page total. */
static const char *
listed_at(struct http_response *r, long long *total, const char *file,
    int line)
{
	const cJSON *data, *page, *item;
	char *out = pool_printf("%s", "");

	*total = -1;
	if (!check_status_at(r, 200, file, line) || r->json == NULL)
		return NULL;
	data = cJSON_GetObjectItemCaseSensitive(r->json, "data");
	page = cJSON_GetObjectItemCaseSensitive(r->json, "page");
	if (!check_true(cJSON_IsArray(data) && cJSON_IsObject(page), file,
	    line, "not a list answer: %s", r->body))
		return NULL;
	*total = (long long)cJSON_GetNumberValue(
	    cJSON_GetObjectItemCaseSensitive(page, "total"));
	cJSON_ArrayForEach(item, data)
		out = pool_printf("%s%s%s", out, out[0] ? "," : "",
		    jstr(item, "id") ? jstr(item, "id") : "?");
	return out;
}

static struct http_response *
list_get(const struct scratch *s, const char *key, const char *query)
{
	return pms_get(pool_printf(CONTRACTS "?establishmentId=%s%s", s->est,
	    query), key);
}

TEST(list_answers_the_contracts_by_period_start_with_the_total_and_filters_by_guest_and_status)
{
	struct scratch s;
	const char *a, *b, *c, *ids, *other_guest = fresh_uuid();
	long long total;
	int32_t d;

	REQUIRE(SCRATCH_NEW(&s, 1, 2, ZONE, TODAY_IN(ZONE), 1));
	d = s.business;
	REQUIRE(X(guest_ins_sql, 2, other_guest, s.est));
	REQUIRE((b = DRAFT_NEW(&s, s.guest, d + 20)) != NULL);
	REQUIRE((a = DRAFT_NEW(&s, s.guest, d + 5)) != NULL);
	REQUIRE((c = DRAFT_NEW(&s, other_guest, d + 10)) != NULL);
	CHECK_STATUS(pms_request("POST", pool_printf(CONTRACTS "/%s/cancel",
	    b), s.key, NULL, NULL, 0), 200);
	ids = listed_at(list_get(&s, s.agent_key, ""), &total, __FILE__,
	    __LINE__);
	CHECK_STR(pool_printf("%s,%s,%s", a, c, b), ids);
	CHECK_INT(3, total);
	ids = listed_at(list_get(&s, s.agent_key, pool_printf(
	    "&guestProfileId=%s", s.guest)), &total, __FILE__, __LINE__);
	CHECK_STR(pool_printf("%s,%s", a, b), ids);
	CHECK_INT(2, total);
	ids = listed_at(list_get(&s, s.agent_key, "&status=draft"), &total,
	    __FILE__, __LINE__);
	CHECK_STR(pool_printf("%s,%s", a, c), ids);
	ids = listed_at(list_get(&s, s.agent_key, pool_printf(
	    "&status=cancelled&guestProfileId=%s", s.guest)), &total, __FILE__,
	    __LINE__);
	CHECK_STR(b, ids);
	CHECK_INT(1, total);
	ids = listed_at(list_get(&s, s.agent_key, "&status=active"), &total,
	    __FILE__, __LINE__);
	CHECK_STR("", ids);
	CHECK_INT(0, total);
}

TEST(list_pages_keep_the_total_and_a_page_past_the_end_is_empty)
{
	struct scratch s;
	const char *a, *b, *c, *ids;
	long long total;
	int32_t d;

	REQUIRE(SCRATCH_NEW(&s, 1, 2, ZONE, TODAY_IN(ZONE), 1));
	d = s.business;
	REQUIRE((a = DRAFT_NEW(&s, s.guest, d + 1)) != NULL);
	REQUIRE((b = DRAFT_NEW(&s, s.guest, d + 2)) != NULL);
	REQUIRE((c = DRAFT_NEW(&s, s.guest, d + 3)) != NULL);
	ids = listed_at(list_get(&s, s.key, "&page=1&size=2"), &total,
	    __FILE__, __LINE__);
	CHECK_STR(pool_printf("%s,%s", a, b), ids);
	CHECK_INT(3, total);
	ids = listed_at(list_get(&s, s.key, "&page=2&size=2"), &total,
	    __FILE__, __LINE__);
	CHECK_STR(c, ids);
	ids = listed_at(list_get(&s, s.key, "&page=3&size=2"), &total,
	    __FILE__, __LINE__);
	CHECK_STR("", ids);
	CHECK_INT(3, total);
}

TEST(list_with_bad_parameters_is_400_naming_each_out_of_scope_403_unknown_establishment_404)
{
	struct scratch s, other;
	struct http_response *r;
	const char *all = pool_printf("itest-lsc-%s-%s", fresh_uuid(),
	    fresh_uuid());

	REQUIRE(X(key_ins_sql, 1, all));
	REQUIRE(SCRATCH_NEW(&s, 1, 1, ZONE, TODAY_IN(ZONE), 0));
	REQUIRE(SCRATCH_NEW(&other, 1, 1, ZONE, TODAY_IN(ZONE), 0));
	r = list_get(&s, s.key, "&guestProfileId=nope&status=open&size=0");
	CHECK_PMS_ERROR(r, 400, "VALIDATION_FAILED");
	CHECK_DETAIL(r, "guestProfileId", "bad_uuid");
	CHECK_DETAIL(r, "status", "not_allowed_value");
	CHECK_DETAIL(r, "size", "out_of_range");
	r = pms_get(CONTRACTS, s.key);
	CHECK_PMS_ERROR(r, 400, "VALIDATION_FAILED");
	CHECK_DETAIL(r, "establishmentId", "required");
	CHECK_PMS_ERROR(list_get(&s, other.key, ""), 403, "OUT_OF_SCOPE");
	CHECK_PMS_ERROR(pms_get(pool_printf(CONTRACTS "?establishmentId=%s",
	    fresh_uuid()), all), 404,
	    "ESTABLISHMENT_NOT_FOUND");
	CHECK_PMS_ERROR(pms_get(pool_printf(CONTRACTS "?establishmentId=%s",
	    s.est), NULL), 401, "UNAUTHENTICATED");
}

static const struct test_case tests[] = {
	TEST_ENTRY(list_answers_the_contracts_by_period_start_with_the_total_and_filters_by_guest_and_status),
	TEST_ENTRY(list_pages_keep_the_total_and_a_page_past_the_end_is_empty),
	TEST_ENTRY(list_with_bad_parameters_is_400_naming_each_out_of_scope_403_unknown_establishment_404),
	TEST_END
};

int
main(int argc, char **argv)
{
	return harness_main(argc, argv, __FILE__, tests);
}
