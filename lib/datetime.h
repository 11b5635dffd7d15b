/*
 * datetime: calendar dates (YYYY-MM-DD) and AMAGE local date-times
 * (YYYY-MM-DDTHH:MM:SS), strictly parsed (real calendar days, years
 * 1000..9999 as MySQL's DATE holds), kept as days since 1970-01-01 or
 * seconds since 1970-01-01T00:00:00 (no time zone: the AMAGE seed's
 * date-times are local).  Never struct tm across modules.
 */
#ifndef PMS_DATETIME_H
#define PMS_DATETIME_H

#include <stddef.h>
#include <stdint.h>

#define DATE_STR_LEN 10		/* YYYY-MM-DD */
#define DATETIME_STR_LEN 19	/* YYYY-MM-DDTHH:MM:SS */

/* 0 and days since epoch when s is exactly a valid YYYY-MM-DD, else -1. */
int date_parse(const char *s, int32_t *days);
/* Formats days since epoch as YYYY-MM-DD into out (11 bytes). */
void date_format(int32_t days, char out[DATE_STR_LEN + 1]);
/* Days since epoch of a proleptic Gregorian y-m-d (no validation). */
int32_t date_from_ymd(int y, int m, int d);
/* The y-m-d of days since epoch. */
void date_to_ymd(int32_t days, int *y, int *m, int *d);

/* 0 and seconds since epoch when s is exactly YYYY-MM-DDTHH:MM:SS, else -1. */
int datetime_parse(const char *s, int64_t *secs);
/* Formats seconds since epoch as YYYY-MM-DDTHH:MM:SS into out (20 bytes). */
void datetime_format(int64_t secs, char out[DATETIME_STR_LEN + 1]);

#endif
