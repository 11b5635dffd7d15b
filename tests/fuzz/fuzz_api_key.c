/*
 * fuzz_api_key: the X-API-Key path of a PMS request up to the database
 * lookup.  The input is "<X-API-Key value>\n<api_keys.role value>" (no
 * newline: all key, role ""); each part ends at its first NUL, as a
 * FastCGI param and a database cell do.  The key is handed over as the
 * param HTTP_X_API_KEY and read back with request_header, as auth.c does.
 * Invariants (abort on violation): request_header gives back exactly the
 * param's value, and NULL without the param; apikey_well_formed accepts
 * exactly 1 to APIKEY_MAX_LEN bytes (an independent check); a key it
 * refuses, or none, makes auth_check answer UNAUTHENTICATED for agent and
 * manager routes without any lookup (the request has no database) and
 * leaves the caller unauthenticated; apikey_sha256_hex is 64 lower-case
 * hex digits, the SHA-256 of the key's bytes as OpenSSL's EVP computes
 * it, and changes when the key's last byte does; auth_role_parse gives
 * manager exactly for "manager", agent for anything else, and
 * auth_role_refusal forbids a manager route to every role but manager
 * and no agent route to anyone.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "apikey.h"
#include "auth.h"
#include "request.h"
#include "sign.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_HEADER "HTTP_X_API_KEY="

/* The independent check: 1 to 256 bytes, nothing else asked. */
static int
fuzz_key_ok(const char *key)
{
	size_t n = strlen(key);

	return n >= 1 && n <= 256;
}

/* The reference hash: EVP directly, hex by hand. */
static void
fuzz_reference_sha(const char *key, char out[SIGN_HEX_LEN + 1])
{
	static const char digits[] = "0123456789abcdef";
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0, i;

	if (EVP_Digest(key, strlen(key), md, &mdlen, EVP_sha256(), NULL) != 1 ||
	    mdlen * 2 != SIGN_HEX_LEN)
		abort();
	for (i = 0; i < mdlen; i++) {
		out[2 * i] = digits[md[i] >> 4];
		out[2 * i + 1] = digits[md[i] & 15];
	}
	out[SIGN_HEX_LEN] = '\0';
}

static void
fuzz_check_hash(char *key)
{
	char sha[SIGN_HEX_LEN + 1], want[SIGN_HEX_LEN + 1];
	char other[SIGN_HEX_LEN + 1], last;
	size_t i, n = strlen(key);

	memset(sha, 'x', sizeof(sha));
	apikey_sha256_hex(key, sha);
	if (sha[SIGN_HEX_LEN] != '\0')
		abort();
	for (i = 0; i < SIGN_HEX_LEN; i++)
		if (!((sha[i] >= '0' && sha[i] <= '9') ||
		    (sha[i] >= 'a' && sha[i] <= 'f')))
			abort();
	fuzz_reference_sha(key, want);
	if (strcmp(sha, want) != 0)
		abort();
	if (n == 0)
		return;
	/* Another last byte (never NUL): another hash. */
	last = key[n - 1];
	key[n - 1] = (char)(last == 1 ? 2 : last ^ 1);
	apikey_sha256_hex(key, other);
	key[n - 1] = last;
	if (strcmp(other, sha) == 0)
		abort();
}

/* auth_check as server.c calls it: refused before any lookup. */
static void
fuzz_check_refused(char **envp)
{
	static const enum route_auth kinds[] = { AUTH_AGENT, AUTH_MANAGER };
	struct request rq;
	const char *code;
	size_t i;

	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		memset(&rq, 0, sizeof(rq));
		rq.envp = envp;		/* rq.db stays NULL: a lookup crashes */
		code = auth_check(&rq, kinds[i]);
		if (code == NULL || strcmp(code, "UNAUTHENTICATED") != 0 ||
		    rq.who.authenticated || rq.who.role != ROLE_NONE)
			abort();
	}
}

static void
fuzz_check_role(const char *role)
{
	enum role r = auth_role_parse(role);
	int manager = strcmp(role, "manager") == 0;

	if (r != (manager ? ROLE_MANAGER : ROLE_AGENT))
		abort();
	if (auth_role_refusal(AUTH_AGENT, r) != NULL)
		abort();
	if ((auth_role_refusal(AUTH_MANAGER, r) == NULL) != manager)
		abort();
	if (auth_role_refusal(AUTH_MANAGER, ROLE_NONE) == NULL ||
	    auth_role_refusal(AUTH_MANAGER, ROLE_AGENT) == NULL ||
	    auth_role_refusal(AUTH_MANAGER, ROLE_MANAGER) != NULL ||
	    auth_role_refusal(AUTH_AGENT, ROLE_AGENT) != NULL)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nl = memchr(data, '\n', size);
	size_t klen = nl != NULL ? (size_t)(nl - data) : size;
	size_t rlen = nl != NULL ? size - klen - 1 : 0;
	char *param = NULL, *role = NULL, *key;
	char *envp[3] = { "REQUEST_METHOD=GET", NULL, NULL };
	char *none[2] = { "REQUEST_METHOD=GET", NULL };
	struct request rq;
	const char *got;

	if ((param = malloc(sizeof(FUZZ_HEADER) + klen)) == NULL ||
	    (role = malloc(rlen + 1)) == NULL)
		goto done;
	memcpy(param, FUZZ_HEADER, sizeof(FUZZ_HEADER) - 1);
	key = param + sizeof(FUZZ_HEADER) - 1;
	if (klen > 0)
		memcpy(key, data, klen);
	key[klen] = '\0';
	if (rlen > 0)
		memcpy(role, nl + 1, rlen);
	role[rlen] = '\0';
	envp[1] = param;

	memset(&rq, 0, sizeof(rq));
	rq.envp = envp;
	got = request_header(&rq, "X-API-Key");
	if (got != key || request_header(&rq, "x-api-key") != key)
		abort();
	rq.envp = none;
	if (request_header(&rq, "X-API-Key") != NULL)
		abort();

	if (apikey_well_formed(key) != fuzz_key_ok(key) ||
	    apikey_well_formed(NULL))
		abort();
	if (!fuzz_key_ok(key))
		fuzz_check_refused(envp);
	fuzz_check_refused(none);
	fuzz_check_hash(key);
	fuzz_check_role(role);
done:
	free(param);
	free(role);
	return 0;
}
