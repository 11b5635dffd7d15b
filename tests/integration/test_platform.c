/*
 * test_platform: what every family shares, seen from outside: routing (404,
 * 405 + Allow) in both envelopes, JSON on every response, the trace id
 * (header, body, log line), the log never holding a key, the message
 * language, and the body size limit (the binaries' 413, nginx's 413 mapped
 * to JSON, and a 1 MiB body that is not JSON being a 400, not a 413).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

#define MIB (1024u * 1024u)

/* ---- routing ------------------------------------------------------------ */

TEST(unknown_pms_route_is_404_not_found_in_pms_envelope)
{
	struct http_response *r;

	r = pms_get("/v1/units/" UNIT_PARIS_01 "/nope", KEY_PARIS_MANAGER);
	CHECK_PMS_ERROR(r, 404, "NOT_FOUND");
}

TEST(unknown_pms_route_without_key_is_still_404_not_found)
{
	struct http_response *r;

	r = pms_get("/v1/units/" UNIT_PARIS_01 "/nope", NULL);
	CHECK_PMS_ERROR(r, 404, "NOT_FOUND");
}

TEST(post_on_a_unit_is_405_with_allow_get)
{
	struct http_response *r;

	r = pms_request("POST", "/v1/units/" UNIT_PARIS_01, KEY_PARIS_MANAGER,
	    NULL, "{}", 2);
	CHECK_PMS_ERROR(r, 405, "METHOD_NOT_ALLOWED");
	CHECK_STR("GET, HEAD", http_header(r, "Allow"));	/* GET serves HEAD */
}

TEST(delete_on_a_unit_is_405_with_allow_get)
{
	struct http_response *r;

	r = pms_request("DELETE", "/v1/units/" UNIT_PARIS_01,
	    KEY_PARIS_MANAGER, NULL, NULL, 0);
	CHECK_PMS_ERROR(r, 405, "METHOD_NOT_ALLOWED");
	CHECK_STR("GET, HEAD", http_header(r, "Allow"));	/* GET serves HEAD */
}

TEST(unknown_amage_route_is_404_in_result_envelope)
{
	struct http_response *r;

	r = amage_get(WO_BASE "/nope");
	CHECK_AMAGE_ERROR(r, 404, 404);
}

TEST(unknown_amage_route_without_signature_is_still_404)
{
	struct amage_opts o = { .omit = AMAGE_OMIT_DEVICE | AMAGE_OMIT_API_KEY |
	    AMAGE_OMIT_SIGN };

	CHECK_AMAGE_ERROR(amage_request("GET", WO_BASE "/nope", NULL, 0, &o),
	    404, 404);
}

TEST(get_on_amage_add_is_405_with_allow_post)
{
	struct http_response *r;

	r = amage_get(WO_BASE "/add");
	CHECK_AMAGE_ERROR(r, 405, 405);
	CHECK_STR("POST", http_header(r, "Allow"));
}

TEST(path_outside_every_family_is_404_json)
{
	static const char *const paths[] = { "/v1/nope", "/nope",
	    "/rest/amage/v1/nope", NULL };
	const char *const *p;
	struct http_response *r;

	for (p = paths; *p != NULL; p++) {
		r = pms_get(*p, KEY_PARIS_MANAGER);
		CHECK_STATUS(r, 404);
		CHECK_JSON(r);
	}
}

/* ---- JSON and the trace id everywhere --------------------------------------- */

/* Content-Type JSON, a body that parses, and an X-Trace-Id header. */
static void
check_json_and_trace(struct http_response *r, long status)
{
	const char *trace = http_header(r, "X-Trace-Id");

	CHECK_STATUS(r, status);
	CHECK_JSON(r);
	CHECKF(trace != NULL && trace[0] != '\0',
	    "%s %s: expected a non-empty X-Trace-Id header", r->method,
	    r->path);
}

