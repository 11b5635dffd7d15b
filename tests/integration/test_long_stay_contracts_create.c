/*
 * test_long_stay_contracts_create: POST /v1/long-stay-contracts (SPEC 2.1,
 * 2.5, 2.7; seed long-stay-contracts.fr.txt; docs/long-stay-contracts.md
 * "Create") through the real stack, each stored contract read back with
 * GET /v1/long-stay-contracts/{id} and the database counted directly to
 * prove that a refusal stores nothing:
 *  - a minimal and a full body (201 with a lower-case uuid contractId),
 *    every field read back as sent, the defaults (noticePeriodDays 30,
 *    terminationPolicy pro_rata_nuits, tourismTaxExempt false);
 *  - every validation rule, each in a request of its own, the 400 naming
 *    the field and the rule (required, wrong_type, bad_uuid, bad_date,
 *    not_allowed_value, bad_cents with its 18-digit and 2^53 limits, the
 *    installments' too_few_items / duplicate / out_of_range / out_of_order
 *    / mismatch, the sum's totalAmountCents mismatch, the references'
 *    unknown_reference / mismatch, before_start, in_past, the exemption
 *    basis), and several bad fields in one 400;
 *  - renewals (previousContractId) and the renewalChain they make;
 *  - 401, 403 FORBIDDEN (agent), 403 OUT_OF_SCOPE before any 400, 404
 *    ESTABLISHMENT_NOT_FOUND, and an Idempotency-Key replay and reuse.
 * Every test makes its own scratch establishment (scratch.h).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "db.h"
#include "harness.h"
#include "scratch.h"

#define ZONE		"Europe/Paris"

static const char est_contracts_sql[] =
    "SELECT COUNT(*) FROM long_stay_contracts WHERE establishment_id = ?";
static const char guest_ins_sql[] =
    "INSERT INTO guest_profiles (id, establishment_id, full_name, email) "
    "VALUES (?, ?, 'Itest Other Guest', 'other@example.org')";

/* A scratch establishment of ntypes types of nunits units, business date
   today in Paris (a draft contract takes no inventory: none is made). */
#define SCRATCH(s, ntypes, nunits)					\
	SCRATCH_NEW((s), (ntypes), (nunits), ZONE, TODAY_IN(ZONE), 0)

/* How many contracts est has; -1 after a failure. */
static long long
n_contracts_at(const char *est, const char *file, int line)
{
	const char *v = sql_value_at(file, line, est_contracts_sql, 1, est);

	return v != NULL ? atoll(v) : -1;
}
#define N_CONTRACTS(est)	n_contracts_at((est), __FILE__, __LINE__)

/* "\"text\"" (pool). */
static const char *
q(const char *text)
{
	return pool_printf("\"%s\"", text);
}

/* "[a,b,...]" of n JSON texts (pool). */
static const char *
arr(int n, ...)
{
	char *out = pool_strdup("[");
	va_list ap;
	int i;

	va_start(ap, n);
	for (i = 0; i < n; i++)
		out = pool_printf("%s%s%s", out, i ? "," : "",
		    va_arg(ap, const char *));
	va_end(ap);
	return pool_printf("%s]", out);
}

/* A string of n copies of unit (pool). */
static const char *
repeat(const char *unit, int n)
{
	size_t len = strlen(unit);
	char *out = malloc(len * (size_t)n + 1);
	int i;

	if (out == NULL)
		return "";
	for (i = 0; i < n; i++)
		memcpy(out + len * (size_t)i, unit, len);
	out[len * (size_t)n] = '\0';
	return pool_keep(out, free);
}

/* The installments array of body (NULL when not an array). */
static cJSON *
installments_of(cJSON *body)
{
	cJSON *a = cJSON_GetObjectItemCaseSensitive(body, "installments");

	return cJSON_IsArray(a) ? a : NULL;
}

/* json_set on installment i of body; returns body. */
static cJSON *
inst_set(cJSON *body, int i, const char *key, const char *raw)
{
	cJSON *it = cJSON_GetArrayItem(installments_of(body), i);

	if (check_true(it != NULL, __FILE__, __LINE__, "body has no "
	    "installment %d", i))
		json_set(it, key, raw);
	return body;
}

/* The id of installment i of body (as built by contract_body). */
static const char *
inst_id(cJSON *body, int i)
{
	return jstr(cJSON_GetArrayItem(installments_of(body), i), "id");
}

/*
 * body with key set to raw (removed when raw is NULL) is refused with a
 * 400 naming field:rule (only: and nothing else), and s keeps no more
 * contracts than before.
 */
static int
refused_at(const struct scratch *s, cJSON *body, const char *key,
    const char *raw, const char *field, const char *rule, int only,
    const char *file, int line)
{
	struct http_response *r;
	long long before = n_contracts_at(s->est, file, line);
	int ok;

	if (key != NULL)
		json_set(body, key, raw);
	r = contract_post(s->key, body, NULL);
	ok = check_detail_at(r, field, rule, only, file, line);
	if (!ok)
		check_true(0, file, line, "(the body: %s = %s)", key ? key :
		    "-", raw ? raw : "(absent)");
	ok &= check_true(n_contracts_at(s->est, file, line) == before, file,
	    line, "a refused create stored a contract");
	return ok;
}
/* Only field:rule. */
#define REFUSED(s, key, raw, field, rule)				\
	refused_at((s), contract_body(s), (key), (raw), (field), (rule), 1, \
	    __FILE__, __LINE__)
#define REFUSED_BODY(s, body, field, rule)				\
	refused_at((s), (body), NULL, NULL, (field), (rule), 1, __FILE__, \
	    __LINE__)
/* field:rule among others the contract leaves open. */
#define REFUSED_AMONG(s, key, raw, field, rule)				\
	refused_at((s), contract_body(s), (key), (raw), (field), (rule), 0, \
	    __FILE__, __LINE__)
#define REFUSED_BODY_AMONG(s, body, field, rule)			\
	refused_at((s), (body), NULL, NULL, (field), (rule), 0, __FILE__, \
	    __LINE__)

/* contract_body with key set to raw is created (201); its id or NULL. */
static const char *
accepted_at(const struct scratch *s, cJSON *body, const char *key,
    const char *raw, const char *file, int line)
{
	struct http_response *r;
	const char *id;

	if (key != NULL)
		json_set(body, key, raw);
	r = contract_post(s->key, body, NULL);
	id = jstr(jget(r->json, "data"), "contractId");
	if (!check_status_at(r, 201, file, line) || !check_true(id != NULL &&
	    is_lower_uuid(id), file, line, "expected data.contractId, a "
	    "lower-case uuid: %.300s", r->body)) {
		check_true(0, file, line, "(the body: %s = %.200s)", key ? key :
		    "-", raw ? raw : "(absent)");
		return NULL;
	}
	return id;
}
#define ACCEPTED(s, key, raw)						\
	accepted_at((s), contract_body(s), (key), (raw), __FILE__, __LINE__)
#define ACCEPTED_BODY(s, body)						\
	accepted_at((s), (body), NULL, NULL, __FILE__, __LINE__)

/* data.renewalChain is exactly the n ids given. */
static int
check_chain_at(const cJSON *data, const char *file, int line, int n, ...)
{
	const cJSON *chain = jget(data, "renewalChain");
	va_list ap;
	int i, ok;

	ok = check_true(cJSON_IsArray(chain) && cJSON_GetArraySize(chain) == n,
	    file, line, "renewalChain: expected %d ids, got %s", n,
	    jshow(chain));
	va_start(ap, n);
	for (i = 0; ok && i < n; i++) {
		const char *want = va_arg(ap, const char *);
		const cJSON *got = cJSON_GetArrayItem(chain, i);

		ok &= check_true(cJSON_IsString(got) && strcasecmp(
		    got->valuestring, want) == 0, file, line, "renewalChain[%d]: "
		    "expected %s, got %s", i, want, jshow(chain));
	}
	va_end(ap);
	return ok;
}
#define CHECK_CHAIN(data, n, ...)					\
	check_chain_at((data), __FILE__, __LINE__, (n), __VA_ARGS__)

/* ======================================================================== */
/* create: the answer and what is read back                                 */
/* ======================================================================== */

