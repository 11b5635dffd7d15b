/*
 * test_security_inventory: no route that nobody knows of (docs/security.md,
 * OWASP API9):
 *  - the operations of docs/openapi.yaml (paths: and their methods) are
 *    exactly the routes of the four route tables (cgi-bin/<family>/main.c),
 *    path parameters compared by position, not by name;
 *  - every documented operation is served by the running stack: sent
 *    without credentials it is refused by authentication (PMS 401
 *    UNAUTHENTICATED, AMAGE 400 / 401), never 404 or 405.
 * Read from the source tree ($PMS_ROOT); tests/openapi/ checks every
 * recorded answer against the same document.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

#define MAX_OPS		64
#define MAX_DEFINES	16
#define TABLES		4

static const char *const tables[TABLES] = {
	"cgi-bin/units/main.c", "cgi-bin/allotments/main.c",
	"cgi-bin/long-stay-contracts/main.c", "cgi-bin/work-orders/main.c",
};

/* "METHOD /path/{}/..." with every parameter name dropped. */
struct ops {
	const char *op[MAX_OPS];
	int n;
};

/* path with each {name} made {} (pool). */
static const char *
path_shape(const char *path, size_t len)
{
	char *out = pool_keep(malloc(len + 1), free);
	size_t i, o = 0;

	if (out == NULL)
		return "";
	for (i = 0; i < len; i++) {
		out[o++] = path[i];
		if (path[i] == '{')
			while (i + 1 < len && path[i + 1] != '}')
				i++;
	}
	out[o] = '\0';
	return out;
}

static void
ops_add(struct ops *ops, const char *method, const char *path, size_t len)
{
	char m[16];
	size_t i;

	for (i = 0; method[i] != '\0' && i < sizeof(m) - 1; i++)
		m[i] = (char)toupper((unsigned char)method[i]);
	m[i] = '\0';
	if (ops->n < MAX_OPS)
		ops->op[ops->n++] = pool_printf("%s %s", m,
		    path_shape(path, len));
}

/* docs/openapi.yaml: "  /path:" lines under "paths:", "    get:" under them. */
static int
openapi_ops(struct ops *ops)
{
	const char *doc = read_file_tail(pool_printf("%s/docs/openapi.yaml",
	    pms_root()), 1 << 22);
	const char *line, *end, *path = NULL;
	size_t path_len = 0;
	int in_paths = 0;
	static const char *const methods[] = { "get", "post", "delete", "put",
	    "patch", "head", "options", NULL };

	if (!CHECKF(doc != NULL, "cannot read docs/openapi.yaml"))
		return 0;
	for (line = doc; *line != '\0'; line = *end ? end + 1 : end) {
		size_t n, i;

		end = strchr(line, '\n');
		if (end == NULL)
			end = line + strlen(line);
		n = (size_t)(end - line);
		if (n > 0 && line[0] != ' ' && line[0] != '#') {
			in_paths = strncmp(line, "paths:", 6) == 0;
			continue;
		}
		if (!in_paths)
			continue;
		if (n > 3 && strncmp(line, "  /", 3) == 0 && line[n - 1] == ':') {
			path = line + 2;
			path_len = n - 3;
			continue;
		}
		if (path == NULL || n < 6 || strncmp(line, "    ", 4) != 0 ||
		    line[4] == ' ')
			continue;
		for (i = 0; methods[i] != NULL; i++) {
			size_t ml = strlen(methods[i]);

			if (n == 4 + ml + 1 && strncmp(line + 4, methods[i],
			    ml) == 0 && line[4 + ml] == ':')
				ops_add(ops, methods[i], path, path_len);
		}
	}
	return CHECKF(ops->n > 0, "no operation found in docs/openapi.yaml");
}

/* A token of C source at *p: a string literal (its text, quotes left out)
   or an identifier; *p moves past it and the blanks after it. */
static const char *
c_token(const char **p, size_t *len, int *is_string)
{
	const char *s = *p, *start;

	while (*s == ' ' || *s == '\t')
		s++;
	start = s;
	*is_string = *s == '"';
	if (*is_string) {
		start = ++s;
		while (*s != '\0' && *s != '"')
			s++;
		*len = (size_t)(s - start);
		if (*s == '"')
			s++;
	} else {
		while (isalnum((unsigned char)*s) || *s == '_')
			s++;
		*len = (size_t)(s - start);
	}
	*p = s;
	return *len > 0 || *is_string ? start : NULL;
}

struct define {
	char name[32];
	const char *value;
};

/*
 * The string a sequence of literals and macro names up to ',' or the end
 * of the line spells (pool), the names looked up in defs; NULL when a
 * name is unknown.
 */
