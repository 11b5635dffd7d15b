/*
 * POST /v1/allotments/{id}/reservations: a pickup (sub-reservation) of
 * `quantity` rooms of one allocated unit type for the nights
 * [checkInDate, checkOutDate) (seed allotment-reservations.fr.txt, SPEC
 * 2.4, docs/allotments.md).  The pickup moves nothing in general
 * inventory: a definite allotment committed its allocation when it was
 * made.  It takes from the allotment's own per-night rows, in the one
 * statement that inserts it (its trigger, schema/015, checks and writes
 * the same rows: `is_open AND allocated - picked >= q`), so two pickups
 * of a night, on one node or on two Galera nodes, can never take more
 * than the allocation, and a pickup racing the cutoff (which closes the rows) is
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
 * The write itself is deferred to the worker's batch (lib/batch.h): the
 * pickups read in one round are inserted by one statement.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "allotment_facts.h"
#include "allotments.h"
#include "allotment_write.h"
#include "auth.h"
#include "batch.h"
#include "body.h"
#include "config.h"
#include "datetime.h"
#include "db.h"
#include "envelope.h"
#include "request.h"
#include "resource.h"
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

/* One pickup, from its checks to its answer (owned by its request once
   deferred to the batch: pickup_write_free). */
struct pickup_write {
	struct request *rq;
	struct allotment_head head;	/* slow path only */
	struct allotment_facts facts;
	struct pickup_body body;
	struct body json;		/* the tree body's strings borrow */
	struct validation invalid;	/* what the write found bad */
	char id[UUID_STR_LEN + 1];
	char in_s[DATE_STR_LEN + 1], out_s[DATE_STR_LEN + 1];
	char cutoff_s[DATE_STR_LEN + 1];
	int64_t key_id;
};

/* Pickups inserted by one statement (17 parameters each). */
#define PICKUP_BATCH_ROWS 8

/* The allotment, its business date and both references of the body
   (the allocation, the guest) in one round trip. */
static const char head_references_sql[] = ALLOTMENT_HEAD_SELECT ", "
    "(SELECT COUNT(*) FROM allotment_allocations "
    "  WHERE allotment_id = a.id AND unit_type_id = ?), "
    "(SELECT COUNT(*) FROM guest_profiles "
    "  WHERE id = ? AND establishment_id = a.establishment_id)"
    ALLOTMENT_HEAD_FROM;
/*
 * One statement is the whole pickup: the row's own constraints
 * (schema/013) refuse it unless the guest is the establishment's, the
 * check-in is not before the business date read here (fresh, and stored)
 * and that date is before the cutoff date; its trigger (schema/015) takes
 * every night, open and with room, or refuses it.
 */
#define RESERVATION_INSERT \
    "INSERT INTO allotment_reservations (id, allotment_id, " \
    "establishment_id, unit_type_id, check_in_date, check_out_date, " \
    "quantity, rate_plan_id, guest_profile_id, channel_type, segment, " \
    "booker_contact_name, booker_contact_email, booker_person_guest_id, " \
    "business_date_at_creation, allotment_cutoff_date, created_by_key) " \
    "VALUES "
#define RESERVATION_ROW "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, " \
    "(SELECT business_date FROM establishments WHERE id = ?), ?, ?)"
#define RESERVATION_PARAMS 17
static const char reservation_insert_sql[] = RESERVATION_INSERT
    RESERVATION_ROW;
/* Why the insert was refused: the business date, the guest, and whether
   a night of the stay is closed (tentative, cancelled, cut off). */
static const char insert_refused_sql[] =
    "SELECT DATE_FORMAT(e.business_date, '%Y-%m-%d'), "
    "(SELECT COUNT(*) FROM guest_profiles "
    "  WHERE id = ? AND establishment_id = e.id), "
    "(SELECT COUNT(*) FROM allotment_nights WHERE allotment_id = ? "
    "  AND unit_type_id = ? AND night >= ? AND night < ? AND is_open = 0) "
    "FROM establishments e WHERE e.id = ?";

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
 * The insert was refused (nothing was written): a check-in before the
 * business date or a guest of another establishment is a 400
 * (w->invalid); the cutoff date reached or a closed night is not
 * bookable; else a night had no room left.
 */
static int
pickup_insert_refused(struct db *db, struct pickup_write *w,
    struct write_refusal *why)
{
	struct db_rows *rows = NULL;
	int32_t business_date;
	int guest_found, closed, rc;