TEST(create_minimal_body_answers_201_with_a_contract_id_and_get_reads_it_back_with_the_defaults)
{
	struct scratch s;
	struct http_response *r;
	const cJSON *data, *insts;
	const char *id, *id2;
	cJSON *body;
	int32_t b;

	REQUIRE(SCRATCH(&s, 1, 3));
	b = s.business;
	/* The required fields only. */
	body = json_set(contract_body(&s), "periodEnd", NULL);
	r = contract_post(s.key, body, NULL);
	REQUIRE(CHECK_STATUS(r, 201));
	CHECK_JSON(r);
	id = jstr(jget(r->json, "data"), "contractId");
	REQUIRE(CHECKF(id != NULL && is_lower_uuid(id), "expected "
	    "data.contractId, a lower-case uuid: %s", r->body));
	CHECK_INT(1, N_CONTRACTS(s.est));
	REQUIRE((data = GET_DATA(id, s.key)) != NULL);
	CHECK_JSON_STR(data, "id", id);
	CHECK_JSON_STR(data, "establishmentId", s.est);
	CHECK_JSON_STR(data, "guestProfileId", s.guest);
	CHECK_JSON_NULL(data, "unitId");
	CHECK_JSON_NULL(data, "unitType");
	CHECK_JSON_STR(data, "periodStart", day_s(b + 10));
	CHECK_JSON_NULL(data, "periodEnd");
	CHECK_JSON_STR(data, "totalAmountCents", "300000");
	CHECK_JSON_STR(data, "currency", "EUR");
	CHECK_JSON_NULL(data, "depositNature");
	CHECK_JSON_NULL(data, "tourismTaxExemptBasis");
	CHECK_JSON_NULL(data, "previousContractId");
	/* The defaults. */
	CHECK_JSON_NUM(data, "noticePeriodDays", 30);
	CHECK_JSON_STR(data, "terminationPolicy", "pro_rata_nuits");
	CHECK_JSON_BOOL(data, "tourismTaxExempt", 0);
	CHECK_JSON_STR(data, "status", "draft");
	insts = jget(data, "installments");
	REQUIRE(CHECKF(cJSON_GetArraySize(insts) == 3, "installments: %s",
	    jshow(insts)));
	CHECK_INSTALLMENT(cJSON_GetArrayItem(insts, 0), inst_id(body, 0), 1,
	    b + 10, "100000", "EUR");
	CHECK_INSTALLMENT(cJSON_GetArrayItem(insts, 1), inst_id(body, 1), 2,
	    b + 20, "100000", "EUR");
	CHECK_INSTALLMENT(cJSON_GetArrayItem(insts, 2), inst_id(body, 2), 3,
	    b + 30, "100000", "EUR");
	CHECK_CHAIN(data, 1, id);
	/* Nothing has fallen due before the business date. */
	CHECK_JSON_STR(data, "amountDueCents", "300000");
	CHECK_JSON_STR(data, "nextDueDate", day_s(b + 10));
	/* Another create is another contract. */
	REQUIRE((id2 = CONTRACT_NEW(&s, NULL)) != NULL);
	CHECKF(strcmp(id, id2) != 0, "two creates answered the same id %s",
	    id);
	CHECK_INT(2, N_CONTRACTS(s.est));
}

TEST(create_full_body_answers_201_and_get_reads_every_field_as_sent)
{
	static const char basis[] = "R\xc3\xa9sidence principale du "
	    "saisonnier (art. L2333-31 CGCT)";
	struct scratch s;
	const cJSON *data, *insts;
	const char *id, *i1, *i2, *i3;
	cJSON *body;
	int32_t b;

	REQUIRE(SCRATCH(&s, 2, 3));
	b = s.business;
	i1 = fresh_uuid();
	i2 = fresh_uuid();
	i3 = fresh_uuid();
	body = contract_body(&s);
	json_set(body, "unitId", q(s.units[1][2]));
	json_set(body, "unitType", "\"T2\"");
	json_set(body, "periodStart", q(day_s(b + 12)));
	json_set(body, "periodEnd", q(day_s(b + 100)));
	/* Money as a JSON integer, read back as a digit string. */
	json_set(body, "totalAmountCents", "450050");
	json_set(body, "currency", "\"GBP\"");
	json_set(body, "installments", pool_printf("[{\"id\":\"%s\","
	    "\"seqNo\":1,\"dueDate\":\"%s\",\"amountCents\":150000,"
	    "\"currency\":\"GBP\"},%s,%s]", i1, day_s(b + 12),
	    installment_json(i2, 2, b + 42, "150000", "GBP"),
	    installment_json(i3, 3, b + 72, "150050", "GBP")));
	json_set(body, "noticePeriodDays", "60");
	json_set(body, "depositNature", "\"acompte\"");
	json_set(body, "terminationPolicy", "\"forfait_frais\"");
	json_set(body, "tourismTaxExempt", "true");
	json_set(body, "tourismTaxExemptBasis", q(basis));
	json_set(body, "previousContractId", "null");
	REQUIRE((id = ACCEPTED_BODY(&s, body)) != NULL);
	REQUIRE((data = GET_DATA(id, s.key)) != NULL);
	CHECK_JSON_STR(data, "id", id);
	CHECK_JSON_STR(data, "establishmentId", s.est);
	CHECK_JSON_STR(data, "guestProfileId", s.guest);
	CHECK_JSON_STR(data, "unitId", s.units[1][2]);
	CHECK_JSON_STR(data, "unitType", "T2");
	CHECK_JSON_STR(data, "periodStart", day_s(b + 12));
	CHECK_JSON_STR(data, "periodEnd", day_s(b + 100));
	CHECK_JSON_STR(data, "totalAmountCents", "450050");
	CHECK_JSON_STR(data, "currency", "GBP");
	CHECK_JSON_NUM(data, "noticePeriodDays", 60);
	CHECK_JSON_STR(data, "depositNature", "acompte");
	CHECK_JSON_STR(data, "terminationPolicy", "forfait_frais");
	CHECK_JSON_BOOL(data, "tourismTaxExempt", 1);
	CHECK_JSON_STR(data, "tourismTaxExemptBasis", basis);
	CHECK_JSON_NULL(data, "previousContractId");
	CHECK_JSON_STR(data, "status", "draft");
	insts = jget(data, "installments");
	REQUIRE(CHECKF(cJSON_GetArraySize(insts) == 3, "installments: %s",
	    jshow(insts)));
	CHECK_INSTALLMENT(cJSON_GetArrayItem(insts, 0), i1, 1, b + 12,
	    "150000", "GBP");
	CHECK_INSTALLMENT(cJSON_GetArrayItem(insts, 1), i2, 2, b + 42,
	    "150000", "GBP");
	CHECK_INSTALLMENT(cJSON_GetArrayItem(insts, 2), i3, 3, b + 72,
	    "150050", "GBP");
	CHECK_CHAIN(data, 1, id);
	CHECK_JSON_STR(data, "amountDueCents", "450050");
	CHECK_JSON_STR(data, "nextDueDate", day_s(b + 12));
}

TEST(create_other_enum_values_and_a_unit_alone_are_read_back_as_sent)
{
	struct scratch s;
	const cJSON *data;
	const char *id;
	cJSON *body;

	REQUIRE(SCRATCH(&s, 2, 3));
	body = contract_body(&s);
	json_set(body, "unitId", q(s.units[0][1]));
	json_set(body, "depositNature", "\"arrhes\"");
	json_set(body, "terminationPolicy", "\"contractuel\"");
	json_set(body, "tourismTaxExempt", "false");
	json_set(body, "noticePeriodDays", "0");
	REQUIRE((id = ACCEPTED_BODY(&s, body)) != NULL);
	REQUIRE((data = GET_DATA(id, s.agent_key)) != NULL);
	CHECK_JSON_STR(data, "unitId", s.units[0][1]);
	/* Not sent: null, not the unit's type. */
	CHECK_JSON_NULL(data, "unitType");
	CHECK_JSON_STR(data, "depositNature", "arrhes");
	CHECK_JSON_STR(data, "terminationPolicy", "contractuel");
	CHECK_JSON_BOOL(data, "tourismTaxExempt", 0);
	CHECK_JSON_NUM(data, "noticePeriodDays", 0);
	CHECK_JSON_STR(data, "periodEnd", day_s(s.business + 40));
	/* Explicit nulls are the defaults' absences too. */
	body = contract_body(&s);
	json_set(body, "unitId", "null");
	json_set(body, "unitType", "null");
	json_set(body, "periodEnd", "null");
	json_set(body, "depositNature", "null");
	json_set(body, "tourismTaxExemptBasis", "null");
	json_set(body, "previousContractId", "null");
	REQUIRE((id = ACCEPTED_BODY(&s, body)) != NULL);
	REQUIRE((data = GET_DATA(id, s.key)) != NULL);
	CHECK_JSON_NULL(data, "unitId");
	CHECK_JSON_NULL(data, "unitType");
	CHECK_JSON_NULL(data, "periodEnd");
	CHECK_JSON_NULL(data, "depositNature");
	CHECK_JSON_NULL(data, "tourismTaxExemptBasis");
	CHECK_JSON_NULL(data, "previousContractId");
	CHECK_JSON_NUM(data, "noticePeriodDays", 30);
	CHECK_JSON_STR(data, "terminationPolicy", "pro_rata_nuits");
	CHECK_JSON_BOOL(data, "tourismTaxExempt", 0);
}

TEST(create_accepts_upper_case_ids_and_get_answers_them_in_lower_case)
{
	struct scratch s;
	const cJSON *data;
	const char *id, *inst;
	cJSON *body;

	REQUIRE(SCRATCH(&s, 1, 3));
	inst = fresh_uuid();
	body = contract_body(&s);
	json_set(body, "establishmentId", q(pool_upper(s.est)));
	json_set(body, "guestProfileId", q(pool_upper(s.guest)));
	json_set(body, "unitId", q(pool_upper(s.units[0][0])));
	inst_set(body, 1, "id", q(pool_upper(inst)));
	REQUIRE((id = ACCEPTED_BODY(&s, body)) != NULL);
	REQUIRE((data = GET_DATA(id, s.key)) != NULL);
	CHECK_JSON_STR(data, "status", "draft");
	/* Ids are answered in lower case, as everywhere. */
	CHECK_JSON_STR(data, "establishmentId", s.est);
	CHECK_JSON_STR(data, "guestProfileId", s.guest);
	CHECK_JSON_STR(data, "unitId", s.units[0][0]);
	CHECK_JSON_STR(cJSON_GetArrayItem(jget(data, "installments"), 1), "id",
	    inst);
	CHECK_INT(1, N_CONTRACTS(s.est));
}

