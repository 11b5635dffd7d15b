/* contract_hold: a long-stay contract's nights (contract_hold.h). */
#include <stddef.h>

#include "contract_hold.h"
#include "datetime.h"
#include "db.h"
#include "inventory.h"
#include "write.h"

static const char hold_sql[] =
    "INSERT INTO unit_holds (unit_id, night, contract_id) "
    "SELECT ?, CAST(? AS DATE) + INTERVAL seq DAY, ? "
    "FROM seq_0_to_3660 WHERE seq < ? ORDER BY seq";

int
contract_hold(struct db *db, const char *contract_id,
    const char *unit_type_id, const char *unit_id, int32_t from,
    int32_t until, struct write_refusal *why)
{
	char from_s[DATE_STR_LEN + 1];
	int rc;

	if (until <= from)
		return DB_OK;
	if ((rc = inventory_commit(db, unit_type_id, from, until, 1, why)) !=
	    DB_OK || unit_id == NULL)
		return rc;
	date_format(from, from_s);
	rc = db_exec(db, hold_sql, (struct db_param[]){ DB_STR(unit_id),
	    DB_STR(from_s), DB_STR(contract_id), DB_I64(until - from) }, 4,
	    NULL, NULL);
	return rc == DB_ERR_DUPLICATE ? write_refuse(why,
	    "CONTRACT_UNIT_UNAVAILABLE", NULL) : rc;
}
