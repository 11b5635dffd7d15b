/*
 * sign: the AMAGE request signature of SPEC 3.1, pure functions (no I/O).
 *   api-sign: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, S)>
 *   S = t "\n" METHOD "\n" REQUEST_URI "\n" device-uuid "\n" hex(SHA-256(body))
 * HMAC and SHA-256 come from OpenSSL's libcrypto; comparison is constant
 * time (CRYPTO_memcmp).
 */
#ifndef PMS_SIGN_H
#define PMS_SIGN_H

#include <stddef.h>
#include <stdint.h>

#define SIGN_HEX_LEN 64			/* hex of a SHA-256 digest */
#define SIGN_MAX_SKEW 300		/* seconds, either way */

/* hex(SHA-256(data)) into out (65 bytes). */
void sign_sha256_hex(const void *data, size_t len, char out[SIGN_HEX_LEN + 1]);

/*
 * Parses "t=<digits>,v1=<64 hex>" (exactly that, either case of hex,
 * optional spaces after the comma).  0 and *t, v1 (lower case, 65 bytes),
 * else -1.
 */
int sign_parse_header(const char *hdr, int64_t *t, char v1[SIGN_HEX_LEN + 1]);

/* The lower-case hex HMAC-SHA256 of S built from the parts.  0, or -1. */
int sign_compute(const char *secret, int64_t t, const char *method,
    const char *request_uri, const char *device_uuid, const void *body,
    size_t body_len, char out[SIGN_HEX_LEN + 1]);

enum sign_result {
	SIGN_OK = 0,
	SIGN_BAD_HEADER = -1,	/* api-sign malformed */
	SIGN_EXPIRED = -2,	/* |now - t| > SIGN_MAX_SKEW */
	SIGN_MISMATCH = -3,	/* HMAC differs */
};

/*
 * Verifies an api-sign header value against the request parts and the
 * client's secret at time now.  On SIGN_OK, v1_out (may be NULL) receives
 * the signature, the replay key.
 */
enum sign_result sign_verify(const char *header, const char *secret,
    int64_t now, const char *method, const char *request_uri,
    const char *device_uuid, const void *body, size_t body_len,
    char v1_out[SIGN_HEX_LEN + 1]);

#endif
