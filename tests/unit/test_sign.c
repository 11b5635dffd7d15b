/*
 * Unit tests of lib/sign.c (SPEC 3.1).  The expected HMACs below were
 * computed with the openssl CLI, independently of this code, e.g.
 *   H=$(printf '%s' "$BODY" | openssl dgst -sha256 -r | cut -d' ' -f1)
 *   printf '1700000000\nPOST\n/rest/...\nffff...0001\n%s' "$H" |
 *       openssl dgst -sha256 -hmac "$SECRET"
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sign.h"

#define SECRET	"demo-amage-secret-0123456789abcdef"
#define DEVICE	"ffffffff-0000-4000-8000-000000000001"
#define URI	"/rest/amage/v1/work-orders/add?lang=pl"
#define BODY	"{\"name\":\"Boiler check\",\"priorityName\":\"HIGH\"}"
#define T0	1700000000
/* HMAC of S(T0, POST, URI, DEVICE, BODY) under SECRET, from the CLI */
#define KAT_POST "230135e37c350f0230031c66cbb20b11e01447458e6a60741fa2b6d6c8c88b70"
#define HDR_POST "t=1700000000,v1=" KAT_POST

static enum sign_result
verify_post(const char *hdr, int64_t now, const char *method, const char *uri,
    const char *device, const char *body)
{
	return sign_verify(hdr, SECRET, now, method, uri, device, body,
	    strlen(body), NULL);
}