/* ======================================================================== */
/* create: validation, one rule a request                                   */
/* ======================================================================== */

TEST(create_without_each_required_field_is_400_required_naming_it)
{
	static const char *const req[] = { "establishmentId",
	    "guestProfileId", "periodStart", "totalAmountCents", NULL };
	static const char *const inst_req[] = { "id", "seqNo", "dueDate",
	    "amountCents", "currency", NULL };
	const char *const *f;
	struct scratch s;

	REQUIRE(SCRATCH(&s, 1, 3));
	for (f = req; *f != NULL; f++)
		REFUSED(&s, *f, NULL, *f, "required");
	REFUSED(&s, "guestProfileId", "null", "guestProfileId", "required");
	REFUSED(&s, "periodStart", "null", "periodStart", "required");
	REFUSED(&s, "totalAmountCents", "null", "totalAmountCents",
	    "required");
	/* Without a currency or installments, what else is named is open
	   (the installments' currencies, the sum). */
	REFUSED_AMONG(&s, "currency", NULL, "currency", "required");
	REFUSED_AMONG(&s, "installments", NULL, "installments", "required");
	REFUSED_AMONG(&s, "installments", "null", "installments", "required");
	for (f = inst_req; *f != NULL; f++)
		REFUSED_BODY(&s, inst_set(contract_body(&s), 1, *f, NULL),
		    pool_printf("installments[1].%s", *f), "required");
	REFUSED_BODY(&s, inst_set(contract_body(&s), 2, "amountCents",
	    "null"), "installments[2].amountCents", "required");
}

TEST(create_with_wrong_json_types_is_400_wrong_type)
{
	struct scratch s;

	REQUIRE(SCRATCH(&s, 1, 3));
	REFUSED(&s, "establishmentId", "5", "establishmentId", "wrong_type");
	REFUSED(&s, "guestProfileId", "true", "guestProfileId", "wrong_type");
	REFUSED(&s, "unitId", "7", "unitId", "wrong_type");
	REFUSED(&s, "unitType", "5", "unitType", "wrong_type");
	REFUSED(&s, "periodStart", "20260901", "periodStart", "wrong_type");
	REFUSED(&s, "periodEnd", "1", "periodEnd", "wrong_type");
	REFUSED(&s, "totalAmountCents", "true", "totalAmountCents",
	    "wrong_type");
	REFUSED(&s, "totalAmountCents", "{}", "totalAmountCents",
	    "wrong_type");
	REFUSED(&s, "currency", "1", "currency", "wrong_type");
	REFUSED(&s, "noticePeriodDays", "\"30\"", "noticePeriodDays",
	    "wrong_type");
	REFUSED(&s, "noticePeriodDays", "30.5", "noticePeriodDays",
	    "wrong_type");
	REFUSED(&s, "depositNature", "1", "depositNature", "wrong_type");
	REFUSED(&s, "terminationPolicy", "[]", "terminationPolicy",
	    "wrong_type");
	REFUSED(&s, "tourismTaxExempt", "\"false\"", "tourismTaxExempt",
	    "wrong_type");
	REFUSED(&s, "tourismTaxExempt", "0", "tourismTaxExempt",
	    "wrong_type");
	REFUSED(&s, "tourismTaxExemptBasis", "5", "tourismTaxExemptBasis",
	    "wrong_type");
	/* The fields with a default are not nullable ("or null" is said of
	   those that are): null is no integer, word or boolean. */
	REFUSED(&s, "noticePeriodDays", "null", "noticePeriodDays",
	    "wrong_type");
	REFUSED(&s, "terminationPolicy", "null", "terminationPolicy",
	    "wrong_type");
	REFUSED(&s, "tourismTaxExempt", "null", "tourismTaxExempt",
	    "wrong_type");
	REFUSED(&s, "previousContractId", "1", "previousContractId",
	    "wrong_type");
	REFUSED_AMONG(&s, "installments", "{}", "installments", "wrong_type");
	REFUSED(&s, "installments", "[\"x\"]", "installments[0]",
	    "not_an_object");
	REFUSED_BODY(&s, inst_set(contract_body(&s), 0, "seqNo", "\"1\""),
	    "installments[0].seqNo", "wrong_type");
	REFUSED_BODY(&s, inst_set(contract_body(&s), 0, "seqNo", "1.5"),
	    "installments[0].seqNo", "wrong_type");
	REFUSED_BODY(&s, inst_set(contract_body(&s), 1, "id", "12"),
	    "installments[1].id", "wrong_type");
	REFUSED_BODY(&s, inst_set(contract_body(&s), 1, "dueDate",
	    "20260901"), "installments[1].dueDate", "wrong_type");
	REFUSED_BODY(&s, inst_set(contract_body(&s), 2, "amountCents",
	    "true"), "installments[2].amountCents", "wrong_type");
	REFUSED_BODY(&s, inst_set(contract_body(&s), 2, "currency", "7"),
	    "installments[2].currency", "wrong_type");
}

TEST(create_with_bad_uuids_is_400_bad_uuid)
{
	struct scratch s;

	REQUIRE(SCRATCH(&s, 1, 3));
	REFUSED(&s, "establishmentId", "\"not-a-uuid\"", "establishmentId",
	    "bad_uuid");
	REFUSED(&s, "guestProfileId", "\"1234\"", "guestProfileId",
	    "bad_uuid");
	REFUSED(&s, "guestProfileId", q(pool_printf("%.35s", s.guest)),
	    "guestProfileId", "bad_uuid");
	REFUSED(&s, "unitId", "\"zzzzzzzz-0000-4000-8000-000000000000\"",
	    "unitId", "bad_uuid");
	REFUSED(&s, "previousContractId", "\"x\"", "previousContractId",
	    "bad_uuid");
	REFUSED(&s, "previousContractId", "\"\"", "previousContractId",
	    "bad_uuid");
	REFUSED_BODY(&s, inst_set(contract_body(&s), 2, "id", "\"abc\""),
	    "installments[2].id", "bad_uuid");
}

TEST(create_with_impossible_dates_is_400_bad_date)
{
	struct scratch s;

	REQUIRE(SCRATCH(&s, 1, 3));
	REFUSED(&s, "periodStart", "\"2030-02-30\"", "periodStart",
	    "bad_date");
	REFUSED(&s, "periodStart", "\"2030-9-01\"", "periodStart",
	    "bad_date");
	REFUSED(&s, "periodEnd", "\"2030-13-01\"", "periodEnd", "bad_date");
	REFUSED(&s, "periodEnd", "\"\"", "periodEnd", "bad_date");
	REFUSED_BODY(&s, inst_set(contract_body(&s), 1, "dueDate",
	    "\"2030-02-30\""), "installments[1].dueDate", "bad_date");
	REFUSED_BODY(&s, inst_set(contract_body(&s), 1, "dueDate",
	    "\"tomorrow\""), "installments[1].dueDate", "bad_date");
}

TEST(create_with_values_outside_the_enums_is_400_not_allowed_value)
{
	struct scratch s;

	REQUIRE(SCRATCH(&s, 1, 3));
	/* A bad contract currency may make the installments' mismatch too. */
	REFUSED_AMONG(&s, "currency", "\"USD\"", "currency",
	    "not_allowed_value");
	REFUSED_AMONG(&s, "currency", "\"eur\"", "currency",
	    "not_allowed_value");
	REFUSED_BODY_AMONG(&s, inst_set(contract_body(&s), 0, "currency",
	    "\"CHF\""), "installments[0].currency", "not_allowed_value");
	REFUSED(&s, "depositNature", "\"caution\"", "depositNature",
	    "not_allowed_value");
	REFUSED(&s, "depositNature", "\"\"", "depositNature",
	    "not_allowed_value");
	REFUSED(&s, "terminationPolicy", "\"resiliation\"",
	    "terminationPolicy", "not_allowed_value");
	REFUSED(&s, "terminationPolicy", "\"PRO_RATA_NUITS\"",
	    "terminationPolicy", "not_allowed_value");
}

TEST(create_with_an_unknown_field_is_400_unknown_field)
{
	struct scratch s;

	REQUIRE(SCRATCH(&s, 1, 3));
	REFUSED(&s, "status", "\"draft\"", "status", "unknown_field");
	REFUSED(&s, "contractId", q(fresh_uuid()), "contractId",
	    "unknown_field");
	REFUSED(&s, "renewalChain", "[]", "renewalChain", "unknown_field");
	REFUSED(&s, "amountDueCents", "\"0\"", "amountDueCents",
	    "unknown_field");
	REFUSED_BODY(&s, inst_set(contract_body(&s), 1, "note", "\"x\""),
	    "installments[1].note", "unknown_field");
}

/* ---- cents ------------------------------------------------------------------ */

