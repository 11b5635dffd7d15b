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
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "allotments.h"
#include "allotment_write.h"
#include "body.h"
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
	struct allotment_head head;
	struct pickup_body body;
	char id[UUID_STR_LEN + 1];
	int64_t key_id;
};

/* Both references in one round trip: the allocation, the guest. */
static const char references_sql[] =
    "SELECT (SELECT COUNT(*) FROM allotment_allocations "
    "  WHERE allotment_id = ? AND unit_type_id = ?), "
    "(SELECT COUNT(*) FROM guest_profiles "
    "  WHERE id = ? AND establishment_id = ?)";
static const char reservation_insert_sql[] =
    "INSERT INTO allotment_reservations (id, allotment_id, "
    "establishment_id, unit_type_id, check_in_date, check_out_date, "
    "quantity, rate_plan_id, guest_profile_id, channel_type, segment, "
    "booker_contact_name, booker_contact_email, booker_person_guest_id, "
    "business_date_at_creation, created_by_key) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
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

/* Dates against the allotment and the business date. */
static void
pickup_date_rules(const struct pickup_write *w, struct validation *v)
{
	const struct pickup_body *b = &w->body;
	const struct allotment_head *h = &w->head;

	if (b->check_in_state == FIELD_SET) {
		if (b->check_in < h->business_date)
			validation_add(v, "checkInDate", REASON_IN_PAST);
		else if (b->check_in < h->period_from ||
		    b->check_in >= h->period_to)
			validation_add(v, "checkInDate", REASON_OUT_OF_RANGE);
	}
	if (b->check_out_state == FIELD_SET) {
		if (b->check_in_state == FIELD_SET &&
		    b->check_out <= b->check_in)
			validation_add(v, "checkOutDate", REASON_BEFORE_START);
		else if (b->check_out > h->period_to)
			validation_add(v, "checkOutDate", REASON_OUT_OF_RANGE);
	}
}

static void
pickup_rules(const void *dest, void *ctx, struct validation *v)
{
	struct pickup_write *w = ctx;
	const struct pickup_body *b = dest;
	struct db_rows *rows = NULL;
	int rc;

	pickup_date_rules(w, v);
	if (b->rate_plan_state == FIELD_SET &&
	    strcmp(b->rate_plan, w->head.rate_plan) != 0)
		validation_add(v, "ratePlanId", REASON_MISMATCH);
	if (b->unit_type_state != FIELD_SET && b->guest_state != FIELD_SET)
		return;
	if ((rc = db_query(w->rq->db, references_sql, (struct db_param[]){
	    DB_STR(w->head.id), DB_STR(b->unit_type), DB_STR(b->guest),
	    DB_STR(w->head.establishment) }, 4, &rows)) != DB_OK) {
		v->refusal = db_failure_code(rc);
		return;
	}
	if (b->unit_type_state == FIELD_SET &&
	    strcmp(db_cell(rows, 0, 0), "0") == 0)
		validation_add(v, "unitTypeId", REASON_UNKNOWN_REFERENCE);
	if (b->guest_state == FIELD_SET && strcmp(db_cell(rows, 0, 1), "0") == 0)
		validation_add(v, "guestProfileId", REASON_UNKNOWN_REFERENCE);
	db_rows_free(rows);
}

/* Tentative, cancelled, released, or the cutoff date reached. */
static int
pickup_bookable(const struct allotment_head *h)
{
	return strcmp(h->status, "definite") == 0 && !h->cutoff_done &&
	    h->business_date < h->cutoff;
}

static int
pickup_apply(struct db *db, void *arg, struct write_refusal *why)
{
	struct pickup_write *w = arg;
	const struct pickup_body *b = &w->body;
	char in_s[DATE_STR_LEN + 1], out_s[DATE_STR_LEN + 1];
	char business_s[DATE_STR_LEN + 1];
	struct db_rows *rows = NULL;
	uint64_t taken = 0;
	int closed, rc;

	if (!pickup_bookable(&w->head))
		return write_refuse(why, "ALLOTMENT_NOT_BOOKABLE", NULL);
	date_format(b->check_in, in_s);
	date_format(b->check_out, out_s);
	date_format(w->head.business_date, business_s);
	/* The row first, the nights last: their locks are held the least. */
	if ((rc = db_exec(db, reservation_insert_sql, (struct db_param[]){
	    DB_STR(w->id), DB_STR(w->head.id), DB_STR(w->head.establishment),
	    DB_STR(b->unit_type), DB_STR(in_s), DB_STR(out_s),
	    DB_I64(b->quantity), DB_STR(b->rate_plan), DB_STR(b->guest),
	    DB_STR(b->channel_type), DB_STR(b->segment),
	    DB_STR(b->booker_name), DB_STR(b->booker_email),
	    b->booker_person_state == FIELD_SET ? DB_STR(b->booker_person) :
	    DB_NULL, DB_STR(business_s), DB_I64(w->key_id) }, 16, NULL,
	    NULL)) != DB_OK)
		return rc;
	if ((rc = db_exec(db, take_sql, (struct db_param[]){
	    DB_I64(b->quantity), DB_STR(w->head.id), DB_STR(b->unit_type),
	    DB_STR(in_s), DB_STR(out_s), DB_I64(b->quantity) }, 6, &taken,
	    NULL)) != DB_OK)
		return rc;
	if (taken == (uint64_t)(b->check_out - b->check_in))
		return DB_OK;
	if ((rc = db_query(db, closed_sql, (struct db_param[]){
	    DB_STR(w->head.id), DB_STR(b->unit_type), DB_STR(in_s),
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
		return respond_error(rq, "INTERNAL_ERROR");
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
	if (allotment_head_load(rq, &w.head) != 0)
		return 0;	/* answered */
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
