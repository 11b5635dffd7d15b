/*
 * Unit tests of lib/json.c: what json_parse adds to cJSON (UTF-8, embedded
 * NULs, trailing garbage, RFC 8259's grammar checked strictly before cJSON
 * sees the bytes, numbers a double cannot hold, the depth limit of that
 * scan, duplicate keys) and the typed readers (case-sensitive lookup,
 * cents, integers).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "json.h"

/* Parses a C string; the tree is freed unless the caller wants it. */
static int
parse_str(const char *s, int max_depth, cJSON **out)
{
	cJSON *root = NULL;
	int rc = json_parse(s, strlen(s), max_depth, &root, NULL, 0);

	if (rc != JSON_OK)
		assert_null(root);
	if (out != NULL)
		*out = root;
	else
		cJSON_Delete(root);
	return rc;
}

static int
utf8(const char *s, size_t n)
{
	return json_utf8_valid(s, n);
}

/* A string of n copies of open followed by n copies of close (heap). */
static char *
nested(size_t n, char open, char close)
{
	char *s = malloc(2 * n + 1);

	assert_non_null(s);
	memset(s, open, n);
	memset(s + n, close, n);
	s[2 * n] = '\0';
	return s;
}

/* ---- UTF-8 ---- */

static void
ascii_and_well_formed_multibyte_utf8_are_valid(void **state)
{
	(void)state;
	assert_true(utf8("hello", 5));
	assert_true(utf8("\xc3\xa9", 2));			/* U+00E9 */
	assert_true(utf8("\xe2\x82\xac", 3));			/* U+20AC */
	assert_true(utf8("\xf0\x9f\x98\x80", 4));		/* U+1F600 */
	assert_true(utf8("\xef\xbf\xbf", 3));			/* U+FFFF */
	assert_true(utf8("\xf4\x8f\xbf\xbf", 4));		/* U+10FFFF */
	assert_true(utf8("\xed\x9f\xbf", 3));			/* U+D7FF */
	assert_true(utf8("\xee\x80\x80", 3));			/* U+E000 */
}

static void
empty_buffer_is_valid_utf8_and_null_only_when_empty(void **state)
{
	(void)state;
	assert_true(utf8("", 0));
	assert_true(json_utf8_valid(NULL, 0));
	assert_false(json_utf8_valid(NULL, 1));
}

static void
overlong_encodings_are_rejected(void **state)
{
	(void)state;
	assert_false(utf8("\xc0\x80", 2));			/* NUL, 2 bytes */
	assert_false(utf8("\xc1\xbf", 2));
	assert_false(utf8("\xe0\x80\x80", 3));
	assert_false(utf8("\xe0\x9f\xbf", 3));
	assert_false(utf8("\xf0\x80\x80\x80", 4));
	assert_false(utf8("\xf0\x8f\xbf\xbf", 4));
}

static void
utf16_surrogates_encoded_in_utf8_are_rejected(void **state)
{
	(void)state;
	assert_false(utf8("\xed\xa0\x80", 3));			/* U+D800 */
	assert_false(utf8("\xed\xbf\xbf", 3));			/* U+DFFF */
	assert_false(utf8("\xed\xa0\xbd\xed\xb8\x80", 6));	/* CESU pair */
}

static void
code_points_above_10ffff_and_5_byte_forms_are_rejected(void **state)
{
	(void)state;
	assert_false(utf8("\xf4\x90\x80\x80", 4));		/* U+110000 */
	assert_false(utf8("\xf5\x80\x80\x80", 4));
	assert_false(utf8("\xf8\x88\x80\x80\x80", 5));		/* 5 bytes */
	assert_false(utf8("\xfc\x84\x80\x80\x80\x80", 6));	/* 6 bytes */
	assert_false(utf8("\xfe", 1));
	assert_false(utf8("\xff", 1));
}

static void
truncated_or_interrupted_sequences_are_rejected(void **state)
{
	(void)state;
	assert_false(utf8("\xe2\x82", 2));			/* ends early */
	assert_false(utf8("\xf0\x9f\x98", 3));
	assert_false(utf8("\xc3", 1));
	assert_false(utf8("\xe2\x82" "A", 3));			/* ASCII inside */
	assert_false(utf8("\x80", 1));				/* lone continuation */
	assert_false(utf8("a\xbf" "b", 3));
	/* length is honoured: a valid sequence cut by len is truncated */
	assert_false(utf8("\xe2\x82\xac", 2));
}

/* ---- json_parse: syntax, NUL, UTF-8 ---- */

static void
valid_object_is_parsed(void **state)
{
	cJSON *root;

	(void)state;
	assert_int_equal(parse_str("{\"name\":\"Caf\xc3\xa9\",\"n\":[1,2,{\"x\":null}]}",
	    JSON_MAX_DEPTH, &root), JSON_OK);
	assert_string_equal(json_get_string(root, "name"), "Caf\xc3\xa9");
	cJSON_Delete(root);
}

static void
top_level_scalar_is_accepted(void **state)
{
	(void)state;
	assert_int_equal(parse_str("42", JSON_MAX_DEPTH, NULL), JSON_OK);
	assert_int_equal(parse_str("\"x\"", JSON_MAX_DEPTH, NULL), JSON_OK);
	assert_int_equal(parse_str("null", JSON_MAX_DEPTH, NULL), JSON_OK);
}

