/*
 * POST /v1/long-stay-contracts (seed long-stay-contracts.fr.txt, SPEC 2.5,
 * docs/long-stay-contracts.md): a seasonal contract in `draft` with its
 * installments.  Every rule is judged before the write, the body's own
 * first, then what needs the establishment (one query: its business date,
 * the guest, the unit, the unit type code, the contract renewed), so one
 * 400 lists every bad field.  Money stays integer cents throughout.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth.h"
#include "body.h"
#include "contracts.h"
#include "datetime.h"
#include "db.h"
#include "envelope.h"
#include "request.h"
#include "resource.h"
#include "uuid.h"
#include "validate.h"
#include "write.h"

#define NOTICE_DAYS_DEFAULT 30
#define NOTICE_DAYS_MAX 3650
#define UNIT_TYPE_CODE_MAX 32
#define EXEMPT_BASIS_MAX 500

static const char currencies[] = "EUR GBP";
static const char deposit_natures[] = "arrhes acompte";
static const char termination_policies[] =
    "pro_rata_nuits forfait_frais contractuel";

struct installment {
	char id[UUID_STR_LEN + 1];
	enum field_state id_state;
	int64_t seq_no;
	enum field_state seq_no_state;
	int32_t due;
	enum field_state due_state;
	int64_t amount;
	enum field_state amount_state;
	int currency;
	enum field_state currency_state;
};

struct create_body {
	char establishment[UUID_STR_LEN + 1];
	enum field_state establishment_state;
	char guest[UUID_STR_LEN + 1];
	enum field_state guest_state;
	char unit[UUID_STR_LEN + 1];
	enum field_state unit_state;
	const char *unit_type;			/* borrowed: a code */
	enum field_state unit_type_state;
	int32_t period_start, period_end;
	enum field_state period_start_state, period_end_state;
	int64_t total;
	enum field_state total_state;
	int currency;
	enum field_state currency_state;
	struct installment installments[CONTRACT_MAX_INSTALLMENTS];
	int n_installments;
	enum field_state installments_state;
	int64_t notice_days;			/* default 30 */
	int deposit_nature;
	enum field_state deposit_nature_state;
	int termination_policy;			/* default pro_rata_nuits */
	int tax_exempt;				/* default false */
	const char *exempt_basis;		/* borrowed */
	enum field_state exempt_basis_state;
	char previous[UUID_STR_LEN + 1];
	enum field_state previous_state;
};

static const struct field installment_fields[] = {
	{ .name = "id", .kind = FIELD_UUID, .flags = F_REQUIRED,
	  FIELD_AT(struct installment, id),
	  FIELD_STATE(struct installment, id_state) },
	{ .name = "seqNo", .kind = FIELD_INT, .flags = F_REQUIRED,
	  .min = 1, .max = CONTRACT_MAX_INSTALLMENTS * 1000,
	  FIELD_AT(struct installment, seq_no),
	  FIELD_STATE(struct installment, seq_no_state) },
	{ .name = "dueDate", .kind = FIELD_DATE, .flags = F_REQUIRED,
	  FIELD_AT(struct installment, due),
	  FIELD_STATE(struct installment, due_state) },
	{ .name = "amountCents", .kind = FIELD_CENTS, .flags = F_REQUIRED,
	  FIELD_AT(struct installment, amount),
	  FIELD_STATE(struct installment, amount_state) },
	{ .name = "currency", .kind = FIELD_ENUM, .flags = F_REQUIRED,
	  .one_of = currencies, FIELD_AT(struct installment, currency),
	  FIELD_STATE(struct installment, currency_state) },
	{ .name = NULL }
};

