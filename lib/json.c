/*
 * json: owns the parsing of untrusted request bodies.  cJSON does the
 * parsing; this module adds what cJSON does not check (PITFALLS):
 *  - the whole buffer is valid UTF-8 (no overlongs, surrogates, code points
 *    above U+10FFFF, truncated sequences);
 *  - no raw NUL byte, no "\u0000" escape and no raw control character in a
 *    string: cJSON would silently cut a C string at an escaped NUL, so
 *    "a\u0000b" would be read as "a", and RFC 8259 forbids the others;
 *  - trailing garbage fails (cJSON_ParseWithLengthOpts with
 *    require_null_terminated over a NUL-terminated copy);
 *  - a nesting limit far below cJSON's compile-time 1000, checked by a
 *    linear pre-scan of the raw bytes BEFORE cJSON recurses, so 100000 '['
 *    cost one pass and no stack;
 *  - duplicate keys in any object (cJSON keeps both and finds the first).
 * Depth counts containers: a top-level scalar is depth 0, [] or {} is 1,
 * {"a":{}} is 2.  A document is refused when its depth exceeds max_depth.
 * The typed readers at the bottom are what handlers use after validation.
 */
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

/*
 * The cheap pass before cJSON: container nesting outside strings, and the
 * string contents cJSON would accept but we refuse.  Not a JSON parser:
 * anything else that is malformed is left for cJSON to reject.
 */
static int
json_prescan(const char *buf, size_t len, int max_depth)
{
	size_t i;
	int depth = 0, in_string = 0;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)buf[i];

		if (in_string) {
			if (c == '"')
				in_string = 0;
			else if (c < 0x20)
				return JSON_ERR_SYNTAX;
			else if (c == '\\') {
				if (i + 5 < len && buf[i + 1] == 'u' &&
				    memcmp(buf + i + 2, "0000", 4) == 0)
					return JSON_ERR_SYNTAX;
				i++;	/* the escaped byte cannot end the string */
			}
			continue;
		}
		if (c == '"')
			in_string = 1;
		else if (c == '[' || c == '{') {
			if (++depth > max_depth)
				return JSON_ERR_DEPTH;
		} else if ((c == ']' || c == '}') && depth > 0)
			depth--;
	}
	return JSON_OK;
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
	/* A raw NUL would end cJSON's input early and hide what follows. */
	if (memchr(buf, '\0', len) != NULL) {
		rc = JSON_ERR_SYNTAX;
		goto done;
	}
	if ((rc = json_prescan(buf, len, max_depth)) != JSON_OK)
		goto done;
	if ((copy = malloc(len + 1)) == NULL) {
		rc = JSON_ERR_NOMEM;
		goto done;
	}
	memcpy(copy, buf, len);
	copy[len] = '\0';
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
