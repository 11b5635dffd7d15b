/*
 * Unit tests of lib/apikey.c: the shape of generated tokens (prefix, hex
 * of the random bytes asked for, nothing else), that two tokens differ,
 * that sizes which do not fit are refused without writing, that a key
 * hashes to the SHA-256 the database stores for it, and which X-API-Key
 * values are worth a lookup.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "apikey.h"

#define PMS_KEY_LEN APIKEY_STR_LEN("pms_", 32)

/* A fresh token of nbytes after prefix: the prefix, then 2n hex digits. */
static void
assert_token_shape(const char *prefix, size_t nbytes)
{
	char token[4 + 2 * APIKEY_RANDOM_MAX + 1];
	size_t plen = strlen(prefix);

	assert_int_equal(apikey_generate(prefix, nbytes, token, sizeof(token)), 0);
	assert_int_equal(strlen(token), plen + 2 * nbytes);
	assert_memory_equal(token, prefix, plen);
	assert_int_equal(strspn(token + plen, "0123456789abcdef"), 2 * nbytes);
}

static void
pms_key_is_prefix_then_64_lower_case_hex_digits(void **state)
{
	(void)state;
	assert_token_shape("pms_", 32);
}

static void
amage_api_key_holds_twice_its_16_bytes_in_hex(void **state)
{
	(void)state;
	assert_token_shape("amg_", 16);
}

static void
token_without_prefix_is_only_hex(void **state)
{
	(void)state;
	assert_token_shape("", 32);
}

static void
two_generated_keys_differ(void **state)
{
	char a[PMS_KEY_LEN + 1], b[PMS_KEY_LEN + 1];

	(void)state;
	assert_int_equal(apikey_generate("pms_", 32, a, sizeof(a)), 0);
	assert_int_equal(apikey_generate("pms_", 32, b, sizeof(b)), 0);
	assert_string_not_equal(a, b);
}

static void
buffer_one_byte_short_is_refused_untouched(void **state)
{
	char key[PMS_KEY_LEN + 1] = "sentinel";

	(void)state;
	assert_int_equal(apikey_generate("pms_", 32, key, sizeof(key) - 1), -1);
	assert_string_equal(key, "sentinel");
}

static void
zero_or_too_many_random_bytes_are_refused(void **state)
{
	char key[2 * (APIKEY_RANDOM_MAX + 1) + 1] = "sentinel";

	(void)state;
	assert_int_equal(apikey_generate("", 0, key, sizeof(key)), -1);
	assert_int_equal(apikey_generate("", APIKEY_RANDOM_MAX + 1, key,
	    sizeof(key)), -1);
	assert_string_equal(key, "sentinel");
}

static void
demo_key_hashes_to_the_sha256_the_seed_stores(void **state)
{
	char sha[SIGN_HEX_LEN + 1];

	(void)state;
	/* scripts/demo-seed.sql stores SHA2(<this key>, 256). */
	apikey_sha256_hex("demo-manager-paris-0123456789abcdef0123456789abcdef",
	    sha);
	assert_string_equal(sha,
	    "6e2d293b8d2695226e0568a9c0de365500027394916e167c21acb3348ad32d47");
}

static void
hash_covers_the_prefix(void **state)
{
	char with[SIGN_HEX_LEN + 1], without[SIGN_HEX_LEN + 1];

	(void)state;
	apikey_sha256_hex("pms_00ff", with);
	apikey_sha256_hex("00ff", without);
	assert_string_not_equal(with, without);
}

static void
key_worth_a_lookup_is_1_to_256_bytes(void **state)
{
	char key[APIKEY_MAX_LEN + 2];

	(void)state;
	assert_false(apikey_well_formed(NULL));
	assert_false(apikey_well_formed(""));
	assert_true(apikey_well_formed("k"));
	memset(key, 'a', sizeof(key) - 1);
	key[sizeof(key) - 1] = '\0';
	assert_false(apikey_well_formed(key));		/* 257 bytes */
	key[APIKEY_MAX_LEN] = '\0';
	assert_true(apikey_well_formed(key));		/* 256 bytes */
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(pms_key_is_prefix_then_64_lower_case_hex_digits),
		cmocka_unit_test(token_without_prefix_is_only_hex),
		cmocka_unit_test(amage_api_key_holds_twice_its_16_bytes_in_hex),
		cmocka_unit_test(two_generated_keys_differ),
		cmocka_unit_test(buffer_one_byte_short_is_refused_untouched),
		cmocka_unit_test(zero_or_too_many_random_bytes_are_refused),
		cmocka_unit_test(demo_key_hashes_to_the_sha256_the_seed_stores),
		cmocka_unit_test(hash_covers_the_prefix),
		cmocka_unit_test(key_worth_a_lookup_is_1_to_256_bytes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