static void
empty_and_blank_input_are_syntax_errors(void **state)
{
	cJSON *root = (cJSON *)&root;

	(void)state;
	assert_int_equal(json_parse("", 0, JSON_MAX_DEPTH, &root, NULL, 0),
	    JSON_ERR_SYNTAX);
	assert_int_equal(json_parse(NULL, 0, JSON_MAX_DEPTH, &root, NULL, 0),
	    JSON_ERR_SYNTAX);
	assert_int_equal(parse_str("   \n", JSON_MAX_DEPTH, NULL), JSON_ERR_SYNTAX);
}

static void
trailing_garbage_is_a_syntax_error(void **state)
{
	(void)state;
	assert_int_equal(parse_str("{} x", JSON_MAX_DEPTH, NULL), JSON_ERR_SYNTAX);
	assert_int_equal(parse_str("{}{}", JSON_MAX_DEPTH, NULL), JSON_ERR_SYNTAX);
	assert_int_equal(parse_str("[1],", JSON_MAX_DEPTH, NULL), JSON_ERR_SYNTAX);
	assert_int_equal(parse_str("{\"a\":1}}", JSON_MAX_DEPTH, NULL),
	    JSON_ERR_SYNTAX);
}

static void
trailing_whitespace_is_accepted(void **state)
{
	(void)state;
	assert_int_equal(parse_str("{}  \r\n\t", JSON_MAX_DEPTH, NULL), JSON_OK);
	assert_int_equal(parse_str("  [1]", JSON_MAX_DEPTH, NULL), JSON_OK);
}

static void
truncated_document_is_a_syntax_error(void **state)
{
	(void)state;
	assert_int_equal(parse_str("{\"a\":", JSON_MAX_DEPTH, NULL), JSON_ERR_SYNTAX);
	assert_int_equal(parse_str("{\"a\":\"x", JSON_MAX_DEPTH, NULL),
	    JSON_ERR_SYNTAX);
	assert_int_equal(parse_str("[1,2", JSON_MAX_DEPTH, NULL), JSON_ERR_SYNTAX);
}

static void
embedded_nul_byte_is_a_syntax_error(void **state)
{
	static const char body[] = "{\"a\":\"x\0y\"}";
	static const char after[] = "{\"a\":1}\0garbage";
	cJSON *root = NULL;

	(void)state;
	assert_int_equal(json_parse(body, sizeof(body) - 1, JSON_MAX_DEPTH, &root,
	    NULL, 0), JSON_ERR_SYNTAX);
	assert_null(root);
	/* a NUL would otherwise hide everything after it from cJSON */
	assert_int_equal(json_parse(after, sizeof(after) - 1, JSON_MAX_DEPTH,
	    &root, NULL, 0), JSON_ERR_SYNTAX);
	assert_null(root);
}

static void
escaped_nul_in_a_string_is_a_syntax_error(void **state)
{
	(void)state;
	/* cJSON would read "a\u0000b" as "a": refuse instead of truncating. */
	assert_int_equal(parse_str("{\"a\":\"a\\u0000b\"}", JSON_MAX_DEPTH, NULL),
	    JSON_ERR_SYNTAX);
	assert_int_equal(parse_str("{\"id\\u0000x\":1}", JSON_MAX_DEPTH, NULL),
	    JSON_ERR_SYNTAX);
	/* other escapes, and an escaped backslash before u0000, are fine */
	assert_int_equal(parse_str("{\"a\":\"\\u0001\\n\\\\u0000\"}",
	    JSON_MAX_DEPTH, NULL), JSON_OK);
}

static void
raw_control_character_in_a_string_is_a_syntax_error(void **state)
{
	(void)state;
	assert_int_equal(parse_str("{\"a\":\"line\nbreak\"}", JSON_MAX_DEPTH, NULL),
	    JSON_ERR_SYNTAX);
	assert_int_equal(parse_str("{\"a\":\"tab\there\"}", JSON_MAX_DEPTH, NULL),
	    JSON_ERR_SYNTAX);
}

static void
invalid_utf8_anywhere_is_a_utf8_error(void **state)
{
	(void)state;
	assert_int_equal(parse_str("{\"a\":\"\xc0\x80\"}", JSON_MAX_DEPTH, NULL),
	    JSON_ERR_UTF8);
	assert_int_equal(parse_str("{\"a\":\"\xed\xa0\x80\"}", JSON_MAX_DEPTH, NULL),
	    JSON_ERR_UTF8);
	assert_int_equal(parse_str("{\"\xf8\x88\x80\x80\x80\":1}", JSON_MAX_DEPTH,
	    NULL), JSON_ERR_UTF8);
	/* outside any string too, before cJSON sees it */
	assert_int_equal(parse_str("{} \xff", JSON_MAX_DEPTH, NULL), JSON_ERR_UTF8);
}

static void
unterminated_buffer_is_read_within_its_length(void **state)
{
	static const char doc[] = "{\"a\":[1,2]}";
	size_t n = sizeof(doc) - 1;
	char *exact = malloc(n);	/* no NUL: ASan catches any overread */
	cJSON *root = NULL;

	(void)state;
	assert_non_null(exact);
	memcpy(exact, doc, n);
	assert_int_equal(json_parse(exact, n, JSON_MAX_DEPTH, &root, NULL, 0),
	    JSON_OK);
	assert_int_equal(cJSON_GetArraySize(json_get(root, "a")), 2);
	cJSON_Delete(root);
	/* bytes beyond len are not part of the document */
	assert_int_equal(json_parse("{\"a\":1}GARBAGE", 7, JSON_MAX_DEPTH, &root,
	    NULL, 0), JSON_OK);
	cJSON_Delete(root);
	free(exact);
}

