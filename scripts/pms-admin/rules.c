/*
 * pms-admin value rules: the checks lib/validate.h has no field kind for,
 * because only the administrator types these values -- a time zone naming
 * a TZif file, an ISO 4217 currency code, a numeric row id -- and the
 * hygiene of free text typed on a command line (valid UTF-8, no control
 * character, not blank), which a JSON body gets from the parser instead.
 * The length of a text is lib's (FIELD_STRING .min/.max) and is reported
 * after these.  Also the words the tool prints for lib's reasons.
 * Each check returns 0, or -1 with the reason in why.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "admin.h"
#include "business_date.h"
#include "json.h"

#define RULE_ZONE_MAX	64	/* establishments.time_zone */
#define RULE_ZONEINFO	"/usr/share/zoneinfo/"
#define RULE_ID_DIGITS	18	/* stays below INT64_MAX */

/* Free text: valid UTF-8, no control character, not only spaces. */
int
rule_text(const char *s, char *why, size_t whylen)
{
	size_t i, len = strlen(s);
	int blank = 1, rc = -1;

	/* Empty is lib's "too short", reported in its turn. */
	if (len == 0) {
		rc = 0;
		goto done;
	}
	if (!json_utf8_valid(s, len)) {
		snprintf(why, whylen, "not valid UTF-8");
		goto done;
	}
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x20 || c == 0x7f) {
			snprintf(why, whylen, "control characters are not allowed");
			goto done;
		}
		if (c != ' ')
			blank = 0;
	}
	if (blank)
		snprintf(why, whylen, "must not be blank");
	else
		rc = 0;
done:
	return rc;
}

/*
 * A zone the families can use: lib's own check (business_date.c), so the
 * tool never stores a zone a worker would refuse (that includes
 * "localtime" and the leap-second "right/" zones).
 */
int
rule_zone(const char *s, char *why, size_t whylen)
{
	size_t len = strlen(s);

	if (len == 0 || len > RULE_ZONE_MAX) {
		snprintf(why, whylen, "must be 1 to %d characters", RULE_ZONE_MAX);
		return -1;
	}
	if (tz_zone_check(s) != 0) {
		snprintf(why, whylen, "no such time zone under %s "
		    "(a name such as Europe/Paris)", RULE_ZONEINFO);
		return -1;
	}
	return 0;
}

/* Three upper-case ASCII letters (ISO 4217). */
int
rule_currency(const char *s, char *why, size_t whylen)
{
	int rc = 0;

	if (strlen(s) != 3 || strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != 3) {
		snprintf(why, whylen,
		    "must be three upper-case letters (ISO 4217), e.g. EUR");
		rc = -1;
	}
	return rc;
}

/*
 * A positive BIGINT id of up to 18 digits.  Not lib's FIELD_INT: a JSON
 * number holds only 2^53, and the tool has always taken 18 digits.
 */
int
rule_id(const char *s, char *why, size_t whylen)
{
	int rc = 0;

	/* Digits only: strtoll alone would take " 12", "+12" and "-0". */
	if (*s == '\0' || strspn(s, "0123456789") != strlen(s) ||
	    strlen(s) > RULE_ID_DIGITS || strtoll(s, NULL, 10) <= 0) {
		snprintf(why, whylen, "not a positive integer id");
		rc = -1;
	}
	return rc;
}

/* What the tool says for a reason of validate_object() about field f. */
void
rule_reason(const struct field *f, enum reason r, char *why, size_t whylen)
{
	switch (r) {
	case REASON_BAD_UUID:
		snprintf(why, whylen, "not a uuid (8-4-4-4-12 hexadecimal digits)");
		break;
	case REASON_BAD_DATE:
		snprintf(why, whylen, "not a calendar date YYYY-MM-DD");
		break;
	case REASON_BAD_EMAIL:
		snprintf(why, whylen, "not a valid email address");
		break;
	case REASON_NOT_ALLOWED_VALUE:
		snprintf(why, whylen, "must be one of: %s", f->one_of);
		break;
	case REASON_TOO_SHORT:
		if (f->min <= 1)
			snprintf(why, whylen, "must not be empty");
		else
			snprintf(why, whylen, "shorter than %lld characters",
			    (long long)f->min);
		break;
	case REASON_TOO_LONG:
		snprintf(why, whylen, "longer than %lld characters",
		    (long long)f->max);
		break;
	default:
		snprintf(why, whylen, "not accepted (%s)", reason_name(r));
		break;
	}
}
