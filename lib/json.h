/*
 * json: parsing of untrusted request bodies with cJSON, plus what cJSON
 * does not check (PITFALLS): RFC 8259's grammar strictly, valid UTF-8,
 * numbers a double holds, a nesting depth limit, duplicate keys, trailing
 * garbage and embedded NULs.  Also typed readers used by handlers after
 * validation.
 */
#ifndef PMS_JSON_H
#define PMS_JSON_H

#include <stddef.h>
#include <stdint.h>
#include <cjson/cJSON.h>

#define JSON_MAX_DEPTH 32

enum json_error {
	JSON_OK = 0,
	JSON_ERR_SYNTAX = -1,	/* not RFC 8259 JSON, trailing garbage, NUL,
				   \u0000 */
	JSON_ERR_UTF8 = -2,	/* not valid UTF-8, or a lone surrogate escape */
	JSON_ERR_DEPTH = -3,	/* nested deeper than max_depth */
	JSON_ERR_DUPKEY = -4,	/* an object holds the same key twice */
	JSON_ERR_NOMEM = -5,
	JSON_ERR_RANGE = -6,	/* a number that overflows a double to inf or
				   underflows to 0 from non-zero digits */
};

/* 1 when buf[0..len) is valid UTF-8 (no overlongs, no surrogates, <= U+10FFFF). */
int json_utf8_valid(const char *buf, size_t len);

/*
 * Parses buf[0..len) (need not be NUL-terminated) into *out, owned by the
 * caller (cJSON_Delete).  On error *out is NULL and, for JSON_ERR_DUPKEY,
 * dupkey (may be NULL) receives the offending key (truncated to dupkey_len).
 */
int json_parse(const char *buf, size_t len, int max_depth, cJSON **out,
    char *dupkey, size_t dupkey_len);

/* Case-sensitive member lookup; NULL when absent (JSON null is returned). */
const cJSON *json_get(const cJSON *obj, const char *name);
/* The string value of member name, or NULL when absent, null or not a string. */
const char *json_get_string(const cJSON *obj, const char *name);
/* 1 when member name is absent or JSON null. */
int json_is_absent(const cJSON *obj, const char *name);

/*
 * Money: integer cents given as a digit string ("5000", ^\d{1,18}$) or a JSON
 * integer <= 2^53-1.  0 and *cents, or -1 (negative, fractional, too large,
 * wrong type).
 */
int json_cents(const cJSON *item, int64_t *cents);
/* A JSON number that is integral and within [min, max]: 0 and *out, else -1. */
int json_int_in(const cJSON *item, int64_t min, int64_t max, int64_t *out);

#endif
