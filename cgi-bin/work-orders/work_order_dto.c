/*
 * The WorkOrderDto: which fields a client may send and their kinds, how
 * the stored JSON of a row (schema/005, null for empty optional fields)
 * becomes the seed's object, and the check that every referenced uuid
 * exists with its kind.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "datetime.h"
#include "json.h"
#include "uuid.h"
#include "work_order.h"

#define NUM(n)	{ .name = n, .kind = FIELD_NUMBER, .flags = F_NULLABLE, .dmin = 0, .dmax = 1e15 }
#define REF(n)	{ .name = n, .kind = FIELD_UUID, .flags = F_NULLABLE }
#define DT(n)	{ .name = n, .kind = FIELD_DATETIME, .flags = F_NULLABLE }

/*
 * The WorkOrderDto fields after id and uuid.  Server-maintained fields
 * (created, progress, plan counts, their timestamps) are accepted when
 * well-formed and ignored (SPEC 3).
 */
#define WORK_ORDER_DTO_FIELDS \
	{ .name = "name", .kind = FIELD_STRING, .flags = F_NULLABLE, .max = 255 }, \
	{ .name = "description", .kind = FIELD_STRING, .flags = F_NULLABLE, .max = TEXT_MAX_CHARS }, \
	REF("typeUuid"), \
	{ .name = "stateName", .kind = FIELD_ENUM, .flags = F_NULLABLE, \
	  .one_of = "NEW SCHEDULED IN_PROGRESS ON_HOLD FINISHED VOID" }, \
	{ .name = "priorityName", .kind = FIELD_ENUM, .flags = F_NULLABLE, .one_of = "LOW NORMAL HIGH" }, \
	{ .name = "archived", .kind = FIELD_BOOL, .flags = F_NULLABLE }, \
	REF("contractUuid"), \
	REF("contractScopeUuid"), \
	REF("accountUuid"), \
	DT("created"), \
	DT("beginDate"), \
	DT("deadlineDate"), \
	{ .name = "notes", .kind = FIELD_STRING, .flags = F_NULLABLE, .max = TEXT_MAX_CHARS }, \
	DT("startDate"), \
	DT("finishDate"), \
	REF("assignedDepartmentUuid"), \
	REF("assignedUserUuid"), \
	REF("assignedContractorUuid"), \
	REF("verifyUserUuid"), \
	{ .name = "protocolNumber", .kind = FIELD_STRING, .flags = F_NULLABLE, .max = 100 }, \
	REF("parentUuid"), \
	REF("customerUuid"), \
	REF("locationUuid"), \
	REF("placeOfWorkUuid"), \
	NUM("budget"), \
	NUM("hoursEstimated"), \
	NUM("workAmount"), \
	{ .name = "workAmountUnit", .kind = FIELD_STRING, .flags = F_NULLABLE, .max = 50 }, \
	NUM("workUnitMinutesTotal"), \
	NUM("workUnitMinutes"), \
	NUM("workUnitPrice"), \
	{ .name = "progressCompleted", .kind = FIELD_NUMBER, .flags = F_NULLABLE }, \
	{ .name = "elementTypePlanCompleted", .kind = FIELD_BOOL, .flags = F_NULLABLE }, \
	{ .name = "elementTypePlanTotalCount", .kind = FIELD_NUMBER, .flags = F_NULLABLE }, \
	{ .name = "elementTypePlanCompletedCount", .kind = FIELD_NUMBER, .flags = F_NULLABLE }, \
	DT("progressCompletedUpdated"), \
	DT("elementTypePlanUpdated")

/* add: `id` must not be sent (seed). */
const struct field work_order_fields[] = {
	{ .name = "id", .kind = FIELD_INT, .flags = F_FORBIDDEN },
	{ .name = "uuid", .kind = FIELD_UUID, .flags = F_NULLABLE },
	WORK_ORDER_DTO_FIELDS,
	{ .name = NULL }
};

/* edit: id and uuid are ignored, so what get/by-uuid gave can be posted. */
const struct field work_order_edit_fields[] = {
	{ .name = "id", .kind = FIELD_NUMBER, .flags = F_NULLABLE },
	{ .name = "uuid", .kind = FIELD_UUID, .flags = F_NULLABLE },
	WORK_ORDER_DTO_FIELDS,
	{ .name = NULL }
};

int
work_order_buf_add(struct work_order_buf *buf, const char *s, size_t n)
{
	size_t cap;
	char *p;

	if (buf->len + n + 1 > buf->cap) {
		cap = buf->cap ? buf->cap : 2048;
		while (cap < buf->len + n + 1)
			cap *= 2;
		if ((p = realloc(buf->data, cap)) == NULL)
			return -1;
		buf->data = p;
		buf->cap = cap;
	}
	memcpy(buf->data + buf->len, s, n);
	buf->len += n;
	buf->data[buf->len] = '\0';
	return 0;
}

