-- Allotments (group contingents) and their pickups (seeds allotments.fr.txt,
-- allotment-reservations.fr.txt; SPEC 2.4, docs/allotments.md).
--
-- allotment_nights holds, per allotment, unit type and night, what was
-- allocated and what is picked up, and whether the night is still open
-- for pickups.  Every write that depends on those numbers writes the rows
-- it checks: a pickup adds to `picked` under the guard
-- `is_open AND allocated - picked >= qty`, and the cutoff or a cancel
-- closes the rows (`is_open = 0`, always a real change) before it gives
-- unpicked nights back to inventory.  So a pickup and a cutoff of the same
-- night conflict on a written row, on one node (row lock) and on Galera
-- (certification), and a pickup is either counted by the cutoff or refused.
--
-- Inventory (inventory_nights.committed) holds, for a definite allotment,
-- `allocated` while a night is open and `picked` once it is closed; a
-- tentative one holds nothing.
CREATE TABLE allotments (
  id                           CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  establishment_id             CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  rate_plan_id                 CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  channel_type                 ENUM('to','agency','group','corporate','direct') NOT NULL,
  channel_external_id          VARCHAR(200) NULL,
  allotment_type               ENUM('allotment','tentative') NOT NULL,
  currency                     CHAR(3) CHARACTER SET ascii NOT NULL,
  period_from                  DATE NOT NULL,
  period_to                    DATE NOT NULL,
  cutoff_date                  DATE NOT NULL,
  -- minimumPickupPercent in hundredths of a percent (70 -> 7000, 70.5 -> 7050)
  minimum_pickup_bp            INT NOT NULL,
  penalty_per_room_night_cents BIGINT NULL,
  complimentary_rooms          INT NULL,
  contractual_headcount        INT NULL,
  invoicing_mode               ENUM('master_single','individual_per_sub') NULL,
  billing_folio_id             CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NULL,
  status                       ENUM('tentative','definite','cancelled','released') NOT NULL,
  cutoff_state                 ENUM('armed','done') NOT NULL DEFAULT 'armed',
  -- the cutoff's result (NULL until it ran; a cancelled allotment has none)
  contracted_room_nights       INT NULL,
  picked_room_nights           INT NULL,
  pickup_bp                    INT NULL,
  penalty_cents                BIGINT NULL,
  cutoff_done_at               DATETIME NULL,
  created_by_key               BIGINT UNSIGNED NULL,
  created_at                   DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  PRIMARY KEY (id),
  KEY ix_allotments_est_period (establishment_id, period_from),
  KEY ix_allotments_cutoff (cutoff_state, establishment_id, cutoff_date),
  CONSTRAINT fk_allotments_est FOREIGN KEY (establishment_id) REFERENCES establishments (id),
  CONSTRAINT fk_allotments_rate_plan FOREIGN KEY (rate_plan_id) REFERENCES rate_plans (id),
  CONSTRAINT ck_allotments_period CHECK (period_from < period_to AND cutoff_date <= period_from),
  CONSTRAINT ck_allotments_pickup_bp CHECK (minimum_pickup_bp BETWEEN 0 AND 10000)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE allotment_allocations (
  allotment_id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  unit_type_id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  position     INT NOT NULL,          -- order as sent
  quantity     INT NOT NULL,
  PRIMARY KEY (allotment_id, unit_type_id),
  CONSTRAINT fk_allocations_allotment FOREIGN KEY (allotment_id) REFERENCES allotments (id),
  CONSTRAINT fk_allocations_unit_type FOREIGN KEY (unit_type_id) REFERENCES unit_types (id),
  CONSTRAINT ck_allocations_quantity CHECK (quantity >= 1)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE allotment_nights (
  allotment_id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  unit_type_id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  night        DATE NOT NULL,
  allocated    INT NOT NULL,
  picked       INT NOT NULL DEFAULT 0,
  is_open      TINYINT(1) NOT NULL,
  PRIMARY KEY (allotment_id, unit_type_id, night),
  CONSTRAINT fk_allotment_nights_allotment FOREIGN KEY (allotment_id) REFERENCES allotments (id),
  CONSTRAINT ck_allotment_nights_picked CHECK (picked >= 0 AND picked <= allocated)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Pickups (sub-reservations).  A cancelled one keeps its row.
CREATE TABLE allotment_reservations (
  id                         CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  allotment_id               CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  establishment_id           CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  unit_type_id               CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  check_in_date              DATE NOT NULL,
  check_out_date             DATE NOT NULL,
  quantity                   INT NOT NULL,
  rate_plan_id               CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  guest_profile_id           CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  channel_type               VARCHAR(200) NOT NULL,
  segment                    VARCHAR(200) NOT NULL,
  booker_contact_name        VARCHAR(200) NOT NULL,
  booker_contact_email       VARCHAR(254) NOT NULL,
  booker_person_guest_id     CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NULL,
  business_date_at_creation  DATE NOT NULL,
  status                     ENUM('active','cancelled') NOT NULL DEFAULT 'active',
  created_by_key             BIGINT UNSIGNED NULL,
  created_at                 DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  cancelled_at               DATETIME NULL,
  PRIMARY KEY (id),
  KEY ix_allotment_reservations_list (allotment_id, created_at),
  CONSTRAINT fk_allotment_reservations_allotment FOREIGN KEY (allotment_id) REFERENCES allotments (id),
  CONSTRAINT ck_allotment_reservations_stay CHECK (check_in_date < check_out_date AND quantity >= 1)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