TEST(create_total_of_18_digits_or_2_pow_53_minus_1_as_a_number_is_accepted_and_read_back_exactly)
{
	struct scratch s;
	const cJSON *data;
	const char *id;
	cJSON *body;
	int32_t b;

	REQUIRE(SCRATCH(&s, 1, 3));
	b = s.business;
	body = contract_body(&s);
	json_set(body, "totalAmountCents", "\"999999999999999999\"");
	inst_set(body, 0, "amountCents", "\"999999999999999997\"");
	inst_set(body, 1, "amountCents", "\"1\"");
	inst_set(body, 2, "amountCents", "\"1\"");
	REQUIRE((id = ACCEPTED_BODY(&s, body)) != NULL);
	REQUIRE((data = GET_DATA(id, s.key)) != NULL);
	CHECK_JSON_STR(data, "totalAmountCents", "999999999999999999");
	CHECK_INSTALLMENT(cJSON_GetArrayItem(jget(data, "installments"), 0),
	    inst_id(body, 0), 1, b + 10, "999999999999999997", "EUR");
	CHECK_JSON_STR(data, "amountDueCents", "999999999999999999");

	body = contract_body(&s);
	json_set(body, "totalAmountCents", "9007199254740991");
	inst_set(body, 0, "amountCents", "9007199254740989");
	inst_set(body, 1, "amountCents", "1");
	inst_set(body, 2, "amountCents", "\"1\"");
	REQUIRE((id = ACCEPTED_BODY(&s, body)) != NULL);
	REQUIRE((data = GET_DATA(id, s.key)) != NULL);
	CHECK_JSON_STR(data, "totalAmountCents", "9007199254740991");
	CHECK_INSTALLMENT(cJSON_GetArrayItem(jget(data, "installments"), 0),
	    inst_id(body, 0), 1, b + 10, "9007199254740989", "EUR");

	/* An installment of 2^53-1 as a number. */
	body = contract_body(&s);
	json_set(body, "totalAmountCents", "\"9007199254740993\"");
	inst_set(body, 0, "amountCents", "9007199254740991");
	inst_set(body, 1, "amountCents", "\"1\"");
	inst_set(body, 2, "amountCents", "\"1\"");
	REQUIRE((id = ACCEPTED_BODY(&s, body)) != NULL);
	REQUIRE((data = GET_DATA(id, s.key)) != NULL);
	CHECK_JSON_STR(data, "totalAmountCents", "9007199254740993");

	/* Zero is cents too. */
	body = contract_body(&s);
	json_set(body, "totalAmountCents", "0");
	inst_set(body, 0, "amountCents", "\"0\"");
	inst_set(body, 1, "amountCents", "0");
	inst_set(body, 2, "amountCents", "\"0\"");
	REQUIRE((id = ACCEPTED_BODY(&s, body)) != NULL);
	REQUIRE((data = GET_DATA(id, s.key)) != NULL);
	CHECK_JSON_STR(data, "totalAmountCents", "0");
}

TEST(create_total_not_in_cents_is_400_bad_cents)
{
	struct scratch s;

	REQUIRE(SCRATCH(&s, 1, 3));
	REFUSED(&s, "totalAmountCents", "\"1000000000000000000\"",
	    "totalAmountCents", "bad_cents");
	REFUSED(&s, "totalAmountCents", "9007199254740992",
	    "totalAmountCents", "bad_cents");
	REFUSED(&s, "totalAmountCents", "9007199254740993",
	    "totalAmountCents", "bad_cents");
	REFUSED(&s, "totalAmountCents", "\"-1\"", "totalAmountCents",
	    "bad_cents");
	REFUSED(&s, "totalAmountCents", "-1", "totalAmountCents",
	    "bad_cents");
	REFUSED(&s, "totalAmountCents", "\"-300000\"", "totalAmountCents",
	    "bad_cents");
	REFUSED(&s, "totalAmountCents", "\"1.5\"", "totalAmountCents",
	    "bad_cents");
	REFUSED(&s, "totalAmountCents", "300000.5", "totalAmountCents",
	    "bad_cents");
	REFUSED(&s, "totalAmountCents", "\"\"", "totalAmountCents",
	    "bad_cents");
	REFUSED(&s, "totalAmountCents", "\"3e5\"", "totalAmountCents",
	    "bad_cents");
	REFUSED(&s, "totalAmountCents", "\"+300000\"", "totalAmountCents",
	    "bad_cents");
	REFUSED(&s, "totalAmountCents", "\" 300000\"", "totalAmountCents",
	    "bad_cents");
}

TEST(create_installment_amount_not_in_cents_is_400_bad_cents_and_no_sum_mismatch)
{
	struct scratch s;

	REQUIRE(SCRATCH(&s, 1, 3));
	/* When one amount is bad, the sum is not compared: only it named. */
	REFUSED_BODY(&s, inst_set(contract_body(&s), 1, "amountCents",
	    "\"1000000000000000000\""), "installments[1].amountCents",
	    "bad_cents");
	REFUSED_BODY(&s, inst_set(contract_body(&s), 1, "amountCents",
	    "9007199254740992"), "installments[1].amountCents", "bad_cents");
	REFUSED_BODY(&s, inst_set(contract_body(&s), 1, "amountCents", "-1"),
	    "installments[1].amountCents", "bad_cents");
	REFUSED_BODY(&s, inst_set(contract_body(&s), 1, "amountCents",
	    "\"-100000\""), "installments[1].amountCents", "bad_cents");
	REFUSED_BODY(&s, inst_set(contract_body(&s), 1, "amountCents",
	    "100000.5"), "installments[1].amountCents", "bad_cents");
	REFUSED_BODY(&s, inst_set(contract_body(&s), 1, "amountCents",
	    "\"1000.00\""), "installments[1].amountCents", "bad_cents");
}

/* ---- installments ------------------------------------------------------------ */

TEST(create_installments_empty_is_too_few_items_401_too_many_400_accepted)
{
	struct scratch s;
	const cJSON *data;
	char *many;
	const char *id;
	cJSON *body;
	int i, n;

	REQUIRE(SCRATCH(&s, 1, 3));
	REFUSED_AMONG(&s, "installments", "[]", "installments",
	    "too_few_items");
	for (n = 400; n <= 401; n++) {
		many = pool_strdup("[");
		for (i = 0; i < n; i++)
			many = pool_printf("%s%s%s", many, i ? "," : "",
			    installment_json(fresh_uuid(), i + 1,
			    s.business + 10 + i / 2, "1", "EUR"));
		many = pool_printf("%s]", many);
		body = contract_body(&s);
		json_set(body, "installments", many);
		json_set(body, "totalAmountCents", q(pool_printf("%d", n)));
		if (n == 401) {
			REFUSED_BODY(&s, body, "installments",
			    "too_many_items");
			continue;
		}
		REQUIRE((id = ACCEPTED_BODY(&s, body)) != NULL);
		REQUIRE((data = GET_DATA(id, s.key)) != NULL);
		CHECK_INT(400, cJSON_GetArraySize(jget(data, "installments")));
		CHECK_JSON_NUM(cJSON_GetArrayItem(jget(data, "installments"),
		    399), "seqNo", 400);
		CHECK_JSON_STR(data, "amountDueCents", "400");
	}
}

TEST(create_repeated_seq_no_is_400_duplicate_on_the_later_one)
{
	struct scratch s;
	int32_t b;

	REQUIRE(SCRATCH(&s, 1, 3));
	b = s.business;
	REFUSED(&s, "installments", arr(3,
	    installment_json(fresh_uuid(), 1, b + 10, "100000", "EUR"),
	    installment_json(fresh_uuid(), 2, b + 20, "100000", "EUR"),
	    installment_json(fresh_uuid(), 2, b + 30, "100000", "EUR")),
	    "installments[2].seqNo", "duplicate");
	REFUSED(&s, "installments", arr(3,
	    installment_json(fresh_uuid(), 1, b + 10, "100000", "EUR"),
	    installment_json(fresh_uuid(), 1, b + 10, "100000", "EUR"),
	    installment_json(fresh_uuid(), 3, b + 30, "100000", "EUR")),
	    "installments[1].seqNo", "duplicate");
	/* Later as sent, not by date or seqNo: sent 2, 1, 2. */
	REFUSED(&s, "installments", arr(3,
	    installment_json(fresh_uuid(), 2, b + 25, "100000", "EUR"),
	    installment_json(fresh_uuid(), 1, b + 10, "100000", "EUR"),
	    installment_json(fresh_uuid(), 2, b + 20, "100000", "EUR")),
	    "installments[2].seqNo", "duplicate");
}

TEST(create_seq_no_leaving_a_gap_or_below_1_is_400_out_of_range)
{
	struct scratch s;
	int32_t b;

	REQUIRE(SCRATCH(&s, 1, 3));
	b = s.business;
	REFUSED(&s, "installments", arr(3,
	    installment_json(fresh_uuid(), 1, b + 10, "100000", "EUR"),
	    installment_json(fresh_uuid(), 2, b + 20, "100000", "EUR"),
	    installment_json(fresh_uuid(), 4, b + 30, "100000", "EUR")),
	    "installments[2].seqNo", "out_of_range");
	/* 2, 3, 4: 1 is missing, 4 is above the count. */
	REFUSED(&s, "installments", arr(3,
	    installment_json(fresh_uuid(), 2, b + 10, "100000", "EUR"),
	    installment_json(fresh_uuid(), 3, b + 20, "100000", "EUR"),
	    installment_json(fresh_uuid(), 4, b + 30, "100000", "EUR")),
	    "installments[2].seqNo", "out_of_range");
	REFUSED_BODY(&s, inst_set(contract_body(&s), 0, "seqNo", "0"),
	    "installments[0].seqNo", "out_of_range");
	REFUSED_BODY(&s, inst_set(contract_body(&s), 0, "seqNo", "-1"),
	    "installments[0].seqNo", "out_of_range");
	/* 2^32 + 1 is not 1 (no duplicate of the seqNo 1 it truncates to). */
	REFUSED_BODY(&s, inst_set(contract_body(&s), 2, "seqNo", "4294967297"),
	    "installments[2].seqNo", "out_of_range");
}

