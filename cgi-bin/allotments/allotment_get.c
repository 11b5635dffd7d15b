/*
 * GET /v1/allotments/{id}: the allotment with its allocations, each
 * allocation's nights (allocated, picked, remaining), its status and its
 * cutoff (SPEC 2.7, docs/allotments.md "Answers"), as allotment_json_load
 * reads it.  Any authenticated key: 400 for an id that is not a uuid, 404
 * ALLOTMENT_NOT_FOUND, 403 OUT_OF_SCOPE when the allotment's establishment
 * is outside the key's scope.
 */
#include "allotments.h"
#include "request.h"
#include "resource.h"

int
allotment_get(struct request *rq)
{
	return respond_resource(rq, allotment_json_load, "ALLOTMENT_NOT_FOUND");
}
