/*
 * business_date: an establishment's business date and its "today", and the
 * time zone arithmetic behind the latter.  The business date is a column
 * the night audit moves; today is the local calendar date of an instant in
 * the establishment's IANA zone, which only the zone files know (DST rules
 * and their history), so the conversion is glibc's localtime_r under a
 * temporarily switched TZ.  glibc treats a TZ it cannot load as UTC without
 * a word, which would silently move "today" by up to a day: every name is
 * checked here first (charset, no way out of the zoneinfo tree, a real TZif
 * file), and TZ is set to that file's absolute path so glibc loads the file
 * that was checked, whatever TZDIR says.  Checked names are kept in a small
 * per-process table, so the check costs a worker one open per zone, not one
 * per request (glibc still re-reads the file at each switch).  The
 * caller's TZ is put back, and tzset() run again, before returning,
 * because glibc's localtime_r reads TZ only when tzset() is run.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "business_date.h"
#include "datetime.h"
#include "db.h"
#include "log.h"

/* Casts: the two enums are compared on purpose. */
_Static_assert((int)BUSINESS_DATE_NOT_FOUND < (int)DB_ERR_NOMEM &&
    (int)BUSINESS_DATE_ERR_ZONE < (int)DB_ERR_NOMEM &&
    (int)BUSINESS_DATE_ERR_CONVERT < (int)DB_ERR_NOMEM,
    "business_date codes must not collide with enum db_status");

#define TZ_CHARSET \
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_+-/"
/* A TZ value ":/usr/share/zoneinfo/<name>"; the ':' says "a file". */
#define TZ_SPEC_MAX (sizeof(":" TZ_ZONEINFO_DIR "/") + TZ_NAME_MAX)
/* An establishment has one zone and a worker serves a few establishments. */
#define TZ_CACHE_SLOTS 8
/* Years date_format can write (lib/datetime.c's range). */
#define TZ_YEAR_MIN 1000
#define TZ_YEAR_MAX 9999

struct tz_slot {
	char name[TZ_NAME_MAX + 1];	/* "" when the slot is free */
	char spec[TZ_SPEC_MAX];
};

static struct tz_slot tz_cache[TZ_CACHE_SLOTS];
static unsigned tz_cache_next;		/* the slot to overwrite next */

static const char establishment_dates_sql[] =
    "SELECT DATE_FORMAT(business_date, '%Y-%m-%d'), time_zone "
    "FROM establishments WHERE id = ?";

/* 1 when zone is spelled like a zone name we accept, before any file I/O. */
static int
tz_name_ok(const char *zone)
{
	size_t len;

	if (zone == NULL)
		return 0;
	len = strnlen(zone, TZ_NAME_MAX + 1);
	if (len == 0 || len > TZ_NAME_MAX || strspn(zone, TZ_CHARSET) != len)
		return 0;
	if (zone[0] == '/' || strstr(zone, "..") != NULL)
		return 0;
	/* Valid TZif files, but not zones: the host's setting, and clocks
	   that count leap seconds (time_t would be read 27 s off). */
	if (strcmp(zone, "localtime") == 0 || strncmp(zone, "right/", 6) == 0)
		return 0;
	return 1;
}

/* 1 when path is a regular file starting with the TZif magic. */
static int
tz_file_ok(const char *path)
{
	struct stat st;
	char magic[4];
	int fd, ok = 0;

	/* O_NONBLOCK: a FIFO planted in the tree must not hang a worker. */
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)) < 0)
		goto done;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
		goto done;
	if (read(fd, magic, sizeof(magic)) != (ssize_t)sizeof(magic))
		goto done;
	ok = memcmp(magic, "TZif", sizeof(magic)) == 0;
done:
	if (fd >= 0)
		close(fd);
	return ok;
}

