/*
 * Out-of-order / out-of-service blocks (seed units-out-of-service.fr.txt,
 * SPEC 2.3):
 *   POST   /v1/units/{unitId}/out-of-service            take the unit out
 *   DELETE /v1/units/{unitId}/out-of-service/{refId}    return to service
 * Both manager only.  A block takes one unit of the unit's type out of
 * inventory (lib/inventory.c) on every night of its half-open window from
 * the business date on, up to the horizon; an open-ended block also takes
 * every night the horizon reaches later (the night audit counts it).
 * Blocks of one unit are serialised on the unit's row (block_serial,
 * schema/011), so an overlap is always seen, on Galera too.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "auth.h"
#include "body.h"
#include "business_date.h"
#include "config.h"
#include "datetime.h"
#include "db.h"
#include "envelope.h"
#include "inventory.h"
#include "request.h"
#include "units.h"
#include "uuid.h"
#include "validate.h"
#include "write.h"

/* The body of POST. */
struct block_body {
	int kind;			/* index in "ooo oos" */
	int32_t from, until;		/* days; until valid when until_state SET */
	enum field_state from_state, until_state;
};

static const char block_kinds[] = "ooo oos";

static const struct field block_fields[] = {
	{ .name = "kind", .kind = FIELD_ENUM, .flags = F_REQUIRED,
	  .one_of = block_kinds, FIELD_AT(struct block_body, kind) },
	{ .name = "oooFrom", .kind = FIELD_DATE, .flags = F_REQUIRED,
	  FIELD_AT(struct block_body, from),
	  FIELD_STATE(struct block_body, from_state) },
	{ .name = "oooUntil", .kind = FIELD_DATE, .flags = F_NULLABLE,
	  FIELD_AT(struct block_body, until),
	  FIELD_STATE(struct block_body, until_state) },
	{ .name = NULL }
};

/* The unit a block is about, read before the body is judged. */
struct block_unit {
	char id[UUID_STR_LEN + 1];
	char establishment[UUID_STR_LEN + 1];
	char unit_type[UUID_STR_LEN + 1];
	int active;			/* an inactive unit is in no inventory */
	struct establishment_dates dates;
	int32_t horizon_end;		/* first night past the horizon */
};

/* One write (POST or DELETE): its input and what it answers. */
struct block_write {
	struct block_unit unit;
	struct block_body body;
	char ref[UUID_STR_LEN + 1];
	int64_t key_id;			/* who blocked (api_keys.id) */
	int nights;			/* blocked (POST) or released (DELETE) */
};

static const char unit_sql[] =
    "SELECT establishment_id, unit_type_id, active FROM units WHERE id = ?";
static const char unit_serialise_sql[] =
    "UPDATE units SET block_serial = block_serial + 1 WHERE id = ?";
/* Any block of the unit covering a night of [from, until or forever); a
   block returned before it began has an empty window and covers none. */
static const char overlap_sql[] =
    "SELECT id FROM unit_blocks WHERE unit_id = ? "
    "AND (ooo_until IS NULL OR ooo_until > ?) "
    "AND (? IS NULL OR ooo_from < ?) "
    "AND (ooo_until IS NULL OR ooo_until > ooo_from) LIMIT 1";
static const char block_insert_sql[] =
    "INSERT INTO unit_blocks (id, unit_id, establishment_id, kind, "
    "ooo_from, ooo_until, created_by_key) VALUES (?, ?, ?, ?, ?, ?, ?)";
static const char block_find_sql[] =
    "SELECT kind, DATE_FORMAT(ooo_from, '%Y-%m-%d'), "
    "DATE_FORMAT(ooo_until, '%Y-%m-%d') FROM unit_blocks "
    "WHERE id = ? AND unit_id = ? AND released_at IS NULL";
/* A returned block keeps its row, its window cut where it ended. */
static const char block_release_sql[] =
    "UPDATE unit_blocks SET released_at = UTC_TIMESTAMP(), ooo_until = ? "
    "WHERE id = ?";

/*
 * The unit of the path, its establishment's dates, and the key's right to
 * it; answers 400/404/403/503 itself and returns -1 then.
 */
