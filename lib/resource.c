/* resource: a create's 201 and a resource's GET (resource.h). */
#include <cjson/cJSON.h>

#include "auth.h"
#include "db.h"
#include "envelope.h"
#include "request.h"
#include "resource.h"
#include "uuid.h"
#include "validate.h"

int
respond_created(struct request *rq, const char *key, const char *id)
{
	cJSON *data = cJSON_CreateObject();

	if (data == NULL || cJSON_AddStringToObject(data, key, id) == NULL) {
		cJSON_Delete(data);
		return -1;
	}
	respond_data(rq, 201, data);
	return rq->status == 201 ? 0 : -1;
}

int
respond_resource(struct request *rq, resource_load_fn load,
    const char *not_found)
{
	char id[UUID_STR_LEN + 1];
	struct validation v = { 0 };
	cJSON *data = NULL;
	int rc;

	if (uuid_parse(request_path_param(rq, "id"), id) != 0) {
		validation_add(&v, "id", REASON_BAD_UUID);
		return respond_validation(rq, &v);
	}
	rc = load(rq->db, id, &data);
	if (rc == 1)
		rc = respond_error(rq, not_found);
	else if (rc != 0)
		rc = respond_db_failure(rq, rc);
	else if (!auth_scope_allows(rq, cJSON_GetStringValue(
	    cJSON_GetObjectItemCaseSensitive(data, "establishmentId"))))
		rc = respond_error(rq, "OUT_OF_SCOPE");
	else {
		rc = respond_data(rq, 200, data);
		data = NULL;
	}
	cJSON_Delete(data);
	return rc;
}

int
write_create(struct request *rq, const struct field *fields, void *dest,
    body_rule_fn rules, void *ctx, write_apply_fn apply,
    write_answer_fn answer, char id[UUID_STR_LEN + 1])
{
	struct body body = { 0 };
	int rc;

	if (body_decode(rq, fields, dest, rules, ctx, &body) != 0)
		return 0;	/* answered */
	if (uuid_generate(id) != 0)
		rc = respond_error(rq, "INTERNAL_ERROR");
	else
		rc = write_run(rq, apply, answer, ctx);
	body_free(&body);
	return rc;
}
