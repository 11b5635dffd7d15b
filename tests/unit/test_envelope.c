/*
 * Unit tests of lib/envelope.c: the catalogue codes answered in the PMS
 * error object (French by default, English on request, traceId and
 * origin) and in the AMAGE result object (its own HTTP status and
 * errorCode, English text), the lookup (the family's catalogue, then the
 * shared one; a test family stands for the real ones, which test_codes.c
 * checks), the unknown-code fallback and its log line, validation issues
 * in both shapes, the AMAGE result with and without id/uuid, {"data":...}
 * successes and the database-failure mapping.  Every answer is parsed back
 * with cJSON and checked member by member.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "db.h"
#include "envelope.h"
#include "json.h"
#include "request.h"
#include "validate.h"

/* A family's own code, answered 400/404 in AMAGE like a missing record. */
static const struct message family_messages[] = {
	{ "THING_MISSING", 404, 400, 404, "Chose introuvable",
	  "Thing not found" },
	{ NULL, 0, 0, 0, NULL, NULL }
};

/* Redefines a shared code, which no real family may (test_codes.c refuses
   it): only here, to see which catalogue a lookup reads first. */
static const struct message shadowing_messages[] = {
	{ "NOT_FOUND", 410, 410, 410, "Disparu", "Gone" },
	{ NULL, 0, 0, 0, NULL, NULL }
};

static const struct family pms_family = {
	.name = "units",
	.envelope = ENVELOPE_PMS,
	.bounded_context = "inventory",
	.module = "units",
	.body_types = "application/json",
	.routes = NULL,
	.messages = family_messages,
};

static const struct family amage_family = {
	.name = "work-orders",
	.envelope = ENVELOPE_AMAGE,
	.bounded_context = "maintenance",
	.module = "work-orders",
	.body_types = "application/json",
	.routes = NULL,
	.messages = family_messages,
};

/* Same origin as pms_family, so assert_pms_error applies to both. */
static const struct family bare_family = {
	.name = "units",
	.envelope = ENVELOPE_PMS,
	.bounded_context = "inventory",
	.module = "units",
	.messages = NULL,
};

static const struct family shadowing_family = {
	.name = "units",
	.envelope = ENVELOPE_PMS,
	.bounded_context = "inventory",
	.module = "units",
	.messages = shadowing_messages,
};

#define TRACE "0123456789abcdef0123456789abcdef"

static void
request_init(struct request *rq, const struct family *fam, enum lang lang)
{
	memset(rq, 0, sizeof(*rq));
	rq->family = fam;
	rq->lang = lang;
	snprintf(rq->trace_id, sizeof(rq->trace_id), "%s", TRACE);
}

static void
request_done(struct request *rq)
{
	free(rq->resp_body);
	rq->resp_body = NULL;
}

/* The response body parsed; fails the test when it is not JSON. */
static cJSON *
body(const struct request *rq)
{
	cJSON *root;

	assert_int_equal(rq->responded, 1);
	assert_non_null(rq->resp_body);
	assert_int_equal(strlen(rq->resp_body), rq->resp_len);
	root = cJSON_Parse(rq->resp_body);
	if (root == NULL)
		fail_msg("response is not JSON: %s", rq->resp_body);
	return root;
}

static int
member_count(const cJSON *o)
{
	return cJSON_GetArraySize(o);
}

static const char *
str_member(const cJSON *o, const char *name)
{
	const cJSON *m = cJSON_GetObjectItemCaseSensitive(o, name);

	if (!cJSON_IsString(m))
		fail_msg("member %s is not a string", name);
	return m->valuestring;
}

static double
num_member(const cJSON *o, const char *name)
{
	const cJSON *m = cJSON_GetObjectItemCaseSensitive(o, name);

	if (!cJSON_IsNumber(m))
		fail_msg("member %s is not a number", name);
	return m->valuedouble;
}

static void
assert_null_member(const cJSON *o, const char *name)
{
	const cJSON *m = cJSON_GetObjectItemCaseSensitive(o, name);

	if (m == NULL || !cJSON_IsNull(m))
		fail_msg("member %s is not null", name);
}

/* Asserts the whole PMS error object of code with status and message. */
static void
assert_pms_error(const struct request *rq, const char *code, int status,
    const char *message)
{
	cJSON *o = body(rq), *origin;

	assert_int_equal(rq->status, status);
	assert_true(cJSON_IsObject(o));
	assert_string_equal(str_member(o, "code"), code);
	assert_string_equal(str_member(o, "message"), message);
	assert_int_equal((int)num_member(o, "status"), status);
	assert_string_equal(str_member(o, "traceId"), TRACE);
	origin = cJSON_GetObjectItemCaseSensitive(o, "origin");
	assert_true(cJSON_IsObject(origin));
	assert_string_equal(str_member(origin, "boundedContext"), "inventory");
	assert_string_equal(str_member(origin, "module"), "units");
	assert_int_equal(member_count(origin), 2);
	/* No AMAGE member leaks into the PMS shape. */
	assert_null(cJSON_GetObjectItemCaseSensitive(o, "success"));
	assert_null(cJSON_GetObjectItemCaseSensitive(o, "errorCode"));
	cJSON_Delete(o);
}

