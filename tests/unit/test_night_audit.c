/*
 * Tests of the night audit and of the inventory upkeep of the admin tool
 * (scripts/pms-admin/night_audit.c, units.c), through the real binary:
 * $PMS_ADMIN, run against the test database (scripts/test.sh exports it
 * and the test stack's pms.env; without them every test fails), with
 * PMS_HORIZON_DAYS=30.  Two scratch establishments of their own (business
 * date 2030-01-01; the first with one unit type of ten units, one of them
 * inactive; the second with one type of three) are made before each test
 * and removed after, so the demo data is never touched.  What they prove:
 * the business date moves by one, or to --to, never backwards; two audits
 * at once move it once; a run again after a crash halfway converges; the
 * horizon follows the date and an open-ended block takes the new night;
 * adding, activating and deactivating units keeps `total` true from the
 * business date on, and a deactivation that would oversell is refused.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "datetime.h"
#include "db.h"
#include "db_connect.h"
#include "inventory.h"

#define ID(n)	"9a000000-0000-4000-8000-" n
#define EST	ID("000000000001")
#define EST2	ID("000000000002")
#define TYPE	ID("000000000011")
#define TYPE2	ID("000000000012")
#define TYPE_NEW ID("000000000013")
#define TYPE_NEW2 ID("000000000014")
#define UNIT(nn) ID("0000000001" nn)	/* EST's units 00..09 (09 inactive) */
#define HORIZON	30

static struct config cfg;
static int32_t day0;		/* 2030-01-01, the scratch business date */

static const char *const cleanup_sql[] = {
	"DELETE FROM inventory_nights WHERE establishment_id IN "
	"('" EST "', '" EST2 "')",
	"DELETE FROM unit_blocks WHERE establishment_id IN ('" EST "', '" EST2 "')",
	"DELETE FROM units WHERE establishment_id IN ('" EST "', '" EST2 "')",
	"DELETE FROM unit_types WHERE establishment_id IN ('" EST "', '" EST2 "')",
	"DELETE FROM establishments WHERE id IN ('" EST "', '" EST2 "')",
};
static const char est_sql[] =
    "INSERT INTO establishments (id, name, time_zone, business_date) "
    "VALUES (?, 'night audit test', 'Europe/Paris', '2030-01-01')";
static const char type_sql[] =
    "INSERT INTO unit_types (id, establishment_id, code, name) "
    "VALUES (?, ?, 'NA', 'night audit test')";
static const char unit_sql[] =
    "INSERT INTO units (id, establishment_id, unit_type_id, number, active) "
    "VALUES (?, ?, ?, ?, ?)";
static const char block_sql[] =
    "INSERT INTO unit_blocks (id, unit_id, establishment_id, kind, ooo_from, "
    "ooo_until) VALUES (?, ?, '" EST "', 'ooo', ?, ?)";
static const char dates_sql[] =
    "SELECT DATE_FORMAT(business_date, '%Y-%m-%d'), "
    "DATE_FORMAT(inventory_through, '%Y-%m-%d') FROM establishments "
    "WHERE id = ?";
static const char night_sql[] =
    "SELECT total, blocked, committed FROM inventory_nights "
    "WHERE unit_type_id = ? AND night = ?";
static const char rows_sql[] =
    "SELECT COUNT(*), DATE_FORMAT(MIN(night), '%Y-%m-%d'), "
    "DATE_FORMAT(MAX(night), '%Y-%m-%d'), MIN(total), MAX(total) "
    "FROM inventory_nights WHERE unit_type_id = ? AND night >= ?";
static const char active_sql[] =
    "SELECT active FROM units WHERE id = ?";
static const char lock_sql[] =
    "UPDATE establishments SET inventory_version = inventory_version + 1 "
    "WHERE id = '" EST "'";
static const char waiting_sql[] =
    "SELECT COUNT(*) FROM information_schema.PROCESSLIST "
    "WHERE INFO LIKE 'UPDATE establishments SET business_date%'";

