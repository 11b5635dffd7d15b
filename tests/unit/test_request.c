/*
 * Unit tests of lib/request.c: what a request is made of from its params
 * (method, URI, path, query, trace id, language), the Content-Length
 * rule, header name mapping to CGI params, query parameters with URL
 * decoding, Content-Type matching, the body limit and exact-length
 * reading in CGI mode (stdin), and response replacement.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "request.h"

static void
init(struct request *rq, char **env, const char *query)
{
	memset(rq, 0, sizeof(*rq));
	rq->envp = env;
	rq->query = query;
}

static void
http_headers_map_to_cgi_params(void **state)
{
	char *env[] = { "HTTP_X_API_KEY=k1", "HTTP_API_SIGN=s",
	    "CONTENT_TYPE=application/json", "HTTP_DEVICE_UUID=d", NULL };
	struct request rq;

	(void)state;
	init(&rq, env, "");
	assert_string_equal(request_header(&rq, "X-API-Key"), "k1");
	assert_string_equal(request_header(&rq, "x-api-key"), "k1");
	assert_string_equal(request_header(&rq, "api-sign"), "s");
	assert_string_equal(request_header(&rq, "device-uuid"), "d");
	assert_string_equal(request_header(&rq, "Content-Type"),
	    "application/json");
	assert_null(request_header(&rq, "Accept-Language"));
}

static void
query_parameters_are_found_and_decoded(void **state)
{
	char *env[] = { NULL };
	struct request rq;
	char out[32];

	(void)state;
	init(&rq, env, "page=2&size=50&q=a%20b+c&empty=&flag");
	assert_int_equal(request_query_param(&rq, "page", out, sizeof(out)), 1);
	assert_string_equal(out, "2");
	assert_int_equal(request_query_param(&rq, "size", out, sizeof(out)), 1);
	assert_string_equal(out, "50");
	assert_int_equal(request_query_param(&rq, "q", out, sizeof(out)), 1);
	assert_string_equal(out, "a b c");
	assert_int_equal(request_query_param(&rq, "empty", out, sizeof(out)), 1);
	assert_string_equal(out, "");
	assert_int_equal(request_query_param(&rq, "flag", out, sizeof(out)), 1);
	assert_int_equal(request_query_param(&rq, "pag", out, sizeof(out)), 0);
	assert_int_equal(request_query_param(&rq, "missing", out, sizeof(out)), 0);
}

static void
bad_query_encoding_and_overlong_values_are_refused(void **state)
{
	char *env[] = { NULL };
	struct request rq;
	char out[8];

	(void)state;
	init(&rq, env, "a=%zz&b=%2&c=123456789&d=%00&e=%41");
	assert_int_equal(request_query_param(&rq, "a", out, sizeof(out)), -1);
	assert_int_equal(request_query_param(&rq, "b", out, sizeof(out)), -1);
	assert_int_equal(request_query_param(&rq, "c", out, sizeof(out)), -1);
	assert_int_equal(request_query_param(&rq, "d", out, sizeof(out)), -1);
	assert_int_equal(request_query_param(&rq, "e", out, sizeof(out)), 1);
	assert_string_equal(out, "A");
}

static void
content_type_matches_media_type_only(void **state)
{
	char *env1[] = { "CONTENT_TYPE=application/json; charset=utf-8", NULL };
	char *env2[] = { "CONTENT_TYPE=Text/Plain", NULL };
	char *env3[] = { "CONTENT_TYPE=application/jsonx", NULL };
	char *env4[] = { NULL };
	struct request rq;

	(void)state;
	init(&rq, env1, "");
	assert_true(request_content_type_is(&rq, "application/json"));
	assert_true(request_content_type_is(&rq, "text/plain application/json"));
	init(&rq, env2, "");
	assert_true(request_content_type_is(&rq, "application/json text/plain"));
	assert_false(request_content_type_is(&rq, "application/json"));
	init(&rq, env3, "");
	assert_false(request_content_type_is(&rq, "application/json"));
	init(&rq, env4, "");
	assert_false(request_content_type_is(&rq, "application/json"));
}

/* Runs request_read_body in CGI mode with stdin replaced by data. */
static int
read_body_from(const char *content_length, const char *data, size_t limit,
    struct request *rq)
{
	static char cl[64];
	static char *env[2];
	FILE *f;

