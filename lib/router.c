/*
 * router: matches rq->method and rq->path against a family's route table.
 * Patterns are literal segments and {name} segments; a {name} segment
 * matches one non-empty path segment, copied into rq->params.  Matching is
 * exact (no prefix match, no trailing-slash folding) so every URL has one
 * meaning.  A GET route also serves HEAD (server.c sends no body).  When
 * the path matches but the method does not, the methods that would match
 * are collected for the Allow header, HEAD next to each GET.
 */
#include <stdio.h>
#include <string.h>

#include "request.h"
#include "router.h"

int
route_pattern_match(const char *pattern, const char *path, struct request *rq)
{
	const char *p = pattern, *s = path, *pe, *se;
	int n = 0;

	for (;;) {
		if (*p != '/' || *s != '/')
			return *p == '\0' && *s == '\0' ? (rq->nparams = n, 1) : 0;
		p++;
		s++;
		pe = p + strcspn(p, "/");
		se = s + strcspn(s, "/");
		if (*p == '{' && pe > p + 1 && pe[-1] == '}') {
			size_t len = (size_t)(se - s);
			if (len == 0 || n == ROUTE_MAX_PARAMS ||
			    len >= sizeof(rq->params[0].value))
				return 0;
			rq->params[n].name = p + 1;
			rq->params[n].name_len = (size_t)(pe - p - 2);
			memcpy(rq->params[n].value, s, len);
			rq->params[n].value[len] = '\0';
			n++;
		} else if (pe - p != se - s || memcmp(p, s, (size_t)(pe - p)) != 0)
			return 0;
		p = pe;
		s = se;
	}
}

/* Appends method to the Allow list unless it is there already. */
static void
route_allow_add(char *allow, size_t allow_len, size_t *used,
    const char *method)
{
	const char *p;
	size_t n = strlen(method);
	int w;

	if (allow_len <= *used)
		return;		/* full (or no buffer at all) */
	for (p = allow; (p = strstr(p, method)) != NULL; p += n)
		if ((p == allow || p[-1] == ' ') &&
		    (p[n] == '\0' || p[n] == ','))
			return;
	w = snprintf(allow + *used, allow_len - *used, "%s%s",
	    *used ? ", " : "", method);
	if (w > 0 && (size_t)w < allow_len - *used)
		*used += (size_t)w;
	else
		allow[*used] = '\0';	/* no half-written name */
}

/* HEAD is GET without the body (RFC 9110 9.3.2): a GET route serves it. */
static int
route_method_matches(const char *route_method, const char *method)
{
	return strcmp(route_method, method) == 0 ||
	    (strcmp(route_method, "GET") == 0 && strcmp(method, "HEAD") == 0);
}

int
route_match(struct request *rq, const struct route *routes, char *allow,
    size_t allow_len)
{
	const struct route *r;
	size_t used = 0;
	int path_seen = 0;

	if (allow_len > 0)
		allow[0] = '\0';
	for (r = routes; r->method != NULL; r++) {
		if (!route_pattern_match(r->pattern, rq->path, rq))
			continue;
		if (route_method_matches(r->method, rq->method)) {
			rq->route = r;
			return ROUTE_FOUND;
		}
		path_seen = 1;
		route_allow_add(allow, allow_len, &used, r->method);
		if (strcmp(r->method, "GET") == 0)
			route_allow_add(allow, allow_len, &used, "HEAD");
	}
	rq->nparams = 0;
	return path_seen ? ROUTE_METHOD_NOT_ALLOWED : ROUTE_NOT_FOUND;
}
