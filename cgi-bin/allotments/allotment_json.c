/*
 * allotments: an allotment and a pickup as the family answers them (SPEC
 * 2.7, docs/allotments.md "Answers").  allotment_json builds an allotment
 * from the rows of a query that LEFT JOINs its allocations onto it (one
 * row per allocation, ALLOTMENT_COLUMNS), so GET and the list read it the
 * same way; allotment_json_load adds each allocation's nights from a
 * second query, for GET and the actions that answer as GET does.
 * reservation_json builds a pickup from one RESERVATION_COLUMNS row, for
 * the rooming list and reservation_json_load.
 *
 * Kinds: counts are JSON integers, money (cents) digit strings, hundredths
 * of a percent (minimum_pickup_bp, pickup_bp) JSON numbers (7050 -> 70.5),
 * an optional column that is NULL a JSON null.
 */
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "allotments.h"
#include "db.h"
#include "row_json.h"

static const char allotment_load_sql[] =
    "SELECT " ALLOTMENT_COLUMNS " FROM allotments a "
    "LEFT JOIN allotment_allocations al ON al.allotment_id = a.id "
    "WHERE a.id = ? ORDER BY al.position";

/* remaining: what can still be picked up, 0 once the night is closed. */
static const char allotment_nights_sql[] =
    "SELECT unit_type_id, DATE_FORMAT(night, '%Y-%m-%d'), allocated, "
    "picked, IF(is_open, allocated - picked, 0) "
    "FROM allotment_nights WHERE allotment_id = ? "
    "ORDER BY unit_type_id, night";
enum { NIGHT_COL_TYPE, NIGHT_COL_DATE, NIGHT_COL_ALLOCATED,
    NIGHT_COL_PICKED, NIGHT_COL_REMAINING };

static const char reservation_load_sql[] =
    "SELECT " RESERVATION_COLUMNS " FROM allotment_reservations r "
    "WHERE r.id = ? AND r.allotment_id = ?";

/* ---- the allotment --------------------------------------------------------- */

/* Before "unitAllocations". */
static const struct member allotment_head[] = {
	{ "id", ALLOTMENT_COL_ID, AS_STRING },
	{ "establishmentId", ALLOTMENT_COL_ESTABLISHMENT, AS_STRING },
	{ "ratePlanId", ALLOTMENT_COL_RATE_PLAN, AS_STRING },
	{ "channelType", ALLOTMENT_COL_CHANNEL_TYPE, AS_STRING },
	{ "channelExternalId", ALLOTMENT_COL_CHANNEL_EXTERNAL_ID, AS_STRING },
	{ "allotmentType", ALLOTMENT_COL_TYPE, AS_STRING },
	{ "currency", ALLOTMENT_COL_CURRENCY, AS_STRING },
	{ "periodFrom", ALLOTMENT_COL_PERIOD_FROM, AS_STRING },
	{ "periodTo", ALLOTMENT_COL_PERIOD_TO, AS_STRING },
};

/* After "unitAllocations", before "allocations". */
static const struct member allotment_terms[] = {
	{ "cutoffDate", ALLOTMENT_COL_CUTOFF_DATE, AS_STRING },
	{ "minimumPickupPercent", ALLOTMENT_COL_MINIMUM_PICKUP_BP, AS_PERCENT },
	{ "penaltyPerRoomNightCents", ALLOTMENT_COL_PENALTY_CENTS, AS_STRING },
	{ "complimentaryRooms", ALLOTMENT_COL_COMPLIMENTARY, AS_COUNT },
	{ "contractualHeadcount", ALLOTMENT_COL_HEADCOUNT, AS_COUNT },
	{ "invoicingMode", ALLOTMENT_COL_INVOICING_MODE, AS_STRING },
	{ "billingFolioId", ALLOTMENT_COL_BILLING_FOLIO, AS_STRING },
	{ "status", ALLOTMENT_COL_STATUS, AS_STRING },
};

static const struct member allotment_allocation[] = {
	{ "unitTypeId", ALLOTMENT_COL_ALLOCATION_TYPE, AS_STRING },
	{ "quantity", ALLOTMENT_COL_ALLOCATION_QUANTITY, AS_COUNT },
};

static const struct member allotment_cutoff[] = {
	{ "date", ALLOTMENT_COL_CUTOFF_DATE, AS_STRING },
	{ "state", ALLOTMENT_COL_CUTOFF_STATE, AS_STRING },
};

