/*
 * fuzz_fcgi_params: a request's parameter block as libfcgi hands it over,
 * an envp-style array of "NAME=value" strings (REQUEST_METHOD,
 * REQUEST_URI, SCRIPT_NAME, QUERY_STRING, CONTENT_LENGTH, CONTENT_TYPE,
 * REQUEST_ID, HTTP_*).  The input is those strings separated by NUL or
 * newline bytes (at most 64 kept, more than nginx sends); each goes into
 * a buffer of its exact size, so ASan sees any read past one.  The
 * harness runs what server.c runs on a new request before the handler:
 * request_init_params, then header lookups, request_content_length and
 * request_read_body (only where it reads nothing: a refused or zero
 * length), Content-Type matching, route_match on a small table, and
 * auth_check up to the point where it would need the database.
 * Invariants (abort on violation), each against an independent reference
 * (FCGX_GetParam's rule: the first "NAME=" entry):
 *  - method is REQUEST_METHOD as given (the same pointer), "GET" when
 *    absent; request_uri is REQUEST_URI, else SCRIPT_NAME, else "/"; path
 *    is the URI up to its first '?' (cut at 1023 bytes) and query what
 *    follows it ("" without '?'); trace_id is REQUEST_ID when that is 1
 *    to 63 of [0-9a-fA-F_-], else 32 lower-case hex digits; lang is
 *    English exactly when the first of en/fr in Accept-Language is en;
 *  - request_header returns exactly the value given: the same pointer as
 *    the reference lookup of HTTP_<NAME upper-cased, '-' as '_'> (or
 *    CONTENT_TYPE / CONTENT_LENGTH), for every HTTP_* entry and fixed
 *    names, NULL for a name of 123 bytes or more;
 *  - a content length is accepted only when all decimal digits, within
 *    64 bits and within the limit (TOO_LARGE when above it, BAD_LENGTH
 *    otherwise), for limits 0, 1024, 1 MiB and SIZE_MAX, and
 *    request_read_body returns the same, twice;
 *  - request_content_type_is matches the media type before ';' or blank,
 *    case-insensitively, against each word of the list;
 *  - a route is found only for its method (HEAD for a GET route): any
 *    other method is refused with 405 or 404;
 *  - auth_check refuses a missing or malformed X-API-Key with
 *    UNAUTHENTICATED and missing or malformed AMAGE headers with
 *    SIGNATURE_MISSING / SIGNATURE_INVALID, before any lookup (the request
 *    has no database).
 */
#include <ctype.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "apikey.h"
#include "auth.h"
#include "request.h"
#include "router.h"
#include "sign.h"
#include "uuid.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_MAX_PARAMS 64

static int
fuzz_handler(struct request *rq)
{
	(void)rq;
	abort();	/* route_match never runs a handler */
}

static const struct route fuzz_routes[] = {
	{ "GET", "/v1/units", fuzz_handler, AUTH_AGENT },
	{ "POST", "/v1/units", fuzz_handler, AUTH_MANAGER },
	{ "GET", "/v1/units/{unitId}", fuzz_handler, AUTH_AGENT },
	{ "DELETE", "/v1/units/{unitId}", fuzz_handler, AUTH_MANAGER },
	{ "POST", "/rest/amage/v1/work-orders/add", fuzz_handler, AUTH_AMAGE },
	{ NULL, NULL, NULL, AUTH_NONE }
};

/* FCGX_GetParam's rule, written again: the first "name=" entry. */
static const char *
fuzz_get(char **envp, const char *name)
{
	size_t n = strlen(name);
	char **p;

	for (p = envp; *p != NULL; p++)
		if (strncmp(*p, name, n) == 0 && (*p)[n] == '=')
			return *p + n + 1;
	return NULL;
}

/* The reference of request_lang: the first comma-separated item naming
   en or fr (after blanks) decides. */
static enum lang
fuzz_lang(const char *al)
{
	const char *item = al, *end;
	size_t n;

	while (item != NULL) {
		end = strchr(item, ',');
		n = end != NULL ? (size_t)(end - item) : strlen(item);
		while (n > 0 && *item == ' ') {
			item++;
			n--;
		}
		if (n >= 2 && (n == 2 || strchr(";- ", item[2]) != NULL)) {
			if (strncasecmp(item, "en", 2) == 0)
				return LANG_EN;
			if (strncasecmp(item, "fr", 2) == 0)
				return LANG_FR;
		}
		item = end != NULL ? end + 1 : NULL;
	}
	return LANG_FR;
}