static const struct field create_fields[] = {
	{ .name = "establishmentId", .kind = FIELD_UUID, .flags = F_REQUIRED,
	  FIELD_AT(struct create_body, establishment),
	  FIELD_STATE(struct create_body, establishment_state) },
	{ .name = "guestProfileId", .kind = FIELD_UUID, .flags = F_REQUIRED,
	  FIELD_AT(struct create_body, guest),
	  FIELD_STATE(struct create_body, guest_state) },
	{ .name = "unitId", .kind = FIELD_UUID, .flags = F_NULLABLE,
	  FIELD_AT(struct create_body, unit),
	  FIELD_STATE(struct create_body, unit_state) },
	{ .name = "unitType", .kind = FIELD_STRING, .flags = F_NULLABLE,
	  .min = 1, .max = UNIT_TYPE_CODE_MAX,
	  FIELD_AT(struct create_body, unit_type),
	  FIELD_STATE(struct create_body, unit_type_state) },
	{ .name = "periodStart", .kind = FIELD_DATE, .flags = F_REQUIRED,
	  FIELD_AT(struct create_body, period_start),
	  FIELD_STATE(struct create_body, period_start_state) },
	{ .name = "periodEnd", .kind = FIELD_DATE, .flags = F_NULLABLE,
	  FIELD_AT(struct create_body, period_end),
	  FIELD_STATE(struct create_body, period_end_state) },
	{ .name = "totalAmountCents", .kind = FIELD_CENTS,
	  .flags = F_REQUIRED, FIELD_AT(struct create_body, total),
	  FIELD_STATE(struct create_body, total_state) },
	{ .name = "currency", .kind = FIELD_ENUM, .flags = F_REQUIRED,
	  .one_of = currencies, FIELD_AT(struct create_body, currency),
	  FIELD_STATE(struct create_body, currency_state) },
	{ .name = "installments", .kind = FIELD_ARRAY, .flags = F_REQUIRED,
	  .min = 1, .max = CONTRACT_MAX_INSTALLMENTS,
	  .items = installment_fields,
	  FIELD_ARRAY_AT(struct create_body, installments, n_installments),
	  FIELD_STATE(struct create_body, installments_state) },
	{ .name = "noticePeriodDays", .kind = FIELD_INT, .min = 0,
	  .max = NOTICE_DAYS_MAX,
	  FIELD_AT(struct create_body, notice_days) },
	{ .name = "depositNature", .kind = FIELD_ENUM, .flags = F_NULLABLE,
	  .one_of = deposit_natures,
	  FIELD_AT(struct create_body, deposit_nature),
	  FIELD_STATE(struct create_body, deposit_nature_state) },
	{ .name = "terminationPolicy", .kind = FIELD_ENUM,
	  .one_of = termination_policies,
	  FIELD_AT(struct create_body, termination_policy) },
	{ .name = "tourismTaxExempt", .kind = FIELD_BOOL,
	  FIELD_AT(struct create_body, tax_exempt) },
	{ .name = "tourismTaxExemptBasis", .kind = FIELD_STRING,
	  .flags = F_NULLABLE, .min = 0, .max = EXEMPT_BASIS_MAX,
	  FIELD_AT(struct create_body, exempt_basis),
	  FIELD_STATE(struct create_body, exempt_basis_state) },
	{ .name = "previousContractId", .kind = FIELD_UUID,
	  .flags = F_NULLABLE,
	  FIELD_AT(struct create_body, previous),
	  FIELD_STATE(struct create_body, previous_state) },
	{ .name = NULL }
};

/* The request's write: the body, what the rules resolved, the new id. */
struct create_write {
	struct request *rq;
	struct create_body body;
	char unit_type_id[UUID_STR_LEN + 1];	/* "" when neither given */
	char id[UUID_STR_LEN + 1];
	int64_t key_id;
};

/* One round trip for every reference of the body (absent ones as ""). */
static const char references_sql[] =
    "SELECT DATE_FORMAT(e.business_date, '%Y-%m-%d'), "
    "(SELECT COUNT(*) FROM guest_profiles "
    "  WHERE id = ? AND establishment_id = e.id), "
    "(SELECT unit_type_id FROM units WHERE id = ? AND establishment_id = e.id), "
    "(SELECT id FROM unit_types WHERE code = ? AND establishment_id = e.id), "
    "(SELECT establishment_id FROM long_stay_contracts WHERE id = ?), "
    "(SELECT guest_profile_id FROM long_stay_contracts WHERE id = ?) "
    "FROM establishments e WHERE e.id = ?";
