-- Pushes across collectors (issue 14 item 3): every row an agent must hear about NOTIFYs on its kind's channel,
-- payload = the row's id. Triggers, not calls in each repository, so every writer notifies — a collector, the CLI
-- (another process), a later code path — and the NOTIFY is part of the transaction that stores the row: listeners
-- hear of it at commit, never of a row rolled back. Channel names are also in store/postgres/change-listener.ts.
CREATE FUNCTION notify_policy_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('mamori_policy_version', NEW.version::text);
  RETURN NULL;
END $$;
CREATE TRIGGER policy_versions_notify AFTER INSERT ON policy_versions FOR EACH ROW EXECUTE FUNCTION notify_policy_version();

-- An exception granted (or its row changed) and an exception revoked both change the PC's effective policy.
CREATE FUNCTION notify_device_exception() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('mamori_device_exception', NEW.id);
  RETURN NULL;
END $$;
CREATE TRIGGER device_exceptions_notify AFTER INSERT OR UPDATE ON device_exceptions FOR EACH ROW EXECUTE FUNCTION notify_device_exception();

CREATE FUNCTION notify_device_exception_revocation() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('mamori_device_exception', NEW.exception_id);
  RETURN NULL;
END $$;
CREATE TRIGGER device_exception_revocations_notify AFTER INSERT ON device_exception_revocations FOR EACH ROW EXECUTE FUNCTION notify_device_exception_revocation();

-- An access request answered (approved or declined): the outcome goes down the PC's stream wherever it is connected.
CREATE FUNCTION notify_access_outcome() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('mamori_access_outcome', NEW.id::text);
  RETURN NULL;
END $$;
CREATE TRIGGER access_requests_outcome_notify AFTER UPDATE OF status ON access_requests FOR EACH ROW
  WHEN (OLD.status = 'pending' AND NEW.status <> 'pending') EXECUTE FUNCTION notify_access_outcome();
