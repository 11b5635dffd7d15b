/*
 * business_date: the two dates of an establishment (SPEC 2.1), the one
 * place the PMS families ask for them.
 *
 *   business date  establishments.business_date, advanced only by the
 *                  night audit; cutoffs, pickups and the horizon count
 *                  from it.
 *   today          the calendar date of "now" in the establishment's IANA
 *                  time zone (establishments.time_zone); date checks such
 *                  as oooFrom >= today - 1 day count from it.
 *
 * Both are days since 1970-01-01, as lib/datetime.h counts.
 *
 * Status convention, for every function here: 0 (BUSINESS_DATE_OK), one of
 * the negative BUSINESS_DATE_* codes below, or, from establishment_dates,
 * an enum db_status passed through unchanged.  The BUSINESS_DATE_* codes
 * never collide with enum db_status, so a caller answers NOT_FOUND with its
 * own 404 and hands any other non-zero status to respond_db_failure (503
 * for DB_ERR_UNAVAILABLE / DB_ERR_RETRY, 500 for the rest).
 *
 * Time zones: the conversion switches the process's TZ with setenv+tzset
 * and restores the caller's TZ (and tzset again) before returning.  That is
 * safe because workers are single-threaded processes; do not call these
 * functions from a second thread.  glibc silently uses UTC for a zone it
 * cannot load, so names are checked here first (see tz_zone_check); a
 * checked name is remembered per process, and the conversion reads the
 * zone file by absolute path, the very file that was checked.  Cost: glibc
 * re-reads the zone file, and the caller's on restore, at each call
 * (measured ~7-12 us here, against >= 35 us for any database round trip);
 * the answer itself is not cached, because only the zone file knows when
 * the next offset change comes.
 */
#ifndef PMS_BUSINESS_DATE_H
#define PMS_BUSINESS_DATE_H

#include <stdint.h>
#include <time.h>

struct db;

/* Longest zone name accepted: the width of establishments.time_zone. */
#define TZ_NAME_MAX 64
/* Where zone files are read from (Debian's tzdata). */
#define TZ_ZONEINFO_DIR "/usr/share/zoneinfo"

enum business_date_status {
	BUSINESS_DATE_OK = 0,
	/* enum db_status uses -1 .. -5; these stay well below it. */
	BUSINESS_DATE_NOT_FOUND = -32,	/* no establishment with that id */
	BUSINESS_DATE_ERR_ZONE = -33,	/* zone name refused (see tz_zone_check) */
	BUSINESS_DATE_ERR_CONVERT = -34,/* no memory for TZ, or a local year
					   outside 1000..9999 */
};

struct establishment_dates {
	int32_t business_date;		/* days since 1970-01-01 */
	int32_t today;			/* days since 1970-01-01, in zone */
	char zone[TZ_NAME_MAX + 1];	/* IANA name, e.g. "Europe/Paris" */
};

/*
 * 0 when zone names a time zone we will convert with: 1..TZ_NAME_MAX bytes
 * of [A-Za-z0-9_+-/], no "..", no leading '/', naming a regular TZif file
 * under TZ_ZONEINFO_DIR; not "localtime" (the host's zone, not an IANA
 * name) and nothing under "right/" (clocks that count leap seconds, so
 * dates would turn ~27 s late).  Else BUSINESS_DATE_ERR_ZONE.
 */
int tz_zone_check(const char *zone);

/*
 * The calendar date, in days since 1970-01-01, of the UTC instant now in
 * zone.  Pure apart from the TZ switch described above: the answer depends
 * only on now, zone and the zone file.  0 and *days, else
 * BUSINESS_DATE_ERR_ZONE or BUSINESS_DATE_ERR_CONVERT (*days untouched).
 */
int tz_local_date(time_t now, const char *zone, int32_t *days);

/*
 * The establishment's business date, its today at now, and its zone, from
 * one prepared query (a primary-key lookup).  establishment_id is the
 * canonical lower-case uuid (uuid_parse's output).  0 and *out, else
 * BUSINESS_DATE_NOT_FOUND, BUSINESS_DATE_ERR_ZONE (the stored zone is
 * refused: logged), BUSINESS_DATE_ERR_CONVERT, or an enum db_status;
 * *out is zeroed on failure.
 */
int establishment_dates_at(struct db *db, const char *establishment_id,
    time_t now, struct establishment_dates *out);

/* establishment_dates_at with now = the current time. */
int establishment_dates(struct db *db, const char *establishment_id,
    struct establishment_dates *out);

#endif
