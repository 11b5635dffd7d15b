/*
 * batch: writes of one kind that a worker runs together.
 *
 * A worker serves the requests waiting on its connections one at a time
 * (server.c).  A handler that has checked a request may, instead of
 * writing, hand its write to request_defer(): once the worker has read
 * every request waiting at that moment, it runs each kind's deferred
 * writes in one call (e.g. one multi-row statement for a hot allotment's
 * pickups: one round trip and one commit for all of them), then writes
 * every answer.  Nothing waits for a batch to fill: a batch is what was
 * already waiting, so a lone request is run at once.
 */
#ifndef PMS_BATCH_H
#define PMS_BATCH_H

struct db;
struct request;

#define BATCH_MAX 64		/* deferred requests a worker holds at once */

struct batch_kind {
	/*
	 * Runs the n (>= 1) deferred writes of rqs, in any order, and
	 * answers every request (request_respond_* or respond_*): each
	 * must come out as it would have alone.
	 */
	void (*run)(struct db *db, struct request **rqs, int n);
};

/*
 * From a handler: answer this request with kind's next batch.  The
 * request owns item until it ends (item_free(item), may be NULL).  The
 * handler returns 0 after it.  Where no batch can be formed (CGI) the
 * write runs alone at once.
 */
int request_defer(struct request *rq, const struct batch_kind *kind,
    void *item, void (*item_free)(void *));

/* The item a handler deferred with rq. */
void *request_deferred_item(const struct request *rq);

#endif
