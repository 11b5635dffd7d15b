/*
 * Unit tests of the error catalogues: lib's shared one (lib/envelope.c)
 * and each family's (cgi-bin/<family>/<name>_codes.c, linked in by the
 * Makefile's rule for this test).  They hold the rules no compiler checks:
 * no catalogue holds a code twice, no family redefines a shared code, every
 * entry is an UPPER_SNAKE code with both texts and error statuses, the
 * families' codes keep the statuses and texts clients already read, and
 * every code a respond_error(...) call names is in its family's catalogue
 * or the shared one (codes_used.h, generated from the sources by the
 * Makefile).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "envelope.h"
#include "json.h"

/* Defined in cgi-bin/units/unit_codes.c, cgi-bin/work-orders/work_order_codes.c,
   cgi-bin/allotments/allotment_codes.c,
   cgi-bin/long-stay-contracts/contract_codes.c. */
extern const struct message unit_messages[];
extern const struct message work_order_messages[];
extern const struct message allotment_messages[];
extern const struct message contract_messages[];

/* Each family as its main.c hands it to lib (only what lookups read). */
static const struct family families[] = {
	{ .name = "units", .messages = unit_messages },
	{ .name = "work-orders", .messages = work_order_messages },
	{ .name = "allotments", .messages = allotment_messages },
	{ .name = "long-stay-contracts", .messages = contract_messages },
};
#define NFAMILIES (sizeof(families) / sizeof(families[0]))

/* Where codes_used.h says a code was named: a family, or "lib". */
struct use {
	const char *family;
	const char *code;
	const char *where;
};

static const struct use uses[] = {
#include "codes_used.h"
	{ NULL, NULL, NULL }
};

static const struct family *
family_named(const char *name)
{
	const struct family *fam = NULL;
	size_t i;

	for (i = 0; i < NFAMILIES && fam == NULL; i++)
		if (strcmp(families[i].name, name) == 0)
			fam = &families[i];
	return fam;
}

