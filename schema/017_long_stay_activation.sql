-- Activating a long-stay contract (docs/long-stay-contracts.md
-- "Activate"): it commits one room of its unit type on every night of its
-- period inside the horizon; committed_until is the first night it does
-- not hold yet (the night audit takes the later nights of an open-ended
-- or longer contract as the horizon moves).  A contract naming a unit
-- also holds that unit, one row per night: the primary key makes two
-- contracts holding one unit on one night impossible, on one node or on
-- two Galera nodes (the second insert conflicts).
ALTER TABLE long_stay_contracts
  ADD COLUMN committed_until DATE NULL AFTER status;

CREATE TABLE unit_holds (
  unit_id      CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  night        DATE NOT NULL,
  contract_id  CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  PRIMARY KEY (unit_id, night),
  KEY ix_unit_holds_contract (contract_id, night),
  CONSTRAINT fk_unit_holds_unit FOREIGN KEY (unit_id) REFERENCES units (id),
  CONSTRAINT fk_unit_holds_contract FOREIGN KEY (contract_id)
    REFERENCES long_stay_contracts (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
