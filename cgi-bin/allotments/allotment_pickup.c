/*
 * POST /v1/allotments/{id}/reservations: a pickup (sub-reservation) of
 * `quantity` rooms of one allocated unit type for the nights
 * [checkInDate, checkOutDate) (seed allotment-reservations.fr.txt, SPEC
 * 2.4, docs/allotments.md).  The pickup moves nothing in general
 * inventory: a definite allotment committed its allocation when it was
 * made.  It takes from the allotment's own per-night rows, in one
 * statement that checks and writes the same rows
 * (`is_open AND allocated - picked >= q`), so two pickups of a night, on
 * one node or on two Galera nodes, can never take more than the
 * allocation, and a pickup racing the cutoff (which closes the rows) is
 * counted by it or refused after it.
 *
 * The hot path (an allotment this worker has served before) reads
 * nothing before its write: the body is judged against the allotment's
 * kept facts (allotment_facts.h), and what can change is judged by the
 * write's own statements -- the reservation row's constraints (schema/013)
 * accept it only if the guest profile is the establishment's and the
 * business date, read by the insert itself (fresh, and stored as
 * businessDateAtCreation), is neither past the check-in nor at the cutoff
 * date; and the nights are taken only while open.
 * Otherwise (first pickup here, or the body breaks a rule) one query
 * reads the allotment, its business date and the body's references, so
 * a 400 lists every bad field, and the facts are kept for next time.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "allotment_facts.h"
#include "allotments.h"
#include "allotment_write.h"
#include "auth.h"
#include "body.h"
#include "config.h"
#include "datetime.h"
#include "db.h"
#include "envelope.h"
#include "request.h"
#include "uuid.h"
#include "validate.h"
#include "write.h"

#define PICKUP_MAX_QUANTITY 100000
#define PICKUP_TEXT_MAX 200

struct pickup_body {
	int32_t check_in, check_out;
	enum field_state check_in_state, check_out_state;
	char unit_type[UUID_STR_LEN + 1];
	enum field_state unit_type_state;
	int64_t quantity;		/* 1 unless sent */
	char rate_plan[UUID_STR_LEN + 1];
	enum field_state rate_plan_state;
	char guest[UUID_STR_LEN + 1];
	enum field_state guest_state;
	const char *channel_type, *segment;	/* borrowed from the body */
	const char *booker_name, *booker_email;
	char booker_person[UUID_STR_LEN + 1];
	enum field_state booker_person_state;
};

static const struct field pickup_fields[] = {
	{ .name = "checkInDate", .kind = FIELD_DATE, .flags = F_REQUIRED,
	  FIELD_AT(struct pickup_body, check_in),
	  FIELD_STATE(struct pickup_body, check_in_state) },
	{ .name = "checkOutDate", .kind = FIELD_DATE, .flags = F_REQUIRED,
	  FIELD_AT(struct pickup_body, check_out),
	  FIELD_STATE(struct pickup_body, check_out_state) },
	{ .name = "unitTypeId", .kind = FIELD_UUID, .flags = F_REQUIRED,
	  FIELD_AT(struct pickup_body, unit_type),
	  FIELD_STATE(struct pickup_body, unit_type_state) },
	{ .name = "quantity", .kind = FIELD_INT, .min = 1,
	  .max = PICKUP_MAX_QUANTITY,
	  FIELD_AT(struct pickup_body, quantity) },
	{ .name = "ratePlanId", .kind = FIELD_UUID, .flags = F_REQUIRED,
	  FIELD_AT(struct pickup_body, rate_plan),
	  FIELD_STATE(struct pickup_body, rate_plan_state) },
	{ .name = "guestProfileId", .kind = FIELD_UUID, .flags = F_REQUIRED,
	  FIELD_AT(struct pickup_body, guest),
	  FIELD_STATE(struct pickup_body, guest_state) },
	{ .name = "channelType", .kind = FIELD_STRING, .flags = F_REQUIRED,
	  .min = 1, .max = PICKUP_TEXT_MAX,
	  FIELD_AT(struct pickup_body, channel_type) },
	{ .name = "segment", .kind = FIELD_STRING, .flags = F_REQUIRED,
	  .min = 1, .max = PICKUP_TEXT_MAX,
	  FIELD_AT(struct pickup_body, segment) },
	{ .name = "bookerContactName", .kind = FIELD_STRING,
	  .flags = F_REQUIRED, .min = 1, .max = PICKUP_TEXT_MAX,
	  FIELD_AT(struct pickup_body, booker_name) },
	{ .name = "bookerContactEmail", .kind = FIELD_EMAIL,
	  .flags = F_REQUIRED,
	  FIELD_AT(struct pickup_body, booker_email) },
	{ .name = "bookerPersonGuestId", .kind = FIELD_UUID,
	  .flags = F_NULLABLE,
	  FIELD_AT(struct pickup_body, booker_person),
	  FIELD_STATE(struct pickup_body, booker_person_state) },
	/* ADR-00D78: resolved by the server, never sent (even null). */
	{ .name = "businessDateAtCreation", .kind = FIELD_DATE,
	  .flags = F_SERVER_SET | F_FORBIDDEN },
	{ .name = NULL }
};

