/*
 * fuzz_router: route_match over a small route table with literal and
 * {param} segments.  The input is "<METHOD> <path>": the method is the
 * bytes before the first space, the path what follows (cut to fit
 * rq->path, and at any NUL).  Invariants (abort on violation): FOUND sets
 * rq->route to an entry with that method (or GET for HEAD) whose pattern
 * matches the path again; every captured parameter is non-empty, has no '/', fits its
 * buffer and is found by request_path_param under its name;
 * METHOD_NOT_ALLOWED gives a non-empty Allow list of table methods (and
 * HEAD, only beside GET), each once, and clears the parameters; the Allow buffer is always terminated, even
 * when it is too small.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "request.h"
#include "router.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
fuzz_handler(struct request *rq)
{
	(void)rq;
	return 0;
}

static const struct route fuzz_routes[] = {
	{ "GET", "/v1/units", fuzz_handler, AUTH_AGENT },
	{ "POST", "/v1/units", fuzz_handler, AUTH_MANAGER },
	{ "GET", "/v1/units/{unitId}", fuzz_handler, AUTH_AGENT },
	{ "PATCH", "/v1/units/{unitId}", fuzz_handler, AUTH_MANAGER },
	{ "POST", "/v1/units/{unitId}/out-of-service", fuzz_handler, AUTH_MANAGER },
	{ "DELETE", "/v1/units/{unitId}/out-of-service/{refId}", fuzz_handler,
	  AUTH_MANAGER },
	{ "GET", "/v1/availability", fuzz_handler, AUTH_AGENT },
	{ "GET", "/rest/amage/v1/work-orders/count", fuzz_handler, AUTH_AMAGE },
	{ "GET", "/rest/amage/v1/work-orders/{uuid}", fuzz_handler, AUTH_AMAGE },
	{ "POST", "/rest/amage/v1/work-orders/asset-plan/{wo}/join/{a}/{b}/{c}",
	  fuzz_handler, AUTH_AMAGE },
	{ "POST", "/a/{p}/{q}/{r}/{s}/{t}", fuzz_handler, AUTH_NONE },
	{ "GET", "/{}/x", fuzz_handler, AUTH_NONE },
	{ NULL, NULL, NULL, AUTH_NONE }
};

static void
fuzz_check_params(struct request *rq)
{
	char name[64];
	size_t len;
	int i;

	if (rq->nparams < 0 || rq->nparams > ROUTE_MAX_PARAMS)
		abort();
	for (i = 0; i < rq->nparams; i++) {
		len = strnlen(rq->params[i].value, sizeof(rq->params[i].value));
		if (len == 0 || len == sizeof(rq->params[i].value) ||
		    strchr(rq->params[i].value, '/') != NULL)
			abort();
		if (rq->params[i].name_len >= sizeof(name))
			abort();
		memcpy(name, rq->params[i].name, rq->params[i].name_len);
		name[rq->params[i].name_len] = '\0';
		if (request_path_param(rq, name) == NULL)
			abort();
	}
}

/* 1 when the comma-separated list holds the method name whole. */
static int
fuzz_listed(const char *list, const char *method)
{
	size_t n = strlen(method), k;

	for (; *list != '\0'; list += k) {
		list += strspn(list, ", ");
		k = strcspn(list, ", ");
		if (k == n && memcmp(list, method, n) == 0)
			return 1;
	}
	return 0;
}

/* One match with an Allow buffer of allow_len bytes (0 = none). */
static void
fuzz_match(struct request *rq, size_t allow_len)
{
	char allow[64], tok[16];
	const struct route *r;
	const char *p;
	size_t n;
	int rc, known;

	memset(allow, 'Z', sizeof(allow));
	rq->route = NULL;
	rq->nparams = 0;
	rc = route_match(rq, fuzz_routes, allow, allow_len);
	if (allow_len > 0 && memchr(allow, '\0', allow_len) == NULL)
		abort();
	switch (rc) {
	case ROUTE_FOUND:
		if (rq->route == NULL || (strcmp(rq->route->method,
		    rq->method) != 0 && !(strcmp(rq->route->method, "GET") == 0 &&
		    strcmp(rq->method, "HEAD") == 0)))
			abort();
		fuzz_check_params(rq);
		if (!route_pattern_match(rq->route->pattern, rq->path, rq))
			abort();
		break;
	case ROUTE_METHOD_NOT_ALLOWED:
		if (rq->nparams != 0)
			abort();
		if (allow_len < sizeof(allow))
			break;
		if (allow[0] == '\0')
			abort();
		/* Every listed method is one of the table's. */
		for (p = allow; *p != '\0'; p += n) {
			while (*p == ',' || *p == ' ')
				p++;
			n = strcspn(p, ", ");
			if (n == 0 || n >= sizeof(tok))
				abort();
			memcpy(tok, p, n);
			tok[n] = '\0';
			known = 0;
			for (r = fuzz_routes; r->method != NULL; r++)
				if (strcmp(r->method, tok) == 0)
					known = 1;
			if (strcmp(tok, "HEAD") == 0)
				known = fuzz_listed(allow, "GET");
			if (!known || fuzz_listed(p + n, tok))
				abort();
		}
		break;
	case ROUTE_NOT_FOUND:
		if (rq->nparams != 0)
			abort();
		break;
	default:
		abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct request rq;
	const uint8_t *sp = memchr(data, ' ', size);
	size_t mlen = sp != NULL ? (size_t)(sp - data) : size;
	size_t plen = sp != NULL ? size - mlen - 1 : 0;
	char *method;

	if ((method = malloc(mlen + 1)) == NULL)
		return 0;
	if (mlen > 0)
		memcpy(method, data, mlen);
	method[mlen] = '\0';

	memset(&rq, 0, sizeof(rq));
	rq.method = method;
	if (plen >= sizeof(rq.path))
		plen = sizeof(rq.path) - 1;
	if (plen > 0)
		memcpy(rq.path, sp + 1, plen);
	rq.path[plen] = '\0';

	fuzz_match(&rq, 64);
	fuzz_match(&rq, 5);	/* Allow too small for two methods */
	fuzz_match(&rq, 0);
	free(method);
	return 0;
}
