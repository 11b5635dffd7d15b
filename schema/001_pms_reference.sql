-- PMS reference data: establishments, unit types, units, rate plans, guest
-- profiles, API keys and their establishment scope.  Created by the admin
-- tool (scripts/pms-admin) and the demo seed, never over HTTP.
-- Identifiers are lower-case uuids (SPEC 5), stored as ASCII.

CREATE TABLE establishments (
  id            CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  name          VARCHAR(200) NOT NULL,
  time_zone     VARCHAR(64) NOT NULL,
  business_date DATE NOT NULL,
  created_at    DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  PRIMARY KEY (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE unit_types (
  id               CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  establishment_id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  code             VARCHAR(32) NOT NULL,
  name             VARCHAR(200) NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uq_unit_types_code (establishment_id, code),
  CONSTRAINT fk_unit_types_est FOREIGN KEY (establishment_id) REFERENCES establishments (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE units (
  id               CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  establishment_id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  unit_type_id     CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  number           VARCHAR(32) NOT NULL,
  active           TINYINT(1) NOT NULL DEFAULT 1,
  PRIMARY KEY (id),
  UNIQUE KEY uq_units_number (establishment_id, number),
  KEY ix_units_type (unit_type_id),
  CONSTRAINT fk_units_est FOREIGN KEY (establishment_id) REFERENCES establishments (id),
  CONSTRAINT fk_units_type FOREIGN KEY (unit_type_id) REFERENCES unit_types (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE rate_plans (
  id               CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  establishment_id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  code             VARCHAR(32) NOT NULL,
  name             VARCHAR(200) NOT NULL,
  currency         CHAR(3) NOT NULL DEFAULT 'EUR',
  PRIMARY KEY (id),
  UNIQUE KEY uq_rate_plans_code (establishment_id, code),
  CONSTRAINT fk_rate_plans_est FOREIGN KEY (establishment_id) REFERENCES establishments (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE guest_profiles (
  id               CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  establishment_id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  full_name        VARCHAR(200) NOT NULL,
  email            VARCHAR(254) NULL,
  PRIMARY KEY (id),
  KEY ix_guest_profiles_est (establishment_id),
  CONSTRAINT fk_guest_profiles_est FOREIGN KEY (establishment_id) REFERENCES establishments (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Keys are shown once at creation and stored only as SHA-256 (hex).
CREATE TABLE api_keys (
  id                 BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  key_sha256         CHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  label              VARCHAR(200) NOT NULL,
  role               ENUM('agent','manager') NOT NULL,
  all_establishments TINYINT(1) NOT NULL DEFAULT 0,
  created_at         DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  revoked_at         DATETIME NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uq_api_keys_sha (key_sha256)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE api_key_scopes (
  api_key_id       BIGINT UNSIGNED NOT NULL,
  establishment_id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  PRIMARY KEY (api_key_id, establishment_id),
  CONSTRAINT fk_scopes_key FOREIGN KEY (api_key_id) REFERENCES api_keys (id) ON DELETE CASCADE,
  CONSTRAINT fk_scopes_est FOREIGN KEY (establishment_id) REFERENCES establishments (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
