/*
 * body: a request body as a validated JSON object, or decoded into the
 * handler's struct, for handlers.  Checks the content type (the family's
 * accepted types), parses with json.c's limits and validates (and
 * decodes) against the handler's field table; on any failure the error
 * has already been answered in the family's envelope.  (413 for a body
 * over the limit is answered by server.c before the handler runs.)
 */
#ifndef PMS_BODY_H
#define PMS_BODY_H

#include <cjson/cJSON.h>

struct request;
struct field;
struct validation;

/*
 * 0 and *out (owned by the caller, cJSON_Delete) when the body is a JSON
 * object valid against fields; else -1 after answering 400/415.
 * check, when not NULL, runs when the table found nothing (cross-field
 * rules may then trust the types) and reports into the same list.
 */
typedef void (*body_check_fn)(const cJSON *obj, struct validation *v);
int body_json(struct request *rq, const struct field *fields,
    body_check_fn check, cJSON **out);

/*
 * A decoded body: the parsed tree the decoded strings are borrowed from.
 * Owned by the handler from body_decode() on, freed by body_free().
 */
struct body {
	cJSON *json;
};

/*
 * Cross-field rules over the decoded struct.  They run even when some
 * fields were invalid: a rule uses a value only when that field's state
 * is FIELD_SET, and adds its own issues to v (validation_add).  ctx is
 * the handler's (a business date, an establishment...).  A rule may set
 * v->refusal to a catalogue code (OUT_OF_SCOPE, SERVICE_UNAVAILABLE...):
 * that code is answered instead of any 400.
 */
typedef void (*body_rule_fn)(const void *dest, void *ctx,
    struct validation *v);

/*
 * Parses the body and decodes it into dest as fields say
 * (validate_decode), then runs rules (may be NULL).  0 when everything
 * held: dest is filled and out->json keeps its strings alive until
 * body_free(out).  Else -1 after answering 415, 400 MALFORMED_JSON, 400
 * VALIDATION_FAILED listing every type error and every rule violation
 * together, or 500 for a table whose destinations do not fit; then every
 * destination in dest is cleared (validate_clear) and out holds nothing.
 * out is always safe to body_free().
 */
int body_decode(struct request *rq, const struct field *fields, void *dest,
    body_rule_fn rules, void *ctx, struct body *out);

/* Frees the tree of b (NULL or already freed: nothing to do). */
void body_free(struct body *b);

#endif
