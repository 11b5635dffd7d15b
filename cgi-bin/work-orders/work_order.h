/*
 * work-orders: the AMAGE work-order API (seed amage-work-orders.pl.txt,
 * SPEC 3).  Shared within the family: the WorkOrderDto column map, the
 * reference checks, and the handlers of main.c's route table.
 */
#ifndef WORK_ORDER_H
#define WORK_ORDER_H

#include <cjson/cJSON.h>

#include "db.h"
#include "validate.h"

struct request;

/* The WorkOrderDto fields a client may send, as validator entries. */
extern const struct field work_order_fields[];

/* SELECT list of every WorkOrderDto field, in work_order_json()'s order. */
#define WORK_ORDER_SELECT \
	"SELECT id, uuid, name, description, type_uuid, state_name, " \
	"priority_name, archived, contract_uuid, contract_scope_uuid, " \
	"account_uuid, " WO_DT("created") ", " WO_DT("begin_date") ", " \
	WO_DT("deadline_date") ", notes, " WO_DT("start_date") ", " \
	WO_DT("finish_date") ", assigned_department_uuid, assigned_user_uuid, " \
	"assigned_contractor_uuid, verify_user_uuid, protocol_number, " \
	"parent_uuid, customer_uuid, location_uuid, place_of_work_uuid, " \
	"budget, hours_estimated, work_amount, work_amount_unit, " \
	"work_unit_minutes_total, work_unit_minutes, work_unit_price, " \
	"progress_completed, element_type_plan_completed, " \
	"element_type_plan_total_count, element_type_plan_completed_count, " \
	WO_DT("progress_completed_updated") ", " \
	WO_DT("element_type_plan_updated") " FROM work_orders "
#define WO_DT(col) "DATE_FORMAT(" col ", '%Y-%m-%dT%H:%i:%s')"

/* The WorkOrderDto of row r of a WORK_ORDER_SELECT result; owned by caller. */
cJSON *work_order_json(const struct db_rows *rows, int r);

/*
 * Checks that every uuid reference in body exists with its kind.  0 when
 * all do; 1 with a message ("Location not found: <uuid>") in msg when one
 * does not; or a negative DB status.
 */
int work_order_check_refs(struct db *db, const cJSON *body, char *msg,
    size_t msg_len);

/* Binds a JSON member for SQL: string, number, bool as 0/1, or NULL.
   Date-times get their 'T' replaced in the caller-provided buffer. */
struct db_param work_order_param(const cJSON *body, const char *name,
    char *buf, size_t buf_len);

int work_order_count(struct request *rq);
int work_order_get(struct request *rq);
int work_order_add(struct request *rq);

#endif
