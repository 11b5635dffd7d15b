/*
 * contract_hold: the nights an active long-stay contract holds
 * (docs/long-stay-contracts.md "Activate"): one committed room of its
 * unit type per night (lib/inventory.c) and, when it names a unit, that
 * unit (unit_holds: one row per unit and night, so two contracts can never
 * hold one unit on one night, on one node or on Galera).  Shared by the
 * activation (cgi-bin/long-stay-contracts) and the night audit, which
 * extends open-ended contracts as the horizon moves (pms-admin).
 */
#ifndef PMS_CONTRACT_HOLD_H
#define PMS_CONTRACT_HOLD_H

#include <stdint.h>

struct db;
struct write_refusal;

/*
 * Holds [from, until) for contract_id, inside the caller's transaction
 * (rows ready through until - 1).  0; WRITE_REFUSED with why
 * CAPACITY_SATURATED (a night without room) or CONTRACT_UNIT_UNAVAILABLE
 * (unit_id held by another contract on a night), after which the caller
 * must roll back (rows before the refusal were changed); else a DB status.
 * unit_id NULL: the contract names a unit type only.
 */
int contract_hold(struct db *db, const char *contract_id,
    const char *unit_type_id, const char *unit_id, int32_t from,
    int32_t until, struct write_refusal *why);

#endif