enum { REF_BUSINESS_DATE, REF_GUEST, REF_UNIT_TYPE_OF_UNIT,
    REF_UNIT_TYPE_OF_CODE, REF_PREVIOUS_EST, REF_PREVIOUS_GUEST };

static const char contract_insert_sql[] =
    "INSERT INTO long_stay_contracts (id, establishment_id, "
    "guest_profile_id, unit_id, unit_type_code, unit_type_id, "
    "period_start, period_end, total_amount_cents, currency, "
    "notice_period_days, deposit_nature, termination_policy, "
    "tourism_tax_exempt, tourism_tax_exempt_basis, previous_contract_id, "
    "created_by_key) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
static const char installment_insert_sql[] =
    "INSERT INTO long_stay_installments (contract_id, seq_no, id, "
    "due_date, amount_cents, currency) VALUES (?, ?, ?, ?, ?, ?)";

/* Adds "installments[i].member" with reason. */
static void
installment_issue(struct validation *v, int i, const char *member,
    enum reason reason)
{
	char path[FIELD_PATH_MAX];

	snprintf(path, sizeof(path), "installments[%d].%s", i, member);
	validation_add(v, path, reason);
}

/* seqNo 1..n without repeat (so without gap), ids unique, each currency
   the contract's, due dates not decreasing with seqNo. */
static void
installment_rules(const struct create_body *b, struct validation *v)
{
	const struct installment *in = b->installments, *x, *y;
	int n = b->n_installments, i, j;

	for (j = 0; j < n; j++) {
		y = &in[j];
		if (y->seq_no_state == FIELD_SET && y->seq_no > n)
			installment_issue(v, j, "seqNo", REASON_OUT_OF_RANGE);
		for (i = 0; i < j; i++) {
			x = &in[i];
			if (x->seq_no_state == FIELD_SET &&
			    y->seq_no_state == FIELD_SET &&
			    x->seq_no == y->seq_no) {
				installment_issue(v, j, "seqNo",
				    REASON_DUPLICATE);
				break;
			}
		}
		for (i = 0; i < j; i++) {
			x = &in[i];
			if (x->id_state == FIELD_SET &&
			    y->id_state == FIELD_SET &&
			    strcmp(x->id, y->id) == 0) {
				installment_issue(v, j, "id", REASON_DUPLICATE);
				break;
			}
		}
		if (y->currency_state == FIELD_SET &&
		    b->currency_state == FIELD_SET &&
		    y->currency != b->currency)
			installment_issue(v, j, "currency", REASON_MISMATCH);
		/* Out of order: an earlier seqNo falls due later. */
		for (i = 0; i < n; i++) {
			x = &in[i];
			if (i != j && x->seq_no_state == FIELD_SET &&
			    y->seq_no_state == FIELD_SET &&
			    x->due_state == FIELD_SET &&
			    y->due_state == FIELD_SET &&
			    x->seq_no < y->seq_no && x->due > y->due) {
				installment_issue(v, j, "dueDate",
				    REASON_OUT_OF_ORDER);
				break;
			}
		}
	}
}

/* The installments add up to the total exactly (when all were read). */
static void
installment_sum_rule(const struct create_body *b, struct validation *v)
{
	uint64_t sum = 0;
	int i;

	if (b->total_state != FIELD_SET || b->installments_state != FIELD_SET)
		return;
	for (i = 0; i < b->n_installments; i++) {
		if (b->installments[i].amount_state != FIELD_SET)
			return;
		/* Each amount and the total are below 10^18: stopping once
		   the sum passes the total keeps it below 2 x 10^18. */
		sum += (uint64_t)b->installments[i].amount;
		if (sum > (uint64_t)b->total)
			break;
	}
	if (sum != (uint64_t)b->total)
		validation_add(v, "totalAmountCents", REASON_MISMATCH);
}

