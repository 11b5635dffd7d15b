/*
 * long-stay-contracts: the family's handlers and what they share
 * (docs/long-stay-contracts.md).
 */
#ifndef PMS_CONTRACTS_H
#define PMS_CONTRACTS_H

#include <cjson/cJSON.h>

struct db;
struct request;

#define CONTRACT_MAX_INSTALLMENTS 400

struct db_rows;

/*
 * A contract's columns, from long_stay_contracts c joined to its
 * establishments e; the money view (docs/long-stay-contracts.md "Read")
 * is summed in SQL integers.
 */
#define CONTRACT_COLUMNS \
    "c.id, c.establishment_id, c.guest_profile_id, c.unit_id, " \
    "c.unit_type_code, DATE_FORMAT(c.period_start, '%Y-%m-%d'), " \
    "DATE_FORMAT(c.period_end, '%Y-%m-%d'), c.total_amount_cents, " \
    "c.currency, c.notice_period_days, c.deposit_nature, " \
    "c.termination_policy, c.tourism_tax_exempt, " \
    "c.tourism_tax_exempt_basis, c.previous_contract_id, c.status, " \
    "(SELECT COALESCE(SUM(i.amount_cents), 0) " \
    "  FROM long_stay_installments i WHERE i.contract_id = c.id " \
    "  AND i.due_date >= e.business_date AND c.status <> 'cancelled'), " \
    "(SELECT DATE_FORMAT(MIN(i.due_date), '%Y-%m-%d') " \
    "  FROM long_stay_installments i WHERE i.contract_id = c.id " \
    "  AND i.due_date >= e.business_date AND c.status <> 'cancelled')"

int contract_create(struct request *rq);
int contract_get(struct request *rq);
int contract_list(struct request *rq);
int contract_cancel(struct request *rq);
int contract_activate(struct request *rq);

/*
 * A contract of the list (list.h list_item_fn): the CONTRACT_COLUMNS of
 * row first, from column col, without installments and renewal chain.
 */
int contract_json(const struct db_rows *rows, int first, int col,
    cJSON **out, int *next);

/*
 * The contract id as GET answers it, into *out (the caller owns it): 0,
 * 1 when there is no such contract, or a negative DB status.
 */
int contract_json_load(struct db *db, const char *id, cJSON **out);

/* An action's answer (write.h answer): 200 with contract id as GET
   answers it, read in the action's transaction. */
int contract_answer(struct request *rq, const char *id);

#endif
