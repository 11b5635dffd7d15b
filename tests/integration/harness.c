/*
 * harness: the runner, checks, per-test pool, HTTP client (libcurl), AMAGE
 * signing (lib/sign.h) and command helpers shared by the integration tests.
 * See harness.h for the contract.  Everything is single-threaded: one curl
 * easy handle, reused so that connections to nginx are kept alive.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "config.h"
#include "db.h"
#include "harness.h"
#include "response_log.h"
#include "sign.h"
#include "uuid.h"

#define LAST_BODY_MAX 600		/* bytes of a response shown on failure */

/* ---- per-test state ------------------------------------------------------ */

struct pool_item {
	void *p;
	void (*fn)(void *);
};

static struct pool_item *pool;
static size_t pool_n, pool_cap;

static char *diag;			/* "#   ..." lines of the current test */
static size_t diag_len, diag_cap;
static int cur_failures;

/* What the last request was, for failure messages. */
static struct {
	int valid;
	unsigned seq, shown;		/* request number, last one shown */
	char method[16];
	char path[256];
	long status;
	char error[256];
	char body[LAST_BODY_MAX * 4 + 16];
} last;

static CURL *curl;

static char base_url[512];

/*
 * $PMS_TEST_RACER_URLS (space-separated): the entries forked racers are
 * spread over, one per child in turn by pid, e.g. a cluster's nodes
 * (make test-cluster), so racers of one test write through every node.
 */
static void
racer_url_pick(void)
{
	const char *list = getenv("PMS_TEST_RACER_URLS"), *p, *end;
	int n = 0, k;

	if (list == NULL || list[0] == '\0')
		return;
	for (p = list; *p != '\0'; p = end) {
		p += strspn(p, " ");
		end = p + strcspn(p, " ");
		if (end > p)
			n++;
	}
	if (n == 0)
		return;
	k = (int)(getpid() % n);
	for (p = list; *p != '\0'; p = end) {
		p += strspn(p, " ");
		end = p + strcspn(p, " ");
		if (end > p && k-- == 0) {
			snprintf(base_url, sizeof(base_url), "%.*s",
			    (int)(end - p), p);
			return;
		}
	}
}

const char *
harness_base_url(void)
{
	return base_url;
}

void
harness_forked_child(void)
{
	/* The parent's handle and its kept connection stay the parent's. */
	curl = curl_easy_init();
	racer_url_pick();
}

static void
oom(void)
{
	fputs("Bail out! out of memory\n", stdout);
	exit(2);
}

static void *
xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (p == NULL)
		oom();
	return p;
}

static char *
xstrdup(const char *s)
{
	size_t n = strlen(s);
	char *p = xmalloc(n + 1);

	memcpy(p, s, n + 1);
	return p;
}

static void
diag_addv(const char *fmt, va_list ap)
{
	va_list aq;
	int n;

	va_copy(aq, ap);
	n = vsnprintf(NULL, 0, fmt, aq);
	va_end(aq);
	if (n < 0)
		return;
	if (diag_len + (size_t)n + 1 > diag_cap) {
		size_t cap = diag_cap ? diag_cap : 1024;
		char *p;

		while (diag_len + (size_t)n + 1 > cap)
			cap *= 2;
		if ((p = realloc(diag, cap)) == NULL)
			oom();
		diag = p;
		diag_cap = cap;
	}
	vsnprintf(diag + diag_len, diag_cap - diag_len, fmt, ap);
	diag_len += (size_t)n;
}

static void
diag_add(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_addv(fmt, ap);
	va_end(ap);
}

/* One failure: the message, where, and the last response. */
static void
record_failure(const char *file, int line, const char *msg)
{
	cur_failures++;
	diag_add("#   %s, at %s:%d\n", msg, file, line);
	/* The response once, under the first failure that it explains. */
	if (!last.valid || last.shown == last.seq)
		return;
	last.shown = last.seq;
	if (last.error[0] != '\0')
		diag_add("#     last request: %s %s -> %ld (%s)\n", last.method,
		    last.path, last.status, last.error);
	else
		diag_add("#     last request: %s %s -> %ld\n", last.method,
		    last.path, last.status);
	diag_add("#     body: %s\n", last.body);
}

/* ---- checks ------------------------------------------------------------ */

int
check_true(int ok, const char *file, int line, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	if (ok)
		return 1;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	record_failure(file, line, msg);
	return 0;
}

int
check_int(long long expected, long long got, const char *what,
    const char *file, int line)
{
	if (expected == got)
		return 1;
	return check_true(0, file, line, "%s: expected %lld, got %lld", what,
	    expected, got);
}

int
check_str(const char *expected, const char *got, const char *what,
    const char *file, int line)
{
	if (expected == NULL && got == NULL)
		return 1;
	if (expected != NULL && got != NULL && strcmp(expected, got) == 0)
		return 1;
	return check_true(0, file, line, "%s: expected %s%s%s, got %s%.300s%s",
	    what, expected ? "\"" : "", expected ? expected : "NULL",
	    expected ? "\"" : "", got ? "\"" : "", got ? got : "NULL",
	    got ? "\"" : "");
}