static void
output_pointer_is_null_on_every_error(void **state)
{
	cJSON *root = (cJSON *)&root;

	(void)state;
	assert_int_equal(json_parse("{", 1, JSON_MAX_DEPTH, &root, NULL, 0),
	    JSON_ERR_SYNTAX);
	assert_null(root);
	root = (cJSON *)&root;
	assert_int_equal(json_parse("[[", 2, 1, &root, NULL, 0), JSON_ERR_DEPTH);
	assert_null(root);
}

/* ---- RFC 8259 grammar, checked before cJSON ---- */

/* Each document of docs (NULL-terminated) is refused with rc. */
static void
assert_each_refused(const char *const *docs, int rc)
{
	int got;

	for (; *docs != NULL; docs++) {
		got = parse_str(*docs, JSON_MAX_DEPTH, NULL);
		if (got != rc)
			print_message("%s: %d, expected %d\n", *docs, got, rc);
		assert_int_equal(got, rc);
	}
}

/* The first item of the array document s, which must parse; heap copy
   of its string value. */
static char *
first_string(const char *s)
{
	cJSON *root = NULL;
	char *v;

	assert_int_equal(parse_str(s, JSON_MAX_DEPTH, &root), JSON_OK);
	assert_true(cJSON_IsString(cJSON_GetArrayItem(root, 0)));
	v = strdup(cJSON_GetArrayItem(root, 0)->valuestring);
	assert_non_null(v);
	cJSON_Delete(root);
	return v;
}

/* The first item of the array document s, which must parse, as a double. */
static double
first_number(const char *s)
{
	cJSON *root = NULL;
	double d;

	assert_int_equal(parse_str(s, JSON_MAX_DEPTH, &root), JSON_OK);
	assert_true(cJSON_IsNumber(cJSON_GetArrayItem(root, 0)));
	d = cJSON_GetArrayItem(root, 0)->valuedouble;
	cJSON_Delete(root);
	return d;
}

static void
json_refuses_bad_unicode_escape(void **state)
{
	static const char *const bad[] = {
		"{\"name\":\"a\\uZZZZb\"}",	/* cJSON stored "a" */
		"{\"name\":\"a\\u12zzb\"}",
		"{\"name\":\"a\\u12\"}",
		"{\"name\":\"a\\u\"}",
		"[\"\\u00e\"]",
		"[\"\\u-123\"]",
		"[\"\\u 123\"]",
		"{\"k\\uZZZZ\":1}",		/* in a key too */
		"[\"\\u00",			/* cut inside the escape */
		NULL
	};

	(void)state;
	assert_each_refused(bad, JSON_ERR_SYNTAX);
}

static void
json_refuses_escapes_rfc_8259_does_not_list(void **state)
{
	static const char *const bad[] = {
		"[\"\\x41\"]", "[\"\\'\"]", "[\"\\a\"]", "[\"\\0\"]",
		"[\"\\U00e9\"]", "[\"\\ \"]", "[\"\\e\"]", "[\"\\v\"]",
		"[\"\\\xc3\xa9\"]",		/* backslash before a non-ASCII */
		"[\"ab\\",			/* backslash at the very end */
		NULL
	};

	(void)state;
	assert_each_refused(bad, JSON_ERR_SYNTAX);
}

static void
json_accepts_every_escape_rfc_8259_lists(void **state)
{
	char *v;

	(void)state;
	v = first_string("[\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"]");
	assert_string_equal(v, "\"\\/\b\f\n\r\t");
	free(v);
	v = first_string("[\"a\\u00e9b\\u00E9\\u20AC\"]");	/* either case */
	assert_string_equal(v, "a\xc3\xa9" "b\xc3\xa9\xe2\x82\xac");
	free(v);
	v = first_string("[\"\\ud83d\\ude00\\uDBFF\\uDFFF\"]");	/* pairs */
	assert_string_equal(v, "\xf0\x9f\x98\x80\xf4\x8f\xbf\xbf");
	free(v);
	v = first_string("[\"\\u0001\\uffff\"]");
	assert_string_equal(v, "\x01\xef\xbf\xbf");
	free(v);
}

static void
json_refuses_lone_surrogate_escapes(void **state)
{
	/* Decided: a surrogate that is not half of a pair names no character
	   and could only be stored as invalid UTF-8, so it is bad UTF-8. */
	static const char *const lone[] = {
		"[\"\\udc00\"]",		/* low half alone */
		"[\"\\ud800\"]",		/* high half at the end */
		"[\"\\ud800x\"]",		/* high half, then a letter */
		"[\"\\ud800\\n\"]",		/* high half, then another escape */
		"[\"\\ud800\\u0041\"]",		/* high half, then no low half */
		"[\"\\ud800\\ud800\"]",		/* two high halves */
		"[\"\\ude00\\ud83d\"]",		/* a pair in the wrong order */
		"{\"\\udfff\":1}",
		NULL
	};
	static const char *const bad_hex[] = {
		"[\"\\ud800\\uZZZZ\"]",		/* and the second escape's hex */
		NULL
	};

	(void)state;
	assert_each_refused(lone, JSON_ERR_UTF8);
	assert_each_refused(bad_hex, JSON_ERR_SYNTAX);
}

