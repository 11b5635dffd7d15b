/*
 * test_auth: who may call.  PMS: X-API-Key missing, empty, unknown, revoked
 * (401), out of scope (403), allowed (200), keys made by pms-admin.  AMAGE
 * (SPEC 3.1): every way a signature can be wrong is HTTP 400 with errorCode
 * 401 (missing headers, unknown client, wrong secret, malformed api-sign,
 * clock skew beyond 300 s, another path/query/method/body/device signed,
 * a replayed POST, a device the client is not allowed, a revoked client),
 * and the ways it can be right (skew within 300 s, upper-case hex, a
 * replayed GET).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "harness.h"
#include "sign.h"

#define UNIT_PATH		"/v1/units/" UNIT_PARIS_01
#define COUNT_PATH		WO_BASE "/count"
#define POLL_SECONDS		5.0

/* ---- PMS: X-API-Key ------------------------------------------------------ */

TEST(pms_request_without_api_key_is_401_unauthenticated)
{
	CHECK_PMS_ERROR(pms_get(UNIT_PATH, NULL), 401, "UNAUTHENTICATED");
}

TEST(pms_request_with_empty_api_key_is_401_unauthenticated)
{
	/* "Name;" is curl's way to send a header with an empty value. */
	static const char *const empty[] = { "X-API-Key;", NULL };

	CHECK_PMS_ERROR(pms_request("GET", UNIT_PATH, NULL, empty, NULL, 0),
	    401, "UNAUTHENTICATED");
}

TEST(pms_request_with_unknown_api_key_is_401_unauthenticated)
{
	const char *key = pool_printf("itest-unknown-%s-%s", fresh_uuid(),
	    fresh_uuid());

	CHECK_PMS_ERROR(pms_get(UNIT_PATH, key), 401, "UNAUTHENTICATED");
}

TEST(new_api_key_works_and_stops_within_5_seconds_of_revocation)
{
	const char *out, *id, *key;
	struct http_response *r;
	double deadline;

	out = ADMIN("api-key", "add", "--role", "manager", "--establishment",
	    PARIS_ID, "--label", "itest revoked key");
	id = kv_get(out, "id");
	key = kv_get(out, "key");
	REQUIRE(CHECKF(id != NULL && key != NULL,
	    "pms-admin api-key add printed no id= and key=: %s",
	    out ? out : "(nothing)"));
	CHECKF(strlen(key) >= 43, "a key of %zu characters cannot hold 32 "
	    "random bytes: %s", strlen(key), key);

	r = pms_get(UNIT_PATH, key);
	CHECK_STATUS(r, 200);
	REQUIRE(ADMIN("api-key", "revoke", "--id", id) != NULL);

	deadline = now_seconds() + POLL_SECONDS;
	for (;;) {
		r = pms_get(UNIT_PATH, key);
		if (r->status != 200 || now_seconds() > deadline)
			break;
		http_response_free(r);
		sleep_ms(200);
	}
	CHECK_PMS_ERROR(r, 401, "UNAUTHENTICATED");
}

TEST(lyon_manager_key_on_paris_unit_is_403_out_of_scope)
{
	CHECK_PMS_ERROR(pms_get(UNIT_PATH, KEY_LYON_MANAGER), 403,
	    "OUT_OF_SCOPE");
}

TEST(paris_agent_key_may_get_a_paris_unit)
{
	struct http_response *r = pms_get(UNIT_PATH, KEY_PARIS_AGENT);

	CHECK_STATUS(r, 200);
	CHECK_JSON_STR(jget(r->json, "data"), "id", UNIT_PARIS_01);
}

TEST(api_key_for_all_establishments_reads_paris_and_lyon_units)
{
	const char *out, *id, *key;

	out = ADMIN("api-key", "add", "--role", "agent", "--all", "--label",
	    "itest all establishments");
	id = kv_get(out, "id");
	key = kv_get(out, "key");
	REQUIRE(CHECKF(id != NULL && key != NULL,
	    "pms-admin api-key add printed no id= and key=: %s",
	    out ? out : "(nothing)"));
	CHECK_STATUS(pms_get(UNIT_PATH, key), 200);
	CHECK_STATUS(pms_get("/v1/units/" UNIT_LYON_16, key), 200);
	ADMIN("api-key", "revoke", "--id", id);
}