int
work_order_dto_append(struct work_order_buf *buf, const char *id,
    const char *dto, size_t dto_len)
{
	/* The stored dto is a compact JSON object without id: splice it in. */
	if (id == NULL || dto == NULL || dto_len < 2 || dto[0] != '{')
		return -1;
	if (work_order_buf_add(buf, "{\"id\":", 6) != 0 ||
	    work_order_buf_add(buf, id, strlen(id)) != 0 ||
	    work_order_buf_add(buf, dto_len > 2 ? "," : "", dto_len > 2) != 0)
		return -1;
	return work_order_buf_add(buf, dto + 1, dto_len - 1);
}

/* Referenced uuids: JSON name, amage_references kind (NULL: a work order). */
static const struct {
	const char *json, *kind, *label;
} dto_refs[] = {
	{ "typeUuid", "type", "Work order type" },
	{ "contractUuid", "contract", "Contract" },
	{ "contractScopeUuid", "contract_scope", "Contract scope" },
	{ "accountUuid", "account", "Account" },
	{ "assignedDepartmentUuid", "department", "Department" },
	{ "assignedUserUuid", "user", "User" },
	{ "assignedContractorUuid", "contractor", "Contractor" },
	{ "verifyUserUuid", "user", "Verifying user" },
	{ "parentUuid", NULL, "Parent work order" },
	{ "customerUuid", "customer", "Customer" },
	{ "locationUuid", "location", "Location" },
	{ "placeOfWorkUuid", "place_of_work", "Place of work" },
};

static const char parent_exists_sql[] =
    "SELECT 1 FROM work_orders WHERE uuid = ? LIMIT 1";

int
work_order_check_refs(struct db *db, const cJSON *body,
    struct work_order_result *res)
{
	char id[UUID_STR_LEN + 1];
	struct db_rows *rows;
	const char *s;
	size_t i;
	int rc;

	for (i = 0; i < sizeof(dto_refs) / sizeof(dto_refs[0]); i++) {
		s = json_get_string(body, dto_refs[i].json);
		if (dto_refs[i].kind != NULL) {
			rc = work_order_ref_check(db, dto_refs[i].kind,
			    dto_refs[i].label, s, res);
			if (rc != WO_OK)
				return rc;
			continue;
		}
		if (s == NULL || uuid_parse(s, id) != 0)
			continue;	/* absent or null; format checked before */
		rc = db_query(db, parent_exists_sql,
		    (struct db_param[]){ DB_STR(id) }, 1, &rows);
		if (rc != DB_OK)
			return rc;
		rc = rows->nrows > 0 ? WO_OK : work_order_fail(res,
		    WO_NOT_FOUND, "%s not found: %s", dto_refs[i].label, id);
		db_rows_free(rows);
		if (rc != WO_OK)
			return rc;
	}
	return WO_OK;
}

struct db_param
work_order_param(const cJSON *body, const char *name, char *buf,
    size_t buf_len)
{
	const cJSON *item = json_get(body, name);
	const char *v;

	if (item == NULL || cJSON_IsNull(item))
		return DB_NULL;
	if (cJSON_IsBool(item))
		return DB_I64(cJSON_IsTrue(item) ? 1 : 0);
	if (cJSON_IsNumber(item))
		return DB_DOUBLE(item->valuedouble);
	if (!cJSON_IsString(item))
		return DB_NULL;
	v = item->valuestring;
	/* uuids lower case; date-times with MySQL's ' ' separator */
	if (buf_len > UUID_STR_LEN && uuid_parse(v, buf) == 0)
		return DB_STR(buf);
	if (buf_len > DATETIME_STR_LEN && strlen(v) == DATETIME_STR_LEN &&
	    v[10] == 'T') {
		memcpy(buf, v, DATETIME_STR_LEN + 1);
		buf[10] = ' ';
		return DB_STR(buf);
	}
	return DB_STR(v);
}

/* The client-writable WorkOrderDto fields, in the SQL of add and edit. */
static const char *const work_order_writable[WORK_ORDER_NWRITABLE] = {
	"name", "description", "typeUuid", "stateName", "priorityName",
	"archived", "contractUuid", "contractScopeUuid", "accountUuid",
	"beginDate", "deadlineDate", "notes", "startDate", "finishDate",
	"assignedDepartmentUuid", "assignedUserUuid", "assignedContractorUuid",
	"verifyUserUuid", "protocolNumber", "parentUuid", "customerUuid",
	"locationUuid", "placeOfWorkUuid", "budget", "hoursEstimated",
	"workAmount", "workAmountUnit", "workUnitMinutesTotal",
	"workUnitMinutes", "workUnitPrice",
};

void
work_order_params(const cJSON *body, struct work_order_params *wp,
    struct db_param *p)
{
	size_t i;

	for (i = 0; i < WORK_ORDER_NWRITABLE; i++)
		p[i] = work_order_param(body, work_order_writable[i],
		    wp->buf[i], sizeof(wp->buf[i]));
}