TEST(every_response_is_json_with_a_trace_id_header)
{
	struct amage_opts bad = { .secret = "not-the-secret" };

	check_json_and_trace(pms_get("/v1/units/" UNIT_PARIS_01,
	    KEY_PARIS_MANAGER), 200);
	check_json_and_trace(pms_get("/v1/units/" UNIT_PARIS_01, NULL), 401);
	check_json_and_trace(pms_get("/v1/units/" UNIT_LYON_16,
	    KEY_PARIS_MANAGER), 403);
	check_json_and_trace(pms_get("/v1/units/not-a-uuid",
	    KEY_PARIS_MANAGER), 400);
	check_json_and_trace(pms_get(pool_printf("/v1/units/%s",
	    fresh_uuid()), KEY_PARIS_MANAGER), 404);
	check_json_and_trace(pms_request("POST", "/v1/units/" UNIT_PARIS_01,
	    KEY_PARIS_MANAGER, NULL, "{}", 2), 405);
	check_json_and_trace(amage_get(WO_BASE "/count"), 200);
	check_json_and_trace(amage_request("GET", WO_BASE "/count", NULL, 0,
	    &bad), 400);
	check_json_and_trace(amage_get(WO_BASE "/nope"), 404);
}

TEST(trace_id_header_equals_body_trace_id_on_pms_errors)
{
	struct http_response *a, *b;
	const char *ta, *tb;

	/* CHECK_PMS_ERROR compares X-Trace-Id with traceId. */
	a = pms_get(pool_printf("/v1/units/%s", fresh_uuid()),
	    KEY_PARIS_MANAGER);
	CHECK_PMS_ERROR(a, 404, "UNIT_NOT_FOUND");
	b = pms_get("/v1/units/" UNIT_PARIS_01, NULL);
	CHECK_PMS_ERROR(b, 401, "UNAUTHENTICATED");
	/* And each request has its own. */
	ta = http_header(a, "X-Trace-Id");
	tb = http_header(b, "X-Trace-Id");
	CHECKF(ta != NULL && tb != NULL && strcmp(ta, tb) != 0,
	    "two requests share the trace id \"%s\"", ta ? ta : "(none)");
}

/* ---- the log -------------------------------------------------------------- */

/*
 * The units pool's log of the stack under test.  scripts/test.sh starts
 * that stack in an emptied var/test, so the whole file is this run's: a
 * key found in it was written by this run, never by an earlier one.
 */
static const char *
units_log_path(void)
{
	return pool_printf("%s/log/units.log", pms_var_dir());
}

/*
 * The log line holding trace, waited for up to 3 s (the log is written
 * after the response).  NULL when it never came.
 */
static const char *
log_line_of(const char *trace)
{
	double deadline = now_seconds() + 3.0;
	const char *log, *p, *start, *end;

	for (;;) {
		log = read_file_tail(units_log_path(), 8u * MIB);
		if (log != NULL && (p = strstr(log, trace)) != NULL) {
			start = p;
			while (start > log && start[-1] != '\n')
				start--;
			end = strchr(p, '\n');
			return pool_printf("%.*s", end ? (int)(end - start) :
			    (int)strlen(start), start);
		}
		if (now_seconds() > deadline)
			return NULL;
		sleep_ms(100);
	}
}

