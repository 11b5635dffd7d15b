-- AMAGE: signing clients, the signatures already seen (replay refusal), the
-- referenced objects of SPEC 3 (one table keyed by kind and uuid) and the
-- work orders themselves.  uuids are stored lower case; work-order uuids are
-- not unique (the seed says so), hence a plain index.

CREATE TABLE amage_clients (
  id         BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  api_key    VARCHAR(128) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  -- HMAC needs the secret itself; protect the database accordingly.
  secret     VARCHAR(256) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  name       VARCHAR(200) NOT NULL,
  created_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  revoked_at DATETIME NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uq_amage_clients_key (api_key)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- A client with rows here may only sign from these devices; none = any.
CREATE TABLE amage_client_devices (
  client_id   BIGINT UNSIGNED NOT NULL,
  device_uuid CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  PRIMARY KEY (client_id, device_uuid),
  CONSTRAINT fk_devices_client FOREIGN KEY (client_id) REFERENCES amage_clients (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Signatures of POST/DELETE requests seen within the skew window.
CREATE TABLE amage_seen_signatures (
  signature CHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  client_id BIGINT UNSIGNED NOT NULL,
  seen_at   DATETIME NOT NULL,
  PRIMARY KEY (signature),
  KEY ix_seen_at (seen_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE amage_references (
  kind ENUM('type','contract','contract_scope','account','department','user',
            'contractor','customer','location','place_of_work','element_type',
            'asset') NOT NULL,
  uuid CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  name VARCHAR(255) NOT NULL DEFAULT '',
  PRIMARY KEY (kind, uuid)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE work_orders (
  id                       BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  uuid                     CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  name                     VARCHAR(255) NULL,
  description              TEXT NULL,
  type_uuid                CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NULL,
  state_name               ENUM('NEW','SCHEDULED','IN_PROGRESS','ON_HOLD','FINISHED','VOID') NOT NULL DEFAULT 'NEW',
  priority_name            ENUM('LOW','NORMAL','HIGH') NOT NULL DEFAULT 'NORMAL',
  archived                 TINYINT(1) NOT NULL DEFAULT 0,
  contract_uuid            CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NULL,
  contract_scope_uuid      CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NULL,
  account_uuid             CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NULL,
  created                  DATETIME NOT NULL,
  begin_date               DATETIME NULL,
  deadline_date            DATETIME NULL,
  notes                    TEXT NULL,
  start_date               DATETIME NULL,
  finish_date              DATETIME NULL,
  assigned_department_uuid CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NULL,
  assigned_user_uuid       CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NULL,
  assigned_contractor_uuid CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NULL,
  verify_user_uuid         CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NULL,
  protocol_number          VARCHAR(100) NULL,
  parent_uuid              CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NULL,
  customer_uuid            CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NULL,
  location_uuid            CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NULL,
  place_of_work_uuid       CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NULL,
  budget                   DOUBLE NULL,
  hours_estimated          DOUBLE NULL,
  work_amount              DOUBLE NULL,
  work_amount_unit         VARCHAR(50) NULL,
  work_unit_minutes_total  DOUBLE NULL,
  work_unit_minutes        DOUBLE NULL,
  work_unit_price          DOUBLE NULL,
  progress_completed       INT NOT NULL DEFAULT 0,
  element_type_plan_completed       TINYINT(1) NOT NULL DEFAULT 0,
  element_type_plan_total_count     INT NOT NULL DEFAULT 0,
  element_type_plan_completed_count INT NOT NULL DEFAULT 0,
  progress_completed_updated DATETIME NULL,
  element_type_plan_updated  DATETIME NULL,
  PRIMARY KEY (id),
  KEY ix_work_orders_uuid (uuid)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
