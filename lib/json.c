/*
 * json: owns the parsing of untrusted request bodies.  cJSON builds the
 * tree; this module first makes sure the bytes are JSON as RFC 8259 says,
 * because cJSON is lenient where leniency changes what is stored
 * (PITFALLS):
 *  - the whole buffer is valid UTF-8 (no overlongs, surrogates, code points
 *    above U+10FFFF, truncated sequences);
 *  - a strict scan of the grammar: no BOM, blanks only space, tab, CR, LF;
 *    numbers without leading zeros or bare points; only true/false/null;
 *    string escapes only \" \\ \/ \b \f \n \r \t and \uXXXX with four hex
 *    digits, never \u0000 and never a lone surrogate (cJSON would cut the
 *    string at a bad escape: "a\uZZZZb" read as "a"); no raw control
 *    character in a string; nothing after the value but blanks;
 *  - a number whose double is inf, or 0 from non-zero digits (1e-999), is
 *    refused rather than stored as another value;
 *  - a nesting limit far below cJSON's compile-time 1000, checked by that
 *    same linear scan BEFORE cJSON recurses;
 *  - duplicate keys in any object (cJSON keeps both and finds the first).
 * Depth counts containers: a top-level scalar is depth 0, [] or {} is 1,
 * {"a":{}} is 2.  A document is refused when its depth exceeds max_depth.
 * The typed readers at the bottom are what handlers use after validation.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"

/* 2^53 - 1: the largest integer a double (cJSON's number) holds exactly. */
#define JSON_MAX_SAFE_INT 9007199254740991.0
/* Objects with more members than this are checked by sorting, not pairwise. */
#define JSON_DUPKEY_PAIRWISE_MAX 16

int
json_utf8_valid(const char *buf, size_t len)
{
	const unsigned char *s = (const unsigned char *)buf;
	size_t i = 0;

	if (s == NULL)
		return len == 0;
	while (i < len) {
		unsigned char c = s[i];
		unsigned char lo = 0x80, hi = 0xbf;	/* range of the 2nd byte */
		size_t n, k;

		if (c < 0x80) {
			i++;
			continue;
		}
		/*
		 * Unicode 15, table 3-7: the lead byte fixes the length, and
		 * the allowed range of the second byte is what excludes
		 * overlongs (E0, F0), surrogates (ED) and > U+10FFFF (F4).
		 * C0, C1 and F5..FF never appear.
		 */
		if (c >= 0xc2 && c <= 0xdf)
			n = 1;
		else if (c >= 0xe0 && c <= 0xef) {
			n = 2;
			if (c == 0xe0)
				lo = 0xa0;
			else if (c == 0xed)
				hi = 0x9f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			n = 3;
			if (c == 0xf0)
				lo = 0x90;
			else if (c == 0xf4)
				hi = 0x8f;
		} else
			return 0;
		if (len - i - 1 < n)
			return 0;		/* truncated sequence */
		if (s[i + 1] < lo || s[i + 1] > hi)
			return 0;
		for (k = 2; k <= n; k++)
			if (s[i + k] < 0x80 || s[i + k] > 0xbf)
				return 0;
		i += n + 1;
	}
	return 1;
}

/* What the scanner expects at its next non-blank byte. */
enum json_expect {
	EXPECT_VALUE,		/* a value: top level, after ':', after ',' in [] */
	EXPECT_VALUE_OR_CLOSE,	/* just after '[' */
	EXPECT_KEY,		/* after ',' in {} */
	EXPECT_KEY_OR_CLOSE,	/* just after '{' */
	EXPECT_NEXT,		/* after a value: ',', the close, or the end */
};

static size_t
json_skip_blank(const char *s, size_t len, size_t i)
{
	while (i < len && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' ||
	    s[i] == '\r'))
		i++;
	return i;
}