static void
exec_ok(struct db *db, const char *sql, const struct db_param *p, int n)
{
	assert_int_equal(db_exec(db, sql, p, n, NULL, NULL), DB_OK);
}

static void
add_units(struct db *db, const char *est, const char *type, int first,
    int count, int inactive)
{
	char id[48], number[16];
	int i;

	for (i = first; i < first + count; i++) {
		snprintf(id, sizeof(id), ID("0000000001%02d"), i % 100);
		snprintf(number, sizeof(number), "N%02d", i % 100);
		exec_ok(db, unit_sql, (struct db_param[]){ DB_STR(id),
		    DB_STR(est), DB_STR(type), DB_STR(number),
		    DB_I64(i == inactive ? 0 : 1) }, 5);
	}
}

static int
setup(void **state)
{
	struct db *db = test_db_connect(&cfg);
	size_t i;

	day0 = date_from_ymd(2030, 1, 1);
	for (i = 0; i < sizeof(cleanup_sql) / sizeof(cleanup_sql[0]); i++)
		exec_ok(db, cleanup_sql[i], NULL, 0);
	exec_ok(db, est_sql, (struct db_param[]){ DB_STR(EST) }, 1);
	exec_ok(db, est_sql, (struct db_param[]){ DB_STR(EST2) }, 1);
	exec_ok(db, type_sql, (struct db_param[]){ DB_STR(TYPE), DB_STR(EST) },
	    2);
	exec_ok(db, type_sql, (struct db_param[]){ DB_STR(TYPE2),
	    DB_STR(EST2) }, 2);
	add_units(db, EST, TYPE, 0, 10, 9);	/* nine active */
	add_units(db, EST2, TYPE2, 50, 3, -1);	/* three active */
	*state = db;
	return 0;
}

static int
teardown(void **state)
{
	struct db *db = *state;
	size_t i;

	for (i = 0; i < sizeof(cleanup_sql) / sizeof(cleanup_sql[0]); i++)
		(void)db_exec(db, cleanup_sql[i], NULL, 0, NULL, NULL);
	db_free(db);
	return 0;
}

/* One run of the tool: its output, its exit status. */
struct run {
	pid_t pid;
	int out, err;
	char stdout_text[2048], stderr_text[2048];
	int status;
};

/* Starts $PMS_ADMIN with the NULL-ended words after r. */
static void
admin_start(struct run *r, ...)
{
	const char *admin = getenv("PMS_ADMIN");
	char *argv[16];
	int o[2], e[2], argc = 0;
	va_list ap;

	if (admin == NULL)
		fail_msg("no PMS_ADMIN: run through make test");
	argv[argc++] = (char *)admin;
	va_start(ap, r);
	while (argc < 15 && (argv[argc] = va_arg(ap, char *)) != NULL)
		argc++;
	va_end(ap);
	argv[argc] = NULL;
	assert_int_equal(pipe(o), 0);
	assert_int_equal(pipe(e), 0);
	assert_true((r->pid = fork()) >= 0);
	if (r->pid == 0) {
		if (dup2(o[1], STDOUT_FILENO) < 0 ||
		    dup2(e[1], STDERR_FILENO) < 0)
			_exit(126);
		close(o[0]);
		close(o[1]);
		close(e[0]);
		close(e[1]);
		execv(admin, argv);
		_exit(127);
	}
	close(o[1]);
	close(e[1]);
	r->out = o[0];
	r->err = e[0];
}

static void
read_all(int fd, char *buf, size_t len)
{
	size_t n = 0;
	ssize_t got;

	while (n + 1 < len && (got = read(fd, buf + n, len - 1 - n)) > 0)
		n += (size_t)got;
	buf[n] = '\0';
	close(fd);
}

/* Waits for the run; its exit status (-1 when it did not exit). */
static int
admin_finish(struct run *r)
{
	int st;

	/* A few lines each: neither pipe can fill while the other is read. */
	read_all(r->out, r->stdout_text, sizeof(r->stdout_text));
	read_all(r->err, r->stderr_text, sizeof(r->stderr_text));
	assert_int_equal(waitpid(r->pid, &st, 0), r->pid);
	r->status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
	if (r->stderr_text[0] != '\0')
		print_message("pms-admin said: %s", r->stderr_text);
	return r->status;
}