/* respond_error(code) for fam in lang answers the PMS error want. */
static void
assert_pms_answer(const struct family *fam, enum lang lang, const char *code,
    const char *want, int status, const char *message)
{
	struct request rq;

	request_init(&rq, fam, lang);
	assert_int_equal(respond_error(&rq, code), 0);
	assert_pms_error(&rq, want, status, message);
	request_done(&rq);
}

/* Asserts the whole AMAGE failure object. */
static void
assert_amage_error(const struct request *rq, int http_status, int error_code,
    const char *message)
{
	cJSON *o = body(rq);

	assert_int_equal(rq->status, http_status);
	assert_true(cJSON_IsObject(o));
	assert_int_equal(member_count(o), 5);
	assert_null_member(o, "id");
	assert_null_member(o, "uuid");
	assert_true(cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(o, "success")));
	assert_int_equal((int)num_member(o, "errorCode"), error_code);
	assert_string_equal(str_member(o, "message"), message);
	cJSON_Delete(o);
}

static void
pms_error_is_french_by_default_with_trace_and_origin(void **state)
{
	struct request rq;

	(void)state;
	request_init(&rq, &pms_family, LANG_FR);
	assert_int_equal(respond_error(&rq, "NOT_FOUND"), 0);
	assert_pms_error(&rq, "NOT_FOUND", 404, "Ressource introuvable");
	request_done(&rq);

	request_init(&rq, &pms_family, LANG_FR);
	respond_error(&rq, "METHOD_NOT_ALLOWED");
	assert_pms_error(&rq, "METHOD_NOT_ALLOWED", 405,
	    "Méthode non autorisée");
	request_done(&rq);
}

static void
pms_error_is_english_when_the_request_asks_for_it(void **state)
{
	struct request rq;

	(void)state;
	request_init(&rq, &pms_family, LANG_EN);
	respond_error(&rq, "NOT_FOUND");
	assert_pms_error(&rq, "NOT_FOUND", 404, "Not found");
	request_done(&rq);

	request_init(&rq, &pms_family, LANG_EN);
	respond_error(&rq, "THING_MISSING");
	assert_pms_error(&rq, "THING_MISSING", 404, "Thing not found");
	request_done(&rq);
}

static void
pms_error_codes_answer_their_catalogue_status(void **state)
{
	static const struct {
		const char *code;
		int status;
	} cases[] = {
		{ "NOT_FOUND", 404 },
		{ "METHOD_NOT_ALLOWED", 405 },
		{ "PAYLOAD_TOO_LARGE", 413 },
		{ "UNSUPPORTED_MEDIA_TYPE", 415 },
		{ "MALFORMED_JSON", 400 },
		{ "BAD_LENGTH", 400 },
		{ "VALIDATION_FAILED", 400 },
		{ "UNAUTHENTICATED", 401 },
		{ "FORBIDDEN", 403 },
		{ "OUT_OF_SCOPE", 403 },
		{ "SERVICE_UNAVAILABLE", 503 },
		{ "INTERNAL_ERROR", 500 },
		{ "SIGNATURE_INVALID", 401 },
		{ "IDEMPOTENCY_KEY_REUSED", 409 },
		{ "IDEMPOTENCY_KEY_INVALID", 400 },
		{ "THING_MISSING", 404 },
	};
	struct request rq;
	const struct message *m;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		m = message_find_for(&pms_family, cases[i].code);
		assert_non_null(m);
		request_init(&rq, &pms_family, LANG_FR);
		respond_error(&rq, cases[i].code);
		assert_pms_error(&rq, cases[i].code, cases[i].status, m->fr);
		request_done(&rq);
		request_init(&rq, &pms_family, LANG_EN);
		respond_error(&rq, cases[i].code);
		assert_pms_error(&rq, cases[i].code, cases[i].status, m->en);
		request_done(&rq);
	}
}

static void
pms_error_without_issues_has_no_details(void **state)
{
	struct request rq;
	cJSON *o;

	(void)state;
	request_init(&rq, &pms_family, LANG_FR);
	respond_error(&rq, "FORBIDDEN");
	o = body(&rq);
	assert_null(cJSON_GetObjectItemCaseSensitive(o, "details"));
	assert_int_equal(member_count(o), 5);
	cJSON_Delete(o);
	request_done(&rq);
}

static void
request_without_family_gets_the_pms_shape_with_an_empty_origin(void **state)
{
	struct request rq;
	cJSON *o, *origin;

	(void)state;
	request_init(&rq, NULL, LANG_FR);
	respond_error(&rq, "NOT_FOUND");
	assert_int_equal(rq.status, 404);
	o = body(&rq);
	assert_string_equal(str_member(o, "code"), "NOT_FOUND");
	origin = cJSON_GetObjectItemCaseSensitive(o, "origin");
	assert_true(cJSON_IsObject(origin));
	assert_int_equal(member_count(origin), 0);
	cJSON_Delete(o);
	request_done(&rq);
}