/* The value of the 4 hex digits at s (at least 4 bytes), or -1. */
static long
json_hex4(const char *s)
{
	long v = 0;
	int k;

	for (k = 0; k < 4; k++) {
		char c = s[k];

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= c - '0';
		else if (c >= 'a' && c <= 'f')
			v |= c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			v |= c - 'A' + 10;
		else
			return -1;
	}
	return v;
}

/*
 * The \uXXXX escape at s[*i] (its backslash), with the low half that must
 * follow a high surrogate.  cJSON reads a bad hex digit as 0, which ends
 * its C string ("a\uZZZZb" became "a"), as \u0000 does: both refused.  A
 * surrogate that is not half of a pair names no character and could only
 * be stored as invalid UTF-8: refused as bad UTF-8.
 */
static int
json_scan_u_escape(const char *s, size_t len, size_t *i)
{
	long hi, lo;

	if (len - *i < 6 || (hi = json_hex4(s + *i + 2)) <= 0)
		return JSON_ERR_SYNTAX;
	*i += 6;
	if (hi >= 0xdc00 && hi <= 0xdfff)
		return JSON_ERR_UTF8;
	if (hi < 0xd800 || hi > 0xdbff)
		return JSON_OK;
	if (len - *i < 6 || s[*i] != '\\' || s[*i + 1] != 'u')
		return JSON_ERR_UTF8;
	if ((lo = json_hex4(s + *i + 2)) < 0)
		return JSON_ERR_SYNTAX;
	if (lo < 0xdc00 || lo > 0xdfff)
		return JSON_ERR_UTF8;
	*i += 6;
	return JSON_OK;
}

/*
 * The string whose opening quote is s[*i]; *i ends past its closing
 * quote.  RFC 8259 section 7: no raw control character, and only the
 * escapes \" \\ \/ \b \f \n \r \t \uXXXX.  Bytes >= 0x80 are checked as
 * UTF-8 before the scan.
 */
static int
json_scan_string(const char *s, size_t len, size_t *i)
{
	int rc;

	for ((*i)++; *i < len; ) {
		unsigned char c = (unsigned char)s[*i];

		if (c == '"') {
			(*i)++;
			return JSON_OK;
		}
		if (c < 0x20)
			return JSON_ERR_SYNTAX;
		if (c != '\\') {
			(*i)++;
			continue;
		}
		switch (*i + 1 < len ? s[*i + 1] : '\0') {
		case '"': case '\\': case '/':
		case 'b': case 'f': case 'n': case 'r': case 't':
			*i += 2;
			break;
		case 'u':
			if ((rc = json_scan_u_escape(s, len, i)) != JSON_OK)
				return rc;
			break;
		default:
			return JSON_ERR_SYNTAX;
		}
	}
	return JSON_ERR_SYNTAX;		/* no closing quote */
}

/* A member's key and its ':', the key's opening quote at s[*i]. */
static int
json_scan_key(const char *s, size_t len, size_t *i)
{
	int rc;

	if (s[*i] != '"')
		return JSON_ERR_SYNTAX;
	if ((rc = json_scan_string(s, len, i)) != JSON_OK)
		return rc;
	*i = json_skip_blank(s, len, *i);
	if (*i == len || s[*i] != ':')
		return JSON_ERR_SYNTAX;
	(*i)++;
	return JSON_OK;
}

/* Past the digits from s[i]; *nonzero set when one of them is not 0. */
static size_t
json_skip_digits(const char *s, size_t len, size_t i, int *nonzero)
{
	for (; i < len && s[i] >= '0' && s[i] <= '9'; i++)
		if (s[i] != '0')
			*nonzero = 1;
	return i;
}

/*
 * The number at s[*i]: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
 * (cJSON also takes 01, 1. and -.5).  Then its value as cJSON will read
 * it, with strtod: inf, or 0 from digits that are not all zero, would
 * store another number than the one sent, so both are refused (a
 * denormal is still the number sent, rounded).  s is NUL-terminated.
 */
