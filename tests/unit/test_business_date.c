/*
 * Unit tests of lib/business_date.c.  First the pure part, tz_local_date:
 * the local calendar date of fixed UTC instants on both sides of a date
 * change (Paris in summer and winter, the +14 and -11 zones on either side
 * of the date line, DST changes, including Santiago's, which happen at
 * local midnight and so move the date itself), the names it must refuse
 * because glibc would silently read them as UTC or read a file that is not
 * a zone, and the caller's TZ being left as it was.  Expected dates are
 * written as calendar dates and instants as UTC clock readings, both
 * through lib/datetime, so each case reads like the sentence it proves.
 *
 * Then establishment_dates against the test database that scripts/test.sh
 * names in the environment (the test stack's pms.env): the demo establishment Paris,
 * an unknown id, rows with a refused and a far-east zone (inserted in a
 * transaction that is rolled back), and an unreachable database.  The
 * suite always has a database, so a missing PMS_DB_* environment fails
 * those tests instead of skipping them.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "business_date.h"
#include "config.h"
#include "datetime.h"
#include "db.h"

#define PARIS_ID "11111111-1111-4111-8111-111111111111"
#define LYON_ID "22222222-2222-4222-8222-222222222222"
#define UNKNOWN_ID "99999999-9999-4999-8999-999999999999"
/* Rows only ever seen inside a rolled-back transaction. */
#define SCRATCH_ID "eeeeeeee-0000-4000-8000-00000000bd01"

/* The UTC instant y-m-d hh:mm:ss. */
static time_t
utc(int y, int m, int d, int hh, int mm, int ss)
{
	return (time_t)date_from_ymd(y, m, d) * 86400 + hh * 3600 + mm * 60 + ss;
}

/* Asserts that the instant now is the calendar day y-m-d in zone. */
static void
assert_local_date(const char *zone, time_t now, int y, int m, int d)
{
	int32_t days = INT32_MIN;
	char got[DATE_STR_LEN + 1], want[DATE_STR_LEN + 1];

	assert_int_equal(tz_local_date(now, zone, &days), 0);
	date_format(days, got);
	date_format(date_from_ymd(y, m, d), want);
	assert_string_equal(got, want);
}

/* Asserts that zone is refused, with *days left as it was. */
static void
assert_zone_refused(const char *zone)
{
	int32_t days = 12345;

	assert_int_equal(tz_zone_check(zone), BUSINESS_DATE_ERR_ZONE);
	assert_int_equal(tz_local_date(utc(2026, 7, 14, 12, 0, 0), zone, &days),
	    BUSINESS_DATE_ERR_ZONE);
	assert_int_equal(days, 12345);
}

static void
paris_at_2230_utc_in_summer_is_already_the_next_day(void **state)
{
	(void)state;
	/* 00:30 CEST (+2) */
	assert_local_date("Europe/Paris", utc(2026, 7, 14, 22, 30, 0), 2026, 7, 15);
}

static void
paris_at_2230_utc_in_winter_is_still_the_same_day(void **state)
{
	(void)state;
	/* 23:30 CET (+1) */
	assert_local_date("Europe/Paris", utc(2026, 1, 14, 22, 30, 0), 2026, 1, 14);
	assert_local_date("Europe/Paris", utc(2026, 1, 14, 22, 59, 59), 2026, 1, 14);
	assert_local_date("Europe/Paris", utc(2026, 1, 14, 23, 0, 0), 2026, 1, 15);
}

static void
kiritimati_at_plus_14_starts_the_day_at_1000_utc_the_day_before(void **state)
{
	(void)state;
	assert_local_date("Pacific/Kiritimati", utc(2026, 6, 15, 9, 59, 59),
	    2026, 6, 15);
	assert_local_date("Pacific/Kiritimati", utc(2026, 6, 15, 10, 0, 0),
	    2026, 6, 16);
}

