/*
 * pms-admin: the administrator's command-line tool of a real deployment
 * (SPEC 2.6).  It creates the reference data that is never created over
 * HTTP -- establishments, unit types, units, rate plans, guest profiles,
 * PMS API keys, AMAGE signing clients and AMAGE referenced objects -- and
 * lists or revokes what must be listed or revoked.
 *
 * Each command is one row of admin_commands[] (its two words, its option
 * table, its function and its usage line, which `help` prints).  Each
 * option is declared once with its kind (kcgi's validator table), and every
 * argument is checked against that table before the database is touched.
 * Writes are one transaction each (db_transaction, retried on deadlock),
 * through prepared statements only.  Results go to stdout as one line of
 * key=value pairs per object; messages go to stderr.  Exit status: 0
 * success, 1 failure (not found, duplicate, database unavailable), 2 usage.
 * Secrets (PMS API keys, AMAGE api-keys and secrets) come from RAND_bytes,
 * are printed once and wiped from memory; a PMS key is stored only as its
 * SHA-256.
 */
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "config.h"
#include "datetime.h"
#include "db.h"
#include "json.h"
#include "sign.h"
#include "uuid.h"
#include "validate.h"

#define ADMIN_EXIT_OK		0
#define ADMIN_EXIT_FAIL		1
#define ADMIN_EXIT_USAGE	2

/*
 * What a transaction body returns when a referenced row is missing or does
 * not fit; positive, so db_transaction hands it back as is.
 */
#define ADMIN_REFUSED		1

#define ADMIN_WHY_MAX		320
#define ADMIN_NAME_MAX		200	/* VARCHAR(200) columns */
#define ADMIN_CODE_MAX		32	/* codes and unit numbers */
#define ADMIN_REF_NAME_MAX	255	/* amage_references.name */
#define ADMIN_ZONE_MAX		64	/* establishments.time_zone */
#define ADMIN_ZONEINFO		"/usr/share/zoneinfo/"

#define ADMIN_PMS_KEY_BYTES	32	/* "pms_" + 64 hex */
#define ADMIN_AMG_KEY_BYTES	16	/* "amg_" + 32 hex */
#define ADMIN_AMG_SECRET_BYTES	32	/* 64 hex */
#define ADMIN_RANDOM_MAX	32

#define ADMIN_REF_KINDS "type contract contract_scope account department " \
	"user contractor customer location place_of_work element_type asset"

/* ------------------------------------------------------------------ */
/* Options: declared per command, checked before anything else.       */

enum arg_kind {
	ARG_TEXT,	/* valid UTF-8, no control character, 1..max code points */
	ARG_UUID,	/* 8-4-4-4-12 hex, any case; kept lower case */
	ARG_DATE,	/* YYYY-MM-DD, a real calendar date */
	ARG_ZONE,	/* a time zone file under /usr/share/zoneinfo */
	ARG_EMAIL,	/* valid_email() */
	ARG_ENUM,	/* one of the space-separated words of one_of */
	ARG_CURRENCY,	/* three upper-case ASCII letters (ISO 4217) */
	ARG_ID,		/* a positive decimal integer (BIGINT id) */
	ARG_FLAG,	/* no value */
};

#define A_REQUIRED	0x01
#define A_REPEAT	0x02

struct arg_spec {
	const char *name;	/* without the leading "--" */
	enum arg_kind kind;
	unsigned flags;
	size_t max;		/* ARG_TEXT: length in code points */
	const char *one_of;	/* ARG_ENUM */
};

struct arg_value {
	const struct arg_spec *spec;
	const char *raw;	/* as given; NULL for a flag */
	char uuid[UUID_STR_LEN + 1];	/* ARG_UUID: lower case */
	int64_t id;		/* ARG_ID */
};

#define ARGS_MAX 256

struct args {
	int count;
	struct arg_value v[ARGS_MAX];
};

struct admin;

struct command {
	const char *group;		/* "api-key" */
	const char *verb;		/* "add"; NULL for "help" */
	int (*run)(struct admin *);
	const struct arg_spec *specs;	/* terminated by { NULL } */
	int (*check)(struct admin *);	/* cross-option rules, or NULL */
	int needs_db;
	const char *usage;		/* the whole line after "pms-admin " */
};

struct admin {
	const struct command *cmd;
	struct args args;
	struct config cfg;	/* borrowed by db for its reconnects */
	struct db *db;
};

static void admin_warn(const struct admin *ad, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* "pms-admin: api-key add: <message>" on stderr. */
static void
admin_warn(const struct admin *ad, const char *fmt, ...)
{
	va_list ap;

	fputs("pms-admin: ", stderr);
	if (ad != NULL && ad->cmd != NULL && ad->cmd->verb != NULL)
		fprintf(stderr, "%s %s: ", ad->cmd->group, ad->cmd->verb);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* The value of option name (the i-th when repeated), or NULL when absent. */
static const struct arg_value *
args_nth(const struct args *a, const char *name, int nth)
{
	const struct arg_value *found = NULL;
	int i;

	for (i = 0; i < a->count && found == NULL; i++)
		if (strcmp(a->v[i].spec->name, name) == 0 && nth-- == 0)
			found = &a->v[i];
	return found;
}

static int
args_count(const struct args *a, const char *name)
{
	int i, n = 0;

	for (i = 0; i < a->count; i++)
		if (strcmp(a->v[i].spec->name, name) == 0)
			n++;
	return n;
}

/* The checked text of option name (uuids lower case), or NULL. */
static const char *
args_str_nth(const struct args *a, const char *name, int nth)
{
	const struct arg_value *v = args_nth(a, name, nth);
	const char *s = NULL;

	if (v != NULL)
		s = v->spec->kind == ARG_UUID ? v->uuid : v->raw;
	return s;
}

static const char *
args_str(const struct args *a, const char *name)
{
	return args_str_nth(a, name, 0);
}

static int64_t
args_id(const struct args *a, const char *name)
{
	const struct arg_value *v = args_nth(a, name, 0);

	return v != NULL ? v->id : 0;
}

/* 1 when the nth value of a repeated option already appeared before it. */
static int
args_seen_before(const struct args *a, const char *name, int nth)
{
	const char *s = args_str_nth(a, name, nth);
	int i, seen = 0;

	for (i = 0; i < nth && !seen; i++)
		seen = strcmp(args_str_nth(a, name, i), s) == 0;
	return seen;
}

static int
arg_check_text(const char *s, size_t max, char *why, size_t whylen)
{
	size_t i, len = strlen(s);
	int blank = 1, rc = -1;

	if (len == 0) {
		snprintf(why, whylen, "must not be empty");
		goto done;
	}
	if (!json_utf8_valid(s, len)) {
		snprintf(why, whylen, "not valid UTF-8");
		goto done;
	}
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x20 || c == 0x7f) {
			snprintf(why, whylen, "control characters are not allowed");
			goto done;
		}
		if (c != ' ')
			blank = 0;
	}
	if (blank)
		snprintf(why, whylen, "must not be blank");
	else if (utf8_length(s) > max)
		snprintf(why, whylen, "longer than %zu characters", max);
	else
		rc = 0;
done:
	return rc;
}

