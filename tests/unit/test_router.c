/*
 * Unit tests of lib/router.c: literal and {param} segments, exact matching
 * (no prefix, no trailing slash folding), 404 vs 405 with the Allow list,
 * HEAD served by GET routes and listed beside GET.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "request.h"
#include "router.h"

static int handler_a(struct request *rq) { (void)rq; return 0; }
static int handler_b(struct request *rq) { (void)rq; return 1; }

static const struct route routes[] = {
	{ "GET", "/v1/units/{unitId}", handler_a, AUTH_AGENT },
	{ "POST", "/v1/units/{unitId}/out-of-service", handler_b, AUTH_MANAGER },
	{ "DELETE", "/v1/units/{unitId}/out-of-service/{refId}", handler_a, AUTH_MANAGER },
	{ "GET", "/rest/amage/v1/work-orders/count", handler_a, AUTH_AMAGE },
	{ "POST", "/rest/amage/v1/work-orders/count", handler_b, AUTH_AMAGE },
	{ "DELETE", "/rest/amage/v1/work-orders/count", handler_b, AUTH_AMAGE },
	{ "POST", "/rest/amage/v1/work-orders/asset-plan/{wo}/join-asset-to-plan-by-uuid/{uuid}", handler_b, AUTH_AMAGE },
	{ NULL, NULL, NULL, AUTH_NONE }
};

static int
match(struct request *rq, const char *method, const char *path, char *allow,
    size_t allow_len)
{
	memset(rq, 0, sizeof(*rq));
	rq->method = method;
	strcpy(rq->path, path);
	return route_match(rq, routes, allow, allow_len);
}

static void
path_parameter_is_captured(void **state)
{
	struct request rq;
	char allow[64];

	(void)state;
	assert_int_equal(match(&rq, "GET", "/v1/units/abc", allow, sizeof(allow)),
	    ROUTE_FOUND);
	assert_ptr_equal(rq.route, &routes[0]);
	assert_string_equal(request_path_param(&rq, "unitId"), "abc");
	assert_null(request_path_param(&rq, "unit"));
}

static void
two_path_parameters_are_captured_in_order(void **state)
{
	struct request rq;
	char allow[64];

	(void)state;
	assert_int_equal(match(&rq, "POST",
	    "/rest/amage/v1/work-orders/asset-plan/W1/join-asset-to-plan-by-uuid/A2",
	    allow, sizeof(allow)), ROUTE_FOUND);
	assert_string_equal(request_path_param(&rq, "wo"), "W1");
	assert_string_equal(request_path_param(&rq, "uuid"), "A2");
	assert_int_equal(rq.nparams, 2);
}

static void
unknown_path_is_not_found(void **state)
{
	struct request rq;
	char allow[64];

	(void)state;
	assert_int_equal(match(&rq, "GET", "/v1/units", allow, sizeof(allow)),
	    ROUTE_NOT_FOUND);
	assert_int_equal(match(&rq, "GET", "/v1/units/abc/nope", allow,
	    sizeof(allow)), ROUTE_NOT_FOUND);
	assert_int_equal(match(&rq, "GET", "/", allow, sizeof(allow)),
	    ROUTE_NOT_FOUND);
	assert_int_equal(match(&rq, "GET", "", allow, sizeof(allow)),
	    ROUTE_NOT_FOUND);
}

static void
trailing_slash_and_empty_segment_do_not_match(void **state)
{
	struct request rq;
	char allow[64];

	(void)state;
	assert_int_equal(match(&rq, "GET", "/v1/units/abc/", allow,
	    sizeof(allow)), ROUTE_NOT_FOUND);
	assert_int_equal(match(&rq, "GET", "/v1/units/", allow, sizeof(allow)),
	    ROUTE_NOT_FOUND);
	assert_int_equal(match(&rq, "GET", "//v1/units/abc", allow,
	    sizeof(allow)), ROUTE_NOT_FOUND);
	assert_int_equal(match(&rq, "GET",
	    "/rest/amage/v1/work-orders/count/", allow, sizeof(allow)),
	    ROUTE_NOT_FOUND);
}

static void
wrong_method_lists_the_allowed_ones(void **state)
{
	struct request rq;
	char allow[64];

	(void)state;
	assert_int_equal(match(&rq, "PUT", "/v1/units/abc", allow, sizeof(allow)),
	    ROUTE_METHOD_NOT_ALLOWED);
	assert_string_equal(allow, "GET, HEAD");
	assert_int_equal(match(&rq, "GET", "/v1/units/abc/out-of-service",
	    allow, sizeof(allow)), ROUTE_METHOD_NOT_ALLOWED);
	assert_string_equal(allow, "POST");
	assert_int_equal(rq.nparams, 0);
}

static void
head_is_served_by_the_get_route_of_its_path(void **state)
{
	struct request rq;
	char allow[64];

	(void)state;
	assert_int_equal(match(&rq, "HEAD", "/v1/units/abc", allow,
	    sizeof(allow)), ROUTE_FOUND);
	assert_ptr_equal(rq.route, &routes[0]);
	assert_string_equal(request_path_param(&rq, "unitId"), "abc");
	assert_int_equal(match(&rq, "HEAD", "/rest/amage/v1/work-orders/count",
	    allow, sizeof(allow)), ROUTE_FOUND);
	assert_ptr_equal(rq.route, &routes[3]);
}

static void
head_where_no_get_route_is_405_without_head_in_allow(void **state)
{
	struct request rq;
	char allow[64];

	(void)state;
	assert_int_equal(match(&rq, "HEAD", "/v1/units/abc/out-of-service",
	    allow, sizeof(allow)), ROUTE_METHOD_NOT_ALLOWED);
	assert_string_equal(allow, "POST");
	assert_int_equal(match(&rq, "HEAD", "/v1/nope", allow, sizeof(allow)),
	    ROUTE_NOT_FOUND);
}

static void
allow_lists_head_beside_get_once(void **state)
{
	struct request rq;
	char allow[64];

	(void)state;
	assert_int_equal(match(&rq, "PATCH", "/rest/amage/v1/work-orders/count",
	    allow, sizeof(allow)), ROUTE_METHOD_NOT_ALLOWED);
	assert_string_equal(allow, "GET, HEAD, POST, DELETE");
}

static void
allow_too_small_keeps_whole_names_only(void **state)
{
	struct request rq;
	char allow[12];

	(void)state;
	/* "GET, HEAD" fits in 12 bytes, ", POST" does not: left out whole */
	assert_int_equal(match(&rq, "PATCH", "/rest/amage/v1/work-orders/count",
	    allow, sizeof(allow)), ROUTE_METHOD_NOT_ALLOWED);
	assert_string_equal(allow, "GET, HEAD");
	assert_int_equal(match(&rq, "PATCH", "/rest/amage/v1/work-orders/count",
	    allow, 3), ROUTE_METHOD_NOT_ALLOWED);
	assert_string_equal(allow, "");
	assert_int_equal(match(&rq, "PATCH", "/rest/amage/v1/work-orders/count",
	    NULL, 0), ROUTE_METHOD_NOT_ALLOWED);
}