static const char *
find_nocase(const char *h, const char *n)
{
	size_t nl = strlen(n);

	for (; *h != '\0'; h++)
		if (strncasecmp(h, n, nl) == 0)
			return h;
	return nl == 0 ? h : NULL;
}

int
check_contains(const char *haystack, const char *needle, int nocase,
    const char *what, const char *file, int line)
{
	if (haystack != NULL && needle != NULL &&
	    (nocase ? find_nocase(haystack, needle) : strstr(haystack, needle))
	    != NULL)
		return 1;
	return check_true(0, file, line, "%s: expected to contain \"%s\"%s, "
	    "got %s%.300s%s", what, needle ? needle : "NULL",
	    nocase ? " (any case)" : "", haystack ? "\"" : "",
	    haystack ? haystack : "NULL", haystack ? "\"" : "");
}

/* ---- pool -------------------------------------------------------------- */

void *
pool_keep(void *p, void (*fn)(void *))
{
	if (p == NULL)
		return NULL;
	if (pool_n == pool_cap) {
		size_t cap = pool_cap ? pool_cap * 2 : 64;
		struct pool_item *np = realloc(pool, cap * sizeof(*np));

		if (np == NULL)
			oom();
		pool = np;
		pool_cap = cap;
	}
	pool[pool_n].p = p;
	pool[pool_n].fn = fn;
	pool_n++;
	return p;
}

/* Takes p out of the pool without freeing it (it is being freed). */
static void
pool_forget(void *p)
{
	size_t i;

	for (i = 0; i < pool_n; i++)
		if (pool[i].p == p)
			pool[i].p = NULL;
}

static void
pool_drain(void)
{
	while (pool_n > 0) {
		pool_n--;
		if (pool[pool_n].p != NULL)
			pool[pool_n].fn(pool[pool_n].p);
	}
}

char *
pool_strdup(const char *s)
{
	return pool_keep(xstrdup(s), free);
}

char *
pool_printf(const char *fmt, ...)
{
	va_list ap;
	char *p;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		oom();
	p = xmalloc((size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return pool_keep(p, free);
}

static void
cjson_free(void *p)
{
	cJSON_Delete(p);
}

cJSON *
pool_json(cJSON *json)
{
	return pool_keep(json, cjson_free);
}

char *
pool_json_print(const cJSON *json)
{
	char *s = cJSON_PrintUnformatted(json);

	if (s == NULL)
		oom();
	/* cJSON allocates with malloc unless hooks say otherwise. */
	return pool_keep(s, free);
}

char *
fresh_uuid(void)
{
	char u[UUID_STR_LEN + 1];

	if (uuid_generate(u) != 0) {
		fputs("Bail out! uuid_generate failed\n", stdout);
		exit(2);
	}
	return pool_strdup(u);
}

char *
pool_upper(const char *s)
{
	char *p = pool_strdup(s);
	char *q;

	for (q = p; *q != '\0'; q++)
		*q = (char)toupper((unsigned char)*q);
	return p;
}

/* ---- HTTP ---------------------------------------------------------------- */

struct buf {
	char *p;
	size_t len, cap;
};

static int
buf_add(struct buf *b, const void *data, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;
		char *p;

		while (b->len + n + 1 > cap)
			cap *= 2;
		if ((p = realloc(b->p, cap)) == NULL)
			return -1;
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->len, data, n);
	b->len += n;
	b->p[b->len] = '\0';
	return 0;
}

static size_t
on_body(char *data, size_t size, size_t n, void *arg)
{
	if (buf_add(arg, data, size * n) != 0)
		return 0;
	return size * n;
}

static void
headers_clear(struct http_response *r)
{
	int i;

	for (i = 0; i < r->nheaders; i++) {
		free(r->headers[i].name);
		free(r->headers[i].value);
	}
	r->nheaders = 0;
}

/* One header line; a status line starts a new response (after a 1xx). */
static size_t
on_header(char *data, size_t size, size_t n, void *arg)
{
	struct http_response *r = arg;
	size_t len = size * n, nl, vs, ve;
	const char *colon;

	if (len >= 5 && strncmp(data, "HTTP/", 5) == 0) {
		headers_clear(r);
		return len;
	}
	colon = memchr(data, ':', len);
	if (colon == NULL || r->nheaders == HTTP_MAX_HEADERS)
		return len;
	nl = (size_t)(colon - data);
	vs = nl + 1;
	while (vs < len && (data[vs] == ' ' || data[vs] == '\t'))
		vs++;
	ve = len;
	while (ve > vs && (data[ve - 1] == '\r' || data[ve - 1] == '\n' ||
	    data[ve - 1] == ' ' || data[ve - 1] == '\t'))
		ve--;
	r->headers[r->nheaders].name = xmalloc(nl + 1);
	memcpy(r->headers[r->nheaders].name, data, nl);
	r->headers[r->nheaders].name[nl] = '\0';
	r->headers[r->nheaders].value = xmalloc(ve - vs + 1);
	memcpy(r->headers[r->nheaders].value, data + vs, ve - vs);
	r->headers[r->nheaders].value[ve - vs] = '\0';
	r->nheaders++;
	return len;
}

static void
response_destroy(void *p)
{
	struct http_response *r = p;

	headers_clear(r);
	free(r->body);
	cJSON_Delete(r->json);
	free(r);
}

void
http_response_free(struct http_response *r)
{
	if (r == NULL)
		return;
	pool_forget(r);
	response_destroy(r);
}

const char *
http_header(const struct http_response *r, const char *name)
{
	int i;

	for (i = 0; i < r->nheaders; i++)
		if (strcasecmp(r->headers[i].name, name) == 0)
			return r->headers[i].value;
	return NULL;
}

static int
has_header(const char *const *headers, const char *name)
{
	size_t nl = strlen(name);

	for (; headers != NULL && *headers != NULL; headers++)
		if (strncasecmp(*headers, name, nl) == 0 &&
		    ((*headers)[nl] == ':' || (*headers)[nl] == ';'))
			return 1;
	return 0;
}

/* The body as printable text, for failure messages. */
static void
remember(const struct http_response *r)
{
	size_t i, o = 0, n = r->body_len;

	last.valid = 1;
	last.seq++;
	snprintf(last.method, sizeof(last.method), "%s", r->method);
	snprintf(last.path, sizeof(last.path), "%s", r->path);
	last.status = r->status;
	snprintf(last.error, sizeof(last.error), "%s", r->error);
	if (n > LAST_BODY_MAX)
		n = LAST_BODY_MAX;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)r->body[i];

		if (c == '\n') {
			last.body[o++] = '\\';
			last.body[o++] = 'n';
		} else if (c < 0x20 || c == 0x7f) {
			o += (size_t)snprintf(last.body + o,
			    sizeof(last.body) - o, "\\x%02x", c);
		} else {
			last.body[o++] = (char)c;
		}
	}
	if (n < r->body_len)
		o += (size_t)snprintf(last.body + o, sizeof(last.body) - o,
		    "... (%zu bytes)", r->body_len);
	last.body[o] = '\0';
}