TEST(api_key_scoped_to_lyon_by_admin_is_out_of_scope_in_paris)
{
	const char *out, *id, *key;

	out = ADMIN("api-key", "add", "--role", "manager", "--establishment",
	    LYON_ID, "--label", "itest lyon only");
	id = kv_get(out, "id");
	key = kv_get(out, "key");
	REQUIRE(CHECKF(id != NULL && key != NULL,
	    "pms-admin api-key add printed no id= and key=: %s",
	    out ? out : "(nothing)"));
	CHECK_STATUS(pms_get("/v1/units/" UNIT_LYON_16, key), 200);
	CHECK_PMS_ERROR(pms_get(UNIT_PATH, key), 403, "OUT_OF_SCOPE");
	ADMIN("api-key", "revoke", "--id", id);
}

/* ---- AMAGE: the signature ---------------------------------------------- */

/* Every signature failure: HTTP 400, errorCode 401, success false. */
#define CHECK_SIGN_REFUSED(r)	CHECK_AMAGE_ERROR((r), 400, 401)

static struct http_response *
count_with(struct amage_opts *o)
{
	return amage_request("GET", COUNT_PATH, NULL, 0, o);
}

/* The api-sign value for GET /count by the demo client at t. */
static const char *
demo_count_sign(long long t)
{
	char hex[SIGN_HEX_LEN + 1];

	if (!CHECK(sign_compute(AMAGE_DEMO_SECRET, t, "GET", COUNT_PATH,
	    AMAGE_DEMO_DEVICE, "", 0, hex) == 0))
		return "";
	return pool_printf("t=%lld,v1=%s", t, hex);
}

TEST(amage_correctly_signed_get_is_200)
{
	struct http_response *r = count_with(NULL);

	CHECK_STATUS(r, 200);
	CHECK_JSON(r);
}

TEST(amage_without_device_uuid_is_400_with_error_code_401)
{
	struct amage_opts o = { .omit = AMAGE_OMIT_DEVICE };

	CHECK_SIGN_REFUSED(count_with(&o));
}

TEST(amage_without_api_key_is_400_with_error_code_401)
{
	struct amage_opts o = { .omit = AMAGE_OMIT_API_KEY };

	CHECK_SIGN_REFUSED(count_with(&o));
}

TEST(amage_without_api_sign_is_400_with_error_code_401)
{
	struct amage_opts o = { .omit = AMAGE_OMIT_SIGN };

	CHECK_SIGN_REFUSED(count_with(&o));
}

TEST(amage_without_any_signature_header_is_400_with_error_code_401)
{
	struct amage_opts o = { .omit = AMAGE_OMIT_DEVICE |
	    AMAGE_OMIT_API_KEY | AMAGE_OMIT_SIGN };

	CHECK_SIGN_REFUSED(count_with(&o));
}

TEST(amage_malformed_device_uuid_is_400_with_error_code_401)
{
	struct amage_opts o = { .device_uuid = "not-a-device" };

	CHECK_SIGN_REFUSED(count_with(&o));
}

TEST(amage_unknown_api_key_is_400_with_error_code_401)
{
	struct amage_opts o = { .api_key = pool_printf("itest-unknown-%s",
	    fresh_uuid()) };

	CHECK_SIGN_REFUSED(count_with(&o));
}

TEST(amage_wrong_secret_is_400_with_error_code_401)
{
	struct amage_opts o = { .secret = "demo-amage-secret-0123456789abcdeX" };

	CHECK_SIGN_REFUSED(count_with(&o));
}

TEST(amage_api_sign_garbage_is_400_with_error_code_401)
{
	struct amage_opts o = { .sign_header = "garbage" };

	CHECK_SIGN_REFUSED(count_with(&o));
}

TEST(amage_api_sign_without_v1_is_400_with_error_code_401)
{
	struct amage_opts o = { .sign_header = pool_printf("t=%lld",
	    (long long)time(NULL)) };

	CHECK_SIGN_REFUSED(count_with(&o));
}

TEST(amage_api_sign_without_t_is_400_with_error_code_401)
{
	const char *good = demo_count_sign((long long)time(NULL));
	const char *v1 = strstr(good, "v1=");
	struct amage_opts o = { .sign_header = v1 ? v1 : "v1=" };

	CHECK_SIGN_REFUSED(count_with(&o));
}