/*
 * A zone name the way tzdata spells it (Europe/Paris, Etc/GMT+1), naming a
 * TZif file under /usr/share/zoneinfo, so that zone.tab and friends, which
 * are files there too, are refused.
 */
static int
arg_check_zone(const char *s, char *why, size_t whylen)
{
	char path[sizeof(ADMIN_ZONEINFO) + ADMIN_ZONE_MAX], magic[4];
	struct stat st;
	FILE *f = NULL;
	size_t i, len = strlen(s);
	int rc = -1;

	if (len == 0 || len > ADMIN_ZONE_MAX) {
		snprintf(why, whylen, "must be 1 to %d characters", ADMIN_ZONE_MAX);
		goto done;
	}
	for (i = 0; i < len; i++)
		if (strchr("abcdefghijklmnopqrstuvwxyz"
		    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/_+-", s[i]) == NULL)
			break;
	if (i < len || s[0] == '/' || strstr(s, "..") != NULL) {
		snprintf(why, whylen, "not a time zone name such as Europe/Paris");
		goto done;
	}
	snprintf(path, sizeof(path), "%s%s", ADMIN_ZONEINFO, s);
	if ((f = fopen(path, "rb")) == NULL || fstat(fileno(f), &st) != 0 ||
	    !S_ISREG(st.st_mode) || fread(magic, 1, sizeof(magic), f) !=
	    sizeof(magic) || memcmp(magic, "TZif", sizeof(magic)) != 0) {
		snprintf(why, whylen, "no such time zone under %s", ADMIN_ZONEINFO);
		goto done;
	}
	rc = 0;
done:
	if (f != NULL)
		fclose(f);
	return rc;
}

static int
arg_check_id(const char *s, int64_t *out, char *why, size_t whylen)
{
	char *end;
	long long n;
	int rc = -1;

	/* Digits only: strtoll alone would take " 12", "+12" and "-0". */
	if (*s == '\0' || strspn(s, "0123456789") != strlen(s) ||
	    strlen(s) > 18 || (n = strtoll(s, &end, 10)) <= 0) {
		snprintf(why, whylen, "not a positive integer id");
		goto done;
	}
	*out = n;
	rc = 0;
done:
	return rc;
}

/* Checks v->raw against its spec; 0, or -1 and the reason in why. */
static int
arg_check(struct arg_value *v, char *why, size_t whylen)
{
	const char *s = v->raw;
	int32_t days;
	int rc = 0;

	switch (v->spec->kind) {
	case ARG_TEXT:
		rc = arg_check_text(s, v->spec->max, why, whylen);
		break;
	case ARG_UUID:
		if ((rc = uuid_parse(s, v->uuid)) != 0)
			snprintf(why, whylen,
			    "not a uuid (8-4-4-4-12 hexadecimal digits)");
		break;
	case ARG_DATE:
		if ((rc = date_parse(s, &days)) != 0)
			snprintf(why, whylen, "not a calendar date YYYY-MM-DD");
		break;
	case ARG_ZONE:
		rc = arg_check_zone(s, why, whylen);
		break;
	case ARG_EMAIL:
		if (!valid_email(s)) {
			snprintf(why, whylen, "not a valid email address");
			rc = -1;
		}
		break;
	case ARG_ENUM:
		if (!valid_enum(s, v->spec->one_of)) {
			snprintf(why, whylen, "must be one of: %s", v->spec->one_of);
			rc = -1;
		}
		break;
	case ARG_CURRENCY:
		if (strlen(s) != 3 || strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != 3) {
			snprintf(why, whylen,
			    "must be three upper-case letters (ISO 4217), e.g. EUR");
			rc = -1;
		}
		break;
	case ARG_ID:
		rc = arg_check_id(s, &v->id, why, whylen);
		break;
	case ARG_FLAG:
		break;
	}
	return rc;
}

static const struct arg_spec *
args_spec_find(const struct arg_spec *specs, const char *name, size_t len)
{
	const struct arg_spec *found = NULL;

	for (; specs->name != NULL && found == NULL; specs++)
		if (strlen(specs->name) == len && strncmp(specs->name, name, len) == 0)
			found = specs;
	return found;
}

/* At most 80 bytes of s for a message, control bytes shown as '?'. */
static const char *
admin_shown(const char *s, char *buf, size_t len)
{
	size_t i;

	for (i = 0; s[i] != '\0' && i + 1 < len && i < 80; i++)
		buf[i] = (unsigned char)s[i] < 0x20 || s[i] == 0x7f ? '?' : s[i];
	buf[i] = '\0';
	return buf;
}

/* Takes the option at argv[*i] ("--name value" or "--name=value"). */
static int
args_take(struct admin *ad, int argc, char **argv, int *i)
{
	const char *word = argv[*i], *eq, *value = NULL;
	const struct arg_spec *spec;
	struct arg_value *v;
	char why[ADMIN_WHY_MAX], shown[81];
	size_t namelen;
	int rc = -1;

	if (strncmp(word, "--", 2) != 0 || word[2] == '\0') {
		admin_warn(ad, "unexpected argument '%s'",
		    admin_shown(word, shown, sizeof(shown)));
		goto done;
	}
	eq = strchr(word, '=');
	namelen = eq != NULL ? (size_t)(eq - word - 2) : strlen(word + 2);
	if ((spec = args_spec_find(ad->cmd->specs, word + 2, namelen)) == NULL) {
		admin_warn(ad, "unknown option '%s'",
		    admin_shown(word, shown, sizeof(shown)));
		goto done;
	}
	if (spec->kind == ARG_FLAG && eq != NULL) {
		admin_warn(ad, "--%s takes no value", spec->name);
		goto done;
	}
	if (spec->kind != ARG_FLAG) {
		/* A next word starting with "--" is the next option, not a value. */
		if (eq != NULL)
			value = eq + 1;
		else if (*i + 1 < argc && strncmp(argv[*i + 1], "--", 2) != 0)
			value = argv[++*i];
		else {
			admin_warn(ad, "--%s needs a value", spec->name);
			goto done;
		}
	}
	if (!(spec->flags & A_REPEAT) && args_count(&ad->args, spec->name) > 0) {
		admin_warn(ad, "--%s given more than once", spec->name);
		goto done;
	}
	if (ad->args.count == ARGS_MAX) {
		admin_warn(ad, "too many options");
		goto done;
	}
	v = &ad->args.v[ad->args.count];
	memset(v, 0, sizeof(*v));
	v->spec = spec;
	v->raw = value;
	if (arg_check(v, why, sizeof(why)) != 0) {
		admin_warn(ad, "--%s '%s': %s", spec->name,
		    admin_shown(value, shown, sizeof(shown)), why);
		goto done;
	}
	ad->args.count++;
	rc = 0;
done:
	return rc;
}

/* Parses and checks every option of the command; 0, or -1 (reported). */
static int
args_parse(struct admin *ad, int argc, char **argv)
{
	const struct arg_spec *spec;
	int i, rc = 0;

	for (i = 0; i < argc && rc == 0; i++)
		rc = args_take(ad, argc, argv, &i);
	for (spec = ad->cmd->specs; spec->name != NULL && rc == 0; spec++)
		if ((spec->flags & A_REQUIRED) &&
		    args_count(&ad->args, spec->name) == 0) {
			admin_warn(ad, "--%s is required", spec->name);
			rc = -1;
		}
	return rc;
}

/* ------------------------------------------------------------------ */
/* Output and failures.                                               */

/* Printed bare when every byte is one of these; quoted otherwise. */
static int
kv_plain(const char *s)
{
	int plain = *s != '\0' && strcmp(s, "-") != 0;

	for (; *s != '\0' && plain; s++)
		plain = strchr("abcdefghijklmnopqrstuvwxyz"
		    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.:/@+,", *s) != NULL;
	return plain;
}

/*
 * Appends key=value to the current stdout line: bare when plain, else in
 * double quotes with \" \\ and \xHH escapes; SQL NULL prints as "-".
 */
static void
kv_put(int *n, const char *key, const char *value)
{
	const unsigned char *p;

	if ((*n)++ > 0)
		putchar(' ');
	printf("%s=", key);
	if (value == NULL)
		putchar('-');
	else if (kv_plain(value))
		fputs(value, stdout);
	else {
		putchar('"');
		for (p = (const unsigned char *)value; *p != '\0'; p++) {
			if (*p == '"' || *p == '\\')
				printf("\\%c", *p);
			else if (*p < 0x20 || *p == 0x7f)
				printf("\\x%02x", *p);
			else
				putchar(*p);
		}
		putchar('"');
	}
}

static void
kv_put_u64(int *n, const char *key, uint64_t value)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "%llu", (unsigned long long)value);
	kv_put(n, key, buf);
}

/*
 * The exit status for rc, with one message on stderr when it failed.  why
 * explains ADMIN_REFUSED and DB_ERR_DUPLICATE (set before the step that can
 * fail so); the server's own duplicate text follows for the latter.
 */
static int
admin_exit(const struct admin *ad, int rc, const char *why)
{
	switch (rc) {
	case DB_OK:
		break;
	case ADMIN_REFUSED:
		admin_warn(ad, "%s", why);
		break;
	case DB_ERR_DUPLICATE:
		admin_warn(ad, "%s (%s)", why, db_error(ad->db));
		break;
	case DB_ERR_UNAVAILABLE:
		admin_warn(ad, "database unavailable (%s); nothing was written",
		    db_error(ad->db));
		break;
	case DB_ERR_RETRY:
		admin_warn(ad, "the database kept reporting conflicts after %d "
		    "attempts; nothing was written, try again", DB_TX_ATTEMPTS);
		break;
	case DB_ERR_NOMEM:
		admin_warn(ad, "out of memory");
		break;
	default:
		admin_warn(ad, "database error %u: %s", db_errno(ad->db),
		    db_error(ad->db));
		break;
	}
	return rc == DB_OK ? ADMIN_EXIT_OK : ADMIN_EXIT_FAIL;
}

/* The --id option's uuid, or a fresh one; 0 or -1 (RNG failure). */
static int
admin_id(const struct admin *ad, char out[UUID_STR_LEN + 1])
{
	const char *given = args_str(&ad->args, "id");
	int rc = 0;

	if (given != NULL)
		memcpy(out, given, UUID_STR_LEN + 1);
	else if ((rc = uuid_generate(out)) != 0)
		admin_warn(ad, "the random generator failed");
	return rc;
}

/* prefix + hex of nbytes random bytes into out (strlen(prefix)+2n+1). */
static int
admin_random_token(const char *prefix, size_t nbytes, char *out, size_t outlen)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char buf[ADMIN_RANDOM_MAX];
	size_t i, o = strlen(prefix);
	int rc = -1;

	if (nbytes > sizeof(buf) || outlen < o + 2 * nbytes + 1 ||
	    RAND_bytes(buf, (int)nbytes) != 1)
		goto done;
	memcpy(out, prefix, o);
	for (i = 0; i < nbytes; i++) {
		out[o++] = hex[buf[i] >> 4];
		out[o++] = hex[buf[i] & 0x0f];
	}
	out[o] = '\0';
	rc = 0;
done:
	OPENSSL_cleanse(buf, sizeof(buf));
	return rc;
}