static void
json_refuses_numbers_with_leading_zeros(void **state)
{
	static const char *const bad[] = {
		"{\"budget\":01}", "[00]", "[-01]", "[-00]", "[012.5]",
		"[00e1]", "[0123]", NULL
	};

	(void)state;
	assert_each_refused(bad, JSON_ERR_SYNTAX);
}

static void
json_refuses_numbers_without_digits_around_point_or_exponent(void **state)
{
	static const char *const bad[] = {
		"{\"budget\":1.}", "[-.5]", "[.5]", "[1.e5]", "[1e]", "[1e+]",
		"[1E-]", "[1.5.2]", "[1e5e5]", "[1e5.5]", "[+1]", "[-]",
		"[--1]", "[-a]", "[0x10]", "[Infinity]", "[-Infinity]",
		"[NaN]", "[1_000]", "-", "1.", NULL
	};

	(void)state;
	assert_each_refused(bad, JSON_ERR_SYNTAX);
}

static void
json_accepts_every_number_form_of_the_grammar(void **state)
{
	(void)state;
	assert_true(first_number("[0]") == 0);
	assert_true(first_number("[-0]") == 0);
	assert_true(first_number("[0.0]") == 0);
	assert_true(first_number("[-0.5]") == -0.5);
	assert_true(first_number("[10.25e-2]") == 0.1025);
	assert_true(first_number("[1e5]") == 1e5);
	assert_true(first_number("[1E+5]") == 1e5);
	assert_true(first_number("[1e-5]") == 1e-5);
	assert_true(first_number("[123456789]") == 123456789);
	assert_true(first_number("[-0e0]") == 0);
	assert_true(first_number("[1.7976931348623157e308]") ==
	    1.7976931348623157e308);
	assert_int_equal(parse_str("12", JSON_MAX_DEPTH, NULL), JSON_OK);
	assert_int_equal(parse_str("-0.5e+0", JSON_MAX_DEPTH, NULL), JSON_OK);
}

static void
json_refuses_a_number_that_overflows_to_infinity(void **state)
{
	static const char *const huge[] = {
		"{\"budget\":1e999}", "[-1e999]", "[1.8e308]", "[1e309]",
		"[1e99999999999999999999]", "1e400", NULL
	};

	(void)state;
	assert_each_refused(huge, JSON_ERR_RANGE);
}

static void
json_refuses_a_number_that_underflows_to_zero(void **state)
{
	static const char *const tiny[] = {
		"{\"budget\":1e-999}", "[-1e-999]", "[2e-324]", "[0.1e-400]",
		"[0.0001e-99999999999999999999]", "1e-400", NULL
	};

	(void)state;
	assert_each_refused(tiny, JSON_ERR_RANGE);
	/* zero written with any exponent is zero, and no underflow */
	assert_true(first_number("[0e-999]") == 0);
	assert_true(first_number("[-0.000e-400]") == 0);
	assert_true(first_number("[0E99999]") == 0);
	/* the smallest denormal is still the number sent, rounded */
	assert_true(first_number("[5e-324]") > 0);
	assert_true(first_number("[-4.9406564584124654e-324]") < 0);
}

static void
json_refuses_a_byte_order_mark(void **state)
{
	static const char *const bad[] = {
		"\xef\xbb\xbf{}", "\xef\xbb\xbf{\"name\":\"x\"}", " \xef\xbb\xbf[]",
		"[]\xef\xbb\xbf", NULL
	};
	char *v;

	(void)state;
	assert_each_refused(bad, JSON_ERR_SYNTAX);
	/* U+FEFF inside a string is only a character */
	v = first_string("[\"\xef\xbb\xbf\"]");
	assert_string_equal(v, "\xef\xbb\xbf");
	free(v);
}

static void
json_refuses_blanks_other_than_space_tab_cr_lf(void **state)
{
	static const char *const bad[] = {
		"\x0b[1]", "[1,\x0c" "2]", "\x01{}", "[1]\x1f", "{\"a\"\x0b:1}",
		"\xc2\xa0[1]",			/* U+00A0, no-break space */
		"[1,\xe2\x80\x83" "2]",		/* U+2003, em space */
		NULL
	};

	(void)state;
	assert_each_refused(bad, JSON_ERR_SYNTAX);
	assert_int_equal(parse_str(" \t\r\n[ 1 ,\t2\r\n]\n", JSON_MAX_DEPTH,
	    NULL), JSON_OK);
}

static void
json_refuses_literals_other_than_true_false_null(void **state)
{
	static const char *const bad[] = {
		"[tru]", "[True]", "[NULL]", "[nulll]", "[undefined]",
		"[truefalse]", "[t]", "nul", "[falsee]", "[none]", NULL
	};
	cJSON *root = NULL;

	(void)state;
	assert_each_refused(bad, JSON_ERR_SYNTAX);
	assert_int_equal(parse_str("[true,false,null]", JSON_MAX_DEPTH, &root),
	    JSON_OK);
	assert_true(cJSON_IsTrue(cJSON_GetArrayItem(root, 0)));
	assert_true(cJSON_IsFalse(cJSON_GetArrayItem(root, 1)));
	assert_true(cJSON_IsNull(cJSON_GetArrayItem(root, 2)));
	cJSON_Delete(root);
}