static void
pago_pago_at_minus_11_starts_the_day_at_1100_utc(void **state)
{
	(void)state;
	assert_local_date("Pacific/Pago_Pago", utc(2026, 6, 16, 10, 59, 59),
	    2026, 6, 15);
	assert_local_date("Pacific/Pago_Pago", utc(2026, 6, 16, 11, 0, 0),
	    2026, 6, 16);
}

static void
one_instant_is_two_dates_apart_across_the_date_line(void **state)
{
	time_t now = utc(2026, 6, 15, 10, 30, 0);

	(void)state;
	assert_local_date("Pacific/Kiritimati", now, 2026, 6, 16);
	assert_local_date("UTC", now, 2026, 6, 15);
	assert_local_date("Pacific/Pago_Pago", now, 2026, 6, 14);
}

static void
paris_keeps_its_date_across_both_dst_changes(void **state)
{
	(void)state;
	/* 2026-03-29 01:00 UTC: 01:59:59 CET, then 03:00:00 CEST. */
	assert_local_date("Europe/Paris", utc(2026, 3, 29, 0, 59, 59), 2026, 3, 29);
	assert_local_date("Europe/Paris", utc(2026, 3, 29, 1, 0, 0), 2026, 3, 29);
	/* The evening before the change is still +1: 23:30 on the 28th. */
	assert_local_date("Europe/Paris", utc(2026, 3, 28, 22, 30, 0), 2026, 3, 28);
	/* 2026-10-25 01:00 UTC: 02:59:59 CEST, then 02:00:00 CET. */
	assert_local_date("Europe/Paris", utc(2026, 10, 25, 0, 59, 59), 2026, 10, 25);
	assert_local_date("Europe/Paris", utc(2026, 10, 25, 1, 0, 0), 2026, 10, 25);
	/* That evening is +1 again: 22:30 UTC is 23:30, not yet the 26th. */
	assert_local_date("Europe/Paris", utc(2026, 10, 25, 22, 30, 0), 2026, 10, 25);
}

static void
santiago_spring_change_at_local_midnight_starts_the_day_at_the_change(void **state)
{
	(void)state;
	/* Saturday 2025-09-06 24:00 -04 became Sunday 01:00 -03. */
	assert_local_date("America/Santiago", utc(2025, 9, 7, 3, 59, 59),
	    2025, 9, 6);
	assert_local_date("America/Santiago", utc(2025, 9, 7, 4, 0, 0),
	    2025, 9, 7);
}

static void
santiago_autumn_change_at_local_midnight_gives_the_old_day_another_hour(void **state)
{
	(void)state;
	/* Saturday 2025-04-05 24:00 -03 became Saturday 23:00 -04: with the
	   offset of a moment before, 03:30 UTC would be Sunday 00:30. */
	assert_local_date("America/Santiago", utc(2025, 4, 6, 2, 59, 59),
	    2025, 4, 5);
	assert_local_date("America/Santiago", utc(2025, 4, 6, 3, 30, 0),
	    2025, 4, 5);
	assert_local_date("America/Santiago", utc(2025, 4, 6, 4, 0, 0),
	    2025, 4, 6);
}

static void
utc_zone_date_is_the_utc_calendar_date(void **state)
{
	(void)state;
	assert_local_date("UTC", utc(2026, 12, 31, 23, 59, 59), 2026, 12, 31);
	assert_local_date("UTC", utc(2027, 1, 1, 0, 0, 0), 2027, 1, 1);
	assert_local_date("Etc/UTC", utc(2024, 2, 29, 12, 0, 0), 2024, 2, 29);
	assert_local_date("UTC", 0, 1970, 1, 1);
}

