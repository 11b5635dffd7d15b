/*
 * allotments: the family's own error codes, handed to lib/ through struct
 * family (main.c).  respond_error() looks here first, then in lib's shared
 * codes (auth, body, platform, CAPACITY_SATURATED); a shared code is never
 * repeated here.
 */
#include <stddef.h>

#include "envelope.h"

const struct message allotment_messages[] = {
	{ "ALLOTMENT_NOT_FOUND", 404, 404, 404, "Contingent introuvable",
	  "Allotment not found" },
	{ "ALLOTMENT_EXHAUSTED", 409, 409, 409,
	  "Contingent dépassé : plus assez de chambres sur au moins une nuit",
	  "Allotment exhausted: not enough rooms left on at least one night" },
	{ "ALLOTMENT_NOT_BOOKABLE", 409, 409, 409,
	  "Contingent non réservable (option, annulé ou après le cutoff)",
	  "Allotment not bookable (tentative, cancelled or past its cutoff)" },
	{ "ALLOTMENT_STATE_CONFLICT", 409, 409, 409,
	  "Le statut du contingent ne permet pas cette action",
	  "The allotment's status does not allow this action" },
	{ "RESERVATION_NOT_FOUND", 404, 404, 404, "Réservation introuvable",
	  "Reservation not found" },
	{ "RESERVATION_ALREADY_CANCELLED", 409, 409, 409,
	  "Réservation déjà annulée", "Reservation already cancelled" },
	{ "RESERVATION_NOT_CANCELLABLE", 409, 409, 409,
	  "Le séjour a commencé : réservation non annulable",
	  "The stay has begun: the reservation cannot be cancelled" },
	{ NULL, 0, 0, 0, NULL, NULL }
};
