/*
 * router: method + path pattern matching with {name} path parameters.
 * A family's route table (its main.c) is its table of contents.  No path
 * match: 404; a path match with another method: 405 with Allow.  HEAD is
 * served by the GET route of its path.
 */
#ifndef PMS_ROUTER_H
#define PMS_ROUTER_H

#include <stddef.h>

struct request;

/* How a route authenticates; checked by server.c before the handler. */
enum route_auth {
	AUTH_NONE = 0,
	AUTH_AGENT,		/* X-API-Key, role agent or manager */
	AUTH_MANAGER,		/* X-API-Key, role manager */
	AUTH_AMAGE,		/* device-uuid, api-key, api-sign (SPEC 3.1) */
};

/* A handler returns 0 when it has responded, or a negative error code
   (request_error's codes) for server.c to answer in the family's envelope. */
typedef int (*route_handler)(struct request *rq);

struct route {
	const char *method;		/* "GET", "POST", "DELETE" */
	const char *pattern;		/* "/v1/units/{unitId}" */
	route_handler handler;
	enum route_auth auth;
};

enum route_match {
	ROUTE_FOUND = 0,
	ROUTE_NOT_FOUND = -1,
	ROUTE_METHOD_NOT_ALLOWED = -2,
};

/*
 * Finds the route of rq->method and rq->path in routes (terminated by a
 * { NULL } entry).  ROUTE_FOUND: rq->route and rq->params are set.
 * ROUTE_METHOD_NOT_ALLOWED: allow receives "GET, HEAD, POST" (allow_len
 * bytes; a name that does not fit whole is left out).
 */
int route_match(struct request *rq, const struct route *routes,
    char *allow, size_t allow_len);

/* Pure matcher, for tests: 1 when path matches pattern (params filled). */
int route_pattern_match(const char *pattern, const char *path,
    struct request *rq);

#endif