#define admin_run(r, ...) \
	(admin_start((r), __VA_ARGS__, (char *)NULL), admin_finish(r))

/* The business date and inventory_through of est ("-" for none). */
static void
dates(struct db *db, const char *est, char date[11], char through[11])
{
	struct db_rows *rows = NULL;

	assert_int_equal(db_query(db, dates_sql, (struct db_param[]){
	    DB_STR(est) }, 1, &rows), DB_OK);
	assert_int_equal(rows->nrows, 1);
	snprintf(date, 11, "%s", db_cell(rows, 0, 0));
	snprintf(through, 11, "%s", db_cell(rows, 0, 1) != NULL ?
	    db_cell(rows, 0, 1) : "-");
	db_rows_free(rows);
}

static void
assert_dates(struct db *db, const char *est, const char *date,
    const char *through)
{
	char d[11], t[11];

	dates(db, est, d, t);
	assert_string_equal(d, date);
	assert_string_equal(t, through);
}

/* total, blocked, committed of the type's night day0 + d. */
static void
night(struct db *db, const char *type, int d, int *total, int *blocked,
    int *committed)
{
	char s[DATE_STR_LEN + 1];
	struct db_rows *rows = NULL;

	date_format(day0 + d, s);
	assert_int_equal(db_query(db, night_sql, (struct db_param[]){
	    DB_STR(type), DB_STR(s) }, 2, &rows), DB_OK);
	assert_int_equal(rows->nrows, 1);
	*total = atoi(db_cell(rows, 0, 0));
	*blocked = atoi(db_cell(rows, 0, 1));
	*committed = atoi(db_cell(rows, 0, 2));
	db_rows_free(rows);
}

/* The type's rows from day0 + d on: how many, first, last, and every
   total equal to total (-1: no row to check). */
static void
assert_rows(struct db *db, const char *type, int d, int count,
    const char *first, const char *last, int total)
{
	char s[DATE_STR_LEN + 1], n[12];
	struct db_rows *rows = NULL;

	date_format(day0 + d, s);
	snprintf(n, sizeof(n), "%d", count);
	assert_int_equal(db_query(db, rows_sql, (struct db_param[]){
	    DB_STR(type), DB_STR(s) }, 2, &rows), DB_OK);
	assert_string_equal(db_cell(rows, 0, 0), n);
	if (count > 0) {
		assert_string_equal(db_cell(rows, 0, 1), first);
		assert_string_equal(db_cell(rows, 0, 2), last);
		assert_int_equal(atoi(db_cell(rows, 0, 3)), total);
		assert_int_equal(atoi(db_cell(rows, 0, 4)), total);
	}
	db_rows_free(rows);
}

static int
unit_active(struct db *db, const char *unit)
{
	struct db_rows *rows = NULL;
	int active;

	assert_int_equal(db_query(db, active_sql, (struct db_param[]){
	    DB_STR(unit) }, 1, &rows), DB_OK);
	active = atoi(db_cell(rows, 0, 0));
	db_rows_free(rows);
	return active;
}

struct materialize_args {
	const char *est;
	int32_t through;
};

static int
materialize_tx(struct db *db, void *arg)
{
	const struct materialize_args *a = arg;

	return inventory_materialize(db, a->est, day0, a->through);
}

/* The horizon as a write before any audit would leave it. */
static void
materialise(struct db *db, const char *est, int through)
{
	struct materialize_args a = { est, day0 + through };

	assert_int_equal(db_transaction(db, materialize_tx, &a), DB_OK);
}

static void
block(struct db *db, const char *unit, const char *ref, int from, int until)
{
	char f[DATE_STR_LEN + 1], u[DATE_STR_LEN + 1];

	date_format(day0 + from, f);
	date_format(day0 + until, u);
	exec_ok(db, block_sql, (struct db_param[]){ DB_STR(ref), DB_STR(unit),
	    DB_STR(f), until < 0 ? DB_NULL : DB_STR(u) }, 4);
}

