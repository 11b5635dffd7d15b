-- AMAGE work-order details: history entries with their participants and
-- expenditures, the element-type (material) plan, the asset plan, and the
-- per-1000-ids row counts that let `list` find page N without an OFFSET
-- scan over every earlier row (work orders are never deleted; ids may have
-- gaps from rolled-back inserts, so id arithmetic alone is not enough).
-- Child rows refer to the work order by its id: uuids are not unique.

CREATE TABLE work_order_history (
  id                   BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  uuid                 CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  work_order_id        BIGINT UNSIGNED NOT NULL,
  reported_on          DATETIME NULL,
  reported_by_uuid     CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NULL,
  tstamp               DATETIME NULL,
  state_name           ENUM('NEW','SCHEDULED','IN_PROGRESS','ON_HOLD','FINISHED','VOID') NULL,
  message              TEXT NULL,
  hours_reported       DOUBLE NULL,
  work_amount_reported DOUBLE NULL,
  participant_count    INT NULL,
  valid                TINYINT(1) NOT NULL DEFAULT 1,
  created              DATETIME NOT NULL,
  PRIMARY KEY (id),
  KEY ix_history_uuid (uuid),
  KEY ix_history_work_order (work_order_id),
  CONSTRAINT fk_history_work_order FOREIGN KEY (work_order_id) REFERENCES work_orders (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE work_order_history_participants (
  id         BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  history_id BIGINT UNSIGNED NOT NULL,
  user_uuid  CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  PRIMARY KEY (id),
  KEY ix_participants_history (history_id),
  CONSTRAINT fk_participants_history FOREIGN KEY (history_id) REFERENCES work_order_history (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE work_order_expenditures (
  id                BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  uuid              CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  history_id        BIGINT UNSIGNED NOT NULL,
  work_order_id     BIGINT UNSIGNED NOT NULL,
  tstamp            DATETIME NULL,
  element_type_uuid CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  item_count        DOUBLE NOT NULL DEFAULT 0,
  message           TEXT NULL,
  PRIMARY KEY (id),
  KEY ix_expenditures_history (history_id),
  KEY ix_expenditures_work_order (work_order_id, element_type_uuid),
  CONSTRAINT fk_expenditures_history FOREIGN KEY (history_id) REFERENCES work_order_history (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE work_order_element_type_plans (
  id                BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  uuid              CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  work_order_id     BIGINT UNSIGNED NOT NULL,
  element_type_uuid CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  item_count        DOUBLE NOT NULL DEFAULT 0,
  category          VARCHAR(255) NULL,
  code              VARCHAR(255) NULL,
  created           DATETIME NOT NULL,
  PRIMARY KEY (id),
  KEY ix_plans_uuid (uuid),
  KEY ix_plans_work_order (work_order_id),
  CONSTRAINT fk_plans_work_order FOREIGN KEY (work_order_id) REFERENCES work_orders (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE work_order_asset_plans (
  id            BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  uuid          CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  work_order_id BIGINT UNSIGNED NOT NULL,
  asset_uuid    CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  created       DATETIME NOT NULL,
  PRIMARY KEY (id),
  KEY ix_asset_plans_uuid (uuid),
  KEY ix_asset_plans_work_order (work_order_id, asset_uuid),
  CONSTRAINT fk_asset_plans_work_order FOREIGN KEY (work_order_id) REFERENCES work_orders (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- How many work orders have an id in [block * 1000, block * 1000 + 999].
-- Kept by a trigger in the inserting transaction, whoever inserts (API,
-- loader, admin); `count` and `list` sum it instead of scanning rows.
CREATE TABLE work_order_id_blocks (
  block BIGINT UNSIGNED NOT NULL,
  n     INT UNSIGNED NOT NULL,
  PRIMARY KEY (block)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

INSERT INTO work_order_id_blocks (block, n)
  SELECT id DIV 1000, COUNT(*) FROM work_orders GROUP BY id DIV 1000;

CREATE TRIGGER work_orders_count_block AFTER INSERT ON work_orders FOR EACH ROW
  INSERT INTO work_order_id_blocks (block, n) VALUES (NEW.id DIV 1000, 1)
  ON DUPLICATE KEY UPDATE n = n + 1;