static void
zone_names_of_every_shape_tzdata_uses_are_accepted(void **state)
{
	(void)state;
	assert_int_equal(tz_zone_check("Europe/Paris"), 0);
	assert_int_equal(tz_zone_check("America/Argentina/Buenos_Aires"), 0);
	assert_int_equal(tz_zone_check("America/Port-au-Prince"), 0);
	assert_int_equal(tz_zone_check("Etc/GMT+10"), 0);
	assert_int_equal(tz_zone_check("Etc/GMT-14"), 0);
	assert_int_equal(tz_zone_check("UTC"), 0);
	/* Etc/GMT-5 is five hours east (POSIX signs): 20:00 UTC is 01:00. */
	assert_local_date("Etc/GMT-5", utc(2026, 6, 15, 20, 0, 0), 2026, 6, 16);
	assert_local_date("Etc/GMT+5", utc(2026, 6, 15, 4, 0, 0), 2026, 6, 14);
}

static void
unknown_zone_is_refused_not_read_as_utc(void **state)
{
	(void)state;
	assert_zone_refused("Mars/Olympus_Mons");
	assert_zone_refused("Europe/Pariss");
	assert_zone_refused("europe/paris");
	assert_zone_refused("CEST");
}

static void
path_out_of_the_zoneinfo_tree_is_refused(void **state)
{
	(void)state;
	assert_zone_refused("../etc/passwd");
	assert_zone_refused("Europe/../../../etc/passwd");
	assert_zone_refused("..");
}

static void
absolute_path_is_refused(void **state)
{
	(void)state;
	assert_zone_refused("/etc/localtime");
	assert_zone_refused("/usr/share/zoneinfo/Europe/Paris");
	assert_zone_refused("/");
}

static void
empty_and_null_zone_are_refused(void **state)
{
	(void)state;
	assert_zone_refused("");
	assert_zone_refused(NULL);
}

static void
files_under_zoneinfo_that_are_not_zones_are_refused(void **state)
{
	(void)state;
	assert_zone_refused("Europe");		/* a directory */
	assert_zone_refused("zone.tab");	/* a text table */
	assert_zone_refused("leapseconds");	/* text, no dot in its name */
	assert_zone_refused("localtime");	/* the host's zone */
	assert_zone_refused("right/Europe/Paris");	/* counts leap seconds */
	assert_zone_refused("Europe/Paris/");
}

static void
names_with_bytes_outside_the_zone_charset_are_refused(void **state)
{
	(void)state;
	assert_zone_refused("Europe/Paris\n");
	assert_zone_refused("Europe/Paris ");
	assert_zone_refused("Europe/Paris;true");
	assert_zone_refused("Europe\\Paris");
	assert_zone_refused(":Europe/Paris");	/* glibc's own "a file" prefix */
	assert_zone_refused("EST5EDT,M3.2.0,M11.1.0");	/* a POSIX TZ rule */
	assert_zone_refused("Europe/Z\xc3\xbcrich");
}

