/*
 * For unit tests that need the test database (scripts/test.sh exports the
 * test stack's PMS_DB_*): a connected handle, or a failed test when there
 * is no database.  Include after <cmocka.h>, "config.h" and "db.h".
 */
#ifndef TEST_DB_CONNECT_H
#define TEST_DB_CONNECT_H

#include <stdlib.h>

/* Loads cfg (it must outlive the handle) and connects; owned: db_free. */
static inline struct db *
test_db_connect(struct config *cfg)
{
	struct db *db;

	if (getenv("PMS_DB_SOCKET") == NULL && getenv("PMS_DB_NAME") == NULL)
		fail_msg("no PMS_DB_SOCKET / PMS_DB_NAME: run through make test");
	assert_int_equal(config_load(cfg), 0);
	assert_non_null(db = db_new(cfg));
	assert_int_equal(db_ensure(db), DB_OK);
	return db;
}

#endif
