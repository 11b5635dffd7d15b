/*
 * Unit tests of lib/inventory.c against the test database (scripts/test.sh
 * exports the test stack's pms.env; without it every test fails).  A
 * scratch establishment of its own (one unit type, ten units, business
 * date 2030-01-01) is made before each test and removed after, so the
 * demo data is never touched.  What they prove: rows are materialised
 * from the truth (active units, covering blocks) and only once; a take is
 * all-or-nothing over its window once the caller rolls back; the CHECK
 * refuses an oversell whoever writes; racing takes never oversell.
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
#include <unistd.h>

#include "config.h"
#include "datetime.h"
#include "db.h"
#include "db_connect.h"
#include "inventory.h"

#define EST "eeeeeeee-0000-4000-8000-0000000000e1"
#define TYPE "eeeeeeee-0000-4000-8000-0000000000e2"
#define NUNITS 10

static struct config cfg;
static int32_t day0;		/* 2030-01-01, the scratch business date */

static const char *const cleanup_sql[] = {
	"DELETE FROM inventory_nights WHERE establishment_id = '" EST "'",
	"DELETE FROM unit_blocks WHERE establishment_id = '" EST "'",
	"DELETE FROM units WHERE establishment_id = '" EST "'",
	"DELETE FROM unit_types WHERE establishment_id = '" EST "'",
	"DELETE FROM establishments WHERE id = '" EST "'",
};
static const char est_sql[] =
    "INSERT INTO establishments (id, name, time_zone, business_date) "
    "VALUES ('" EST "', 'inventory test', 'Europe/Paris', '2030-01-01')";
static const char type_sql[] =
    "INSERT INTO unit_types (id, establishment_id, code, name) "
    "VALUES ('" TYPE "', '" EST "', 'INV', 'inventory test')";
static const char unit_sql[] =
    "INSERT INTO units (id, establishment_id, unit_type_id, number, active) "
    "VALUES (?, '" EST "', '" TYPE "', ?, ?)";
static const char block_sql[] =
    "INSERT INTO unit_blocks (id, unit_id, establishment_id, kind, ooo_from, "
    "ooo_until) VALUES (?, ?, '" EST "', 'ooo', ?, ?)";
static const char night_sql[] =
    "SELECT total, blocked, committed FROM inventory_nights "
    "WHERE unit_type_id = '" TYPE "' AND night = ?";
static const char count_sql[] =
    "SELECT COUNT(*), DATE_FORMAT(MAX(e.inventory_through), '%Y-%m-%d') "
    "FROM inventory_nights n JOIN establishments e ON e.id = "
    "n.establishment_id WHERE n.establishment_id = '" EST "'";

static void
unit_id(int i, char out[37])
{
	snprintf(out, 37, "eeeeeeee-0000-4000-8000-0000000001%02d", i);
}

