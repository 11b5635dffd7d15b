/*
 * uuid: the 8-4-4-4-12 hexadecimal identifiers of both APIs (SPEC 5).
 * Any case is accepted, no version or variant check; the canonical form we
 * store and return is lower case.  Generation uses OpenSSL's RAND_bytes and
 * produces an RFC 4122 version 4 uuid.
 */
#ifndef PMS_UUID_H
#define PMS_UUID_H

#include <stddef.h>

#define UUID_STR_LEN 36		/* without the terminating NUL */

/* 0 and the lower-case form in out (37 bytes) when s is a uuid, else -1. */
int uuid_parse(const char *s, char out[UUID_STR_LEN + 1]);
/* Same, for a string that is not NUL-terminated. */
int uuid_parse_n(const char *s, size_t len, char out[UUID_STR_LEN + 1]);
/* 0 and a fresh random v4 uuid in out; -1 if the RNG failed. */
int uuid_generate(char out[UUID_STR_LEN + 1]);
/*
 * A time-ordered uuid (RFC 9562 version 7: milliseconds since the epoch,
 * then 74 random bits), for a row key written at a high rate: new keys
 * land at the end of the primary key's B-tree instead of on random pages,
 * so a burst of inserts dirties a few pages, not thousands.  0 or -1.
 */
int uuid_generate_ordered(char out[UUID_STR_LEN + 1]);

#endif