static void
name_longer_than_the_time_zone_column_is_refused(void **state)
{
	char name[TZ_NAME_MAX + 2];

	(void)state;
	/* 65 bytes of a valid shape: refused on length alone. */
	memset(name, 'A', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	assert_zone_refused(name);
}

static void
local_year_beyond_9999_is_refused(void **state)
{
	int32_t days = 12345;

	(void)state;
	/* 23:00 UTC on the last day of 9999 is already 10000 at +14. */
	assert_local_date("UTC", utc(9999, 12, 31, 23, 0, 0), 9999, 12, 31);
	assert_int_equal(tz_local_date(utc(9999, 12, 31, 23, 0, 0),
	    "Pacific/Kiritimati", &days), BUSINESS_DATE_ERR_CONVERT);
	/* localtime_r itself fails on this one. */
	assert_int_equal(tz_local_date((time_t)INT64_MAX, "UTC", &days),
	    BUSINESS_DATE_ERR_CONVERT);
	assert_int_equal(days, 12345);
}

static void
answers_stay_right_when_more_zones_are_used_than_are_remembered(void **state)
{
	char zone[32];
	int round, n;

	(void)state;
	/* Etc/GMT-N is N hours east: at 21:30 UTC, N >= 3 is the next day.
	   Fourteen zones, twice over, pass through a table of eight. */
	for (round = 0; round < 2; round++) {
		for (n = 1; n <= 14; n++) {
			snprintf(zone, sizeof(zone), "Etc/GMT-%d", n);
			assert_local_date(zone, utc(2026, 6, 15, 21, 30, 0),
			    2026, 6, n >= 3 ? 16 : 15);
		}
	}
}

static void
caller_tz_is_the_same_after_a_call_as_before(void **state)
{
	struct tm tm;
	time_t epoch = 0;
	int32_t days;

	(void)state;
	setenv("TZ", "Asia/Tokyo", 1);
	tzset();
	assert_int_equal(tz_local_date(utc(2026, 7, 14, 22, 30, 0),
	    "Europe/Paris", &days), 0);
	assert_string_equal(getenv("TZ"), "Asia/Tokyo");
	/* Not only the variable: localtime_r reads the zone tzset loaded. */
	assert_non_null(localtime_r(&epoch, &tm));
	assert_int_equal(tm.tm_hour, 9);
	/* A refused name changes nothing either. */
	assert_int_equal(tz_local_date(0, "../etc/passwd", &days),
	    BUSINESS_DATE_ERR_ZONE);
	assert_string_equal(getenv("TZ"), "Asia/Tokyo");

	unsetenv("TZ");
	tzset();
	assert_int_equal(tz_local_date(0, "Pacific/Kiritimati", &days), 0);
	assert_null(getenv("TZ"));
}

/* ---- establishment_dates against the test database ---- */

struct db_fixture {
	struct config cfg;
	struct db *db;
};

static int
db_setup(void **state)
{
	struct db_fixture *fx;

	if ((fx = calloc(1, sizeof(*fx))) == NULL)
		return -1;
	*state = fx;
	return 0;
}

static int
db_teardown(void **state)
{
	struct db_fixture *fx = *state;

	db_free(fx->db);
	free(fx);
	return 0;
}

/* The test database of the test stack; fails the test when there is none. */
static struct db *
test_db(void **state)
{
	struct db_fixture *fx = *state;

	if (getenv("PMS_DB_SOCKET") == NULL && getenv("PMS_DB_NAME") == NULL)
		fail_msg("no PMS_DB_SOCKET / PMS_DB_NAME: run through make test "
		    "(scripts/test.sh exports the test stack's pms.env)");
	assert_int_equal(config_load(&fx->cfg), 0);
	assert_non_null(fx->db = db_new(&fx->cfg));
	assert_int_equal(db_ensure(fx->db), DB_OK);
	return fx->db;
}

/* One integer the database computes for one string parameter. */
static int64_t
db_integer(struct db *db, const char *sql, struct db_param param)
{
	struct db_rows *rows = NULL;
	const char *cell;
	int64_t v;

	assert_int_equal(db_query(db, sql, &param, 1, &rows), DB_OK);
	assert_int_equal(rows->nrows, 1);
	assert_non_null(cell = db_cell(rows, 0, 0));
	v = strtoll(cell, NULL, 10);
	db_rows_free(rows);
	return v;
}

static const char business_day_sql[] =
    "SELECT DATEDIFF(business_date, '1970-01-01') FROM establishments "
    "WHERE id = ?";
/* MariaDB's own zone tables (loaded by stack.sh): an independent oracle. */
static const char paris_day_sql[] =
    "SELECT DATEDIFF(CONVERT_TZ(FROM_UNIXTIME(?), '+00:00', 'Europe/Paris'), "
    "'1970-01-01')";

/*
 * The seed wrote UTC_DATE() of the first load (and a night audit may have
 * moved it since): the oracle is the stored column, counted by MariaDB.
 */
static void
demo_paris_has_its_seeded_business_date_and_paris_zone(void **state)
{
	struct db *db = test_db(state);
	struct establishment_dates d;
	time_t before, after;
	int32_t day_before, day_after;

	before = time(NULL);
	assert_int_equal(establishment_dates(db, PARIS_ID, &d), 0);
	after = time(NULL);
	assert_string_equal(d.zone, "Europe/Paris");
	assert_int_equal(d.business_date,
	    db_integer(db, business_day_sql, DB_STR(PARIS_ID)));
	/* Without _at, today is that of the current time. */
	assert_int_equal(tz_local_date(before, "Europe/Paris", &day_before), 0);
	assert_int_equal(tz_local_date(after, "Europe/Paris", &day_after), 0);
	assert_true(d.today == day_before || d.today == day_after);
}

static void
demo_paris_today_is_the_paris_date_mariadb_computes(void **state)
{
	struct db *db = test_db(state);
	struct establishment_dates d;
	time_t now = time(NULL), summer_night = utc(2026, 7, 14, 22, 30, 0);

	assert_int_equal(establishment_dates_at(db, PARIS_ID, now, &d), 0);
	assert_int_equal(d.today, db_integer(db, paris_day_sql, DB_I64(now)));
	assert_int_equal(establishment_dates_at(db, PARIS_ID, summer_night, &d), 0);
	assert_int_equal(d.today, date_from_ymd(2026, 7, 15));
	assert_int_equal(d.today,
	    db_integer(db, paris_day_sql, DB_I64(summer_night)));
	assert_int_equal(establishment_dates_at(db, LYON_ID, summer_night, &d), 0);
	assert_string_equal(d.zone, "Europe/Paris");
	assert_int_equal(d.today, date_from_ymd(2026, 7, 15));
}

static void
unknown_establishment_is_not_found(void **state)
{
	struct db *db = test_db(state);
	struct establishment_dates d;

	memset(&d, 0x5a, sizeof(d));
	assert_int_equal(establishment_dates(db, UNKNOWN_ID, &d),
	    BUSINESS_DATE_NOT_FOUND);
	assert_int_equal(d.business_date, 0);
	assert_int_equal(d.today, 0);
	assert_string_equal(d.zone, "");
	assert_int_equal(establishment_dates(db, NULL, &d),
	    BUSINESS_DATE_NOT_FOUND);
}

/* A scratch establishment, read back, then rolled back. */
struct scratch {
	const char *zone;
	time_t now;
	int rc;
	struct establishment_dates d;
};

static const char establishment_count_sql[] =
    "SELECT COUNT(*) FROM establishments WHERE id = ?";

static const char scratch_insert_sql[] =
    "INSERT INTO establishments (id, name, time_zone, business_date) "
    "VALUES (?, 'test_business_date scratch', ?, '2026-07-14')";

static int
scratch_read(struct db *db, void *ctx)
{
	struct scratch *s = ctx;
	int rc;

	rc = db_exec(db, scratch_insert_sql, (struct db_param[]){
	    DB_STR(SCRATCH_ID), DB_STR(s->zone) }, 2, NULL, NULL);
	if (rc != DB_OK)
		return rc;
	s->rc = establishment_dates_at(db, SCRATCH_ID, s->now, &s->d);
	/* Anything but 0 rolls back: the row never outlives the test. */
	return 1;
}

static void
stored_zone_glibc_would_read_as_utc_is_refused(void **state)
{
	struct db *db = test_db(state);
	struct scratch s = { .zone = "Mars/Olympus_Mons",
	    .now = utc(2026, 7, 14, 22, 30, 0) };

	assert_int_equal(db_transaction(db, scratch_read, &s), 1);
	assert_int_equal(s.rc, BUSINESS_DATE_ERR_ZONE);
	assert_int_equal(s.d.business_date, 0);
	assert_string_equal(s.d.zone, "");
	/* Rolled back: the scratch row is gone. */
	assert_int_equal(db_integer(db, establishment_count_sql,
	    DB_STR(SCRATCH_ID)), 0);
}

static void
stored_far_east_zone_gives_the_next_day_at_the_same_instant(void **state)
{
	struct db *db = test_db(state);
	struct scratch s = { .zone = "Pacific/Kiritimati",
	    .now = utc(2026, 7, 14, 10, 30, 0) };

	assert_int_equal(db_transaction(db, scratch_read, &s), 1);
	assert_int_equal(s.rc, 0);
	assert_string_equal(s.d.zone, "Pacific/Kiritimati");
	assert_int_equal(s.d.business_date, date_from_ymd(2026, 7, 14));
	assert_int_equal(s.d.today, date_from_ymd(2026, 7, 15));
}

static void
unreachable_database_is_reported_as_unavailable(void **state)
{
	struct db_fixture *fx = *state;
	struct establishment_dates d;

	memset(&fx->cfg, 0, sizeof(fx->cfg));
	snprintf(fx->cfg.db_socket, sizeof(fx->cfg.db_socket),
	    "/nonexistent/test_business_date.sock");
	snprintf(fx->cfg.db_user, sizeof(fx->cfg.db_user), "pms");
	snprintf(fx->cfg.db_name, sizeof(fx->cfg.db_name), "pms");
	assert_non_null(fx->db = db_new(&fx->cfg));
	memset(&d, 0x5a, sizeof(d));
	assert_int_equal(establishment_dates(fx->db, PARIS_ID, &d),
	    DB_ERR_UNAVAILABLE);
	assert_int_equal(d.today, 0);
	assert_string_equal(d.zone, "");
}

#define DB_TEST(f) cmocka_unit_test_setup_teardown(f, db_setup, db_teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(paris_at_2230_utc_in_summer_is_already_the_next_day),
		cmocka_unit_test(paris_at_2230_utc_in_winter_is_still_the_same_day),
		cmocka_unit_test(kiritimati_at_plus_14_starts_the_day_at_1000_utc_the_day_before),
		cmocka_unit_test(pago_pago_at_minus_11_starts_the_day_at_1100_utc),
		cmocka_unit_test(one_instant_is_two_dates_apart_across_the_date_line),
		cmocka_unit_test(paris_keeps_its_date_across_both_dst_changes),
		cmocka_unit_test(santiago_spring_change_at_local_midnight_starts_the_day_at_the_change),
		cmocka_unit_test(santiago_autumn_change_at_local_midnight_gives_the_old_day_another_hour),
		cmocka_unit_test(utc_zone_date_is_the_utc_calendar_date),
		cmocka_unit_test(zone_names_of_every_shape_tzdata_uses_are_accepted),
		cmocka_unit_test(unknown_zone_is_refused_not_read_as_utc),
		cmocka_unit_test(path_out_of_the_zoneinfo_tree_is_refused),
		cmocka_unit_test(absolute_path_is_refused),
		cmocka_unit_test(empty_and_null_zone_are_refused),
		cmocka_unit_test(files_under_zoneinfo_that_are_not_zones_are_refused),
		cmocka_unit_test(names_with_bytes_outside_the_zone_charset_are_refused),
		cmocka_unit_test(name_longer_than_the_time_zone_column_is_refused),
		cmocka_unit_test(local_year_beyond_9999_is_refused),
		cmocka_unit_test(answers_stay_right_when_more_zones_are_used_than_are_remembered),
		cmocka_unit_test(caller_tz_is_the_same_after_a_call_as_before),
		DB_TEST(demo_paris_has_its_seeded_business_date_and_paris_zone),
		DB_TEST(demo_paris_today_is_the_paris_date_mariadb_computes),
		DB_TEST(unknown_establishment_is_not_found),
		DB_TEST(stored_zone_glibc_would_read_as_utc_is_refused),
		DB_TEST(stored_far_east_zone_gives_the_next_day_at_the_same_instant),
		DB_TEST(unreachable_database_is_reported_as_unavailable),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