static void
fuzz_check_init(char **envp, const struct request *rq)
{
	const char *m = fuzz_get(envp, "REQUEST_METHOD");
	const char *uri = fuzz_get(envp, "REQUEST_URI"), *id;
	size_t n, i;

	if (rq->envp != envp || rq->method != (m != NULL ? m : rq->method) ||
	    (m == NULL && strcmp(rq->method, "GET") != 0))
		abort();
	if (uri == NULL)
		uri = fuzz_get(envp, "SCRIPT_NAME");
	if (uri != NULL ? rq->request_uri != uri :
	    strcmp(rq->request_uri, "/") != 0)
		abort();
	uri = rq->request_uri;
	n = strcspn(uri, "?");
	if (uri[n] == '?' ? rq->query != uri + n + 1 : *rq->query != '\0')
		abort();
	if (n > sizeof(rq->path) - 1)
		n = sizeof(rq->path) - 1;
	if (strlen(rq->path) != n || memcmp(rq->path, uri, n) != 0)
		abort();
	id = fuzz_get(envp, "REQUEST_ID");
	n = id != NULL ? strlen(id) : 0;
	if (n >= 1 && n <= 63 &&
	    strspn(id, "0123456789abcdefABCDEF-_") == n) {
		if (strcmp(rq->trace_id, id) != 0)
			abort();
	} else {
		if (strlen(rq->trace_id) != 32)
			abort();
		for (i = 0; i < 32; i++)
			if (!isxdigit((unsigned char)rq->trace_id[i]) ||
			    isupper((unsigned char)rq->trace_id[i]))
				abort();
	}
	if (rq->lang != fuzz_lang(fuzz_get(envp, "HTTP_ACCEPT_LANGUAGE")))
		abort();
}

/* request_header(name) against the reference lookup. */
static void
fuzz_check_header(char **envp, const struct request *rq, const char *name)
{
	char key[160];
	const char *want;
	size_t i, n = strlen(name);

	if (strcasecmp(name, "content-type") == 0)
		want = fuzz_get(envp, "CONTENT_TYPE");
	else if (strcasecmp(name, "content-length") == 0)
		want = fuzz_get(envp, "CONTENT_LENGTH");
	else if (n >= 123)
		want = NULL;
	else {
		memcpy(key, "HTTP_", 5);
		for (i = 0; i < n; i++)
			key[5 + i] = name[i] == '-' ? '_' :
			    name[i] >= 'a' && name[i] <= 'z' ?
			    (char)(name[i] - 'a' + 'A') : name[i];
		key[5 + n] = '\0';
		want = fuzz_get(envp, key);
	}
	if (request_header(rq, name) != want)
		abort();
}

/* 1 when no entry before p has p's name (its first len bytes, then '='). */
static int
fuzz_first(char **envp, char **p, size_t len)
{
	char **q;

	for (q = envp; q < p; q++)
		if (strncmp(*q, *p, len) == 0 && (*q)[len] == '=')
			return 0;
	return 1;
}

