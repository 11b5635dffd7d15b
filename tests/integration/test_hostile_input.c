/*
 * test_hostile_input: what a careless or hostile client sends, through the
 * real stack, and the one thing it must always get back: an answer in our
 * envelope, never nginx's HTML, never a truncated or altered record.
 *   - bodies that are not RFC 8259 JSON (a bad \u escape, a lone
 *     surrogate, 01, 1., a BOM, numbers a double cannot hold) sent to
 *     AMAGE add: 400/400 MALFORMED_JSON and nothing stored;
 *   - HTTP that nginx refuses itself (bad or doubled Content-Length,
 *     chunked plus Content-Length, %00, TRACE, a header or URI over 8 KiB,
 *     an unknown Transfer-Encoding, HTTP/2.0 on HTTP/1, garbage), sent
 *     byte for byte over a raw TCP socket: status, Content-Type
 *     application/json and the envelope of the path's family;
 *   - HEAD on GET routes, answered as GET without a body;
 *   - AMAGE list pages past the end however many digits they have.
 * Raw requests go to 127.0.0.1 on the port of $PMS_TEST_URL only.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "harness.h"
#include "json.h"

#define ADD_PATH	WO_BASE "/add"
#define LIST_PATH	WO_BASE "/list"
#define UNIT_PATH	"/v1/units/" UNIT_PARIS_01

/* How long a raw exchange may take before it counts as no answer. */
#define RAW_TIMEOUT_MS	10000
#define RAW_MAX		(1024 * 1024)

/* ======================================================================== */
/* a raw HTTP/1.1 client, byte-exact                                         */
/* ======================================================================== */

static void
raw_response_free(void *p)
{
	struct http_response *r = p;
	int i;

	for (i = 0; i < r->nheaders; i++) {
		free(r->headers[i].name);
		free(r->headers[i].value);
	}
	free(r->body);
	cJSON_Delete(r->json);
	free(r);
}

/* The port of $PMS_TEST_URL (default 8080); only the port is taken. */
static int
raw_port(void)
{
	const char *url = getenv("PMS_TEST_URL"), *p;
	long port;

	if (url == NULL || (p = strrchr(url, ':')) == NULL || p[1] == '/')
		return 8080;
	port = strtol(p + 1, NULL, 10);
	return port > 0 && port < 65536 ? (int)port : 8080;
}

/* Reads until the peer closes, len reaches want, or the deadline. */
static size_t
raw_read(int fd, char *buf, size_t len, size_t want, double deadline)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	ssize_t n;
	int left;

	while (len < want && len < RAW_MAX) {
		left = (int)((deadline - now_seconds()) * 1000);
		if (left <= 0 || poll(&pfd, 1, left) <= 0)
			break;
		if ((n = read(fd, buf + len, RAW_MAX - len)) <= 0)
			break;
		len += (size_t)n;
	}
	return len;
}

/* Status line and headers of buf[0..head) into r; 0 when malformed. */
static int
raw_parse_head(struct http_response *r, char *buf, size_t head)
{
	char *line, *next, *colon, *v;

	buf[head + 2] = '\0';	/* keeps the last header's CRLF */
	if (sscanf(buf, "HTTP/1.%*1d %ld", &r->status) != 1)
		return 0;
	for (line = strstr(buf, "\r\n"); line != NULL; line = next) {
		line += 2;
		if ((next = strstr(line, "\r\n")) == NULL || next == line)
			break;
		*next = '\0';
		if ((colon = strchr(line, ':')) == NULL ||
		    r->nheaders == HTTP_MAX_HEADERS)
			continue;
		*colon = '\0';
		for (v = colon + 1; *v == ' ' || *v == '\t'; v++)
			;
		r->headers[r->nheaders].name = strdup(line);
		r->headers[r->nheaders].value = strdup(v);
		r->nheaders++;
	}
	return 1;
}

/*
 * Sends req[0..len) as it is and reads one response, its body by
 * Content-Length.  Never NULL; kept in the test's pool.  label names the
 * request in failure messages.
 */
