/*
 * POST /v1/allotments (seed allotments.fr.txt, SPEC 2.4, docs/allotments.md):
 * a contractual allotment (`allotment`, status definite) or a `tentative`
 * block, its allocations and its nights, with its cutoff armed.  A
 * definite one takes `committed` inventory for every night of the period
 * and every allocated unit type in the same transaction, or nothing (409
 * CAPACITY_SATURATED); a tentative takes nothing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "allotments.h"
#include "allotment_write.h"
#include "attrition.h"
#include "auth.h"
#include "body.h"
#include "business_date.h"
#include "config.h"
#include "datetime.h"
#include "db.h"
#include "envelope.h"
#include "inventory.h"
#include "request.h"
#include "resource.h"
#include "uuid.h"
#include "validate.h"
#include "write.h"

#define ALLOTMENT_MAX_QUANTITY 100000

static const char channel_types[] = "to agency group corporate direct";
static const char allotment_types[] = "allotment tentative";
static const char currencies[] = "EUR GBP";
static const char invoicing_modes[] = "master_single individual_per_sub";
#define TYPE_ALLOTMENT 0	/* index in allotment_types */

struct allocation {
	char unit_type[UUID_STR_LEN + 1];
	enum field_state unit_type_state;
	int64_t quantity;
	enum field_state quantity_state;
};

struct create_body {
	char establishment[UUID_STR_LEN + 1];
	enum field_state establishment_state;
	char rate_plan[UUID_STR_LEN + 1];
	enum field_state rate_plan_state;
	int channel_type;
	const char *channel_external_id;	/* borrowed; NULL when null */
	int allotment_type;
	enum field_state allotment_type_state;
	int currency;
	int32_t period_from, period_to, cutoff;
	enum field_state period_from_state, period_to_state, cutoff_state;
	struct allocation allocations[ALLOTMENT_MAX_ALLOCATIONS];
	int n_allocations;
	enum field_state allocations_state;
	double minimum_pickup;
	enum field_state minimum_pickup_state;
	int64_t penalty;
	enum field_state penalty_state;
	int64_t complimentary, headcount;
	enum field_state complimentary_state, headcount_state;
	int invoicing_mode;
	enum field_state invoicing_mode_state;
	char billing_folio[UUID_STR_LEN + 1];
	enum field_state billing_folio_state;
};

static const struct field allocation_fields[] = {
	{ .name = "unitTypeId", .kind = FIELD_UUID, .flags = F_REQUIRED,
	  FIELD_AT(struct allocation, unit_type),
	  FIELD_STATE(struct allocation, unit_type_state) },
	{ .name = "quantity", .kind = FIELD_INT, .flags = F_REQUIRED,
	  .min = 1, .max = ALLOTMENT_MAX_QUANTITY,
	  FIELD_AT(struct allocation, quantity),
	  FIELD_STATE(struct allocation, quantity_state) },
	{ .name = NULL }
};

