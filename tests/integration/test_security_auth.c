/*
 * test_security_auth: the credentials themselves (docs/security.md, OWASP
 * API2; SPEC 2.1, 3.1), what test_auth.c leaves out, through the real
 * stack:
 *  - what the database keeps of a PMS key (its SHA-256) is no key: sent
 *    as X-API-Key it is 401;
 *  - a key differing from a real one only in case, or with a blank or a
 *    character cut off, is 401;
 *  - an AMAGE signature is refused the second time also when the replay
 *    spells its v1 in upper case or puts a space after the comma (the
 *    replay store keeps the canonical form), and the write is done once;
 *  - an AMAGE api-key header over 128 characters is 400 / 401;
 *  - only a verified POST or DELETE signature takes a row in the replay
 *    store (amage_seen_signatures): a bad signature, an expired one and a
 *    GET leave none, so a caller without the secret cannot grow it.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "scratch.h"

#define ZONE		"Europe/Paris"

static const char key_sha_sql[] = "SELECT SHA2(?, 256)";
static const char stored_sha_sql[] =
    "SELECT COUNT(*) FROM api_keys WHERE key_sha256 = ?";

TEST(the_stored_sha256_of_a_key_sent_as_x_api_key_is_401)
{
	struct scratch s;
	const char *sha;

	REQUIRE(SCRATCH_NEW(&s, 1, 1, ZONE, TODAY_IN(ZONE), 0));
	REQUIRE((sha = SQL_VALUE(key_sha_sql, 1, s.key)) != NULL);
	/* It is what the database keeps. */
	REQUIRE(CHECK_STR("1", SQL_VALUE(stored_sha_sql, 1, sha)));
	CHECK_STATUS(pms_get(pool_printf("/v1/units/%s", s.units[0][0]),
	    s.key), 200);
	CHECK_PMS_ERROR(pms_get(pool_printf("/v1/units/%s", s.units[0][0]),
	    sha), 401, "UNAUTHENTICATED");
	CHECK_PMS_ERROR(pms_get(pool_printf("/v1/units/%s", s.units[0][0]),
	    pool_upper(sha)), 401, "UNAUTHENTICATED");
}

TEST(a_key_differing_from_a_real_one_in_case_or_by_one_character_is_401)
{
	const char *key = KEY_PARIS_AGENT, *path = "/v1/units/" UNIT_PARIS_01;
	size_t n = strlen(key);

	CHECK_STATUS(pms_get(path, key), 200);
	CHECK_PMS_ERROR(pms_get(path, pool_upper(key)), 401,
	    "UNAUTHENTICATED");
	CHECK_PMS_ERROR(pms_get(path, pool_printf("%.*s", (int)n - 1, key)),
	    401, "UNAUTHENTICATED");
	CHECK_PMS_ERROR(pms_get(path, pool_printf("%sx", key)), 401,
	    "UNAUTHENTICATED");
	CHECK_PMS_ERROR(pms_get(path, pool_printf("%.*s0", (int)n - 1, key)),
	    401, "UNAUTHENTICATED");
}

/* A signed add of a fresh name; the api-sign it sent (pool), or NULL. */
static const char *
signed_add_at(const char **body, const char *file, int line)
{
	struct amage_opts o = { 0 };

	*body = pool_printf("{\"name\":\"itest replay variant %s\"}",
	    fresh_uuid());
	if (!check_amage_ok_at(amage_request("POST", WO_BASE "/add", *body,
	    strlen(*body), &o), file, line))
		return NULL;
	return pool_strdup(o.used_sign);
}

/* The same add again with api-sign sign: 400/401, nothing added. */
static void
replay_refused_at(const char *body, const char *sign, const char *file,
    int line)
{
	struct amage_opts o = { .sign_header = sign };
	long long before = amage_count_at(file, line);

	if (!check_amage_error_at(amage_request("POST", WO_BASE "/add", body,
	    strlen(body), &o), 400, 401, file, line))
		check_true(0, file, line, "(replayed as %s)", sign);
	check_int(before, amage_count_at(file, line), "count after the "
	    "replay", file, line);
}
#define REPLAY_REFUSED(body, sign)					\
	replay_refused_at((body), (sign), __FILE__, __LINE__)

