/*
 * pms-admin: the administrator's command-line tool of a real deployment
 * (SPEC 2.6, docs/admin.md).  It creates the reference data that is never
 * created over HTTP -- establishments, unit types, units, rate plans, guest
 * profiles, PMS API keys, AMAGE signing clients and AMAGE referenced
 * objects -- lists or revokes what must be listed or revoked, and runs
 * the night audit (night_audit.c: an establishment's business date, its
 * inventory horizon, the jobs due that day) and the allotment cutoff
 * (allotment_cutoff.c, also one of those jobs).
 *
 * This file is the tool's table of contents: admin_commands[] names each
 * command (its one or two words, its option table, its function and its usage
 * line, which `help` prints), and main() finds the command, has its
 * options checked (args.c), connects and runs it.  Each command group
 * lives in a file of its own.  Writes are one transaction each
 * (db_transaction, retried on deadlock), through prepared statements only.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "admin.h"

static const struct field no_fields[] = {
	{ .name = NULL }
};

static int admin_help(struct admin *);

static const struct command admin_commands[] = {
	{ .group = "establishment", .verb = "add", .run = establishment_add,
	  .fields = establishment_add_fields, .rules = establishment_add_rules,
	  .needs_db = 1,
	  .usage = "establishment add --name NAME --time-zone TZ [--id UUID] "
	  "[--business-date YYYY-MM-DD]" },
	{ .group = "establishment", .verb = "list", .run = establishment_list,
	  .fields = no_fields, .needs_db = 1,
	  .usage = "establishment list" },
	{ .group = "unit-type", .verb = "add", .run = unit_type_add,
	  .fields = unit_type_add_fields, .needs_db = 1,
	  .usage = "unit-type add --establishment ID --code CODE --name NAME "
	  "[--id UUID]" },
	{ .group = "unit", .verb = "add", .run = unit_add,
	  .fields = unit_add_fields, .needs_db = 1,
	  .usage = "unit add --establishment ID --unit-type ID --number N "
	  "[--id UUID] [--inactive]" },
	{ .group = "unit", .verb = "activate", .run = unit_activate,
	  .fields = unit_state_fields, .needs_db = 1,
	  .usage = "unit activate --id UUID" },
	{ .group = "unit", .verb = "deactivate", .run = unit_deactivate,
	  .fields = unit_state_fields, .needs_db = 1,
	  .usage = "unit deactivate --id UUID" },
	{ .group = "rate-plan", .verb = "add", .run = rate_plan_add,
	  .fields = rate_plan_add_fields, .rules = rate_plan_add_rules,
	  .needs_db = 1,
	  .usage = "rate-plan add --establishment ID --code CODE --name NAME "
	  "[--currency EUR] [--id UUID]" },
	{ .group = "guest", .verb = "add", .run = guest_add,
	  .fields = guest_add_fields, .needs_db = 1,
	  .usage = "guest add --establishment ID --name NAME [--email EMAIL] "
	  "[--id UUID]" },
	{ .group = "api-key", .verb = "add", .run = api_key_add,
	  .fields = api_key_add_fields, .check = api_key_add_check,
	  .needs_db = 1,
	  .usage = "api-key add --role agent|manager (--establishment ID "
	  "[--establishment ID ...] | --all) --label LABEL" },
	{ .group = "api-key", .verb = "revoke", .run = api_key_revoke,
	  .fields = revoke_fields, .rules = revoke_rules, .needs_db = 1,
	  .usage = "api-key revoke --id N" },
	{ .group = "api-key", .verb = "list", .run = api_key_list,
	  .fields = no_fields, .needs_db = 1,
	  .usage = "api-key list" },
	{ .group = "amage-client", .verb = "add", .run = amage_client_add,
	  .fields = amage_client_add_fields, .needs_db = 1,
	  .usage = "amage-client add --name NAME [--device UUID ...]" },
	{ .group = "amage-client", .verb = "revoke", .run = amage_client_revoke,
	  .fields = revoke_fields, .rules = revoke_rules, .needs_db = 1,
	  .usage = "amage-client revoke --id N" },
	{ .group = "amage-ref", .verb = "add", .run = amage_ref_add,
	  .fields = amage_ref_add_fields, .needs_db = 1,
	  .usage = "amage-ref add --kind KIND --uuid UUID [--name NAME]" },
	{ .group = "allotment-cutoff", .run = allotment_cutoff,
	  .fields = allotment_cutoff_fields, .needs_db = 1,
	  .usage = "allotment-cutoff [--establishment ID ...]" },
	{ .group = "night-audit", .run = night_audit,
	  .fields = night_audit_fields, .needs_db = 1,
	  .usage = "night-audit [--establishment ID ...] [--to YYYY-MM-DD]" },
	{ .group = "help", .run = admin_help, .fields = no_fields,
	  .usage = "help" },
	{ .group = NULL }
};

static int
admin_help(struct admin *ad)
{
	const struct command *c;

	(void)ad;
	printf("pms-admin: creates the PMS and AMAGE reference data (SPEC 2.6)"
	    "\nand runs the night audit and the allotment cutoff\n\nusage:\n");
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

/* No command found: what was wrong, and the usage lines that fit. */
static void
admin_unknown(int argc, char **argv)
{
	char shown[81];

	if (argc >= 2 && admin_group_known(argv[1])) {
		fprintf(stderr, "pms-admin: %s: missing or unknown subcommand\n",
		    argv[1]);
		admin_usage(argv[1]);
	} else {
		if (argc >= 2)
			fprintf(stderr, "pms-admin: unknown command '%s'\n",
			    admin_shown(argv[1], shown, sizeof(shown)));
		admin_usage(NULL);
	}
}

int
main(int argc, char **argv)
{
	static struct admin ad;
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
		admin_unknown(argc, argv);
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
	args_free(&ad);
	OPENSSL_cleanse(&ad.cfg, sizeof(ad.cfg));	/* the DB password */
	return rc;
}
