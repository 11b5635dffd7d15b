/* batch: a handler's write deferred to its kind's batch (batch.h). */
#include <stddef.h>

#include "batch.h"
#include "request.h"

int
request_defer(struct request *rq, const struct batch_kind *kind, void *item,
    void (*item_free)(void *))
{
	rq->batch_item = item;
	rq->batch_item_free = item_free;
	/* CGI has one request; injected faults count the handler's calls. */
	if (rq->fcgx == NULL || rq->batch_alone) {
		kind->run(rq->db, &rq, 1);
		return 0;
	}
	rq->batch = kind;
	return 0;
}

void *
request_deferred_item(const struct request *rq)
{
	return rq->batch_item;
}