struct http_response *
http_request(const char *method, const char *path, const char *const *headers,
    const void *body, size_t body_len)
{
	struct http_response *r = xmalloc(sizeof(*r));
	struct curl_slist *list = NULL, *nl;
	struct buf b = { 0 };
	char url[2048];
	CURLcode rc;
	int ok = 1;

	memset(r, 0, sizeof(*r));
	pool_keep(r, response_destroy);
	snprintf(r->method, sizeof(r->method), "%s", method);
	snprintf(r->path, sizeof(r->path), "%s", path);
	snprintf(url, sizeof(url), "%s%s", base_url, path);

	curl_easy_reset(curl);
	curl_easy_setopt(curl, CURLOPT_URL, url);
	curl_easy_setopt(curl, CURLOPT_PATH_AS_IS, 1L);
	curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, 5000L);
	curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, 30000L);
	curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(curl, CURLOPT_WRITEDATA, &b);
	curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(curl, CURLOPT_HEADERDATA, r);
	/* PMS_TEST_VERBOSE=1: libcurl traces the exchange on stderr. */
	if (getenv("PMS_TEST_VERBOSE") != NULL)
		curl_easy_setopt(curl, CURLOPT_VERBOSE, 1L);

	if (body != NULL || strcmp(method, "POST") == 0 ||
	    strcmp(method, "PUT") == 0 || strcmp(method, "PATCH") == 0) {
		curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE,
		    (curl_off_t)(body ? body_len : 0));
		curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body ? body : "");
		if (strcmp(method, "POST") != 0)
			curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method);
		/* Else curl would say application/x-www-form-urlencoded. */
		if (!has_header(headers, "Content-Type")) {
			nl = curl_slist_append(list, body_len > 0 ?
			    "Content-Type: application/json" : "Content-Type:");
			if (nl != NULL)
				list = nl;
			else
				ok = 0;
		}
	} else if (strcmp(method, "HEAD") == 0) {
		curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
	} else if (strcmp(method, "GET") != 0) {
		curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method);
	}
	/* Send bodies at once, as most clients do, never "100-continue". */
	if ((nl = curl_slist_append(list, "Expect:")) != NULL)
		list = nl;
	else
		ok = 0;
	for (; headers != NULL && *headers != NULL; headers++) {
		if ((nl = curl_slist_append(list, *headers)) != NULL)
			list = nl;
		else
			ok = 0;
	}
	if (!ok)
		oom();
	curl_easy_setopt(curl, CURLOPT_HTTPHEADER, list);

	rc = curl_easy_perform(curl);
	if (rc != CURLE_OK)
		snprintf(r->error, sizeof(r->error), "curl: %s",
		    curl_easy_strerror(rc));
	/* A response may have come even when sending the body failed. */
	curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &r->status);
	curl_slist_free_all(list);

	if (b.p == NULL && buf_add(&b, "", 0) != 0)
		oom();
	r->body = b.p;
	r->body_len = b.len;
	/*
	 * Strict: the whole body is one JSON value.  cJSON wants the length
	 * to include the NUL it must find at the end; an embedded NUL is
	 * not JSON.
	 */
	if (strlen(r->body) == r->body_len)
		r->json = cJSON_ParseWithLengthOpts(r->body, r->body_len + 1,
		    NULL, 1);
	remember(r);
	response_log_write(r);
	return r;
}