TEST(amage_api_sign_with_non_hex_v1_is_400_with_error_code_401)
{
	char zs[SIGN_HEX_LEN + 1];
	struct amage_opts o = { 0 };

	memset(zs, 'z', SIGN_HEX_LEN);
	zs[SIGN_HEX_LEN] = '\0';
	o.signature = zs;
	CHECK_SIGN_REFUSED(count_with(&o));
}

TEST(amage_api_sign_with_truncated_v1_is_400_with_error_code_401)
{
	char *good = pool_strdup(demo_count_sign((long long)time(NULL)));
	struct amage_opts o = { 0 };

	good[strlen(good) - 1] = '\0';
	o.sign_header = good;
	CHECK_SIGN_REFUSED(count_with(&o));
}

TEST(amage_api_sign_with_non_numeric_t_is_400_with_error_code_401)
{
	const char *good = demo_count_sign((long long)time(NULL));
	const char *v1 = strstr(good, "v1=");
	struct amage_opts o = { .sign_header = pool_printf("t=abc,%s",
	    v1 ? v1 : "v1=") };

	CHECK_SIGN_REFUSED(count_with(&o));
}

TEST(amage_t_301_seconds_in_the_past_is_400_with_error_code_401)
{
	struct amage_opts o = { .time_offset = -301 };

	CHECK_SIGN_REFUSED(count_with(&o));
}

TEST(amage_t_301_seconds_in_the_future_is_400_with_error_code_401)
{
	struct amage_opts o = { .time_offset = 301 };

	CHECK_SIGN_REFUSED(count_with(&o));
}

TEST(amage_t_299_seconds_in_the_past_is_accepted)
{
	struct amage_opts o = { .time_offset = -299 };

	CHECK_STATUS(count_with(&o), 200);
}

TEST(amage_t_299_seconds_in_the_future_is_accepted)
{
	struct amage_opts o = { .time_offset = 299 };

	CHECK_STATUS(count_with(&o), 200);
}

TEST(amage_signature_of_another_path_is_400_with_error_code_401)
{
	struct amage_opts o = { .sign_uri = pool_printf(WO_BASE
	    "/get/by-uuid/%s", fresh_uuid()) };

	CHECK_SIGN_REFUSED(count_with(&o));
}

TEST(amage_signature_without_the_query_string_is_400_with_error_code_401)
{
	struct amage_opts o = { .sign_uri = COUNT_PATH };

	CHECK_SIGN_REFUSED(amage_request("GET", COUNT_PATH "?page=1", NULL, 0,
	    &o));
}

TEST(amage_signature_of_another_method_is_400_with_error_code_401)
{
	struct amage_opts o = { .sign_method = "POST" };

	CHECK_SIGN_REFUSED(count_with(&o));
}

TEST(amage_device_uuid_changed_after_signing_is_400_with_error_code_401)
{
	struct amage_opts o = { .sign_device =
	    "0e0e0e0e-0000-4000-8000-000000000002" };

	CHECK_SIGN_REFUSED(count_with(&o));
}

TEST(amage_body_changed_after_signing_is_400_with_error_code_401)
{
	static const char signed_body[] = "{\"name\":\"itest signed\"}";
	static const char sent_body[] = "{\"name\":\"itest tampered\"}";
	struct amage_opts o = { .has_sign_body = 1, .sign_body = signed_body,
	    .sign_body_len = sizeof(signed_body) - 1 };
	long long before = AMAGE_COUNT();

	CHECK_SIGN_REFUSED(amage_request("POST", WO_BASE "/add", sent_body,
	    sizeof(sent_body) - 1, &o));
	CHECK_INT(before, AMAGE_COUNT());
}

TEST(amage_signature_in_upper_case_hex_is_accepted)
{
	char *s = pool_strdup(demo_count_sign((long long)time(NULL)));
	char *v1 = strstr(s, "v1=");
	struct amage_opts o = { 0 };

	REQUIRE(CHECK(v1 != NULL));
	o.sign_header = pool_printf("%.*s%s", (int)(v1 + 3 - s), s,
	    pool_upper(v1 + 3));
	CHECK_STATUS(count_with(&o), 200);
}

