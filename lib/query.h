/*
 * query: the query parameters of the read endpoints (?establishmentId=,
 * ?from=, ?page=...), checked the way validate.c checks a body: every bad
 * parameter is recorded in one struct validation under the name it was
 * sent as, so one 400 VALIDATION_FAILED lists them all.  Each function
 * returns 0 when its parameter is fine (stored, or absent and optional),
 * else -1 after recording the issue in v under the parameter's name.
 */
#ifndef PMS_QUERY_H
#define PMS_QUERY_H

#include <stdint.h>

#include "uuid.h"

struct request;
struct validation;

/* A uuid, lower case; out "" when absent. */
int query_uuid(const struct request *rq, const char *name, int required,
    char out[UUID_STR_LEN + 1], struct validation *v);
/* A required YYYY-MM-DD, as days since 1970-01-01. */
int query_date(const struct request *rq, const char *name, int32_t *days,
    struct validation *v);
/* An optional YYYY-MM-DD: *present 1 and *days when sent, else 0. */
int query_date_optional(const struct request *rq, const char *name,
    int32_t *days, int *present, struct validation *v);
/* A decimal in [min, max]; def when absent. */
int query_int(const struct request *rq, const char *name, int64_t def,
    int64_t min, int64_t max, int64_t *out, struct validation *v);
/* One of the space-separated words of one_of: its index, -1 when absent. */
int query_enum(const struct request *rq, const char *name,
    const char *one_of, int *index, struct validation *v);

/*
 * After a read's parameters were checked into v: answers 400
 * VALIDATION_FAILED listing v's issues when there are any, else 403
 * OUT_OF_SCOPE when establishment is outside the key's scope (before any
 * lookup, so a key learns nothing of other establishments).  1 when it
 * answered, else 0.
 */
int query_refused(struct request *rq, const struct validation *v,
    const char *establishment);

/*
 * ?page= (from 1, default 1) and ?size= (1..QUERY_PAGE_MAX_SIZE, default
 * QUERY_PAGE_DEFAULT_SIZE) of a list (SPEC 2.7); a page past the end is
 * the list's business (an empty "data").  (page - 1) * size fits.
 */
#define QUERY_PAGE_DEFAULT_SIZE 50
#define QUERY_PAGE_MAX_SIZE 200
#define QUERY_PAGE_MAX 1000000000
int query_page(const struct request *rq, int64_t *page, int64_t *size,
    struct validation *v);

#endif