struct pickup_write {
	struct request *rq;
	struct allotment_head head;	/* slow path only */
	struct allotment_facts facts;
	struct pickup_body body;
	struct validation invalid;	/* what the write found bad */
	char id[UUID_STR_LEN + 1];
	int64_t key_id;
};

/* The allotment, its business date and both references of the body
   (the allocation, the guest) in one round trip. */
static const char head_references_sql[] = ALLOTMENT_HEAD_SELECT ", "
    "(SELECT COUNT(*) FROM allotment_allocations "
    "  WHERE allotment_id = a.id AND unit_type_id = ?), "
    "(SELECT COUNT(*) FROM guest_profiles "
    "  WHERE id = ? AND establishment_id = a.establishment_id)"
    ALLOTMENT_HEAD_FROM;
/*
 * The row's own constraints (schema/013) refuse it unless the guest is
 * the establishment's, the check-in is not before the business date read
 * here (fresh, and stored) and that date is before the cutoff date.
 */
static const char reservation_insert_sql[] =
    "INSERT INTO allotment_reservations (id, allotment_id, "
    "establishment_id, unit_type_id, check_in_date, check_out_date, "
    "quantity, rate_plan_id, guest_profile_id, channel_type, segment, "
    "booker_contact_name, booker_contact_email, booker_person_guest_id, "
    "business_date_at_creation, allotment_cutoff_date, created_by_key) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
    "(SELECT business_date FROM establishments WHERE id = ?), ?, ?)";
/* Why the row's constraints refused the insert. */
static const char insert_refused_sql[] =
    "SELECT DATE_FORMAT(e.business_date, '%Y-%m-%d'), "
    "(SELECT COUNT(*) FROM guest_profiles "
    "  WHERE id = ? AND establishment_id = e.id) "
    "FROM establishments e WHERE e.id = ?";
/* The check and the take in one statement, on the rows it checks. */
static const char take_sql[] =
    "UPDATE allotment_nights SET picked = picked + ? "
    "WHERE allotment_id = ? AND unit_type_id = ? AND night >= ? "
    "AND night < ? AND is_open = 1 AND allocated - picked >= ? "
    "ORDER BY night";
/* After a short take: closed (not bookable) or full (exhausted)? */
static const char closed_sql[] =
    "SELECT COUNT(*) FROM allotment_nights WHERE allotment_id = ? "
    "AND unit_type_id = ? AND night >= ? AND night < ? AND is_open = 0";

/* The rules on what never changes: dates within the period, the rate
   plan, an allocated unit type (allocated: whether it is one).  Returns
   how many were broken; v NULL only counts them. */
static int
pickup_fact_rules(const struct pickup_body *b, const struct allotment_facts *f,
    int allocated, struct validation *v)
{
	int broken = 0;

	if (b->check_in_state == FIELD_SET &&
	    (b->check_in < f->period_from || b->check_in >= f->period_to)) {
		validation_add(v, "checkInDate", REASON_OUT_OF_RANGE);
		broken++;
	}
	if (b->check_out_state == FIELD_SET && b->check_in_state == FIELD_SET &&
	    b->check_out <= b->check_in) {
		validation_add(v, "checkOutDate", REASON_BEFORE_START);
		broken++;
	} else if (b->check_out_state == FIELD_SET &&
	    b->check_out > f->period_to) {
		validation_add(v, "checkOutDate", REASON_OUT_OF_RANGE);
		broken++;
	}
	if (b->rate_plan_state == FIELD_SET &&
	    strcmp(b->rate_plan, f->rate_plan) != 0) {
		validation_add(v, "ratePlanId", REASON_MISMATCH);
		broken++;
	}
	if (b->unit_type_state == FIELD_SET && !allocated) {
		validation_add(v, "unitTypeId", REASON_UNKNOWN_REFERENCE);
		broken++;
	}
	return broken;
}