static int
block_unit_load(struct request *rq, struct block_unit *u)
{
	struct validation v = { 0 };
	struct db_rows *rows = NULL;
	int rc;

	memset(u, 0, sizeof(*u));
	if (uuid_parse(request_path_param(rq, "unitId"), u->id) != 0) {
		validation_add(&v, "unitId", REASON_BAD_UUID);
		respond_validation(rq, &v);
		return -1;
	}
	if ((rc = db_query(rq->db, unit_sql, (struct db_param[]){
	    DB_STR(u->id) }, 1, &rows)) != DB_OK) {
		respond_db_failure(rq, rc);
		return -1;
	}
	if (rows->nrows == 0) {
		respond_error(rq, "UNIT_NOT_FOUND");
		rc = -1;
	} else if (!auth_scope_allows(rq, db_cell(rows, 0, 0))) {
		respond_error(rq, "OUT_OF_SCOPE");
		rc = -1;
	} else {
		snprintf(u->establishment, sizeof(u->establishment), "%s",
		    db_cell(rows, 0, 0));
		snprintf(u->unit_type, sizeof(u->unit_type), "%s",
		    db_cell(rows, 0, 1));
		u->active = strcmp(db_cell(rows, 0, 2), "1") == 0;
	}
	db_rows_free(rows);
	if (rc != 0)
		return -1;
	if ((rc = establishment_dates(rq->db, u->establishment,
	    &u->dates)) != 0) {
		respond_db_failure(rq, rc);
		return -1;
	}
	u->horizon_end = u->dates.business_date + rq->cfg->horizon_days;
	return 0;
}

/* SPEC 2.3: oooFrom >= today - 1 (time-zone grace); oooUntil > oooFrom. */
static void
block_rules(const void *dest, void *ctx, struct validation *v)
{
	const struct block_body *b = dest;
	const struct block_unit *u = ctx;

	if (b->from_state == FIELD_SET && b->from < u->dates.today - 1)
		validation_add(v, "oooFrom", REASON_IN_PAST);
	if (b->from_state == FIELD_SET && b->until_state == FIELD_SET &&
	    b->until <= b->from)
		validation_add(v, "oooUntil", REASON_BEFORE_START);
}

/* The inventory nights of a window: from the business date, within the
   horizon; [*from, *until) may be empty. */
static void
block_inventory_window(const struct block_unit *u, int32_t from,
    int32_t until, int open_ended, int32_t *wfrom, int32_t *wuntil)
{
	*wfrom = from > u->dates.business_date ? from : u->dates.business_date;
	*wuntil = open_ended || until > u->horizon_end ? u->horizon_end : until;
	if (*wuntil < *wfrom)
		*wuntil = *wfrom;
}

/*
 * Rows exist for every night up to wuntil, and a window reaching the
 * horizon cannot race the night audit: both write the establishment row
 * (inventory_materialize locks it, and is a no-op when nothing is
 * missing).  A window inside the materialised nights needs neither.
 */
static int
block_horizon(struct db *db, const struct block_unit *u, int32_t wuntil,
    int open_ended)
{
	if (!open_ended && wuntil < u->horizon_end)
		return inventory_ensure(db, u->establishment,
		    u->dates.business_date, u->horizon_end - 1, wuntil - 1);
	return inventory_materialize(db, u->establishment,
	    u->dates.business_date, u->horizon_end - 1);
}

static int
block_apply(struct db *db, void *arg, struct write_refusal *why)
{
	struct block_write *w = arg;
	const struct block_body *b = &w->body;
	int open_ended = b->until_state != FIELD_SET;
	char from_s[DATE_STR_LEN + 1], until_s[DATE_STR_LEN + 1];
	struct db_param until_p;
	struct db_rows *rows = NULL;
	int32_t wfrom, wuntil;
	int rc, overlap;

	w->nights = 0;
	date_format(b->from, from_s);
	if (!open_ended)
		date_format(b->until, until_s);
	until_p = open_ended ? DB_NULL : DB_STR(until_s);
	/* The unit's row first: a second block of it waits here. */
	if ((rc = db_exec(db, unit_serialise_sql, (struct db_param[]){
	    DB_STR(w->unit.id) }, 1, NULL, NULL)) != DB_OK)
		return rc;
	if ((rc = db_query(db, overlap_sql, (struct db_param[]){
	    DB_STR(w->unit.id), DB_STR(from_s), until_p, until_p }, 4,
	    &rows)) != DB_OK)
		return rc;
	overlap = rows->nrows > 0;
	db_rows_free(rows);
	if (overlap)
		return write_refuse(why, "UNIT_ALREADY_BLOCKED", NULL);
	block_inventory_window(&w->unit, b->from, b->until, open_ended,
	    &wfrom, &wuntil);
	if ((rc = block_horizon(db, &w->unit, wuntil, open_ended)) != DB_OK)
		return rc;
	if ((rc = db_exec(db, block_insert_sql, (struct db_param[]){
	    DB_STR(w->ref), DB_STR(w->unit.id), DB_STR(w->unit.establishment),
	    DB_STR(b->kind == 0 ? "ooo" : "oos"), DB_STR(from_s), until_p,
	    DB_I64(w->key_id) }, 7, NULL, NULL)) != DB_OK)
		return rc;
	rc = inventory_take(db, w->unit.unit_type, INVENTORY_BLOCKED, wfrom,
	    wuntil, 1, &w->nights);
	if (rc == INVENTORY_SATURATED)
		return write_refuse(why, "CAPACITY_SATURATED", NULL);
	return rc == INVENTORY_NOT_MATERIALISED ? DB_ERR_FAILED : rc;
}