TEST(amage_replay_spelling_v1_in_upper_case_is_refused_and_writes_once)
{
	const char *body, *sign;
	char *upper, *v1;

	REQUIRE((sign = signed_add_at(&body, __FILE__, __LINE__)) != NULL);
	upper = pool_strdup(sign);
	REQUIRE(CHECK((v1 = strstr(upper, "v1=")) != NULL));
	for (v1 += 3; *v1 != '\0'; v1++)
		*v1 = (char)toupper((unsigned char)*v1);
	REQUIRE(CHECK(strcmp(upper, sign) != 0));
	REPLAY_REFUSED(body, upper);
}

TEST(amage_replay_with_a_space_after_the_comma_is_refused_and_writes_once)
{
	const char *body, *sign, *comma;

	REQUIRE((sign = signed_add_at(&body, __FILE__, __LINE__)) != NULL);
	REQUIRE(CHECK((comma = strchr(sign, ',')) != NULL));
	REPLAY_REFUSED(body, pool_printf("%.*s, %s", (int)(comma - sign),
	    sign, comma + 1));
}

TEST(amage_api_key_over_128_characters_is_400_401)
{
	struct amage_opts o = { 0 };
	char key[200];

	memset(key, 'k', 129);
	key[129] = '\0';
	o.api_key = key;
	CHECK_AMAGE_ERROR(amage_request("GET", WO_BASE "/count", NULL, 0, &o),
	    400, 401);
}

static const char seen_sql[] =
    "SELECT COUNT(*) FROM amage_seen_signatures WHERE signature = ?";

/* Rows of the replay store holding the v1 of api-sign sign. */
static const char *
seen_rows_at(const char *sign, const char *file, int line)
{
	const char *v1 = strstr(sign, "v1=");

	if (!check_true(v1 != NULL, file, line, "no v1 in %s", sign))
		return NULL;
	return sql_value_at(file, line, seen_sql, 1, v1 + 3);
}
#define SEEN_ROWS(sign)		seen_rows_at((sign), __FILE__, __LINE__)

TEST(only_a_verified_post_or_delete_signature_takes_a_row_in_the_replay_store)
{
	const char *body = pool_printf("{\"name\":\"itest store %s\"}",
	    fresh_uuid());
	struct amage_opts bad = { .secret = "not-the-secret" };
	struct amage_opts old = { .time_offset = -301 };
	struct amage_opts get = { 0 }, good = { 0 };

	CHECK_AMAGE_ERROR(amage_request("POST", WO_BASE "/add", body,
	    strlen(body), &bad), 400, 401);
	CHECK_STR("0", SEEN_ROWS(bad.used_sign));
	CHECK_AMAGE_ERROR(amage_request("POST", WO_BASE "/add", body,
	    strlen(body), &old), 400, 401);
	CHECK_STR("0", SEEN_ROWS(old.used_sign));
	CHECK_STATUS(amage_request("GET", WO_BASE "/count", NULL, 0, &get),
	    200);
	CHECK_STR("0", SEEN_ROWS(get.used_sign));
	CHECK_AMAGE_OK(amage_request("POST", WO_BASE "/add", body,
	    strlen(body), &good));
	CHECK_STR("1", SEEN_ROWS(good.used_sign));
}

static const struct test_case tests[] = {
	TEST_ENTRY(the_stored_sha256_of_a_key_sent_as_x_api_key_is_401),
	TEST_ENTRY(a_key_differing_from_a_real_one_in_case_or_by_one_character_is_401),
	TEST_ENTRY(amage_replay_spelling_v1_in_upper_case_is_refused_and_writes_once),
	TEST_ENTRY(amage_replay_with_a_space_after_the_comma_is_refused_and_writes_once),
	TEST_ENTRY(amage_api_key_over_128_characters_is_400_401),
	TEST_ENTRY(only_a_verified_post_or_delete_signature_takes_a_row_in_the_replay_store),
	TEST_END
};

int
main(int argc, char **argv)
{
	return harness_main(argc, argv, __FILE__, tests);
}