static struct http_response *
raw_exchange(const char *label, const void *req, size_t len)
{
	struct http_response *r = calloc(1, sizeof(*r));
	struct sockaddr_in sa = { .sin_family = AF_INET };
	char *buf = malloc(RAW_MAX + 1), *end;
	double deadline = now_seconds() + RAW_TIMEOUT_MS / 1000.0;
	size_t got = 0, head, want;
	const char *cl;
	int fd = -1;

	if (r == NULL || buf == NULL) {
		free(r);
		free(buf);
		abort();
	}
	pool_keep(r, raw_response_free);
	snprintf(r->method, sizeof(r->method), "raw");
	snprintf(r->path, sizeof(r->path), "%s", label);
	sa.sin_port = htons((unsigned short)raw_port());
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) < 0 ||
	    connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 ||
	    write(fd, req, len) != (ssize_t)len) {
		snprintf(r->error, sizeof(r->error), "%s", strerror(errno));
		goto done;
	}
	/* The head first, then exactly the body it announces. */
	for (end = NULL; end == NULL; ) {
		size_t before = got;

		got = raw_read(fd, buf, got, got + 1, deadline);
		buf[got] = '\0';
		end = strstr(buf, "\r\n\r\n");
		if (got == before)
			break;
	}
	if (end == NULL || !raw_parse_head(r, buf, (size_t)(end - buf))) {
		snprintf(r->error, sizeof(r->error), "no HTTP response head "
		    "in %zu bytes", got);
		r->status = 0;
		goto done;
	}
	head = (size_t)(end - buf) + 4;
	cl = http_header(r, "Content-Length");
	want = cl ? (size_t)strtoul(cl, NULL, 10) : RAW_MAX;
	got = raw_read(fd, buf, got, head + want, deadline);
	r->body_len = got - head < want ? got - head : want;
	if ((r->body = malloc(r->body_len + 1)) == NULL)
		abort();
	memcpy(r->body, buf + head, r->body_len);
	r->body[r->body_len] = '\0';
	if (json_parse(r->body, r->body_len, JSON_MAX_DEPTH, &r->json, NULL,
	    0) != JSON_OK)
		r->json = NULL;
done:
	if (fd >= 0)
		close(fd);
	free(buf);
	return r;
}

/* The start of a raw POST, up to its first header, for each family. */
#define PMS_POST	"POST " UNIT_PATH "/out-of-service HTTP/1.1\r\nHost: t\r\n"
#define AMAGE_POST	"POST " ADD_PATH " HTTP/1.1\r\nHost: t\r\n"

/* A raw request given as a C string literal. */
#define RAW(label, literal) \
	raw_exchange((label), (literal), sizeof(literal) - 1)

/* n copies of c, NUL-terminated, kept in the test's pool. */
static char *
repeated(char c, size_t n)
{
	char *s = pool_keep(malloc(n + 1), free);

	if (s == NULL)
		abort();
	memset(s, c, n);
	s[n] = '\0';
	return s;
}

/* The response came with no body (HEAD). */
static int
check_no_body_at(const struct http_response *r, const char *file, int line)
{
	return check_true(r->body_len == 0, file, line,
	    "%s %s: expected no body, got %zu bytes", r->method, r->path,
	    r->body_len);
}
#define CHECK_NO_BODY(r)	check_no_body_at((r), __FILE__, __LINE__)

/* ======================================================================== */
/* bodies that are not JSON: 400/400 MALFORMED_JSON, nothing stored          */
/* ======================================================================== */

/* AMAGE's text for MALFORMED_JSON (envelope.c): not a validation answer. */
#define MALFORMED_MESSAGE	"Malformed JSON body"