static void
admin_rows_free(struct db_rows *rows)
{
	if (rows != NULL)
		db_rows_free(rows);
}

/*
 * The reason of a duplicate for a row unique by id and by (establishment,
 * field): a generated id (id NULL) cannot be the clash, so it is not named.
 */
static void
admin_why_duplicate(char *why, size_t whylen, const char *what,
    const char *id, const char *field, const char *value,
    const char *establishment)
{
	if (id != NULL)
		snprintf(why, whylen, "a %s with id %s, or with %s '%s' in "
		    "establishment %s, already exists", what, id, field, value,
		    establishment);
	else
		snprintf(why, whylen, "a %s with %s '%s' already exists in "
		    "establishment %s", what, field, value, establishment);
}

static const char admin_establishment_sql[] =
    "SELECT id FROM establishments WHERE id = ?";

/* DB_OK when establishment id exists, ADMIN_REFUSED (why set) when not. */
static int
admin_need_establishment(struct db *db, const char *id, char *why,
    size_t whylen)
{
	struct db_param p[] = { DB_STR(id) };
	struct db_rows *rows = NULL;
	int rc;

	if ((rc = db_query(db, admin_establishment_sql, p, 1, &rows)) != DB_OK)
		goto done;
	if (rows->nrows == 0) {
		snprintf(why, whylen, "establishment %s not found", id);
		rc = ADMIN_REFUSED;
	}
done:
	admin_rows_free(rows);
	return rc;
}

/* ------------------------------------------------------------------ */
/* establishment add / list                                           */

static const struct arg_spec establishment_add_args[] = {
	{ "name", ARG_TEXT, A_REQUIRED, ADMIN_NAME_MAX, NULL },
	{ "time-zone", ARG_ZONE, A_REQUIRED, 0, NULL },
	{ "id", ARG_UUID, 0, 0, NULL },
	{ "business-date", ARG_DATE, 0, 0, NULL },
	{ NULL, 0, 0, 0, NULL }
};

struct establishment_add {
	char id[UUID_STR_LEN + 1];
	const char *name, *zone;
	char date[DATE_STR_LEN + 1];
	char why[ADMIN_WHY_MAX];
};

static const char establishment_insert_sql[] =
    "INSERT INTO establishments (id, name, time_zone, business_date) "
    "VALUES (?, ?, ?, ?)";

static int
establishment_add_tx(struct db *db, void *ctx)
{
	struct establishment_add *e = ctx;
	struct db_param p[] = {
		DB_STR(e->id), DB_STR(e->name), DB_STR(e->zone), DB_STR(e->date)
	};

	snprintf(e->why, sizeof(e->why),
	    "an establishment with id %s already exists", e->id);
	return db_exec(db, establishment_insert_sql, p, 4, NULL, NULL);
}