/* The rules of SPEC 2.5 that need only the body. */
static void
create_body_rules(const struct create_body *b, struct validation *v)
{
	if (b->period_start_state == FIELD_SET &&
	    b->period_end_state == FIELD_SET &&
	    b->period_end <= b->period_start)
		validation_add(v, "periodEnd", REASON_BEFORE_START);
	/* A basis already refused (too long, not a string) is not also
	   missing. */
	if (b->tax_exempt && (b->exempt_basis_state == FIELD_ABSENT ||
	    b->exempt_basis_state == FIELD_NULL ||
	    (b->exempt_basis_state == FIELD_SET &&
	    b->exempt_basis[0] == '\0')))
		validation_add(v, "tourismTaxExemptBasis", REASON_REQUIRED);
	installment_rules(b, v);
	installment_sum_rule(b, v);
}

/* What needs the establishment: scope, business date, references. */
static void
create_establishment_rules(struct create_write *w, struct validation *v)
{
	const struct create_body *b = &w->body;
	struct db_rows *rows = NULL;
	const char *cell, *of_unit, *of_code;
	int32_t business_date;
	int rc;

	if (b->establishment_state != FIELD_SET)
		return;
	if (!auth_scope_allows(w->rq, b->establishment)) {
		v->refusal = "OUT_OF_SCOPE";
		return;
	}
	if ((rc = db_query(w->rq->db, references_sql, (struct db_param[]){
	    DB_STR(b->guest_state == FIELD_SET ? b->guest : ""),
	    DB_STR(b->unit_state == FIELD_SET ? b->unit : ""),
	    DB_STR(b->unit_type_state == FIELD_SET ? b->unit_type : ""),
	    DB_STR(b->previous_state == FIELD_SET ? b->previous : ""),
	    DB_STR(b->previous_state == FIELD_SET ? b->previous : ""),
	    DB_STR(b->establishment) }, 6, &rows)) != DB_OK) {
		v->refusal = db_failure_code(rc);
		return;
	}
	if (rows->nrows == 0) {
		v->refusal = "ESTABLISHMENT_NOT_FOUND";
		goto done;
	}
	if (date_parse(db_cell(rows, 0, REF_BUSINESS_DATE),
	    &business_date) != 0) {
		v->refusal = "INTERNAL_ERROR";
		goto done;
	}
	if (b->period_start_state == FIELD_SET &&
	    b->period_start < business_date)
		validation_add(v, "periodStart", REASON_IN_PAST);
	if (b->guest_state == FIELD_SET &&
	    strcmp(db_cell(rows, 0, REF_GUEST), "0") == 0)
		validation_add(v, "guestProfileId", REASON_UNKNOWN_REFERENCE);
	of_unit = db_cell(rows, 0, REF_UNIT_TYPE_OF_UNIT);
	of_code = db_cell(rows, 0, REF_UNIT_TYPE_OF_CODE);
	if (b->unit_state == FIELD_SET && of_unit == NULL)
		validation_add(v, "unitId", REASON_UNKNOWN_REFERENCE);
	if (b->unit_type_state == FIELD_SET && of_code == NULL)
		validation_add(v, "unitType", REASON_UNKNOWN_REFERENCE);
	else if (b->unit_type_state == FIELD_SET && of_unit != NULL &&
	    strcmp(of_unit, of_code) != 0)
		validation_add(v, "unitType", REASON_MISMATCH);
	if ((cell = of_unit != NULL ? of_unit : of_code) != NULL)
		snprintf(w->unit_type_id, sizeof(w->unit_type_id), "%s", cell);
	if (b->previous_state == FIELD_SET) {
		cell = db_cell(rows, 0, REF_PREVIOUS_EST);
		if (cell == NULL || strcmp(cell, b->establishment) != 0)
			validation_add(v, "previousContractId",
			    REASON_UNKNOWN_REFERENCE);
		else if (b->guest_state == FIELD_SET && strcmp(db_cell(rows, 0,
		    REF_PREVIOUS_GUEST), b->guest) != 0)
			validation_add(v, "previousContractId",
			    REASON_MISMATCH);
	}
done:
	db_rows_free(rows);
}