TEST(request_log_line_has_trace_id_method_path_status_and_key_id)
{
	const char *out, *id, *key, *trace, *line;
	const char *path = "/v1/units/" UNIT_PARIS_01;
	struct http_response *r;

	out = ADMIN("api-key", "add", "--role", "agent", "--establishment",
	    PARIS_ID, "--label", "itest log line");
	id = kv_get(out, "id");
	key = kv_get(out, "key");
	REQUIRE(CHECKF(id != NULL && key != NULL,
	    "pms-admin api-key add printed no id= and key=: %s",
	    out ? out : "(nothing)"));

	r = pms_get(path, key);
	CHECK_STATUS(r, 200);
	trace = http_header(r, "X-Trace-Id");
	if (CHECK(trace != NULL && trace[0] != '\0')) {
		line = log_line_of(trace);
		if (CHECKF(line != NULL, "trace id %s not found in %s", trace,
		    units_log_path())) {
			CHECKF(contains_word(line, "GET"),
			    "log line lacks the method: %s", line);
			CHECKF(strstr(line, path) != NULL,
			    "log line lacks the path: %s", line);
			CHECKF(contains_word(line, "200"),
			    "log line lacks the status: %s", line);
			CHECKF(contains_word(line, id),
			    "log line lacks the key id %s: %s", id, line);
			CHECKF(strstr(line, key) == NULL,
			    "log line holds the API key: %s", line);
		}
	}
	ADMIN("api-key", "revoke", "--id", id);
}

TEST(api_keys_never_appear_in_the_log)
{
	const char *unknown = pool_printf("itest-unknown-key-%s", fresh_uuid());
	const char *log, *trace;
	struct http_response *a, *b;

	a = pms_get("/v1/units/" UNIT_PARIS_01, KEY_PARIS_MANAGER);
	CHECK_STATUS(a, 200);
	b = pms_get("/v1/units/" UNIT_PARIS_01, unknown);
	CHECK_STATUS(b, 401);
	/* Wait until the second request has been logged, then look. */
	trace = http_header(b, "X-Trace-Id");
	REQUIRE(CHECK(trace != NULL));
	REQUIRE(CHECKF(log_line_of(trace) != NULL,
	    "trace id %s not found in %s", trace, units_log_path()));
	log = read_file_tail(units_log_path(), 64u * MIB);
	REQUIRE(CHECK(log != NULL));
	CHECKF(strstr(log, KEY_PARIS_MANAGER) == NULL,
	    "%s holds the demo Paris manager key", units_log_path());
	CHECKF(strstr(log, unknown) == NULL,
	    "%s holds the unknown key that was sent", units_log_path());
}

/* ---- languages -------------------------------------------------------------- */

static struct http_response *
unknown_unit(const char *accept_language)
{
	const char *h[2] = { NULL, NULL };

	if (accept_language != NULL)
		h[0] = pool_printf("Accept-Language: %s", accept_language);
	return pms_request("GET", pool_printf("/v1/units/%s", fresh_uuid()),
	    KEY_PARIS_MANAGER, h, NULL, 0);
}

TEST(messages_are_french_by_default)
{
	struct http_response *r = unknown_unit(NULL);

	CHECK_PMS_ERROR(r, 404, "UNIT_NOT_FOUND");
	CHECK_JSON_STR(r->json, "message", "Unité introuvable");
}

TEST(messages_are_french_with_accept_language_fr)
{
	struct http_response *r = unknown_unit("fr");

	CHECK_PMS_ERROR(r, 404, "UNIT_NOT_FOUND");
	CHECK_JSON_STR(r->json, "message", "Unité introuvable");
}

TEST(messages_are_english_with_accept_language_en)
{
	struct http_response *r = unknown_unit("en");

	CHECK_PMS_ERROR(r, 404, "UNIT_NOT_FOUND");
	CHECK_JSON_STR(r->json, "message", "Unit not found");
}

TEST(messages_are_english_with_a_browser_accept_language_en_us)
{
	struct http_response *r = unknown_unit("en-US,en;q=0.9");

	CHECK_PMS_ERROR(r, 404, "UNIT_NOT_FOUND");
	CHECK_JSON_STR(r->json, "message", "Unit not found");
}

/* ---- body size ------------------------------------------------------------ */

/* A JSON object {"name":"xxx..."} of exactly len bytes (len >= 12). */
static char *
json_of_size(size_t len)
{
	char *b = pool_keep(malloc(len + 1), free);

	if (b == NULL)
		return NULL;
	memcpy(b, "{\"name\":\"", 9);
	memset(b + 9, 'x', len - 11);
	memcpy(b + len - 2, "\"}", 2);
	b[len] = '\0';
	return b;
}