static int
establishment_add(struct admin *ad)
{
	struct establishment_add e = { .why = "" };
	const char *date = args_str(&ad->args, "business-date");
	int n = 0, rc = ADMIN_EXIT_FAIL;

	if (admin_id(ad, e.id) != 0)
		goto done;
	e.name = args_str(&ad->args, "name");
	e.zone = args_str(&ad->args, "time-zone");
	/* Default: today in UTC (SPEC 5: business dates start there). */
	if (date != NULL)
		snprintf(e.date, sizeof(e.date), "%s", date);
	else
		date_format((int32_t)(time(NULL) / 86400), e.date);
	rc = admin_exit(ad, db_transaction(ad->db, establishment_add_tx, &e),
	    e.why);
	if (rc == ADMIN_EXIT_OK) {
		kv_put(&n, "id", e.id);
		kv_put(&n, "business-date", e.date);
		putchar('\n');
	}
done:
	return rc;
}

static const struct arg_spec no_args[] = {
	{ NULL, 0, 0, 0, NULL }
};

static const char establishment_list_sql[] =
    "SELECT id, name, time_zone, DATE_FORMAT(business_date, '%Y-%m-%d'), "
    "DATE_FORMAT(created_at, '%Y-%m-%dT%H:%i:%s') "
    "FROM establishments ORDER BY name, id";

static int
establishment_list(struct admin *ad)
{
	static const char *keys[] = {
		"id", "name", "time-zone", "business-date", "created"
	};
	struct db_rows *rows = NULL;
	int r, c, n, rc;

	rc = db_query(ad->db, establishment_list_sql, NULL, 0, &rows);
	for (r = 0; rc == DB_OK && r < rows->nrows; r++) {
		n = 0;
		for (c = 0; c < 5; c++)
			kv_put(&n, keys[c], db_cell(rows, r, c));
		putchar('\n');
	}
	admin_rows_free(rows);
	return admin_exit(ad, rc, "");
}

/* ------------------------------------------------------------------ */
/* unit-type add                                                      */

static const struct arg_spec unit_type_add_args[] = {
	{ "establishment", ARG_UUID, A_REQUIRED, 0, NULL },
	{ "code", ARG_TEXT, A_REQUIRED, ADMIN_CODE_MAX, NULL },
	{ "name", ARG_TEXT, A_REQUIRED, ADMIN_NAME_MAX, NULL },
	{ "id", ARG_UUID, 0, 0, NULL },
	{ NULL, 0, 0, 0, NULL }
};

/* A coded row of an establishment: unit types and rate plans. */
struct coded_add {
	char id[UUID_STR_LEN + 1];
	int id_given;			/* --id: name it when refused */
	const char *establishment, *code, *name, *currency;
	char why[ADMIN_WHY_MAX];
};

static const char unit_type_insert_sql[] =
    "INSERT INTO unit_types (id, establishment_id, code, name) "
    "VALUES (?, ?, ?, ?)";

static int
unit_type_add_tx(struct db *db, void *ctx)
{
	struct coded_add *u = ctx;
	struct db_param p[] = {
		DB_STR(u->id), DB_STR(u->establishment), DB_STR(u->code),
		DB_STR(u->name)
	};
	int rc;

	if ((rc = admin_need_establishment(db, u->establishment, u->why,
	    sizeof(u->why))) != DB_OK)
		goto done;
	admin_why_duplicate(u->why, sizeof(u->why), "unit type", u->id_given ?
	    u->id : NULL, "code", u->code, u->establishment);
	rc = db_exec(db, unit_type_insert_sql, p, 4, NULL, NULL);
done:
	return rc;
}

/* Shared by unit-type add and rate-plan add. */
static int
coded_add(struct admin *ad, db_tx_fn fn)
{
	struct coded_add u = { .why = "" };
	int n = 0, rc = ADMIN_EXIT_FAIL;

	if (admin_id(ad, u.id) != 0)
		goto done;
	u.id_given = args_count(&ad->args, "id") > 0;
	u.establishment = args_str(&ad->args, "establishment");
	u.code = args_str(&ad->args, "code");
	u.name = args_str(&ad->args, "name");
	u.currency = args_str(&ad->args, "currency");
	if (u.currency == NULL)
		u.currency = "EUR";
	rc = admin_exit(ad, db_transaction(ad->db, fn, &u), u.why);
	if (rc == ADMIN_EXIT_OK) {
		kv_put(&n, "id", u.id);
		putchar('\n');
	}
done:
	return rc;
}

static int
unit_type_add(struct admin *ad)
{
	return coded_add(ad, unit_type_add_tx);
}

/* ------------------------------------------------------------------ */
/* unit add                                                           */

static const struct arg_spec unit_add_args[] = {
	{ "establishment", ARG_UUID, A_REQUIRED, 0, NULL },
	{ "unit-type", ARG_UUID, A_REQUIRED, 0, NULL },
	{ "number", ARG_TEXT, A_REQUIRED, ADMIN_CODE_MAX, NULL },
	{ "id", ARG_UUID, 0, 0, NULL },
	{ "inactive", ARG_FLAG, 0, 0, NULL },
	{ NULL, 0, 0, 0, NULL }
};

struct unit_add {
	char id[UUID_STR_LEN + 1];
	int id_given;
	const char *establishment, *unit_type, *number;
	int active;
	char why[ADMIN_WHY_MAX];
};

static const char unit_type_owner_sql[] =
    "SELECT establishment_id FROM unit_types WHERE id = ?";
static const char unit_insert_sql[] =
    "INSERT INTO units (id, establishment_id, unit_type_id, number, active) "
    "VALUES (?, ?, ?, ?, ?)";

static int
unit_add_tx(struct db *db, void *ctx)
{
	struct unit_add *u = ctx;
	struct db_param owner_p[] = { DB_STR(u->unit_type) };
	struct db_param p[] = {
		DB_STR(u->id), DB_STR(u->establishment), DB_STR(u->unit_type),
		DB_STR(u->number), DB_I64(u->active)
	};
	struct db_rows *rows = NULL;
	const char *owner;
	int rc;

	if ((rc = admin_need_establishment(db, u->establishment, u->why,
	    sizeof(u->why))) != DB_OK)
		goto done;
	if ((rc = db_query(db, unit_type_owner_sql, owner_p, 1, &rows)) != DB_OK)
		goto done;
	owner = db_cell(rows, 0, 0);
	if (owner == NULL || strcmp(owner, u->establishment) != 0) {
		if (owner == NULL)
			snprintf(u->why, sizeof(u->why), "unit type %s not found",
			    u->unit_type);
		else
			snprintf(u->why, sizeof(u->why), "unit type %s belongs "
			    "to establishment %s, not %s", u->unit_type, owner,
			    u->establishment);
		rc = ADMIN_REFUSED;
		goto done;
	}
	admin_why_duplicate(u->why, sizeof(u->why), "unit", u->id_given ?
	    u->id : NULL, "number", u->number, u->establishment);
	rc = db_exec(db, unit_insert_sql, p, 5, NULL, NULL);
done:
	admin_rows_free(rows);
	return rc;
}

