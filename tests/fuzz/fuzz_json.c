/*
 * fuzz_json: json_parse over arbitrary bytes with the production depth
 * limit.  Invariants checked (abort on violation): an accepted document
 * comes back non-NULL and a refused one NULL; an accepted document,
 * printed by cJSON, parses again (what we accept we can also emit and
 * re-read: no lone surrogate, no NUL, no dup key appears in the output).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

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
	if (root == NULL)
		abort();
	if ((text = cJSON_PrintUnformatted(root)) != NULL) {
		if (json_parse(text, strlen(text), JSON_MAX_DEPTH, &again, NULL,
		    0) != JSON_OK)
			abort();
		cJSON_Delete(again);
		free(text);
	}
	cJSON_Delete(root);
	return 0;
}