/* The rules on what changes, from the values read: the check-in against
   the business date, the guest profile. */
static void
pickup_live_rules(const struct pickup_body *b, int32_t business_date,
    int guest_found, struct validation *v)
{
	if (b->check_in_state == FIELD_SET && b->check_in < business_date)
		validation_add(v, "checkInDate", REASON_IN_PAST);
	if (b->guest_state == FIELD_SET && !guest_found)
		validation_add(v, "guestProfileId", REASON_UNKNOWN_REFERENCE);
}

/* The facts of a head just read. */
static void
facts_from_head(const struct allotment_head *h, struct allotment_facts *f)
{
	memset(f, 0, sizeof(*f));
	memcpy(f->id, h->id, sizeof(f->id));
	memcpy(f->establishment, h->establishment, sizeof(f->establishment));
	memcpy(f->rate_plan, h->rate_plan, sizeof(f->rate_plan));
	f->period_from = h->period_from;
	f->period_to = h->period_to;
	f->cutoff = h->cutoff;
}

/*
 * The slow path: one query reads the allotment, its business date and
 * the body's references; every rule is judged (404 and 403 answered
 * instead of any 400, through v->refusal); the facts are kept.
 */
static void
pickup_rules_read(struct pickup_write *w, struct validation *v)
{
	const struct pickup_body *b = &w->body;
	struct db_rows *rows = NULL;
	int rc;

	if ((rc = db_query(w->rq->db, head_references_sql, (struct db_param[]){
	    DB_STR(b->unit_type_state == FIELD_SET ? b->unit_type : ""),
	    DB_STR(b->guest_state == FIELD_SET ? b->guest : ""),
	    DB_STR(w->head.id) }, 3, &rows)) != DB_OK) {
		v->refusal = db_failure_code(rc);
		return;
	}
	if (rows->nrows == 0)
		v->refusal = "ALLOTMENT_NOT_FOUND";
	else if (!auth_scope_allows(w->rq, db_cell(rows, 0, 0)))
		v->refusal = "OUT_OF_SCOPE";
	else if (allotment_head_parse(rows, w->rq->cfg->horizon_days,
	    &w->head) != 0)
		v->refusal = "INTERNAL_ERROR";
	if (v->refusal != NULL)
		goto done;
	facts_from_head(&w->head, &w->facts);
	/* The query counted the allocation (the kept unit types are read
	   by allotment_facts_keep, below). */
	(void)pickup_fact_rules(b, &w->facts, strcmp(db_cell(rows, 0,
	    ALLOTMENT_HEAD_COLUMNS), "0") != 0, v);
	pickup_live_rules(b, w->head.business_date, strcmp(db_cell(rows, 0,
	    ALLOTMENT_HEAD_COLUMNS + 1), "0") != 0, v);
	/* Kept for the next pickups (a failure only costs a read). */
	if (allotment_facts_find(w->head.id) == NULL)
		(void)allotment_facts_keep(w->rq->db, &w->facts);
done:
	db_rows_free(rows);
}

/* Runs on the decoded body (body.h): the hot path when the facts are
   kept and the body keeps their rules, else the slow path. */
static void
pickup_rules(const void *dest, void *ctx, struct validation *v)
{
	struct pickup_write *w = ctx;
	const struct allotment_facts *f = allotment_facts_find(w->head.id);

	(void)dest;	/* &w->body */
	if (f != NULL) {
		if (!auth_scope_allows(w->rq, f->establishment)) {
			v->refusal = "OUT_OF_SCOPE";
			return;
		}
		if (v->count == 0 && pickup_fact_rules(&w->body, f,
		    w->body.unit_type_state == FIELD_SET &&
		    allotment_facts_allocates(f, w->body.unit_type), NULL) == 0) {
			w->facts = *f;
			return;		/* the write judges the rest */
		}
	}
	pickup_rules_read(w, v);
}

/*
 * The row's constraints refused the insert (only that statement was
 * undone): a check-in before the business date or a guest of another
 * establishment is a 400 (w->invalid), else the cutoff date is reached:
 * not bookable.
 */
static int
pickup_insert_refused(struct db *db, struct pickup_write *w,
    struct write_refusal *why)
{
	struct db_rows *rows = NULL;
	int32_t business_date;
	int guest_found, rc;