static void
amage_error_has_the_result_shape_and_its_own_status(void **state)
{
	static const struct {
		const char *code;
		int http_status, error_code;
		const char *message;
	} cases[] = {
		{ "UNAUTHENTICATED", 400, 401, "Missing, unknown or revoked API key" },
		{ "SIGNATURE_MISSING", 400, 401,
		  "Missing signature headers (device-uuid, api-key, api-sign)" },
		{ "SIGNATURE_INVALID", 400, 401, "Invalid request signature" },
		{ "SIGNATURE_EXPIRED", 400, 401,
		  "Request signature expired or from the future" },
		{ "SIGNATURE_REPLAYED", 400, 401, "Request signature already used" },
		{ "CLIENT_UNKNOWN", 400, 401, "Unknown or revoked api-key" },
		{ "DEVICE_NOT_ALLOWED", 400, 401,
		  "Device not allowed for this api-key" },
		{ "NOT_FOUND", 404, 404, "Not found" },
		{ "THING_MISSING", 400, 404, "Thing not found" },
		{ "IDEMPOTENCY_KEY_REUSED", 409, 409,
		  "Idempotency-Key already used for a different request" },
		{ "IDEMPOTENCY_KEY_INVALID", 400, 400,
		  "Invalid Idempotency-Key header (1 to 255 visible ASCII characters)" },
		{ "FORBIDDEN", 403, 403, "Permission denied (manager only)" },
		{ "PAYLOAD_TOO_LARGE", 413, 413, "Request body too large" },
		{ "SERVICE_UNAVAILABLE", 503, 503,
		  "Service temporarily unavailable, retry" },
	};
	struct request rq;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		request_init(&rq, &amage_family, LANG_FR);
		assert_int_equal(respond_error(&rq, cases[i].code), 0);
		assert_amage_error(&rq, cases[i].http_status,
		    cases[i].error_code, cases[i].message);
		request_done(&rq);
	}
}

static void
amage_error_is_english_whatever_the_request_language(void **state)
{
	struct request rq;

	(void)state;
	request_init(&rq, &amage_family, LANG_FR);
	respond_error(&rq, "METHOD_NOT_ALLOWED");
	assert_amage_error(&rq, 405, 405, "Method not allowed");
	request_done(&rq);
	request_init(&rq, &amage_family, LANG_EN);
	respond_error(&rq, "METHOD_NOT_ALLOWED");
	assert_amage_error(&rq, 405, 405, "Method not allowed");
	request_done(&rq);
}

static void
unknown_code_answers_500_internal_error_in_both_shapes(void **state)
{
	struct request rq;

	(void)state;
	assert_null(message_find("NO_SUCH_CODE"));
	assert_null(message_find(""));

	request_init(&rq, &pms_family, LANG_FR);
	assert_int_equal(respond_error(&rq, "NO_SUCH_CODE"), 0);
	assert_pms_error(&rq, "INTERNAL_ERROR", 500, "Erreur interne");
	request_done(&rq);

	request_init(&rq, &pms_family, LANG_EN);
	respond_error(&rq, "not_found");	/* codes are case-sensitive */
	assert_pms_error(&rq, "INTERNAL_ERROR", 500, "Internal error");
	request_done(&rq);

	request_init(&rq, &amage_family, LANG_FR);
	respond_error(&rq, "NO_SUCH_CODE");
	assert_amage_error(&rq, 500, 500, "Internal error");
	request_done(&rq);

	/* a family without a catalogue, and no code at all */
	assert_pms_answer(&bare_family, LANG_FR, "NO_SUCH_CODE",
	    "INTERNAL_ERROR", 500, "Erreur interne");
	assert_pms_answer(&pms_family, LANG_FR, NULL, "INTERNAL_ERROR", 500,
	    "Erreur interne");
}

/*
 * Sends times respond_error(code) of fam with stderr in a file; returns
 * how many lines of it name code as unknown, with the request's traceId.
 */
static int
unknown_code_log_lines(const struct family *fam, const char *code,
    int times)
{
	char path[] = "/tmp/test_envelope_log_XXXXXX", line[2048], what[128];
	struct request rq;
	FILE *f;
	int fd, saved, i, n = 0;

	fd = mkstemp(path);
	assert_true(fd >= 0);
	unlink(path);
	fflush(stderr);
	saved = dup(STDERR_FILENO);
	assert_true(saved >= 0);
	assert_true(dup2(fd, STDERR_FILENO) >= 0);
	for (i = 0; i < times; i++) {
		request_init(&rq, fam, LANG_FR);
		respond_error(&rq, code);
		request_done(&rq);
	}
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
	snprintf(what, sizeof(what), "unknown code \"%s\"", code);
	f = fdopen(fd, "r");
	assert_non_null(f);
	rewind(f);
	while (fgets(line, sizeof(line), f) != NULL)
		if (strstr(line, what) != NULL && strstr(line, TRACE) != NULL)
			n++;
	fclose(f);
	return n;
}

