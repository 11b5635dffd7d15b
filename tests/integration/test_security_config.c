/*
 * test_security_config: what the deployment shows of itself
 * (docs/security.md, OWASP API8):
 *  - the release binaries (cgi-bin/<family>.fcgi, what is deployed) carry no
 *    fault-injection hook: only the ASan test build reads X-Pms-Fault;
 *  - every error, whether nginx or a binary answers it, database failures
 *    included, is the JSON envelope and nothing else: no server version,
 *    no database text, no source location;
 *  - nginx.conf.example keeps TLS 1.2 and 1.3 only, hides nginx's
 *    version, sends HSTS, redirects plain HTTP, and serves nothing but the
 *    four path prefixes (everything else 404); scripts/nginx.conf.in, the
 *    stack's own, hides the version too.
 * tests/deploy/nginx-tls.sh runs nginx.conf.example itself.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

#define FAMILIES 4

static const char *const binaries[FAMILIES] = {
	"units", "allotments", "long-stay-contracts", "work-orders",
};

/* The file at path (under pms_root()) whole, or NULL after a failure. */
static const char *
source_at(const char *path, size_t *len, const char *file, int line)
{
	FILE *f = fopen(pool_printf("%s/%s", pms_root(), path), "rb");
	char *buf = NULL;
	long n;

	if (!check_true(f != NULL, file, line, "cannot open %s", path))
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) > 0 &&
	    fseek(f, 0, SEEK_SET) == 0 &&
	    (buf = pool_keep(malloc((size_t)n + 1), free)) != NULL &&
	    fread(buf, 1, (size_t)n, f) == (size_t)n) {
		buf[n] = '\0';
		*len = (size_t)n;
	} else
		buf = NULL;
	fclose(f);
	check_true(buf != NULL, file, line, "cannot read %s", path);
	return buf;
}

static int
has_bytes(const char *hay, size_t len, const char *needle)
{
	size_t n = strlen(needle), i;

	for (i = 0; i + n <= len; i++)
		if (memcmp(hay + i, needle, n) == 0)
			return 1;
	return 0;
}

TEST(release_binaries_carry_no_fault_injection_hook)
{
	const char *bin;
	size_t len = 0;
	int i;

	for (i = 0; i < FAMILIES; i++) {
		bin = source_at(pool_printf("cgi-bin/%s.fcgi", binaries[i]),
		    &len, __FILE__, __LINE__);
		if (bin == NULL)
			continue;
		CHECKF(!has_bytes(bin, len, "X-Pms-Fault") &&
		    !has_bytes(bin, len, "HTTP_X_PMS_FAULT"), "cgi-bin/%s.fcgi "
		    "reads the fault-injection header", binaries[i]);
	}
	/* The test build does: the check above can see it. */
	bin = source_at("build/asan/cgi-bin/units.fcgi", &len, __FILE__,
	    __LINE__);
	CHECKF(bin != NULL && (has_bytes(bin, len, "X-Pms-Fault") ||
	    has_bytes(bin, len, "HTTP_X_PMS_FAULT")), "the ASan build should "
	    "carry the hook this test looks for");
}


/* X-Content-Type-Options: nosniff, on our answers and on nginx's own. */
static int
check_nosniff_at(const struct http_response *r, const char *what,
    const char *file, int line)
{
	const char *v = http_header(r, "X-Content-Type-Options");

	return check_true(v != NULL && strcmp(v, "nosniff") == 0, file, line,
	    "%s: X-Content-Type-Options: %s", what, v ? v : "(none)");
}
/*
 * r is an error answer with only the envelope's members (PMS or AMAGE),
 * no server version and no internal detail.
 */
static void
check_bare_error_at(const struct http_response *r, const char *what,
    const char *file, int line)
{
	static const char *const pms_members[] = { "code", "message",
	    "status", "traceId", "origin", "details", NULL };
	static const char *const amage_members[] = { "id", "uuid", "success",
	    "errorCode", "message", NULL };
	static const char *const leaks[] = { "nginx/", "mysql", "mariadb",
	    "sql", "errno", ".c:", "innodb", "deadlock", "/run/", "/var/",
	    "fcgi", "asan", "sanitizer", NULL };
	const char *const *allowed;
	const char *server = http_header(r, "Server");
	const cJSON *m;
	char *lower;
	size_t i;

	check_true(r->status >= 400, file, line, "%s: status %ld", what,
	    r->status);
	check_true(server == NULL || strcmp(server, "nginx") == 0, file, line,
	    "%s: Server: %s", what, server);
	check_nosniff_at(r, what, file, line);
	if (!check_true(cJSON_IsObject(r->json), file, line, "%s: not a JSON "
	    "object: %.200s", what, r->body ? r->body : ""))
		return;
	allowed = jget(r->json, "code") != NULL ? pms_members : amage_members;
	cJSON_ArrayForEach(m, r->json) {
		for (i = 0; allowed[i] != NULL; i++)
			if (strcmp(allowed[i], m->string) == 0)
				break;
		check_true(allowed[i] != NULL, file, line, "%s: member \"%s\" "
		    "is not the envelope's", what, m->string);
	}
	lower = pool_strdup(r->body);
	for (i = 0; lower[i] != '\0'; i++)
		if (lower[i] >= 'A' && lower[i] <= 'Z')
			lower[i] = (char)(lower[i] - 'A' + 'a');
	for (i = 0; leaks[i] != NULL; i++)
		check_true(strstr(lower, leaks[i]) == NULL, file, line,
		    "%s: the answer says \"%s\": %.300s", what, leaks[i],
		    r->body);
}
#define CHECK_BARE_ERROR(r, what)					\
	check_bare_error_at((r), (what), __FILE__, __LINE__)