static int
setup(void **state)
{
	struct db *db = test_db_connect(&cfg);
	char id[37], number[8];
	size_t i;

	day0 = date_from_ymd(2030, 1, 1);
	for (i = 0; i < sizeof(cleanup_sql) / sizeof(cleanup_sql[0]); i++)
		assert_int_equal(db_exec(db, cleanup_sql[i], NULL, 0, NULL,
		    NULL), DB_OK);
	assert_int_equal(db_exec(db, est_sql, NULL, 0, NULL, NULL), DB_OK);
	assert_int_equal(db_exec(db, type_sql, NULL, 0, NULL, NULL), DB_OK);
	for (i = 0; i < NUNITS; i++) {
		unit_id((int)i, id);
		snprintf(number, sizeof(number), "9%02d", (int)i);
		/* unit 9 is inactive: not counted in total */
		assert_int_equal(db_exec(db, unit_sql, (struct db_param[]){
		    DB_STR(id), DB_STR(number), DB_I64(i == 9 ? 0 : 1) }, 3,
		    NULL, NULL), DB_OK);
	}
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

/* total, blocked, committed of night day0 + d. */
static void
night(struct db *db, int d, int *total, int *blocked, int *committed)
{
	char s[DATE_STR_LEN + 1];
	struct db_rows *rows = NULL;

	date_format(day0 + d, s);
	assert_int_equal(db_query(db, night_sql, (struct db_param[]){
	    DB_STR(s) }, 1, &rows), DB_OK);
	assert_int_equal(rows->nrows, 1);
	*total = atoi(db_cell(rows, 0, 0));
	*blocked = atoi(db_cell(rows, 0, 1));
	*committed = atoi(db_cell(rows, 0, 2));
	db_rows_free(rows);
}

static void
block(struct db *db, int unit, const char *ref, int from, int until)
{
	char id[37], f[DATE_STR_LEN + 1], u[DATE_STR_LEN + 1];

	unit_id(unit, id);
	date_format(day0 + from, f);
	date_format(day0 + until, u);
	assert_int_equal(db_exec(db, block_sql, (struct db_param[]){
	    DB_STR(ref), DB_STR(id), DB_STR(f), until < 0 ? DB_NULL : DB_STR(u) },
	    4, NULL, NULL), DB_OK);
}

struct materialize_args { int32_t through; };

static int
materialize_tx(struct db *db, void *arg)
{
	const struct materialize_args *a = arg;

	return inventory_materialize(db, EST, day0, a->through);
}

static void
materialise(struct db *db, int through)
{
	struct materialize_args a = { day0 + through };

	assert_int_equal(db_transaction(db, materialize_tx, &a), DB_OK);
}

static void
materialize_counts_active_units_and_covering_blocks(void **state)
{
	struct db *db = *state;
	struct db_rows *rows = NULL;
	int t, b, c;

	block(db, 0, "eeeeeeee-0000-4000-8000-0000000002b1", 2, 5);
	block(db, 1, "eeeeeeee-0000-4000-8000-0000000002b2", 10, -1);
	materialise(db, 29);
	assert_int_equal(db_query(db, count_sql, NULL, 0, &rows), DB_OK);
	assert_string_equal(db_cell(rows, 0, 0), "30");
	assert_string_equal(db_cell(rows, 0, 1), "2030-01-30");
	db_rows_free(rows);
	night(db, 0, &t, &b, &c);
	assert_int_equal(t, NUNITS - 1);	/* the inactive unit is not */
	assert_int_equal(b, 0);
	night(db, 2, &t, &b, &c);
	assert_int_equal(b, 1);
	night(db, 5, &t, &b, &c);		/* half-open: until is free */
	assert_int_equal(b, 0);
	night(db, 10, &t, &b, &c);		/* open-ended from 10 on */
	assert_int_equal(b, 1);
	night(db, 29, &t, &b, &c);
	assert_int_equal(b, 1);
	assert_int_equal(c, 0);
}

static int
take_tx(struct db *db, void *arg)
{
	int *window = arg;	/* from, until, qty, result */

	window[3] = inventory_take(db, TYPE, INVENTORY_COMMITTED,
	    day0 + window[0], day0 + window[1], window[2], NULL);
	/* As a write does: a refusal rolls the whole transaction back. */
	return window[3] == INVENTORY_OK ? DB_OK : 1;
}

static void
materialize_again_keeps_rows_and_adds_only_new_nights(void **state)
{
	struct db *db = *state;
	struct db_rows *rows = NULL;
	int w[4] = { 3, 4, 2, 0 }, t, b, c;

	materialise(db, 9);
	assert_int_equal(db_transaction(db, take_tx, w), DB_OK);
	materialise(db, 9);			/* no-op */
	materialise(db, 11);			/* two new nights */
	night(db, 3, &t, &b, &c);
	assert_int_equal(c, 2);			/* kept, not recomputed */
	assert_int_equal(db_query(db, count_sql, NULL, 0, &rows), DB_OK);
	assert_string_equal(db_cell(rows, 0, 0), "12");
	assert_string_equal(db_cell(rows, 0, 1), "2030-01-12");
	db_rows_free(rows);
}

static void
take_is_all_or_nothing_over_its_window(void **state)
{
	struct db *db = *state;
	int fill[4] = { 20, 21, NUNITS - 1, 0 };	/* night 20 full */
	int w[4] = { 18, 22, 1, 0 }, d, t, b, c;

	materialise(db, 29);
	assert_int_equal(db_transaction(db, take_tx, fill), DB_OK);
	assert_int_equal(db_transaction(db, take_tx, w), 1);
	assert_int_equal(w[3], INVENTORY_SATURATED);
	for (d = 18; d < 22; d++) {
		night(db, d, &t, &b, &c);
		assert_int_equal(c, d == 20 ? NUNITS - 1 : 0);
	}
	/* Beside the full night it fits. */
	w[0] = 21;
	w[1] = 25;
	assert_int_equal(db_transaction(db, take_tx, w), DB_OK);
	night(db, 21, &t, &b, &c);
	assert_int_equal(c, 1);
}

static void
take_past_the_materialised_nights_is_refused(void **state)
{
	struct db *db = *state;
	int w[4] = { 28, 32, 1, 0 }, t, b, c;

	materialise(db, 29);
	assert_int_equal(db_transaction(db, take_tx, w), 1);
	assert_int_equal(w[3], INVENTORY_NOT_MATERIALISED);
	night(db, 28, &t, &b, &c);
	assert_int_equal(c, 0);
}

static int
release_tx(struct db *db, void *arg)
{
	int *w = arg;

	return inventory_release(db, TYPE, INVENTORY_COMMITTED, day0 + w[0],
	    day0 + w[1], w[2], &w[3]);
}

static void
release_gives_back_and_never_below_zero(void **state)
{
	struct db *db = *state;
	int take[4] = { 0, 5, 3, 0 }, back[4] = { 0, 5, 2, 0 }, t, b, c;

	materialise(db, 29);
	assert_int_equal(db_transaction(db, take_tx, take), DB_OK);
	assert_int_equal(db_transaction(db, release_tx, back), DB_OK);
	assert_int_equal(back[3], 5);
	night(db, 4, &t, &b, &c);
	assert_int_equal(c, 1);
	/* Three back where one is left: the CHECK refuses, nothing changes. */
	back[2] = 3;
	assert_int_equal(db_transaction(db, release_tx, back),
	    DB_ERR_CONSTRAINT);
	night(db, 4, &t, &b, &c);
	assert_int_equal(c, 1);
}

static void
check_refuses_an_oversell_whoever_writes(void **state)
{
	struct db *db = *state;
	static const char oversell_sql[] =
	    "UPDATE inventory_nights SET committed = total + 1 "
	    "WHERE unit_type_id = '" TYPE "' AND night = '2030-01-02'";
	int t, b, c;

	materialise(db, 29);
	assert_int_equal(db_exec(db, oversell_sql, NULL, 0, NULL, NULL),
	    DB_ERR_CONSTRAINT);
	night(db, 1, &t, &b, &c);
	assert_int_equal(c, 0);
}

static void
racing_takes_never_oversell(void **state)
{
	struct db *db = *state;
	enum { RACERS = 16 };
	int go[2], res[2], i, won = 0, d, t, b, c;
	pid_t pid[RACERS];
	char r;

	materialise(db, 29);
	assert_int_equal(pipe(go), 0);
	assert_int_equal(pipe(res), 0);
	for (i = 0; i < RACERS; i++) {
		assert_true((pid[i] = fork()) >= 0);
		if (pid[i] == 0) {
			struct db *mine = db_new(&cfg);
			int w[4] = { 24, 28, 1, 0 };
			char x;

			close(go[1]);
			if (read(go[0], &x, 1) < 0)	/* EOF: the start */
				_exit(2);
			x = db_transaction(mine, take_tx, w) == DB_OK ? 'y' : 'n';
			if (write(res[1], &x, 1) != 1)
				_exit(2);
			db_free(mine);
			_exit(0);
		}
	}
	close(go[0]);
	close(go[1]);			/* everyone starts now */
	close(res[1]);
	while (read(res[0], &r, 1) == 1)
		won += r == 'y';
	close(res[0]);
	for (i = 0; i < RACERS; i++)
		assert_int_equal(waitpid(pid[i], NULL, 0), pid[i]);
	/* Nine active units: exactly nine racers got all four nights. */
	assert_int_equal(won, NUNITS - 1);
	for (d = 24; d < 28; d++) {
		night(db, d, &t, &b, &c);
		assert_int_equal(c, NUNITS - 1);
		assert_true(t - b - c >= 0);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(materialize_counts_active_units_and_covering_blocks, setup, teardown),
		cmocka_unit_test_setup_teardown(materialize_again_keeps_rows_and_adds_only_new_nights, setup, teardown),
		cmocka_unit_test_setup_teardown(take_is_all_or_nothing_over_its_window, setup, teardown),
		cmocka_unit_test_setup_teardown(take_past_the_materialised_nights_is_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(release_gives_back_and_never_below_zero, setup, teardown),
		cmocka_unit_test_setup_teardown(check_refuses_an_oversell_whoever_writes, setup, teardown),
		cmocka_unit_test_setup_teardown(racing_takes_never_oversell, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
