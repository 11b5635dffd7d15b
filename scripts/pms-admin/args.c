/*
 * pms-admin arguments: the command line of one command, checked against
 * its field table (lib/validate.h) before the database is touched.
 *
 * Each "--name value" (or "--name=value") becomes a member of a JSON
 * object -- a string, an array of strings for a repeated option, true for
 * a flag -- and validate_object() checks the object as it would a request
 * body.  What a word on its own can get wrong (an unknown option, a
 * missing value, a repeat) and the rules of rules.c are found while the
 * words are read; the first of those stops the reading.  One message is
 * printed, for the problem met first in command-line order, then for the
 * first missing required option in table order.  A table lists its
 * repeated option last, so that validation's 64 kept issues always
 * include the first one on the line.  Checked uuids are kept lower case.
 */
#include <stdio.h>
#include <string.h>

#include "admin.h"
#include "json.h"

#define ARGS_MSG_MAX	(ADMIN_WHY_MAX + 160)

static const struct field *
args_field(const struct field *fields, const char *name, size_t len)
{
	const struct field *found = NULL;

	for (; fields->name != NULL && found == NULL; fields++)
		if (strlen(fields->name) == len &&
		    strncmp(fields->name, name, len) == 0)
			found = fields;
	return found;
}

/* The rule of rules.c for a value of f: the command's, text's, or none. */
static admin_check_fn
args_rule(const struct command *cmd, const struct field *f)
{
	const struct admin_rule *r;
	admin_check_fn check = NULL;

	for (r = cmd->rules; r != NULL && r->name != NULL && check == NULL; r++)
		if (strcmp(r->name, f->name) == 0)
			check = r->check;
	if (check == NULL && f->kind == FIELD_STRING)
		check = rule_text;
	return check;
}

/* Adds the value of f to the options object; 0, or -1 (out of memory). */
static int
args_store(cJSON *opts, const struct field *f, const char *value)
{
	cJSON *list, *item;
	int rc = -1;

	if (f->kind == FIELD_BOOL)
		rc = cJSON_AddTrueToObject(opts, f->name) != NULL ? 0 : -1;
	else if (f->kind != FIELD_ARRAY)
		rc = cJSON_AddStringToObject(opts, f->name, value) != NULL ? 0 : -1;
	else {
		if ((list = cJSON_GetObjectItemCaseSensitive(opts, f->name)) == NULL)
			list = cJSON_AddArrayToObject(opts, f->name);
		if (list != NULL && (item = cJSON_CreateString(value)) != NULL) {
			if (cJSON_AddItemToArray(list, item))
				rc = 0;
			else
				cJSON_Delete(item);
		}
	}
	return rc;
}

/*
 * Takes the option at argv[*i] into ad->opts and ad->args.  0, or -1 with
 * the message in msg.
 */
static int
args_take(struct admin *ad, int argc, char **argv, int *i, char *msg,
    size_t msglen)
{
	const char *word = argv[*i], *eq, *value = NULL;
	const struct field *f;
	admin_check_fn check;
	char why[ADMIN_WHY_MAX], shown[81];
	size_t namelen;
	int nth, rc = -1;

	if (strncmp(word, "--", 2) != 0 || word[2] == '\0') {
		snprintf(msg, msglen, "unexpected argument '%s'",
		    admin_shown(word, shown, sizeof(shown)));
		goto done;
	}
	eq = strchr(word, '=');
	namelen = eq != NULL ? (size_t)(eq - word - 2) : strlen(word + 2);
	if ((f = args_field(ad->cmd->fields, word + 2, namelen)) == NULL) {
		snprintf(msg, msglen, "unknown option '%s'",
		    admin_shown(word, shown, sizeof(shown)));
		goto done;
	}
	if (f->kind == FIELD_BOOL && eq != NULL) {
		snprintf(msg, msglen, "--%s takes no value", f->name);
		goto done;
	}
	if (f->kind != FIELD_BOOL) {
		/* A next word starting with "--" is the next option, not a value. */
		if (eq != NULL)
			value = eq + 1;
		else if (*i + 1 < argc && strncmp(argv[*i + 1], "--", 2) != 0)
			value = argv[++*i];
		else {
			snprintf(msg, msglen, "--%s needs a value", f->name);
			goto done;
		}
	}
	nth = args_count(ad, f->name);
	if (f->kind != FIELD_ARRAY && nth > 0) {
		snprintf(msg, msglen, "--%s given more than once", f->name);
		goto done;
	}
	if (ad->nargs == ADMIN_ARGS_MAX) {
		snprintf(msg, msglen, "too many options");
		goto done;
	}
	if (value != NULL && (check = args_rule(ad->cmd, f)) != NULL &&
	    check(value, why, sizeof(why)) != 0) {
		snprintf(msg, msglen, "--%s '%s': %s", f->name,
		    admin_shown(value, shown, sizeof(shown)), why);
		goto done;
	}
	if (args_store(ad->opts, f, value) != 0) {
		snprintf(msg, msglen, "out of memory");
		goto done;
	}
	ad->args[ad->nargs].field = f;
	ad->args[ad->nargs].raw = value;
	ad->args[ad->nargs].nth = f->kind == FIELD_ARRAY ? nth : 0;
	ad->nargs++;
	rc = 0;
done:
	return rc;
}

