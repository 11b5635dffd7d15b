/*
 * apikey: the secrets handed to clients -- PMS API keys, AMAGE api-keys and
 * secrets -- made of a prefix and the hex of random bytes from OpenSSL's
 * CSPRNG, and the one definition of how a PMS key is hashed for storage
 * (api_keys.key_sha256): the admin tool hashes the key it creates, auth.c
 * hashes X-API-Key, and both must agree to the byte.
 */
#ifndef PMS_APIKEY_H
#define PMS_APIKEY_H

#include <stddef.h>

#include "sign.h"

#define APIKEY_RANDOM_MAX 32	/* random bytes per token, at most */
#define APIKEY_MAX_LEN 256	/* the longest X-API-Key worth a lookup */

/* Characters of a token of nbytes random bytes after prefix (no NUL). */
#define APIKEY_STR_LEN(prefix, nbytes) (sizeof(prefix) - 1 + 2 * (nbytes))

/*
 * prefix followed by the lower-case hex of nbytes (1..APIKEY_RANDOM_MAX)
 * random bytes into out (outlen >= strlen(prefix) + 2 * nbytes + 1).
 * 0, or -1 when the sizes do not fit or the generator failed; out is
 * written only on success.
 */
int apikey_generate(const char *prefix, size_t nbytes, char *out,
    size_t outlen);

/*
 * 1 when key (an X-API-Key value, NULL when absent) is worth a lookup:
 * 1 to APIKEY_MAX_LEN bytes.  Anything else is refused unauthenticated
 * without touching the database.
 */
int apikey_well_formed(const char *key);

/* The hex SHA-256 of the whole key, prefix included, into out (65 bytes). */
void apikey_sha256_hex(const char *key, char out[SIGN_HEX_LEN + 1]);

#endif