	if ((rc = db_query(db, insert_refused_sql, (struct db_param[]){
	    DB_STR(w->body.guest), DB_STR(w->facts.id),
	    DB_STR(w->body.unit_type), DB_STR(w->in_s), DB_STR(w->out_s),
	    DB_STR(w->facts.establishment) }, 6, &rows)) != DB_OK)
		return rc;
	if (rows->nrows == 0 || date_parse(db_cell(rows, 0, 0),
	    &business_date) != 0) {
		db_rows_free(rows);
		return DB_ERR_FAILED;	/* an allotment's establishment */
	}
	guest_found = strcmp(db_cell(rows, 0, 1), "0") != 0;
	closed = strcmp(db_cell(rows, 0, 2), "0") != 0;
	db_rows_free(rows);
	memset(&w->invalid, 0, sizeof(w->invalid));
	pickup_live_rules(&w->body, business_date, guest_found, &w->invalid);
	if (w->invalid.count > 0)
		return write_refuse_invalid(why, &w->invalid);
	if (closed || business_date >= w->facts.cutoff)
		return write_refuse(why, "ALLOTMENT_NOT_BOOKABLE", NULL);
	return write_refuse(why, "ALLOTMENT_EXHAUSTED", NULL);
}

/* The RESERVATION_PARAMS parameters of w's row, into p. */
static void
pickup_row_params(const struct pickup_write *w, struct db_param *p)
{
	const struct pickup_body *b = &w->body;
	const struct db_param row[RESERVATION_PARAMS] = {
	    DB_STR(w->id), DB_STR(w->facts.id), DB_STR(w->facts.establishment),
	    DB_STR(b->unit_type), DB_STR(w->in_s), DB_STR(w->out_s),
	    DB_I64(b->quantity), DB_STR(b->rate_plan), DB_STR(b->guest),
	    DB_STR(b->channel_type), DB_STR(b->segment),
	    DB_STR(b->booker_name), DB_STR(b->booker_email),
	    b->booker_person_state == FIELD_SET ? DB_STR(b->booker_person) :
	    DB_NULL, DB_STR(w->facts.establishment), DB_STR(w->cutoff_s),
	    DB_I64(w->key_id) };

	memcpy(p, row, sizeof(row));
}

/* One pickup alone: its one statement, and why it was refused. */
static int
pickup_apply(struct db *db, void *arg, struct write_refusal *why)
{
	struct pickup_write *w = arg;
	struct db_param p[RESERVATION_PARAMS];
	int rc;

	pickup_row_params(w, p);
	rc = db_exec(db, reservation_insert_sql, p, RESERVATION_PARAMS, NULL,
	    NULL);
	if (rc == DB_ERR_CONSTRAINT)
		return pickup_insert_refused(db, w, why);
	return rc;
}

static int
pickup_answer(struct request *rq, void *arg)
{
	const struct pickup_write *w = arg;

	/* Out of memory: nothing answered, the write rolls back (write.h). */
	return respond_created(rq, "reservationId", w->id) == 0 ? 0 :
	    DB_ERR_NOMEM;
}

/* Pickups of one batch, in the order their locks are taken. */
struct pickup_rows {
	struct pickup_write *w[PICKUP_BATCH_ROWS];
	int n;
};

/* The statement inserting n rows (2 <= n <= PICKUP_BATCH_ROWS), made
   once per worker; NULL when out of memory. */
static const char *
pickup_rows_sql(int n)
{
	static char *made[PICKUP_BATCH_ROWS + 1];	/* kept for good */
	size_t row = strlen(RESERVATION_ROW), len;
	char *sql;
	int i;

	if (made[n] != NULL)
		return made[n];
	len = strlen(RESERVATION_INSERT) + (size_t)n * (row + 2) + 1;
	if ((sql = malloc(len)) == NULL)
		return NULL;
	strcpy(sql, RESERVATION_INSERT);
	for (i = 0; i < n; i++) {
		if (i > 0)
			strcat(sql, ", ");
		strcat(sql, RESERVATION_ROW);
	}
	return made[n] = sql;
}

/* Every row of the batch in one statement (db_autocommit): all of them
   or none. */
static int
pickup_rows_insert(struct db *db, void *arg)
{
	const struct pickup_rows *rows = arg;
	struct db_param p[PICKUP_BATCH_ROWS * RESERVATION_PARAMS];
	const char *sql = pickup_rows_sql(rows->n);
	int i;

	if (sql == NULL)
		return DB_ERR_NOMEM;
	for (i = 0; i < rows->n; i++)
		pickup_row_params(rows->w[i], &p[i * RESERVATION_PARAMS]);
	return db_exec(db, sql, p, rows->n * RESERVATION_PARAMS, NULL, NULL);
}