static int
json_scan_number(const char *s, size_t len, size_t *i)
{
	size_t j = *i, from;
	int nonzero = 0, exp_nonzero = 0;
	char *end;
	double d;

	if (j < len && s[j] == '-')
		j++;
	if (j < len && s[j] == '0')
		j++;
	else if (j < len && s[j] >= '1' && s[j] <= '9')
		j = json_skip_digits(s, len, j, &nonzero);
	else
		return JSON_ERR_SYNTAX;
	if (j < len && s[j] == '.') {
		from = j + 1;
		if ((j = json_skip_digits(s, len, from, &nonzero)) == from)
			return JSON_ERR_SYNTAX;
	}
	if (j < len && (s[j] == 'e' || s[j] == 'E')) {
		from = j + 1;
		if (from < len && (s[from] == '+' || s[from] == '-'))
			from++;
		if ((j = json_skip_digits(s, len, from, &exp_nonzero)) == from)
			return JSON_ERR_SYNTAX;
	}
	/* strtod must read what the grammar did: '.' is the C locale's
	   decimal point, and these programs never call setlocale. */
	d = strtod(s + *i, &end);
	if (end != s + j)
		return JSON_ERR_SYNTAX;
	if (isinf(d) || (d == 0 && nonzero))
		return JSON_ERR_RANGE;
	*i = j;
	return JSON_OK;
}

/* true, false or null at s[*i]. */
static int
json_scan_literal(const char *s, size_t len, size_t *i)
{
	static const char *const literals[] = { "true", "false", "null" };
	size_t k, n;

	for (k = 0; k < sizeof(literals) / sizeof(literals[0]); k++) {
		n = strlen(literals[k]);
		if (len - *i >= n && memcmp(s + *i, literals[k], n) == 0) {
			*i += n;
			return JSON_OK;
		}
	}
	return JSON_ERR_SYNTAX;
}

/* Bit d of stack: the container at depth d (0: outermost) is an object. */
static int
json_in_object(const unsigned char *stack, int depth)
{
	return (stack[(depth - 1) / 8] >> ((depth - 1) % 8)) & 1;
}

/*
 * The whole grammar of RFC 8259, over the whole buffer, before cJSON sees
 * it: cJSON is lenient (BOM, 01, 1., any byte <= 0x20 as blank, a bad
 * \u escape read as the end of the string).  One pass and no recursion:
 * one bit per open container says what closes it, so 100000 '[' cost one
 * pass, no C stack, and stop at max_depth + 1.  s is NUL-terminated at
 * len (for strtod); a NUL inside is refused like any stray byte.
 */
static int
json_scan(const char *s, size_t len, int max_depth)
{
	enum json_expect want = EXPECT_VALUE;
	unsigned char *stack = NULL, bit;
	size_t i = 0, cap;
	int depth = 0, rc = JSON_OK;
	char c;

	/* Every open container takes a byte: never deeper than len. */
	cap = (size_t)max_depth < len ? (size_t)max_depth : len;
	if ((stack = calloc(cap / 8 + 1, 1)) == NULL) {
		rc = JSON_ERR_NOMEM;
		goto done;
	}
	for (;;) {
		if ((i = json_skip_blank(s, len, i)) == len) {
			if (want != EXPECT_NEXT || depth > 0)
				rc = JSON_ERR_SYNTAX;	/* truncated */
			goto done;
		}
		c = s[i];
		if (want == EXPECT_NEXT) {
			if (depth > 0 && c == ',')
				want = json_in_object(stack, depth) ?
				    EXPECT_KEY : EXPECT_VALUE;
			else if (depth > 0 &&
			    c == (json_in_object(stack, depth) ? '}' : ']'))
				depth--;
			else
				rc = JSON_ERR_SYNTAX;	/* or trailing garbage */
			i++;
		} else if ((want == EXPECT_KEY_OR_CLOSE && c == '}') ||
		    (want == EXPECT_VALUE_OR_CLOSE && c == ']')) {
			depth--;
			want = EXPECT_NEXT;
			i++;
		} else if (want == EXPECT_KEY || want == EXPECT_KEY_OR_CLOSE) {
			rc = json_scan_key(s, len, &i);
			want = EXPECT_VALUE;
		} else if (c == '{' || c == '[') {
			if (depth == max_depth) {
				rc = JSON_ERR_DEPTH;
				goto done;
			}
			bit = (unsigned char)(1u << (depth % 8));
			stack[depth / 8] = (unsigned char)(c == '{' ?
			    stack[depth / 8] | bit : stack[depth / 8] & ~bit);
			depth++;
			want = c == '{' ? EXPECT_KEY_OR_CLOSE :
			    EXPECT_VALUE_OR_CLOSE;
			i++;
		} else {
			if (c == '"')
				rc = json_scan_string(s, len, &i);
			else if (c == '-' || (c >= '0' && c <= '9'))
				rc = json_scan_number(s, len, &i);
			else
				rc = json_scan_literal(s, len, &i);
			want = EXPECT_NEXT;
		}
		if (rc != JSON_OK)
			goto done;
	}
done:
	free(stack);
	return rc;
}

