/*
 * GET /v1/allotments/{id}: the allotment with its allocations, each
 * allocation's nights (allocated, picked, remaining), its status and its
 * cutoff (SPEC 2.7, docs/allotments.md "Answers"), as allotment_json_load
 * reads it.  Any authenticated key: 400 for an id that is not a uuid, 404
 * ALLOTMENT_NOT_FOUND, 403 OUT_OF_SCOPE when the allotment's establishment
 * is outside the key's scope.
 */
#include <cjson/cJSON.h>

#include "allotments.h"
#include "auth.h"
#include "db.h"
#include "envelope.h"
#include "request.h"
#include "uuid.h"
#include "validate.h"

int
allotment_get(struct request *rq)
{
	char id[UUID_STR_LEN + 1];
	struct validation v = { 0 };
	cJSON *data = NULL;
	int rc;

	if (uuid_parse(request_path_param(rq, "id"), id) != 0) {
		validation_add(&v, "id", REASON_BAD_UUID);
		rc = respond_validation(rq, &v);
		goto done;
	}
	rc = allotment_json_load(rq->db, id, &data);
	if (rc == 1)
		rc = respond_error(rq, "ALLOTMENT_NOT_FOUND");
	else if (rc != 0)
		rc = respond_db_failure(rq, rc);
	else if (!auth_scope_allows(rq, cJSON_GetStringValue(
	    cJSON_GetObjectItemCaseSensitive(data, "establishmentId"))))
		rc = respond_error(rq, "OUT_OF_SCOPE");
	else {
		rc = respond_data(rq, 200, data);
		data = NULL;
	}
done:
	cJSON_Delete(data);
	return rc;
}
