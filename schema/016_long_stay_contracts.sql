-- Long-stay (seasonal) contracts and their installments (SPEC 2.5,
-- docs/long-stay-contracts.md).  Money in integer cents (BIGINT), never
-- floating point.  What the client wrote is kept as written (unit type
-- code, installment ids and order); the resolved unit type is beside it.
CREATE TABLE long_stay_contracts (
  id                        CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  establishment_id          CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  guest_profile_id          CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  unit_id                   CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NULL,
  unit_type_code            VARCHAR(32) NULL,
  unit_type_id              CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NULL,
  period_start              DATE NOT NULL,
  period_end                DATE NULL,
  total_amount_cents        BIGINT UNSIGNED NOT NULL,
  currency                  CHAR(3) CHARACTER SET ascii NOT NULL,
  notice_period_days        INT NOT NULL,
  deposit_nature            ENUM('arrhes','acompte') NULL,
  termination_policy        ENUM('pro_rata_nuits','forfait_frais','contractuel') NOT NULL,
  tourism_tax_exempt        TINYINT(1) NOT NULL,
  tourism_tax_exempt_basis  VARCHAR(500) NULL,
  previous_contract_id      CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NULL,
  status                    ENUM('draft','active','cancelled') NOT NULL DEFAULT 'draft',
  created_by_key            BIGINT UNSIGNED NULL,
  created_at                DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  activated_at              DATETIME NULL,
  cancelled_at              DATETIME NULL,
  PRIMARY KEY (id),
  KEY ix_long_stay_contracts_list (establishment_id, created_at),
  KEY ix_long_stay_contracts_previous (previous_contract_id),
  CONSTRAINT fk_long_stay_contracts_est FOREIGN KEY (establishment_id)
    REFERENCES establishments (id),
  CONSTRAINT fk_long_stay_contracts_guest
    FOREIGN KEY (guest_profile_id, establishment_id)
    REFERENCES guest_profiles (id, establishment_id),
  CONSTRAINT fk_long_stay_contracts_unit FOREIGN KEY (unit_id) REFERENCES units (id),
  CONSTRAINT fk_long_stay_contracts_unit_type FOREIGN KEY (unit_type_id)
    REFERENCES unit_types (id),
  CONSTRAINT fk_long_stay_contracts_previous FOREIGN KEY (previous_contract_id)
    REFERENCES long_stay_contracts (id),
  CONSTRAINT ck_long_stay_contracts_period
    CHECK (period_end IS NULL OR period_end > period_start)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Installment ids are unique within their contract (a renewal may copy a
-- schedule's ids); position is the index the client sent it at.
CREATE TABLE long_stay_installments (
  contract_id   CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  seq_no        INT NOT NULL,
  id            CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  due_date      DATE NOT NULL,
  amount_cents  BIGINT UNSIGNED NOT NULL,
  currency      CHAR(3) CHARACTER SET ascii NOT NULL,
  PRIMARY KEY (contract_id, seq_no),
  UNIQUE KEY uq_long_stay_installments_id (contract_id, id),
  CONSTRAINT fk_long_stay_installments_contract FOREIGN KEY (contract_id)
    REFERENCES long_stay_contracts (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