/* Each body (NULL-terminated) sent to add: 400/400 malformed, count kept. */
static void
add_refused_as_malformed_at(const char *const *bodies, const char *file,
    int line)
{
	long long before = amage_count_at(file, line);
	struct http_response *r;

	for (; *bodies != NULL; bodies++) {
		r = amage_post(ADD_PATH, *bodies);
		if (!check_amage_error_at(r, 400, 400, file, line) ||
		    !check_json_str_at(r->json, "message", MALFORMED_MESSAGE,
		    file, line))
			check_true(0, file, line, "body was: %s", *bodies);
	}
	check_int(before, amage_count_at(file, line), "work orders after",
	    file, line);
}
#define ADD_REFUSED_AS_MALFORMED(...)					\
	add_refused_as_malformed_at((const char *const[]){ __VA_ARGS__, NULL }, \
	    __FILE__, __LINE__)

TEST(add_with_bad_unicode_escape_is_400_malformed_and_stores_nothing)
{
	ADD_REFUSED_AS_MALFORMED("{\"name\":\"a\\uZZZZb\"}",
	    "{\"name\":\"a\\u12zzb\"}", "{\"name\":\"a\\u12\"}",
	    "{\"name\":\"a\\xb\"}");
}

TEST(add_with_lone_surrogate_escape_is_400_malformed_and_stores_nothing)
{
	ADD_REFUSED_AS_MALFORMED("{\"name\":\"a\\ud800b\"}",
	    "{\"name\":\"a\\udc00b\"}", "{\"name\":\"a\\ud800\\u0041\"}");
}

TEST(add_with_leading_zero_number_is_400_malformed_and_stores_nothing)
{
	ADD_REFUSED_AS_MALFORMED("{\"budget\":01}",
	    "{\"name\":\"itest hostile\",\"budget\":01}",
	    "{\"name\":\"itest hostile\",\"budget\":-00.5}");
}

TEST(add_with_number_ending_in_a_point_is_400_malformed_and_stores_nothing)
{
	ADD_REFUSED_AS_MALFORMED("{\"budget\":1.}",
	    "{\"name\":\"itest hostile\",\"budget\":1.}",
	    "{\"name\":\"itest hostile\",\"budget\":-.5}",
	    "{\"name\":\"itest hostile\",\"budget\":1.e2}");
}

TEST(add_with_utf8_bom_is_400_malformed_and_stores_nothing)
{
	ADD_REFUSED_AS_MALFORMED("\xef\xbb\xbf{\"name\":\"itest hostile\"}");
}

TEST(add_with_underflowing_number_is_400_malformed_and_stores_nothing)
{
	ADD_REFUSED_AS_MALFORMED("{\"budget\":1e-999}",
	    "{\"name\":\"itest hostile\",\"budget\":1e-999}",
	    "{\"name\":\"itest hostile\",\"budget\":2e-324}");
}

TEST(add_with_overflowing_number_is_400_malformed_and_stores_nothing)
{
	ADD_REFUSED_AS_MALFORMED("{\"name\":\"itest hostile\",\"budget\":1e999}",
	    "{\"name\":\"itest hostile\",\"budget\":-1.8e308}");
}

TEST(add_with_blank_other_than_space_tab_cr_lf_is_400_malformed)
{
	ADD_REFUSED_AS_MALFORMED("\x0b{\"name\":\"itest hostile\"}",
	    "{\"name\":\x0c\"itest hostile\"}");
}

TEST(add_with_valid_escapes_stores_the_whole_text)
{
	struct http_response *r;
	const char *u;

	r = amage_post(ADD_PATH, "{\"name\":\"a\\u00e9b\\ud83d\\ude00c\\/d\","
	    "\"budget\":0e-999}");
	REQUIRE(CHECK_AMAGE_OK(r));
	REQUIRE((u = jstr(r->json, "uuid")) != NULL);
	r = amage_get(pool_printf(WO_BASE "/get/by-uuid/%s", u));
	REQUIRE(CHECK_STATUS(r, 200));
	CHECK_JSON_STR(r->json, "name", "a\xc3\xa9" "b\xf0\x9f\x98\x80" "c/d");
	CHECK_JSON_NUM(r->json, "budget", 0);
}

/* ======================================================================== */
/* HTTP that nginx refuses itself: JSON in the family's envelope            */
/* ======================================================================== */