static void
json_refuses_missing_extra_or_misplaced_separators(void **state)
{
	static const char *const bad[] = {
		"[1 2]", "[1,]", "[,1]", "[,]", "{\"a\":1,}", "{,}",
		"{\"a\" 1}", "{\"a\":1 \"b\":2}", "{\"a\"}", "{\"a\":}",
		"{\"a\"::1}", "[1:2]", "{1:2}", "{'a':1}", "{a:1}", "[1,,2]",
		"{\"a\":1,,\"b\":2}", "[\"a\":1]", NULL
	};

	(void)state;
	assert_each_refused(bad, JSON_ERR_SYNTAX);
}

static void
json_refuses_a_close_that_does_not_match_its_open(void **state)
{
	static const char *const bad[] = {
		"[}", "{]", "[{]}", "{\"a\":[}]", "]", "}", "[]]", "{}}",
		"[[]", NULL
	};

	(void)state;
	assert_each_refused(bad, JSON_ERR_SYNTAX);
	assert_int_equal(parse_str("[{\"a\":[{}]},[[]],{}]", JSON_MAX_DEPTH,
	    NULL), JSON_OK);
}

/* ---- depth ---- */

static void
top_level_scalar_has_depth_zero(void **state)
{
	(void)state;
	assert_int_equal(parse_str("1", 0, NULL), JSON_OK);
	assert_int_equal(parse_str("[]", 0, NULL), JSON_ERR_DEPTH);
	assert_int_equal(parse_str("{}", 1, NULL), JSON_OK);
	assert_int_equal(parse_str("{\"a\":{}}", 1, NULL), JSON_ERR_DEPTH);
	assert_int_equal(parse_str("{\"a\":{}}", 2, NULL), JSON_OK);
}

static void
depth_exactly_at_the_limit_is_accepted(void **state)
{
	char *s = nested(JSON_MAX_DEPTH, '[', ']');

	(void)state;
	assert_int_equal(parse_str(s, JSON_MAX_DEPTH, NULL), JSON_OK);
	free(s);
}

static void
depth_one_over_the_limit_is_rejected(void **state)
{
	char *s = nested(JSON_MAX_DEPTH + 1, '[', ']');

	(void)state;
	assert_int_equal(parse_str(s, JSON_MAX_DEPTH, NULL), JSON_ERR_DEPTH);
	free(s);
}

static void
nested_objects_count_like_arrays(void **state)
{
	char buf[4096] = "";
	int i;

	(void)state;
	/* {"a":{"a":...{}...}} with 32 then 33 objects */
	for (i = 0; i < JSON_MAX_DEPTH - 1; i++)
		strcat(buf, "{\"a\":");
	strcat(buf, "{}");
	for (i = 0; i < JSON_MAX_DEPTH - 1; i++)
		strcat(buf, "}");
	assert_int_equal(parse_str(buf, JSON_MAX_DEPTH, NULL), JSON_OK);
	memmove(buf + 5, buf, strlen(buf) + 1);
	memcpy(buf, "{\"a\":", 5);
	strcat(buf, "}");
	assert_int_equal(parse_str(buf, JSON_MAX_DEPTH, NULL), JSON_ERR_DEPTH);
}

static void
brackets_inside_strings_do_not_count_as_depth(void **state)
{
	(void)state;
	assert_int_equal(parse_str("{\"a\":\"[[[[{{{{\"}", 1, NULL), JSON_OK);
	/* an escaped quote does not end the string early */
	assert_int_equal(parse_str("{\"a\":\"\\\"[[[[\"}", 1, NULL), JSON_OK);
	assert_int_equal(parse_str("{\"[[[[\":\"\\\\\"}", 1, NULL), JSON_OK);
}

static void
hundred_thousand_open_brackets_fail_fast_without_recursion(void **state)
{
	size_t n = 100000;
	char *s = malloc(n);
	cJSON *root = NULL;
	clock_t t0;

	(void)state;
	assert_non_null(s);
	memset(s, '[', n);
	t0 = clock();
	assert_int_equal(json_parse(s, n, JSON_MAX_DEPTH, &root, NULL, 0),
	    JSON_ERR_DEPTH);
	assert_null(root);
	/* the pre-scan stops at depth 33: far under a second even under ASan */
	assert_true(clock() - t0 < CLOCKS_PER_SEC);
	free(s);
}

static void
cjson_nesting_limit_still_applies_above_our_limit(void **state)
{
	char *s = nested(100000, '[', ']');

	(void)state;
	/* a caller's limit above cJSON's 1000 ends in cJSON's refusal, not a crash */
	assert_int_equal(parse_str(s, 200000, NULL), JSON_ERR_SYNTAX);
	free(s);
}

/* ---- duplicate keys ---- */

static void
duplicate_top_level_key_is_rejected_and_named(void **state)
{
	char key[32];
	cJSON *root = (cJSON *)&root;
	const char *s = "{\"amount\":1,\"other\":2,\"amount\":3}";

	(void)state;
	assert_int_equal(json_parse(s, strlen(s), JSON_MAX_DEPTH, &root, key,
	    sizeof(key)), JSON_ERR_DUPKEY);
	assert_null(root);
	assert_string_equal(key, "amount");
}

static void
duplicate_key_in_nested_object_is_rejected(void **state)
{
	char key[32];
	cJSON *root = NULL;
	const char *s = "{\"a\":{\"b\":{\"x\":1,\"x\":2}}}";

	(void)state;
	assert_int_equal(json_parse(s, strlen(s), JSON_MAX_DEPTH, &root, key,
	    sizeof(key)), JSON_ERR_DUPKEY);
	assert_string_equal(key, "x");
}