static void
unknown_code_is_logged_once_per_occurrence(void **state)
{
	(void)state;
	assert_int_equal(unknown_code_log_lines(&pms_family, "NO_SUCH_CODE", 1),
	    1);
	assert_int_equal(unknown_code_log_lines(&amage_family, "TYPO_CODE", 3),
	    3);
	/* codes of either catalogue are not logged */
	assert_int_equal(unknown_code_log_lines(&pms_family, "NOT_FOUND", 2), 0);
	assert_int_equal(unknown_code_log_lines(&pms_family, "THING_MISSING",
	    2), 0);
}

static void
family_catalogue_is_searched_before_the_shared_one(void **state)
{
	(void)state;
	assert_int_equal(message_find_for(&shadowing_family, "NOT_FOUND")->status,
	    410);
	assert_int_equal(message_find("NOT_FOUND")->status, 404);
	assert_pms_answer(&shadowing_family, LANG_EN, "NOT_FOUND", "NOT_FOUND",
	    410, "Gone");
	/* then the shared one, for what the family does not hold */
	assert_pms_answer(&shadowing_family, LANG_FR, "FORBIDDEN", "FORBIDDEN",
	    403, "Permission refusée (réservé aux managers)");
}

static void
family_code_is_found_only_through_its_family(void **state)
{
	(void)state;
	assert_non_null(message_find_for(&pms_family, "THING_MISSING"));
	assert_null(message_find("THING_MISSING"));
	assert_null(message_find_for(&bare_family, "THING_MISSING"));
	assert_null(message_find_for(NULL, "THING_MISSING"));
	assert_non_null(message_find_for(NULL, "NOT_FOUND"));
	assert_pms_answer(&bare_family, LANG_EN, "THING_MISSING",
	    "INTERNAL_ERROR", 500, "Internal error");
	assert_pms_answer(&bare_family, LANG_EN, "OUT_OF_SCOPE", "OUT_OF_SCOPE",
	    403, "Establishment outside the key's scope");
}

static void
idempotency_codes_answer_409_reused_and_400_invalid_in_french(void **state)
{
	(void)state;
	assert_pms_answer(&bare_family, LANG_FR, "IDEMPOTENCY_KEY_REUSED",
	    "IDEMPOTENCY_KEY_REUSED", 409,
	    "Clé d'idempotence déjà utilisée pour une autre requête");
	assert_pms_answer(&bare_family, LANG_FR, "IDEMPOTENCY_KEY_INVALID",
	    "IDEMPOTENCY_KEY_INVALID", 400,
	    "En-tête Idempotency-Key invalide (1 à 255 caractères ASCII visibles)");
}

static void
catalogue_entries_carry_both_texts(void **state)
{
	static const char *codes[] = {
		"NOT_FOUND", "METHOD_NOT_ALLOWED", "PAYLOAD_TOO_LARGE",
		"UNSUPPORTED_MEDIA_TYPE", "MALFORMED_JSON", "BAD_LENGTH",
		"VALIDATION_FAILED", "UNAUTHENTICATED", "FORBIDDEN",
		"OUT_OF_SCOPE", "SERVICE_UNAVAILABLE", "INTERNAL_ERROR",
		"SIGNATURE_MISSING", "SIGNATURE_INVALID", "SIGNATURE_EXPIRED",
		"SIGNATURE_REPLAYED", "CLIENT_UNKNOWN", "DEVICE_NOT_ALLOWED",
		"IDEMPOTENCY_KEY_REUSED", "IDEMPOTENCY_KEY_INVALID",
	};
	const struct message *m;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
		m = message_find(codes[i]);
		if (m == NULL)
			fail_msg("%s missing from the catalogue", codes[i]);
		assert_string_equal(m->code, codes[i]);
		assert_true(m->status >= 400 && m->status <= 599);
		assert_true(m->amage_status >= 400 && m->amage_status <= 599);
		assert_true(m->fr != NULL && m->fr[0] != '\0');
		assert_true(m->en != NULL && m->en[0] != '\0');
		assert_true(json_utf8_valid(m->fr, strlen(m->fr)));
	}
}

static void
fill_validation(struct validation *v)
{
	memset(v, 0, sizeof(*v));
	validation_add(v, "unitId", REASON_REQUIRED);
	validation_add(v, "installments[1].amountCents", REASON_BAD_CENTS);
	validation_add(v, "colour", REASON_UNKNOWN_FIELD);
}

/* details[i] is {"field","reason","rule"} with exactly those values. */
static void
assert_detail(const cJSON *details, int i, const char *field,
    const char *reason, const char *rule)
{
	const cJSON *d = cJSON_GetArrayItem(details, i);

	assert_true(cJSON_IsObject(d));
	assert_int_equal(member_count(d), 3);
	assert_string_equal(str_member(d, "field"), field);
	assert_string_equal(str_member(d, "reason"), reason);
	assert_string_equal(str_member(d, "rule"), rule);
}

