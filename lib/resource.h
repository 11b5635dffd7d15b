/*
 * resource: the answers every family gives the same way around one of its
 * resources: the 201 of a create, and the GET of one resource by the id
 * in its path (400 bad id, 404, 403 outside the key's scope, 200).
 */
#ifndef PMS_RESOURCE_H
#define PMS_RESOURCE_H

#include <cjson/cJSON.h>

#include "body.h"
#include "uuid.h"
#include "write.h"

struct db;
struct request;

/*
 * 201 {"data":{key: id}}.  0, or -1 when out of memory and nothing was
 * answered (a write's answer function then fails, rolling it back).
 */
int respond_created(struct request *rq, const char *key, const char *id);

/*
 * Loads a resource as GET answers it: 0 and *out (the caller owns it),
 * 1 when there is none, or a negative DB status.  The object has a
 * string member "establishmentId".
 */
typedef int (*resource_load_fn)(struct db *db, const char *id, cJSON **out);

/*
 * GET of the resource whose id is the path parameter "id": 400 for an id
 * that is not a uuid, not_found (a catalogue code) when load finds none,
 * 403 OUT_OF_SCOPE when its establishment is outside the key's scope,
 * else 200 with it.  Returns 0 (answered).
 */
int respond_resource(struct request *rq, resource_load_fn load,
    const char *not_found);

/*
 * The life of a create: the body decoded into dest and judged (fields,
 * then rules with ctx; answered when bad), a fresh random id into id,
 * then write_run(apply, answer, ctx).  Returns 0 (answered).
 */
int write_create(struct request *rq, const struct field *fields, void *dest,
    body_rule_fn rules, void *ctx, write_apply_fn apply,
    write_answer_fn answer, char id[UUID_STR_LEN + 1]);

#endif