static void
json_set_dupkey(char *dupkey, size_t dupkey_len, const char *key)
{
	size_t n;

	if (dupkey == NULL || dupkey_len == 0)
		return;
	n = strlen(key);
	if (n >= dupkey_len)
		n = dupkey_len - 1;
	memcpy(dupkey, key, n);
	dupkey[n] = '\0';
}

static int
json_cmp_keys(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/*
 * Duplicate keys among the members of one object.  Pairwise for small
 * objects; sorted for large ones, so a 1 MiB body of distinct keys costs
 * n log n comparisons and not n^2.
 */
static int
json_check_dupkeys(const cJSON *obj, char *dupkey, size_t dupkey_len)
{
	const cJSON *a, *b;
	const char **keys = NULL;
	size_t n = 0, i;
	int rc = JSON_OK;

	for (a = obj->child; a != NULL; a = a->next)
		n++;
	if (n <= JSON_DUPKEY_PAIRWISE_MAX) {
		for (a = obj->child; a != NULL; a = a->next)
			for (b = a->next; b != NULL; b = b->next)
				if (strcmp(a->string, b->string) == 0) {
					json_set_dupkey(dupkey, dupkey_len,
					    a->string);
					rc = JSON_ERR_DUPKEY;
					goto done;
				}
		goto done;
	}
	if ((keys = malloc(n * sizeof(*keys))) == NULL) {
		rc = JSON_ERR_NOMEM;
		goto done;
	}
	for (i = 0, a = obj->child; a != NULL; a = a->next)
		keys[i++] = a->string;
	qsort(keys, n, sizeof(*keys), json_cmp_keys);
	for (i = 1; i < n; i++)
		if (strcmp(keys[i - 1], keys[i]) == 0) {
			json_set_dupkey(dupkey, dupkey_len, keys[i]);
			rc = JSON_ERR_DUPKEY;
			goto done;
		}
done:
	free(keys);
	return rc;
}

/*
 * Depth and duplicate keys over the tree.  The pre-scan already bounded
 * the depth (so this recursion is bounded too); checking again here keeps
 * the rule true of the tree itself, whatever the pre-scan missed.
 */
static int
json_walk(const cJSON *item, int depth, int max_depth, char *dupkey,
    size_t dupkey_len)
{
	const cJSON *c;
	int rc = JSON_OK;

	if (!cJSON_IsArray(item) && !cJSON_IsObject(item))
		goto done;
	if (depth + 1 > max_depth) {
		rc = JSON_ERR_DEPTH;
		goto done;
	}
	if (cJSON_IsObject(item) &&
	    (rc = json_check_dupkeys(item, dupkey, dupkey_len)) != JSON_OK)
		goto done;
	for (c = item->child; c != NULL; c = c->next)
		if ((rc = json_walk(c, depth + 1, max_depth, dupkey,
		    dupkey_len)) != JSON_OK)
			goto done;
done:
	return rc;
}

int
json_parse(const char *buf, size_t len, int max_depth, cJSON **out,
    char *dupkey, size_t dupkey_len)
{
	cJSON *root = NULL;
	char *copy = NULL;
	const char *end = NULL;
	int rc;

	if (dupkey != NULL && dupkey_len > 0)
		dupkey[0] = '\0';
	if (out == NULL || buf == NULL || len == 0) {
		rc = JSON_ERR_SYNTAX;
		goto done;
	}
	*out = NULL;
	if (max_depth < 0)
		max_depth = 0;
	if (!json_utf8_valid(buf, len)) {
		rc = JSON_ERR_UTF8;
		goto done;
	}
	if ((copy = malloc(len + 1)) == NULL) {
		rc = JSON_ERR_NOMEM;
		goto done;
	}
	memcpy(copy, buf, len);
	copy[len] = '\0';
	if ((rc = json_scan(copy, len, max_depth)) != JSON_OK)
		goto done;
	/*
	 * len + 1 includes our NUL: with require_null_terminated, cJSON
	 * fails unless only whitespace lies between the value and that NUL.
	 * cJSON cannot tell us "out of memory" from "bad syntax".
	 */
	root = cJSON_ParseWithLengthOpts(copy, len + 1, &end, 1);
	if (root == NULL) {
		rc = JSON_ERR_SYNTAX;
		goto done;
	}
	if ((rc = json_walk(root, 0, max_depth, dupkey, dupkey_len)) != JSON_OK)
		goto done;
	*out = root;
	root = NULL;
done:
	cJSON_Delete(root);
	free(copy);
	return rc;
}

const cJSON *
json_get(const cJSON *obj, const char *name)
{
	if (!cJSON_IsObject(obj) || name == NULL)
		return NULL;
	return cJSON_GetObjectItemCaseSensitive(obj, name);
}

const char *
json_get_string(const cJSON *obj, const char *name)
{
	const cJSON *item = json_get(obj, name);

	if (!cJSON_IsString(item) || item->valuestring == NULL)
		return NULL;
	return item->valuestring;
}

int
json_is_absent(const cJSON *obj, const char *name)
{
	const cJSON *item = json_get(obj, name);

	return item == NULL || cJSON_IsNull(item);
}

/*
 * 1 when d is an integer a double holds exactly (|d| <= 2^53-1); *out gets
 * it.  Beyond 2^53 cJSON has already rounded the client's digits, so such
 * a number is refused rather than silently read as another value.  The
 * range test comes first: it also refuses inf and NaN, and makes the cast
 * defined.
 */
static int
json_exact_int(double d, int64_t *out)
{
	int64_t i;

	if (!(d >= -JSON_MAX_SAFE_INT && d <= JSON_MAX_SAFE_INT))
		return 0;
	i = (int64_t)d;
	if ((double)i != d)
		return 0;
	*out = i;
	return 1;
}

int
json_cents(const cJSON *item, int64_t *cents)
{
	int64_t v = 0;
	size_t i, n;
	int rc = -1;

	if (cJSON_IsString(item) && item->valuestring != NULL) {
		const char *s = item->valuestring;

		/* ^\d{1,18}$: 18 digits stay below INT64_MAX, no overflow. */
		n = strnlen(s, 19);
		if (n < 1 || n > 18)
			goto done;
		for (i = 0; i < n; i++) {
			if (s[i] < '0' || s[i] > '9')
				goto done;
			v = v * 10 + (s[i] - '0');
		}
	} else if (cJSON_IsNumber(item)) {
		if (!json_exact_int(item->valuedouble, &v) || v < 0)
			goto done;
	} else
		goto done;
	if (cents != NULL)
		*cents = v;
	rc = 0;
done:
	return rc;
}

int
json_int_in(const cJSON *item, int64_t min, int64_t max, int64_t *out)
{
	int64_t v;
	int rc = -1;

	if (!cJSON_IsNumber(item) || !json_exact_int(item->valuedouble, &v))
		goto done;
	if (v < min || v > max)
		goto done;
	if (out != NULL)
		*out = v;
	rc = 0;
done:
	return rc;
}
