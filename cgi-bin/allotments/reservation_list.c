/* STUB until its step lands: reservation_list (see allotments.h). */
#include "allotments.h"
#include "envelope.h"
#include "request.h"

int
reservation_list(struct request *rq)
{
	return respond_error(rq, "NOT_FOUND");
}
