/*
 * body: a request body as a validated JSON object, for handlers.  Checks
 * the content type (the family's accepted types), parses with json.c's
 * limits and validates against the handler's field table; on any failure
 * the error has already been answered in the family's envelope.
 */
#ifndef PMS_BODY_H
#define PMS_BODY_H

#include <cjson/cJSON.h>

struct request;
struct field;

/*
 * 0 and *out (owned by the caller, cJSON_Delete) when the body is a JSON
 * object valid against fields; else -1 after answering 400/415.
 * check, when not NULL, runs when the table found nothing (cross-field
 * rules may then trust the types) and reports into the same list.
 */
struct validation;
typedef void (*body_check_fn)(const cJSON *obj, struct validation *v);
int body_json(struct request *rq, const struct field *fields,
    body_check_fn check, cJSON **out);

#endif