TEST(every_kind_of_error_is_the_bare_envelope_without_server_version_or_internals_and_every_answer_says_nosniff)
{
	static const char *const fault[] = { "X-Pms-Fault: 1:timeout", NULL };
	struct amage_opts faulty = { .extra_headers = fault };
	char long_uri[9000];

	CHECK_BARE_ERROR(pms_get("/v1/nowhere", KEY_PARIS_AGENT),
	    "unknown PMS route");
	CHECK_BARE_ERROR(pms_get("/nowhere.php", NULL), "outside every family");
	CHECK_BARE_ERROR(pms_request("PUT", "/v1/units/" UNIT_PARIS_01,
	    KEY_PARIS_AGENT, NULL, "{}", 2), "wrong method");
	CHECK_BARE_ERROR(pms_request("POST", "/v1/allotments",
	    KEY_PARIS_MANAGER, NULL, "{\"a\":", 5), "malformed JSON");
	CHECK_BARE_ERROR(pms_get("/v1/units/" UNIT_PARIS_01, NULL),
	    "no key");
	CHECK_BARE_ERROR(pms_get("/v1/units/" UNIT_LYON_16, KEY_PARIS_AGENT),
	    "out of scope");
	CHECK_BARE_ERROR(pms_request("GET", "/v1/units/" UNIT_PARIS_01,
	    KEY_PARIS_AGENT, fault, NULL, 0), "database timeout (503)");
	memset(long_uri, 'a', sizeof(long_uri) - 1);
	long_uri[0] = '/';
	long_uri[sizeof(long_uri) - 1] = '\0';
	CHECK_BARE_ERROR(pms_get(long_uri, NULL), "URI over 8 KiB (nginx)");
	CHECK_BARE_ERROR(amage_get(WO_BASE "/nowhere"), "unknown AMAGE route");
	CHECK_BARE_ERROR(amage_get(WO_BASE "/get/by-uuid/x"), "malformed uuid");
	CHECK_BARE_ERROR(amage_request("GET", WO_BASE "/count", NULL, 0,
	    &faulty), "AMAGE database timeout (503)");
	/* Successes too. */
	check_nosniff_at(pms_get("/v1/units/" UNIT_PARIS_01, KEY_PARIS_AGENT),
	    "a PMS 200", __FILE__, __LINE__);
	check_nosniff_at(amage_get(WO_BASE "/count"), "an AMAGE 200",
	    __FILE__, __LINE__);
}

/* The lines of text holding needle (a directive), each with its own
   leading blanks removed, joined by '|' (pool). */
static const char *
directives(const char *text, const char *needle)
{
	const char *out = "", *p, *bol, *eol;

	for (p = text; (p = strstr(p, needle)) != NULL; p = eol) {
		for (bol = p; bol > text && bol[-1] != '\n'; bol--)
			;
		eol = strchr(p, '\n');
		if (eol == NULL)
			eol = p + strlen(p);
		while (*bol == ' ' || *bol == '\t')
			bol++;
		if (*bol != '#')
			out = pool_printf("%s%s%.*s", out, *out ? "|" : "",
			    (int)(eol - bol), bol);
	}
	return out;
}

TEST(nginx_example_keeps_tls_1_2_and_1_3_hides_its_version_sends_hsts_and_serves_only_the_four_prefixes)
{
	const char *conf, *dev;
	size_t len;

	REQUIRE((conf = source_at("nginx.conf.example", &len, __FILE__,
	    __LINE__)) != NULL);
	CHECK_STR("ssl_protocols TLSv1.2 TLSv1.3;", directives(conf,
	    "ssl_protocols"));
	CHECK_STR("server_tokens off;", directives(conf, "server_tokens"));
	CHECK_STR("return 301 https://$host$request_uri;", directives(conf,
	    "return 301"));
	CHECK_CONTAINS(directives(conf, "add_header"),
	    "add_header Strict-Transport-Security \"max-age=31536000\" always;");
	CHECK_STR("", directives(conf, "autoindex"));
	CHECK_STR("", directives(conf, "fastcgi_intercept_errors"));
	/* The locations: the four families' prefixes, the catch-all 404
	   and the internal error page. */
	CHECK_STR("location /v1/units {|location /v1/availability {|"
	    "location /v1/allotments {|location /v1/long-stay-contracts {|"
	    "location /rest/amage/v1/work-orders {|location / {|"
	    "location = /_gateway_error {", directives(conf, "location "));
	CHECK_CONTAINS(conf, "location / {\n            return 404;\n");
	CHECK_CONTAINS(conf, "location = /_gateway_error {\n            "
	    "internal;\n");
	REQUIRE((dev = source_at("scripts/nginx.conf.in", &len, __FILE__,
	    __LINE__)) != NULL);
	CHECK_STR("server_tokens off;", directives(dev, "server_tokens"));
}

static const struct test_case tests[] = {
	TEST_ENTRY(release_binaries_carry_no_fault_injection_hook),
	TEST_ENTRY(every_kind_of_error_is_the_bare_envelope_without_server_version_or_internals_and_every_answer_says_nosniff),
	TEST_ENTRY(nginx_example_keeps_tls_1_2_and_1_3_hides_its_version_sends_hsts_and_serves_only_the_four_prefixes),
	TEST_END
};

int
main(int argc, char **argv)
{
	return harness_main(argc, argv, __FILE__, tests);
}
