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

int contract_create(struct request *rq);
int contract_get(struct request *rq);

/*
 * The contract id as GET answers it, into *out (the caller owns it): 0,
 * 1 when there is no such contract, or a negative DB status.
 */
int contract_json_load(struct db *db, const char *id, cJSON **out);

#endif
