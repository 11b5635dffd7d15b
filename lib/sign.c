/*
 * sign: owns the AMAGE request signature of SPEC 3.1, as pure functions
 * (no I/O, no clock: the caller passes "now").
 *   api-sign: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, S)>
 *   S = t "\n" METHOD "\n" REQUEST_URI "\n" device-uuid "\n" hex(SHA-256(body))
 * SHA-256 and HMAC come from OpenSSL's libcrypto (EVP_Digest, HMAC()); the
 * signature is compared with CRYPTO_memcmp so the time taken does not tell
 * an attacker how many leading characters were right.  S is built in one
 * heap buffer of its exact size: a long URI is signed whole, never cut.
 * Replay refusal (a signature used twice) needs storage and is auth.c's.
 */
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>

#include "hex.h"
#include "sign.h"

/*
 * t has at most 18 digits: far beyond any real clock, and small enough
 * that t +- SIGN_MAX_SKEW never overflows an int64_t.
 */
#define SIGN_T_MAX_DIGITS 18
#define SIGN_T_STR_MAX 24	/* room for any int64_t in decimal */

/*
 * OpenSSL 3 looks an algorithm up in its providers (locks, string
 * compares) on every one-shot call such as HMAC() or EVP_Digest() with
 * EVP_sha256(): measured, a tenth of a worker's CPU.  Fetch once per
 * process and keep; a process's objects are freed at its exit.
 */
static EVP_MD *
sign_sha256_md(void)
{
	static EVP_MD *md;

	if (md == NULL)
		md = EVP_MD_fetch(NULL, "SHA256", NULL);
	return md;
}

/* An HMAC-SHA256 context without key, duplicated for each signature. */
static EVP_MAC_CTX *
sign_hmac_template(void)
{
	static EVP_MAC_CTX *tmpl;
	OSSL_PARAM params[2];
	EVP_MAC *mac;

	if (tmpl != NULL || (mac = EVP_MAC_fetch(NULL, "HMAC", NULL)) == NULL)
		return tmpl;
	tmpl = EVP_MAC_CTX_new(mac);
	EVP_MAC_free(mac);	/* the context holds its own reference */
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
	    (char *)"SHA256", 0);
	params[1] = OSSL_PARAM_construct_end();
	if (tmpl != NULL && EVP_MAC_CTX_set_params(tmpl, params) != 1) {
		EVP_MAC_CTX_free(tmpl);
		tmpl = NULL;
	}
	return tmpl;
}

/*
 * The context of the last key.  A worker verifies nearly always for the
 * same client, and EVP_MAC_init() without a key restarts from the key's
 * precomputed pads: no context copy and no key schedule per request.
 */
static EVP_MAC_CTX *sign_last_ctx;
static unsigned char sign_last_key[256];	/* secrets are VARCHAR(256) */
static size_t sign_last_key_len;
static int sign_last_keyed;	/* sign_last_ctx holds sign_last_key */

/* HMAC over data on ctx; a NULL key restarts with ctx's previous key. */
static int
sign_hmac_on(EVP_MAC_CTX *ctx, const char *key, size_t key_len,
    const void *data, size_t len, unsigned char md[EVP_MAX_MD_SIZE],
    size_t *mdlen)
{
	return EVP_MAC_init(ctx, (const unsigned char *)key, key_len,
	    NULL) == 1 && EVP_MAC_update(ctx, data, len) == 1 &&
	    EVP_MAC_final(ctx, md, mdlen, EVP_MAX_MD_SIZE) == 1 ? 0 : -1;
}

/* HMAC-SHA256(key, data) into md (32 bytes).  0, or -1. */
static int
sign_hmac_sha256(const char *key, size_t key_len, const void *data,
    size_t len, unsigned char md[EVP_MAX_MD_SIZE], size_t *mdlen)
{
	EVP_MAC_CTX *tmpl = sign_hmac_template(), *ctx;
	int rc;

	if (tmpl == NULL)
		return -1;
	if (key_len > sizeof(sign_last_key)) {	/* too long to keep: one-off */
		if ((ctx = EVP_MAC_CTX_dup(tmpl)) == NULL)
			return -1;
		rc = sign_hmac_on(ctx, key, key_len, data, len, md, mdlen);
		EVP_MAC_CTX_free(ctx);
		return rc;
	}
	if (sign_last_ctx == NULL &&
	    (sign_last_ctx = EVP_MAC_CTX_dup(tmpl)) == NULL)
		return -1;
	if (sign_last_keyed && sign_last_key_len == key_len &&
	    memcmp(sign_last_key, key, key_len) == 0)
		return sign_hmac_on(sign_last_ctx, NULL, 0, data, len, md,
		    mdlen);
	rc = sign_hmac_on(sign_last_ctx, key, key_len, data, len, md, mdlen);
	memcpy(sign_last_key, key, key_len);
	sign_last_key_len = key_len;
	sign_last_keyed = rc == 0;
	return rc;
}