static const struct member allotment_result[] = {
	{ "contractedRoomNights", ALLOTMENT_COL_CONTRACTED, AS_COUNT },
	{ "pickedUpRoomNights", ALLOTMENT_COL_PICKED, AS_COUNT },
	{ "pickupPercent", ALLOTMENT_COL_PICKUP_BP, AS_PERCENT },
	{ "penaltyCents", ALLOTMENT_COL_RESULT_PENALTY, AS_STRING },
};

/* The allocations of the rows of one allotment, from first, into list
   and again into detailed; *next: the row after them.  0 or -1. */
static int
allocations_json(const struct db_rows *rows, int first, int col,
    cJSON *list, cJSON *detailed, int *next)
{
	const char *id = db_cell(rows, first, col + ALLOTMENT_COL_ID);
	cJSON *a, *b;
	int r;

	for (r = first; r < rows->nrows &&
	    strcmp(db_cell(rows, r, col + ALLOTMENT_COL_ID), id) == 0; r++) {
		/* The LEFT JOIN's row of an allotment without allocations. */
		if (db_cell(rows, r, col + ALLOTMENT_COL_ALLOCATION_TYPE) == NULL)
			continue;
		if ((a = members_json(allotment_allocation,
		    NMEMBERS(allotment_allocation), rows, r, col)) == NULL)
			return -1;
		cJSON_AddItemToArray(list, a);
		if ((b = cJSON_Duplicate(a, 1)) == NULL)
			return -1;
		cJSON_AddItemToArray(detailed, b);
	}
	*next = r;
	return 0;
}

/* "cutoff": {"date","state"}, with "result" once done: the figures, or
   null when the cutoff recorded none (a cancelled allotment).  0 or -1. */
static int
cutoff_json(cJSON *o, const struct db_rows *rows, int r, int col)
{
	const char *state = db_cell(rows, r, col + ALLOTMENT_COL_CUTOFF_STATE);
	cJSON *cutoff, *result;

	if ((cutoff = members_json(allotment_cutoff,
	    NMEMBERS(allotment_cutoff), rows, r, col)) == NULL)
		return -1;
	cJSON_AddItemToObject(o, "cutoff", cutoff);
	if (strcmp(state, "done") != 0)
		return 0;
	if (db_cell(rows, r, col + ALLOTMENT_COL_CONTRACTED) == NULL)
		result = cJSON_CreateNull();
	else
		result = members_json(allotment_result,
		    NMEMBERS(allotment_result), rows, r, col);
	if (result == NULL)
		return -1;
	cJSON_AddItemToObject(cutoff, "result", result);
	return 0;
}

int
allotment_json(const struct db_rows *rows, int first, int col, cJSON **out,
    int *next)
{
	cJSON *o, *list, *detailed;
	int rc = -1;

	*out = NULL;
	if ((o = members_json(allotment_head, NMEMBERS(allotment_head), rows,
	    first, col)) == NULL ||
	    (list = cJSON_AddArrayToObject(o, "unitAllocations")) == NULL ||
	    add_members(o, allotment_terms, NMEMBERS(allotment_terms), rows,
	    first, col) != 0 ||
	    (detailed = cJSON_AddArrayToObject(o, "allocations")) == NULL ||
	    allocations_json(rows, first, col, list, detailed, next) != 0 ||
	    cutoff_json(o, rows, first, col) != 0)
		goto done;
	*out = o;
	o = NULL;
	rc = 0;
done:
	cJSON_Delete(o);
	return rc;
}

/* ---- the nights, for GET ----------------------------------------------------- */

static const struct member allotment_night[] = {
	{ "date", NIGHT_COL_DATE, AS_STRING },
	{ "allocated", NIGHT_COL_ALLOCATED, AS_COUNT },
	{ "picked", NIGHT_COL_PICKED, AS_COUNT },
	{ "remaining", NIGHT_COL_REMAINING, AS_COUNT },
};

/* The allocation of allocations whose unitTypeId is type, or NULL. */
static cJSON *
allocation_find(cJSON *allocations, const char *type)
{
	cJSON *a;

	cJSON_ArrayForEach(a, allocations)
		if (strcmp(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(
		    a, "unitTypeId")), type) == 0)
			return a;
	return NULL;
}

/* Gives each allocation of o its "nights" (rows grouped by unit type,
   each group in date order; an allocation without rows gets []). */