static const char *
c_concat(const char **p, const struct define *defs, int ndefs)
{
	const char *out = "", *tok;
	size_t len;
	int is_string, i;

	for (;;) {
		while (**p == ' ' || **p == '\t')
			(*p)++;
		if (**p == ',' || **p == '\0' || **p == '\n' || **p == ')')
			return out;
		if ((tok = c_token(p, &len, &is_string)) == NULL)
			return NULL;
		if (is_string) {
			out = pool_printf("%s%.*s", out, (int)len, tok);
			continue;
		}
		for (i = 0; i < ndefs; i++)
			if (strlen(defs[i].name) == len &&
			    strncmp(defs[i].name, tok, len) == 0)
				break;
		if (i == ndefs)
			return NULL;
		out = pool_printf("%s%s", out, defs[i].value);
	}
}

/* The routes of one route table: { "METHOD", <path>, handler, AUTH_* }. */
static int
table_ops(const char *file, struct ops *ops)
{
	const char *src = read_file_tail(pool_printf("%s/%s", pms_root(),
	    file), 1 << 20);
	struct define defs[MAX_DEFINES];
	const char *p, *q, *path;
	int ndefs = 0, found = 0;

	if (!CHECKF(src != NULL, "cannot read %s", file))
		return 0;
	for (p = src; (p = strstr(p, "#define ")) != NULL; ) {
		const char *name;
		size_t len;
		int is_string;

		p += 8;
		name = c_token(&p, &len, &is_string);
		if (name == NULL || is_string || len >= sizeof(defs[0].name) ||
		    ndefs == MAX_DEFINES)
			continue;
		q = p;
		if ((path = c_concat(&q, defs, ndefs)) == NULL || *path != '/')
			continue;
		snprintf(defs[ndefs].name, sizeof(defs[0].name), "%.*s",
		    (int)len, name);
		defs[ndefs++].value = path;
	}
	for (p = src; (p = strstr(p, "{ \"")) != NULL; p++) {
		const char *method = p + 3;
		size_t mlen = strcspn(method, "\"");

		q = method + mlen;
		if (mlen == 0 || mlen > 7 || strncmp(q, "\",", 2) != 0)
			continue;
		q += 2;
		if ((path = c_concat(&q, defs, ndefs)) == NULL || *path != '/')
			continue;
		ops_add(ops, pool_printf("%.*s", (int)mlen, method), path,
		    strlen(path));
		found++;
	}
	return CHECKF(found > 0, "no route found in %s", file);
}

static int
ops_has(const struct ops *ops, const char *op)
{
	int i;

	for (i = 0; i < ops->n; i++)
		if (strcmp(ops->op[i], op) == 0)
			return 1;
	return 0;
}

TEST(the_route_tables_and_the_openapi_document_list_the_same_operations)
{
	struct ops doc = { 0 }, code = { 0 };
	int i;

	REQUIRE(openapi_ops(&doc));
	for (i = 0; i < TABLES; i++)
		REQUIRE(table_ops(tables[i], &code));
	for (i = 0; i < code.n; i++)
		CHECKF(ops_has(&doc, code.op[i]), "served but not documented: "
		    "%s", code.op[i]);
	for (i = 0; i < doc.n; i++)
		CHECKF(ops_has(&code, doc.op[i]), "documented but not served: "
		    "%s", doc.op[i]);
	/* 5 units + 8 allotments + 5 contracts + 14 work-order routes. */
	CHECK_INT(32, code.n);
	CHECK_INT(code.n, doc.n);
}

TEST(every_documented_operation_is_served_and_refuses_a_caller_without_credentials)
{
	struct ops doc = { 0 };
	struct amage_opts unsigned_ = { .omit = AMAGE_OMIT_DEVICE |
	    AMAGE_OMIT_API_KEY | AMAGE_OMIT_SIGN };
	struct http_response *r;
	const char *uuid = fresh_uuid(), *op, *sp;
	char method[16], *path;
	size_t i;
	int k;

	REQUIRE(openapi_ops(&doc));
	for (k = 0; k < doc.n; k++) {
		op = doc.op[k];
		sp = strchr(op, ' ');
		snprintf(method, sizeof(method), "%.*s", (int)(sp - op), op);
		path = pool_strdup("");
		for (i = 0, sp++; sp[i] != '\0'; i++)
			path = sp[i] == '{' ? (i++, pool_printf("%s%s", path,
			    uuid)) : pool_printf("%s%c", path, sp[i]);
		if (strncmp(path, "/rest/amage/", 12) == 0) {
			r = amage_request(method, path, "{}", 2, &unsigned_);
			if (!CHECK_AMAGE_ERROR(r, 400, 401))
				FAIL("(%s)", op);
		} else {
			r = pms_request(method, path, NULL, NULL, "{}", 2);
			if (!CHECK_PMS_ERROR(r, 401, "UNAUTHENTICATED"))
				FAIL("(%s)", op);
		}
	}
}

static const struct test_case tests[] = {
	TEST_ENTRY(the_route_tables_and_the_openapi_document_list_the_same_operations),
	TEST_ENTRY(every_documented_operation_is_served_and_refuses_a_caller_without_credentials),
	TEST_END
};

int
main(int argc, char **argv)
{
	return harness_main(argc, argv, __FILE__, tests);
}
