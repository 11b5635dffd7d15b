/*
 * fuzz_query: the query-string readers of the read endpoints.  The input
 * is the QUERY_STRING (what follows '?' in REQUEST_URI), up to its first
 * NUL as a FastCGI param would be; the harness sets rq->query to a copy of
 * exactly that length, so ASan sees a read past its end.  It drives
 * request_query_param (names page, size, from, until, establishmentId,
 * unitId, n, m, status and the empty name, with output buffers of 1, 8 and
 * 64 bytes), query_page, query_int, query_uuid (required and optional),
 * query_date, query_date_optional, query_enum and query_refused.
 * Invariants (abort on violation): request_query_param agrees with an
 * independent reference (first segment of that name, '+' is a blank, %XX
 * two hex digits and never %00, the value and its NUL fit the buffer) on
 * the result and the value; a query_* that accepts leaves no issue and
 * stores a valid value: page in 1..QUERY_PAGE_MAX and size in
 * 1..QUERY_PAGE_MAX_SIZE (defaults 1 and QUERY_PAGE_DEFAULT_SIZE when
 * absent) equal to the reference's decimal reading, a date that formats
 * back to the text sent, a uuid that is the text sent in canonical lower
 * case, an enum index whose word is the text sent; one that refuses adds
 * exactly one issue, under the parameter's name, with the reason of its
 * kind (required, wrong_type or out_of_range, bad_uuid, bad_date,
 * not_allowed_value); query_refused answers 400 when there are issues and
 * 403 (no scope) when there are none.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "datetime.h"
#include "envelope.h"
#include "query.h"
#include "request.h"
#include "uuid.h"
#include "validate.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_VALUE_MAX 64	/* query.c's QUERY_VALUE_MAX */
#define FUZZ_ENUM "open closed cancelled"

static const struct family fuzz_family = {
	.name = "fuzz", .envelope = ENVELOPE_PMS,
	.bounded_context = "fuzz", .module = "fuzz",
};

/* A hex digit's value, by its place in the digits of either case. */
static int
fuzz_hex(char c)
{
	static const char digits[] = "0123456789abcdef0123456789ABCDEF";
	const char *at = c != '\0' ? strchr(digits, c) : NULL;

	return at != NULL ? (int)(at - digits) % 16 : -1;
}

/* The reference: decodes v[0..len) into out (cap bytes); 0 or -1. */
static int
fuzz_decode(const char *v, size_t len, char *out, size_t cap)
{
	size_t i, o = 0;
	int hi, lo;
	char c;

	for (i = 0; i < len; i++) {
		c = v[i];
		if (c == '+')
			c = ' ';
		else if (c == '%') {
			if (len - i < 3 || (hi = fuzz_hex(v[i + 1])) < 0 ||
			    (lo = fuzz_hex(v[i + 2])) < 0 || hi * 16 + lo == 0)
				return -1;
			c = (char)(hi * 16 + lo);
			i += 2;
		}
		if (o + 1 >= cap)
			return -1;
		out[o++] = c;
	}
	out[o] = '\0';
	return 0;
}

/*
 * The reference lookup: the '&'-separated segments (a last empty one
 * after a trailing '&' is no segment), each "name" or "name=value"; the
 * first whose name is name.  1, 0 absent, -1 unreadable.
 */
static int
fuzz_param(const char *q, const char *name, char *out, size_t cap)
{
	size_t i = 0, start, end, eq, qlen = strlen(q);

	while (i < qlen) {
		start = i;
		while (i < qlen && q[i] != '&')
			i++;
		end = i;
		for (eq = start; eq < end && q[eq] != '='; eq++)
			;
		if (eq - start == strlen(name) &&
		    strncmp(q + start, name, eq - start) == 0) {
			if (eq == end)
				return fuzz_decode("", 0, out, cap) == 0 ? 1 : -1;
			return fuzz_decode(q + eq + 1, end - eq - 1, out, cap) ==
			    0 ? 1 : -1;
		}
		i++;		/* past the '&' */
	}
	return 0;
}

/* The raw value a query_* sees: 1 non-empty, 0 absent or empty, -1. */
static int
fuzz_raw(const char *q, const char *name, char buf[FUZZ_VALUE_MAX])
{
	int rc = fuzz_param(q, name, buf, FUZZ_VALUE_MAX);

	return rc == 1 && buf[0] == '\0' ? 0 : rc;
}