static void
method_is_case_sensitive(void **state)
{
	struct request rq;
	char allow[64];

	(void)state;
	assert_int_equal(match(&rq, "get", "/v1/units/abc", allow, sizeof(allow)),
	    ROUTE_METHOD_NOT_ALLOWED);
}

static void
overlong_parameter_is_refused(void **state)
{
	struct request rq;
	char allow[64], path[600];

	(void)state;
	strcpy(path, "/v1/units/");
	memset(path + 10, 'a', 300);
	path[310] = '\0';
	assert_int_equal(match(&rq, "GET", path, allow, sizeof(allow)),
	    ROUTE_NOT_FOUND);
}

static void
pattern_matcher_alone(void **state)
{
	struct request rq;

	(void)state;
	memset(&rq, 0, sizeof(rq));
	assert_true(route_pattern_match("/a/{x}/c", "/a/b/c", &rq));
	assert_string_equal(request_path_param(&rq, "x"), "b");
	assert_false(route_pattern_match("/a/{x}/c", "/a/b/d", &rq));
	assert_false(route_pattern_match("/a/{x}", "/a/b/c", &rq));
	assert_false(route_pattern_match("/a/b", "/a/bb", &rq));
	assert_false(route_pattern_match("/a/bb", "/a/b", &rq));
	assert_true(route_pattern_match("/a/b", "/a/b", &rq));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(path_parameter_is_captured),
		cmocka_unit_test(two_path_parameters_are_captured_in_order),
		cmocka_unit_test(unknown_path_is_not_found),
		cmocka_unit_test(trailing_slash_and_empty_segment_do_not_match),
		cmocka_unit_test(wrong_method_lists_the_allowed_ones),
		cmocka_unit_test(head_is_served_by_the_get_route_of_its_path),
		cmocka_unit_test(head_where_no_get_route_is_405_without_head_in_allow),
		cmocka_unit_test(allow_lists_head_beside_get_once),
		cmocka_unit_test(allow_too_small_keeps_whole_names_only),
		cmocka_unit_test(method_is_case_sensitive),
		cmocka_unit_test(overlong_parameter_is_refused),
		cmocka_unit_test(pattern_matcher_alone),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
