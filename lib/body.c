/*
 * body: presence, content type, JSON parse with limits, field-table
 * validation, in that order, each failure answered once in the family's envelope: 415 for
 * a wrong media type, 400 MALFORMED_JSON for bytes that are not one JSON
 * object (bad syntax, bad UTF-8, too deep, duplicate keys), 400
 * VALIDATION_FAILED listing every bad field.
 */
#include <stdio.h>
#include <string.h>

#include "body.h"
#include "envelope.h"
#include "json.h"
#include "log.h"
#include "request.h"
#include "validate.h"

int
body_json(struct request *rq, const struct field *fields, body_check_fn check,
    cJSON **out)
{
	struct validation v;
	char dupkey[64];
	cJSON *json = NULL;
	int rc;

	*out = NULL;
	/* No body at all is a malformed request, whatever it claims to be. */
	if (rq->body == NULL || rq->body_len == 0) {
		respond_error(rq, "MALFORMED_JSON");
		return -1;
	}
	if (!request_content_type_is(rq, rq->family->body_types)) {
		respond_error(rq, "UNSUPPORTED_MEDIA_TYPE");
		return -1;
	}
	rc = json_parse(rq->body, rq->body_len, JSON_MAX_DEPTH, &json, dupkey,
	    sizeof(dupkey));
	if (rc != JSON_OK) {
		respond_error(rq, rc == JSON_ERR_NOMEM ? "INTERNAL_ERROR" :
		    "MALFORMED_JSON");
		return -1;
	}
	memset(&v, 0, sizeof(v));
	if (validate_object(json, fields, "", &v) == 0 && check != NULL)
		check(json, &v);
	if (v.count > 0) {
		respond_validation(rq, &v);
		cJSON_Delete(json);
		return -1;
	}
	*out = json;
	return 0;
}