struct http_response *
pms_request(const char *method, const char *path, const char *api_key,
    const char *const *extra_headers, const void *body, size_t body_len)
{
	const char *h[40];
	int n = 0;

	if (api_key != NULL)
		h[n++] = pool_printf("X-API-Key: %s", api_key);
	for (; extra_headers != NULL && *extra_headers != NULL && n < 39;
	    extra_headers++)
		h[n++] = *extra_headers;
	h[n] = NULL;
	return http_request(method, path, h, body, body_len);
}

struct http_response *
pms_get(const char *path, const char *api_key)
{
	return pms_request("GET", path, api_key, NULL, NULL, 0);
}

/* ---- AMAGE ---------------------------------------------------------------- */

/*
 * Signatures this process sent on POST and DELETE.  The server refuses a
 * second use of one (SPEC 3.1), and two identical requests in the same
 * second sign the same, so a repeat moves t one second on instead.
 */
static char (*sent_signs)[SIGN_HEX_LEN + 1];
static size_t sent_n, sent_cap;

static int
sign_was_sent(const char *hex)
{
	size_t i;

	for (i = 0; i < sent_n; i++)
		if (strcmp(sent_signs[i], hex) == 0)
			return 1;
	return 0;
}

static void
sign_remember(const char *hex)
{
	if (sent_n == sent_cap) {
		size_t cap = sent_cap ? sent_cap * 2 : 256;
		void *p = realloc(sent_signs, cap * sizeof(*sent_signs));

		if (p == NULL)
			oom();
		sent_signs = p;
		sent_cap = cap;
	}
	snprintf(sent_signs[sent_n++], SIGN_HEX_LEN + 1, "%s", hex);
}

struct http_response *
amage_request(const char *method, const char *path, const void *body,
    size_t body_len, struct amage_opts *o)
{
	struct amage_opts def;
	const char *h[48];
	const char *key, *secret, *device, *sbody;
	const char *const *x;
	char hex[SIGN_HEX_LEN + 1];
	size_t sbody_len;
	long long t;
	int n = 0, unique;

	if (o == NULL) {
		memset(&def, 0, sizeof(def));
		o = &def;
	}
	key = o->api_key ? o->api_key : AMAGE_DEMO_KEY;
	secret = o->secret ? o->secret : AMAGE_DEMO_SECRET;
	device = o->device_uuid ? o->device_uuid : AMAGE_DEMO_DEVICE;

	if (o->sign_header != NULL) {
		snprintf(o->used_sign, sizeof(o->used_sign), "%s",
		    o->sign_header);
	} else {
		unique = !o->has_t && o->signature == NULL &&
		    (strcmp(method, "POST") == 0 ||
		    strcmp(method, "DELETE") == 0);
		t = o->has_t ? o->t : (long long)time(NULL) + o->time_offset;
		sbody = o->has_sign_body ? o->sign_body : body;
		sbody_len = o->has_sign_body ? o->sign_body_len : body_len;
		for (;;) {
			if (sign_compute(secret, (int64_t)t,
			    o->sign_method ? o->sign_method : method,
			    o->sign_uri ? o->sign_uri : path,
			    o->sign_device ? o->sign_device : device,
			    sbody ? sbody : "", sbody ? sbody_len : 0,
			    hex) != 0) {
				FAIL("sign_compute failed for %s %s", method,
				    path);
				hex[0] = '\0';
				break;
			}
			if (!unique || !sign_was_sent(hex))
				break;
			t++;
		}
		if (unique && hex[0] != '\0')
			sign_remember(hex);
		snprintf(o->used_sign, sizeof(o->used_sign), "t=%lld,v1=%s", t,
		    o->signature ? o->signature : hex);
	}

	if (!(o->omit & AMAGE_OMIT_DEVICE))
		h[n++] = pool_printf("device-uuid: %s", device);
	if (!(o->omit & AMAGE_OMIT_API_KEY))
		h[n++] = pool_printf("api-key: %s", key);
	if (!(o->omit & AMAGE_OMIT_SIGN))
		h[n++] = pool_printf("api-sign: %s", o->used_sign);
	if (o->content_type != NULL)
		h[n++] = o->content_type[0] == '\0' ? "Content-Type:" :
		    pool_printf("Content-Type: %s", o->content_type);
	for (x = o->extra_headers; x != NULL && *x != NULL && n < 47; x++)
		h[n++] = *x;
	h[n] = NULL;
	return http_request(method, path, h, body, body_len);
}

struct http_response *
amage_get(const char *path)
{
	return amage_request("GET", path, NULL, 0, NULL);
}

struct http_response *
amage_post(const char *path, const char *json)
{
	return amage_request("POST", path, json, json ? strlen(json) : 0,
	    NULL);
}