TEST(bad_content_length_is_400_json_not_html)
{
	CHECK_PMS_ERROR(RAW("Content-Length: abc",
	    PMS_POST "Content-Length: abc\r\n\r\n"), 400, "BAD_REQUEST");
	CHECK_PMS_ERROR(RAW("Content-Length: -1",
	    PMS_POST "Content-Length: -1\r\n\r\n"), 400, "BAD_REQUEST");
	CHECK_AMAGE_ERROR(RAW("amage Content-Length: 2x",
	    AMAGE_POST "Content-Length: 2x\r\n\r\n{}"), 400, 400);
}

TEST(doubled_content_length_is_400_json_not_html)
{
	CHECK_AMAGE_ERROR(RAW("amage two Content-Length", AMAGE_POST
	    "Content-Length: 2\r\nContent-Length: 2\r\n\r\n{}"), 400, 400);
	CHECK_PMS_ERROR(RAW("pms two Content-Length",
	    PMS_POST "Content-Length: 2\r\nContent-Length: 3\r\n\r\n{} "), 400,
	    "BAD_REQUEST");
}

TEST(chunked_plus_content_length_is_400_json_not_html)
{
	CHECK_AMAGE_ERROR(RAW("amage chunked + Content-Length", AMAGE_POST
	    "Transfer-Encoding: chunked\r\nContent-Length: 2\r\n\r\n"
	    "2\r\n{}\r\n0\r\n\r\n"), 400, 400);
	CHECK_PMS_ERROR(RAW("pms chunked + Content-Length",
	    PMS_POST "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n"
	    "0\r\n\r\n"), 400, "BAD_REQUEST");
}

TEST(nul_escape_in_uri_is_400_json_not_html)
{
	/* nginx cannot read such a path: the shape is still the family's,
	   from the request line as sent. */
	CHECK_AMAGE_ERROR(RAW("amage %00",
	    "GET " WO_BASE "/get/by-uuid/%00 HTTP/1.1\r\nHost: t\r\n\r\n"),
	    400, 400);
	CHECK_PMS_ERROR(RAW("pms %00",
	    "GET /v1/units/%00 HTTP/1.1\r\nHost: t\r\n\r\n"), 400,
	    "BAD_REQUEST");
}

TEST(trace_method_is_405_json_not_html)
{
	struct http_response *r;

	r = RAW("pms TRACE", "TRACE " UNIT_PATH " HTTP/1.1\r\nHost: t\r\n"
	    "Accept-Language: en\r\n\r\n");
	CHECK_PMS_ERROR(r, 405, "METHOD_NOT_ALLOWED");
	CHECK_JSON_STR(r->json, "message", "Method not allowed");
	CHECK_AMAGE_ERROR(RAW("amage TRACE", "TRACE " WO_BASE "/count "
	    "HTTP/1.1\r\nHost: t\r\n\r\n"), 405, 405);
}

TEST(request_header_over_8k_is_400_json_not_html)
{
	const char *big = repeated('a', 9000), *req;

	req = pool_printf("GET " WO_BASE "/count HTTP/1.1\r\nHost: t\r\n"
	    "X-Big: %s\r\n\r\n", big);
	CHECK_AMAGE_ERROR(raw_exchange("amage 9000-byte header", req,
	    strlen(req)), 400, 400);
	req = pool_printf("GET " UNIT_PATH " HTTP/1.1\r\nHost: t\r\n"
	    "Cookie: %s\r\n\r\n", big);
	CHECK_PMS_ERROR(raw_exchange("pms 9000-byte cookie", req,
	    strlen(req)), 400, "BAD_REQUEST");
}

TEST(request_uri_over_8k_is_414_json_not_html)
{
	const char *big = repeated('a', 9000), *req;

	req = pool_printf("GET /v1/units/%s HTTP/1.1\r\nHost: t\r\n\r\n", big);
	CHECK_PMS_ERROR(raw_exchange("9000-byte URI", req, strlen(req)),
	    414, "URI_TOO_LONG");
}