/* The issue query_* added last must be name's, for reason r. */
static void
fuzz_issue(const struct validation *v, int *seen, const char *name,
    enum reason r)
{
	if (v->count != *seen + 1 || strcmp(v->issue[*seen].field, name) != 0 ||
	    v->issue[*seen].reason != r)
		abort();
	(*seen)++;
}

static void
fuzz_no_issue(const struct validation *v, int seen)
{
	if (v->count != seen)
		abort();
}

/* query_int against the reference; returns the rc. */
static int
fuzz_int(const struct request *rq, const char *name, int64_t def,
    int64_t min, int64_t max, struct validation *v, int *seen)
{
	char buf[FUZZ_VALUE_MAX];
	int64_t out = INT64_MIN, want = 0;
	size_t i, n;
	int raw, rc, big = 0;

	rc = query_int(rq, name, def, min, max, &out, v);
	raw = fuzz_raw(rq->query, name, buf);
	if (raw == 0) {
		if (rc != 0 || out != def)
			abort();
		fuzz_no_issue(v, *seen);
		return rc;
	}
	/* buf holds no string when the value was unreadable */
	n = raw > 0 ? strlen(buf) : 0;
	if (raw < 0 || strspn(buf, "0123456789") != n) {
		if (rc != -1 || out != def)
			abort();
		fuzz_issue(v, seen, name, REASON_WRONG_TYPE);
		return rc;
	}
	for (i = strspn(buf, "0"); i < n; i++) {
		if (want > (INT64_MAX - 9) / 10) {
			big = 1;
			break;
		}
		want = want * 10 + (buf[i] - '0');
	}
	if (big || want < min || want > max) {
		if (rc != -1 || out != def)
			abort();
		fuzz_issue(v, seen, name, REASON_OUT_OF_RANGE);
		return rc;
	}
	if (rc != 0 || out != want)
		abort();
	fuzz_no_issue(v, *seen);
	return rc;
}

static void
fuzz_page(const struct request *rq, struct validation *v, int *seen)
{
	struct validation alone;
	int64_t page = -1, size = -1;
	int rc, a, b, n = 0;

	memset(&alone, 0, sizeof(alone));
	rc = query_page(rq, &page, &size, &alone);
	a = fuzz_int(rq, "page", 1, 1, QUERY_PAGE_MAX, v, seen);
	b = fuzz_int(rq, "size", QUERY_PAGE_DEFAULT_SIZE, 1,
	    QUERY_PAGE_MAX_SIZE, v, seen);
	if (rc != (a != 0 || b != 0 ? -1 : 0))
		abort();
	if (a == 0 && (page < 1 || page > QUERY_PAGE_MAX))
		abort();
	if (b == 0 && (size < 1 || size > QUERY_PAGE_MAX_SIZE))
		abort();
	if (rc == 0 && (page - 1 > INT64_MAX / size))
		abort();
	/* query_page's issues are the two query_int's, in order */
	if (a != 0 && (alone.count <= n ||
	    strcmp(alone.issue[n++].field, "page") != 0))
		abort();
	if (b != 0 && (alone.count <= n ||
	    strcmp(alone.issue[n++].field, "size") != 0))
		abort();
	if (alone.count != n)
		abort();
}

static void
fuzz_uuid(const struct request *rq, const char *name, int required,
    struct validation *v, int *seen)
{
	char out[UUID_STR_LEN + 1], buf[FUZZ_VALUE_MAX];
	size_t i;
	int rc, raw;

	memset(out, 'x', sizeof(out));
	rc = query_uuid(rq, name, required, out, v);
	raw = fuzz_raw(rq->query, name, buf);
	if (rc == 0) {
		fuzz_no_issue(v, *seen);
		if (raw == 0) {
			if (required || out[0] != '\0')
				abort();
			return;
		}
		if (raw != 1 || strlen(out) != UUID_STR_LEN ||
		    strlen(buf) != UUID_STR_LEN)
			abort();
		for (i = 0; i < UUID_STR_LEN; i++) {
			char c = buf[i] >= 'A' && buf[i] <= 'F' ?
			    (char)(buf[i] - 'A' + 'a') : buf[i];
			if (out[i] != c || !((c >= '0' && c <= '9') ||
			    (c >= 'a' && c <= 'f') || c == '-'))
				abort();
		}
		return;
	}
	if (rc != -1 || out[0] != '\0')
		abort();
	fuzz_issue(v, seen, name, raw == 0 ? REASON_REQUIRED : REASON_BAD_UUID);
}

