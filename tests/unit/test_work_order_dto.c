/*
 * Unit tests of the WorkOrderDto table (cgi-bin/work-orders/
 * work_order_dto.c): the newest DTO migration carries exactly the trigger
 * SQL the table generates, the statements bind one value per client field,
 * and every value is bound by its field's kind, so free text goes to the
 * database byte for byte however it looks.
 * `test_work_order_dto --print` prints the trigger SQL for a new migration.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "work_order.h"

/* The text of the last schema/NNN_*.sql defining the dto triggers. */
static char *
newest_dto_migration(char name[256])
{
	struct dirent **list;
	char path[512], *text = NULL;
	int n, i;
	long len;
	FILE *f;

	name[0] = '\0';
	n = scandir("schema", &list, NULL, alphasort);
	assert_true(n > 0);
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "schema/%s", list[i]->d_name);
		if (strstr(list[i]->d_name, ".sql") != NULL &&
		    (f = fopen(path, "r")) != NULL) {
			char *t;
			fseek(f, 0, SEEK_END);
			len = ftell(f);
			rewind(f);
			t = calloc(1, (size_t)len + 1);
			assert_non_null(t);
			assert_int_equal(fread(t, 1, (size_t)len, f), (size_t)len);
			fclose(f);
			if (strstr(t, "TRIGGER work_orders_dto_insert") != NULL) {
				free(text);
				text = t;
				snprintf(name, 256, "%s", list[i]->d_name);
			} else
				free(t);
		}
		free(list[i]);
	}
	free(list);
	return text;
}

static void
dto_migration_is_what_the_table_generates(void **state)
{
	char name[256];
	char *text = newest_dto_migration(name);

	(void)state;
	assert_non_null(text);
	if (strcmp(text, work_order_dto_trigger_sql()) != 0)
		fail_msg("schema/%s differs from WORK_ORDER_DTO: write the "
		    "output of `test_work_order_dto --print` as a new migration",
		    name);
	free(text);
}

static int
count_char(const char *s, char c)
{
	int n = 0;

	for (; *s != '\0'; s++)
		n += *s == c;
	return n;
}

static void
statements_bind_one_value_per_client_field(void **state)
{
	(void)state;
	/* insert: uuid + every client field; update: every field + id */
	assert_int_equal(count_char(work_order_insert_sql, '?'),
	    1 + WORK_ORDER_NWRITABLE);
	assert_int_equal(count_char(work_order_update_sql, '?'),
	    WORK_ORDER_NWRITABLE + 1);
	assert_non_null(strstr(work_order_insert_sql,
	    "COALESCE(?, DEFAULT(state_name))"));
	assert_non_null(strstr(work_order_update_sql,
	    ", name = COALESCE(?, name)"));
	/* server-kept fields are never written by a client */
	assert_null(strstr(work_order_update_sql, "progress_completed"));
	assert_null(strstr(work_order_insert_sql, "element_type_plan"));
}

static void
free_text_is_bound_as_sent_and_uuid_fields_lower_case(void **state)
{
	static const char body_text[] =
	    "{\"name\":\"2489E9AD-2EE2-8E00-8EC9-32D5F69181C0\","
	    "\"description\":\"2021-01-01T12:00:00\","
	    "\"notes\":\"O'Brien \\\"\\\\ DROP TABLE x; -- \xf0\x9f\x94\xa7\","
	    "\"typeUuid\":\"ABCDEF01-2345-6789-ABCD-EF0123456789\","
	    "\"beginDate\":\"2021-01-01T12:00:00\",\"archived\":true,"
	    "\"budget\":12.5}";
	struct db_param p[WORK_ORDER_NWRITABLE];
	struct work_order_params wp;
	cJSON *body = NULL;

	(void)state;
	assert_int_equal(json_parse(body_text, sizeof(body_text) - 1, 8, &body,
	    NULL, 0), JSON_OK);
	work_order_params(body, &wp, p);
	/* order of work_order_writable: name, description, typeUuid, ... */
	assert_int_equal(p[0].type, DBP_STR);
	assert_string_equal(p[0].s, "2489E9AD-2EE2-8E00-8EC9-32D5F69181C0");
	assert_string_equal(p[1].s, "2021-01-01T12:00:00");
	assert_string_equal(p[2].s, "abcdef01-2345-6789-abcd-ef0123456789");
	assert_int_equal(p[5].type, DBP_I64);		/* archived */
	assert_int_equal(p[5].i, 1);
	assert_string_equal(p[9].s, "2021-01-01 12:00:00");	/* beginDate */
	assert_string_equal(p[11].s,
	    "O'Brien \"\\ DROP TABLE x; -- \xf0\x9f\x94\xa7");	/* notes */
	assert_int_equal(p[23].type, DBP_DOUBLE);	/* budget */
	assert_int_equal(p[24].type, DBP_NULL);		/* hoursEstimated */
	cJSON_Delete(body);
}

static void
add_forbids_id_and_edit_takes_it(void **state)
{
	(void)state;
	assert_string_equal(work_order_fields[0].name, "id");
	assert_true(work_order_fields[0].flags & F_FORBIDDEN);
	assert_string_equal(work_order_edit_fields[0].name, "id");
	assert_false(work_order_edit_fields[0].flags & F_FORBIDDEN);
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(dto_migration_is_what_the_table_generates),
		cmocka_unit_test(statements_bind_one_value_per_client_field),
		cmocka_unit_test(free_text_is_bound_as_sent_and_uuid_fields_lower_case),
		cmocka_unit_test(add_forbids_id_and_edit_takes_it),
	};

	if (argc > 1 && strcmp(argv[1], "--print") == 0) {
		fputs(work_order_dto_trigger_sql(), stdout);
		return 0;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