static void
night_audit_moves_the_business_date_by_one_day(void **state)
{
	struct db *db = *state;
	struct run r;

	assert_int_equal(admin_run(&r, "night-audit", "--establishment", EST),
	    0);
	assert_string_equal(r.stdout_text, "establishment=" EST
	    " business-date=2030-01-02 nights-added=30 status=advanced cutoffs=0 contracts=0\n");
	assert_dates(db, EST, "2030-01-02", "2030-01-31");
	assert_rows(db, TYPE, 0, HORIZON, "2030-01-02", "2030-01-31", 9);
	/* The next night: one more day, one more night. */
	assert_int_equal(admin_run(&r, "night-audit", "--establishment", EST),
	    0);
	assert_string_equal(r.stdout_text, "establishment=" EST
	    " business-date=2030-01-03 nights-added=1 status=advanced cutoffs=0 contracts=0\n");
	assert_dates(db, EST, "2030-01-03", "2030-02-01");
	/* The other establishment was not named: untouched. */
	assert_dates(db, EST2, "2030-01-01", "-");
}

static void
night_audit_to_a_date_moves_it_there_and_again_changes_nothing(void **state)
{
	struct db *db = *state;
	struct run r;

	assert_int_equal(admin_run(&r, "night-audit", "--establishment", EST,
	    "--to", "2030-01-05"), 0);
	assert_string_equal(r.stdout_text, "establishment=" EST
	    " business-date=2030-01-05 nights-added=30 status=advanced cutoffs=0 contracts=0\n");
	assert_dates(db, EST, "2030-01-05", "2030-02-03");
	assert_int_equal(admin_run(&r, "night-audit", "--establishment", EST,
	    "--to", "2030-01-05"), 0);
	assert_string_equal(r.stdout_text, "establishment=" EST
	    " business-date=2030-01-05 nights-added=0 status=already cutoffs=0 contracts=0\n");
	assert_dates(db, EST, "2030-01-05", "2030-02-03");
	assert_rows(db, TYPE, 0, HORIZON, "2030-01-05", "2030-02-03", 9);
}

static void
night_audit_backwards_is_refused(void **state)
{
	struct db *db = *state;
	struct run r;

	assert_int_equal(admin_run(&r, "night-audit", "--establishment", EST,
	    "--to", "2029-12-31"), 1);
	assert_string_equal(r.stdout_text, "");
	assert_non_null(strstr(r.stderr_text, "backwards"));
	assert_dates(db, EST, "2030-01-01", "-");
	assert_rows(db, TYPE, -1, 0, NULL, NULL, 0);
}

static void
night_audit_refuses_a_bad_date_and_an_unknown_establishment(void **state)
{
	struct db *db = *state;
	struct run r;

	/* Usage: nothing sent to the database. */
	assert_int_equal(admin_run(&r, "night-audit", "--establishment", EST,
	    "--to", "2030-02-30"), 2);
	assert_non_null(strstr(r.stderr_text, "--to '2030-02-30'"));
	assert_int_equal(admin_run(&r, "night-audit", "--establishment",
	    "not-a-uuid"), 2);
	/* An unknown one fails; the known one beside it is still audited. */
	assert_int_equal(admin_run(&r, "night-audit", "--establishment",
	    ID("00000000dead"), "--establishment", EST), 1);
	assert_non_null(strstr(r.stderr_text, "not found"));
	assert_string_equal(r.stdout_text, "establishment=" EST
	    " business-date=2030-01-02 nights-added=30 status=advanced cutoffs=0 contracts=0\n");
	assert_dates(db, EST, "2030-01-02", "2030-01-31");
}

struct race {
	struct run runs[2];
	int waiting;		/* out: how many were seen blocked */
};

/*
 * Holds the establishment row (a write, as any writer of it) while both
 * audits start: each reads the date, then waits on the row to move it.
 * Released by this commit, they move it one after the other.
 */