long long
amage_count_at(const char *file, int line)
{
	struct http_response *r = amage_get(WO_BASE "/count");
	long long n = -1;

	if (!check_status_at(r, 200, file, line))
		goto out;
	if (!check_true(r->json != NULL && cJSON_IsNumber(r->json) &&
	    r->json->valuedouble >= 0 &&
	    r->json->valuedouble == (double)(long long)r->json->valuedouble,
	    file, line, "GET /count: expected a bare non-negative integer"))
		goto out;
	n = (long long)r->json->valuedouble;
out:
	http_response_free(r);
	return n;
}

/* ---- response checks ------------------------------------------------------ */

int
check_status_at(const struct http_response *r, long status, const char *file,
    int line)
{
	return check_true(r->status == status, file, line,
	    "%s %s: expected HTTP status %ld, got %ld", r->method, r->path,
	    status, r->status);
}

int
check_json_at(const struct http_response *r, const char *file, int line)
{
	const char *ct = http_header(r, "Content-Type");
	size_t n;
	int ok = 1;

	if (ct == NULL) {
		ok = check_true(0, file, line, "%s %s: no Content-Type header",
		    r->method, r->path);
	} else {
		n = strcspn(ct, "; \t");
		ok = check_true(n == strlen("application/json") &&
		    strncasecmp(ct, "application/json", n) == 0, file, line,
		    "%s %s: expected Content-Type application/json, got \"%s\"",
		    r->method, r->path, ct);
	}
	return check_true(r->json != NULL, file, line,
	    "%s %s: the body is not JSON", r->method, r->path) && ok;
}

int
check_pms_error_at(const struct http_response *r, long status,
    const char *code, const char *file, int line)
{
	const cJSON *j = r->json, *origin;
	const char *trace, *hdr;
	int ok;

	ok = check_status_at(r, status, file, line);
	ok &= check_json_at(r, file, line);
	if (j == NULL || !cJSON_IsObject(j))
		return check_true(0, file, line, "expected a JSON object") && 0;
	ok &= check_json_str_at(j, "code", code, file, line);
	ok &= check_true(jstr(j, "message") && jstr(j, "message")[0] != '\0',
	    file, line, "expected a non-empty \"message\" string");
	ok &= check_json_num_at(j, "status", (double)status, file, line);
	trace = jstr(j, "traceId");
	ok &= check_true(trace != NULL && trace[0] != '\0', file, line,
	    "expected a non-empty \"traceId\" string");
	hdr = http_header(r, "X-Trace-Id");
	ok &= check_true(hdr != NULL && trace != NULL && strcmp(hdr, trace) == 0,
	    file, line, "expected header X-Trace-Id equal to traceId \"%s\", "
	    "got \"%s\"", trace ? trace : "(none)", hdr ? hdr : "(none)");
	origin = jget(j, "origin");
	ok &= check_true(cJSON_IsObject(origin) &&
	    jstr(origin, "boundedContext") != NULL &&
	    jstr(origin, "boundedContext")[0] != '\0' &&
	    jstr(origin, "module") != NULL && jstr(origin, "module")[0] != '\0',
	    file, line, "expected \"origin\":{\"boundedContext\":<string>,"
	    "\"module\":<string>}");
	return ok;
}

int
check_amage_error_at(const struct http_response *r, long status,
    int error_code, const char *file, int line)
{
	const cJSON *j = r->json;
	int ok;

	ok = check_status_at(r, status, file, line);
	ok &= check_json_at(r, file, line);
	if (j == NULL || !cJSON_IsObject(j))
		return check_true(0, file, line, "expected a JSON object") && 0;
	ok &= check_json_null_at(j, "id", file, line);
	ok &= check_json_null_at(j, "uuid", file, line);
	ok &= check_json_bool_at(j, "success", 0, file, line);
	ok &= check_json_num_at(j, "errorCode", error_code, file, line);
	ok &= check_true(jstr(j, "message") != NULL, file, line,
	    "expected a \"message\" string");
	return ok;
}

int
check_amage_ok_at(const struct http_response *r, const char *file, int line)
{
	const cJSON *j = r->json, *id;
	int ok;

	ok = check_status_at(r, 200, file, line);
	ok &= check_json_at(r, file, line);
	if (j == NULL || !cJSON_IsObject(j))
		return check_true(0, file, line, "expected a JSON object") && 0;
	id = jget(j, "id");
	ok &= check_true(cJSON_IsNumber(id) && id->valuedouble >= 1 &&
	    id->valuedouble == (double)(long long)id->valuedouble, file, line,
	    "expected \"id\" a positive integer");
	ok &= check_true(is_lower_uuid(jstr(j, "uuid")), file, line,
	    "expected \"uuid\" a lower-case uuid, got \"%s\"",
	    jstr(j, "uuid") ? jstr(j, "uuid") : "(not a string)");
	ok &= check_json_bool_at(j, "success", 1, file, line);
	ok &= check_json_num_at(j, "errorCode", 0, file, line);
	ok &= check_json_str_at(j, "message", "", file, line);
	return ok;
}

/* ---- JSON ---------------------------------------------------------------- */

