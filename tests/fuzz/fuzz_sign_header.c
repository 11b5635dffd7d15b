/*
 * fuzz_sign_header: the AMAGE api-sign header parser and verifier.  The
 * input is "<api-sign value>\n<body bytes>" (no newline: all header, empty
 * body).  Invariants (abort on violation): a parsed header yields t with at
 * most 18 digits and v1 as 64 lower-case hex digits; sign_verify agrees
 * with the parser on BAD_HEADER; a header rebuilt from the parsed t and
 * the right HMAC verifies (SIGN_OK) at the edge of the skew, and neither
 * a wrong secret nor a shortened body does; one second past SIGN_MAX_SKEW
 * is EXPIRED.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sign.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_SECRET "fuzz-secret-0123456789abcdef"
#define FUZZ_METHOD "POST"
#define FUZZ_URI "/rest/amage/v1/work-orders/add?x=1"
#define FUZZ_DEVICE "3f2504e0-4f89-11d3-9a0c-0305e82c3301"

static int
fuzz_is_lower_hex(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return s[n] == '\0';
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nl = memchr(data, '\n', size);
	size_t hlen = nl != NULL ? (size_t)(nl - data) : size;
	const uint8_t *body = nl != NULL ? nl + 1 : NULL;
	size_t blen = nl != NULL ? size - hlen - 1 : 0;
	char *hdr, v1[SIGN_HEX_LEN + 1], want[SIGN_HEX_LEN + 1];
	char rebuilt[SIGN_HEX_LEN + 64], out[SIGN_HEX_LEN + 1];
	int64_t t = -1;
	enum sign_result r;
	int parsed;

	if ((hdr = malloc(hlen + 1)) == NULL)
		return 0;
	if (hlen > 0)
		memcpy(hdr, data, hlen);
	hdr[hlen] = '\0';

	parsed = sign_parse_header(hdr, &t, v1) == 0;
	if (parsed && (t < 0 || t >= INT64_C(1000000000000000000) ||
	    !fuzz_is_lower_hex(v1, SIGN_HEX_LEN)))
		abort();
	/* Verifying at t itself: only the HMAC can fail. */
	r = sign_verify(hdr, FUZZ_SECRET, parsed ? t : 1700000000, FUZZ_METHOD,
	    FUZZ_URI, FUZZ_DEVICE, body, blen, out);
	if (!parsed != (r == SIGN_BAD_HEADER))
		abort();
	if (parsed) {
		if (r == SIGN_EXPIRED)
			abort();
		if (sign_compute(FUZZ_SECRET, t, FUZZ_METHOD, FUZZ_URI,
		    FUZZ_DEVICE, body, blen, want) != 0)
			abort();
		if ((r == SIGN_OK) != (strcmp(v1, want) == 0))
			abort();
		snprintf(rebuilt, sizeof(rebuilt), "t=%" PRId64 ",v1=%s", t, want);
		if (sign_verify(rebuilt, FUZZ_SECRET, t + SIGN_MAX_SKEW,
		    FUZZ_METHOD, FUZZ_URI, FUZZ_DEVICE, body, blen, out) !=
		    SIGN_OK || strcmp(out, want) != 0)
			abort();
		if (sign_verify(rebuilt, FUZZ_SECRET "x", t, FUZZ_METHOD,
		    FUZZ_URI, FUZZ_DEVICE, body, blen, NULL) != SIGN_MISMATCH)
			abort();
		if (sign_verify(rebuilt, FUZZ_SECRET, t + SIGN_MAX_SKEW + 1,
		    FUZZ_METHOD, FUZZ_URI, FUZZ_DEVICE, body, blen, NULL) !=
		    SIGN_EXPIRED)
			abort();
		/* The body is part of S: one byte less changes the signature. */
		if (blen > 0 && sign_verify(rebuilt, FUZZ_SECRET, t,
		    FUZZ_METHOD, FUZZ_URI, FUZZ_DEVICE, body, blen - 1,
		    NULL) != SIGN_MISMATCH)
			abort();
	}
	free(hdr);
	return 0;
}