static int
race_tx(struct db *db, void *arg)
{
	struct race *race = arg;
	struct timespec pause = { 0, 20 * 1000000L };
	struct db *watch = db_new(&cfg);
	struct db_rows *rows = NULL;
	int i, rc;

	race->waiting = 0;
	if ((rc = db_exec(db, lock_sql, NULL, 0, NULL, NULL)) != DB_OK ||
	    watch == NULL)
		goto done;
	for (i = 0; i < 2; i++)
		admin_start(&race->runs[i], "night-audit", "--establishment",
		    EST, (char *)NULL);
	for (i = 0; i < 1500 && race->waiting < 2; i++) {
		nanosleep(&pause, NULL);
		if (db_query(watch, waiting_sql, NULL, 0, &rows) == DB_OK)
			race->waiting = atoi(db_cell(rows, 0, 0));
		db_rows_free(rows);
		rows = NULL;
	}
done:
	db_free(watch);
	return rc;
}

static void
two_audits_at_once_move_the_date_once(void **state)
{
	struct db *db = *state;
	struct race race;
	const char *a, *b;

	memset(&race, 0, sizeof(race));
	assert_int_equal(db_transaction(db, race_tx, &race), DB_OK);
	assert_int_equal(admin_finish(&race.runs[0]), 0);
	assert_int_equal(admin_finish(&race.runs[1]), 0);
	assert_int_equal(race.waiting, 2);
	a = race.runs[0].stdout_text;
	b = race.runs[1].stdout_text;
	if (strstr(a, "status=advanced") == NULL) {
		a = race.runs[1].stdout_text;
		b = race.runs[0].stdout_text;
	}
	assert_string_equal(a, "establishment=" EST
	    " business-date=2030-01-02 nights-added=30 status=advanced cutoffs=0 contracts=0\n");
	assert_string_equal(b, "establishment=" EST
	    " business-date=2030-01-02 nights-added=0"
	    " status=moved-by-another-run cutoffs=0 contracts=0\n");
	assert_dates(db, EST, "2030-01-02", "2030-01-31");
	assert_rows(db, TYPE, 0, HORIZON, "2030-01-02", "2030-01-31", 9);
}

/*
 * A run over both establishments that died after the first one's
 * transaction: the first is at the new date, the second still at the old
 * one with only part of its horizon.  The same run again finishes the
 * second, leaves the first alone, and a third run changes nothing.
 */
static void
crash_halfway_then_the_same_run_converges(void **state)
{
	struct db *db = *state;
	struct run r;
	int i;

	assert_int_equal(admin_run(&r, "night-audit", "--establishment", EST,
	    "--to", "2030-01-02"), 0);
	materialise(db, EST2, 10);
	assert_dates(db, EST2, "2030-01-01", "2030-01-11");
	assert_int_equal(admin_run(&r, "night-audit", "--to", "2030-01-02",
	    "--establishment", EST, "--establishment", EST2), 0);
	assert_string_equal(r.stdout_text,
	    "establishment=" EST " business-date=2030-01-02 nights-added=0"
	    " status=already cutoffs=0 contracts=0\n"
	    "establishment=" EST2 " business-date=2030-01-02 nights-added=20"
	    " status=advanced cutoffs=0 contracts=0\n");
	for (i = 0; i < 2; i++) {
		assert_dates(db, EST, "2030-01-02", "2030-01-31");
		assert_dates(db, EST2, "2030-01-02", "2030-01-31");
		assert_rows(db, TYPE, 1, HORIZON, "2030-01-02", "2030-01-31", 9);
		assert_rows(db, TYPE2, 1, HORIZON, "2030-01-02", "2030-01-31",
		    3);
		if (i == 0) {
			assert_int_equal(admin_run(&r, "night-audit", "--to",
			    "2030-01-02", "--establishment", EST,
			    "--establishment", EST2), 0);
			assert_non_null(strstr(r.stdout_text, EST2
			    " business-date=2030-01-02 nights-added=0"
			    " status=already cutoffs=0 contracts=0\n"));
		}
	}
}