TEST(create_repeated_installment_id_in_any_case_is_400_duplicate_on_the_later_one)
{
	struct scratch s;
	const char *a = fresh_uuid();
	int32_t b;

	REQUIRE(SCRATCH(&s, 1, 3));
	b = s.business;
	REFUSED(&s, "installments", arr(3,
	    installment_json(a, 1, b + 10, "100000", "EUR"),
	    installment_json(fresh_uuid(), 2, b + 20, "100000", "EUR"),
	    installment_json(a, 3, b + 30, "100000", "EUR")),
	    "installments[2].id", "duplicate");
	REFUSED(&s, "installments", arr(3,
	    installment_json(a, 1, b + 10, "100000", "EUR"),
	    installment_json(fresh_uuid(), 2, b + 20, "100000", "EUR"),
	    installment_json(pool_upper(a), 3, b + 30, "100000", "EUR")),
	    "installments[2].id", "duplicate");
	REFUSED(&s, "installments", arr(3,
	    installment_json(fresh_uuid(), 1, b + 10, "100000", "EUR"),
	    installment_json(pool_upper(a), 2, b + 20, "100000", "EUR"),
	    installment_json(a, 3, b + 30, "100000", "EUR")),
	    "installments[2].id", "duplicate");
	/* Later as sent, not by seqNo: seqNo 3 first, its twin (seqNo 2)
	   last. */
	REFUSED(&s, "installments", arr(3,
	    installment_json(a, 3, b + 30, "100000", "EUR"),
	    installment_json(fresh_uuid(), 1, b + 10, "100000", "EUR"),
	    installment_json(pool_upper(a), 2, b + 20, "100000", "EUR")),
	    "installments[2].id", "duplicate");
}

TEST(create_due_date_decreasing_with_seq_no_is_400_out_of_order_at_its_position_as_sent)
{
	struct scratch s;
	const cJSON *data, *insts;
	const char *id, *i1 = fresh_uuid(), *i2 = fresh_uuid(),
	    *i3 = fresh_uuid();
	int32_t b;

	REQUIRE(SCRATCH(&s, 1, 3));
	b = s.business;
	/* By seqNo: 1 on b+25, 2 on b+20 (earlier): seqNo 2 is sent first. */
	REFUSED(&s, "installments", arr(3,
	    installment_json(fresh_uuid(), 2, b + 20, "100000", "EUR"),
	    installment_json(fresh_uuid(), 1, b + 25, "100000", "EUR"),
	    installment_json(fresh_uuid(), 3, b + 30, "100000", "EUR")),
	    "installments[0].dueDate", "out_of_order");
	/* Sent b+15, b+10, b+20; by seqNo b+10, b+20, b+15: seqNo 3, at 0. */
	REFUSED(&s, "installments", arr(3,
	    installment_json(fresh_uuid(), 3, b + 15, "100000", "EUR"),
	    installment_json(fresh_uuid(), 1, b + 10, "100000", "EUR"),
	    installment_json(fresh_uuid(), 2, b + 20, "100000", "EUR")),
	    "installments[0].dueDate", "out_of_order");
	/* Sent in seqNo order, the last one earlier than the second. */
	REFUSED(&s, "installments", arr(3,
	    installment_json(fresh_uuid(), 1, b + 10, "100000", "EUR"),
	    installment_json(fresh_uuid(), 2, b + 20, "100000", "EUR"),
	    installment_json(fresh_uuid(), 3, b + 19, "100000", "EUR")),
	    "installments[2].dueDate", "out_of_order");
	/* Sent in decreasing date order, non-decreasing by seqNo (two on the
	   same day): accepted, read back by seqNo. */
	REQUIRE((id = ACCEPTED(&s, "installments", arr(3,
	    installment_json(i3, 3, b + 30, "100000", "EUR"),
	    installment_json(i2, 2, b + 10, "100000", "EUR"),
	    installment_json(i1, 1, b + 10, "100000", "EUR")))) != NULL);
	REQUIRE((data = GET_DATA(id, s.key)) != NULL);
	insts = jget(data, "installments");
	REQUIRE(CHECKF(cJSON_GetArraySize(insts) == 3, "installments: %s",
	    jshow(insts)));
	CHECK_INSTALLMENT(cJSON_GetArrayItem(insts, 0), i1, 1, b + 10,
	    "100000", "EUR");
	CHECK_INSTALLMENT(cJSON_GetArrayItem(insts, 1), i2, 2, b + 10,
	    "100000", "EUR");
	CHECK_INSTALLMENT(cJSON_GetArrayItem(insts, 2), i3, 3, b + 30,
	    "100000", "EUR");
}

TEST(create_installment_currency_other_than_the_contracts_is_400_mismatch)
{
	struct scratch s;
	struct http_response *r;
	cJSON *body;

	REQUIRE(SCRATCH(&s, 1, 3));
	REFUSED_BODY(&s, inst_set(contract_body(&s), 1, "currency",
	    "\"GBP\""), "installments[1].currency", "mismatch");
	/* A GBP contract of EUR installments: each named. */
	body = json_set(contract_body(&s), "currency", "\"GBP\"");
	r = contract_post(s.key, body, NULL);
	CHECK_DETAIL(r, "installments[0].currency", "mismatch");
	CHECK_DETAIL(r, "installments[1].currency", "mismatch");
	CHECK_DETAIL(r, "installments[2].currency", "mismatch");
	CHECK_INT(3, detail_count(r));
	CHECK_INT(0, N_CONTRACTS(s.est));
}

TEST(create_installments_summing_one_cent_off_the_total_is_400_total_amount_cents_mismatch)
{
	struct scratch s;

	REQUIRE(SCRATCH(&s, 1, 3));
	REFUSED(&s, "totalAmountCents", "\"300001\"", "totalAmountCents",
	    "mismatch");
	REFUSED(&s, "totalAmountCents", "\"299999\"", "totalAmountCents",
	    "mismatch");
	REFUSED(&s, "totalAmountCents", "300001", "totalAmountCents",
	    "mismatch");
	REFUSED_BODY(&s, inst_set(contract_body(&s), 2, "amountCents",
	    "\"100001\""), "totalAmountCents", "mismatch");
	REFUSED_BODY(&s, inst_set(contract_body(&s), 0, "amountCents",
	    "99999"), "totalAmountCents", "mismatch");
	CHECK(ACCEPTED(&s, "totalAmountCents", "300000") != NULL);
}

TEST(create_installments_whose_sum_passes_64_bits_is_400_total_amount_cents_mismatch)
{
	struct scratch s;
	char *items;
	int i;

	REQUIRE(SCRATCH(&s, 1, 3));
	/* 10 x (10^18 - 1) is past 2^63 - 1. */
	items = pool_strdup("[");
	for (i = 0; i < 10; i++)
		items = pool_printf("%s%s%s", items, i ? "," : "",
		    installment_json(fresh_uuid(), i + 1, s.business + 10,
		    "999999999999999999", "EUR"));
	items = pool_printf("%s]", items);
	REFUSED_BODY(&s, json_set(json_set(contract_body(&s), "installments",
	    items), "totalAmountCents", "\"999999999999999999\""),
	    "totalAmountCents", "mismatch");
	/* 18 x 970881267037344827 + 970881267037344830 = 2^64 + 100: a sum
	   that wraps lands on the total of 100. */
	items = pool_strdup("[");
	for (i = 0; i < 19; i++)
		items = pool_printf("%s%s%s", items, i ? "," : "",
		    installment_json(fresh_uuid(), i + 1, s.business + 10,
		    i < 18 ? "970881267037344827" : "970881267037344830",
		    "EUR"));
	items = pool_printf("%s]", items);
	REFUSED_BODY(&s, json_set(json_set(contract_body(&s), "installments",
	    items), "totalAmountCents", "\"100\""), "totalAmountCents",
	    "mismatch");
}

/* ---- the other fields ------------------------------------------------------- */

TEST(create_notice_period_days_outside_0_3650_is_400_out_of_range)
{
	struct scratch s;
	const cJSON *data;
	const char *id;

	REQUIRE(SCRATCH(&s, 1, 3));
	REFUSED(&s, "noticePeriodDays", "-1", "noticePeriodDays",
	    "out_of_range");
	REFUSED(&s, "noticePeriodDays", "3651", "noticePeriodDays",
	    "out_of_range");
	REFUSED(&s, "noticePeriodDays", "4294967326", "noticePeriodDays",
	    "out_of_range");
	REQUIRE((id = ACCEPTED(&s, "noticePeriodDays", "3650")) != NULL);
	REQUIRE((data = GET_DATA(id, s.key)) != NULL);
	CHECK_JSON_NUM(data, "noticePeriodDays", 3650);
	CHECK(ACCEPTED(&s, "noticePeriodDays", "0") != NULL);
}

