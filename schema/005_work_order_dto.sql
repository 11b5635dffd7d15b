-- The WorkOrderDto of each work order, kept as JSON text in its own row
-- (everything but `id`, which an insert only knows after the row exists;
-- the reader puts it in front).  Two triggers rewrite it in the statement
-- that changes the row, whoever writes (API, derived-field updates, loader,
-- admin), so it can never disagree with the columns.  get/by-uuid and list
-- then read two columns and build no JSON in the worker.
-- Booleans go through JSON_EXTRACT so they are JSON true/false, not 1/0.
-- The two triggers carry the same expression on purpose: MariaDB has no
-- INSERT-or-UPDATE trigger, and a STORED generated column refuses
-- JSON_OBJECT over the ascii uuid columns (error 1901), so keep them equal.

ALTER TABLE work_orders ADD COLUMN dto MEDIUMTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL;

CREATE TRIGGER work_orders_dto_insert BEFORE INSERT ON work_orders FOR EACH ROW
  SET NEW.dto = JSON_COMPACT(JSON_OBJECT(
    'uuid', NEW.uuid,
    'name', NEW.name,
    'description', NEW.description,
    'typeUuid', NEW.type_uuid,
    'stateName', NEW.state_name,
    'priorityName', NEW.priority_name,
    'archived', IF(NEW.archived, JSON_EXTRACT('true', '$'), JSON_EXTRACT('false', '$')),
    'contractUuid', NEW.contract_uuid,
    'contractScopeUuid', NEW.contract_scope_uuid,
    'accountUuid', NEW.account_uuid,
    'created', DATE_FORMAT(NEW.created, '%Y-%m-%dT%H:%i:%s'),
    'beginDate', DATE_FORMAT(NEW.begin_date, '%Y-%m-%dT%H:%i:%s'),
    'deadlineDate', DATE_FORMAT(NEW.deadline_date, '%Y-%m-%dT%H:%i:%s'),
    'notes', NEW.notes,
    'startDate', DATE_FORMAT(NEW.start_date, '%Y-%m-%dT%H:%i:%s'),
    'finishDate', DATE_FORMAT(NEW.finish_date, '%Y-%m-%dT%H:%i:%s'),
    'assignedDepartmentUuid', NEW.assigned_department_uuid,
    'assignedUserUuid', NEW.assigned_user_uuid,
    'assignedContractorUuid', NEW.assigned_contractor_uuid,
    'verifyUserUuid', NEW.verify_user_uuid,
    'protocolNumber', NEW.protocol_number,
    'parentUuid', NEW.parent_uuid,
    'customerUuid', NEW.customer_uuid,
    'locationUuid', NEW.location_uuid,
    'placeOfWorkUuid', NEW.place_of_work_uuid,
    'budget', NEW.budget,
    'hoursEstimated', NEW.hours_estimated,
    'workAmount', NEW.work_amount,
    'workAmountUnit', NEW.work_amount_unit,
    'workUnitMinutesTotal', NEW.work_unit_minutes_total,
    'workUnitMinutes', NEW.work_unit_minutes,
    'workUnitPrice', NEW.work_unit_price,
    'progressCompleted', NEW.progress_completed,
    'elementTypePlanCompleted', IF(NEW.element_type_plan_completed, JSON_EXTRACT('true', '$'), JSON_EXTRACT('false', '$')),
    'elementTypePlanTotalCount', NEW.element_type_plan_total_count,
    'elementTypePlanCompletedCount', NEW.element_type_plan_completed_count,
    'progressCompletedUpdated', DATE_FORMAT(NEW.progress_completed_updated, '%Y-%m-%dT%H:%i:%s'),
    'elementTypePlanUpdated', DATE_FORMAT(NEW.element_type_plan_updated, '%Y-%m-%dT%H:%i:%s')));

CREATE TRIGGER work_orders_dto_update BEFORE UPDATE ON work_orders FOR EACH ROW
  SET NEW.dto = JSON_COMPACT(JSON_OBJECT(
    'uuid', NEW.uuid,
    'name', NEW.name,
    'description', NEW.description,
    'typeUuid', NEW.type_uuid,
    'stateName', NEW.state_name,
    'priorityName', NEW.priority_name,
    'archived', IF(NEW.archived, JSON_EXTRACT('true', '$'), JSON_EXTRACT('false', '$')),
    'contractUuid', NEW.contract_uuid,
    'contractScopeUuid', NEW.contract_scope_uuid,
    'accountUuid', NEW.account_uuid,
    'created', DATE_FORMAT(NEW.created, '%Y-%m-%dT%H:%i:%s'),
    'beginDate', DATE_FORMAT(NEW.begin_date, '%Y-%m-%dT%H:%i:%s'),
    'deadlineDate', DATE_FORMAT(NEW.deadline_date, '%Y-%m-%dT%H:%i:%s'),
    'notes', NEW.notes,
    'startDate', DATE_FORMAT(NEW.start_date, '%Y-%m-%dT%H:%i:%s'),
    'finishDate', DATE_FORMAT(NEW.finish_date, '%Y-%m-%dT%H:%i:%s'),
    'assignedDepartmentUuid', NEW.assigned_department_uuid,
    'assignedUserUuid', NEW.assigned_user_uuid,
    'assignedContractorUuid', NEW.assigned_contractor_uuid,
    'verifyUserUuid', NEW.verify_user_uuid,
    'protocolNumber', NEW.protocol_number,
    'parentUuid', NEW.parent_uuid,
    'customerUuid', NEW.customer_uuid,
    'locationUuid', NEW.location_uuid,
    'placeOfWorkUuid', NEW.place_of_work_uuid,
    'budget', NEW.budget,
    'hoursEstimated', NEW.hours_estimated,
    'workAmount', NEW.work_amount,
    'workAmountUnit', NEW.work_amount_unit,
    'workUnitMinutesTotal', NEW.work_unit_minutes_total,
    'workUnitMinutes', NEW.work_unit_minutes,
    'workUnitPrice', NEW.work_unit_price,
    'progressCompleted', NEW.progress_completed,
    'elementTypePlanCompleted', IF(NEW.element_type_plan_completed, JSON_EXTRACT('true', '$'), JSON_EXTRACT('false', '$')),
    'elementTypePlanTotalCount', NEW.element_type_plan_total_count,
    'elementTypePlanCompletedCount', NEW.element_type_plan_completed_count,
    'progressCompletedUpdated', DATE_FORMAT(NEW.progress_completed_updated, '%Y-%m-%dT%H:%i:%s'),
    'elementTypePlanUpdated', DATE_FORMAT(NEW.element_type_plan_updated, '%Y-%m-%dT%H:%i:%s')));

-- Rows written before this migration: the update trigger fills them.
UPDATE work_orders SET dto = NULL;