	if ((rc = db_query(db, insert_refused_sql, (struct db_param[]){
	    DB_STR(w->body.guest), DB_STR(w->facts.establishment) }, 2,
	    &rows)) != DB_OK)
		return rc;
	if (rows->nrows == 0 || date_parse(db_cell(rows, 0, 0),
	    &business_date) != 0) {
		db_rows_free(rows);
		return DB_ERR_FAILED;	/* an allotment's establishment */
	}
	guest_found = strcmp(db_cell(rows, 0, 1), "0") != 0;
	db_rows_free(rows);
	memset(&w->invalid, 0, sizeof(w->invalid));
	pickup_live_rules(&w->body, business_date, guest_found, &w->invalid);
	if (w->invalid.count > 0)
		return write_refuse_invalid(why, &w->invalid);
	return write_refuse(why, "ALLOTMENT_NOT_BOOKABLE", NULL);
}

static int
pickup_apply(struct db *db, void *arg, struct write_refusal *why)
{
	struct pickup_write *w = arg;
	const struct pickup_body *b = &w->body;
	char in_s[DATE_STR_LEN + 1], out_s[DATE_STR_LEN + 1];
	char cutoff_s[DATE_STR_LEN + 1];
	struct db_rows *rows = NULL;
	uint64_t taken = 0;
	int closed, rc;

	date_format(b->check_in, in_s);
	date_format(b->check_out, out_s);
	date_format(w->facts.cutoff, cutoff_s);
	/* The row first, the nights last: their locks are held the least. */
	rc = db_exec(db, reservation_insert_sql, (struct db_param[]){
	    DB_STR(w->id), DB_STR(w->facts.id), DB_STR(w->facts.establishment),
	    DB_STR(b->unit_type), DB_STR(in_s), DB_STR(out_s),
	    DB_I64(b->quantity), DB_STR(b->rate_plan), DB_STR(b->guest),
	    DB_STR(b->channel_type), DB_STR(b->segment),
	    DB_STR(b->booker_name), DB_STR(b->booker_email),
	    b->booker_person_state == FIELD_SET ? DB_STR(b->booker_person) :
	    DB_NULL, DB_STR(w->facts.establishment), DB_STR(cutoff_s),
	    DB_I64(w->key_id) }, 17, NULL, NULL);
	if (rc == DB_ERR_CONSTRAINT)
		return pickup_insert_refused(db, w, why);
	if (rc != DB_OK)
		return rc;
	if ((rc = db_exec(db, take_sql, (struct db_param[]){
	    DB_I64(b->quantity), DB_STR(w->facts.id), DB_STR(b->unit_type),
	    DB_STR(in_s), DB_STR(out_s), DB_I64(b->quantity) }, 6, &taken,
	    NULL)) != DB_OK)
		return rc;
	if (taken == (uint64_t)(b->check_out - b->check_in))
		return DB_OK;
	/* Closed: tentative, cancelled, or cut off; else full. */
	if ((rc = db_query(db, closed_sql, (struct db_param[]){
	    DB_STR(w->facts.id), DB_STR(b->unit_type), DB_STR(in_s),
	    DB_STR(out_s) }, 4, &rows)) != DB_OK)
		return rc;
	closed = strcmp(db_cell(rows, 0, 0), "0") != 0;
	db_rows_free(rows);
	return write_refuse(why, closed ? "ALLOTMENT_NOT_BOOKABLE" :
	    "ALLOTMENT_EXHAUSTED", NULL);
}

static int
pickup_answer(struct request *rq, void *arg)
{
	const struct pickup_write *w = arg;
	cJSON *data = cJSON_CreateObject();

	if (data == NULL || cJSON_AddStringToObject(data, "reservationId",
	    w->id) == NULL) {
		cJSON_Delete(data);
		return DB_ERR_NOMEM;	/* rolls the write back (write.h) */
	}
	return respond_data(rq, 201, data);
}

int
allotment_pickup(struct request *rq)
{
	struct pickup_write w;
	struct body body = { 0 };
	int rc;

	memset(&w, 0, sizeof(w));
	w.rq = rq;
	if (uuid_parse(request_path_param(rq, "id"), w.head.id) != 0) {
		struct validation v = { 0 };

		validation_add(&v, "id", REASON_BAD_UUID);
		return respond_validation(rq, &v);
	}
	w.body.quantity = 1;
	if (body_decode(rq, pickup_fields, &w.body, pickup_rules, &w,
	    &body) != 0)
		return 0;
	w.key_id = rq->who.key_id;
	if (uuid_generate(w.id) != 0)
		rc = respond_error(rq, "INTERNAL_ERROR");
	else
		rc = write_run(rq, pickup_apply, pickup_answer, &w);
	body_free(&body);
	return rc;
}