/* The JSON value of one option word. */
static cJSON *
args_item(const struct admin *ad, const struct admin_arg *a)
{
	cJSON *m = cJSON_GetObjectItemCaseSensitive(ad->opts, a->field->name);

	return a->field->kind == FIELD_ARRAY ? cJSON_GetArrayItem(m, a->nth) : m;
}

/* The index in ad->args of the word an issue's path names, or -1. */
static int
args_issue_at(const struct admin *ad, const char *path)
{
	const struct admin_arg *a;
	char own[FIELD_PATH_MAX];
	int k, at = -1;

	for (k = 0; k < ad->nargs && at < 0; k++) {
		a = &ad->args[k];
		if (a->field->kind == FIELD_ARRAY)
			snprintf(own, sizeof(own), "%s[%d]", a->field->name, a->nth);
		else
			snprintf(own, sizeof(own), "%s", a->field->name);
		if (strcmp(own, path) == 0)
			at = k;
	}
	return at;
}

/*
 * Validates the options read, and prints the one message: a value lib
 * refuses comes before failed (met later on the line), which comes before
 * a missing option.  0 when there is nothing to say, else -1.
 */
static int
args_report(struct admin *ad, const char *failed)
{
	static struct validation v;	/* 8 KiB: not on the stack */
	const struct validation_issue *required = NULL;
	const struct admin_arg *a;
	char why[ADMIN_WHY_MAX], shown[81];
	int i, at, first = -1, rc = -1;

	memset(&v, 0, sizeof(v));
	validate_object(ad->opts, ad->cmd->fields, "", &v);
	for (i = 0; i < v.count; i++) {
		if (v.issue[i].reason == REASON_REQUIRED) {
			if (required == NULL)
				required = &v.issue[i];
		} else if ((at = args_issue_at(ad, v.issue[i].field)) >= 0 &&
		    (first < 0 || at < first)) {
			first = at;
			rule_reason(ad->args[at].field, v.issue[i].reason, why,
			    sizeof(why));
		}
	}
	if (first >= 0) {
		a = &ad->args[first];
		admin_warn(ad, "--%s '%s': %s", a->field->name,
		    admin_shown(a->raw != NULL ? a->raw : "", shown,
		    sizeof(shown)), why);
	} else if (failed[0] != '\0')
		admin_warn(ad, "%s", failed);
	else if (required != NULL)
		admin_warn(ad, "--%s is required", required->field);
	else if (v.count > 0)
		admin_warn(ad, "%s: %s", v.issue[0].field,
		    reason_name(v.issue[0].reason));
	else
		rc = 0;
	return rc;
}

/* Parses and checks every option of the command; 0, or -1 (reported). */
int
args_parse(struct admin *ad, int argc, char **argv)
{
	char failed[ARGS_MSG_MAX] = "";
	cJSON *item;
	int i, rc = -1;

	if ((ad->opts = cJSON_CreateObject()) == NULL) {
		admin_warn(ad, "out of memory");
		goto done;
	}
	for (i = 0; i < argc; i++)
		if (args_take(ad, argc, argv, &i, failed, sizeof(failed)) != 0)
			break;
	if (args_report(ad, failed) != 0)
		goto done;
	/* Checked above, so this only lowers the case, in place (same size). */
	for (i = 0; i < ad->nargs; i++)
		if ((ad->args[i].field->kind == FIELD_UUID ||
		    (ad->args[i].field->kind == FIELD_ARRAY &&
		    ad->args[i].field->item_kind == FIELD_UUID)) &&
		    (item = args_item(ad, &ad->args[i])) != NULL)
			(void)uuid_parse(item->valuestring, item->valuestring);
	rc = 0;
done:
	return rc;
}

void
args_free(struct admin *ad)
{
	cJSON_Delete(ad->opts);
	ad->opts = NULL;
}

/* The value of option name (uuids lower case), or NULL when absent. */
const char *
args_str(const struct admin *ad, const char *name)
{
	return json_get_string(ad->opts, name);
}

/* The nth value of repeated option name, or NULL. */
const char *
args_str_nth(const struct admin *ad, const char *name, int nth)
{
	const cJSON *it = cJSON_GetArrayItem(json_get(ad->opts, name), nth);

	return cJSON_IsString(it) ? it->valuestring : NULL;
}

/* How many times option name was given. */
int
args_count(const struct admin *ad, const char *name)
{
	const cJSON *m = json_get(ad->opts, name);

	if (m == NULL)
		return 0;
	return cJSON_IsArray(m) ? cJSON_GetArraySize(m) : 1;
}

/* 1 when the nth value of a repeated option already appeared before it. */
int
args_seen_before(const struct admin *ad, const char *name, int nth)
{
	const char *s = args_str_nth(ad, name, nth);
	int i, seen = 0;

	for (i = 0; i < nth && !seen; i++)
		seen = strcmp(args_str_nth(ad, name, i), s) == 0;
	return seen;
}

/* The --id option's uuid, or a fresh one; 0 or -1 (RNG failure). */
int
args_id_or_new(const struct admin *ad, char out[UUID_STR_LEN + 1])
{
	const char *given = args_str(ad, "id");
	int rc = 0;

	if (given != NULL)
		memcpy(out, given, UUID_STR_LEN + 1);
	else if ((rc = uuid_generate(out)) != 0)
		admin_warn(ad, "the random generator failed");
	return rc;
}