static void
the_horizon_moves_and_an_open_ended_block_takes_the_new_night(void **state)
{
	struct db *db = *state;
	struct run r;
	int t, b, c;

	block(db, UNIT("00"), ID("000000000301"), 5, -1);	/* open-ended */
	block(db, UNIT("01"), ID("000000000302"), 2, 4);
	materialise(db, EST, HORIZON - 1);
	assert_dates(db, EST, "2030-01-01", "2030-01-30");
	assert_int_equal(admin_run(&r, "night-audit", "--establishment", EST),
	    0);
	assert_string_equal(r.stdout_text, "establishment=" EST
	    " business-date=2030-01-02 nights-added=1 status=advanced cutoffs=0 contracts=0\n");
	assert_dates(db, EST, "2030-01-02", "2030-01-31");
	night(db, TYPE, HORIZON, &t, &b, &c);		/* the new night */
	assert_int_equal(t, 9);
	assert_int_equal(b, 1);
	assert_int_equal(c, 0);
}

static void
adding_a_unit_raises_total_from_the_business_date_on(void **state)
{
	struct db *db = *state;
	struct run r;
	int t, b, c;

	materialise(db, EST, HORIZON - 1);
	assert_int_equal(admin_run(&r, "night-audit", "--establishment", EST),
	    0);
	assert_int_equal(admin_run(&r, "unit", "add", "--establishment", EST,
	    "--unit-type", TYPE, "--number", "N10", "--id", UNIT("10")), 0);
	assert_rows(db, TYPE, 1, HORIZON, "2030-01-02", "2030-01-31", 10);
	night(db, TYPE, 0, &t, &b, &c);		/* history stays */
	assert_int_equal(t, 9);
	/* An inactive one is not sellable: nothing moves. */
	assert_int_equal(admin_run(&r, "unit", "add", "--establishment", EST,
	    "--unit-type", TYPE, "--number", "N11", "--inactive"), 0);
	assert_rows(db, TYPE, 1, HORIZON, "2030-01-02", "2030-01-31", 10);
}

static void
adding_a_unit_type_materialises_its_nights_to_the_horizon(void **state)
{
	struct db *db = *state;
	struct run r;

	assert_int_equal(admin_run(&r, "night-audit", "--establishment", EST),
	    0);
	assert_int_equal(admin_run(&r, "unit-type", "add", "--establishment",
	    EST, "--code", "NEW", "--name", "new type", "--id", TYPE_NEW), 0);
	assert_rows(db, TYPE_NEW, 0, HORIZON, "2030-01-02", "2030-01-31", 0);
	assert_int_equal(admin_run(&r, "unit", "add", "--establishment", EST,
	    "--unit-type", TYPE_NEW, "--number", "X1"), 0);
	assert_rows(db, TYPE_NEW, 0, HORIZON, "2030-01-02", "2030-01-31", 1);
	/* No horizon yet: no rows; the first write makes them. */
	assert_int_equal(admin_run(&r, "unit-type", "add", "--establishment",
	    EST2, "--code", "NEW2", "--name", "new type 2", "--id", TYPE_NEW2),
	    0);
	assert_rows(db, TYPE_NEW2, -1, 0, NULL, NULL, 0);
	assert_dates(db, EST2, "2030-01-01", "-");
}

static void
deactivating_lowers_total_and_activating_raises_it(void **state)
{
	struct db *db = *state;
	struct run r;

	assert_int_equal(admin_run(&r, "night-audit", "--establishment", EST),
	    0);
	assert_int_equal(admin_run(&r, "unit", "deactivate", "--id",
	    UNIT("03")), 0);
	assert_string_equal(r.stdout_text, "id=" UNIT("03")
	    " active=0 status=deactivated\n");
	assert_rows(db, TYPE, 1, HORIZON, "2030-01-02", "2030-01-31", 8);
	assert_int_equal(admin_run(&r, "unit", "deactivate", "--id",
	    UNIT("03")), 0);
	assert_string_equal(r.stdout_text, "id=" UNIT("03")
	    " active=0 status=already-inactive\n");
	assert_rows(db, TYPE, 1, HORIZON, "2030-01-02", "2030-01-31", 8);
	assert_int_equal(admin_run(&r, "unit", "activate", "--id", UNIT("03")),
	    0);
	assert_int_equal(admin_run(&r, "unit", "activate", "--id", UNIT("09")),
	    0);
	assert_string_equal(r.stdout_text, "id=" UNIT("09")
	    " active=1 status=activated\n");
	assert_rows(db, TYPE, 1, HORIZON, "2030-01-02", "2030-01-31", 10);
	assert_int_equal(admin_run(&r, "unit", "activate", "--id",
	    ID("00000000dead")), 1);
	assert_non_null(strstr(r.stderr_text, "not found"));
}

