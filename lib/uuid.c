/*
 * uuid: owns the textual form of identifiers in both APIs (SPEC 5).
 * A uuid is exactly 8-4-4-4-12 hexadecimal digits in either case, with no
 * version or variant check (the AMAGE seed's own example is not RFC 4122),
 * and its canonical form -- the one stored and returned -- is lower case.
 * New uuids are RFC 4122 version 4, from OpenSSL's CSPRNG (RAND_bytes), so
 * an identifier never reveals a counter or a clock.
 */
#include <stdint.h>
#include <string.h>
#include <time.h>

#include <openssl/rand.h>

#include "hex.h"
#include "uuid.h"

static int
uuid_is_dash_pos(size_t i)
{
	return i == 8 || i == 13 || i == 18 || i == 23;
}

int
uuid_parse_n(const char *s, size_t len, char out[UUID_STR_LEN + 1])
{
	char canon[UUID_STR_LEN + 1];
	size_t i;
	int rc = -1;

	if (s == NULL || len != UUID_STR_LEN)
		goto done;
	for (i = 0; i < UUID_STR_LEN; i++) {
		unsigned char c = (unsigned char)s[i];
		int v;

		if (uuid_is_dash_pos(i)) {
			if (c != '-')
				goto done;
			canon[i] = '-';
			continue;
		}
		if ((v = hex_value(c)) < 0)
			goto done;
		canon[i] = hex_digits[v];
	}
	canon[UUID_STR_LEN] = '\0';
	/* out is written only on success: never half a uuid in the caller. */
	if (out != NULL)
		memcpy(out, canon, sizeof(canon));
	rc = 0;
done:
	return rc;
}

int
uuid_parse(const char *s, char out[UUID_STR_LEN + 1])
{
	if (s == NULL)
		return -1;
	/* strnlen: a hostile multi-megabyte string is rejected after 37 bytes. */
	return uuid_parse_n(s, strnlen(s, UUID_STR_LEN + 1), out);
}

/* The 16 bytes of b as 8-4-4-4-12 lower-case hex. */
static void
uuid_format(const unsigned char b[16], char out[UUID_STR_LEN + 1])
{
	size_t i, o = 0;

	for (i = 0; i < 16; i++) {
		if (uuid_is_dash_pos(o))
			out[o++] = '-';
		out[o++] = hex_digits[b[i] >> 4];
		out[o++] = hex_digits[b[i] & 0x0f];
	}
	out[o] = '\0';
}

int
uuid_generate(char out[UUID_STR_LEN + 1])
{
	unsigned char b[16];

	if (out == NULL || RAND_bytes(b, (int)sizeof(b)) != 1)
		return -1;
	b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);	/* version 4 */
	b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);	/* RFC 4122 variant */
	uuid_format(b, out);
	return 0;
}

int
uuid_generate_ordered(char out[UUID_STR_LEN + 1])
{
	unsigned char b[16];
	struct timespec now;
	uint64_t ms;
	int i;

	if (out == NULL || RAND_bytes(b, (int)sizeof(b)) != 1 ||
	    clock_gettime(CLOCK_REALTIME, &now) != 0)
		return -1;
	ms = (uint64_t)now.tv_sec * 1000u + (uint64_t)now.tv_nsec / 1000000u;
	for (i = 5; i >= 0; i--, ms >>= 8)
		b[i] = (unsigned char)(ms & 0xff);	/* unix_ts_ms, big-endian */
	b[6] = (unsigned char)((b[6] & 0x0f) | 0x70);	/* version 7 */
	b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);	/* RFC 9562 variant */
	uuid_format(b, out);
	return 0;
}
