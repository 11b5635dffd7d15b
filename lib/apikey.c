/*
 * apikey: generation and hashing of client secrets (see apikey.h).  A
 * token is the caller's prefix and the hex of RAND_bytes output, so its
 * entropy is exactly the bytes asked for; the random bytes are wiped
 * before returning.  A PMS key is stored only as the SHA-256 of the whole
 * string: what a client sends in X-API-Key, prefix and all.
 */
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "apikey.h"
#include "hex.h"

int
apikey_generate(const char *prefix, size_t nbytes, char *out, size_t outlen)
{
	unsigned char buf[APIKEY_RANDOM_MAX];
	size_t plen;
	int rc = -1;

	if (prefix == NULL || out == NULL || nbytes == 0 ||
	    nbytes > sizeof(buf))
		goto done;
	plen = strlen(prefix);
	if (outlen < plen + 2 * nbytes + 1 || RAND_bytes(buf, (int)nbytes) != 1)
		goto done;
	memcpy(out, prefix, plen);
	hex_encode(buf, nbytes, out + plen);
	rc = 0;
done:
	OPENSSL_cleanse(buf, sizeof(buf));
	return rc;
}

int
apikey_well_formed(const char *key)
{
	return key != NULL && key[0] != '\0' &&
	    strnlen(key, APIKEY_MAX_LEN + 1) <= APIKEY_MAX_LEN;
}

void
apikey_sha256_hex(const char *key, char out[SIGN_HEX_LEN + 1])
{
	sign_sha256_hex(key, strlen(key), out);
}