static const struct field create_fields[] = {
	{ .name = "establishmentId", .kind = FIELD_UUID, .flags = F_REQUIRED,
	  FIELD_AT(struct create_body, establishment),
	  FIELD_STATE(struct create_body, establishment_state) },
	{ .name = "ratePlanId", .kind = FIELD_UUID, .flags = F_REQUIRED,
	  FIELD_AT(struct create_body, rate_plan),
	  FIELD_STATE(struct create_body, rate_plan_state) },
	{ .name = "channelType", .kind = FIELD_ENUM, .flags = F_REQUIRED,
	  .one_of = channel_types,
	  FIELD_AT(struct create_body, channel_type) },
	{ .name = "channelExternalId", .kind = FIELD_STRING,
	  .flags = F_NULLABLE, .min = 0, .max = 200,
	  FIELD_AT(struct create_body, channel_external_id) },
	{ .name = "allotmentType", .kind = FIELD_ENUM, .flags = F_REQUIRED,
	  .one_of = allotment_types,
	  FIELD_AT(struct create_body, allotment_type),
	  FIELD_STATE(struct create_body, allotment_type_state) },
	{ .name = "currency", .kind = FIELD_ENUM, .flags = F_REQUIRED,
	  .one_of = currencies, FIELD_AT(struct create_body, currency) },
	{ .name = "periodFrom", .kind = FIELD_DATE, .flags = F_REQUIRED,
	  FIELD_AT(struct create_body, period_from),
	  FIELD_STATE(struct create_body, period_from_state) },
	{ .name = "periodTo", .kind = FIELD_DATE, .flags = F_REQUIRED,
	  FIELD_AT(struct create_body, period_to),
	  FIELD_STATE(struct create_body, period_to_state) },
	{ .name = "unitAllocations", .kind = FIELD_ARRAY, .flags = F_REQUIRED,
	  .min = 1, .max = ALLOTMENT_MAX_ALLOCATIONS,
	  .items = allocation_fields,
	  FIELD_ARRAY_AT(struct create_body, allocations, n_allocations),
	  FIELD_STATE(struct create_body, allocations_state) },
	{ .name = "cutoffDate", .kind = FIELD_DATE, .flags = F_REQUIRED,
	  FIELD_AT(struct create_body, cutoff),
	  FIELD_STATE(struct create_body, cutoff_state) },
	{ .name = "minimumPickupPercent", .kind = FIELD_NUMBER,
	  .flags = F_REQUIRED, .dmin = 0, .dmax = 100,
	  FIELD_AT(struct create_body, minimum_pickup),
	  FIELD_STATE(struct create_body, minimum_pickup_state) },
	{ .name = "penaltyPerRoomNightCents", .kind = FIELD_CENTS,
	  .flags = F_NULLABLE,
	  FIELD_AT(struct create_body, penalty),
	  FIELD_STATE(struct create_body, penalty_state) },
	{ .name = "complimentaryRooms", .kind = FIELD_INT, .flags = F_NULLABLE,
	  .min = 0, .max = ALLOTMENT_MAX_QUANTITY,
	  FIELD_AT(struct create_body, complimentary),
	  FIELD_STATE(struct create_body, complimentary_state) },
	{ .name = "contractualHeadcount", .kind = FIELD_INT,
	  .flags = F_NULLABLE, .min = 1, .max = 10 * ALLOTMENT_MAX_QUANTITY,
	  FIELD_AT(struct create_body, headcount),
	  FIELD_STATE(struct create_body, headcount_state) },
	{ .name = "invoicingMode", .kind = FIELD_ENUM, .flags = F_NULLABLE,
	  .one_of = invoicing_modes,
	  FIELD_AT(struct create_body, invoicing_mode),
	  FIELD_STATE(struct create_body, invoicing_mode_state) },
	{ .name = "billingFolioId", .kind = FIELD_UUID, .flags = F_NULLABLE,
	  FIELD_AT(struct create_body, billing_folio),
	  FIELD_STATE(struct create_body, billing_folio_state) },
	{ .name = NULL }
};

/* What the rules learn from the database, and the write's own state. */
struct create_write {
	struct request *rq;
	struct create_body body;
	struct establishment_dates dates;
	int32_t horizon_end;		/* first night past the horizon */
	int minimum_bp;			/* minimumPickupPercent x 100 */
	char id[UUID_STR_LEN + 1];
	int64_t key_id;
};

static const char rate_plan_sql[] =
    "SELECT 1 FROM rate_plans WHERE id = ? AND establishment_id = ?";
static const char unit_types_sql[] =
    "SELECT id FROM unit_types WHERE establishment_id = ?";
static const char allotment_insert_sql[] =
    "INSERT INTO allotments (id, establishment_id, rate_plan_id, "
    "channel_type, channel_external_id, allotment_type, currency, "
    "period_from, period_to, cutoff_date, minimum_pickup_bp, "
    "penalty_per_room_night_cents, complimentary_rooms, "
    "contractual_headcount, invoicing_mode, billing_folio_id, status, "
    "created_by_key) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