static void
fuzz_date(const struct request *rq, const char *name, int required,
    struct validation *v, int *seen)
{
	char buf[FUZZ_VALUE_MAX], back[DATE_STR_LEN + 1];
	int32_t days = INT32_MIN;
	int rc, raw, present = -1;

	if (required)
		rc = query_date(rq, name, &days, v);
	else
		rc = query_date_optional(rq, name, &days, &present, v);
	raw = fuzz_raw(rq->query, name, buf);
	if (!required && present != (raw != 0))
		abort();
	if (rc == 0) {
		fuzz_no_issue(v, *seen);
		if (raw == 0) {
			if (required)
				abort();
			return;
		}
		date_format(days, back);
		if (raw != 1 || strcmp(back, buf) != 0)
			abort();
		return;
	}
	if (rc != -1)
		abort();
	fuzz_issue(v, seen, name, raw == 0 ? REASON_REQUIRED : REASON_BAD_DATE);
}

static void
fuzz_enum(const struct request *rq, struct validation *v, int *seen)
{
	char buf[FUZZ_VALUE_MAX], word[FUZZ_VALUE_MAX];
	int rc, raw, index = -2;

	rc = query_enum(rq, "status", FUZZ_ENUM, &index, v);
	raw = fuzz_raw(rq->query, "status", buf);
	if (rc == 0) {
		fuzz_no_issue(v, *seen);
		if (raw == 0) {
			if (index != -1)
				abort();
			return;
		}
		if (raw != 1 || index < 0 || index > 2)
			abort();
		enum_word(FUZZ_ENUM, index, word, sizeof(word));
		if (strcmp(word, buf) != 0)
			abort();
		return;
	}
	if (rc != -1 || raw == 0)
		abort();
	fuzz_issue(v, seen, "status", REASON_NOT_ALLOWED_VALUE);
}

/* request_query_param against the reference, for each buffer size. */
static void
fuzz_params(const struct request *rq)
{
	static const char *names[] = { "page", "size", "from", "until",
	    "establishmentId", "unitId", "n", "m", "status", "" };
	static const size_t caps[] = { 1, 8, FUZZ_VALUE_MAX };
	char got[FUZZ_VALUE_MAX], want[FUZZ_VALUE_MAX];
	size_t i, j;
	int a, b;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		for (j = 0; j < sizeof(caps) / sizeof(caps[0]); j++) {
			memset(got, 'x', sizeof(got));
			a = request_query_param(rq, names[i], got, caps[j]);
			b = fuzz_param(rq->query, names[i], want, caps[j]);
			if (a != b || (a == 1 && strcmp(got, want) != 0))
				abort();
			/* nothing written past the buffer given */
			if (caps[j] < sizeof(got) && got[caps[j]] != 'x')
				abort();
		}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *env[] = { NULL };
	struct validation v;
	struct request rq;
	char *q;
	size_t len = strnlen((const char *)data, size);
	int seen = 0;

	if ((q = malloc(len + 1)) == NULL)
		return 0;
	memcpy(q, data, len);
	q[len] = '\0';
	memset(&rq, 0, sizeof(rq));
	memset(&v, 0, sizeof(v));
	rq.envp = env;
	rq.query = q;
	rq.family = &fuzz_family;
	rq.lang = len % 2 ? LANG_EN : LANG_FR;

	fuzz_params(&rq);
	fuzz_page(&rq, &v, &seen);
	fuzz_int(&rq, "n", -1, 0, INT64_C(999999999999999999), &v, &seen);
	fuzz_int(&rq, "m", 5, 3, 10, &v, &seen);
	fuzz_uuid(&rq, "establishmentId", 1, &v, &seen);
	fuzz_uuid(&rq, "unitId", 0, &v, &seen);
	fuzz_date(&rq, "from", 1, &v, &seen);
	fuzz_date(&rq, "until", 0, &v, &seen);
	fuzz_enum(&rq, &v, &seen);

	if (query_refused(&rq, &v, "3f2504e0-4f89-11d3-9a0c-0305e82c3301") != 1 ||
	    rq.status != (v.count > 0 ? 400 : 403) || rq.resp_body == NULL)
		abort();
	free(rq.resp_body);
	free(q);
	return 0;
}
