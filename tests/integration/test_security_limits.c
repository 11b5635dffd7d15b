/*
 * test_security_limits: what one request may cost (docs/security.md, OWASP
 * API4; SPEC 2.1), on the PMS side, through the real stack (the AMAGE
 * side has its own in test_platform.c and test_work_orders.c):
 *  - a body over PMS_MAX_BODY (1 MiB) is refused with 413 in the PMS
 *    envelope, with a key or without one, and writes nothing;
 *  - a body nested past the depth limit, even a whole mebibyte of open
 *    brackets, is a 400 and the worker goes on serving;
 *  - a body of 60,000 unknown members is one 400 whose details are
 *    bounded (64, then an "overflow" entry), answered within two seconds;
 *  - an X-API-Key header over 256 characters is 401 and never looked up.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "scratch.h"

#define ZONE		"Europe/Paris"
#define MIB		(1024 * 1024)
#define MAX_DETAILS	64

static const char est_allotments_sql[] =
    "SELECT COUNT(*) FROM allotments WHERE establishment_id = ?";

/* A valid allotment body of s of exactly len bytes (pool): its
   channelExternalId made as long as it takes. */
static char *
allotment_of_size(const struct scratch *s, size_t len)
{
	cJSON *b = allotment_body(s, "tentative", s->business + 10,
	    s->business + 12, s->business + 5, (const int []){ 1 });
	const char *text;
	char *out;
	size_t n;

	json_set(b, "channelExternalId", "\"\"");
	text = pool_json_print(b);
	n = strlen(text);
	if (len < n + 1 || (out = pool_keep(malloc(len + 1), free)) == NULL)
		return NULL;
	/* {"...","channelExternalId":"xxxx...x"} */
	memcpy(out, text, n - 2);
	memset(out + n - 2, 'x', len - n);
	memcpy(out + len - 2, "\"}", 2);
	out[len] = '\0';
	return out;
}

TEST(pms_body_of_1mib_plus_one_byte_is_413_in_the_pms_envelope_with_or_without_a_key)
{
	struct scratch s;
	char *body;
	const char *before;

	REQUIRE(SCRATCH_NEW(&s, 1, 2, ZONE, TODAY_IN(ZONE), 1));
	REQUIRE(CHECK((body = allotment_of_size(&s, MIB + 1)) != NULL));
	REQUIRE((before = SQL_VALUE(est_allotments_sql, 1, s.est)) != NULL);
	CHECK_PMS_ERROR(pms_request("POST", "/v1/allotments", s.key, NULL,
	    body, MIB + 1), 413, "PAYLOAD_TOO_LARGE");
	CHECK_PMS_ERROR(pms_request("POST", "/v1/allotments", NULL, NULL,
	    body, MIB + 1), 413, "PAYLOAD_TOO_LARGE");
	CHECK_STR(before, SQL_VALUE(est_allotments_sql, 1, s.est));
}

/* A body of exactly len bytes: {"establishmentId":[[[...]]]} as deep as
   len allows, the closing brackets left out when open_only. */
static char *
nested(size_t len, int open_only)
{
	static const char head[] = "{\"establishmentId\":";
	char *b = pool_keep(malloc(len + 1), free);
	size_t depth, hl = sizeof(head) - 1;

	if (b == NULL)
		return NULL;
	memcpy(b, head, hl);
	depth = open_only ? len - hl : (len - hl - 1) / 2;
	memset(b + hl, '[', depth);
	if (open_only) {
		b[len] = '\0';
		return b;
	}
	memset(b + hl + depth, ']', depth);
	memset(b + hl + 2 * depth, ' ', len - hl - 2 * depth - 1);
	b[len - 1] = '}';
	b[len] = '\0';
	return b;
}

TEST(pms_body_nested_past_the_depth_limit_is_400_even_a_mebibyte_deep_and_the_worker_lives)
{
	static const size_t sizes[] = { 200, MIB - 1 };
	struct http_response *r;
	size_t i;
	int open_only;
	char *body;

	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
		for (open_only = 0; open_only <= 1; open_only++) {
			REQUIRE(CHECK((body = nested(sizes[i], open_only)) !=
			    NULL));
			r = pms_request("POST", "/v1/allotments",
			    KEY_PARIS_MANAGER, NULL, body, sizes[i]);
			if (!CHECK_STATUS(r, 400) || !CHECK_JSON(r))
				FAIL("(%zu bytes, %s)", sizes[i], open_only ?
				    "open brackets only" : "balanced");
		}
	/* Every pool worker still answers (a crash would be a 503 or a
	   reset on the next requests). */
	for (i = 0; i < 8; i++)
		CHECK_STATUS(pms_get("/v1/units/" UNIT_PARIS_01,
		    KEY_PARIS_AGENT), 200);
}

TEST(pms_body_of_60000_unknown_members_is_one_bounded_400_within_two_seconds)
{
	struct http_response *r;
	size_t cap = 60000 * 16, o = 0;
	char *body = pool_keep(malloc(cap), free);
	double t0;
	int i;

	REQUIRE(CHECK(body != NULL));
	body[o++] = '{';
	for (i = 0; i < 60000; i++)
		o += (size_t)snprintf(body + o, cap - o, "%s\"f%d\":0",
		    i > 0 ? "," : "", i);
	body[o++] = '}';
	body[o] = '\0';
	t0 = now_seconds();
	r = pms_request("POST", "/v1/allotments", KEY_PARIS_MANAGER, NULL,
	    body, o);
	CHECKF(now_seconds() - t0 < 2.0, "answered in %.2f s",
	    now_seconds() - t0);
	CHECK_PMS_ERROR(r, 400, "VALIDATION_FAILED");
	/* 64 issues, then one "overflow" entry saying others were left out. */
	CHECK_INT(MAX_DETAILS + 1, detail_count(r));
	CHECK_STR("overflow", jstr(cJSON_GetArrayItem(jget(r->json,
	    "details"), MAX_DETAILS), "rule"));
	CHECKF(r->body_len < 16 * 1024, "an answer of %zu bytes", r->body_len);
}

TEST(x_api_key_over_256_characters_is_401_even_when_it_starts_with_a_real_key)
{
	char key[300];

	snprintf(key, sizeof(key), "%s%0*d", KEY_PARIS_AGENT,
	    257 - (int)strlen(KEY_PARIS_AGENT), 0);
	REQUIRE(CHECK_INT(257, strlen(key)));
	CHECK_PMS_ERROR(pms_get("/v1/units/" UNIT_PARIS_01, key), 401,
	    "UNAUTHENTICATED");
	CHECK_STATUS(pms_get("/v1/units/" UNIT_PARIS_01, KEY_PARIS_AGENT),
	    200);
}

static const struct test_case tests[] = {
	TEST_ENTRY(pms_body_of_1mib_plus_one_byte_is_413_in_the_pms_envelope_with_or_without_a_key),
	TEST_ENTRY(pms_body_nested_past_the_depth_limit_is_400_even_a_mebibyte_deep_and_the_worker_lives),
	TEST_ENTRY(pms_body_of_60000_unknown_members_is_one_bounded_400_within_two_seconds),
	TEST_ENTRY(x_api_key_over_256_characters_is_401_even_when_it_starts_with_a_real_key),
	TEST_END
};

int
main(int argc, char **argv)
{
	return harness_main(argc, argv, __FILE__, tests);
}