static int
fill_night_tx(struct db *db, void *arg)
{
	(void)arg;
	/* Every active unit of night day0 + 7 committed. */
	return inventory_take(db, TYPE, INVENTORY_COMMITTED, day0 + 7,
	    day0 + 8, 9, NULL);
}

static void
a_deactivation_that_would_go_below_zero_is_refused(void **state)
{
	struct db *db = *state;
	struct run r;
	int t, b, c;

	assert_int_equal(admin_run(&r, "night-audit", "--establishment", EST),
	    0);
	assert_int_equal(db_transaction(db, fill_night_tx, NULL), DB_OK);
	assert_int_equal(admin_run(&r, "unit", "deactivate", "--id",
	    UNIT("03")), 1);
	assert_string_equal(r.stdout_text, "");
	assert_non_null(strstr(r.stderr_text, "cannot be deactivated: on "
	    "2030-01-08"));
	assert_int_equal(unit_active(db, UNIT("03")), 1);
	assert_rows(db, TYPE, 1, HORIZON, "2030-01-02", "2030-01-31", 9);
	night(db, TYPE, 7, &t, &b, &c);
	assert_int_equal(c, 9);
}

static void
deactivating_a_unit_blocked_from_the_business_date_on_is_refused(
    void **state)
{
	struct db *db = *state;
	struct run r;

	block(db, UNIT("02"), ID("000000000303"), 3, 6);
	block(db, UNIT("04"), ID("000000000304"), -5, 0);	/* over */
	assert_int_equal(admin_run(&r, "night-audit", "--establishment", EST),
	    0);
	assert_int_equal(admin_run(&r, "unit", "deactivate", "--id",
	    UNIT("02")), 1);
	assert_non_null(strstr(r.stderr_text, "out of order from 2030-01-04"));
	assert_int_equal(unit_active(db, UNIT("02")), 1);
	assert_int_equal(admin_run(&r, "unit", "deactivate", "--id",
	    UNIT("04")), 0);
	assert_rows(db, TYPE, 1, HORIZON, "2030-01-02", "2030-01-31", 8);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(night_audit_moves_the_business_date_by_one_day, setup, teardown),
		cmocka_unit_test_setup_teardown(night_audit_to_a_date_moves_it_there_and_again_changes_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(night_audit_backwards_is_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(night_audit_refuses_a_bad_date_and_an_unknown_establishment, setup, teardown),
		cmocka_unit_test_setup_teardown(two_audits_at_once_move_the_date_once, setup, teardown),
		cmocka_unit_test_setup_teardown(crash_halfway_then_the_same_run_converges, setup, teardown),
		cmocka_unit_test_setup_teardown(the_horizon_moves_and_an_open_ended_block_takes_the_new_night, setup, teardown),
		cmocka_unit_test_setup_teardown(adding_a_unit_raises_total_from_the_business_date_on, setup, teardown),
		cmocka_unit_test_setup_teardown(adding_a_unit_type_materialises_its_nights_to_the_horizon, setup, teardown),
		cmocka_unit_test_setup_teardown(deactivating_lowers_total_and_activating_raises_it, setup, teardown),
		cmocka_unit_test_setup_teardown(a_deactivation_that_would_go_below_zero_is_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(deactivating_a_unit_blocked_from_the_business_date_on_is_refused, setup, teardown),
	};

	/* The horizon of every run of the tool, and of this process. */
	setenv("PMS_HORIZON_DAYS", "30", 1);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