static int
unit_add(struct admin *ad)
{
	struct unit_add u = { .why = "" };
	int n = 0, rc = ADMIN_EXIT_FAIL;

	if (admin_id(ad, u.id) != 0)
		goto done;
	u.id_given = args_count(&ad->args, "id") > 0;
	u.establishment = args_str(&ad->args, "establishment");
	u.unit_type = args_str(&ad->args, "unit-type");
	u.number = args_str(&ad->args, "number");
	u.active = args_count(&ad->args, "inactive") == 0;
	rc = admin_exit(ad, db_transaction(ad->db, unit_add_tx, &u), u.why);
	if (rc == ADMIN_EXIT_OK) {
		kv_put(&n, "id", u.id);
		kv_put(&n, "active", u.active ? "1" : "0");
		putchar('\n');
	}
done:
	return rc;
}

/* ------------------------------------------------------------------ */
/* rate-plan add                                                      */

static const struct arg_spec rate_plan_add_args[] = {
	{ "establishment", ARG_UUID, A_REQUIRED, 0, NULL },
	{ "code", ARG_TEXT, A_REQUIRED, ADMIN_CODE_MAX, NULL },
	{ "name", ARG_TEXT, A_REQUIRED, ADMIN_NAME_MAX, NULL },
	{ "currency", ARG_CURRENCY, 0, 0, NULL },
	{ "id", ARG_UUID, 0, 0, NULL },
	{ NULL, 0, 0, 0, NULL }
};

static const char rate_plan_insert_sql[] =
    "INSERT INTO rate_plans (id, establishment_id, code, name, currency) "
    "VALUES (?, ?, ?, ?, ?)";

static int
rate_plan_add_tx(struct db *db, void *ctx)
{
	struct coded_add *r = ctx;
	struct db_param p[] = {
		DB_STR(r->id), DB_STR(r->establishment), DB_STR(r->code),
		DB_STR(r->name), DB_STR(r->currency)
	};
	int rc;

	if ((rc = admin_need_establishment(db, r->establishment, r->why,
	    sizeof(r->why))) != DB_OK)
		goto done;
	admin_why_duplicate(r->why, sizeof(r->why), "rate plan", r->id_given ?
	    r->id : NULL, "code", r->code, r->establishment);
	rc = db_exec(db, rate_plan_insert_sql, p, 5, NULL, NULL);
done:
	return rc;
}

static int
rate_plan_add(struct admin *ad)
{
	return coded_add(ad, rate_plan_add_tx);
}

/* ------------------------------------------------------------------ */
/* guest add                                                          */

static const struct arg_spec guest_add_args[] = {
	{ "establishment", ARG_UUID, A_REQUIRED, 0, NULL },
	{ "name", ARG_TEXT, A_REQUIRED, ADMIN_NAME_MAX, NULL },
	{ "email", ARG_EMAIL, 0, 0, NULL },
	{ "id", ARG_UUID, 0, 0, NULL },
	{ NULL, 0, 0, 0, NULL }
};

struct guest_add {
	char id[UUID_STR_LEN + 1];
	const char *establishment, *name, *email;	/* email may be NULL */
	char why[ADMIN_WHY_MAX];
};

static const char guest_insert_sql[] =
    "INSERT INTO guest_profiles (id, establishment_id, full_name, email) "
    "VALUES (?, ?, ?, ?)";

static int
guest_add_tx(struct db *db, void *ctx)
{
	struct guest_add *g = ctx;
	struct db_param p[] = {
		DB_STR(g->id), DB_STR(g->establishment), DB_STR(g->name),
		DB_STR(g->email)
	};
	int rc;

	if ((rc = admin_need_establishment(db, g->establishment, g->why,
	    sizeof(g->why))) != DB_OK)
		goto done;
	snprintf(g->why, sizeof(g->why),
	    "a guest profile with id %s already exists", g->id);
	rc = db_exec(db, guest_insert_sql, p, 4, NULL, NULL);
done:
	return rc;
}

static int
guest_add(struct admin *ad)
{
	struct guest_add g = { .why = "" };
	int n = 0, rc = ADMIN_EXIT_FAIL;

	if (admin_id(ad, g.id) != 0)
		goto done;
	g.establishment = args_str(&ad->args, "establishment");
	g.name = args_str(&ad->args, "name");
	g.email = args_str(&ad->args, "email");
	rc = admin_exit(ad, db_transaction(ad->db, guest_add_tx, &g), g.why);
	if (rc == ADMIN_EXIT_OK) {
		kv_put(&n, "id", g.id);
		putchar('\n');
	}
done:
	return rc;
}

/* ------------------------------------------------------------------ */
/* api-key add / revoke / list                                        */

static const struct arg_spec api_key_add_args[] = {
	{ "role", ARG_ENUM, A_REQUIRED, 0, "agent manager" },
	{ "establishment", ARG_UUID, A_REPEAT, 0, NULL },
	{ "all", ARG_FLAG, 0, 0, NULL },
	{ "label", ARG_TEXT, A_REQUIRED, ADMIN_NAME_MAX, NULL },
	{ NULL, 0, 0, 0, NULL }
};

struct api_key_add {
	const struct args *args;
	const char *label, *role;
	int all;
	char sha256[SIGN_HEX_LEN + 1];
	uint64_t id;			/* out */
	char why[ADMIN_WHY_MAX];
};

static const char api_key_insert_sql[] =
    "INSERT INTO api_keys (key_sha256, label, role, all_establishments) "
    "VALUES (?, ?, ?, ?)";
static const char api_key_scope_sql[] =
    "INSERT INTO api_key_scopes (api_key_id, establishment_id) VALUES (?, ?)";

static int
api_key_add_tx(struct db *db, void *ctx)
{
	struct api_key_add *k = ctx;
	struct db_param p[] = {
		DB_STR(k->sha256), DB_STR(k->label), DB_STR(k->role),
		DB_I64(k->all)
	};
	struct db_param sp[2];
	int i, n = args_count(k->args, "establishment"), rc = DB_OK;

	k->id = 0;
	for (i = 0; i < n && rc == DB_OK; i++)
		rc = admin_need_establishment(db,
		    args_str_nth(k->args, "establishment", i), k->why,
		    sizeof(k->why));
	if (rc != DB_OK)
		goto done;
	/* 256 random bits: a duplicate hash means a broken generator. */
	snprintf(k->why, sizeof(k->why), "the generated key already exists");
	if ((rc = db_exec(db, api_key_insert_sql, p, 4, NULL, &k->id)) != DB_OK)
		goto done;
	for (i = 0; i < n && rc == DB_OK; i++) {
		if (args_seen_before(k->args, "establishment", i))
			continue;
		sp[0] = DB_I64((int64_t)k->id);
		sp[1] = DB_STR(args_str_nth(k->args, "establishment", i));
		rc = db_exec(db, api_key_scope_sql, sp, 2, NULL, NULL);
	}
done:
	return rc;
}

/* Either --all or some --establishment, never both, never neither. */
static int
api_key_add_check(struct admin *ad)
{
	int rc = 0;

	if ((args_count(&ad->args, "all") > 0) ==
	    (args_count(&ad->args, "establishment") > 0)) {
		admin_warn(ad, "give either --all or at least one --establishment");
		rc = -1;
	}
	return rc;
}

