/*
 * router: matches rq->method and rq->path against a family's route table.
 * Patterns are literal segments and {name} segments; a {name} segment
 * matches one non-empty path segment, copied into rq->params.  Matching is
 * exact (no prefix match, no trailing-slash folding) so every URL has one
 * meaning.  When the path matches but the method does not, the methods
 * that would match are collected for the Allow header.
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
		if (strcmp(r->method, rq->method) == 0) {
			rq->route = r;
			return ROUTE_FOUND;
		}
		path_seen = 1;
		if (allow_len > used && strstr(allow, r->method) == NULL) {
			int w = snprintf(allow + used, allow_len - used, "%s%s",
			    used ? ", " : "", r->method);
			if (w > 0 && (size_t)w < allow_len - used)
				used += (size_t)w;
		}
	}
	rq->nparams = 0;
	return path_seen ? ROUTE_METHOD_NOT_ALLOWED : ROUTE_NOT_FOUND;
}