TEST(signed_add_of_1mib_plus_one_byte_is_413_in_result_envelope)
{
	size_t len = MIB + 1;
	char *body = json_of_size(len);
	long long before, after;
	struct http_response *r;

	REQUIRE(CHECK(body != NULL));
	before = AMAGE_COUNT();
	r = amage_request("POST", WO_BASE "/add", body, len, NULL);
	CHECK_AMAGE_ERROR(r, 413, 413);
	after = AMAGE_COUNT();
	CHECK_INT(before, after);
}

TEST(unsigned_add_of_1mib_plus_one_byte_is_413_before_auth)
{
	struct amage_opts o = { .omit = AMAGE_OMIT_DEVICE | AMAGE_OMIT_API_KEY |
	    AMAGE_OMIT_SIGN };
	size_t len = MIB + 1;
	char *body = json_of_size(len);

	REQUIRE(CHECK(body != NULL));
	CHECK_AMAGE_ERROR(amage_request("POST", WO_BASE "/add", body, len, &o),
	    413, 413);
}

TEST(signed_add_sent_chunked_is_read_whole_and_accepted)
{
	static const char *const chunked[] = { "Transfer-Encoding: chunked",
	    NULL };
	const char *uuid = fresh_uuid();
	const char *body = pool_printf("{\"uuid\":\"%s\",\"name\":"
	    "\"itest chunked\"}", uuid);
	struct amage_opts o = { .extra_headers = chunked };
	struct http_response *r;

	CHECK_AMAGE_OK(amage_request("POST", WO_BASE "/add", body,
	    strlen(body), &o));
	r = amage_get(pool_printf(WO_BASE "/get/by-uuid/%s", uuid));
	CHECK_STATUS(r, 200);
	CHECK_JSON_STR(r->json, "name", "itest chunked");
}

TEST(signed_add_of_3mib_is_413_json_in_result_envelope)
{
	size_t len = 3 * MIB;
	char *body = json_of_size(len);
	struct http_response *r;

	REQUIRE(CHECK(body != NULL));
	r = amage_request("POST", WO_BASE "/add", body, len, NULL);
	CHECK_AMAGE_ERROR(r, 413, 413);
}

TEST(pms_post_of_3mib_is_413_json_in_pms_envelope)
{
	size_t len = 3 * MIB;
	char *body = json_of_size(len);
	struct http_response *r;

	REQUIRE(CHECK(body != NULL));
	r = pms_request("POST", "/v1/units/" UNIT_PARIS_01 "/out-of-service",
	    KEY_PARIS_MANAGER, NULL, body, len);
	CHECK_STATUS(r, 413);
	CHECK_JSON(r);
	CHECK_JSON_STR(r->json, "code", "PAYLOAD_TOO_LARGE");
	CHECK_JSON_NUM(r->json, "status", 413);
}

TEST(body_of_exactly_1mib_that_is_not_json_is_400_not_413)
{
	size_t len = MIB;
	char *body = pool_keep(malloc(len), free);
	long long before, after;
	struct http_response *r;

	REQUIRE(CHECK(body != NULL));
	memset(body, 'x', len);
	before = AMAGE_COUNT();
	r = amage_request("POST", WO_BASE "/add", body, len, NULL);
	CHECK_AMAGE_ERROR(r, 400, 400);
	after = AMAGE_COUNT();
	CHECK_INT(before, after);
}