const cJSON *
jget(const cJSON *obj, const char *key)
{
	if (obj == NULL || !cJSON_IsObject(obj))
		return NULL;
	return cJSON_GetObjectItemCaseSensitive(obj, key);
}

const char *
jstr(const cJSON *obj, const char *key)
{
	const cJSON *v = jget(obj, key);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* A short JSON rendering of v for messages, in the pool. */
const char *
jshow(const cJSON *v)
{
	char *s;

	if (v == NULL)
		return "(absent)";
	if ((s = cJSON_PrintUnformatted(v)) == NULL)
		return "(?)";
	if (strlen(s) > 200)
		strcpy(s + 190, "...");
	return pool_keep(s, free);
}

int
check_json_str_at(const cJSON *obj, const char *key, const char *expected,
    const char *file, int line)
{
	const cJSON *v = jget(obj, key);

	return check_true(cJSON_IsString(v) &&
	    strcmp(v->valuestring, expected) == 0, file, line,
	    "\"%s\": expected \"%s\", got %s", key, expected, jshow(v));
}

int
check_json_null_at(const cJSON *obj, const char *key, const char *file,
    int line)
{
	const cJSON *v = jget(obj, key);

	return check_true(cJSON_IsNull(v), file, line,
	    "\"%s\": expected null, got %s", key, jshow(v));
}

int
check_json_num_at(const cJSON *obj, const char *key, double expected,
    const char *file, int line)
{
	const cJSON *v = jget(obj, key);

	return check_true(cJSON_IsNumber(v) && v->valuedouble == expected,
	    file, line, "\"%s\": expected %.17g, got %s", key, expected,
	    jshow(v));
}

int
check_json_bool_at(const cJSON *obj, const char *key, int expected,
    const char *file, int line)
{
	const cJSON *v = jget(obj, key);

	return check_true(cJSON_IsBool(v) && !!cJSON_IsTrue(v) == !!expected,
	    file, line, "\"%s\": expected %s, got %s", key,
	    expected ? "true" : "false", jshow(v));
}

/* ---- strings --------------------------------------------------------------- */

int
is_lower_uuid(const char *s)
{
	int i;

	if (s == NULL || strlen(s) != UUID_STR_LEN)
		return 0;
	for (i = 0; i < UUID_STR_LEN; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (s[i] != '-')
				return 0;
		} else if (!((s[i] >= '0' && s[i] <= '9') ||
		    (s[i] >= 'a' && s[i] <= 'f'))) {
			return 0;
		}
	}
	return 1;
}

int
is_local_datetime(const char *s)
{
	static const char shape[] = "dddd-dd-ddTdd:dd:dd";
	int i;

	if (s == NULL || strlen(s) != sizeof(shape) - 1)
		return 0;
	for (i = 0; shape[i] != '\0'; i++)
		if (shape[i] == 'd' ? !isdigit((unsigned char)s[i]) :
		    s[i] != shape[i])
			return 0;
	return 1;
}

static int
is_word_char(char c)
{
	return isalnum((unsigned char)c) || c == '_';
}

int
contains_word(const char *s, const char *word)
{
	size_t wl = strlen(word);
	const char *p;

	if (s == NULL || wl == 0)
		return 0;
	for (p = strstr(s, word); p != NULL; p = strstr(p + 1, word))
		if ((p == s || !is_word_char(p[-1])) && !is_word_char(p[wl]))
			return 1;
	return 0;
}

/* ---- commands -------------------------------------------------------------- */

static char root_buf[4096];

const char *
pms_root(void)
{
	static const char tail[] = "/build/asan/tests/integration/";
	const char *e = getenv("PMS_ROOT");
	char exe[4096];
	ssize_t n;
	char *p;

	if (root_buf[0] != '\0')
		return root_buf;
	if (e != NULL && e[0] != '\0') {
		snprintf(root_buf, sizeof(root_buf), "%s", e);
		return root_buf;
	}
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		if ((p = strstr(exe, tail)) != NULL &&
		    strchr(p + strlen(tail), '/') == NULL) {
			*p = '\0';
			snprintf(root_buf, sizeof(root_buf), "%s", exe);
			return root_buf;
		}
	}
	snprintf(root_buf, sizeof(root_buf), ".");
	return root_buf;
}

int
run_command(const char *const *argv, char **out)
{
	struct buf b = { 0 };
	int fds[2], status, devnull;
	char chunk[4096];
	pid_t pid;
	ssize_t n;

	if (pipe(fds) != 0)
		return -1;
	fflush(stdout);
	fflush(stderr);
	if ((pid = fork()) < 0) {
		close(fds[0]);
		close(fds[1]);
		return -1;
	}
	if (pid == 0) {
		devnull = open("/dev/null", O_RDONLY);
		if (devnull >= 0)
			dup2(devnull, 0);
		dup2(fds[1], 1);
		dup2(fds[1], 2);
		close(fds[0]);
		close(fds[1]);
		execvp(argv[0], (char *const *)argv);
		fprintf(stderr, "cannot run %s: %s\n", argv[0],
		    strerror(errno));
		_exit(127);
	}
	close(fds[1]);
	for (;;) {
		n = read(fds[0], chunk, sizeof(chunk));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		/* Keep the first 1 MiB; drain the rest. */
		if (b.len < (1u << 20) && buf_add(&b, chunk, (size_t)n) != 0)
			oom();
	}
	close(fds[0]);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	if (out != NULL) {
		if (b.p == NULL && buf_add(&b, "", 0) != 0)
			oom();
		*out = pool_keep(b.p, free);
	} else {
		free(b.p);
	}
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return -1;
}