TEST(amage_api_sign_with_a_space_after_the_comma_is_accepted)
{
	const char *good = demo_count_sign((long long)time(NULL));
	const char *comma = strchr(good, ',');
	struct amage_opts o = { 0 };

	REQUIRE(CHECK(comma != NULL));
	o.sign_header = pool_printf("%.*s, %s", (int)(comma - good), good,
	    comma + 1);
	CHECK_STATUS(count_with(&o), 200);
}

TEST(amage_signature_covers_a_percent_encoded_query_exactly_as_sent)
{
	CHECK_STATUS(amage_get(COUNT_PATH "?a=%41&b=%2f"), 200);
}

TEST(amage_signature_of_the_decoded_query_is_400_with_error_code_401)
{
	struct amage_opts o = { .sign_uri = COUNT_PATH "?a=A&b=/" };

	CHECK_SIGN_REFUSED(amage_request("GET", COUNT_PATH "?a=%41&b=%2f",
	    NULL, 0, &o));
}

TEST(amage_replayed_post_add_is_refused_the_second_time)
{
	const char *body = pool_printf("{\"name\":\"itest replay %s\"}",
	    fresh_uuid());
	struct amage_opts first = { 0 }, again = { 0 };
	long long before, after;

	before = AMAGE_COUNT();
	CHECK_AMAGE_OK(amage_request("POST", WO_BASE "/add", body,
	    strlen(body), &first));
	again.sign_header = first.used_sign;
	CHECK_SIGN_REFUSED(amage_request("POST", WO_BASE "/add", body,
	    strlen(body), &again));
	after = AMAGE_COUNT();
	CHECK_INT(before + 1, after);
}

TEST(amage_replayed_get_is_accepted)
{
	struct amage_opts first = { 0 }, again = { 0 };

	CHECK_STATUS(count_with(&first), 200);
	again.sign_header = first.used_sign;
	CHECK_STATUS(count_with(&again), 200);
}

/* ---- AMAGE: clients made by pms-admin -------------------------------------- */

struct client {
	const char *id, *key, *secret;
};

static int
client_add(struct client *c, const char *device)
{
	const char *name = pool_printf("itest client %s", fresh_uuid());
	const char *out;

	if (device != NULL)
		out = ADMIN("amage-client", "add", "--name", name, "--device",
		    device);
	else
		out = ADMIN("amage-client", "add", "--name", name);
	c->id = kv_get(out, "id");
	c->key = kv_get(out, "api-key");
	c->secret = kv_get(out, "secret");
	return CHECKF(c->id && c->key && c->secret, "pms-admin amage-client "
	    "add printed no id=, api-key= and secret=: %s",
	    out ? out : "(nothing)");
}

TEST(amage_client_restricted_to_a_device_refuses_other_devices)
{
	const char *device = fresh_uuid();
	struct amage_opts o = { 0 };
	struct client c;

	REQUIRE(client_add(&c, device));
	o.api_key = c.key;
	o.secret = c.secret;
	o.device_uuid = fresh_uuid();
	CHECK_SIGN_REFUSED(count_with(&o));
	o.device_uuid = device;
	CHECK_STATUS(count_with(&o), 200);
	ADMIN("amage-client", "revoke", "--id", c.id);
}

TEST(amage_client_restricted_to_a_device_accepts_it_in_upper_case)
{
	const char *device = fresh_uuid();
	struct amage_opts o = { 0 };
	struct client c;

	REQUIRE(client_add(&c, device));
	o.api_key = c.key;
	o.secret = c.secret;
	o.device_uuid = pool_upper(device);
	CHECK_STATUS(count_with(&o), 200);
	ADMIN("amage-client", "revoke", "--id", c.id);
}

TEST(amage_unrestricted_client_signs_from_any_device)
{
	struct amage_opts o = { 0 };
	struct client c;

	REQUIRE(client_add(&c, NULL));
	o.api_key = c.key;
	o.secret = c.secret;
	o.device_uuid = fresh_uuid();
	CHECK_STATUS(count_with(&o), 200);
	o.device_uuid = fresh_uuid();
	CHECK_STATUS(count_with(&o), 200);
	ADMIN("amage-client", "revoke", "--id", c.id);
}