static const char allocation_insert_sql[] =
    "INSERT INTO allotment_allocations (allotment_id, unit_type_id, "
    "position, quantity) VALUES (?, ?, ?, ?)";
static const char nights_insert_sql[] =
    "INSERT INTO allotment_nights (allotment_id, unit_type_id, night, "
    "allocated, picked, is_open) "
    "SELECT ?, ?, CAST(? AS DATE) + INTERVAL seq DAY, ?, 0, ? "
    "FROM seq_0_to_3660 WHERE seq < ? ORDER BY seq";

/* The rules of SPEC 2.4 that need only the body. */
static void
create_body_rules(struct create_write *w, struct validation *v)
{
	const struct create_body *b = &w->body;
	char path[FIELD_PATH_MAX];
	double scaled;
	int64_t room_nights = 0;
	int i, j;

	if (b->period_from_state == FIELD_SET &&
	    b->period_to_state == FIELD_SET && b->period_to <= b->period_from)
		validation_add(v, "periodTo", REASON_BEFORE_START);
	if (b->cutoff_state == FIELD_SET && b->period_from_state == FIELD_SET &&
	    b->cutoff > b->period_from)
		validation_add(v, "cutoffDate", REASON_OUT_OF_RANGE);
	if (b->allotment_type_state == FIELD_SET &&
	    b->allotment_type == TYPE_ALLOTMENT &&
	    (b->penalty_state == FIELD_ABSENT || b->penalty_state == FIELD_NULL))
		validation_add(v, "penaltyPerRoomNightCents", REASON_REQUIRED);
	/* Hundredths of a percent: no floating point after this. */
	if (b->minimum_pickup_state == FIELD_SET) {
		/* 0..100 (the table's bounds): + 0.5 rounds to nearest. */
		scaled = b->minimum_pickup * 100.0;
		w->minimum_bp = (int)(scaled + 0.5);
		scaled -= (double)w->minimum_bp;
		if (scaled > 1e-6 || scaled < -1e-6)
			validation_add(v, "minimumPickupPercent",
			    REASON_TOO_PRECISE);
	}
	for (i = 0; i < b->n_allocations; i++) {
		if (b->allocations[i].unit_type_state != FIELD_SET)
			continue;
		for (j = 0; j < i; j++)
			if (b->allocations[j].unit_type_state == FIELD_SET &&
			    strcmp(b->allocations[j].unit_type,
			    b->allocations[i].unit_type) == 0)
				break;
		if (j < i) {
			snprintf(path, sizeof(path),
			    "unitAllocations[%d].unitTypeId", i);
			validation_add(v, path, REASON_DUPLICATE);
		}
	}
	/* The largest penalty the contract can produce must be money. */
	if (b->penalty_state != FIELD_SET || b->allocations_state != FIELD_SET ||
	    b->period_from_state != FIELD_SET ||
	    b->period_to_state != FIELD_SET || b->period_to <= b->period_from)
		return;
	for (i = 0; i < b->n_allocations; i++)
		room_nights += b->allocations[i].quantity *
		    (b->period_to - b->period_from);
	if (!attrition_penalty_fits(room_nights, b->penalty))
		validation_add(v, "penaltyPerRoomNightCents",
		    REASON_OUT_OF_RANGE);
}

/* 1 when the rate plan belongs to the establishment; -1 on DB failure. */
static int
rate_plan_belongs(struct db *db, const char *rate_plan, const char *est)
{
	struct db_rows *rows = NULL;
	int found;

	if (db_query(db, rate_plan_sql, (struct db_param[]){ DB_STR(rate_plan),
	    DB_STR(est) }, 2, &rows) != DB_OK)
		return -1;
	found = rows->nrows > 0;
	db_rows_free(rows);
	return found;
}