static void
duplicate_key_in_object_inside_array_of_objects_is_rejected(void **state)
{
	char key[32];
	cJSON *root = NULL;
	const char *s = "{\"installments\":[{\"amountCents\":\"1\",\"date\":\"x\"},"
	    "{\"amountCents\":\"2\",\"amountCents\":\"3\"}]}";

	(void)state;
	assert_int_equal(json_parse(s, strlen(s), JSON_MAX_DEPTH, &root, key,
	    sizeof(key)), JSON_ERR_DUPKEY);
	assert_string_equal(key, "amountCents");
	assert_int_equal(parse_str("[[{\"k\":1}],[{\"k\":1,\"k\":1}]]",
	    JSON_MAX_DEPTH, NULL), JSON_ERR_DUPKEY);
}

static void
same_key_in_sibling_objects_is_not_a_duplicate(void **state)
{
	(void)state;
	assert_int_equal(parse_str("[{\"k\":1},{\"k\":2}]", JSON_MAX_DEPTH, NULL),
	    JSON_OK);
	assert_int_equal(parse_str("{\"k\":{\"k\":{\"k\":1}}}", JSON_MAX_DEPTH, NULL),
	    JSON_OK);
}

static void
keys_differing_only_in_case_are_not_duplicates(void **state)
{
	(void)state;
	assert_int_equal(parse_str("{\"id\":1,\"ID\":2,\"Id\":3}", JSON_MAX_DEPTH,
	    NULL), JSON_OK);
}

static void
duplicate_key_in_large_object_is_found(void **state)
{
	char buf[8192] = "{";
	char key[32];
	cJSON *root = NULL;
	int i;

	(void)state;
	for (i = 0; i < 200; i++)
		sprintf(buf + strlen(buf), "\"k%d\":%d,", i, i);
	strcat(buf, "\"k137\":0}");
	assert_int_equal(json_parse(buf, strlen(buf), JSON_MAX_DEPTH, &root, key,
	    sizeof(key)), JSON_ERR_DUPKEY);
	assert_string_equal(key, "k137");
	/* and the same object without the repeat is fine */
	buf[strlen(buf) - strlen(",\"k137\":0}")] = '\0';
	strcat(buf, "}");
	assert_int_equal(parse_str(buf, JSON_MAX_DEPTH, NULL), JSON_OK);
}

static void
duplicate_key_report_is_truncated_to_the_buffer(void **state)
{
	char key[4];
	cJSON *root = NULL;
	const char *s = "{\"abcdefgh\":1,\"abcdefgh\":2}";

	(void)state;
	assert_int_equal(json_parse(s, strlen(s), JSON_MAX_DEPTH, &root, key,
	    sizeof(key)), JSON_ERR_DUPKEY);
	assert_string_equal(key, "abc");
	/* and the buffer is optional */
	assert_int_equal(json_parse(s, strlen(s), JSON_MAX_DEPTH, &root, NULL, 0),
	    JSON_ERR_DUPKEY);
}

/* ---- readers ---- */

static void
member_lookup_is_case_sensitive(void **state)
{
	cJSON *root;

	(void)state;
	assert_int_equal(parse_str("{\"amountCents\":\"5\"}", JSON_MAX_DEPTH, &root),
	    JSON_OK);
	assert_non_null(json_get(root, "amountCents"));
	assert_null(json_get(root, "amountcents"));
	assert_null(json_get(root, "AMOUNTCENTS"));
	assert_null(json_get_string(root, "amountcents"));
	assert_true(json_is_absent(root, "amountcents"));
	cJSON_Delete(root);
}

static void
null_member_is_returned_by_get_and_counts_as_absent(void **state)
{
	cJSON *root;

	(void)state;
	assert_int_equal(parse_str("{\"a\":null,\"b\":5,\"c\":\"s\"}",
	    JSON_MAX_DEPTH, &root), JSON_OK);
	assert_true(cJSON_IsNull(json_get(root, "a")));
	assert_true(json_is_absent(root, "a"));
	assert_true(json_is_absent(root, "zz"));
	assert_false(json_is_absent(root, "b"));
	assert_null(json_get_string(root, "a"));
	assert_null(json_get_string(root, "b"));	/* not a string */
	assert_string_equal(json_get_string(root, "c"), "s");
	cJSON_Delete(root);
}

static void
lookup_on_null_or_non_object_finds_nothing(void **state)
{
	cJSON *root;

	(void)state;
	assert_null(json_get(NULL, "a"));
	assert_true(json_is_absent(NULL, "a"));
	assert_int_equal(parse_str("[1,2]", JSON_MAX_DEPTH, &root), JSON_OK);
	assert_null(json_get(root, "a"));
	assert_null(json_get(root, NULL));
	cJSON_Delete(root);
}

/* A reader over one cJSON item, for reader_of_inf. */
typedef int (*reader_fn)(const cJSON *item, int64_t *out);

static int
json_cents_one(const cJSON *item, int64_t *out)
{
	return json_cents(item, out);
}

static int
json_int_in_any(const cJSON *item, int64_t *out)
{
	return json_int_in(item, INT64_MIN, INT64_MAX, out);
}

