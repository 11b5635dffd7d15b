/* STUB until its step lands (see allotments.h). */
#include "allotments.h"
#include "db.h"

int
allotment_json_load(struct db *db, const char *id, cJSON **out)
{
	(void)db;
	(void)id;
	*out = NULL;
	return 1;
}

int
reservation_json_load(struct db *db, const char *allotment_id,
    const char *reservation_id, cJSON **out)
{
	(void)db;
	(void)allotment_id;
	(void)reservation_id;
	*out = NULL;
	return 1;
}