static void
pms_validation_lists_every_issue_in_details_in_french(void **state)
{
	struct request rq;
	struct validation v;
	cJSON *o, *details;

	(void)state;
	fill_validation(&v);
	request_init(&rq, &pms_family, LANG_FR);
	assert_int_equal(respond_validation(&rq, &v), 0);
	assert_int_equal(rq.status, 400);
	o = body(&rq);
	assert_string_equal(str_member(o, "code"), "VALIDATION_FAILED");
	assert_string_equal(str_member(o, "message"), "Requête invalide");
	assert_int_equal((int)num_member(o, "status"), 400);
	assert_string_equal(str_member(o, "traceId"), TRACE);
	details = cJSON_GetObjectItemCaseSensitive(o, "details");
	assert_true(cJSON_IsArray(details));
	assert_int_equal(cJSON_GetArraySize(details), 3);
	assert_detail(details, 0, "unitId", "champ obligatoire", "required");
	assert_detail(details, 1, "installments[1].amountCents",
	    "montant invalide (centimes entiers)", "bad_cents");
	assert_detail(details, 2, "colour", "champ inconnu", "unknown_field");
	cJSON_Delete(o);
	request_done(&rq);
}

static void
pms_validation_reasons_are_english_but_rules_unchanged_in_english(void **state)
{
	struct request rq;
	struct validation v;
	cJSON *o, *details;

	(void)state;
	fill_validation(&v);
	request_init(&rq, &pms_family, LANG_EN);
	respond_validation(&rq, &v);
	o = body(&rq);
	assert_string_equal(str_member(o, "message"), "Validation failed");
	details = cJSON_GetObjectItemCaseSensitive(o, "details");
	assert_int_equal(cJSON_GetArraySize(details), 3);
	assert_detail(details, 0, "unitId", "required", "required");
	assert_detail(details, 1, "installments[1].amountCents",
	    "not an amount in integer cents", "bad_cents");
	assert_detail(details, 2, "colour", "unknown field", "unknown_field");
	cJSON_Delete(o);
	request_done(&rq);
}

/*
 * Each reason has a text of its own in each language: no two reasons
 * share one (a reason without a text would get the fallback, which is
 * REASON_INVALID's), and French and English differ.
 */
static void
every_reason_has_a_text_in_both_languages(void **state)
{
	enum { NREASONS = REASON_INVALID - REASON_REQUIRED + 1 };
	const char *text[2][NREASONS];
	struct request rq;
	struct validation v;
	cJSON *o[2], *details, *d;
	int lang, i, j;

	(void)state;
	for (lang = LANG_FR; lang <= LANG_EN; lang++) {
		memset(&v, 0, sizeof(v));
		for (i = 0; i < NREASONS; i++)
			validation_add(&v, reason_name(REASON_REQUIRED + i),
			    REASON_REQUIRED + i);
		assert_int_equal(v.count, NREASONS);
		request_init(&rq, &pms_family, (enum lang)lang);
		respond_validation(&rq, &v);
		o[lang - LANG_FR] = body(&rq);
		request_done(&rq);
		details = cJSON_GetObjectItemCaseSensitive(o[lang - LANG_FR],
		    "details");
		assert_int_equal(cJSON_GetArraySize(details), NREASONS);
		for (i = 0; i < NREASONS; i++) {
			d = cJSON_GetArrayItem(details, i);
			assert_string_equal(str_member(d, "rule"),
			    reason_name(REASON_REQUIRED + i));
			text[lang - LANG_FR][i] = str_member(d, "reason");
			assert_true(text[lang - LANG_FR][i][0] != '\0');
		}
	}
	for (i = 0; i < NREASONS; i++) {
		assert_string_not_equal(text[0][i], text[1][i]);
		for (j = 0; j < i; j++) {
			assert_string_not_equal(text[0][i], text[0][j]);
			assert_string_not_equal(text[1][i], text[1][j]);
		}
	}
	cJSON_Delete(o[0]);
	cJSON_Delete(o[1]);
}

static void
pms_validation_with_no_issue_still_has_an_empty_details_array(void **state)
{
	struct request rq;
	struct validation v;
	cJSON *o, *details;

	(void)state;
	memset(&v, 0, sizeof(v));
	request_init(&rq, &pms_family, LANG_FR);
	respond_validation(&rq, &v);
	assert_int_equal(rq.status, 400);
	o = body(&rq);
	details = cJSON_GetObjectItemCaseSensitive(o, "details");
	assert_true(cJSON_IsArray(details));
	assert_int_equal(cJSON_GetArraySize(details), 0);
	cJSON_Delete(o);
	request_done(&rq);
}

static void
amage_validation_names_every_field_in_the_message(void **state)
{
	struct request rq;
	struct validation v;
	cJSON *o;
	const char *msg;

	(void)state;
	fill_validation(&v);
	request_init(&rq, &amage_family, LANG_FR);
	assert_int_equal(respond_validation(&rq, &v), 0);
	assert_int_equal(rq.status, 400);
	o = body(&rq);
	assert_int_equal(member_count(o), 5);
	assert_null_member(o, "id");
	assert_null_member(o, "uuid");
	assert_true(cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(o, "success")));
	assert_int_equal((int)num_member(o, "errorCode"), 400);
	msg = str_member(o, "message");
	assert_string_equal(msg, "Validation failed: unitId (required),"
	    " installments[1].amountCents (not an amount in integer cents),"
	    " colour (unknown field)");
	assert_null(cJSON_GetObjectItemCaseSensitive(o, "details"));
	cJSON_Delete(o);
	request_done(&rq);
}