/* reader over +inf and then -inf: -1 when it refused both, else 0. */
static int
reader_of_inf(reader_fn reader, int64_t *out)
{
	cJSON *pos = cJSON_CreateNumber(HUGE_VAL);
	cJSON *neg = cJSON_CreateNumber(-HUGE_VAL);
	int rc;

	assert_non_null(pos);
	assert_non_null(neg);
	rc = reader(pos, out) == -1 && reader(neg, out) == -1 ? -1 : 0;
	cJSON_Delete(pos);
	cJSON_Delete(neg);
	return rc;
}

/* json_cents over a one-value document "[value]". */
static int
cents_of(const char *value, int64_t *out)
{
	char buf[128];
	cJSON *root;
	int rc;

	snprintf(buf, sizeof(buf), "[%s]", value);
	assert_int_equal(parse_str(buf, JSON_MAX_DEPTH, &root), JSON_OK);
	rc = json_cents(cJSON_GetArrayItem(root, 0), out);
	cJSON_Delete(root);
	return rc;
}

static void
cents_accepts_digit_strings_of_1_to_18_digits(void **state)
{
	int64_t c = -7;

	(void)state;
	assert_int_equal(cents_of("\"0\"", &c), 0);
	assert_int_equal(c, 0);
	assert_int_equal(cents_of("\"5000\"", &c), 0);
	assert_int_equal(c, 5000);
	assert_int_equal(cents_of("\"000000000000000001\"", &c), 0);
	assert_int_equal(c, 1);
	assert_int_equal(cents_of("\"999999999999999999\"", &c), 0);
	assert_int_equal(c, 999999999999999999LL);
}

static void
cents_rejects_malformed_digit_strings(void **state)
{
	int64_t c = -7;

	(void)state;
	assert_int_equal(cents_of("\"1000000000000000000\"", &c), -1);	/* 19 */
	assert_int_equal(cents_of("\"\"", &c), -1);
	assert_int_equal(cents_of("\"-1\"", &c), -1);
	assert_int_equal(cents_of("\"+1\"", &c), -1);
	assert_int_equal(cents_of("\"1.5\"", &c), -1);
	assert_int_equal(cents_of("\" 1\"", &c), -1);
	assert_int_equal(cents_of("\"1 \"", &c), -1);
	assert_int_equal(cents_of("\"1e3\"", &c), -1);
	assert_int_equal(cents_of("\"0x10\"", &c), -1);
	assert_int_equal(cents_of("\"\xd9\xa1\"", &c), -1);	/* Arabic-Indic 1 */
	assert_int_equal(c, -7);
}

static void
cents_accepts_integral_numbers_up_to_2_pow_53_minus_1(void **state)
{
	int64_t c = -7;

	(void)state;
	assert_int_equal(cents_of("0", &c), 0);
	assert_int_equal(c, 0);
	assert_int_equal(cents_of("5000", &c), 0);
	assert_int_equal(c, 5000);
	assert_int_equal(cents_of("1.0", &c), 0);	/* integral value */
	assert_int_equal(c, 1);
	assert_int_equal(cents_of("9007199254740991", &c), 0);
	assert_int_equal(c, 9007199254740991LL);
}

static void
cents_rejects_negative_fractional_huge_and_non_numbers(void **state)
{
	int64_t c = -7;

	(void)state;
	assert_int_equal(cents_of("9007199254740992", &c), -1);
	assert_int_equal(cents_of("-1", &c), -1);
	assert_int_equal(cents_of("1.5", &c), -1);
	assert_int_equal(cents_of("1e300", &c), -1);
	assert_int_equal(cents_of("true", &c), -1);
	assert_int_equal(cents_of("null", &c), -1);
	assert_int_equal(cents_of("{}", &c), -1);
	assert_int_equal(cents_of("[]", &c), -1);
	assert_int_equal(c, -7);
	assert_int_equal(json_cents(NULL, &c), -1);
	/* json_parse refuses 1e999; a tree built in code may still hold inf */
	assert_int_equal(reader_of_inf(json_cents_one, &c), -1);
	assert_int_equal(c, -7);
}

static int
int_of(const char *value, int64_t min, int64_t max, int64_t *out)
{
	char buf[128];
	cJSON *root;
	int rc;

	snprintf(buf, sizeof(buf), "[%s]", value);
	assert_int_equal(parse_str(buf, JSON_MAX_DEPTH, &root), JSON_OK);
	rc = json_int_in(cJSON_GetArrayItem(root, 0), min, max, out);
	cJSON_Delete(root);
	return rc;
}

static void
int_in_accepts_integral_numbers_within_bounds_inclusive(void **state)
{
	int64_t v = 0;

	(void)state;
	assert_int_equal(int_of("1", 1, 1000, &v), 0);
	assert_int_equal(v, 1);
	assert_int_equal(int_of("1000", 1, 1000, &v), 0);
	assert_int_equal(v, 1000);
	assert_int_equal(int_of("-5", -5, 0, &v), 0);
	assert_int_equal(v, -5);
	assert_int_equal(int_of("2.0", 1, 3, &v), 0);
	assert_int_equal(v, 2);
}

static void
int_in_rejects_out_of_bounds_fractional_and_non_numbers(void **state)
{
	int64_t v = 77;

	(void)state;
	assert_int_equal(int_of("0", 1, 1000, &v), -1);
	assert_int_equal(int_of("1001", 1, 1000, &v), -1);
	assert_int_equal(int_of("1.5", 1, 1000, &v), -1);
	assert_int_equal(int_of("\"5\"", 1, 1000, &v), -1);
	assert_int_equal(int_of("true", 0, 1, &v), -1);
	assert_int_equal(int_of("null", 0, 1, &v), -1);
	assert_int_equal(reader_of_inf(json_int_in_any, &v), -1);
	assert_int_equal(v, 77);
	assert_int_equal(json_int_in(NULL, 0, 1, &v), -1);
}

