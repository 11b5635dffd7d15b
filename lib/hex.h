/*
 * hex: hexadecimal digits, shared by the uuid, signature and URL-decoding
 * code so there is one definition of what a hex digit is.
 */
#ifndef PMS_HEX_H
#define PMS_HEX_H

#include <stddef.h>

extern const char hex_digits[16];	/* "0123456789abcdef" */

/* The value of an ASCII hex digit in either case, or -1. */
int hex_value(unsigned char c);

/* Lower-case hex of n bytes into out (2n + 1 bytes, NUL-terminated). */
void hex_encode(const unsigned char *bytes, size_t n, char *out);

#endif