static int
api_key_add(struct admin *ad)
{
	struct api_key_add k = { .why = "" };
	char key[4 + 2 * ADMIN_PMS_KEY_BYTES + 1];
	int n = 0, rc = ADMIN_EXIT_FAIL;

	k.args = &ad->args;
	k.label = args_str(&ad->args, "label");
	k.role = args_str(&ad->args, "role");
	k.all = args_count(&ad->args, "all") > 0;
	if (admin_random_token("pms_", ADMIN_PMS_KEY_BYTES, key,
	    sizeof(key)) != 0) {
		admin_warn(ad, "the random generator failed");
		goto done;
	}
	/* The whole key, prefix included, is what X-API-Key carries. */
	sign_sha256_hex(key, strlen(key), k.sha256);
	rc = admin_exit(ad, db_transaction(ad->db, api_key_add_tx, &k), k.why);
	if (rc == ADMIN_EXIT_OK) {
		kv_put_u64(&n, "id", k.id);
		kv_put(&n, "key", key);
		putchar('\n');
		if (isatty(STDOUT_FILENO))
			fprintf(stderr, "pms-admin: the key is shown only "
			    "once: store it now\n");
	}
done:
	OPENSSL_cleanse(key, sizeof(key));
	return rc;
}

/* A revocation: api-key revoke and amage-client revoke. */
struct revocation {
	const char *update_sql, *select_sql;	/* the table's two statements */
	const char *what;			/* "API key", "AMAGE client" */
	int64_t id;
	int changed;				/* out: 0 when already revoked */
	char revoked_at[DATETIME_STR_LEN + 1];	/* out */
	char why[ADMIN_WHY_MAX];
};

static const char api_key_revoke_sql[] =
    "UPDATE api_keys SET revoked_at = CURRENT_TIMESTAMP "
    "WHERE id = ? AND revoked_at IS NULL";
static const char api_key_revoked_sql[] =
    "SELECT DATE_FORMAT(revoked_at, '%Y-%m-%dT%H:%i:%s') "
    "FROM api_keys WHERE id = ?";
static const char amage_client_revoke_sql[] =
    "UPDATE amage_clients SET revoked_at = CURRENT_TIMESTAMP "
    "WHERE id = ? AND revoked_at IS NULL";
static const char amage_client_revoked_sql[] =
    "SELECT DATE_FORMAT(revoked_at, '%Y-%m-%dT%H:%i:%s') "
    "FROM amage_clients WHERE id = ?";

static int
revoke_tx(struct db *db, void *ctx)
{
	struct revocation *r = ctx;
	struct db_param p[] = { DB_I64(r->id) };
	struct db_rows *rows = NULL;
	uint64_t affected = 0;
	int rc;

	r->changed = 0;
	r->revoked_at[0] = '\0';
	if ((rc = db_exec(db, r->update_sql, p, 1, &affected, NULL)) != DB_OK)
		goto done;
	r->changed = affected > 0;
	if ((rc = db_query(db, r->select_sql, p, 1, &rows)) != DB_OK)
		goto done;
	if (rows->nrows == 0) {
		snprintf(r->why, sizeof(r->why), "%s %lld not found", r->what,
		    (long long)r->id);
		rc = ADMIN_REFUSED;
		goto done;
	}
	snprintf(r->revoked_at, sizeof(r->revoked_at), "%s",
	    db_cell(rows, 0, 0) != NULL ? db_cell(rows, 0, 0) : "");
done:
	admin_rows_free(rows);
	return rc;
}

/* Revoking twice is not an error: the first revocation time is kept. */
static int
admin_revoke(struct admin *ad, struct revocation *r)
{
	int n = 0, rc;

	r->id = args_id(&ad->args, "id");
	rc = admin_exit(ad, db_transaction(ad->db, revoke_tx, r), r->why);
	if (rc == ADMIN_EXIT_OK) {
		kv_put(&n, "id", args_str(&ad->args, "id"));
		kv_put(&n, "revoked-at", r->revoked_at);
		kv_put(&n, "status", r->changed ? "revoked" : "already-revoked");
		putchar('\n');
	}
	return rc;
}

static const struct arg_spec revoke_args[] = {
	{ "id", ARG_ID, A_REQUIRED, 0, NULL },
	{ NULL, 0, 0, 0, NULL }
};

static int
api_key_revoke(struct admin *ad)
{
	struct revocation r = {
		.update_sql = api_key_revoke_sql,
		.select_sql = api_key_revoked_sql,
		.what = "API key",
	};

	return admin_revoke(ad, &r);
}

static const char api_key_list_sql[] =
    "SELECT id, label, role, all_establishments, "
    "DATE_FORMAT(created_at, '%Y-%m-%dT%H:%i:%s'), "
    "DATE_FORMAT(revoked_at, '%Y-%m-%dT%H:%i:%s') FROM api_keys ORDER BY id";
static const char api_key_scopes_sql[] =
    "SELECT api_key_id, establishment_id FROM api_key_scopes "
    "ORDER BY api_key_id, establishment_id";

/* scope=all, scope=<id>,<id>... (uuids need no quoting), or scope=- for none. */
static void
api_key_put_scope(int *n, const struct db_rows *scopes, const char *key_id,
    int all)
{
	int r, m = 0;

	for (r = 0; r < scopes->nrows && !all; r++) {
		if (strcmp(db_cell(scopes, r, 0), key_id) != 0)
			continue;
		if (m++ == 0)
			kv_put(n, "scope", db_cell(scopes, r, 1));
		else
			printf(",%s", db_cell(scopes, r, 1));
	}
	if (all || m == 0)
		kv_put(n, "scope", all ? "all" : NULL);
}

/*
 * Keys first, scopes second: a key and its scopes are committed together
 * and scopes are never removed, so every key read has all its scopes.
 */
static int
api_key_list(struct admin *ad)
{
	struct db_rows *keys = NULL, *scopes = NULL;
	int r, n, rc;

	if ((rc = db_query(ad->db, api_key_list_sql, NULL, 0, &keys)) == DB_OK)
		rc = db_query(ad->db, api_key_scopes_sql, NULL, 0, &scopes);
	for (r = 0; rc == DB_OK && r < keys->nrows; r++) {
		n = 0;
		kv_put(&n, "id", db_cell(keys, r, 0));
		kv_put(&n, "label", db_cell(keys, r, 1));
		kv_put(&n, "role", db_cell(keys, r, 2));
		api_key_put_scope(&n, scopes, db_cell(keys, r, 0),
		    strcmp(db_cell(keys, r, 3), "0") != 0);
		kv_put(&n, "created", db_cell(keys, r, 4));
		kv_put(&n, "revoked", db_cell(keys, r, 5));
		putchar('\n');
	}
	admin_rows_free(keys);
	admin_rows_free(scopes);
	return admin_exit(ad, rc, "");
}

/* ------------------------------------------------------------------ */
/* amage-client add / revoke                                          */

static const struct arg_spec amage_client_add_args[] = {
	{ "name", ARG_TEXT, A_REQUIRED, ADMIN_NAME_MAX, NULL },
	{ "device", ARG_UUID, A_REPEAT, 0, NULL },
	{ NULL, 0, 0, 0, NULL }
};

struct amage_client_add {
	const struct args *args;
	const char *name, *api_key, *secret;
	uint64_t id;			/* out */
	char why[ADMIN_WHY_MAX];
};

