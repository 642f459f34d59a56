-- Console settings (SMTP server, public URL, time zone, mail language) are shared by every collector on the database
-- (0122), but each collector read them only at start: an SMTP server changed through collector A's console left
-- collector B sending alert mail through the old one until it restarted. Each write now NOTIFYs the setting's key at
-- commit; every collector reloads its settings when it hears it (channel name also in store/postgres/change-listener.ts).
CREATE FUNCTION notify_setting() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('mamori_setting', NEW.key);
  RETURN NULL;
END $$;
CREATE TRIGGER collector_settings_notify AFTER INSERT OR UPDATE ON collector_settings FOR EACH ROW EXECUTE FUNCTION notify_setting();