static void
int_in_rejects_integers_a_double_cannot_hold_exactly(void **state)
{
	int64_t v = 0;

	(void)state;
	assert_int_equal(int_of("9007199254740991", INT64_MIN, INT64_MAX, &v), 0);
	/* 9007199254740993 arrives as ...992: refuse rather than misread */
	assert_int_equal(int_of("9007199254740993", INT64_MIN, INT64_MAX, &v), -1);
	assert_int_equal(int_of("9223372036854775808", INT64_MIN, INT64_MAX, &v),
	    -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ascii_and_well_formed_multibyte_utf8_are_valid),
		cmocka_unit_test(empty_buffer_is_valid_utf8_and_null_only_when_empty),
		cmocka_unit_test(overlong_encodings_are_rejected),
		cmocka_unit_test(utf16_surrogates_encoded_in_utf8_are_rejected),
		cmocka_unit_test(code_points_above_10ffff_and_5_byte_forms_are_rejected),
		cmocka_unit_test(truncated_or_interrupted_sequences_are_rejected),
		cmocka_unit_test(valid_object_is_parsed),
		cmocka_unit_test(top_level_scalar_is_accepted),
		cmocka_unit_test(empty_and_blank_input_are_syntax_errors),
		cmocka_unit_test(trailing_garbage_is_a_syntax_error),
		cmocka_unit_test(trailing_whitespace_is_accepted),
		cmocka_unit_test(truncated_document_is_a_syntax_error),
		cmocka_unit_test(embedded_nul_byte_is_a_syntax_error),
		cmocka_unit_test(escaped_nul_in_a_string_is_a_syntax_error),
		cmocka_unit_test(raw_control_character_in_a_string_is_a_syntax_error),
		cmocka_unit_test(invalid_utf8_anywhere_is_a_utf8_error),
		cmocka_unit_test(unterminated_buffer_is_read_within_its_length),
		cmocka_unit_test(output_pointer_is_null_on_every_error),
		cmocka_unit_test(json_refuses_bad_unicode_escape),
		cmocka_unit_test(json_refuses_escapes_rfc_8259_does_not_list),
		cmocka_unit_test(json_accepts_every_escape_rfc_8259_lists),
		cmocka_unit_test(json_refuses_lone_surrogate_escapes),
		cmocka_unit_test(json_refuses_numbers_with_leading_zeros),
		cmocka_unit_test(json_refuses_numbers_without_digits_around_point_or_exponent),
		cmocka_unit_test(json_accepts_every_number_form_of_the_grammar),
		cmocka_unit_test(json_refuses_a_number_that_overflows_to_infinity),
		cmocka_unit_test(json_refuses_a_number_that_underflows_to_zero),
		cmocka_unit_test(json_refuses_a_byte_order_mark),
		cmocka_unit_test(json_refuses_blanks_other_than_space_tab_cr_lf),
		cmocka_unit_test(json_refuses_literals_other_than_true_false_null),
		cmocka_unit_test(json_refuses_missing_extra_or_misplaced_separators),
		cmocka_unit_test(json_refuses_a_close_that_does_not_match_its_open),
		cmocka_unit_test(top_level_scalar_has_depth_zero),
		cmocka_unit_test(depth_exactly_at_the_limit_is_accepted),
		cmocka_unit_test(depth_one_over_the_limit_is_rejected),
		cmocka_unit_test(nested_objects_count_like_arrays),
		cmocka_unit_test(brackets_inside_strings_do_not_count_as_depth),
		cmocka_unit_test(hundred_thousand_open_brackets_fail_fast_without_recursion),
		cmocka_unit_test(cjson_nesting_limit_still_applies_above_our_limit),
		cmocka_unit_test(duplicate_top_level_key_is_rejected_and_named),
		cmocka_unit_test(duplicate_key_in_nested_object_is_rejected),
		cmocka_unit_test(duplicate_key_in_object_inside_array_of_objects_is_rejected),
		cmocka_unit_test(same_key_in_sibling_objects_is_not_a_duplicate),
		cmocka_unit_test(keys_differing_only_in_case_are_not_duplicates),
		cmocka_unit_test(duplicate_key_in_large_object_is_found),
		cmocka_unit_test(duplicate_key_report_is_truncated_to_the_buffer),
		cmocka_unit_test(member_lookup_is_case_sensitive),
		cmocka_unit_test(null_member_is_returned_by_get_and_counts_as_absent),
		cmocka_unit_test(lookup_on_null_or_non_object_finds_nothing),
		cmocka_unit_test(cents_accepts_digit_strings_of_1_to_18_digits),
		cmocka_unit_test(cents_rejects_malformed_digit_strings),
		cmocka_unit_test(cents_accepts_integral_numbers_up_to_2_pow_53_minus_1),
		cmocka_unit_test(cents_rejects_negative_fractional_huge_and_non_numbers),
		cmocka_unit_test(int_in_accepts_integral_numbers_within_bounds_inclusive),
		cmocka_unit_test(int_in_rejects_out_of_bounds_fractional_and_non_numbers),
		cmocka_unit_test(int_in_rejects_integers_a_double_cannot_hold_exactly),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