TEST(create_tourism_tax_exempt_without_a_basis_is_400_required_basis_of_501_characters_too_long)
{
	struct scratch s;
	const cJSON *data;
	const char *id, *e500;
	cJSON *body;

	REQUIRE(SCRATCH(&s, 1, 3));
	REFUSED(&s, "tourismTaxExempt", "true", "tourismTaxExemptBasis",
	    "required");
	body = json_set(contract_body(&s), "tourismTaxExempt", "true");
	REFUSED_BODY(&s, json_set(body, "tourismTaxExemptBasis", "\"\""),
	    "tourismTaxExemptBasis", "required");
	body = json_set(contract_body(&s), "tourismTaxExempt", "true");
	REFUSED_BODY(&s, json_set(body, "tourismTaxExemptBasis", "null"),
	    "tourismTaxExemptBasis", "required");
	body = json_set(contract_body(&s), "tourismTaxExempt", "true");
	REFUSED_BODY(&s, json_set(body, "tourismTaxExemptBasis",
	    q(repeat("x", 501))), "tourismTaxExemptBasis", "too_long");
	/* Not exempt: the length still counts. */
	REFUSED(&s, "tourismTaxExemptBasis", q(repeat("x", 501)),
	    "tourismTaxExemptBasis", "too_long");
	/* 500 characters, also when each is two bytes. */
	body = json_set(contract_body(&s), "tourismTaxExempt", "true");
	REQUIRE((id = ACCEPTED_BODY(&s, json_set(body,
	    "tourismTaxExemptBasis", q(repeat("x", 500))))) != NULL);
	REQUIRE((data = GET_DATA(id, s.key)) != NULL);
	CHECK_JSON_STR(data, "tourismTaxExemptBasis", repeat("x", 500));
	CHECK_JSON_BOOL(data, "tourismTaxExempt", 1);
	e500 = repeat("\xc3\xa9", 500);
	body = json_set(contract_body(&s), "tourismTaxExempt", "true");
	REQUIRE((id = ACCEPTED_BODY(&s, json_set(body,
	    "tourismTaxExemptBasis", q(e500)))) != NULL);
	REQUIRE((data = GET_DATA(id, s.key)) != NULL);
	CHECK_JSON_STR(data, "tourismTaxExemptBasis", e500);
	body = json_set(contract_body(&s), "tourismTaxExempt", "true");
	REFUSED_BODY(&s, json_set(body, "tourismTaxExemptBasis",
	    q(repeat("\xc3\xa9", 501))), "tourismTaxExemptBasis", "too_long");
}

TEST(create_guest_profile_of_another_establishment_or_unknown_is_400_unknown_reference)
{
	struct scratch s, other;

	REQUIRE(SCRATCH(&s, 1, 3));
	REQUIRE(SCRATCH(&other, 1, 1));
	REFUSED(&s, "guestProfileId", q(other.guest), "guestProfileId",
	    "unknown_reference");
	REFUSED(&s, "guestProfileId", q(fresh_uuid()), "guestProfileId",
	    "unknown_reference");
}

TEST(create_unit_of_another_establishment_or_unknown_is_400_unknown_reference)
{
	struct scratch s, other;

	REQUIRE(SCRATCH(&s, 1, 3));
	REQUIRE(SCRATCH(&other, 1, 1));
	REFUSED(&s, "unitId", q(other.units[0][0]), "unitId",
	    "unknown_reference");
	REFUSED(&s, "unitId", q(UNIT_LYON_16), "unitId", "unknown_reference");
	REFUSED(&s, "unitId", q(fresh_uuid()), "unitId", "unknown_reference");
}

TEST(create_unit_type_code_unknown_is_400_unknown_reference_any_case_accepted_answered_as_sent)
{
	struct scratch s;
	const cJSON *data;
	const char *id;

	REQUIRE(SCRATCH(&s, 2, 3));
	/* Paris has a DBL; this establishment has T1 and T2 only. */
	REFUSED(&s, "unitType", "\"DBL\"", "unitType", "unknown_reference");
	REFUSED(&s, "unitType", "\"T9\"", "unitType", "unknown_reference");
	REFUSED_AMONG(&s, "unitType", "\"\"", "unitType", "too_short");
	REFUSED_AMONG(&s, "unitType", q(repeat("T", 33)), "unitType",
	    "too_long");
	/* 32 characters is a length a code may have. */
	REFUSED(&s, "unitType", q(repeat("T", 32)), "unitType",
	    "unknown_reference");
	REQUIRE((id = ACCEPTED(&s, "unitType", "\"T1\"")) != NULL);
	REQUIRE((data = GET_DATA(id, s.key)) != NULL);
	CHECK_JSON_STR(data, "unitType", "T1");
	CHECK_JSON_NULL(data, "unitId");
	REQUIRE((id = ACCEPTED(&s, "unitType", "\"t2\"")) != NULL);
	REQUIRE((data = GET_DATA(id, s.key)) != NULL);
	CHECK_JSON_STR(data, "unitType", "t2");
}

TEST(create_unit_type_code_matches_as_the_unit_type_table_collation_does)
{
	static const char type_ins_sql[] =
	    "INSERT INTO unit_types (id, establishment_id, code, name) "
	    "VALUES (?, ?, 'Suite-\xc3\x89t\xc3\xa9', 'itest suite')";
	static const char unit_ins_sql[] =
	    "INSERT INTO units (id, establishment_id, unit_type_id, number, "
	    "active) VALUES (?, ?, ?, 'S01', 1)";
	struct scratch s;
	const cJSON *data;
	const char *id, *type = fresh_uuid(), *unit = fresh_uuid();
	cJSON *body;

	REQUIRE(SCRATCH(&s, 1, 3));
	REQUIRE(harness_sql_at(__FILE__, __LINE__, 0, type_ins_sql, 2, type,
	    s.est) != NULL);
	REQUIRE(harness_sql_at(__FILE__, __LINE__, 0, unit_ins_sql, 3, unit,
	    s.est, type) != NULL);
	/* "Suite-Été" in lower case, its accented letters too. */
	REQUIRE((id = ACCEPTED(&s, "unitType", "\"suite-\xc3\xa9t\xc3\xa9\""))
	    != NULL);
	REQUIRE((data = GET_DATA(id, s.key)) != NULL);
	CHECK_JSON_STR(data, "unitType", "suite-\xc3\xa9t\xc3\xa9");
	/* With its unit: the same type, not a mismatch. */
	body = json_set(contract_body(&s), "unitId", q(unit));
	REQUIRE((id = ACCEPTED_BODY(&s, json_set(body, "unitType",
	    "\"SUITE-\xc3\x89T\xc3\x89\""))) != NULL);
	REQUIRE((data = GET_DATA(id, s.key)) != NULL);
	CHECK_JSON_STR(data, "unitType", "SUITE-\xc3\x89T\xc3\x89");
	CHECK_JSON_STR(data, "unitId", unit);
	/* And the other type's unit with this code is a mismatch. */
	body = json_set(contract_body(&s), "unitId", q(s.units[0][0]));
	REFUSED_BODY(&s, json_set(body, "unitType",
	    "\"suite-\xc3\xa9t\xc3\xa9\""), "unitType", "mismatch");
}

TEST(create_unit_with_a_unit_type_of_another_type_is_400_unit_type_mismatch)
{
	struct scratch s;
	const cJSON *data;
	const char *id;
	cJSON *body;

	REQUIRE(SCRATCH(&s, 2, 3));
	body = json_set(contract_body(&s), "unitId", q(s.units[0][0]));
	REFUSED_BODY(&s, json_set(body, "unitType", "\"T2\""), "unitType",
	    "mismatch");
	body = json_set(contract_body(&s), "unitId", q(s.units[1][0]));
	REFUSED_BODY(&s, json_set(body, "unitType", "\"t1\""), "unitType",
	    "mismatch");
	/* Its own type, in any case. */
	body = json_set(contract_body(&s), "unitId", q(s.units[1][0]));
	REQUIRE((id = ACCEPTED_BODY(&s, json_set(body, "unitType",
	    "\"t2\""))) != NULL);
	REQUIRE((data = GET_DATA(id, s.key)) != NULL);
	CHECK_JSON_STR(data, "unitId", s.units[1][0]);
	CHECK_JSON_STR(data, "unitType", "t2");
}

TEST(create_period_end_not_after_period_start_is_400_before_start)
{
	struct scratch s;
	const cJSON *data;
	const char *id;
	int32_t b;

	REQUIRE(SCRATCH(&s, 1, 3));
	b = s.business;
	REFUSED(&s, "periodEnd", q(day_s(b + 10)), "periodEnd",
	    "before_start");
	REFUSED(&s, "periodEnd", q(day_s(b + 9)), "periodEnd", "before_start");
	REFUSED(&s, "periodEnd", q(day_s(b - 100)), "periodEnd",
	    "before_start");
	REQUIRE((id = ACCEPTED(&s, "periodEnd", q(day_s(b + 11)))) != NULL);
	REQUIRE((data = GET_DATA(id, s.key)) != NULL);
	CHECK_JSON_STR(data, "periodEnd", day_s(b + 11));
	REQUIRE((id = ACCEPTED(&s, "periodEnd", "null")) != NULL);
	REQUIRE((data = GET_DATA(id, s.key)) != NULL);
	CHECK_JSON_NULL(data, "periodEnd");
}

TEST(create_period_start_before_the_business_date_is_400_in_past)
{
	struct scratch s;
	const cJSON *data;
	const char *id;
	int32_t b;

	REQUIRE(SCRATCH(&s, 1, 3));
	b = s.business;
	REFUSED(&s, "periodStart", q(day_s(b - 1)), "periodStart", "in_past");
	REFUSED(&s, "periodStart", q(day_s(b - 400)), "periodStart",
	    "in_past");
	REQUIRE((id = ACCEPTED(&s, "periodStart", q(day_s(b)))) != NULL);
	REQUIRE((data = GET_DATA(id, s.key)) != NULL);
	CHECK_JSON_STR(data, "periodStart", day_s(b));
	/* The business date, not today: after a night audit, yesterday's
	   business date is in the past. */
	REQUIRE(NIGHT_AUDIT(s.est, b + 2));
	REFUSED(&s, "periodStart", q(day_s(b + 1)), "periodStart", "in_past");
	CHECK(ACCEPTED(&s, "periodStart", q(day_s(b + 2))) != NULL);
}