/* Lock order: allotment, unit type, check-in (the trigger takes each
   row's nights in ascending order), so two batches never deadlock. */
static int
pickup_lock_order(const void *a, const void *b)
{
	const struct pickup_write *x = *(struct pickup_write *const *)a;
	const struct pickup_write *y = *(struct pickup_write *const *)b;
	int c;

	if ((c = strcmp(x->facts.id, y->facts.id)) != 0)
		return c;
	if ((c = strcmp(x->body.unit_type, y->body.unit_type)) != 0)
		return c;
	return (x->body.check_in > y->body.check_in) -
	    (x->body.check_in < y->body.check_in);
}

static void
pickup_run_alone(struct pickup_write *w)
{
	(void)write_run_statement(w->rq, pickup_apply, pickup_answer, w);
}

/*
 * Up to PICKUP_BATCH_ROWS pickups in one statement.  Refused (a row's
 * constraint or trigger) it wrote nothing: each then runs alone, to get
 * its own answer.  Lost while it ran (the outcome is unknown): 503 each.
 */
static void
pickup_run_together(struct db *db, struct pickup_rows *rows)
{
	struct pickup_rows ok = { .n = 0 };
	int i, rc;

	/* Answers first, as write_run_statement does. */
	for (i = 0; i < rows->n; i++)
		if (pickup_answer(rows->w[i]->rq, rows->w[i]) == 0 &&
		    rows->w[i]->rq->status < 500)
			ok.w[ok.n++] = rows->w[i];
		else
			respond_error(rows->w[i]->rq, "INTERNAL_ERROR");
	if (ok.n < 2) {
		for (i = 0; i < ok.n; i++)
			pickup_run_alone(ok.w[i]);
		return;
	}
	rc = db_autocommit(db, pickup_rows_insert, &ok);
	for (i = 0; i < ok.n && rc != DB_OK; i++)
		if (rc == DB_ERR_UNAVAILABLE)
			respond_db_failure(ok.w[i]->rq, rc);
		else
			pickup_run_alone(ok.w[i]);
}

/* The batch (batch.h): the pickups a worker read in one round. */
static void
pickups_run(struct db *db, struct request **rqs, int n)
{
	struct pickup_write *all[BATCH_MAX];
	struct pickup_rows rows;
	int i, j;

	for (i = 0; i < n; i++)
		all[i] = request_deferred_item(rqs[i]);
	qsort(all, (size_t)n, sizeof(all[0]), pickup_lock_order);
	for (i = 0; i < n; i += rows.n) {
		for (rows.n = 0, j = i; j < n && rows.n < PICKUP_BATCH_ROWS;
		    j++)
			rows.w[rows.n++] = all[j];
		if (rows.n == 1)
			pickup_run_alone(rows.w[0]);
		else
			pickup_run_together(db, &rows);
	}
}

static const struct batch_kind pickup_batch = { .run = pickups_run };

static void
pickup_write_free(void *item)
{
	struct pickup_write *w = item;

	body_free(&w->json);
	free(w);
}

int
allotment_pickup(struct request *rq)
{
	struct pickup_write *w;
	int rc;

	if ((w = calloc(1, sizeof(*w))) == NULL)
		return respond_error(rq, "INTERNAL_ERROR");
	w->rq = rq;
	if (uuid_parse(request_path_param(rq, "id"), w->head.id) != 0) {
		validation_add(&w->invalid, "id", REASON_BAD_UUID);
		rc = respond_validation(rq, &w->invalid);
		goto done;
	}
	w->body.quantity = 1;
	if (body_decode(rq, pickup_fields, &w->body, pickup_rules, w,
	    &w->json) != 0) {
		rc = 0;
		goto done;
	}
	w->key_id = rq->who.key_id;
	date_format(w->body.check_in, w->in_s);
	date_format(w->body.check_out, w->out_s);
	date_format(w->facts.cutoff, w->cutoff_s);
	if (uuid_generate_ordered(w->id) != 0)
		rc = respond_error(rq, "INTERNAL_ERROR");
	else if (request_header(rq, "Idempotency-Key") != NULL)
		rc = write_run(rq, pickup_apply, pickup_answer, w);
	else
		return request_defer(rq, &pickup_batch, w, pickup_write_free);
done:
	pickup_write_free(w);
	return rc;
}
