/*
 * datetime: owns the two date formats of the APIs and their arithmetic.
 * Dates are YYYY-MM-DD (PMS), date-times YYYY-MM-DDTHH:MM:SS (AMAGE, local
 * time with no zone).  Parsing is strict: exact length, ASCII digits only,
 * real calendar days (leap years included), years 1000..9999 because that is
 * what MySQL's DATE and DATETIME hold.  Values travel as days since
 * 1970-01-01 or seconds since 1970-01-01T00:00:00 in the proleptic
 * Gregorian calendar; conversions use Howard Hinnant's days_from_civil /
 * civil_from_days, so there is no struct tm, no time zone and no libc
 * locale anywhere on this path.  The formatters write digits themselves
 * into the fixed-size outputs the header promises.
 */
#include <string.h>

#include "datetime.h"

#define DATETIME_YEAR_MIN 1000
#define DATETIME_YEAR_MAX 9999
#define DATETIME_SECS_PER_DAY 86400
/* 0000-01-01 and 9999-12-31: the first and last days a 4-digit year writes */
#define DATETIME_DAY_MIN (-719528)
#define DATETIME_DAY_MAX 2932896

/*
 * Hinnant's days_from_civil, in 64 bits so that no int input can overflow.
 * Eras are 400-year cycles (146097 days); March is month 0 so that the leap
 * day is the last day of the shifted year.
 */
static int64_t
datetime_days_from_civil(int64_t y, int64_t m, int64_t d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* Hinnant's civil_from_days, the inverse of the above. */
static void
datetime_civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
	int64_t era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

static int
datetime_is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int
datetime_days_in_month(int y, int m)
{
	static const int mdays[12] = {
		31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};

	if (m == 2 && datetime_is_leap(y))
		return 29;
	return mdays[m - 1];
}

/* n ASCII digits at s as a number, or -1 if any byte is not a digit. */
static int
datetime_digits(const char *s, int n)
{
	int i, v = 0;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/* Checks the YYYY-MM-DD at s (10 bytes known to exist); 0 and y-m-d, or -1. */
static int
datetime_parse_ymd(const char *s, int *y, int *m, int *d)
{
	int rc = -1;

	if (s[4] != '-' || s[7] != '-')
		goto done;
	if ((*y = datetime_digits(s, 4)) < 0 ||
	    (*m = datetime_digits(s + 5, 2)) < 0 ||
	    (*d = datetime_digits(s + 8, 2)) < 0)
		goto done;
	if (*y < DATETIME_YEAR_MIN || *y > DATETIME_YEAR_MAX)
		goto done;
	if (*m < 1 || *m > 12)
		goto done;
	if (*d < 1 || *d > datetime_days_in_month(*y, *m))
		goto done;
	rc = 0;
done:
	return rc;
}

/* v (0 <= v < 10^width) as width zero-padded digits at out, no NUL. */
static void
datetime_put_digits(char *out, int64_t v, int width)
{
	while (width-- > 0) {
		out[width] = (char)('0' + v % 10);
		v /= 10;
	}
}

/*
 * days as YYYY-MM-DD at out (10 bytes, no NUL).  A day outside 0000-01-01
 * .. 9999-12-31 (our parsers never produce one) is written as the nearest
 * end of that range: a wrong date, but a well-formed one that fits out.
 */
static void
datetime_put_date(char *out, int64_t days)
{
	int64_t y;
	int m, d;

	if (days < DATETIME_DAY_MIN)
		days = DATETIME_DAY_MIN;
	else if (days > DATETIME_DAY_MAX)
		days = DATETIME_DAY_MAX;
	datetime_civil_from_days(days, &y, &m, &d);
	datetime_put_digits(out, y, 4);
	out[4] = '-';
	datetime_put_digits(out + 5, m, 2);
	out[7] = '-';
	datetime_put_digits(out + 8, d, 2);
}

int
date_parse(const char *s, int32_t *days)
{
	int y, m, d, rc = -1;

	/* strnlen: anything longer than a date is refused without reading it all. */
	if (s == NULL || strnlen(s, DATE_STR_LEN + 1) != DATE_STR_LEN)
		goto done;
	if (datetime_parse_ymd(s, &y, &m, &d) != 0)
		goto done;
	if (days != NULL)
		*days = date_from_ymd(y, m, d);
	rc = 0;
done:
	return rc;
}

int32_t
date_from_ymd(int y, int m, int d)
{
	return (int32_t)datetime_days_from_civil(y, m, d);
}

void
date_to_ymd(int32_t days, int *y, int *m, int *d)
{
	int64_t yy;

	datetime_civil_from_days(days, &yy, m, d);
	*y = (int)yy;
}

void
date_format(int32_t days, char out[DATE_STR_LEN + 1])
{
	datetime_put_date(out, days);
	out[DATE_STR_LEN] = '\0';
}

int
datetime_parse(const char *s, int64_t *secs)
{
	int y, mo, d, h, mi, se, rc = -1;

	if (s == NULL || strnlen(s, DATETIME_STR_LEN + 1) != DATETIME_STR_LEN)
		goto done;
	if (datetime_parse_ymd(s, &y, &mo, &d) != 0)
		goto done;
	if (s[10] != 'T' || s[13] != ':' || s[16] != ':')
		goto done;
	if ((h = datetime_digits(s + 11, 2)) < 0 ||
	    (mi = datetime_digits(s + 14, 2)) < 0 ||
	    (se = datetime_digits(s + 17, 2)) < 0)
		goto done;
	if (h > 23 || mi > 59 || se > 59)
		goto done;
	if (secs != NULL)
		*secs = datetime_days_from_civil(y, mo, d) * DATETIME_SECS_PER_DAY +
		    h * 3600 + mi * 60 + se;
	rc = 0;
done:
	return rc;
}

void
datetime_format(int64_t secs, char out[DATETIME_STR_LEN + 1])
{
	int64_t days, rem;

	/* Floor division: -1 s is 1969-12-31T23:59:59, not 1970-01-01. */
	days = secs / DATETIME_SECS_PER_DAY;
	rem = secs % DATETIME_SECS_PER_DAY;
	if (rem < 0) {
		rem += DATETIME_SECS_PER_DAY;
		days--;
	}
	/* Clamped like datetime_put_date, to the first or last second. */
	if (days < DATETIME_DAY_MIN)
		rem = 0;
	else if (days > DATETIME_DAY_MAX)
		rem = DATETIME_SECS_PER_DAY - 1;
	datetime_put_date(out, days);
	out[10] = 'T';
	datetime_put_digits(out + 11, rem / 3600, 2);
	out[13] = ':';
	datetime_put_digits(out + 14, rem / 60 % 60, 2);
	out[16] = ':';
	datetime_put_digits(out + 17, rem % 60, 2);
	out[DATETIME_STR_LEN] = '\0';
}