const char *
pms_var_dir(void)
{
	static char var_buf[4200];
	const char *e = getenv("PMS_TEST_VAR");

	if (var_buf[0] != '\0')
		return var_buf;
	if (e != NULL && e[0] != '\0')
		snprintf(var_buf, sizeof(var_buf), "%s", e);
	else
		snprintf(var_buf, sizeof(var_buf), "%s/var", pms_root());
	return var_buf;
}

static const char *
admin_path(void)
{
	const char *e = getenv("PMS_ADMIN");

	if (e != NULL && e[0] != '\0')
		return e;
	return pool_printf("%s/bin/pms-admin", pms_root());
}

const char *
admin_run_at(const char *file, int line, const char *arg, ...)
{
	const char *argv[64];
	char cmd[2048];
	size_t o = 0;
	char *out = NULL;
	va_list ap;
	int argc = 0, i, rc;

	argv[argc++] = admin_path();
	va_start(ap, arg);
	for (; arg != NULL && argc < 63; arg = va_arg(ap, const char *))
		argv[argc++] = arg;
	va_end(ap);
	argv[argc] = NULL;

	/* Its stderr comes along; kv_get() looks for the keys it wants. */
	rc = run_command(argv, &out);
	if (rc == 0)
		return out;
	cmd[0] = '\0';
	for (i = 0; i < argc && o < sizeof(cmd) - 1; i++)
		o += (size_t)snprintf(cmd + o, sizeof(cmd) - o, "%s%s",
		    i ? " " : "", argv[i]);
	check_true(0, file, line, "%s: exit %d, output: %.500s", cmd, rc,
	    out ? out : "");
	return NULL;
}

const char *
kv_get(const char *out, const char *key)
{
	size_t kl = strlen(key), vl;
	const char *p;

	if (out == NULL)
		return NULL;
	for (p = out; (p = strstr(p, key)) != NULL; p++) {
		if ((p != out && !isspace((unsigned char)p[-1])) || p[kl] != '=')
			continue;
		p += kl + 1;
		vl = strcspn(p, " \t\r\n");
		return pool_printf("%.*s", (int)vl, p);
	}
	return NULL;
}

char *
read_file_tail(const char *path, size_t max)
{
	struct buf b = { 0 };
	char chunk[65536];
	struct stat st;
	size_t i;
	ssize_t n;
	int fd;

	if ((fd = open(path, O_RDONLY)) < 0)
		return NULL;
	if (fstat(fd, &st) == 0 && (size_t)st.st_size > max)
		lseek(fd, (off_t)(st.st_size - (off_t)max), SEEK_SET);
	while ((n = read(fd, chunk, sizeof(chunk))) > 0)
		if (buf_add(&b, chunk, (size_t)n) != 0)
			oom();
	close(fd);
	if (b.p == NULL && buf_add(&b, "", 0) != 0)
		oom();
	/* So that string functions see the whole file. */
	for (i = 0; i < b.len; i++)
		if (b.p[i] == '\0')
			b.p[i] = '\n';
	return pool_keep(b.p, free);
}

double
now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void
sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

/* ---- runner -------------------------------------------------------------- */

/*
 * The stack's DB settings for the admin tool, when the runner did not
 * export them: "export PMS_X=... PMS_Y=..." lines of <var>/pms.env.
 */
static void
load_pms_env(void)
{
	char path[4200], line[4096], *tok, *save, *eq;
	FILE *f;

	if (getenv("PMS_DB_NAME") != NULL || getenv("PMS_DB_SOCKET") != NULL)
		return;
	snprintf(path, sizeof(path), "%s/pms.env", pms_var_dir());
	if ((f = fopen(path, "r")) == NULL)
		return;
	while (fgets(line, sizeof(line), f) != NULL) {
		for (tok = strtok_r(line, " \t\r\n", &save); tok != NULL;
		    tok = strtok_r(NULL, " \t\r\n", &save)) {
			size_t vl;

			if (strncmp(tok, "PMS_", 4) != 0 ||
			    (eq = strchr(tok, '=')) == NULL)
				continue;
			*eq++ = '\0';
			vl = strlen(eq);
			if (vl >= 2 && (eq[0] == '"' || eq[0] == '\'') &&
			    eq[vl - 1] == eq[0]) {
				eq[vl - 1] = '\0';
				eq++;
			}
			setenv(tok, eq, 0);
		}
	}
	fclose(f);
}

static const char *
base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

static int
selected(int argc, char **argv, const char *name)
{
	int i;

	if (argc <= 1)
		return 1;
	for (i = 1; i < argc; i++)
		if (strcmp(argv[i], name) == 0)
			return 1;
	return 0;
}