static void
amage_validation_message_stays_bounded_with_many_long_issues(void **state)
{
	struct request rq;
	struct validation v;
	char name[FIELD_PATH_MAX];
	cJSON *o;
	const char *msg;
	int i;

	(void)state;
	memset(&v, 0, sizeof(v));
	for (i = 0; i < VALIDATION_MAX_ISSUES; i++) {
		memset(name, 'a' + i % 26, sizeof(name) - 1);
		name[sizeof(name) - 1] = '\0';
		validation_add(&v, name, REASON_UNKNOWN_FIELD);
	}
	request_init(&rq, &amage_family, LANG_EN);
	respond_validation(&rq, &v);
	assert_int_equal(rq.status, 400);
	o = body(&rq);
	msg = str_member(o, "message");
	assert_true(strncmp(msg, "Validation failed: aaa", 22) == 0);
	assert_true(strlen(msg) < 512);
	cJSON_Delete(o);
	request_done(&rq);
}

/*
 * Client-chosen unknown keys may be UTF-8; the 511-byte message must not
 * end inside a character (8 keys "xxxxx" + 40 x "\u00e9" used to cut one).
 */
static void
amage_validation_message_is_cut_on_a_character_boundary(void **state)
{
	struct request rq;
	struct validation v;
	char name[FIELD_PATH_MAX];
	int pad, i;

	(void)state;
	for (pad = 0; pad < 8; pad++) {
		memset(&v, 0, sizeof(v));
		memset(name, 'x', (size_t)pad);
		name[pad] = '\0';
		for (i = 0; i < 40; i++)
			strcat(name, "\xc3\xa9");
		for (i = 0; i < 8; i++)
			validation_add(&v, name, REASON_UNKNOWN_FIELD);
		request_init(&rq, &amage_family, LANG_EN);
		respond_validation(&rq, &v);
		assert_non_null(rq.resp_body);
		if (!json_utf8_valid(rq.resp_body, rq.resp_len)) {
			request_done(&rq);
			fail_msg("pad %d: message cut inside a character", pad);
		}
		request_done(&rq);
	}
}

/*
 * The same for 2-, 3- and 4-byte characters, with and without the overflow
 * marker: the message is the full text cut only by the partial character
 * (at most 3 bytes short of its room), then ", ..." when issues were
 * dropped.
 */
static void
amage_validation_message_cut_drops_only_the_partial_character(void **state)
{
	static const char *chars[] = { "\xc3\xa9", "\xe2\x82\xac",
	    "\xf0\x9f\x98\x80" };
	struct request rq;
	struct validation v;
	char name[FIELD_PATH_MAX], full[VALIDATION_MAX_ISSUES * 160];
	const char *msg;
	size_t c, used, len, room;
	int pad, i, n, overflow;
	cJSON *o;

	(void)state;
	for (c = 0; c < sizeof(chars) / sizeof(chars[0]); c++)
	for (overflow = 0; overflow <= 1; overflow++)
	for (pad = 0; pad < 8; pad++) {
		memset(&v, 0, sizeof(v));
		memset(name, 'x', (size_t)pad);
		name[pad] = '\0';
		while (strlen(name) + strlen(chars[c]) < sizeof(name))
			strcat(name, chars[c]);
		n = overflow ? VALIDATION_MAX_ISSUES + 1 : 8;
		used = (size_t)snprintf(full, sizeof(full), "Validation failed:");
		for (i = 0; i < n; i++) {
			validation_add(&v, name, REASON_UNKNOWN_FIELD);
			if (i < VALIDATION_MAX_ISSUES)
				used += (size_t)snprintf(full + used,
				    sizeof(full) - used, "%s %s (unknown field)",
				    i ? "," : "", name);
		}
		assert_int_equal(v.overflow, overflow);
		request_init(&rq, &amage_family, LANG_EN);
		respond_validation(&rq, &v);
		o = body(&rq);
		msg = str_member(o, "message");
		len = strlen(msg);
		room = overflow ? 511 - strlen(", ...") : 511;
		if (overflow) {
			assert_true(len > 5);
			assert_string_equal(msg + len - 5, ", ...");
			len -= 5;
		}
		assert_true(len <= room && len + 3 >= room);
		assert_memory_equal(msg, full, len);
		assert_true(json_utf8_valid(msg, len));
		cJSON_Delete(o);
		request_done(&rq);
	}
}

