/*
 * request: one HTTP request as the FastCGI (or CGI) params present it, its
 * body (read at most once, bounded by the size limit), the response being
 * built, and the per-request auth result.  The same struct serves every
 * family; server.c fills it and writes the response once at the end.
 */
#ifndef PMS_REQUEST_H
#define PMS_REQUEST_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include <cjson/cJSON.h>

struct batch_kind;
struct db;
struct config;
struct family;
struct route;

#define ROUTE_MAX_PARAMS 4
#define TRACE_ID_MAX 64
#define SCOPE_MAX 64

enum lang { LANG_FR = 0, LANG_EN = 1 };
enum role { ROLE_NONE = 0, ROLE_AGENT = 1, ROLE_MANAGER = 2 };

struct path_param {
	const char *name;		/* borrowed from the route pattern */
	size_t name_len;
	char value[128];		/* copy, NUL-terminated */
};

struct principal {
	int authenticated;
	int64_t key_id;			/* api_keys.id or amage_clients.id */
	enum role role;
	int all_establishments;
	int nscope;
	char scope[SCOPE_MAX][37];	/* establishment ids */
};

struct request {
	/* input: borrowed from the FastCGI request or the CGI environment */
	char **envp;
	void *fcgx;			/* FCGX_Request *, NULL in CGI mode */
	const char *method;
	const char *request_uri;	/* path and query, exactly as sent */
	char path[1024];		/* REQUEST_URI without the query */
	const char *query;		/* after '?', "" when none */
	char trace_id[TRACE_ID_MAX];
	enum lang lang;
	struct timespec started;

	/* body: read by request_read_body() */
	char *body;			/* owned, NUL-terminated, NULL until read */
	size_t body_len;
	int body_read;			/* 0 not yet, 1 read, else the BODY_* error */

	/* routing */
	const struct family *family;
	const struct route *route;
	int nparams;
	struct path_param params[ROUTE_MAX_PARAMS];

	/* auth */
	struct principal who;

	/* shared per-process resources */
	struct db *db;
	const struct config *cfg;

	/* response */
	int status;
	char *resp_body;		/* owned */
	size_t resp_len;
	char resp_headers[512];		/* extra "Name: value\r\n" lines */
	size_t resp_headers_len;
	int responded;

	/* deferred to a batch (batch.h): answered when the batch runs */
	const struct batch_kind *batch;
	void *batch_item;		/* owned, freed with batch_item_free */
	void (*batch_item_free)(void *);
	int batch_alone;		/* run a deferred write at once (faults) */
};

/*
 * Reads the parameters libfcgi (or the CGI environment) hands over, an
 * envp-style array of "NAME=value" strings that rq borrows: sets
 * rq->envp, method (REQUEST_METHOD, "GET" when absent), request_uri
 * (REQUEST_URI, else SCRIPT_NAME, else "/"), path (before the first '?',
 * cut to fit), query (after it, "" when none), trace_id (REQUEST_ID when
 * it is a short token of hex digits, '-' and '_', else 32 random hex
 * digits) and lang (request_lang of Accept-Language).  Touches nothing
 * else: the caller zeroes rq first.
 */
void request_init_params(struct request *rq, char **envp);

/* LANG_EN when the first of en/fr that accept_language (may be NULL)
   names is en, else LANG_FR. */
enum lang request_lang(const char *accept_language);

/*
 * CONTENT_LENGTH cl (NULL or "" count as 0) against limit: BODY_OK and
 * *n when cl is all decimal digits and at most limit, BODY_TOO_LARGE
 * when it is above, BODY_BAD_LENGTH when it is not a number (sign,
 * blank, other byte, or beyond 64 bits).
 */
int request_content_length(const char *cl, size_t limit, size_t *n);

/* A FastCGI/CGI param (HTTP_X_API_KEY, CONTENT_TYPE...), or NULL. */
const char *request_param(const struct request *rq, const char *name);
/* An HTTP request header by its HTTP name ("X-API-Key", "api-sign"), or NULL. */
const char *request_header(const struct request *rq, const char *name);
/* A path parameter by name ("unitId"), or NULL. */
const char *request_path_param(const struct request *rq, const char *name);
/*
 * A query parameter, URL-decoded into out (out_len bytes).  1 when present,
 * 0 when absent, -1 when too long or badly encoded.
 */
int request_query_param(const struct request *rq, const char *name,
    char *out, size_t out_len);

enum body_status {
	BODY_OK = 0,
	BODY_TOO_LARGE = -1,	/* CONTENT_LENGTH above the limit: 413 */
	BODY_BAD_LENGTH = -2,	/* CONTENT_LENGTH not a number / short read: 400 */
	BODY_NOMEM = -3,
};
/* Reads exactly CONTENT_LENGTH bytes once; later calls return the first result. */
int request_read_body(struct request *rq, size_t limit);

/* 1 when CONTENT_TYPE's media type (before ';') is one of the space-separated types. */
int request_content_type_is(const struct request *rq, const char *types);

/*
 * Response building.  request_respond_json takes ownership of json and
 * serialises it; request_respond_raw copies body.  A second respond
 * replaces the first (the last word wins), so error paths may answer over
 * a half-built success.
 */
void request_respond_json(struct request *rq, int status, cJSON *json);
void request_respond_raw(struct request *rq, int status, const char *body,
    size_t len);
/* Like request_respond_raw, but takes ownership of body (malloc'd). */
void request_respond_owned(struct request *rq, int status, char *body,
    size_t len);
/* Adds a response header line; silently dropped if it does not fit. */
void request_add_header(struct request *rq, const char *name, const char *value);

/* The reason phrase of a status ("Not Found"). */
const char *http_reason(int status);

#endif