/* ---- renewals ---------------------------------------------------------------- */

TEST(create_renewal_of_a_contract_of_the_same_guest_is_accepted_and_get_shows_the_chain_on_each)
{
	struct scratch s;
	const cJSON *data;
	const char *c1, *c2, *c3;
	int32_t b;

	REQUIRE(SCRATCH(&s, 1, 3));
	b = s.business;
	REQUIRE((c1 = CONTRACT_NEW(&s, NULL)) != NULL);
	REQUIRE((c2 = ACCEPTED(&s, "previousContractId", q(c1))) != NULL);
	REQUIRE((data = GET_DATA(c1, s.key)) != NULL);
	CHECK_JSON_NULL(data, "previousContractId");
	CHECK_CHAIN(data, 2, c1, c2);
	REQUIRE((data = GET_DATA(c2, s.key)) != NULL);
	CHECK_JSON_STR(data, "previousContractId", c1);
	CHECK_CHAIN(data, 2, c1, c2);
	CHECK_JSON_STR(data, "periodStart", day_s(b + 10));
	/* A renewal of the renewal, its id in upper case. */
	REQUIRE((c3 = ACCEPTED(&s, "previousContractId", q(pool_upper(c2))))
	    != NULL);
	REQUIRE((data = GET_DATA(c1, s.key)) != NULL);
	CHECK_CHAIN(data, 3, c1, c2, c3);
	REQUIRE((data = GET_DATA(c2, s.key)) != NULL);
	CHECK_CHAIN(data, 3, c1, c2, c3);
	REQUIRE((data = GET_DATA(c3, s.key)) != NULL);
	CHECK_CHAIN(data, 3, c1, c2, c3);
	CHECK_JSON_STR(data, "previousContractId", c2);
	/* A second renewal of c2: its chain is c1, c2 and itself, and c3's
	   does not hold it (c1's and c2's, with two latest, are left open). */
	{
		const char *c4;

		REQUIRE((c4 = ACCEPTED(&s, "previousContractId", q(c2)))
		    != NULL);
		REQUIRE((data = GET_DATA(c4, s.key)) != NULL);
		CHECK_CHAIN(data, 3, c1, c2, c4);
		REQUIRE((data = GET_DATA(c3, s.key)) != NULL);
		CHECK_CHAIN(data, 3, c1, c2, c3);
	}
	/* A contract outside the chain is alone in its own. */
	REQUIRE((c1 = CONTRACT_NEW(&s, NULL)) != NULL);
	REQUIRE((data = GET_DATA(c1, s.key)) != NULL);
	CHECK_CHAIN(data, 1, c1);
}

TEST(create_renewal_of_another_guests_contract_is_400_previous_contract_id_mismatch)
{
	struct scratch s;
	const char *guest2 = fresh_uuid(), *theirs;

	REQUIRE(SCRATCH(&s, 1, 3));
	REQUIRE(harness_sql_at(__FILE__, __LINE__, 0, guest_ins_sql, 2, guest2,
	    s.est) != NULL);
	REQUIRE((theirs = CONTRACT_NEW(&s, json_set(contract_body(&s),
	    "guestProfileId", q(guest2)))) != NULL);
	REFUSED(&s, "previousContractId", q(theirs), "previousContractId",
	    "mismatch");
	/* Their own renewal is fine. */
	CHECK(ACCEPTED_BODY(&s, json_set(json_set(contract_body(&s),
	    "guestProfileId", q(guest2)), "previousContractId", q(theirs)))
	    != NULL);
}

TEST(create_renewal_of_an_unknown_contract_or_one_of_another_establishment_is_400_unknown_reference)
{
	struct scratch s, other;
	const char *theirs;

	REQUIRE(SCRATCH(&s, 1, 3));
	REQUIRE(SCRATCH(&other, 1, 1));
	REQUIRE((theirs = CONTRACT_NEW(&other, NULL)) != NULL);
	REFUSED(&s, "previousContractId", q(fresh_uuid()),
	    "previousContractId", "unknown_reference");
	/* Not "mismatch" (another guest too): that contract is not named. */
	REFUSED(&s, "previousContractId", q(theirs), "previousContractId",
	    "unknown_reference");
	CHECK_INT(1, N_CONTRACTS(other.est));
}

/* ---- several at once --------------------------------------------------------- */

TEST(create_with_several_bad_fields_lists_every_one_in_one_400)
{
	struct scratch s;
	struct http_response *r;
	cJSON *b;

	REQUIRE(SCRATCH(&s, 1, 3));
	b = contract_body(&s);
	json_set(b, "guestProfileId", "\"not-a-uuid\"");
	json_set(b, "periodStart", "\"2030-02-30\"");
	json_set(b, "depositNature", "\"caution\"");
	json_set(b, "terminationPolicy", "\"aucune\"");
	json_set(b, "noticePeriodDays", "4000");
	json_set(b, "totalAmountCents", "\"-5\"");
	json_set(b, "unitType", "\"NOPE\"");
	json_set(b, "tourismTaxExempt", "true");
	json_set(b, "color", "\"blue\"");
	inst_set(b, 0, "id", "\"x\"");
	r = contract_post(s.key, b, NULL);
	CHECK_DETAIL(r, "guestProfileId", "bad_uuid");
	CHECK_DETAIL(r, "periodStart", "bad_date");
	CHECK_DETAIL(r, "depositNature", "not_allowed_value");
	CHECK_DETAIL(r, "terminationPolicy", "not_allowed_value");
	CHECK_DETAIL(r, "noticePeriodDays", "out_of_range");
	CHECK_DETAIL(r, "totalAmountCents", "bad_cents");
	CHECK_DETAIL(r, "unitType", "unknown_reference");
	CHECK_DETAIL(r, "tourismTaxExemptBasis", "required");
	CHECK_DETAIL(r, "color", "unknown_field");
	CHECK_DETAIL(r, "installments[0].id", "bad_uuid");
	CHECK_INT(10, detail_count(r));
	CHECK_INT(0, N_CONTRACTS(s.est));
}

TEST(create_with_several_bad_installments_names_each_at_its_position)
{
	struct scratch s;
	struct http_response *r;
	const char *a = fresh_uuid();
	int32_t b;

	REQUIRE(SCRATCH(&s, 1, 3));
	b = s.business;
	r = contract_post(s.key, json_set(contract_body(&s), "installments",
	    arr(4,
	    installment_json(a, 1, b + 10, "100000", "EUR"),
	    installment_json(a, 2, b + 20, "100000", "GBP"),
	    installment_json(fresh_uuid(), 3, b + 30, "-1", "EUR"),
	    installment_json(fresh_uuid(), 5, b + 40, "0", "EUR"))), NULL);
	CHECK_DETAIL(r, "installments[1].id", "duplicate");
	CHECK_DETAIL(r, "installments[1].currency", "mismatch");
	CHECK_DETAIL(r, "installments[2].amountCents", "bad_cents");
	CHECK_DETAIL(r, "installments[3].seqNo", "out_of_range");
	CHECK_INT(4, detail_count(r));
	CHECK_INT(0, N_CONTRACTS(s.est));
}

/* ======================================================================== */
/* create: who may                                                          */
/* ======================================================================== */

TEST(create_without_a_key_is_401_by_an_agent_403_forbidden_and_stores_nothing)
{
	struct scratch s;

	REQUIRE(SCRATCH(&s, 1, 3));
	CHECK_PMS_ERROR(contract_post(NULL, contract_body(&s), NULL), 401,
	    "UNAUTHENTICATED");
	CHECK_PMS_ERROR(contract_post("itest-no-such-key-0123456789abcdef01",
	    contract_body(&s), NULL), 401, "UNAUTHENTICATED");
	CHECK_PMS_ERROR(contract_post(s.agent_key, contract_body(&s), NULL),
	    403, "FORBIDDEN");
	CHECK_PMS_ERROR(contract_post(KEY_PARIS_AGENT, contract_body(&s),
	    NULL), 403, "FORBIDDEN");
	CHECK_INT(0, N_CONTRACTS(s.est));
}

TEST(create_for_an_establishment_outside_the_key_scope_is_403_out_of_scope_even_with_bad_fields)
{
	struct scratch s, other;
	cJSON *bad;

	REQUIRE(SCRATCH(&s, 1, 3));
	REQUIRE(SCRATCH(&other, 1, 1));
	CHECK_PMS_ERROR(contract_post(KEY_LYON_MANAGER, contract_body(&s),
	    NULL), 403, "OUT_OF_SCOPE");
	CHECK_PMS_ERROR(contract_post(other.key, contract_body(&s), NULL),
	    403, "OUT_OF_SCOPE");
	bad = contract_body(&s);
	json_set(bad, "currency", "\"USD\"");
	json_set(bad, "installments", "[]");
	json_set(bad, "periodStart", "\"2030-02-30\"");
	json_set(bad, "color", "\"blue\"");
	CHECK_PMS_ERROR(contract_post(KEY_LYON_MANAGER, bad, NULL), 403,
	    "OUT_OF_SCOPE");
	CHECK_PMS_ERROR(contract_post(other.key, bad, NULL), 403,
	    "OUT_OF_SCOPE");
	/* Paris from a key scoped to this scratch establishment. */
	CHECK_PMS_ERROR(contract_post(s.key, json_set(contract_body(&s),
	    "establishmentId", q(PARIS_ID)), NULL), 403, "OUT_OF_SCOPE");
	/* Unknown and outside the scope: 403 too, nothing learnt. */
	CHECK_PMS_ERROR(contract_post(s.key, json_set(contract_body(&s),
	    "establishmentId", q(fresh_uuid())), NULL), 403, "OUT_OF_SCOPE");
	CHECK_INT(0, N_CONTRACTS(s.est));
	CHECK_INT(0, N_CONTRACTS(other.est));
}

