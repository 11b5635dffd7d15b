/*
 * inventory: the per-night inventory of SPEC 2.2 that units, allotments
 * and long-stay contracts change (docs/inventory.md).  One row per unit
 * type and night holds total, blocked and committed; a CHECK keeps
 * available = total - blocked - committed >= 0.  Every function here runs
 * inside the caller's transaction (write.h): a refused take leaves rows
 * changed by the statements before it, so the caller must roll back
 * (return WRITE_REFUSED) to keep a write all-or-nothing.
 * Days are days since 1970-01-01 (datetime.h); windows are half-open.
 */
#ifndef PMS_INVENTORY_H
#define PMS_INVENTORY_H

#include <stdint.h>

struct db;

enum inventory_counter {
	INVENTORY_BLOCKED,	/* out of order / out of service */
	INVENTORY_COMMITTED,	/* allotments, long-stay contracts */
};

enum inventory_status {
	INVENTORY_OK = 0,
	/* enum db_status uses -1 .. -5, business_date.h -32 .. -34. */
	INVENTORY_SATURATED = -48,	/* a night of the window had no room */
	INVENTORY_NOT_MATERIALISED = -49, /* a night of the window has no row */
};

/*
 * Makes sure rows exist for every unit type of the establishment from
 * `from` (its business date) to `through` (inclusive), each computed from
 * the truth (active units; blocks covering the night), and records
 * `through` as the establishment's inventory_through.  A no-op when it is
 * already there.  Takes the establishment row's write lock (see
 * inventory_lock_horizon).  0 or a DB status.
 */
int inventory_materialize(struct db *db, const char *establishment_id,
    int32_t from, int32_t through);

/*
 * Writes the establishment row (a lock every node sees, Galera included)
 * and returns its inventory_through (-1 when none yet): a write whose
 * window reaches the horizon calls it first, so the night audit's
 * extension cannot slip between its reading and its commit.
 */
int inventory_lock_horizon(struct db *db, const char *establishment_id,
    int32_t *through);

/* The establishment's inventory_through without locking it (-1: none):
   enough to know whether a window needs inventory_materialize. */
int inventory_horizon(struct db *db, const char *establishment_id,
    int32_t *through);

/*
 * Rows exist for every night up to `last` (inclusive) of the
 * establishment: a plain read of inventory_through when they do, else
 * inventory_materialize(db, est, business_date, horizon_last).  For a
 * window inside the horizon; a window that reaches the horizon (an
 * open-ended block) calls inventory_materialize itself, whose lock keeps
 * the night audit from extending the horizon meanwhile.  0 or a DB status.
 */
int inventory_ensure(struct db *db, const char *establishment_id,
    int32_t business_date, int32_t horizon_last, int32_t last);

/*
 * Takes qty of counter on every night of [from, until) of the unit type,
 * in one statement that updates exactly the rows it checks.  0 when every
 * night had room and was taken; INVENTORY_SATURATED when one had none;
 * INVENTORY_NOT_MATERIALISED when a night has no row; else a DB status.
 * *nights (may be NULL) receives the nights taken.
 */
int inventory_take(struct db *db, const char *unit_type_id,
    enum inventory_counter counter, int32_t from, int32_t until, int qty,
    int *nights);

/*
 * inventory_take of `committed` inside a write (write.h): a night without
 * room is refused as 409 CAPACITY_SATURATED (WRITE_REFUSED, why set); a
 * night without a row is a bug (the caller made the rows ready first):
 * DB_ERR_FAILED.  Else 0 or a DB status.
 */
struct write_refusal;
int inventory_commit(struct db *db, const char *unit_type_id, int32_t from,
    int32_t until, int qty, struct write_refusal *why);
/* Gives back qty of counter on the nights of [from, until) that have a
   row.  *nights (may be NULL) receives how many. */
int inventory_release(struct db *db, const char *unit_type_id,
    enum inventory_counter counter, int32_t from, int32_t until, int qty,
    int *nights);

/*
 * A unit of the type was added or activated (delta +1) or deactivated
 * (-1): total moves by delta on every materialised night from `from` (the
 * business date) on, in one statement, so the caller's transaction holds
 * it all or nothing.  A night left with available < 0 makes the CHECK
 * refuse the statement: INVENTORY_SATURATED, and *full_night (may be
 * NULL; -1 otherwise) receives the first such night.  Else 0 or a DB
 * status.  The caller writes the establishment row first
 * (inventory_lock_horizon), so a horizon extension cannot miss the change.
 */
int inventory_units_changed(struct db *db, const char *unit_type_id,
    int32_t from, int delta, int32_t *full_night);

/*
 * The rows of a unit type created in the caller's transaction, for the
 * nights [from, through] of its establishment's horizon: no unit, block
 * or commitment can name the type yet, so every count is 0.  Nights that
 * have a row keep it.  0 or a DB status.
 */
int inventory_type_added(struct db *db, const char *unit_type_id,
    int32_t from, int32_t through);

#endif