	snprintf(cl, sizeof(cl), "CONTENT_LENGTH=%s", content_length);
	env[0] = cl;
	env[1] = NULL;
	init(rq, env, "");
	f = freopen("/dev/null", "r", stdin);
	assert_non_null(f);
	if (data != NULL) {
		FILE *tmp = tmpfile();
		assert_non_null(tmp);
		fputs(data, tmp);
		rewind(tmp);
		/* stdin becomes the temporary file */
		assert_int_equal(dup2(fileno(tmp), fileno(stdin)), fileno(stdin));
		clearerr(stdin);
		fclose(tmp);
	}
	return request_read_body(rq, limit);
}

static void
body_is_read_exactly_once(void **state)
{
	struct request rq;

	(void)state;
	assert_int_equal(read_body_from("5", "hello world", 100, &rq), BODY_OK);
	assert_int_equal(rq.body_len, 5);
	assert_string_equal(rq.body, "hello");
	assert_int_equal(request_read_body(&rq, 100), BODY_OK);
	free(rq.body);
}

static void
body_over_limit_is_too_large_without_reading(void **state)
{
	struct request rq;

	(void)state;
	assert_int_equal(read_body_from("101", NULL, 100, &rq), BODY_TOO_LARGE);
	assert_null(rq.body);
	assert_int_equal(read_body_from("100", NULL, 100, &rq), BODY_BAD_LENGTH);
	assert_int_equal(read_body_from("99999999999999999999999", NULL, 100,
	    &rq), BODY_BAD_LENGTH);
}

static void
bad_content_length_is_refused(void **state)
{
	struct request rq;

	(void)state;
	assert_int_equal(read_body_from("-1", "x", 100, &rq), BODY_BAD_LENGTH);
	assert_int_equal(read_body_from("1x", "x", 100, &rq), BODY_BAD_LENGTH);
	assert_int_equal(read_body_from(" 1", "x", 100, &rq), BODY_BAD_LENGTH);
	assert_int_equal(read_body_from("10", "short", 100, &rq),
	    BODY_BAD_LENGTH);
	assert_null(rq.body);
}

static void
last_response_wins(void **state)
{
	struct request rq;

	(void)state;
	memset(&rq, 0, sizeof(rq));
	request_respond_raw(&rq, 200, "first", 5);
	request_respond_json(&rq, 404, cJSON_CreateObject());
	assert_int_equal(rq.status, 404);
	assert_string_equal(rq.resp_body, "{}");
	request_add_header(&rq, "Allow", "GET");
	request_add_header(&rq, "X-Bad", "a\r\nInjected: 1");
	assert_string_equal(rq.resp_headers, "Allow: GET\r\n");
	free(rq.resp_body);
}

static void
params_give_method_uri_path_query_trace_and_language(void **state)
{
	char *env[] = { "REQUEST_METHOD=POST", "SCRIPT_NAME=/ignored",
	    "REQUEST_URI=/v1/units?x=1?y", "REQUEST_ID=abc-DEF_1",
	    "HTTP_ACCEPT_LANGUAGE=de, en-GB;q=0.8, fr", NULL };
	struct request rq;

	(void)state;
	memset(&rq, 0, sizeof(rq));
	request_init_params(&rq, env);
	assert_ptr_equal(rq.envp, env);
	assert_string_equal(rq.method, "POST");
	assert_string_equal(rq.request_uri, "/v1/units?x=1?y");
	assert_string_equal(rq.path, "/v1/units");
	assert_string_equal(rq.query, "x=1?y");
	assert_string_equal(rq.trace_id, "abc-DEF_1");
	assert_int_equal(rq.lang, LANG_EN);
}