/* The rules that need the establishment: scope, dates, references. */
static void
create_establishment_rules(struct create_write *w, struct validation *v)
{
	const struct create_body *b = &w->body;
	struct db *db = w->rq->db;
	struct db_rows *rows = NULL;
	char path[FIELD_PATH_MAX];
	int i, r, rc, found;

	if (b->establishment_state != FIELD_SET)
		return;
	if (!auth_scope_allows(w->rq, b->establishment)) {
		v->refusal = "OUT_OF_SCOPE";
		return;
	}
	rc = establishment_dates(db, b->establishment, &w->dates);
	if (rc != 0) {
		v->refusal = rc == BUSINESS_DATE_NOT_FOUND ?
		    "ESTABLISHMENT_NOT_FOUND" : db_failure_code(rc);
		return;
	}
	w->horizon_end = w->dates.business_date + w->rq->cfg->horizon_days;
	if (b->cutoff_state == FIELD_SET && b->cutoff < w->dates.business_date)
		validation_add(v, "cutoffDate", REASON_IN_PAST);
	if (b->period_to_state == FIELD_SET && b->period_to > w->horizon_end)
		validation_add(v, "periodTo", REASON_BEYOND_HORIZON);
	if (b->rate_plan_state == FIELD_SET) {
		if ((found = rate_plan_belongs(db, b->rate_plan,
		    b->establishment)) < 0) {
			v->refusal = db_failure_code(DB_ERR_FAILED);
			return;
		}
		if (!found)
			validation_add(v, "ratePlanId",
			    REASON_UNKNOWN_REFERENCE);
	}
	if (b->n_allocations == 0)
		return;
	if ((rc = db_query(db, unit_types_sql, (struct db_param[]){
	    DB_STR(b->establishment) }, 1, &rows)) != DB_OK) {
		v->refusal = db_failure_code(rc);
		return;
	}
	for (i = 0; i < b->n_allocations; i++) {
		if (b->allocations[i].unit_type_state != FIELD_SET)
			continue;
		for (r = 0; r < rows->nrows; r++)
			if (strcmp(db_cell(rows, r, 0),
			    b->allocations[i].unit_type) == 0)
				break;
		if (r == rows->nrows) {
			snprintf(path, sizeof(path),
			    "unitAllocations[%d].unitTypeId", i);
			validation_add(v, path, REASON_UNKNOWN_REFERENCE);
		}
	}
	db_rows_free(rows);
}

static void
create_rules(const void *dest, void *ctx, struct validation *v)
{
	struct create_write *w = ctx;

	(void)dest;	/* the same struct as w->body */
	create_body_rules(w, v);
	create_establishment_rules(w, v);
}

/* Allocation indexes in ascending unit type order: the one order every
   inventory writer takes rows in (docs/inventory.md). */
static void
allocation_order(const struct create_body *b, int order[])
{
	int i, j, t;

	for (i = 0; i < b->n_allocations; i++)
		order[i] = i;
	for (i = 1; i < b->n_allocations; i++)
		for (j = i; j > 0 && strcmp(b->allocations[order[j - 1]].unit_type,
		    b->allocations[order[j]].unit_type) > 0; j--) {
			t = order[j];
			order[j] = order[j - 1];
			order[j - 1] = t;
		}
}

