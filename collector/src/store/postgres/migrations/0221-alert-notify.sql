-- Live views across collectors (issue 14 item 3): only the projection leader evaluates rules and stores their
-- alerts, and each collector's console stream showed only alerts its own process stored or changed. Every alert
-- stored, folded, acknowledged or resolved — by any collector — NOTIFYs its id at commit, so each collector's stream
-- passes it on (alerts/remote-alert-relay.ts). Channel name also in store/postgres/change-listener.ts.
CREATE FUNCTION notify_alert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('mamori_alert', NEW.id::text);
  RETURN NULL;
END $$;
CREATE TRIGGER alerts_notify AFTER INSERT OR UPDATE ON alerts FOR EACH ROW EXECUTE FUNCTION notify_alert();