static void
create_rules(const void *dest, void *ctx, struct validation *v)
{
	struct create_write *w = ctx;

	(void)dest;	/* &w->body */
	create_body_rules(&w->body, v);
	create_establishment_rules(w, v);
}

static int
create_insert(struct db *db, const struct create_write *w)
{
	const struct create_body *b = &w->body;
	char start_s[DATE_STR_LEN + 1], end_s[DATE_STR_LEN + 1];
	char currency_s[8], deposit_s[16], policy_s[24];

	date_format(b->period_start, start_s);
	if (b->period_end_state == FIELD_SET)
		date_format(b->period_end, end_s);
	return db_exec(db, contract_insert_sql, (struct db_param[]){
	    DB_STR(w->id), DB_STR(b->establishment), DB_STR(b->guest),
	    b->unit_state == FIELD_SET ? DB_STR(b->unit) : DB_NULL,
	    b->unit_type_state == FIELD_SET ? DB_STR(b->unit_type) : DB_NULL,
	    w->unit_type_id[0] != '\0' ? DB_STR(w->unit_type_id) : DB_NULL,
	    DB_STR(start_s),
	    b->period_end_state == FIELD_SET ? DB_STR(end_s) : DB_NULL,
	    DB_I64(b->total),
	    DB_STR(enum_word(currencies, b->currency, currency_s,
	    sizeof(currency_s))),
	    DB_I64(b->notice_days),
	    b->deposit_nature_state == FIELD_SET ? DB_STR(enum_word(
	    deposit_natures, b->deposit_nature, deposit_s,
	    sizeof(deposit_s))) : DB_NULL,
	    DB_STR(enum_word(termination_policies, b->termination_policy,
	    policy_s, sizeof(policy_s))),
	    DB_I64(b->tax_exempt),
	    b->exempt_basis_state == FIELD_SET ? DB_STR(b->exempt_basis) :
	    DB_NULL,
	    b->previous_state == FIELD_SET ? DB_STR(b->previous) : DB_NULL,
	    DB_I64(w->key_id) }, 17, NULL, NULL);
}

static int
create_apply(struct db *db, void *arg, struct write_refusal *why)
{
	struct create_write *w = arg;
	const struct installment *in;
	char due_s[DATE_STR_LEN + 1], currency_s[8];
	int i, rc;

	(void)why;	/* every rule was judged before the write */
	if ((rc = create_insert(db, w)) != DB_OK)
		return rc;
	for (i = 0; i < w->body.n_installments; i++) {
		in = &w->body.installments[i];
		date_format(in->due, due_s);
		if ((rc = db_exec(db, installment_insert_sql, (struct db_param[]){
		    DB_STR(w->id), DB_I64(in->seq_no), DB_STR(in->id),
		    DB_STR(due_s), DB_I64(in->amount),
		    DB_STR(enum_word(currencies, in->currency, currency_s,
		    sizeof(currency_s))) }, 6, NULL, NULL)) != DB_OK)
			return rc;
	}
	return DB_OK;
}

static int
create_answer(struct request *rq, void *arg)
{
	const struct create_write *w = arg;

	/* Out of memory: nothing answered, the write rolls back (write.h). */
	return respond_created(rq, "contractId", w->id) == 0 ? 0 :
	    DB_ERR_NOMEM;
}

int
contract_create(struct request *rq)
{
	struct create_write *w;
	int rc;

	/* ~40 KB with its installments: on the heap, owned here. */
	if ((w = calloc(1, sizeof(*w))) == NULL)
		return respond_error(rq, "INTERNAL_ERROR");
	w->rq = rq;
	w->key_id = rq->who.key_id;
	w->body.notice_days = NOTICE_DAYS_DEFAULT;
	w->body.termination_policy = 0;		/* pro_rata_nuits */
	rc = write_create(rq, create_fields, &w->body, create_rules, w,
	    create_apply, create_answer, w->id);
	free(w);
	return rc;
}
