/*
 * fuzz_json: json_parse over arbitrary bytes with the production depth
 * limit.  Invariants checked (abort on violation): an accepted document
 * comes back non-NULL and a refused one NULL; every number of an accepted
 * document is finite (1e999 is refused, not stored as inf); an accepted
 * document, printed by cJSON, parses again (what we accept we can also
 * emit and re-read: no lone surrogate, no NUL, no dup key appears in the
 * output), except for a number within 1e-14 of DBL_MAX, which cJSON
 * prints rounded up past it (corpus near_dbl_max.json).
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * cJSON prints a double with 15 significant digits when its own check
 * finds them close enough, and that check counts inf as close to DBL_MAX:
 * above this, the text it prints overflows to inf when read back, and
 * json_parse rightly refuses it (JSON_ERR_RANGE).  A cJSON limit, not ours.
 */
#define CJSON_PRINT_OVERFLOWS 1.79769313486231e308

/* The largest magnitude of the numbers in the tree (0 when none). */
static double
max_magnitude(const cJSON *item)
{
	const cJSON *c;
	double m = 0, d;

	if (cJSON_IsNumber(item))
		m = fabs(item->valuedouble);
	for (c = item->child; c != NULL; c = c->next)
		if ((d = max_magnitude(c)) > m || isnan(d))
			m = d;
	return m;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	cJSON *root = NULL, *again = NULL;
	char dupkey[64], *text;
	int rc;

	rc = json_parse((const char *)data, size, JSON_MAX_DEPTH, &root, dupkey,
	    sizeof(dupkey));
	if (rc != JSON_OK) {
		if (root != NULL)
			abort();
		if (rc == JSON_ERR_DUPKEY && memchr(dupkey, '\0',
		    sizeof(dupkey)) == NULL)
			abort();
		return 0;
	}
	if (root == NULL || !isfinite(max_magnitude(root)))
		abort();
	if ((text = cJSON_PrintUnformatted(root)) != NULL) {
		rc = json_parse(text, strlen(text), JSON_MAX_DEPTH, &again, NULL,
		    0);
		if (rc != JSON_OK && !(rc == JSON_ERR_RANGE &&
		    max_magnitude(root) > CJSON_PRINT_OVERFLOWS))
			abort();
		cJSON_Delete(again);
		free(text);
	}
	cJSON_Delete(root);
	return 0;
}