/* 201 {"data":{"refId","unitId","nightsBlocked"}} (or nightsReleased). */
static int
block_answer(struct request *rq, int status, const struct block_write *w,
    const char *count_name)
{
	cJSON *data = cJSON_CreateObject();

	if (data == NULL)
		return respond_error(rq, "INTERNAL_ERROR");
	cJSON_AddStringToObject(data, "refId", w->ref);
	cJSON_AddStringToObject(data, "unitId", w->unit.id);
	cJSON_AddNumberToObject(data, count_name, w->nights);
	return respond_data(rq, status, data);
}

static int
block_created(struct request *rq, void *arg)
{
	return block_answer(rq, 201, arg, "nightsBlocked");
}

int
unit_block(struct request *rq)
{
	struct block_write w;
	struct body body = { 0 };
	int rc;

	memset(&w, 0, sizeof(w));
	if (block_unit_load(rq, &w.unit) != 0)
		return 0;	/* answered */
	if (body_decode(rq, block_fields, &w.body, block_rules, &w.unit,
	    &body) != 0)
		return 0;
	/* Not in inventory: nothing to take it out of (SPEC 2.2 counts
	   active units only). */
	if (!w.unit.active) {
		body_free(&body);
		return respond_error(rq, "UNIT_INACTIVE");
	}
	w.key_id = rq->who.key_id;
	if (uuid_generate(w.ref) != 0)
		rc = respond_error(rq, "INTERNAL_ERROR");
	else
		rc = write_run(rq, block_apply, block_created, &w);
	body_free(&body);
	return rc;
}

static int
unblock_apply(struct db *db, void *arg, struct write_refusal *why)
{
	struct block_write *w = arg;
	char cut_s[DATE_STR_LEN + 1];
	struct db_rows *rows = NULL;
	int32_t from, until = 0, wfrom, wuntil, cut;
	int open_ended, rc;

	w->nights = 0;
	if ((rc = db_exec(db, unit_serialise_sql, (struct db_param[]){
	    DB_STR(w->unit.id) }, 1, NULL, NULL)) != DB_OK)
		return rc;
	if ((rc = db_query(db, block_find_sql, (struct db_param[]){
	    DB_STR(w->ref), DB_STR(w->unit.id) }, 2, &rows)) != DB_OK)
		return rc;
	if (rows->nrows == 0) {
		db_rows_free(rows);
		return write_refuse(why, "UNIT_BLOCK_NOT_FOUND", NULL);
	}
	open_ended = db_cell(rows, 0, 2) == NULL;
	rc = date_parse(db_cell(rows, 0, 1), &from) != 0 || (!open_ended &&
	    date_parse(db_cell(rows, 0, 2), &until) != 0) ? DB_ERR_FAILED : 0;
	db_rows_free(rows);
	if (rc != 0)
		return rc;
	/* Nights from the business date on come back; earlier ones stay as
	   they were (the block did happen). */
	block_inventory_window(&w->unit, from, until, open_ended, &wfrom,
	    &wuntil);
	/* Open-ended: the rows through the horizon count it; serialise with
	   the night audit before giving them back. */
	if (open_ended && (rc = block_horizon(db, &w->unit, wuntil, 1)) != DB_OK)
		return rc;
	if ((rc = inventory_release(db, w->unit.unit_type, INVENTORY_BLOCKED,
	    wfrom, wuntil, 1, &w->nights)) != DB_OK)
		return rc;
	cut = w->unit.dates.business_date > from ? w->unit.dates.business_date :
	    from;
	if (!open_ended && until < cut)
		cut = until;
	date_format(cut, cut_s);
	return db_exec(db, block_release_sql, (struct db_param[]){
	    DB_STR(cut_s), DB_STR(w->ref) }, 2, NULL, NULL);
}

static int
block_released(struct request *rq, void *arg)
{
	return block_answer(rq, 200, arg, "nightsReleased");
}

int
unit_unblock(struct request *rq)
{
	struct block_write w;
	struct validation v = { 0 };

	memset(&w, 0, sizeof(w));
	if (block_unit_load(rq, &w.unit) != 0)
		return 0;	/* answered */
	if (uuid_parse(request_path_param(rq, "refId"), w.ref) != 0) {
		validation_add(&v, "refId", REASON_BAD_UUID);
		return respond_validation(rq, &v);
	}
	return write_run(rq, unblock_apply, block_released, &w);
}