TEST(unknown_transfer_encoding_is_501_json_not_html)
{
	CHECK_PMS_ERROR(RAW("Transfer-Encoding: gzip",
	    PMS_POST "Transfer-Encoding: gzip\r\n\r\n"), 501, "NOT_IMPLEMENTED");
	CHECK_AMAGE_ERROR(RAW("amage Transfer-Encoding: gzip",
	    AMAGE_POST "Transfer-Encoding: gzip\r\n\r\n"), 501, 501);
}

TEST(http_2_request_line_on_http_1_is_505_json_not_html)
{
	CHECK_PMS_ERROR(RAW("HTTP/2.0", "GET " UNIT_PATH " HTTP/2.0\r\n"
	    "Host: t\r\n\r\n"), 505, "HTTP_VERSION_NOT_SUPPORTED");
}

TEST(garbage_request_line_or_missing_host_is_400_json_not_html)
{
	CHECK_PMS_ERROR(RAW("garbage", "GARBAGE\r\n\r\n"), 400,
	    "BAD_REQUEST");
	CHECK_PMS_ERROR(RAW("no Host", "GET " UNIT_PATH " HTTP/1.1\r\n\r\n"),
	    400, "BAD_REQUEST");
	CHECK_AMAGE_ERROR(RAW("amage no Host", "GET " WO_BASE "/count "
	    "HTTP/1.1\r\n\r\n"), 400, 400);
	CHECK_PMS_ERROR(RAW("CONNECT", "CONNECT t:443 HTTP/1.1\r\n"
	    "Host: t\r\n\r\n"), 400, "BAD_REQUEST");
}

TEST(body_over_nginx_limit_is_413_json_before_it_is_sent)
{
	/* The announced length alone is refused: no body needs to follow. */
	CHECK_AMAGE_ERROR(RAW("amage 3 MB announced", AMAGE_POST
	    "Content-Length: 3000000\r\n\r\n"), 413, 413);
	CHECK_PMS_ERROR(RAW("pms 3 MB announced", PMS_POST
	    "Content-Length: 3000000\r\n\r\n"), 413, "PAYLOAD_TOO_LARGE");
}

TEST(unknown_path_with_an_html_extension_is_404_json)
{
	CHECK_PMS_ERROR(http_request("GET", "/index.html", NULL, NULL, 0),
	    404, "NOT_FOUND");
	CHECK_AMAGE_ERROR(http_request("GET", "/rest/amage/x.html", NULL, NULL,
	    0), 404, 404);
}

TEST(gateway_error_location_is_not_reachable_from_outside)
{
	CHECK_PMS_ERROR(http_request("GET", "/_gateway_error", NULL, NULL,
	    0), 404, "NOT_FOUND");
}

TEST(head_on_unknown_path_is_404_json_without_body)
{
	struct http_response *r = http_request("HEAD", "/nope", NULL, NULL, 0);

	CHECK_STATUS(r, 404);
	CHECK_CONTAINS(http_header(r, "Content-Type"), "application/json");
	CHECK_NO_BODY(r);
}

/* ======================================================================== */
/* HEAD on GET routes                                                       */
/* ======================================================================== */

/* head answers as get did: same status, same length, JSON, no body. */
static void
check_head_like_get_at(const struct http_response *get,
    const struct http_response *head, const char *file, int line)
{
	const char *gl = http_header(get, "Content-Length");
	const char *hl = http_header(head, "Content-Length");

	check_status_at(head, get->status, file, line);
	check_true(gl != NULL && hl != NULL && strcmp(gl, hl) == 0, file, line,
	    "%s: Content-Length %s, GET's %s", head->path, hl ? hl : "(none)",
	    gl ? gl : "(none)");
	check_contains(http_header(head, "Content-Type"), "application/json",
	    1, "HEAD Content-Type", file, line);
	check_true(http_header(head, "X-Trace-Id") != NULL, file, line,
	    "%s: no X-Trace-Id", head->path);
	check_no_body_at(head, file, line);
}
#define CHECK_HEAD_LIKE_GET(get, head) \
	check_head_like_get_at((get), (head), __FILE__, __LINE__)