TEST(create_for_an_unknown_establishment_is_404_establishment_not_found)
{
	struct scratch s;
	const char *out, *all_key;

	REQUIRE(SCRATCH(&s, 1, 3));
	out = ADMIN("api-key", "add", "--role", "manager", "--all", "--label",
	    "itest long-stay all");
	REQUIRE(out != NULL && (all_key = kv_get(out, "key")) != NULL);
	CHECK_PMS_ERROR(contract_post(all_key, json_set(contract_body(&s),
	    "establishmentId", q(fresh_uuid())), NULL), 404,
	    "ESTABLISHMENT_NOT_FOUND");
	/* The same body for the real establishment is fine with that key. */
	CHECK_STATUS(contract_post(all_key, contract_body(&s), NULL), 201);
	CHECK_INT(1, N_CONTRACTS(s.est));
}

/* ======================================================================== */
/* idempotency                                                              */
/* ======================================================================== */

TEST(create_replayed_with_the_same_idempotency_key_and_body_answers_the_same_201_once)
{
	struct scratch s;
	struct http_response *r1, *r2;
	const char *idem = pool_printf("itest-lsc-%s", fresh_uuid());
	cJSON *body;

	REQUIRE(SCRATCH(&s, 1, 3));
	body = contract_body(&s);
	r1 = contract_post(s.key, body, idem);
	REQUIRE(CHECK_STATUS(r1, 201));
	CHECKF(http_header(r1, "Idempotent-Replayed") == NULL,
	    "the first answer says it is replayed");
	r2 = contract_post(s.key, body, idem);
	CHECK_STATUS(r2, 201);
	CHECK_STR("true", http_header(r2, "Idempotent-Replayed"));
	CHECKF(r1->body_len == r2->body_len && memcmp(r1->body, r2->body,
	    r1->body_len) == 0, "the replay differs:\n#     first:  %s\n"
	    "#     second: %s", r1->body, r2->body);
	CHECK_INT(1, N_CONTRACTS(s.est));
	/* Without the key, another create is another contract. */
	CHECK_STATUS(contract_post(s.key, contract_body(&s), NULL), 201);
	CHECK_INT(2, N_CONTRACTS(s.est));
}

TEST(create_with_a_used_idempotency_key_and_another_body_is_409_idempotency_key_reused)
{
	struct scratch s;
	struct http_response *r;
	const char *idem = pool_printf("itest-lsc-%s", fresh_uuid());

	REQUIRE(SCRATCH(&s, 1, 3));
	REQUIRE(CHECK_STATUS(contract_post(s.key, contract_body(&s), idem),
	    201));
	r = contract_post(s.key, json_set(contract_body(&s),
	    "noticePeriodDays", "45"), idem);
	CHECK_PMS_ERROR(r, 409, "IDEMPOTENCY_KEY_REUSED");
	CHECKF(http_header(r, "Idempotent-Replayed") == NULL,
	    "a refusal says it is replayed");
	CHECK_INT(1, N_CONTRACTS(s.est));
}

TEST(create_with_an_idempotency_key_another_api_key_used_is_a_create_of_its_own)
{
	struct scratch s;
	const char *idem = pool_printf("itest-lsc-%s", fresh_uuid());
	const char *key2, *c1, *c2;
	struct http_response *r;

	REQUIRE(SCRATCH(&s, 1, 3));
	REQUIRE((key2 = SCRATCH_KEY(s.est, "manager")) != NULL);
	r = contract_post(s.key, contract_body(&s), idem);
	REQUIRE(CHECK_STATUS(r, 201));
	c1 = jstr(jget(r->json, "data"), "contractId");
	/* The same Idempotency-Key from another API key, another body. */
	r = contract_post(key2, json_set(contract_body(&s), "noticePeriodDays",
	    "45"), idem);
	REQUIRE(CHECK_STATUS(r, 201));
	CHECK(http_header(r, "Idempotent-Replayed") == NULL);
	c2 = jstr(jget(r->json, "data"), "contractId");
	CHECKF(c1 != NULL && c2 != NULL && strcmp(c1, c2) != 0,
	    "the second key got the first key's contract %s", c1 ? c1 : "?");
	CHECK_INT(2, N_CONTRACTS(s.est));
}

static const struct test_case tests[] = {
	TEST_ENTRY(create_minimal_body_answers_201_with_a_contract_id_and_get_reads_it_back_with_the_defaults),
	TEST_ENTRY(create_full_body_answers_201_and_get_reads_every_field_as_sent),
	TEST_ENTRY(create_other_enum_values_and_a_unit_alone_are_read_back_as_sent),
	TEST_ENTRY(create_accepts_upper_case_ids_and_get_answers_them_in_lower_case),
	TEST_ENTRY(create_without_each_required_field_is_400_required_naming_it),
	TEST_ENTRY(create_with_wrong_json_types_is_400_wrong_type),
	TEST_ENTRY(create_with_bad_uuids_is_400_bad_uuid),
	TEST_ENTRY(create_with_impossible_dates_is_400_bad_date),
	TEST_ENTRY(create_with_values_outside_the_enums_is_400_not_allowed_value),
	TEST_ENTRY(create_with_an_unknown_field_is_400_unknown_field),
	TEST_ENTRY(create_total_of_18_digits_or_2_pow_53_minus_1_as_a_number_is_accepted_and_read_back_exactly),
	TEST_ENTRY(create_total_not_in_cents_is_400_bad_cents),
	TEST_ENTRY(create_installment_amount_not_in_cents_is_400_bad_cents_and_no_sum_mismatch),
	TEST_ENTRY(create_installments_empty_is_too_few_items_401_too_many_400_accepted),
	TEST_ENTRY(create_repeated_seq_no_is_400_duplicate_on_the_later_one),
	TEST_ENTRY(create_seq_no_leaving_a_gap_or_below_1_is_400_out_of_range),
	TEST_ENTRY(create_repeated_installment_id_in_any_case_is_400_duplicate_on_the_later_one),
	TEST_ENTRY(create_due_date_decreasing_with_seq_no_is_400_out_of_order_at_its_position_as_sent),
	TEST_ENTRY(create_installment_currency_other_than_the_contracts_is_400_mismatch),
	TEST_ENTRY(create_installments_summing_one_cent_off_the_total_is_400_total_amount_cents_mismatch),
	TEST_ENTRY(create_installments_whose_sum_passes_64_bits_is_400_total_amount_cents_mismatch),
	TEST_ENTRY(create_notice_period_days_outside_0_3650_is_400_out_of_range),
	TEST_ENTRY(create_tourism_tax_exempt_without_a_basis_is_400_required_basis_of_501_characters_too_long),
	TEST_ENTRY(create_guest_profile_of_another_establishment_or_unknown_is_400_unknown_reference),
	TEST_ENTRY(create_unit_of_another_establishment_or_unknown_is_400_unknown_reference),
	TEST_ENTRY(create_unit_type_code_unknown_is_400_unknown_reference_any_case_accepted_answered_as_sent),
	TEST_ENTRY(create_unit_type_code_matches_as_the_unit_type_table_collation_does),
	TEST_ENTRY(create_unit_with_a_unit_type_of_another_type_is_400_unit_type_mismatch),
	TEST_ENTRY(create_period_end_not_after_period_start_is_400_before_start),
	TEST_ENTRY(create_period_start_before_the_business_date_is_400_in_past),
	TEST_ENTRY(create_renewal_of_a_contract_of_the_same_guest_is_accepted_and_get_shows_the_chain_on_each),
	TEST_ENTRY(create_renewal_of_another_guests_contract_is_400_previous_contract_id_mismatch),
	TEST_ENTRY(create_renewal_of_an_unknown_contract_or_one_of_another_establishment_is_400_unknown_reference),
	TEST_ENTRY(create_with_several_bad_fields_lists_every_one_in_one_400),
	TEST_ENTRY(create_with_several_bad_installments_names_each_at_its_position),
	TEST_ENTRY(create_without_a_key_is_401_by_an_agent_403_forbidden_and_stores_nothing),
	TEST_ENTRY(create_for_an_establishment_outside_the_key_scope_is_403_out_of_scope_even_with_bad_fields),
	TEST_ENTRY(create_for_an_unknown_establishment_is_404_establishment_not_found),
	TEST_ENTRY(create_replayed_with_the_same_idempotency_key_and_body_answers_the_same_201_once),
	TEST_ENTRY(create_with_a_used_idempotency_key_and_another_body_is_409_idempotency_key_reused),
	TEST_ENTRY(create_with_an_idempotency_key_another_api_key_used_is_a_create_of_its_own),
	TEST_END
};

int
main(int argc, char **argv)
{
	return harness_main(argc, argv, __FILE__, tests);
}