static const char amage_client_insert_sql[] =
    "INSERT INTO amage_clients (api_key, secret, name) VALUES (?, ?, ?)";
static const char amage_client_device_sql[] =
    "INSERT INTO amage_client_devices (client_id, device_uuid) VALUES (?, ?)";

static int
amage_client_add_tx(struct db *db, void *ctx)
{
	struct amage_client_add *c = ctx;
	struct db_param p[] = {
		DB_STR(c->api_key), DB_STR(c->secret), DB_STR(c->name)
	};
	struct db_param dp[2];
	int i, n = args_count(c->args, "device"), rc;

	c->id = 0;
	snprintf(c->why, sizeof(c->why), "the generated api-key already exists");
	if ((rc = db_exec(db, amage_client_insert_sql, p, 3, NULL, &c->id))
	    != DB_OK)
		goto done;
	for (i = 0; i < n && rc == DB_OK; i++) {
		if (args_seen_before(c->args, "device", i))
			continue;
		dp[0] = DB_I64((int64_t)c->id);
		dp[1] = DB_STR(args_str_nth(c->args, "device", i));
		rc = db_exec(db, amage_client_device_sql, dp, 2, NULL, NULL);
	}
done:
	return rc;
}

static int
amage_client_add(struct admin *ad)
{
	struct amage_client_add c = { .why = "" };
	char key[4 + 2 * ADMIN_AMG_KEY_BYTES + 1];
	char secret[2 * ADMIN_AMG_SECRET_BYTES + 1];
	int n = 0, rc = ADMIN_EXIT_FAIL;

	if (admin_random_token("amg_", ADMIN_AMG_KEY_BYTES, key,
	    sizeof(key)) != 0 || admin_random_token("", ADMIN_AMG_SECRET_BYTES,
	    secret, sizeof(secret)) != 0) {
		admin_warn(ad, "the random generator failed");
		goto done;
	}
	c.args = &ad->args;
	c.name = args_str(&ad->args, "name");
	c.api_key = key;
	c.secret = secret;
	rc = admin_exit(ad, db_transaction(ad->db, amage_client_add_tx, &c),
	    c.why);
	if (rc == ADMIN_EXIT_OK) {
		kv_put_u64(&n, "id", c.id);
		kv_put(&n, "api-key", key);
		kv_put(&n, "secret", secret);
		putchar('\n');
	}
done:
	OPENSSL_cleanse(key, sizeof(key));
	OPENSSL_cleanse(secret, sizeof(secret));
	return rc;
}

static int
amage_client_revoke(struct admin *ad)
{
	struct revocation r = {
		.update_sql = amage_client_revoke_sql,
		.select_sql = amage_client_revoked_sql,
		.what = "AMAGE client",
	};

	return admin_revoke(ad, &r);
}

/* ------------------------------------------------------------------ */
/* amage-ref add                                                      */

static const struct arg_spec amage_ref_add_args[] = {
	{ "kind", ARG_ENUM, A_REQUIRED, 0, ADMIN_REF_KINDS },
	{ "uuid", ARG_UUID, A_REQUIRED, 0, NULL },
	{ "name", ARG_TEXT, 0, ADMIN_REF_NAME_MAX, NULL },
	{ NULL, 0, 0, 0, NULL }
};

struct amage_ref_add {
	const char *kind, *uuid, *name;	/* name NULL: keep, or '' when new */
	const char *status;		/* out: created, renamed, exists */
	char why[ADMIN_WHY_MAX];
};

static const char amage_ref_find_sql[] =
    "SELECT name FROM amage_references WHERE kind = ? AND uuid = ? FOR UPDATE";
static const char amage_ref_insert_sql[] =
    "INSERT INTO amage_references (kind, uuid, name) VALUES (?, ?, ?)";
static const char amage_ref_rename_sql[] =
    "UPDATE amage_references SET name = ? WHERE kind = ? AND uuid = ?";

/* Idempotent: an existing kind+uuid is fine; a given --name is applied. */
static int
amage_ref_add_tx(struct db *db, void *ctx)
{
	struct amage_ref_add *r = ctx;
	struct db_param find_p[] = { DB_STR(r->kind), DB_STR(r->uuid) };
	struct db_param insert_p[] = {
		DB_STR(r->kind), DB_STR(r->uuid),
		DB_STR(r->name != NULL ? r->name : "")
	};
	struct db_param rename_p[] = {
		DB_STR(r->name), DB_STR(r->kind), DB_STR(r->uuid)
	};
	struct db_rows *rows = NULL;
	const char *old;
	int rc;

	r->status = "exists";
	if ((rc = db_query(db, amage_ref_find_sql, find_p, 2, &rows)) != DB_OK)
		goto done;
	if (rows->nrows == 0) {
		rc = db_exec(db, amage_ref_insert_sql, insert_p, 3, NULL, NULL);
		/* Inserted meanwhile by someone else: run again, it exists now. */
		if (rc == DB_ERR_DUPLICATE)
			rc = DB_ERR_RETRY;
		else if (rc == DB_OK)
			r->status = "created";
		goto done;
	}
	old = db_cell(rows, 0, 0);
	if (r->name != NULL && (old == NULL || strcmp(old, r->name) != 0)) {
		rc = db_exec(db, amage_ref_rename_sql, rename_p, 3, NULL, NULL);
		r->status = "renamed";
	}
done:
	admin_rows_free(rows);
	return rc;
}

static int
amage_ref_add(struct admin *ad)
{
	struct amage_ref_add r = { .why = "" };
	int n = 0, rc;

	r.kind = args_str(&ad->args, "kind");
	r.uuid = args_str(&ad->args, "uuid");
	r.name = args_str(&ad->args, "name");
	rc = admin_exit(ad, db_transaction(ad->db, amage_ref_add_tx, &r), r.why);
	if (rc == ADMIN_EXIT_OK) {
		kv_put(&n, "kind", r.kind);
		kv_put(&n, "uuid", r.uuid);
		kv_put(&n, "status", r.status);
		putchar('\n');
	}
	return rc;
}

/* ------------------------------------------------------------------ */
/* The command table: the tool's table of contents.                   */

static int admin_help(struct admin *);

