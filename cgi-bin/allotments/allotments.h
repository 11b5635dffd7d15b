/* allotments: the family's handlers, and the helpers its files share. */
#ifndef ALLOTMENTS_H
#define ALLOTMENTS_H

#include <stdint.h>

#include <cjson/cJSON.h>

struct db;
struct request;

/* Handlers (one concern per file). */
int allotment_create(struct request *rq);	/* allotment_create.c */
int allotment_pickup(struct request *rq);	/* allotment_pickup.c */
int allotment_confirm(struct request *rq);	/* allotment_actions.c */
int allotment_cancel(struct request *rq);	/* allotment_actions.c */
int reservation_cancel(struct request *rq);	/* reservation_cancel.c */
int allotment_get(struct request *rq);		/* allotment_get.c */
int allotment_list(struct request *rq);		/* allotment_list.c */
int reservation_list(struct request *rq);	/* reservation_list.c */

/* allotment_json.c: the answers of GET, shared by the actions (SPEC 2.7:
   an action answers the resource as its GET returns it). */

/*
 * The allotment as GET /v1/allotments/{id} returns it (the object inside
 * "data"), read with db (inside the caller's transaction when there is
 * one).  id is the canonical lower-case uuid.  0 and *out (owned:
 * cJSON_Delete); 1 when there is no such allotment (*out NULL); else a
 * negative DB status, or DB_ERR_FAILED when out of memory.
 */
int allotment_json_load(struct db *db, const char *id, cJSON **out);

/*
 * One pickup as GET /v1/allotments/{id}/reservations lists it, by its id
 * and its allotment's.  Same result convention as allotment_json_load.
 */
int reservation_json_load(struct db *db, const char *allotment_id,
    const char *reservation_id, cJSON **out);

#endif
