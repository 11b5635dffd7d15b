/*
 * Unit tests of lib/write.c's pure parts: which Idempotency-Key values are
 * well formed (SPEC 2.1: 1 to 255 visible ASCII characters), and the
 * refusal helper.  The write path itself (transaction, retries, replay)
 * is proven through the real stack in tests/integration/test_write_path.c.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "validate.h"
#include "write.h"

static void
idempotency_keys_of_1_to_255_visible_ascii_are_accepted(void **state)
{
	char key[256];

	(void)state;
	assert_true(write_idempotency_key_valid("a"));
	assert_true(write_idempotency_key_valid(
	    "4f1c2d0e-7b9a-4c3e-9f00-0123456789ab"));
	assert_true(write_idempotency_key_valid("!~{}[]\"\\"));
	memset(key, 'k', 255);
	key[255] = '\0';
	assert_true(write_idempotency_key_valid(key));
}

static void
idempotency_keys_empty_too_long_or_with_spaces_are_refused(void **state)
{
	char key[257];

	(void)state;
	assert_false(write_idempotency_key_valid(NULL));
	assert_false(write_idempotency_key_valid(""));
	assert_false(write_idempotency_key_valid("two words"));
	assert_false(write_idempotency_key_valid("tab\there"));
	assert_false(write_idempotency_key_valid("caf\xc3\xa9"));
	assert_false(write_idempotency_key_valid("del\x7f"));
	memset(key, 'k', 256);
	key[256] = '\0';
	assert_false(write_idempotency_key_valid(key));
}

static void
write_refuse_names_the_code_and_formats_the_message(void **state)
{
	struct write_refusal why;

	(void)state;
	assert_int_equal(write_refuse(&why, "UNIT_ALREADY_BLOCKED", NULL),
	    WRITE_REFUSED);
	assert_string_equal(why.code, "UNIT_ALREADY_BLOCKED");
	assert_string_equal(why.message, "");
	assert_int_equal(write_refuse(&why, "REFERENCE_NOT_FOUND",
	    "%s not found: %s", "Asset", "x"), WRITE_REFUSED);
	assert_string_equal(why.message, "Asset not found: x");
}

/* A 400 found by the write carries its issues; a later write_refuse on
   the same struct (an uninitialised one too) answers its own code. */
static void
write_refuse_invalid_carries_the_issues_and_write_refuse_drops_them(
    void **state)
{
	struct write_refusal why;
	struct validation v;

	(void)state;
	memset(&v, 0, sizeof(v));
	memset(&why, 0xa5, sizeof(why));	/* as a stack struct may be */
	validation_add(&v, "checkInDate", REASON_IN_PAST);
	assert_int_equal(write_refuse_invalid(&why, &v), WRITE_REFUSED);
	assert_string_equal(why.code, "VALIDATION_FAILED");
	assert_ptr_equal(why.invalid, &v);
	memset(&why, 0xa5, sizeof(why));
	assert_int_equal(write_refuse(&why, "ALLOTMENT_NOT_BOOKABLE", NULL),
	    WRITE_REFUSED);
	assert_null(why.invalid);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(idempotency_keys_of_1_to_255_visible_ascii_are_accepted),
		cmocka_unit_test(idempotency_keys_empty_too_long_or_with_spaces_are_refused),
		cmocka_unit_test(write_refuse_names_the_code_and_formats_the_message),
		cmocka_unit_test(write_refuse_invalid_carries_the_issues_and_write_refuse_drops_them),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