TEST(body_of_exactly_1mib_of_json_reaches_the_handler_which_refuses_the_name_as_too_long)
{
	size_t len = MIB;
	char *body = json_of_size(len);
	long long before;
	struct http_response *r;

	/* At the limit the body is read whole and judged by the handler's
	   own validation: a name of 1 MiB - 11 bytes is longer than its 255,
	   so 400/400 naming the field (not 413, not a failed insert). */
	REQUIRE(CHECK(body != NULL));
	REQUIRE((before = AMAGE_COUNT()) >= 0);
	r = amage_request("POST", WO_BASE "/add", body, len, NULL);
	CHECK_AMAGE_ERROR(r, 400, 400);
	CHECK_STR("Validation failed: name (too long)", jstr(r->json, "message"));
	CHECK_INT(before, AMAGE_COUNT());
}

TEST(body_of_exactly_1mib_of_valid_json_is_accepted_and_stored)
{
	size_t len = MIB, head;
	char *body = pool_keep(malloc(len + 1), free), *name;
	long long before;
	struct http_response *r, *g;

	/* A small valid object padded with JSON blanks to exactly the limit:
	   the handler must take it like any other (200, stored). */
	REQUIRE(CHECK(body != NULL));
	name = pool_printf("exactly one MiB %s", fresh_uuid());
	head = (size_t)snprintf(body, len, "{\"name\":\"%s\"", name);
	memset(body + head, ' ', len - head - 1);
	body[len - 1] = '}';
	body[len] = '\0';
	REQUIRE((before = AMAGE_COUNT()) >= 0);
	r = amage_request("POST", WO_BASE "/add", body, len, NULL);
	REQUIRE(CHECK_AMAGE_OK(r));
	CHECK_INT(before + 1, AMAGE_COUNT());
	g = amage_get(pool_printf(WO_BASE "/get/by-uuid/%s",
	    jstr(r->json, "uuid")));
	CHECK_STATUS(g, 200);
	CHECK_STR(name, jstr(g->json, "name"));
}

static const struct test_case tests[] = {
	TEST_ENTRY(unknown_pms_route_is_404_not_found_in_pms_envelope),
	TEST_ENTRY(unknown_pms_route_without_key_is_still_404_not_found),
	TEST_ENTRY(post_on_a_unit_is_405_with_allow_get),
	TEST_ENTRY(delete_on_a_unit_is_405_with_allow_get),
	TEST_ENTRY(unknown_amage_route_is_404_in_result_envelope),
	TEST_ENTRY(unknown_amage_route_without_signature_is_still_404),
	TEST_ENTRY(get_on_amage_add_is_405_with_allow_post),
	TEST_ENTRY(path_outside_every_family_is_404_json),
	TEST_ENTRY(every_response_is_json_with_a_trace_id_header),
	TEST_ENTRY(trace_id_header_equals_body_trace_id_on_pms_errors),
	TEST_ENTRY(request_log_line_has_trace_id_method_path_status_and_key_id),
	TEST_ENTRY(api_keys_never_appear_in_the_log),
	TEST_ENTRY(messages_are_french_by_default),
	TEST_ENTRY(messages_are_french_with_accept_language_fr),
	TEST_ENTRY(messages_are_english_with_accept_language_en),
	TEST_ENTRY(messages_are_english_with_a_browser_accept_language_en_us),
	TEST_ENTRY(signed_add_of_1mib_plus_one_byte_is_413_in_result_envelope),
	TEST_ENTRY(unsigned_add_of_1mib_plus_one_byte_is_413_before_auth),
	TEST_ENTRY(signed_add_sent_chunked_is_read_whole_and_accepted),
	TEST_ENTRY(signed_add_of_3mib_is_413_json_in_result_envelope),
	TEST_ENTRY(pms_post_of_3mib_is_413_json_in_pms_envelope),
	TEST_ENTRY(body_of_exactly_1mib_that_is_not_json_is_400_not_413),
	TEST_ENTRY(body_of_exactly_1mib_of_json_reaches_the_handler_which_refuses_the_name_as_too_long),
	TEST_ENTRY(body_of_exactly_1mib_of_valid_json_is_accepted_and_stored),
	TEST_END
};

int
main(int argc, char **argv)
{
	return harness_main(argc, argv, __FILE__, tests);
}
