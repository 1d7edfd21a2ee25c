-- One round trip to record a successful delivery (was BEGIN, lock, two UPDATEs, COMMIT).
-- The outbox row is locked first so that two endpoints of one event finishing at the same
-- moment are serialised; the second one's "is every endpoint delivered?" check must then
-- see the first one's committed update. A single SQL statement cannot do that (it has one
-- snapshot, taken before the lock wait); a VOLATILE PL/pgSQL function can: in READ
-- COMMITTED each statement inside it takes a fresh snapshot, so the check that runs after
-- the lock sees every transaction that committed while this one waited for it.
-- Guards keep state moving forward only: a delivered row is never touched again.
CREATE FUNCTION "relay"."mark_delivery_delivered"(p_event_id text, p_endpoint_url text, p_status_code integer)
RETURNS TABLE (updated boolean, event_delivered boolean)
LANGUAGE plpgsql
VOLATILE
AS $$
DECLARE
  v_updated integer;
  v_event_delivered integer;
BEGIN
  -- Under REPEATABLE READ or SERIALIZABLE the check below would reuse the transaction's
  -- first snapshot and two concurrent calls could both miss that the other is done.
  IF current_setting('transaction_isolation') <> 'read committed' THEN
    RAISE EXCEPTION 'relay.mark_delivery_delivered needs READ COMMITTED (got %)',
      current_setting('transaction_isolation');
  END IF;

  PERFORM 1 FROM relay.event_outbox WHERE event_id = p_event_id FOR UPDATE;

  UPDATE relay.event_deliveries
     SET status = 'delivered', attempts = attempts + 1, last_status_code = p_status_code, last_error = NULL,
         last_attempt_at = now(), delivered_at = now(), updated_at = now()
   WHERE event_id = p_event_id AND endpoint_url = p_endpoint_url AND status <> 'delivered';
  GET DIAGNOSTICS v_updated = ROW_COUNT;

  UPDATE relay.event_outbox o
     SET delivered_at = now()
   WHERE o.event_id = p_event_id AND o.delivered_at IS NULL
     AND NOT EXISTS (
       SELECT 1 FROM relay.event_deliveries d WHERE d.event_id = o.event_id AND d.status <> 'delivered'
     );
  GET DIAGNOSTICS v_event_delivered = ROW_COUNT;

  RETURN QUERY SELECT v_updated > 0, v_event_delivered > 0;
END;
$$;
