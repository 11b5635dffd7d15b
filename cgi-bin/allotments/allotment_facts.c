/* allotment_facts: the worker's few kept allotments (allotment_facts.h). */
#include <stdio.h>
#include <string.h>

#include "allotment_facts.h"
#include "db.h"

/* A worker is one single-threaded process: a small ring is enough (a
   pickup burst is on few allotments). */
#define FACTS_KEPT 16

static struct allotment_facts kept[FACTS_KEPT];
static unsigned kept_next;

static const char unit_types_sql[] =
    "SELECT unit_type_id FROM allotment_allocations WHERE allotment_id = ?";

const struct allotment_facts *
allotment_facts_find(const char *id)
{
	unsigned i;

	for (i = 0; i < FACTS_KEPT; i++)
		if (kept[i].id[0] != '\0' && strcmp(kept[i].id, id) == 0)
			return &kept[i];
	return NULL;
}

int
allotment_facts_keep(struct db *db, const struct allotment_facts *f)
{
	struct allotment_facts *slot = &kept[kept_next % FACTS_KEPT];
	struct db_rows *rows = NULL;
	int i, rc;

	if ((rc = db_query(db, unit_types_sql, (struct db_param[]){
	    DB_STR(f->id) }, 1, &rows)) != DB_OK)
		return rc;
	*slot = *f;
	for (i = 0; i < rows->nrows && i < ALLOTMENT_MAX_ALLOCATIONS; i++)
		snprintf(slot->unit_types[i], sizeof(slot->unit_types[i]), "%s",
		    db_cell(rows, i, 0) != NULL ? db_cell(rows, i, 0) : "");
	slot->n_unit_types = i;
	db_rows_free(rows);
	kept_next++;
	return DB_OK;
}

int
allotment_facts_allocates(const struct allotment_facts *f,
    const char *unit_type_id)
{
	int i;

	for (i = 0; i < f->n_unit_types; i++)
		if (strcmp(f->unit_types[i], unit_type_id) == 0)
			return 1;
	return 0;
}
