-- A pickup's row proves what its write checked, so the insert needs no
-- read before it (cgi-bin/allotments/allotment_pickup.c):
--  - its guest profile is one of its establishment's (a foreign key on
--    the pair; guest_profiles gets the key it needs);
--  - its check-in is not before the business date it was made on, and
--    that date is before the allotment's cutoff date, copied into the row
--    (an allotment's cutoff date never changes).
ALTER TABLE guest_profiles ADD UNIQUE KEY uq_guest_profiles_id_est (id, establishment_id);

ALTER TABLE allotment_reservations
  ADD COLUMN allotment_cutoff_date DATE NULL AFTER business_date_at_creation,
  ADD CONSTRAINT fk_allotment_reservations_guest
    FOREIGN KEY (guest_profile_id, establishment_id)
    REFERENCES guest_profiles (id, establishment_id),
  ADD CONSTRAINT ck_allotment_reservations_made_in_time
    CHECK (check_in_date >= business_date_at_creation
      AND (allotment_cutoff_date IS NULL
        OR business_date_at_creation < allotment_cutoff_date));
