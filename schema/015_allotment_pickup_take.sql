-- A pickup takes its nights in the statement that inserts it (issue 16).
-- The trigger runs the check-and-take on the rows it checks (open, and
-- allocated - picked >= quantity, on every night of the stay) and refuses
-- the insert, with the take undone by the statement's own rollback, when
-- any night is not taken.  So a pickup is one statement: in autocommit it
-- is its own transaction, one round trip instead of four, and no two
-- pickups, on one node or on two Galera nodes (row events; appliers do not
-- fire triggers), can take more than a night's allocation.
-- The refusal is SQLSTATE 45000 (errno 1644); the pickup then reads why.
DELIMITER //
CREATE TRIGGER tr_allotment_reservations_take
AFTER INSERT ON allotment_reservations FOR EACH ROW
BEGIN
  UPDATE allotment_nights SET picked = picked + NEW.quantity
   WHERE allotment_id = NEW.allotment_id
     AND unit_type_id = NEW.unit_type_id
     AND night >= NEW.check_in_date AND night < NEW.check_out_date
     AND is_open = 1 AND allocated - picked >= NEW.quantity
   ORDER BY night;
  IF ROW_COUNT() <> DATEDIFF(NEW.check_out_date, NEW.check_in_date) THEN
    SIGNAL SQLSTATE '45000'
      SET MESSAGE_TEXT = 'allotment nights not taken';
  END IF;
END//
DELIMITER ;
