/*
 * test_security_trust: what the binaries take from the outside as given
 * (docs/security.md, OWASP API10).  They consume no third-party API; what
 * they trust is nginx's FastCGI parameters.  Through the real stack:
 *  - the trace id is nginx's $request_id (REQUEST_ID, a parameter no
 *    client header can set): Request-Id, X-Request-Id or X-Trace-Id
 *    headers sent by a client change nothing;
 *  - the path is logged as sent, percent-encoded: an encoded newline in it
 *    cannot forge a second log line.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

#define FORGED		"FORGED-LINE-"

/* 1 when s is 32 lower-case hex digits (nginx's $request_id). */
static int
is_request_id(const char *s)
{
	return s != NULL && strlen(s) == 32 &&
	    strspn(s, "0123456789abcdef") == 32;
}

TEST(the_trace_id_is_nginxs_whatever_request_id_headers_the_client_sends)
{
	static const char *const names[] = { "Request-Id", "X-Request-Id",
	    "X-Trace-Id", "Request_Id", NULL };
	const char *mine = "0123456789abcdef0123456789abcdef", *got;
	const char *h[2] = { NULL, NULL };
	struct http_response *r;
	int i;

	for (i = 0; names[i] != NULL; i++) {
		h[0] = pool_printf("%s: %s", names[i], mine);
		r = pms_request("GET", "/v1/units/" UNIT_PARIS_01,
		    KEY_PARIS_AGENT, h, NULL, 0);
		CHECK_STATUS(r, 200);
		got = http_header(r, "X-Trace-Id");
		CHECKF(is_request_id(got) && strcmp(got, mine) != 0,
		    "with %s: X-Trace-Id %s", h[0], got ? got : "(none)");
		r = pms_request("GET", pool_printf("/v1/units/%s",
		    fresh_uuid()), KEY_PARIS_AGENT, h, NULL, 0);
		CHECK_PMS_ERROR(r, 404, "UNIT_NOT_FOUND");
		CHECKF(strstr(r->body, mine) == NULL, "with %s the body "
		    "carries the client's id: %s", h[0], r->body);
	}
}

/*
 * The lines of the units pool's log (this stack's) holding needle, joined
 * by '\n' (pool); waits up to 3 s for the first (the log is written at
 * most 1 s late).  "" when none came.
 */
static const char *
units_log_lines(const char *needle)
{
	const char *path = pool_printf("%s/log/units.log", pms_var_dir());
	const char *out = "", *log, *p, *eol;
	double deadline = now_seconds() + 3.0;

	do {
		if ((log = read_file_tail(path, 8u << 20)) != NULL)
			for (p = log; (p = strstr(p, needle)) != NULL;
			    p = eol) {
				const char *bol = p;

				while (bol > log && bol[-1] != '\n')
					bol--;
				if ((eol = strchr(p, '\n')) == NULL)
					eol = p + strlen(p);
				out = pool_printf("%s%s%.*s", out, *out ?
				    "\n" : "", (int)(eol - bol), bol);
			}
		if (*out != '\0')
			return out;
		sleep_ms(100);
	} while (now_seconds() < deadline);
	return out;
}

TEST(an_encoded_newline_in_the_path_is_logged_as_sent_and_forges_no_line)
{
	const char *tag = pool_printf(FORGED "%s", fresh_uuid());
	const char *trace, *line;
	struct http_response *r;

	r = pms_request("GET", pool_printf("/v1/units/x%%0a%%0d%s%%20"
	    "status=200", tag), KEY_PARIS_AGENT, NULL, NULL, 0);
	CHECK(r->status == 400 || r->status == 404);
	REQUIRE(CHECK((trace = http_header(r, "X-Trace-Id")) != NULL));
	line = units_log_lines(trace);
	REQUIRE(CHECKF(*line != '\0', "trace %s not in the units log", trace));
	CHECKF(strchr(line, '\n') == NULL, "two log lines: %s", line);
	CHECKF(strstr(line, pool_printf("x%%0a%%0d%s", tag)) != NULL,
	    "the path is not logged as sent: %s", line);
	/* The only line naming the tag is the request's own. */
	CHECK_STR(line, units_log_lines(tag));
}

static const struct test_case tests[] = {
	TEST_ENTRY(the_trace_id_is_nginxs_whatever_request_id_headers_the_client_sends),
	TEST_ENTRY(an_encoded_newline_in_the_path_is_logged_as_sent_and_forges_no_line),
	TEST_END
};

int
main(int argc, char **argv)
{
	return harness_main(argc, argv, __FILE__, tests);
}