/* Every HTTP_* entry read back by its header name. */
static void
fuzz_check_headers(char **envp, const struct request *rq)
{
	static const char *fixed[] = { "X-API-Key", "Accept-Language",
	    "Idempotency-Key", "Content-Type", "content-length", "api-sign",
	    "device-uuid", "api-key", "X-Pms-Fault", "" };
	char name[160];
	size_t i, n;
	char **p;

	for (i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		fuzz_check_header(envp, rq, fixed[i]);
	for (p = envp; *p != NULL; p++) {
		if (strncmp(*p, "HTTP_", 5) != 0)
			continue;
		n = strcspn(*p + 5, "=");
		if (n >= sizeof(name))
			n = sizeof(name) - 1;
		for (i = 0; i < n; i++) {
			char c = (*p)[5 + i];
			name[i] = c == '_' ? '-' : (char)tolower((unsigned char)c);
		}
		name[n] = '\0';
		fuzz_check_header(envp, rq, name);
		/* A NAME that maps back to itself gives this very value
		   when it is the first entry of that name. */
		if ((*p)[5 + n] == '=' && n < 123 &&
		    strcspn(*p + 5, "abcdefghijklmnopqrstuvwxyz-") >= n &&
		    strcasecmp(name, "content-type") != 0 &&
		    strcasecmp(name, "content-length") != 0 &&
		    fuzz_first(envp, p, n + 5) &&
		    request_header(rq, name) != *p + 5 + n + 1)
			abort();
	}
}

/* The reference content length: enum body_status and *n. */
static int
fuzz_length(const char *cl, size_t limit, size_t *n)
{
	unsigned long long v = 0;
	size_t i;

	*n = 0;
	if (cl == NULL || *cl == '\0')
		return BODY_OK;
	for (i = 0; cl[i] != '\0'; i++) {
		if (cl[i] < '0' || cl[i] > '9')
			return BODY_BAD_LENGTH;
		if (v > (ULLONG_MAX - (unsigned)(cl[i] - '0')) / 10)
			return BODY_BAD_LENGTH;
		v = v * 10 + (unsigned)(cl[i] - '0');
	}
	if (v > limit)
		return BODY_TOO_LARGE;
	*n = (size_t)v;
	return BODY_OK;
}

static void
fuzz_check_length(char **envp)
{
	static const size_t limits[] = { 0, 1024, 1048576, SIZE_MAX };
	const char *cl = fuzz_get(envp, "CONTENT_LENGTH");
	struct request rq;
	size_t i, got, want;
	int rc, ref;

	for (i = 0; i < sizeof(limits) / sizeof(limits[0]); i++) {
		got = (size_t)-1;
		rc = request_content_length(cl, limits[i], &got);
		ref = fuzz_length(cl, limits[i], &want);
		if (rc != ref || (rc == BODY_OK && got != want))
			abort();
		/* Only where it reads nothing: a refusal or no body. */
		if (rc == BODY_OK && want != 0)
			continue;
		memset(&rq, 0, sizeof(rq));
		rq.envp = envp;
		if (request_read_body(&rq, limits[i]) != rc ||
		    request_read_body(&rq, limits[i]) != rc)
			abort();
		if (rc == BODY_OK && (rq.body == NULL || rq.body_len != 0 ||
		    rq.body[0] != '\0'))
			abort();
		if (rc != BODY_OK && rq.body != NULL)
			abort();
		free(rq.body);
	}
}

/* The reference of request_content_type_is. */
static int
fuzz_type_is(const char *ct, const char *types)
{
	char want[64];
	const char *w;
	size_t n, tn;

	if (ct == NULL)
		return 0;
	ct += strspn(ct, " ");
	n = strcspn(ct, "; ");
	for (w = types; *w != '\0'; w += tn) {
		w += strspn(w, " ");
		tn = strcspn(w, " ");
		if (tn == 0 || tn >= sizeof(want))
			continue;
		memcpy(want, w, tn);
		want[tn] = '\0';
		if (n == tn && strncasecmp(ct, want, n) == 0)
			return 1;
	}
	return 0;
}

static void
fuzz_check_type(char **envp, const struct request *rq)
{
	static const char *lists[] = { "application/json",
	    "text/plain  application/json ", "application/merge-patch+json",
	    "" };
	const char *ct = fuzz_get(envp, "CONTENT_TYPE");
	size_t i;

	for (i = 0; i < sizeof(lists) / sizeof(lists[0]); i++)
		if (request_content_type_is(rq, lists[i]) !=
		    fuzz_type_is(ct, lists[i]))
			abort();
}

static void
fuzz_check_route(struct request *rq)
{
	char allow[64];
	int rc;

	rc = route_match(rq, fuzz_routes, allow, sizeof(allow));
	if (rc == ROUTE_FOUND) {
		if (rq->route == NULL ||
		    !(strcmp(rq->route->method, rq->method) == 0 ||
		    (strcmp(rq->route->method, "GET") == 0 &&
		    strcmp(rq->method, "HEAD") == 0)))
			abort();
		return;
	}
	if (rc == ROUTE_METHOD_NOT_ALLOWED && allow[0] == '\0')
		abort();
	if (rc != ROUTE_METHOD_NOT_ALLOWED && rc != ROUTE_NOT_FOUND)
		abort();
}

/* auth_check wherever it answers before the database. */
static void
fuzz_check_auth(char **envp, struct request *rq)
{
	const char *key = fuzz_get(envp, "HTTP_X_API_KEY");
	const char *dev = fuzz_get(envp, "HTTP_DEVICE_UUID");
	const char *ak = fuzz_get(envp, "HTTP_API_KEY");
	const char *sig = fuzz_get(envp, "HTTP_API_SIGN");
	const char *code, *want = NULL;
	char v1[SIGN_HEX_LEN + 1];
	int64_t t;

	if (key == NULL || *key == '\0' || strlen(key) > APIKEY_MAX_LEN) {
		code = auth_check(rq, AUTH_MANAGER);
		if (code == NULL || strcmp(code, "UNAUTHENTICATED") != 0 ||
		    rq->who.authenticated)
			abort();
	}
	if (dev == NULL || ak == NULL || sig == NULL || *dev == '\0' ||
	    *ak == '\0' || *sig == '\0')
		want = "SIGNATURE_MISSING";
	else if (uuid_parse(dev, NULL) != 0 ||
	    sign_parse_header(sig, &t, v1) != 0 || strlen(ak) > 128)
		want = "SIGNATURE_INVALID";
	if (want != NULL) {
		code = auth_check(rq, AUTH_AMAGE);
		if (code == NULL || strcmp(code, want) != 0 ||
		    rq->who.authenticated)
			abort();
	}
	if (auth_check(rq, AUTH_NONE) != NULL)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *envp[FUZZ_MAX_PARAMS + 1];
	struct request rq;
	size_t i = 0, start = 0, end, n = 0;

	while (start <= size && n < FUZZ_MAX_PARAMS) {
		for (end = start; end < size && data[end] != '\0' &&
		    data[end] != '\n'; end++)
			;
		if (end == start && end == size)
			break;		/* no empty last string */
		if ((envp[n] = malloc(end - start + 1)) == NULL)
			goto done;
		if (end > start)
			memcpy(envp[n], data + start, end - start);
		envp[n++][end - start] = '\0';
		start = end + 1;
	}
	envp[n] = NULL;

	memset(&rq, 0, sizeof(rq));
	request_init_params(&rq, envp);
	fuzz_check_init(envp, &rq);
	fuzz_check_headers(envp, &rq);
	fuzz_check_length(envp);
	fuzz_check_type(envp, &rq);
	fuzz_check_route(&rq);
	fuzz_check_auth(envp, &rq);
done:
	for (i = 0; i < n; i++)
		free(envp[i]);
	return 0;
}