TEST(head_on_a_pms_get_route_answers_as_get_without_a_body)
{
	CHECK_HEAD_LIKE_GET(pms_get(UNIT_PATH, KEY_PARIS_AGENT),
	    pms_request("HEAD", UNIT_PATH, KEY_PARIS_AGENT, NULL, NULL, 0));
	/* an error answers alike: unknown unit, then no key at all */
	CHECK_HEAD_LIKE_GET(pms_get("/v1/units/" "bbbbbbbb-0000-4000-8000-"
	    "0000000000ff", KEY_PARIS_AGENT), pms_request("HEAD", "/v1/units/"
	    "bbbbbbbb-0000-4000-8000-0000000000ff", KEY_PARIS_AGENT, NULL, NULL,
	    0));
	CHECK_HEAD_LIKE_GET(pms_get(UNIT_PATH, NULL),
	    pms_request("HEAD", UNIT_PATH, NULL, NULL, NULL, 0));
}

TEST(head_on_amage_get_routes_answers_as_get_without_a_body)
{
	struct http_response *get, *head;

	head = amage_request("HEAD", WO_BASE "/count", NULL, 0, NULL);
	CHECK_STATUS(head, 200);
	/* /count moves when others add: only the shape is compared */
	CHECK_CONTAINS(http_header(head, "Content-Type"), "application/json");
	CHECK_NO_BODY(head);
	get = amage_get(LIST_PATH "?page=1&size=1");
	head = amage_request("HEAD", LIST_PATH "?page=1&size=1", NULL, 0, NULL);
	CHECK_HEAD_LIKE_GET(get, head);
}

TEST(head_where_no_get_route_is_405_with_allow)
{
	struct http_response *r;

	r = amage_request("HEAD", ADD_PATH, NULL, 0, NULL);
	CHECK_STATUS(r, 405);
	CHECK_STR("POST", http_header(r, "Allow"));
	CHECK_NO_BODY(r);
}

TEST(wrong_method_on_a_get_route_lists_head_in_allow)
{
	struct http_response *r;

	r = pms_request("PUT", UNIT_PATH, KEY_PARIS_AGENT, NULL, "{}", 2);
	CHECK_PMS_ERROR(r, 405, "METHOD_NOT_ALLOWED");
	CHECK_STR("GET, HEAD", http_header(r, "Allow"));
	r = amage_request("DELETE", WO_BASE "/count", NULL, 0, NULL);
	CHECK_AMAGE_ERROR(r, 405, 405);
	CHECK_STR("GET, HEAD", http_header(r, "Allow"));
}

/* ======================================================================== */
/* AMAGE list: a page past the end is 404, whatever its length              */
/* ======================================================================== */

TEST(list_page_of_ten_or_more_digits_is_404_like_any_page_past_the_end)
{
	/* 1500 digits: the harness sends URLs up to 2 KiB */
	const char *nines = repeated('9', 1500);

	CHECK_AMAGE_ERROR(amage_get(LIST_PATH "?page=1000000000"), 404, 404);
	CHECK_AMAGE_ERROR(amage_get(LIST_PATH "?page=1000000000&size=1000"),
	    404, 404);
	CHECK_AMAGE_ERROR(amage_get(LIST_PATH
	    "?page=99999999999999999999999999"), 404, 404);
	CHECK_AMAGE_ERROR(amage_get(pool_printf(LIST_PATH "?page=%s", nines)),
	    404, 404);
}

TEST(list_page_zero_empty_or_not_a_number_is_still_400)
{
	static const char *const bad[] = {
		"page=0", "page=000000000000", "page=", "page=abc", "page=-1",
		"page=1e3", "page=+1", "page=1.0", "page=%20", "size=0",
		"size=00000000000000000000", "size=x", NULL
	};
	const char *const *b;

	for (b = bad; *b != NULL; b++)
		if (!CHECK_AMAGE_ERROR(amage_get(pool_printf(LIST_PATH "?%s",
		    *b)), 400, 400))
			FAIL("query was %s", *b);
}