static int
allotment_nights_json(cJSON *o, const struct db_rows *rows)
{
	cJSON *allocations = cJSON_GetObjectItemCaseSensitive(o, "allocations");
	cJSON *a, *nights = NULL, *n;
	const char *type = NULL;
	int r;

	cJSON_ArrayForEach(a, allocations)
		if (cJSON_AddArrayToObject(a, "nights") == NULL)
			return -1;
	for (r = 0; r < rows->nrows; r++) {
		if (type == NULL || strcmp(type,
		    db_cell(rows, r, NIGHT_COL_TYPE)) != 0) {
			type = db_cell(rows, r, NIGHT_COL_TYPE);
			a = allocation_find(allocations, type);
			nights = a != NULL ?
			    cJSON_GetObjectItemCaseSensitive(a, "nights") : NULL;
		}
		if (nights == NULL)
			continue;	/* a night of no allocation: not ours */
		if ((n = members_json(allotment_night,
		    NMEMBERS(allotment_night), rows, r, 0)) == NULL)
			return -1;
		cJSON_AddItemToArray(nights, n);
	}
	return 0;
}

int
allotment_json_load(struct db *db, const char *id, cJSON **out)
{
	struct db_rows *rows = NULL, *nights = NULL;
	cJSON *o = NULL;
	int rc, next;

	*out = NULL;
	rc = db_query(db, allotment_load_sql, (struct db_param[]){ DB_STR(id) },
	    1, &rows);
	if (rc != DB_OK)
		goto done;
	if (rows->nrows == 0) {
		rc = 1;
		goto done;
	}
	rc = db_query(db, allotment_nights_sql,
	    (struct db_param[]){ DB_STR(id) }, 1, &nights);
	if (rc != DB_OK)
		goto done;
	if (allotment_json(rows, 0, 0, &o, &next) != 0 ||
	    allotment_nights_json(o, nights) != 0) {
		rc = DB_ERR_FAILED;
		goto done;
	}
	*out = o;
	o = NULL;
done:
	cJSON_Delete(o);
	db_rows_free(nights);
	db_rows_free(rows);
	return rc;
}

/* ---- a pickup ------------------------------------------------------------------ */

static const struct member reservation_entry[] = {
	{ "reservationId", RESERVATION_COL_ID, AS_STRING },
	{ "checkInDate", RESERVATION_COL_CHECK_IN, AS_STRING },
	{ "checkOutDate", RESERVATION_COL_CHECK_OUT, AS_STRING },
	{ "unitTypeId", RESERVATION_COL_UNIT_TYPE, AS_STRING },
	{ "quantity", RESERVATION_COL_QUANTITY, AS_COUNT },
	{ "status", RESERVATION_COL_STATUS, AS_STRING },
	{ "bookerContactName", RESERVATION_COL_BOOKER_NAME, AS_STRING },
	{ "businessDateAtCreation", RESERVATION_COL_BUSINESS_DATE, AS_STRING },
	{ "ratePlanId", RESERVATION_COL_RATE_PLAN, AS_STRING },
	{ "guestProfileId", RESERVATION_COL_GUEST_PROFILE, AS_STRING },
	{ "channelType", RESERVATION_COL_CHANNEL_TYPE, AS_STRING },
	{ "segment", RESERVATION_COL_SEGMENT, AS_STRING },
	{ "bookerContactEmail", RESERVATION_COL_BOOKER_EMAIL, AS_STRING },
	{ "bookerPersonGuestId", RESERVATION_COL_BOOKER_GUEST, AS_STRING },
};

int
reservation_json(const struct db_rows *rows, int first, int col,
    cJSON **out, int *next)
{
	*out = members_json(reservation_entry, NMEMBERS(reservation_entry),
	    rows, first, col);
	*next = first + 1;
	return *out != NULL ? 0 : -1;
}

int
reservation_json_load(struct db *db, const char *allotment_id,
    const char *reservation_id, cJSON **out)
{
	struct db_rows *rows = NULL;
	int rc, next;

	*out = NULL;
	rc = db_query(db, reservation_load_sql, (struct db_param[]){
	    DB_STR(reservation_id), DB_STR(allotment_id) }, 2, &rows);
	if (rc != DB_OK)
		goto done;
	if (rows->nrows == 0)
		rc = 1;
	else if (reservation_json(rows, 0, 0, out, &next) != 0)
		rc = DB_ERR_FAILED;
done:
	db_rows_free(rows);
	return rc;
}