static void
amage_result_without_id_or_uuid_has_nulls(void **state)
{
	struct request rq;
	cJSON *o;

	(void)state;
	request_init(&rq, &amage_family, LANG_FR);
	assert_int_equal(respond_amage_result(&rq, 400, -1, NULL, 0, 404,
	    "Asset not found"), 0);
	assert_amage_error(&rq, 400, 404, "Asset not found");
	request_done(&rq);

	/* message NULL is "" */
	request_init(&rq, &amage_family, LANG_FR);
	respond_amage_result(&rq, 200, -1, NULL, 1, 0, NULL);
	assert_int_equal(rq.status, 200);
	o = body(&rq);
	assert_null_member(o, "id");
	assert_null_member(o, "uuid");
	assert_true(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o, "success")));
	assert_int_equal((int)num_member(o, "errorCode"), 0);
	assert_string_equal(str_member(o, "message"), "");
	cJSON_Delete(o);
	request_done(&rq);
}

static void
amage_result_with_id_and_uuid_carries_them(void **state)
{
	static const char uuid[] = "3f2504e0-4f89-11d3-9a0c-0305e82c3301";
	struct request rq;
	cJSON *o;

	(void)state;
	request_init(&rq, &amage_family, LANG_FR);
	respond_amage_result(&rq, 200, 42, uuid, 1, 0, "Work Order created");
	assert_int_equal(rq.status, 200);
	o = body(&rq);
	assert_int_equal(member_count(o), 5);
	assert_int_equal((int)num_member(o, "id"), 42);
	assert_string_equal(str_member(o, "uuid"), uuid);
	assert_true(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o, "success")));
	assert_int_equal((int)num_member(o, "errorCode"), 0);
	assert_string_equal(str_member(o, "message"), "Work Order created");
	cJSON_Delete(o);
	request_done(&rq);

	/* id 0 is an id, not null; an id beyond 32 bits is printed exactly */
	request_init(&rq, &amage_family, LANG_FR);
	respond_amage_result(&rq, 200, 0, uuid, 1, 0, "");
	o = body(&rq);
	assert_true(cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(o, "id")));
	assert_int_equal((int)num_member(o, "id"), 0);
	cJSON_Delete(o);
	request_done(&rq);

	request_init(&rq, &amage_family, LANG_FR);
	respond_amage_result(&rq, 200, INT64_C(4294967297), uuid, 1, 0, "");
	assert_non_null(strstr(rq.resp_body, "\"id\":4294967297,"));
	request_done(&rq);
}

static void
data_response_wraps_the_payload_in_data(void **state)
{
	struct request rq;
	cJSON *data, *o, *d;

	(void)state;
	request_init(&rq, &pms_family, LANG_FR);
	data = cJSON_CreateObject();
	cJSON_AddStringToObject(data, "unitId", "u-1");
	cJSON_AddNumberToObject(data, "floor", 3);
	assert_int_equal(respond_data(&rq, 201, data), 0);
	assert_int_equal(rq.status, 201);
	o = body(&rq);
	assert_int_equal(member_count(o), 1);
	d = cJSON_GetObjectItemCaseSensitive(o, "data");
	assert_true(cJSON_IsObject(d));
	assert_string_equal(str_member(d, "unitId"), "u-1");
	assert_int_equal((int)num_member(d, "floor"), 3);
	cJSON_Delete(o);
	request_done(&rq);

	request_init(&rq, &pms_family, LANG_FR);
	respond_data(&rq, 200, cJSON_CreateArray());
	assert_int_equal(rq.status, 200);
	assert_string_equal(rq.resp_body, "{\"data\":[]}");
	request_done(&rq);
}

static void
later_response_replaces_the_earlier_one(void **state)
{
	struct request rq;

	(void)state;
	request_init(&rq, &pms_family, LANG_FR);
	respond_data(&rq, 200, cJSON_CreateArray());
	respond_error(&rq, "INTERNAL_ERROR");
	assert_pms_error(&rq, "INTERNAL_ERROR", 500, "Erreur interne");
	request_done(&rq);
}

static void
db_unavailable_and_retry_answer_503_others_500(void **state)
{
	static const struct {
		int db_status, http;
		const char *code;
	} cases[] = {
		{ DB_ERR_UNAVAILABLE, 503, "SERVICE_UNAVAILABLE" },
		{ DB_ERR_RETRY, 503, "SERVICE_UNAVAILABLE" },
		{ DB_ERR_DUPLICATE, 500, "INTERNAL_ERROR" },
		{ DB_ERR_FAILED, 500, "INTERNAL_ERROR" },
		{ DB_ERR_NOMEM, 500, "INTERNAL_ERROR" },
		{ -99, 500, "INTERNAL_ERROR" },
	};
	struct request rq;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		request_init(&rq, &pms_family, LANG_EN);
		assert_int_equal(respond_db_failure(&rq, cases[i].db_status), 0);
		assert_pms_error(&rq, cases[i].code, cases[i].http,
		    message_find(cases[i].code)->en);
		request_done(&rq);

		request_init(&rq, &amage_family, LANG_EN);
		respond_db_failure(&rq, cases[i].db_status);
		assert_amage_error(&rq, cases[i].http, cases[i].http,
		    message_find(cases[i].code)->en);
		request_done(&rq);
	}
}