static int
create_insert(struct db *db, const struct create_write *w)
{
	const struct create_body *b = &w->body;
	char type_s[16], channel_s[16], currency_s[8], invoicing_s[24];
	char from_s[DATE_STR_LEN + 1], to_s[DATE_STR_LEN + 1];
	char cutoff_s[DATE_STR_LEN + 1];
	int definite = b->allotment_type == TYPE_ALLOTMENT;

	date_format(b->period_from, from_s);
	date_format(b->period_to, to_s);
	date_format(b->cutoff, cutoff_s);
	return db_exec(db, allotment_insert_sql, (struct db_param[]){
	    DB_STR(w->id), DB_STR(b->establishment), DB_STR(b->rate_plan),
	    DB_STR(enum_word(channel_types, b->channel_type, channel_s,
	    sizeof(channel_s))),
	    DB_STR(b->channel_external_id),
	    DB_STR(enum_word(allotment_types, b->allotment_type, type_s,
	    sizeof(type_s))),
	    DB_STR(enum_word(currencies, b->currency, currency_s,
	    sizeof(currency_s))),
	    DB_STR(from_s), DB_STR(to_s), DB_STR(cutoff_s),
	    DB_I64(w->minimum_bp),
	    b->penalty_state == FIELD_SET ? DB_I64(b->penalty) : DB_NULL,
	    b->complimentary_state == FIELD_SET ? DB_I64(b->complimentary) :
	    DB_NULL,
	    b->headcount_state == FIELD_SET ? DB_I64(b->headcount) : DB_NULL,
	    b->invoicing_mode_state == FIELD_SET ? DB_STR(enum_word(
	    invoicing_modes, b->invoicing_mode, invoicing_s,
	    sizeof(invoicing_s))) : DB_NULL,
	    b->billing_folio_state == FIELD_SET ? DB_STR(b->billing_folio) :
	    DB_NULL,
	    DB_STR(definite ? "definite" : "tentative"),
	    DB_I64(w->key_id) }, 18, NULL, NULL);
}

static int
create_apply(struct db *db, void *arg, struct write_refusal *why)
{
	struct create_write *w = arg;
	const struct create_body *b = &w->body;
	const struct allocation *a;
	int order[ALLOTMENT_MAX_ALLOCATIONS];
	char from_s[DATE_STR_LEN + 1];
	int definite = b->allotment_type == TYPE_ALLOTMENT;
	int i, rc;

	date_format(b->period_from, from_s);
	/* Rows for every night of the period (inside the horizon). */
	if (definite && (rc = inventory_ensure(db, b->establishment,
	    w->dates.business_date, w->horizon_end - 1, b->period_to - 1)) !=
	    DB_OK)
		return rc;
	if ((rc = create_insert(db, w)) != DB_OK)
		return rc;
	for (i = 0; i < b->n_allocations; i++) {
		a = &b->allocations[i];
		if ((rc = db_exec(db, allocation_insert_sql, (struct db_param[]){
		    DB_STR(w->id), DB_STR(a->unit_type), DB_I64(i),
		    DB_I64(a->quantity) }, 4, NULL, NULL)) != DB_OK)
			return rc;
		if ((rc = db_exec(db, nights_insert_sql, (struct db_param[]){
		    DB_STR(w->id), DB_STR(a->unit_type), DB_STR(from_s),
		    DB_I64(a->quantity), DB_I64(definite),
		    DB_I64(b->period_to - b->period_from) }, 6, NULL, NULL)) !=
		    DB_OK)
			return rc;
	}
	if (!definite)
		return DB_OK;
	allocation_order(b, order);
	for (i = 0; i < b->n_allocations; i++) {
		a = &b->allocations[order[i]];
		rc = inventory_commit(db, a->unit_type, b->period_from,
		    b->period_to, (int)a->quantity, why);
		if (rc != DB_OK)
			return rc;
	}
	return DB_OK;
}

static int
create_answer(struct request *rq, void *arg)
{
	const struct create_write *w = arg;

	/* Out of memory: nothing answered, the write rolls back (write.h). */
	return respond_created(rq, "allotmentId", w->id) == 0 ? 0 :
	    DB_ERR_NOMEM;
}

int
allotment_create(struct request *rq)
{
	struct create_write *w;
	int rc;

	/* ~3 KB: on the heap, with one owner (this function). */
	if ((w = calloc(1, sizeof(*w))) == NULL)
		return respond_error(rq, "INTERNAL_ERROR");
	w->rq = rq;
	w->key_id = rq->who.key_id;
	rc = write_create(rq, create_fields, &w->body, create_rules, w,
	    create_apply, create_answer, w->id);
	free(w);
	return rc;
}
