/*
 * Unit tests of lib/auth.c, the parts that need no database: the role an
 * api_keys.role value grants, which routes a role may call, and the
 * refusals auth_check answers before any lookup (no key, a key too long,
 * missing or malformed AMAGE headers).  The lookups themselves are the
 * integration tests' (tests/integration).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "auth.h"
#include "request.h"

static void
only_manager_spelt_exactly_is_manager(void **state)
{
	(void)state;
	assert_int_equal(auth_role_parse("manager"), ROLE_MANAGER);
	assert_int_equal(auth_role_parse("agent"), ROLE_AGENT);
	assert_int_equal(auth_role_parse("Manager"), ROLE_AGENT);
	assert_int_equal(auth_role_parse("manager "), ROLE_AGENT);
	assert_int_equal(auth_role_parse(""), ROLE_AGENT);
	assert_int_equal(auth_role_parse(NULL), ROLE_AGENT);
}

static void
manager_routes_are_forbidden_to_agents_only(void **state)
{
	(void)state;
	assert_null(auth_role_refusal(AUTH_AGENT, ROLE_AGENT));
	assert_null(auth_role_refusal(AUTH_AGENT, ROLE_MANAGER));
	assert_null(auth_role_refusal(AUTH_MANAGER, ROLE_MANAGER));
	assert_string_equal(auth_role_refusal(AUTH_MANAGER, ROLE_AGENT),
	    "FORBIDDEN");
	assert_string_equal(auth_role_refusal(AUTH_MANAGER, ROLE_NONE),
	    "FORBIDDEN");
}

/* rq.db is NULL: a refusal that reached the database would crash. */
static void
bad_credentials_are_refused_before_any_lookup(void **state)
{
	char long_key[16 + 257];
	char *none[] = { NULL };
	char *empty[] = { "HTTP_X_API_KEY=", NULL };
	char *too_long[] = { long_key, NULL };
	char *amage_half[] = { "HTTP_API_KEY=k", "HTTP_API_SIGN=t=1,v1=00",
	    NULL };
	char *amage_bad_device[] = { "HTTP_DEVICE_UUID=nope", "HTTP_API_KEY=k",
	    "HTTP_API_SIGN=t=1,v1=00", NULL };
	struct request rq;

	(void)state;
	memcpy(long_key, "HTTP_X_API_KEY=", 15);
	memset(long_key + 15, 'a', 257);
	long_key[15 + 257] = '\0';
	memset(&rq, 0, sizeof(rq));
	assert_null(auth_check(&rq, AUTH_NONE));
	rq.envp = none;
	assert_string_equal(auth_check(&rq, AUTH_AGENT), "UNAUTHENTICATED");
	rq.envp = empty;
	assert_string_equal(auth_check(&rq, AUTH_MANAGER), "UNAUTHENTICATED");
	rq.envp = too_long;
	assert_string_equal(auth_check(&rq, AUTH_AGENT), "UNAUTHENTICATED");
	rq.envp = amage_half;
	assert_string_equal(auth_check(&rq, AUTH_AMAGE), "SIGNATURE_MISSING");
	rq.envp = amage_bad_device;
	assert_string_equal(auth_check(&rq, AUTH_AMAGE), "SIGNATURE_INVALID");
	assert_false(rq.who.authenticated);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(only_manager_spelt_exactly_is_manager),
		cmocka_unit_test(manager_routes_are_forbidden_to_agents_only),
		cmocka_unit_test(bad_credentials_are_refused_before_any_lookup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