/* The 64 kept issues plus one dropped: the validation a full body leaves. */
static void
fill_overflowing_validation(struct validation *v, const char *name)
{
	int i;

	memset(v, 0, sizeof(*v));
	for (i = 0; i <= VALIDATION_MAX_ISSUES; i++)
		validation_add(v, name, REASON_UNKNOWN_FIELD);
	assert_int_equal(v->count, VALIDATION_MAX_ISSUES);
	assert_int_equal(v->overflow, 1);
}

static void
pms_validation_overflow_ends_details_with_one_overflow_entry(void **state)
{
	static const struct {
		enum lang lang;
		const char *unknown, *more;
	} cases[] = {
		{ LANG_FR, "champ inconnu",
		  "d'autres champs invalides ne sont pas list\xc3\xa9s" },
		{ LANG_EN, "unknown field", "more invalid fields not listed" },
	};
	struct request rq;
	struct validation v;
	cJSON *o, *details;
	size_t c;

	(void)state;
	fill_overflowing_validation(&v, "colour");
	for (c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		request_init(&rq, &pms_family, cases[c].lang);
		assert_int_equal(respond_validation(&rq, &v), 0);
		assert_int_equal(rq.status, 400);
		o = body(&rq);
		details = cJSON_GetObjectItemCaseSensitive(o, "details");
		assert_int_equal(cJSON_GetArraySize(details),
		    VALIDATION_MAX_ISSUES + 1);
		assert_detail(details, VALIDATION_MAX_ISSUES - 1, "colour",
		    cases[c].unknown, "unknown_field");
		assert_detail(details, VALIDATION_MAX_ISSUES, "",
		    cases[c].more, "overflow");
		cJSON_Delete(o);
		request_done(&rq);
	}
}

static void
amage_validation_overflow_ends_the_message_with_an_ellipsis(void **state)
{
	struct request rq;
	struct validation v;
	char name[FIELD_PATH_MAX];
	cJSON *o;
	const char *msg;

	(void)state;
	/* Few issues kept, more dropped: the list, then ", ...". */
	memset(&v, 0, sizeof(v));
	validation_add(&v, "unitId", REASON_REQUIRED);
	v.overflow = 1;
	request_init(&rq, &amage_family, LANG_EN);
	respond_validation(&rq, &v);
	assert_amage_error(&rq, 400, 400,
	    "Validation failed: unitId (required), ...");
	request_done(&rq);

	/* A message cut at its size limit still ends with the marker. */
	memset(name, 'a', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	fill_overflowing_validation(&v, name);
	request_init(&rq, &amage_family, LANG_EN);
	respond_validation(&rq, &v);
	o = body(&rq);
	msg = str_member(o, "message");
	assert_true(strlen(msg) < 512);
	assert_true(strlen(msg) > 400);
	assert_string_equal(msg + strlen(msg) - 5, ", ...");
	cJSON_Delete(o);
	request_done(&rq);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(pms_error_is_french_by_default_with_trace_and_origin),
		cmocka_unit_test(pms_error_is_english_when_the_request_asks_for_it),
		cmocka_unit_test(pms_error_codes_answer_their_catalogue_status),
		cmocka_unit_test(pms_error_without_issues_has_no_details),
		cmocka_unit_test(request_without_family_gets_the_pms_shape_with_an_empty_origin),
		cmocka_unit_test(amage_error_has_the_result_shape_and_its_own_status),
		cmocka_unit_test(amage_error_is_english_whatever_the_request_language),
		cmocka_unit_test(unknown_code_answers_500_internal_error_in_both_shapes),
		cmocka_unit_test(unknown_code_is_logged_once_per_occurrence),
		cmocka_unit_test(family_catalogue_is_searched_before_the_shared_one),
		cmocka_unit_test(family_code_is_found_only_through_its_family),
		cmocka_unit_test(idempotency_codes_answer_409_reused_and_400_invalid_in_french),
		cmocka_unit_test(catalogue_entries_carry_both_texts),
		cmocka_unit_test(pms_validation_lists_every_issue_in_details_in_french),
		cmocka_unit_test(pms_validation_reasons_are_english_but_rules_unchanged_in_english),
		cmocka_unit_test(every_reason_has_a_text_in_both_languages),
		cmocka_unit_test(pms_validation_with_no_issue_still_has_an_empty_details_array),
		cmocka_unit_test(amage_validation_names_every_field_in_the_message),
		cmocka_unit_test(amage_validation_message_stays_bounded_with_many_long_issues),
		cmocka_unit_test(amage_validation_message_is_cut_on_a_character_boundary),
		cmocka_unit_test(amage_validation_message_cut_drops_only_the_partial_character),
		cmocka_unit_test(amage_result_without_id_or_uuid_has_nulls),
		cmocka_unit_test(amage_result_with_id_and_uuid_carries_them),
		cmocka_unit_test(data_response_wraps_the_payload_in_data),
		cmocka_unit_test(later_response_replaces_the_earlier_one),
		cmocka_unit_test(db_unavailable_and_retry_answer_503_others_500),
		cmocka_unit_test(pms_validation_overflow_ends_details_with_one_overflow_entry),
		cmocka_unit_test(amage_validation_overflow_ends_the_message_with_an_ellipsis),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