static void
missing_params_give_get_root_a_random_trace_and_french(void **state)
{
	char *env[] = { "SCRIPT_NAME=/v1/units", "REQUEST_ID=not a token",
	    NULL };
	struct request rq;

	(void)state;
	memset(&rq, 0, sizeof(rq));
	request_init_params(&rq, env + 1);
	assert_string_equal(rq.method, "GET");
	assert_string_equal(rq.request_uri, "/");
	assert_string_equal(rq.path, "/");
	assert_string_equal(rq.query, "");
	assert_int_equal(strlen(rq.trace_id), 32);
	assert_int_equal(strspn(rq.trace_id, "0123456789abcdef"), 32);
	assert_int_equal(rq.lang, LANG_FR);
	memset(&rq, 0, sizeof(rq));
	request_init_params(&rq, env);
	assert_string_equal(rq.request_uri, "/v1/units");
}

static void
language_is_the_first_of_en_and_fr_named(void **state)
{
	(void)state;
	assert_int_equal(request_lang(NULL), LANG_FR);
	assert_int_equal(request_lang(""), LANG_FR);
	assert_int_equal(request_lang("en"), LANG_EN);
	assert_int_equal(request_lang("EN-us"), LANG_EN);
	assert_int_equal(request_lang("fr-CA, en"), LANG_FR);
	assert_int_equal(request_lang("de, ,en;q=0.5"), LANG_EN);
	assert_int_equal(request_lang("english"), LANG_FR);
	assert_int_equal(request_lang("es"), LANG_FR);
}

static void
content_length_is_digits_only_within_64_bits_and_the_limit(void **state)
{
	size_t n = 7;

	(void)state;
	assert_int_equal(request_content_length(NULL, 10, &n), BODY_OK);
	assert_int_equal(n, 0);
	assert_int_equal(request_content_length("", 10, &n), BODY_OK);
	assert_int_equal(request_content_length("0010", 10, &n), BODY_OK);
	assert_int_equal(n, 10);
	assert_int_equal(request_content_length("11", 10, &n), BODY_TOO_LARGE);
	assert_int_equal(request_content_length("+1", 10, &n), BODY_BAD_LENGTH);
	assert_int_equal(request_content_length(" 1", 10, &n), BODY_BAD_LENGTH);
	assert_int_equal(request_content_length("1 ", 10, &n), BODY_BAD_LENGTH);
	assert_int_equal(request_content_length("-1", 10, &n), BODY_BAD_LENGTH);
	assert_int_equal(request_content_length("0x1", 10, &n), BODY_BAD_LENGTH);
	assert_int_equal(request_content_length("18446744073709551615",
	    SIZE_MAX, &n), BODY_OK);
	assert_true(n == SIZE_MAX);
	assert_int_equal(request_content_length("18446744073709551616",
	    SIZE_MAX, &n), BODY_BAD_LENGTH);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(params_give_method_uri_path_query_trace_and_language),
		cmocka_unit_test(missing_params_give_get_root_a_random_trace_and_french),
		cmocka_unit_test(language_is_the_first_of_en_and_fr_named),
		cmocka_unit_test(content_length_is_digits_only_within_64_bits_and_the_limit),
		cmocka_unit_test(http_headers_map_to_cgi_params),
		cmocka_unit_test(query_parameters_are_found_and_decoded),
		cmocka_unit_test(bad_query_encoding_and_overlong_values_are_refused),
		cmocka_unit_test(content_type_matches_media_type_only),
		cmocka_unit_test(body_is_read_exactly_once),
		cmocka_unit_test(body_over_limit_is_too_large_without_reading),
		cmocka_unit_test(bad_content_length_is_refused),
		cmocka_unit_test(last_response_wins),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
