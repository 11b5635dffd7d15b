/*
 * envelope: the two error shapes of SPEC and the message catalogue.
 *  - PMS: {"code","message","status","traceId","origin":{...},"details":[...]}
 *    message French by default, English with Accept-Language: en.
 *  - AMAGE: {"id","uuid","success","errorCode","message"} for every write
 *    and every error.
 * Every error a handler or the platform raises is a catalogue code; the
 * family decides which shape it takes.  lib/ holds the shared codes, each
 * family its own (struct family's messages).
 */
#ifndef PMS_ENVELOPE_H
#define PMS_ENVELOPE_H

#include <stdint.h>

struct request;
struct validation;

enum envelope_kind { ENVELOPE_PMS, ENVELOPE_AMAGE };

/*
 * One entry of a catalogue: code, HTTP status in the PMS API, HTTP status
 * and errorCode in the AMAGE API (they differ: the seed answers a missing
 * referenced record with HTTP 400 and errorCode 404), and the texts.
 * A catalogue is an array of them ended by { NULL }.
 */
struct message {
	const char *code;
	int status;
	int amage_status;
	int amage_error_code;
	const char *fr;
	const char *en;
};

struct family {
	const char *name;		/* "units" */
	enum envelope_kind envelope;
	const char *bounded_context;	/* PMS origin.boundedContext */
	const char *module;		/* PMS origin.module */
	const char *body_types;		/* accepted body media types, space-separated */
	const struct route *routes;
	/* The family's own codes (cgi-bin/<family>/<name>_codes.c), or NULL.
	   Never one of the shared codes: the tests refuse it. */
	const struct message *messages;
};

/* lib's shared codes: platform, auth, body; what every family may raise. */
extern const struct message envelope_shared_messages[];

/* The shared catalogue's entry of code, or NULL. */
const struct message *message_find(const char *code);

/*
 * The entry of code for fam: fam's own catalogue first, then the shared
 * one; NULL when neither holds it.  fam NULL looks in the shared one only.
 */
const struct message *message_find_for(const struct family *fam,
    const char *code);

/*
 * Answers the error `code` (a code of the family's catalogue or the shared
 * one, such as "UNIT_NOT_FOUND", "NOT_FOUND") in the family's envelope.
 * Returns 0 (the handler's "responded").  A code found nowhere answers
 * 500 INTERNAL_ERROR and logs the code (a typo must be loud).
 */
int respond_error(struct request *rq, const char *code);

/* 400 VALIDATION_FAILED with details (PMS), or 400/400 naming every bad
   field in the message (AMAGE). Returns 0. */
int respond_validation(struct request *rq, const struct validation *v);

/*
 * AMAGE result object.  id < 0 gives "id": null; uuid NULL gives null.
 * message NULL gives "".  Returns 0.
 */
int respond_amage_result(struct request *rq, int http_status, int64_t id,
    const char *uuid, int success, int error_code, const char *message);

/* 503 for DB_ERR_UNAVAILABLE / DB_ERR_RETRY, else 500.  Returns 0. */
int respond_db_failure(struct request *rq, int db_status);

/* The code respond_db_failure answers for db_status (for a struct
   validation's refusal). */
const char *db_failure_code(int db_status);

/* A PMS success: {"data": data} with status; takes ownership of data. */
struct cJSON;
int respond_data(struct request *rq, int status, struct cJSON *data);

#endif