/* 0 and the TZ value for zone (static storage), checked and cached. */
static int
tz_zone_spec(const char *zone, const char **spec)
{
	char buf[TZ_SPEC_MAX];
	struct tz_slot *slot;
	int rc = BUSINESS_DATE_ERR_ZONE;
	unsigned i;

	if (!tz_name_ok(zone))
		goto done;
	for (i = 0; i < TZ_CACHE_SLOTS; i++) {
		if (strcmp(tz_cache[i].name, zone) == 0) {
			*spec = tz_cache[i].spec;
			rc = 0;
			goto done;
		}
	}
	/* Cannot truncate: tz_name_ok bounded the name by TZ_NAME_MAX. */
	snprintf(buf, sizeof(buf), ":%s/%s", TZ_ZONEINFO_DIR, zone);
	if (!tz_file_ok(buf + 1))
		goto done;
	slot = &tz_cache[tz_cache_next];
	tz_cache_next = (tz_cache_next + 1) % TZ_CACHE_SLOTS;
	memcpy(slot->spec, buf, sizeof(buf));
	snprintf(slot->name, sizeof(slot->name), "%s", zone);
	*spec = slot->spec;
	rc = 0;
done:
	return rc;
}

int
tz_zone_check(const char *zone)
{
	const char *spec;

	return tz_zone_spec(zone, &spec);
}

/* Puts back the caller's TZ (saved: its copy, NULL when it was unset). */
static int
tz_restore(const char *saved)
{
	int rc;

	rc = saved != NULL ? setenv("TZ", saved, 1) : unsetenv("TZ");
	tzset();
	if (rc != 0)
		log_error("business_date: TZ not restored: %s", strerror(errno));
	return rc;
}

int
tz_local_date(time_t now, const char *zone, int32_t *days)
{
	const char *spec, *old;
	char *saved = NULL;
	struct tm tm = { 0 };
	int rc, converted = 0;

	if ((rc = tz_zone_spec(zone, &spec)) != 0)
		goto done;
	rc = BUSINESS_DATE_ERR_CONVERT;
	/* getenv's pointer may die with the next setenv: keep a copy. */
	if ((old = getenv("TZ")) != NULL && (saved = strdup(old)) == NULL)
		goto done;
	if (setenv("TZ", spec, 1) == 0) {
		tzset();
		converted = localtime_r(&now, &tm) != NULL;
	}
	if (tz_restore(saved) != 0 || !converted)
		goto done;
	if (tm.tm_year < TZ_YEAR_MIN - 1900 || tm.tm_year > TZ_YEAR_MAX - 1900)
		goto done;
	*days = date_from_ymd(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
	rc = 0;
done:
	free(saved);
	return rc;
}

int
establishment_dates_at(struct db *db, const char *establishment_id,
    time_t now, struct establishment_dates *out)
{
	struct db_rows *rows = NULL;
	const char *zone;
	int rc;

	memset(out, 0, sizeof(*out));
	if (establishment_id == NULL) {
		rc = BUSINESS_DATE_NOT_FOUND;
		goto done;
	}
	rc = db_query(db, establishment_dates_sql,
	    (struct db_param[]){ DB_STR(establishment_id) }, 1, &rows);
	if (rc != DB_OK)
		goto done;
	if (rows->nrows == 0) {
		rc = BUSINESS_DATE_NOT_FOUND;
		goto done;
	}
	if (date_parse(db_cell(rows, 0, 0), &out->business_date) != 0) {
		log_error("establishment %s: business_date is not a date",
		    establishment_id);
		rc = DB_ERR_FAILED;
		goto done;
	}
	zone = db_cell(rows, 0, 1);
	if ((rc = tz_local_date(now, zone, &out->today)) != 0) {
		/* The stored value is not echoed: it could hold anything. */
		if (rc == BUSINESS_DATE_ERR_ZONE)
			log_error("establishment %s: time_zone is not a zone "
			    "under %s", establishment_id, TZ_ZONEINFO_DIR);
		goto done;
	}
	/* tz_local_date accepted it, so it fits in TZ_NAME_MAX. */
	snprintf(out->zone, sizeof(out->zone), "%s", zone);
	rc = 0;
done:
	if (rc != 0)
		memset(out, 0, sizeof(*out));
	db_rows_free(rows);
	return rc;
}

int
establishment_dates(struct db *db, const char *establishment_id,
    struct establishment_dates *out)
{
	return establishment_dates_at(db, establishment_id, time(NULL), out);
}
