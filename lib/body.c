/*
 * body: presence, content type, JSON parse with limits, then field-table
 * validation (body_json) or validation with decoding and cross-field
 * rules (body_decode), in that order, each failure answered once in the
 * family's envelope: 415 for a wrong media type, 400 MALFORMED_JSON for
 * bytes that are not one JSON object (bad syntax, bad UTF-8, too deep,
 * duplicate keys), 400 VALIDATION_FAILED listing every bad field.
 * body_decode keeps the tree (struct body) because decoded strings point
 * into it; on a 400 it frees the tree and clears the handler's struct, so
 * no partial result outlives the answer.
 */
#include <stdio.h>
#include <string.h>

#include "body.h"
#include "envelope.h"
#include "json.h"
#include "log.h"
#include "request.h"
#include "validate.h"

/*
 * The steps both entry points share: 0 and *out (owned by the caller)
 * when the body parses, else -1 after answering.
 */
static int
body_parse(struct request *rq, cJSON **out)
{
	char dupkey[64];
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
	rc = json_parse(rq->body, rq->body_len, JSON_MAX_DEPTH, out, dupkey,
	    sizeof(dupkey));
	if (rc != JSON_OK) {
		respond_error(rq, rc == JSON_ERR_NOMEM ? "INTERNAL_ERROR" :
		    "MALFORMED_JSON");
		return -1;
	}
	return 0;
}

int
body_json(struct request *rq, const struct field *fields, body_check_fn check,
    cJSON **out)
{
	struct validation v;
	cJSON *json = NULL;

	*out = NULL;
	if (body_parse(rq, &json) != 0)
		return -1;
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

int
body_decode(struct request *rq, const struct field *fields, void *dest,
    body_rule_fn rules, void *ctx, struct body *out)
{
	struct validation v;
	cJSON *json = NULL;
	int rc = -1, found;

	out->json = NULL;
	if (body_parse(rq, &json) != 0)
		goto done;
	memset(&v, 0, sizeof(v));
	found = validate_decode(json, fields, dest, "", &v);
	if (found == VALIDATE_ERR_TABLE) {
		log_error("body_decode: a field table does not fit its struct");
		respond_error(rq, "INTERNAL_ERROR");
		goto done;
	}
	if (rules != NULL)
		rules(dest, ctx, &v);
	if (v.refusal != NULL) {
		respond_error(rq, v.refusal);
		validate_clear(fields, dest);
		goto done;
	}
	/* v.count, not found: a rule's issues count too. */
	if (v.count > 0) {
		respond_validation(rq, &v);
		validate_clear(fields, dest);
		goto done;
	}
	out->json = json;
	json = NULL;
	rc = 0;
done:
	cJSON_Delete(json);
	return rc;
}

void
body_free(struct body *b)
{
	if (b == NULL)
		return;
	cJSON_Delete(b->json);
	b->json = NULL;
}