int
harness_main(int argc, char **argv, const char *file,
    const struct test_case *tests)
{
	const struct test_case *t;
	const char *url = getenv("PMS_TEST_URL");
	struct http_response *probe;
	int passed = 0, failed = 0, planned = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGPIPE, SIG_IGN);
	snprintf(base_url, sizeof(base_url), "%s",
	    url && url[0] ? url : "http://127.0.0.1:8080");
	if (base_url[0] != '\0' && base_url[strlen(base_url) - 1] == '/')
		base_url[strlen(base_url) - 1] = '\0';
	load_pms_env();
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != 0 ||
	    (curl = curl_easy_init()) == NULL) {
		printf("Bail out! libcurl could not start\n");
		return 2;
	}

	for (t = tests; t->name != NULL; t++)
		if (selected(argc, argv, t->name))
			planned++;
	printf("1..%d\n", planned);

	probe = http_request("GET", "/", NULL, NULL, 0);
	if (probe->status == 0) {
		printf("Bail out! %s is not reachable (%s)\n", base_url,
		    probe->error);
		printf("# %s: 0 passed, %d failed\n", base_name(file), planned);
		pool_drain();
		curl_easy_cleanup(curl);
		curl_global_cleanup();
		return 2;
	}
	pool_drain();

	for (t = tests; t->name != NULL; t++) {
		if (!selected(argc, argv, t->name))
			continue;
		cur_failures = 0;
		diag_len = 0;
		last.valid = 0;
		t->fn();
		pool_drain();
		if (cur_failures == 0) {
			printf("ok - %s\n", t->name);
			passed++;
		} else {
			printf("not ok - %s\n", t->name);
			fwrite(diag, 1, diag_len, stdout);
			failed++;
		}
	}
	printf("# %s: %d passed, %d failed\n", base_name(file), passed, failed);
	free(diag);
	free(pool);
	free(sent_signs);
	curl_easy_cleanup(curl);
	curl_global_cleanup();
	return failed ? 1 : 0;
}

/* ---- the database of the stack under test -------------------------------- */

static struct config harness_db_cfg;
static struct db *harness_db_handle;

struct db *
harness_db_at(const char *file, int line)
{
	if (harness_db_handle == NULL && config_load(&harness_db_cfg) == 0)
		harness_db_handle = db_new(&harness_db_cfg);
	if (harness_db_handle == NULL) {
		check_true(0, file, line, "no database handle: config_load "
		    "or db_new failed (PMS_DB_* environment)");
		return NULL;
	}
	if (db_ensure(harness_db_handle) != DB_OK) {
		check_true(0, file, line, "the database cannot be reached: "
		    "%u %s", db_errno(harness_db_handle),
		    db_error(harness_db_handle));
		return NULL;
	}
	return harness_db_handle;
}

void
harness_rows_free(void *rows)
{
	db_rows_free(rows);
}

struct db_rows *
harness_sql_va(const char *file, int line, int query, const char *sql,
    int n, va_list ap)
{
	static struct db_rows done;	/* what a statement answers */
	struct db_param p[HARNESS_SQL_MAX_PARAMS];
	struct db_rows *rows = NULL;
	struct db *db;
	int i, rc;

	if (!check_true(n <= HARNESS_SQL_MAX_PARAMS, file, line,
	    "too many parameters") || (db = harness_db_at(file, line)) == NULL)
		return NULL;
	for (i = 0; i < n; i++)
		p[i] = DB_STR(va_arg(ap, const char *));
	rc = query ? db_query(db, sql, p, n, &rows) :
	    db_exec(db, sql, p, n, NULL, NULL);
	if (!check_true(rc == DB_OK, file, line, "SQL failed (%d, %u %s): "
	    "%.120s", rc, db_errno(db), db_error(db), sql)) {
		db_rows_free(rows);
		return NULL;
	}
	return query ? pool_keep(rows, harness_rows_free) : &done;
}

struct db_rows *
harness_sql_at(const char *file, int line, int query, const char *sql,
    int n, ...)
{
	struct db_rows *rows;
	va_list ap;

	va_start(ap, n);
	rows = harness_sql_va(file, line, query, sql, n, ap);
	va_end(ap);
	return rows;
}

int
check_read_faults_at(const char *path, const char *api_key, int queries,
    const char *file, int line)
{
	const char *hdr[2] = { NULL, NULL }, *fired;
	struct http_response *r;
	int n, ok = 1;

	for (n = 1; n <= queries + 1; n++) {
		hdr[0] = pool_printf("X-Pms-Fault: %d:timeout", n);
		r = pms_request("GET", path, api_key, hdr, NULL, 0);
		fired = http_header(r, "X-Pms-Fault-Fired");
		if (n <= queries)
			ok &= check_pms_error_at(r, 503, "SERVICE_UNAVAILABLE",
			    file, line);
		else
			ok &= check_status_at(r, 200, file, line);
		ok &= check_true(fired != NULL && strcmp(fired,
		    n <= queries ? "1" : "0") == 0, file, line,
		    "%s, fault at call %d: X-Pms-Fault-Fired %s", path, n,
		    fired ? fired : "(none)");
	}
	return ok;
}