static const struct command admin_commands[] = {
	{ "establishment", "add", establishment_add, establishment_add_args, NULL, 1,
	  "establishment add --name NAME --time-zone TZ [--id UUID] "
	  "[--business-date YYYY-MM-DD]" },
	{ "establishment", "list", establishment_list, no_args, NULL, 1,
	  "establishment list" },
	{ "unit-type", "add", unit_type_add, unit_type_add_args, NULL, 1,
	  "unit-type add --establishment ID --code CODE --name NAME [--id UUID]" },
	{ "unit", "add", unit_add, unit_add_args, NULL, 1,
	  "unit add --establishment ID --unit-type ID --number N [--id UUID] "
	  "[--inactive]" },
	{ "rate-plan", "add", rate_plan_add, rate_plan_add_args, NULL, 1,
	  "rate-plan add --establishment ID --code CODE --name NAME "
	  "[--currency EUR] [--id UUID]" },
	{ "guest", "add", guest_add, guest_add_args, NULL, 1,
	  "guest add --establishment ID --name NAME [--email EMAIL] [--id UUID]" },
	{ "api-key", "add", api_key_add, api_key_add_args, api_key_add_check, 1,
	  "api-key add --role agent|manager (--establishment ID "
	  "[--establishment ID ...] | --all) --label LABEL" },
	{ "api-key", "revoke", api_key_revoke, revoke_args, NULL, 1,
	  "api-key revoke --id N" },
	{ "api-key", "list", api_key_list, no_args, NULL, 1,
	  "api-key list" },
	{ "amage-client", "add", amage_client_add, amage_client_add_args, NULL, 1,
	  "amage-client add --name NAME [--device UUID ...]" },
	{ "amage-client", "revoke", amage_client_revoke, revoke_args, NULL, 1,
	  "amage-client revoke --id N" },
	{ "amage-ref", "add", amage_ref_add, amage_ref_add_args, NULL, 1,
	  "amage-ref add --kind KIND --uuid UUID [--name NAME]" },
	{ "help", NULL, admin_help, no_args, NULL, 0,
	  "help" },
	{ NULL, NULL, NULL, NULL, NULL, 0, NULL }
};

static int
admin_help(struct admin *ad)
{
	const struct command *c;

	(void)ad;
	printf("pms-admin: creates the PMS and AMAGE reference data (SPEC 2.6)"
	    "\n\nusage:\n");
	for (c = admin_commands; c->group != NULL; c++)
		printf("  pms-admin %s\n", c->usage);
	printf("\nKIND is one of: %s\n"
	    "Options take their value as --opt VALUE or --opt=VALUE.\n"
	    "Database: PMS_DB_SOCKET or PMS_DB_HOST/PMS_DB_PORT, PMS_DB_USER,\n"
	    "PMS_DB_PASSWORD, PMS_DB_NAME from the environment or the file named\n"
	    "by PMS_CONFIG.\n"
	    "Output: key=value pairs, one line per object (values with spaces\n"
	    "are double-quoted; - is none).  Exit: 0 success, 1 failure,\n"
	    "2 usage error.\n", ADMIN_REF_KINDS);
	return ADMIN_EXIT_OK;
}

/* The usage lines of the commands of group (all when group is NULL). */
static void
admin_usage(const char *group)
{
	const struct command *c;

	fputs("usage:\n", stderr);
	for (c = admin_commands; c->group != NULL; c++)
		if (group == NULL || strcmp(c->group, group) == 0)
			fprintf(stderr, "  pms-admin %s\n", c->usage);
}

/* The command named by argv[1] (and argv[2]); *used = words consumed. */
static const struct command *
admin_find(int argc, char **argv, int *used)
{
	const struct command *c, *found = NULL;

	for (c = admin_commands; c->group != NULL && found == NULL; c++) {
		if (argc < 2 || strcmp(argv[1], c->group) != 0)
			continue;
		if (c->verb == NULL)
			found = c;
		else if (argc >= 3 && strcmp(argv[2], c->verb) == 0)
			found = c;
	}
	*used = found == NULL ? 0 : found->verb == NULL ? 2 : 3;
	return found;
}

static int
admin_group_known(const char *word)
{
	const struct command *c;
	int known = 0;

	for (c = admin_commands; c->group != NULL && !known; c++)
		known = strcmp(c->group, word) == 0;
	return known;
}

/* 1 when --help is among the command's words. */
static int
admin_wants_help(int argc, char **argv)
{
	int i, wants = 0;

	for (i = 0; i < argc && !wants; i++)
		wants = strcmp(argv[i], "--help") == 0;
	return wants;
}

/* Opens the database of the configuration; 0, or -1 (reported). */
static int
admin_connect(struct admin *ad)
{
	int rc = -1;

	if (config_load(&ad->cfg) != 0) {
		admin_warn(ad, "cannot read the configuration (PMS_* environment "
		    "or the file named by PMS_CONFIG)");
		goto done;
	}
	if ((ad->db = db_new(&ad->cfg)) == NULL) {
		admin_warn(ad, "out of memory");
		goto done;
	}
	if (db_ensure(ad->db) != DB_OK) {
		admin_warn(ad, "database unavailable: %s", db_error(ad->db));
		goto done;
	}
	rc = 0;
done:
	return rc;
}

/*
 * A closed descriptor 0-2 would be taken by the next open -- the database
 * socket -- and a key printed "on stdout" would be sent to the server.  So
 * each closed one is filled with /dev/null, and a closed stdout, where the
 * result would be lost, is refused.  0, or -1.
 */
static int
admin_guard_stdio(void)
{
	int fd, rc = 0;

	for (fd = STDIN_FILENO; fd <= STDERR_FILENO; fd++) {
		if (fcntl(fd, F_GETFD) != -1)
			continue;
		if (open("/dev/null", fd == STDIN_FILENO ? O_RDONLY : O_WRONLY) != fd
		    || fd == STDOUT_FILENO)
			rc = -1;
	}
	return rc;
}

int
main(int argc, char **argv)
{
	static struct admin ad;
	char shown[81];
	int used, rc = ADMIN_EXIT_USAGE;

	if (admin_guard_stdio() != 0) {
		fprintf(stderr, "pms-admin: stdout is closed: the result would be "
		    "lost\n");
		rc = ADMIN_EXIT_FAIL;
		goto done;
	}
	if (argc == 2 && (strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "-h") == 0)) {
		rc = admin_help(&ad);
		goto done;
	}
	if ((ad.cmd = admin_find(argc, argv, &used)) == NULL) {
		if (argc >= 2 && admin_group_known(argv[1])) {
			fprintf(stderr, "pms-admin: %s: missing or unknown "
			    "subcommand\n", argv[1]);
			admin_usage(argv[1]);
		} else {
			if (argc >= 2)
				fprintf(stderr, "pms-admin: unknown command "
				    "'%s'\n", admin_shown(argv[1], shown,
				    sizeof(shown)));
			admin_usage(NULL);
		}
		goto done;
	}
	if (admin_wants_help(argc - used, argv + used)) {
		printf("usage: pms-admin %s\n", ad.cmd->usage);
		rc = ADMIN_EXIT_OK;
		goto done;
	}
	if (args_parse(&ad, argc - used, argv + used) != 0 ||
	    (ad.cmd->check != NULL && ad.cmd->check(&ad) != 0)) {
		fprintf(stderr, "usage: pms-admin %s\n", ad.cmd->usage);
		goto done;
	}
	rc = ADMIN_EXIT_FAIL;
	if (ad.cmd->needs_db && admin_connect(&ad) != 0)
		goto done;
	rc = ad.cmd->run(&ad);
	/* A key printed into a closed pipe is a key lost: say so. */
	if (fflush(stdout) != 0 || ferror(stdout)) {
		admin_warn(&ad, "could not write the result to stdout");
		rc = ADMIN_EXIT_FAIL;
	}
done:
	if (ad.db != NULL)
		db_free(ad.db);
	OPENSSL_cleanse(&ad.cfg, sizeof(ad.cfg));	/* the DB password */
	return rc;
}
