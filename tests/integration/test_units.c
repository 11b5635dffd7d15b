/*
 * test_units: GET /v1/units/{unitId} on the demo data set (SPEC 5): the
 * unit's fields, uuids in any case answered in lower case, 404 for an
 * unknown unit, 400 VALIDATION_FAILED naming unitId for a malformed one,
 * and the establishment scope of the key (403 OUT_OF_SCOPE).
 */
#include <stdio.h>
#include <string.h>

#include "harness.h"

static void
check_unit(const struct http_response *r, const char *id,
    const char *establishment, const char *unit_type)
{
	const cJSON *data = jget(r->json, "data");
	const char *number = jstr(data, "number");

	CHECK_JSON_STR(data, "id", id);
	CHECK_JSON_STR(data, "establishmentId", establishment);
	CHECK_JSON_STR(data, "unitTypeId", unit_type);
	CHECKF(number != NULL && number[0] != '\0',
	    "\"number\": expected a non-empty string");
	CHECK_JSON_BOOL(data, "active", 1);
	CHECKF(cJSON_IsArray(jget(data, "blocks")),
	    "\"blocks\": expected an array");
}

TEST(paris_manager_gets_paris_unit_01_with_its_fields)
{
	struct http_response *r;

	r = pms_get("/v1/units/" UNIT_PARIS_01, KEY_PARIS_MANAGER);
	REQUIRE(CHECK_STATUS(r, 200));
	CHECK_JSON(r);
	CHECKF(cJSON_IsObject(jget(r->json, "data")),
	    "expected {\"data\":{...}}");
	check_unit(r, UNIT_PARIS_01, PARIS_ID, UNIT_TYPE_PARIS_DBL);
}

TEST(paris_unit_11_has_the_paris_single_unit_type)
{
	struct http_response *r;

	r = pms_get("/v1/units/" UNIT_PARIS_11, KEY_PARIS_AGENT);
	REQUIRE(CHECK_STATUS(r, 200));
	check_unit(r, UNIT_PARIS_11, PARIS_ID, UNIT_TYPE_PARIS_SGL);
}

TEST(paris_units_have_distinct_numbers)
{
	const char *n1, *n2;
	struct http_response *a, *b;

	a = pms_get("/v1/units/" UNIT_PARIS_01, KEY_PARIS_MANAGER);
	b = pms_get("/v1/units/bbbbbbbb-0000-4000-8000-000000000002",
	    KEY_PARIS_MANAGER);
	REQUIRE(CHECK_STATUS(a, 200) && CHECK_STATUS(b, 200));
	n1 = jstr(jget(a->json, "data"), "number");
	n2 = jstr(jget(b->json, "data"), "number");
	REQUIRE(CHECK(n1 != NULL && n2 != NULL));
	CHECKF(strcmp(n1, n2) != 0, "units 01 and 02 share number \"%s\"", n1);
}

TEST(upper_case_unit_id_in_path_is_answered_in_lower_case)
{
	struct http_response *r;

	r = pms_get(pool_printf("/v1/units/%s", pool_upper(UNIT_PARIS_01)),
	    KEY_PARIS_MANAGER);
	REQUIRE(CHECK_STATUS(r, 200));
	check_unit(r, UNIT_PARIS_01, PARIS_ID, UNIT_TYPE_PARIS_DBL);
}

TEST(unknown_unit_is_404_unit_not_found)
{
	struct http_response *r;

	r = pms_get(pool_printf("/v1/units/%s", fresh_uuid()),
	    KEY_PARIS_MANAGER);
	CHECK_PMS_ERROR(r, 404, "UNIT_NOT_FOUND");
}

TEST(malformed_unit_id_is_400_validation_failed_on_unit_id)
{
	static const char *const bad[] = {
		"not-a-uuid",
		"bbbbbbbb-0000-4000-8000-00000000001",		/* 35 */
		"bbbbbbbb-0000-4000-8000-0000000000011",	/* 37 */
		"bbbbbbbb-0000-4000-8000-00000000000g",	/* not hex */
		"bbbbbbbb0000400080000000000000000001",	/* no dashes */
		NULL
	};
	const char *const *b;
	const cJSON *d0;
	struct http_response *r;

	for (b = bad; *b != NULL; b++) {
		r = pms_get(pool_printf("/v1/units/%s", *b), KEY_PARIS_MANAGER);
		CHECK_PMS_ERROR(r, 400, "VALIDATION_FAILED");
		d0 = cJSON_GetArrayItem(jget(r->json, "details"), 0);
		CHECKF(cJSON_IsArray(jget(r->json, "details")) &&
		    cJSON_IsObject(d0), "%s: expected \"details\":[{...}]", *b);
		CHECK_JSON_STR(d0, "field", "unitId");
		CHECKF(jstr(d0, "reason") != NULL && jstr(d0, "reason")[0],
		    "%s: expected details[0].reason, a non-empty string", *b);
	}
}

TEST(lyon_manager_gets_lyon_unit_16)
{
	struct http_response *r;

	r = pms_get("/v1/units/" UNIT_LYON_16, KEY_LYON_MANAGER);
	REQUIRE(CHECK_STATUS(r, 200));
	check_unit(r, UNIT_LYON_16, LYON_ID, UNIT_TYPE_LYON_DBL);
}

TEST(paris_agent_on_lyon_unit_is_403_out_of_scope)
{
	CHECK_PMS_ERROR(pms_get("/v1/units/" UNIT_LYON_16, KEY_PARIS_AGENT),
	    403, "OUT_OF_SCOPE");
}

TEST(paris_manager_on_lyon_unit_is_403_out_of_scope)
{
	CHECK_PMS_ERROR(pms_get("/v1/units/" UNIT_LYON_16, KEY_PARIS_MANAGER),
	    403, "OUT_OF_SCOPE");
}

TEST(out_of_scope_answer_does_not_leak_the_unit)
{
	struct http_response *r;

	r = pms_get("/v1/units/" UNIT_LYON_16, KEY_PARIS_MANAGER);
	CHECK_STATUS(r, 403);
	CHECKF(jget(r->json, "data") == NULL,
	    "a 403 carries the unit's data");
	CHECKF(strstr(r->body, LYON_ID) == NULL,
	    "a 403 names the unit's establishment");
}

static const struct test_case tests[] = {
	TEST_ENTRY(paris_manager_gets_paris_unit_01_with_its_fields),
	TEST_ENTRY(paris_unit_11_has_the_paris_single_unit_type),
	TEST_ENTRY(paris_units_have_distinct_numbers),
	TEST_ENTRY(upper_case_unit_id_in_path_is_answered_in_lower_case),
	TEST_ENTRY(unknown_unit_is_404_unit_not_found),
	TEST_ENTRY(malformed_unit_id_is_400_validation_failed_on_unit_id),
	TEST_ENTRY(lyon_manager_gets_lyon_unit_16),
	TEST_ENTRY(paris_agent_on_lyon_unit_is_403_out_of_scope),
	TEST_ENTRY(paris_manager_on_lyon_unit_is_403_out_of_scope),
	TEST_ENTRY(out_of_scope_answer_does_not_leak_the_unit),
	TEST_END
};

int
main(int argc, char **argv)
{
	return harness_main(argc, argv, __FILE__, tests);
}
