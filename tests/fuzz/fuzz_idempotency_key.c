/*
 * fuzz_idempotency_key: the Idempotency-Key header of a write (SPEC 2.1).
 * The input is the header's value, up to its first NUL as a FastCGI param
 * would be; it is handed over as the param HTTP_IDEMPOTENCY_KEY.  The key
 * is stored as sent (write.c binds it as is: no hashing, no case folding),
 * so its well-formedness check is all there is to fuzz before the
 * database.  Invariants (abort on violation): write_idempotency_key_valid
 * accepts exactly 1 to 255 bytes all in 0x21..0x7e, as an independent
 * check says, for the value and for each of its prefixes of 0, 1, 254,
 * 255 and 256 bytes; request_header gives back exactly the param's
 * value; a key it refuses makes write_run and write_run_statement answer
 * 400 IDEMPOTENCY_KEY_INVALID in the family's envelope (PMS and AMAGE)
 * before any database call (the request has none) and without calling
 * the apply or answer function.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "envelope.h"
#include "request.h"
#include "write.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_HEADER "HTTP_IDEMPOTENCY_KEY="

static const struct family pms_family = {
	.name = "fuzz", .envelope = ENVELOPE_PMS,
	.bounded_context = "fuzz", .module = "fuzz",
};
static const struct family amage_family = {
	.name = "fuzz", .envelope = ENVELOPE_AMAGE,
};

/* The reference: 1..255 bytes, each a visible ASCII character. */
static int
fuzz_key_ok(const unsigned char *s, size_t n)
{
	size_t i;

	if (n < 1 || n > 255)
		return 0;
	for (i = 0; i < n; i++)
		if (s[i] < 0x21 || s[i] > 0x7e)
			return 0;
	return 1;
}

static int
fuzz_apply(struct db *db, void *ctx, struct write_refusal *why)
{
	(void)db;
	(void)ctx;
	(void)why;
	abort();	/* a refused key never reaches the write */
}

static int
fuzz_answer(struct request *rq, void *ctx)
{
	(void)rq;
	(void)ctx;
	abort();
}

/* The answer must be the 400 IDEMPOTENCY_KEY_INVALID of fam's envelope. */
static void
fuzz_check_refused(const struct request *rq, const struct family *fam)
{
	const cJSON *item;
	cJSON *o;

	if (rq->status != 400 || rq->resp_body == NULL ||
	    (o = cJSON_Parse(rq->resp_body)) == NULL)
		abort();
	if (fam->envelope == ENVELOPE_PMS) {
		item = cJSON_GetObjectItemCaseSensitive(o, "code");
		if (!cJSON_IsString(item) ||
		    strcmp(item->valuestring, "IDEMPOTENCY_KEY_INVALID") != 0)
			abort();
	} else {
		item = cJSON_GetObjectItemCaseSensitive(o, "errorCode");
		if (!cJSON_IsNumber(item) || item->valueint != 400 ||
		    !cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(o,
		    "success")))
			abort();
	}
	cJSON_Delete(o);
}

static void
fuzz_write(char **envp, const struct family *fam, int statement)
{
	struct request rq;

	memset(&rq, 0, sizeof(rq));
	rq.envp = envp;
	rq.family = fam;
	rq.method = "POST";
	rq.request_uri = "/v1/units";
	rq.lang = LANG_EN;
	if (statement)
		write_run_statement(&rq, fuzz_apply, fuzz_answer, NULL);
	else
		write_run(&rq, fuzz_apply, fuzz_answer, NULL);
	fuzz_check_refused(&rq, fam);
	free(rq.resp_body);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const size_t cuts[] = { 0, 1, 254, 255, 256 };
	char *envp[2] = { NULL, NULL };
	char *param, *key, saved;
	struct request rq;
	size_t len = strnlen((const char *)data, size), i;
	int ok;

	if ((param = malloc(sizeof(FUZZ_HEADER) + len)) == NULL)
		return 0;
	memcpy(param, FUZZ_HEADER, sizeof(FUZZ_HEADER) - 1);
	key = param + sizeof(FUZZ_HEADER) - 1;
	if (len > 0)
		memcpy(key, data, len);
	key[len] = '\0';
	envp[0] = param;

	ok = fuzz_key_ok((const unsigned char *)key, len);
	if (write_idempotency_key_valid(key) != ok ||
	    write_idempotency_key_valid(NULL))
		abort();
	for (i = 0; i < sizeof(cuts) / sizeof(cuts[0]); i++) {
		if (cuts[i] >= len)
			continue;
		saved = key[cuts[i]];
		key[cuts[i]] = '\0';
		if (write_idempotency_key_valid(key) !=
		    fuzz_key_ok((const unsigned char *)key, cuts[i]))
			abort();
		key[cuts[i]] = saved;
	}

	memset(&rq, 0, sizeof(rq));
	rq.envp = envp;
	if (request_header(&rq, "Idempotency-Key") != key ||
	    request_header(&rq, "idempotency-key") != key)
		abort();
	if (!ok) {
		fuzz_write(envp, &pms_family, 0);
		fuzz_write(envp, &pms_family, 1);
		fuzz_write(envp, &amage_family, 0);
		fuzz_write(envp, &amage_family, 1);
	}
	free(param);
	return 0;
}