static int
is_upper_snake(const char *s)
{
	int ok = s[0] >= 'A' && s[0] <= 'Z';

	for (; ok && *s != '\0'; s++)
		ok = (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
		    (*s == '_' && s[1] != '_' && s[1] != '\0');
	return ok;
}

/* Fails when catalogue (named name; NULL is empty) holds a code twice;
   returns how many codes it holds. */
static int
assert_no_code_twice(const char *name, const struct message *catalogue)
{
	const struct message *a, *b;
	int n = 0;

	for (a = catalogue; a != NULL && a->code != NULL; a++, n++)
		for (b = a + 1; b->code != NULL; b++)
			if (strcmp(a->code, b->code) == 0)
				fail_msg("%s holds %s twice", name, a->code);
	return n;
}

/* Fails unless every entry of catalogue is well formed; returns how many. */
static int
assert_entries_well_formed(const char *name, const struct message *catalogue)
{
	const struct message *m;
	int n = 0;

	for (m = catalogue; m != NULL && m->code != NULL; m++, n++) {
		if (!is_upper_snake(m->code))
			fail_msg("%s: \"%s\" is not UPPER_SNAKE", name, m->code);
		if (m->status < 400 || m->status > 599 ||
		    m->amage_status < 400 || m->amage_status > 599 ||
		    m->amage_error_code < 400 || m->amage_error_code > 599)
			fail_msg("%s: %s has a status outside 400..599", name,
			    m->code);
		if (m->fr == NULL || m->fr[0] == '\0' ||
		    m->en == NULL || m->en[0] == '\0')
			fail_msg("%s: %s lacks its French or English text", name,
			    m->code);
		if (!json_utf8_valid(m->fr, strlen(m->fr)) ||
		    !json_utf8_valid(m->en, strlen(m->en)))
			fail_msg("%s: %s has a text that is not UTF-8", name,
			    m->code);
	}
	return n;
}

static void
no_catalogue_holds_a_code_twice(void **state)
{
	size_t i;

	int n;

	(void)state;
	n = assert_no_code_twice("the shared catalogue",
	    envelope_shared_messages);
	for (i = 0; i < NFAMILIES; i++)
		n += assert_no_code_twice(families[i].name,
		    families[i].messages);
	assert_true(n > 0);
}

static void
no_family_redefines_a_shared_code(void **state)
{
	const struct message *m;
	size_t i;
	int checked = 0;

	(void)state;
	for (i = 0; i < NFAMILIES; i++)
		for (m = families[i].messages; m != NULL && m->code != NULL;
		    m++, checked++)
			if (message_find(m->code) != NULL)
				fail_msg("%s redefines the shared code %s",
				    families[i].name, m->code);
	assert_true(checked > 0);
}

static void
every_code_is_upper_snake_with_both_texts_and_an_error_status(void **state)
{
	size_t i;
	int n;

	(void)state;
	n = assert_entries_well_formed("the shared catalogue",
	    envelope_shared_messages);
	assert_true(n > 0);
	for (i = 0; i < NFAMILIES; i++)
		assert_entries_well_formed(families[i].name,
		    families[i].messages);
}

/* Clients and the integration tests read these: byte for byte. */
static void
family_codes_keep_their_statuses_and_texts(void **state)
{
	static const struct {
		const char *family;
		struct message m;
	} cases[] = {
		{ "units", { "UNIT_NOT_FOUND", 404, 404, 404,
		  "Unité introuvable", "Unit not found" } },
		{ "work-orders", { "WORK_ORDER_NOT_FOUND", 404, 404, 404,
		  "Ordre de travail introuvable", "Work Order not found" } },
		{ "work-orders", { "WORK_ORDER_UUID_INVALID", 400, 400, 400,
		  "Format d'UUID d'ordre de travail invalide",
		  "Wrong Work Order UUID format or non-existent" } },
		{ "work-orders", { "DUPLICATED_ENTRY", 400, 400, 400,
		  "Entrée dupliquée", "duplicated entry" } },
		{ "work-orders", { "ID_NOT_ALLOWED", 400, 400, 400,
		  "Le champ id ne doit pas être fourni",
		  "Field id must not be sent" } },
	};
	const struct message *m;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		m = message_find_for(family_named(cases[i].family),
		    cases[i].m.code);
		if (m == NULL)
			fail_msg("%s: %s missing", cases[i].family,
			    cases[i].m.code);
		assert_int_equal(m->status, cases[i].m.status);
		assert_int_equal(m->amage_status, cases[i].m.amage_status);
		assert_int_equal(m->amage_error_code,
		    cases[i].m.amage_error_code);
		assert_string_equal(m->fr, cases[i].m.fr);
		assert_string_equal(m->en, cases[i].m.en);
		/* lib no longer knows it */
		assert_null(message_find(cases[i].m.code));
	}
}

/* A family's code is its own: another family's requests do not see it. */
static void
family_codes_are_not_visible_to_other_families(void **state)
{
	(void)state;
	assert_non_null(message_find_for(family_named("units"),
	    "UNIT_NOT_FOUND"));
	assert_null(message_find_for(family_named("work-orders"),
	    "UNIT_NOT_FOUND"));
	assert_null(message_find_for(family_named("allotments"),
	    "WORK_ORDER_NOT_FOUND"));
	assert_non_null(message_find_for(family_named("allotments"),
	    "NOT_FOUND"));
}

static void
every_code_named_in_respond_error_is_in_a_catalogue_of_its_family(void **state)
{
	const struct family *fam;
	const struct use *u;
	int n = 0, in_families = 0;

	(void)state;
	for (u = uses; u->code != NULL; u++, n++) {
		if (strcmp(u->family, "lib") == 0)
			fam = NULL;	/* lib names shared codes only */
		else if ((fam = family_named(u->family)) != NULL)
			in_families++;
		else
			fail_msg("%s: family %s unknown to test_codes.c: add its"
			    " catalogue to families[]", u->where, u->family);
		if (message_find_for(fam, u->code) == NULL)
			fail_msg("%s: respond_error names %s, which neither %s"
			    " nor the shared catalogue holds", u->where,
			    u->code, u->family);
	}
	/* The generated list saw both lib and the families' handlers. */
	assert_true(in_families > 0);
	assert_true(n > in_families);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(no_catalogue_holds_a_code_twice),
		cmocka_unit_test(no_family_redefines_a_shared_code),
		cmocka_unit_test(every_code_is_upper_snake_with_both_texts_and_an_error_status),
		cmocka_unit_test(family_codes_keep_their_statuses_and_texts),
		cmocka_unit_test(family_codes_are_not_visible_to_other_families),
		cmocka_unit_test(every_code_named_in_respond_error_is_in_a_catalogue_of_its_family),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