TEST(amage_revoked_client_is_refused_within_5_seconds)
{
	struct amage_opts o = { 0 };
	struct http_response *r;
	double deadline;
	struct client c;

	REQUIRE(client_add(&c, NULL));
	o.api_key = c.key;
	o.secret = c.secret;
	CHECK_STATUS(count_with(&o), 200);
	REQUIRE(ADMIN("amage-client", "revoke", "--id", c.id) != NULL);

	deadline = now_seconds() + POLL_SECONDS;
	for (;;) {
		r = count_with(&o);
		if (r->status != 200 || now_seconds() > deadline)
			break;
		http_response_free(r);
		sleep_ms(200);
	}
	CHECK_SIGN_REFUSED(r);
}

static const struct test_case tests[] = {
	TEST_ENTRY(pms_request_without_api_key_is_401_unauthenticated),
	TEST_ENTRY(pms_request_with_empty_api_key_is_401_unauthenticated),
	TEST_ENTRY(pms_request_with_unknown_api_key_is_401_unauthenticated),
	TEST_ENTRY(new_api_key_works_and_stops_within_5_seconds_of_revocation),
	TEST_ENTRY(lyon_manager_key_on_paris_unit_is_403_out_of_scope),
	TEST_ENTRY(paris_agent_key_may_get_a_paris_unit),
	TEST_ENTRY(api_key_for_all_establishments_reads_paris_and_lyon_units),
	TEST_ENTRY(api_key_scoped_to_lyon_by_admin_is_out_of_scope_in_paris),
	TEST_ENTRY(amage_correctly_signed_get_is_200),
	TEST_ENTRY(amage_without_device_uuid_is_400_with_error_code_401),
	TEST_ENTRY(amage_without_api_key_is_400_with_error_code_401),
	TEST_ENTRY(amage_without_api_sign_is_400_with_error_code_401),
	TEST_ENTRY(amage_without_any_signature_header_is_400_with_error_code_401),
	TEST_ENTRY(amage_malformed_device_uuid_is_400_with_error_code_401),
	TEST_ENTRY(amage_unknown_api_key_is_400_with_error_code_401),
	TEST_ENTRY(amage_wrong_secret_is_400_with_error_code_401),
	TEST_ENTRY(amage_api_sign_garbage_is_400_with_error_code_401),
	TEST_ENTRY(amage_api_sign_without_v1_is_400_with_error_code_401),
	TEST_ENTRY(amage_api_sign_without_t_is_400_with_error_code_401),
	TEST_ENTRY(amage_api_sign_with_non_hex_v1_is_400_with_error_code_401),
	TEST_ENTRY(amage_api_sign_with_truncated_v1_is_400_with_error_code_401),
	TEST_ENTRY(amage_api_sign_with_non_numeric_t_is_400_with_error_code_401),
	TEST_ENTRY(amage_t_301_seconds_in_the_past_is_400_with_error_code_401),
	TEST_ENTRY(amage_t_301_seconds_in_the_future_is_400_with_error_code_401),
	TEST_ENTRY(amage_t_299_seconds_in_the_past_is_accepted),
	TEST_ENTRY(amage_t_299_seconds_in_the_future_is_accepted),
	TEST_ENTRY(amage_signature_of_another_path_is_400_with_error_code_401),
	TEST_ENTRY(amage_signature_without_the_query_string_is_400_with_error_code_401),
	TEST_ENTRY(amage_signature_of_another_method_is_400_with_error_code_401),
	TEST_ENTRY(amage_device_uuid_changed_after_signing_is_400_with_error_code_401),
	TEST_ENTRY(amage_body_changed_after_signing_is_400_with_error_code_401),
	TEST_ENTRY(amage_signature_in_upper_case_hex_is_accepted),
	TEST_ENTRY(amage_api_sign_with_a_space_after_the_comma_is_accepted),
	TEST_ENTRY(amage_signature_covers_a_percent_encoded_query_exactly_as_sent),
	TEST_ENTRY(amage_signature_of_the_decoded_query_is_400_with_error_code_401),
	TEST_ENTRY(amage_replayed_post_add_is_refused_the_second_time),
	TEST_ENTRY(amage_replayed_get_is_accepted),
	TEST_ENTRY(amage_client_restricted_to_a_device_refuses_other_devices),
	TEST_ENTRY(amage_client_restricted_to_a_device_accepts_it_in_upper_case),
	TEST_ENTRY(amage_unrestricted_client_signs_from_any_device),
	TEST_ENTRY(amage_revoked_client_is_refused_within_5_seconds),
	TEST_END
};

int
main(int argc, char **argv)
{
	return harness_main(argc, argv, __FILE__, tests);
}