static void
sha256_hex_matches_known_answers(void **state)
{
	char out[SIGN_HEX_LEN + 1];

	(void)state;
	sign_sha256_hex("", 0, out);
	assert_string_equal(out,
	    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	sign_sha256_hex(NULL, 0, out);
	assert_string_equal(out,
	    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	sign_sha256_hex("abc", 3, out);
	assert_string_equal(out,
	    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	sign_sha256_hex(BODY, strlen(BODY), out);
	assert_string_equal(out,
	    "1f1d902c9a5878b1a1559c62a890e2ff124f39a366b4fa9a9828a0598da45f1a");
}

static void
compute_matches_openssl_cli_for_a_post(void **state)
{
	char out[SIGN_HEX_LEN + 1];

	(void)state;
	assert_int_equal(sign_compute(SECRET, T0, "POST", URI, DEVICE, BODY,
	    strlen(BODY), out), 0);
	assert_string_equal(out, KAT_POST);
}

/* The POST of the known answer signed under secret, into out. */
static const char *
post_signed_with(const char *secret, char out[SIGN_HEX_LEN + 1])
{
	assert_int_equal(sign_compute(secret, T0, "POST", URI, DEVICE, BODY,
	    strlen(BODY), out), 0);
	return out;
}

/* sign.c keeps the last key's context: switching keys, a key that is a
   prefix of the last one, and a key too long to keep still give the
   known answer. */
static void
compute_is_right_after_any_other_key(void **state)
{
	char out[SIGN_HEX_LEN + 1], first[SIGN_HEX_LEN + 1];
	char prefix[sizeof(SECRET)], longkey[400];

	(void)state;
	memcpy(prefix, SECRET, sizeof(SECRET));
	prefix[sizeof(SECRET) - 2] = '\0';
	memset(longkey, 'k', sizeof(longkey) - 1);
	longkey[sizeof(longkey) - 1] = '\0';
	assert_string_not_equal(post_signed_with("another secret", first),
	    KAT_POST);
	assert_string_equal(post_signed_with(SECRET, out), KAT_POST);
	assert_string_not_equal(post_signed_with(prefix, out), KAT_POST);
	assert_string_not_equal(post_signed_with(longkey, out), KAT_POST);
	assert_string_equal(post_signed_with(SECRET, out), KAT_POST);
	assert_string_equal(post_signed_with(SECRET, out), KAT_POST);
	assert_string_equal(post_signed_with("another secret", out), first);
}

static void
compute_matches_openssl_cli_for_a_get_without_body(void **state)
{
	char out[SIGN_HEX_LEN + 1];

	(void)state;
	assert_int_equal(sign_compute(SECRET, 1700000300, "GET",
	    "/rest/amage/v1/work-orders/count",
	    "2489e9ad-2ee2-8e00-8ec9-32d5f69181c0", NULL, 0, out), 0);
	assert_string_equal(out,
	    "02ab7b700f377f7eb7fe3f5bce71e9e7f24a7baf221726c65ff86b48500038b7");
}

static void
compute_signs_a_long_uri_whole(void **state)
{
	const char *pre = "/rest/amage/v1/work-orders/list?q=";
	size_t n = strlen(pre) + 10000;
	char *uri = malloc(n + 1);
	char out[SIGN_HEX_LEN + 1];

	(void)state;
	assert_non_null(uri);
	strcpy(uri, pre);
	memset(uri + strlen(pre), 'a', 10000);
	uri[n] = '\0';
	assert_int_equal(sign_compute(SECRET, T0, "GET", uri, DEVICE, "", 0, out), 0);
	assert_string_equal(out,
	    "169b65b15498929369d56f4eaf3637b47c233589e8bed57fb4f9e5cb2940fd9f");
	/* and not as its first 4000 bytes would be signed */
	assert_string_not_equal(out,
	    "dbaa9b9c1768f1acd31e57f2ce57fe6c5a7b43339b579db524eb99ebb551fc51");
	free(uri);
}

static void
compute_refuses_missing_parts(void **state)
{
	char out[SIGN_HEX_LEN + 1];

	(void)state;
	assert_int_equal(sign_compute(NULL, T0, "GET", URI, DEVICE, "", 0, out), -1);
	assert_int_equal(sign_compute(SECRET, T0, NULL, URI, DEVICE, "", 0, out), -1);
	assert_int_equal(sign_compute(SECRET, T0, "GET", NULL, DEVICE, "", 0, out), -1);
	assert_int_equal(sign_compute(SECRET, T0, "GET", URI, NULL, "", 0, out), -1);
	assert_int_equal(sign_compute(SECRET, T0, "GET", URI, DEVICE, NULL, 5, out),
	    -1);
}

static void
correct_signature_is_accepted_and_returned_as_replay_key(void **state)
{
	char v1[SIGN_HEX_LEN + 1] = "";

	(void)state;
	assert_int_equal(sign_verify(HDR_POST, SECRET, T0, "POST", URI, DEVICE,
	    BODY, strlen(BODY), v1), SIGN_OK);
	assert_string_equal(v1, KAT_POST);
	assert_int_equal(verify_post(HDR_POST, T0, "POST", URI, DEVICE, BODY),
	    SIGN_OK);
}

static void
upper_case_hex_signature_is_accepted_and_returned_lower_case(void **state)
{
	char hdr[128], v1[SIGN_HEX_LEN + 1];
	size_t i;

	(void)state;
	snprintf(hdr, sizeof(hdr), "%s", HDR_POST);
	for (i = strlen("t=1700000000,v1="); hdr[i] != '\0'; i++)
		if (hdr[i] >= 'a' && hdr[i] <= 'f')
			hdr[i] = (char)(hdr[i] - 'a' + 'A');
	assert_int_equal(sign_verify(hdr, SECRET, T0, "POST", URI, DEVICE, BODY,
	    strlen(BODY), v1), SIGN_OK);
	assert_string_equal(v1, KAT_POST);
}

static void
spaces_after_the_comma_are_accepted(void **state)
{
	(void)state;
	assert_int_equal(verify_post("t=1700000000, v1=" KAT_POST, T0, "POST",
	    URI, DEVICE, BODY), SIGN_OK);
	assert_int_equal(verify_post("t=1700000000,   v1=" KAT_POST, T0, "POST",
	    URI, DEVICE, BODY), SIGN_OK);
}

static void
skew_of_exactly_300_seconds_is_accepted_both_ways(void **state)
{
	(void)state;
	assert_int_equal(verify_post(HDR_POST, T0 + 300, "POST", URI, DEVICE,
	    BODY), SIGN_OK);
	assert_int_equal(verify_post(HDR_POST, T0 - 300, "POST", URI, DEVICE,
	    BODY), SIGN_OK);
}

static void
skew_of_301_seconds_is_expired_both_ways(void **state)
{
	(void)state;
	assert_int_equal(verify_post(HDR_POST, T0 + 301, "POST", URI, DEVICE,
	    BODY), SIGN_EXPIRED);
	assert_int_equal(verify_post(HDR_POST, T0 - 301, "POST", URI, DEVICE,
	    BODY), SIGN_EXPIRED);
}

static void
expiry_is_checked_before_the_hmac(void **state)
{
	(void)state;
	/* a wrong signature far from now says "expired", not "mismatch" */
	assert_int_equal(verify_post("t=1,v1=" KAT_POST, T0, "POST", URI, DEVICE,
	    BODY), SIGN_EXPIRED);
}

static void
extreme_clock_values_do_not_overflow(void **state)
{
	(void)state;
	assert_int_equal(verify_post(HDR_POST, INT64_MIN, "POST", URI, DEVICE,
	    BODY), SIGN_EXPIRED);
	assert_int_equal(verify_post(HDR_POST, INT64_MAX, "POST", URI, DEVICE,
	    BODY), SIGN_EXPIRED);
	assert_int_equal(verify_post("t=999999999999999999,v1=" KAT_POST,
	    INT64_MIN, "POST", URI, DEVICE, BODY), SIGN_EXPIRED);
}

static void
one_character_change_in_uri_is_a_mismatch(void **state)
{
	(void)state;
	assert_int_equal(verify_post(HDR_POST, T0, "POST",
	    "/rest/amage/v1/work-orders/add?lang=pL", DEVICE, BODY), SIGN_MISMATCH);
	assert_int_equal(verify_post(HDR_POST, T0, "POST",
	    "/rest/amage/v1/work-orders/add?lang=p", DEVICE, BODY), SIGN_MISMATCH);
	assert_int_equal(verify_post(HDR_POST, T0, "POST",
	    "/rest/amage/v1/work-orders/add", DEVICE, BODY), SIGN_MISMATCH);
}

static void
one_character_change_in_method_is_a_mismatch(void **state)
{
	(void)state;
	assert_int_equal(verify_post(HDR_POST, T0, "post", URI, DEVICE, BODY),
	    SIGN_MISMATCH);
	assert_int_equal(verify_post(HDR_POST, T0, "PUT", URI, DEVICE, BODY),
	    SIGN_MISMATCH);
}

static void
one_character_change_in_body_is_a_mismatch(void **state)
{
	(void)state;
	assert_int_equal(verify_post(HDR_POST, T0, "POST", URI, DEVICE,
	    "{\"name\":\"Boiler check\",\"priorityName\":\"HIGg\"}"), SIGN_MISMATCH);
	assert_int_equal(verify_post(HDR_POST, T0, "POST", URI, DEVICE,
	    BODY " "), SIGN_MISMATCH);
	assert_int_equal(verify_post(HDR_POST, T0, "POST", URI, DEVICE, ""),
	    SIGN_MISMATCH);
}

static void
one_character_change_in_device_is_a_mismatch(void **state)
{
	(void)state;
	assert_int_equal(verify_post(HDR_POST, T0, "POST", URI,
	    "ffffffff-0000-4000-8000-000000000002", BODY), SIGN_MISMATCH);
	/* the device uuid is signed as sent: case matters */
	assert_int_equal(verify_post(HDR_POST, T0, "POST", URI,
	    "FFFFFFFF-0000-4000-8000-000000000001", BODY), SIGN_MISMATCH);
}

static void
change_in_timestamp_or_secret_is_a_mismatch(void **state)
{
	(void)state;
	assert_int_equal(verify_post("t=1700000001,v1=" KAT_POST, T0, "POST", URI,
	    DEVICE, BODY), SIGN_MISMATCH);
	assert_int_equal(sign_verify(HDR_POST, SECRET "x", T0, "POST", URI, DEVICE,
	    BODY, strlen(BODY), NULL), SIGN_MISMATCH);
}

static void
one_flipped_hex_digit_is_a_mismatch_and_leaves_v1_out_alone(void **state)
{
	char hdr[128], v1[SIGN_HEX_LEN + 1] = "untouched";

	(void)state;
	snprintf(hdr, sizeof(hdr), "%s", HDR_POST);
	hdr[strlen(hdr) - 1] = hdr[strlen(hdr) - 1] == '0' ? '1' : '0';
	assert_int_equal(sign_verify(hdr, SECRET, T0, "POST", URI, DEVICE, BODY,
	    strlen(BODY), v1), SIGN_MISMATCH);
	assert_string_equal(v1, "untouched");
}

static void
missing_parts_at_verify_fail_closed(void **state)
{
	(void)state;
	assert_int_equal(sign_verify(HDR_POST, NULL, T0, "POST", URI, DEVICE,
	    BODY, strlen(BODY), NULL), SIGN_MISMATCH);
	assert_int_equal(sign_verify(HDR_POST, SECRET, T0, "POST", URI, NULL,
	    BODY, strlen(BODY), NULL), SIGN_MISMATCH);
}

static void
malformed_headers_are_bad_headers(void **state)
{
	static const char *const bad[] = {
		"",
		"t=,v1=",
		"t=1700000000",
		"v1=" KAT_POST,
		"v1=" KAT_POST ",t=1700000000",
		"t=1700000000,v1=",
		"t=1700000000;v1=" KAT_POST,
		"t=1700000000 ,v1=" KAT_POST,
		" t=1700000000,v1=" KAT_POST,
		"T=1700000000,v1=" KAT_POST,
		"t=1700000000,V1=" KAT_POST,
		"t=1700000000,v2=" KAT_POST,
		"t=-1700000000,v1=" KAT_POST,
		"t=+1700000000,v1=" KAT_POST,
		"t=1700000000.5,v1=" KAT_POST,
		"t=0x10,v1=" KAT_POST,
		"t=01700000000,v1=" KAT_POST,	/* leading zero */
		"t=1700000000,v1=" KAT_POST " ",
		"t=1700000000,v1=" KAT_POST "0",
		"t=1700000000,v1=" KAT_POST ",t=1",
		"t=1700000000,\tv1=" KAT_POST,
		/* 63 hex characters */
		"t=1700000000,v1=230135e37c350f0230031c66cbb20b11e01447458e6a60741fa2b6d6c8c88b7",
		/* 64 characters, one not hex */
		"t=1700000000,v1=230135e37c350f0230031c66cbb20b11e01447458e6a60741fa2b6d6c8c88b7g",
		"t=1700000000,v1=230135e37c350f0230031c66cbb20b11e01447458e6a60741fa2b6d6c8c88b7 ",
		/* base64 of something, not hex */
		"t=1700000000,v1=IwE1434MNQ8CMAMcZsuyCxHgFEdFjmpgdB+ittbIyLc=",
		/* t of 19 and of 40 digits: refused, never wrapped */
		"t=9223372036854775807,v1=" KAT_POST,
		"t=1000000000000000000,v1=" KAT_POST,
		"t=9999999999999999999999999999999999999999,v1=" KAT_POST,
	};
	int64_t t = 42;
	char v1[SIGN_HEX_LEN + 1] = "untouched";
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (sign_parse_header(bad[i], &t, v1) != -1)
			fail_msg("header accepted: \"%s\"", bad[i]);
		if (verify_post(bad[i], T0, "POST", URI, DEVICE, BODY) !=
		    SIGN_BAD_HEADER)
			fail_msg("verify did not say bad header: \"%s\"", bad[i]);
	}
	assert_int_equal(t, 42);
	assert_string_equal(v1, "untouched");
	assert_int_equal(sign_parse_header(NULL, &t, v1), -1);
	assert_int_equal(sign_verify(NULL, SECRET, T0, "POST", URI, DEVICE, BODY,
	    strlen(BODY), NULL), SIGN_BAD_HEADER);
}

static void
header_parser_returns_t_and_lower_case_signature(void **state)
{
	int64_t t = 0;
	char v1[SIGN_HEX_LEN + 1];

	(void)state;
	assert_int_equal(sign_parse_header("t=0,v1=" KAT_POST, &t, v1), 0);
	assert_int_equal(t, 0);
	assert_int_equal(sign_parse_header("t=999999999999999999,v1="
	    "ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789",
	    &t, v1), 0);
	assert_int_equal(t, 999999999999999999LL);
	assert_string_equal(v1,
	    "abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sha256_hex_matches_known_answers),
		cmocka_unit_test(compute_matches_openssl_cli_for_a_post),
		cmocka_unit_test(compute_is_right_after_any_other_key),
		cmocka_unit_test(compute_matches_openssl_cli_for_a_get_without_body),
		cmocka_unit_test(compute_signs_a_long_uri_whole),
		cmocka_unit_test(compute_refuses_missing_parts),
		cmocka_unit_test(correct_signature_is_accepted_and_returned_as_replay_key),
		cmocka_unit_test(upper_case_hex_signature_is_accepted_and_returned_lower_case),
		cmocka_unit_test(spaces_after_the_comma_are_accepted),
		cmocka_unit_test(skew_of_exactly_300_seconds_is_accepted_both_ways),
		cmocka_unit_test(skew_of_301_seconds_is_expired_both_ways),
		cmocka_unit_test(expiry_is_checked_before_the_hmac),
		cmocka_unit_test(extreme_clock_values_do_not_overflow),
		cmocka_unit_test(one_character_change_in_uri_is_a_mismatch),
		cmocka_unit_test(one_character_change_in_method_is_a_mismatch),
		cmocka_unit_test(one_character_change_in_body_is_a_mismatch),
		cmocka_unit_test(one_character_change_in_device_is_a_mismatch),
		cmocka_unit_test(change_in_timestamp_or_secret_is_a_mismatch),
		cmocka_unit_test(one_flipped_hex_digit_is_a_mismatch_and_leaves_v1_out_alone),
		cmocka_unit_test(missing_parts_at_verify_fail_closed),
		cmocka_unit_test(malformed_headers_are_bad_headers),
		cmocka_unit_test(header_parser_returns_t_and_lower_case_signature),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