TEST(list_page_with_leading_zeros_is_that_page)
{
	struct http_response *a, *b;

	REQUIRE(CHECK(AMAGE_COUNT() >= 1));
	a = amage_get(LIST_PATH "?page=1&size=1");
	b = amage_get(LIST_PATH "?page=0000000000000000000001&size=1");
	REQUIRE(CHECK_STATUS(a, 200) && CHECK_STATUS(b, 200));
	CHECK_STR(pool_json_print(a->json), pool_json_print(b->json));
}

TEST(list_size_of_many_digits_is_capped_to_1000)
{
	struct http_response *r;

	r = amage_get(LIST_PATH "?page=1&size=99999999999999999999999");
	REQUIRE(CHECK_STATUS(r, 200) && CHECK(cJSON_IsArray(r->json)));
	CHECKF(cJSON_GetArraySize(r->json) <= 1000, "%d items",
	    cJSON_GetArraySize(r->json));
}

static const struct test_case tests[] = {
	TEST_ENTRY(add_with_bad_unicode_escape_is_400_malformed_and_stores_nothing),
	TEST_ENTRY(add_with_lone_surrogate_escape_is_400_malformed_and_stores_nothing),
	TEST_ENTRY(add_with_leading_zero_number_is_400_malformed_and_stores_nothing),
	TEST_ENTRY(add_with_number_ending_in_a_point_is_400_malformed_and_stores_nothing),
	TEST_ENTRY(add_with_utf8_bom_is_400_malformed_and_stores_nothing),
	TEST_ENTRY(add_with_underflowing_number_is_400_malformed_and_stores_nothing),
	TEST_ENTRY(add_with_overflowing_number_is_400_malformed_and_stores_nothing),
	TEST_ENTRY(add_with_blank_other_than_space_tab_cr_lf_is_400_malformed),
	TEST_ENTRY(add_with_valid_escapes_stores_the_whole_text),
	TEST_ENTRY(bad_content_length_is_400_json_not_html),
	TEST_ENTRY(doubled_content_length_is_400_json_not_html),
	TEST_ENTRY(chunked_plus_content_length_is_400_json_not_html),
	TEST_ENTRY(nul_escape_in_uri_is_400_json_not_html),
	TEST_ENTRY(trace_method_is_405_json_not_html),
	TEST_ENTRY(request_header_over_8k_is_400_json_not_html),
	TEST_ENTRY(request_uri_over_8k_is_414_json_not_html),
	TEST_ENTRY(unknown_transfer_encoding_is_501_json_not_html),
	TEST_ENTRY(http_2_request_line_on_http_1_is_505_json_not_html),
	TEST_ENTRY(garbage_request_line_or_missing_host_is_400_json_not_html),
	TEST_ENTRY(body_over_nginx_limit_is_413_json_before_it_is_sent),
	TEST_ENTRY(unknown_path_with_an_html_extension_is_404_json),
	TEST_ENTRY(gateway_error_location_is_not_reachable_from_outside),
	TEST_ENTRY(head_on_unknown_path_is_404_json_without_body),
	TEST_ENTRY(head_on_a_pms_get_route_answers_as_get_without_a_body),
	TEST_ENTRY(head_on_amage_get_routes_answers_as_get_without_a_body),
	TEST_ENTRY(head_where_no_get_route_is_405_with_allow),
	TEST_ENTRY(wrong_method_on_a_get_route_lists_head_in_allow),
	TEST_ENTRY(list_page_of_ten_or_more_digits_is_404_like_any_page_past_the_end),
	TEST_ENTRY(list_page_zero_empty_or_not_a_number_is_still_400),
	TEST_ENTRY(list_page_with_leading_zeros_is_that_page),
	TEST_ENTRY(list_size_of_many_digits_is_capped_to_1000),
	TEST_END
};

int
main(int argc, char **argv)
{
	return harness_main(argc, argv, __FILE__, tests);
}
