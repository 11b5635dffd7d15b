/* units: the family's handlers. */
#ifndef UNITS_H
#define UNITS_H

struct request;

int unit_get(struct request *rq);

#endif