void
sign_sha256_hex(const void *data, size_t len, char out[SIGN_HEX_LEN + 1])
{
	/* Most signed requests (every GET) have no body. */
	static const char empty[] =
	    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	const EVP_MD *sha256 = sign_sha256_md();

	if (len == 0) {
		memcpy(out, empty, sizeof(empty));
		return;
	}
	if (sha256 == NULL ||
	    EVP_Digest(data, len, md, &mdlen, sha256, NULL) != 1 ||
	    mdlen * 2 != SIGN_HEX_LEN) {
		/* Never a valid signature part: S then matches nothing. */
		out[0] = '\0';
		return;
	}
	hex_encode(md, mdlen, out);
}

int
sign_parse_header(const char *hdr, int64_t *t, char v1[SIGN_HEX_LEN + 1])
{
	char hex[SIGN_HEX_LEN + 1];
	const char *p;
	int64_t tv = 0;
	int i, rc = -1;

	if (hdr == NULL || strncmp(hdr, "t=", 2) != 0)
		goto done;
	p = hdr + 2;
	/*
	 * No leading zero (except "0" itself): S carries t as a number, and
	 * "t=007" would sign "007" on the client and "7" here.
	 */
	if (p[0] == '0' && p[1] >= '0' && p[1] <= '9')
		goto done;
	for (i = 0; p[i] >= '0' && p[i] <= '9'; i++) {
		if (i == SIGN_T_MAX_DIGITS)
			goto done;
		tv = tv * 10 + (p[i] - '0');
	}
	if (i == 0 || p[i] != ',')
		goto done;
	p += i + 1;
	while (*p == ' ')
		p++;
	if (strncmp(p, "v1=", 3) != 0)
		goto done;
	p += 3;
	for (i = 0; i < SIGN_HEX_LEN; i++) {
		int v = hex_value((unsigned char)p[i]);

		if (v < 0)
			goto done;
		hex[i] = hex_digits[v];
	}
	if (p[SIGN_HEX_LEN] != '\0')
		goto done;
	hex[SIGN_HEX_LEN] = '\0';
	if (t != NULL)
		*t = tv;
	if (v1 != NULL)
		memcpy(v1, hex, sizeof(hex));
	rc = 0;
done:
	return rc;
}

int
sign_compute(const char *secret, int64_t t, const char *method,
    const char *request_uri, const char *device_uuid, const void *body,
    size_t body_len, char out[SIGN_HEX_LEN + 1])
{
	char tstr[SIGN_T_STR_MAX], bodyhash[SIGN_HEX_LEN + 1];
	unsigned char md[EVP_MAX_MD_SIZE];
	size_t mdlen = 0, secret_len, len, lm, lu, ld;
	char *s = NULL, *p;
	int n, rc = -1;

	if (secret == NULL || method == NULL || request_uri == NULL ||
	    device_uuid == NULL || out == NULL || (body == NULL && body_len > 0))
		goto done;
	if ((secret_len = strlen(secret)) > INT_MAX)
		goto done;
	n = snprintf(tstr, sizeof(tstr), "%" PRId64, t);
	if (n < 0 || (size_t)n >= sizeof(tstr))
		goto done;
	sign_sha256_hex(body, body_len, bodyhash);
	if (bodyhash[0] == '\0')
		goto done;
	lm = strlen(method);
	lu = strlen(request_uri);
	ld = strlen(device_uuid);
	/* Four separators; each part already sits in memory, so no overflow. */
	len = (size_t)n + lm + lu + ld + SIGN_HEX_LEN + 4;
	if ((s = malloc(len)) == NULL)
		goto done;
	p = s;
	memcpy(p, tstr, (size_t)n);
	p += n;
	*p++ = '\n';
	memcpy(p, method, lm);
	p += lm;
	*p++ = '\n';
	memcpy(p, request_uri, lu);
	p += lu;
	*p++ = '\n';
	memcpy(p, device_uuid, ld);
	p += ld;
	*p++ = '\n';
	memcpy(p, bodyhash, SIGN_HEX_LEN);
	if (sign_hmac_sha256(secret, secret_len, s, len, md, &mdlen) != 0 ||
	    mdlen * 2 != SIGN_HEX_LEN)
		goto done;
	hex_encode(md, mdlen, out);
	rc = 0;
done:
	free(s);
	return rc;
}

enum sign_result
sign_verify(const char *header, const char *secret, int64_t now,
    const char *method, const char *request_uri, const char *device_uuid,
    const void *body, size_t body_len, char v1_out[SIGN_HEX_LEN + 1])
{
	char got[SIGN_HEX_LEN + 1], want[SIGN_HEX_LEN + 1];
	int64_t t;
	enum sign_result rc;

	if (sign_parse_header(header, &t, got) != 0) {
		rc = SIGN_BAD_HEADER;
		goto done;
	}
	/* t < 10^18, so t +- skew cannot overflow whatever now is. */
	if (now > t + SIGN_MAX_SKEW || now < t - SIGN_MAX_SKEW) {
		rc = SIGN_EXPIRED;
		goto done;
	}
	/* Failing to compute (no memory, missing part) must never let a request in. */
	if (sign_compute(secret, t, method, request_uri, device_uuid, body,
	    body_len, want) != 0 ||
	    CRYPTO_memcmp(got, want, SIGN_HEX_LEN) != 0) {
		rc = SIGN_MISMATCH;
		goto done;
	}
	if (v1_out != NULL)
		memcpy(v1_out, got, sizeof(got));
	rc = SIGN_OK;
done:
	return rc;
}
