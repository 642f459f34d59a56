-- Temporary upload exceptions on PostgreSQL (SQLite: 1340-upload-exceptions.sql), shared by every collector on the
-- database (issue 14): an exception granted through one collector must reach the PC's agent wherever it is
-- connected. Every grant and revocation also writes a change row; its trigger NOTIFYs the PC's name at commit, so
-- each collector's exception pusher reads the changes by seq and pushes the PC's policy down its own streams.
CREATE TABLE upload_exceptions (
  id text PRIMARY KEY,
  pc text NOT NULL,
  user_name text,
  category text,
  domain text,
  until_ms bigint NOT NULL,
  reason text NOT NULL,
  created_by text NOT NULL,
  created_ms bigint NOT NULL,
  revoked_ms bigint,
  revoked_by text,
  CHECK ((category IS NULL) <> (domain IS NULL))
);
CREATE INDEX upload_exceptions_pc ON upload_exceptions (pc, until_ms);

CREATE TABLE upload_exception_changes (
  seq bigserial PRIMARY KEY,
  pc text NOT NULL
);

-- Channel name also in store/postgres/change-listener.ts; a trigger, as in 0160, so every writer (the CLI too) notifies.
CREATE FUNCTION notify_upload_exception() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('mamori_upload_exception', NEW.pc);
  RETURN NULL;
END $$;
CREATE TRIGGER upload_exception_changes_notify AFTER INSERT ON upload_exception_changes FOR EACH ROW EXECUTE FUNCTION notify_upload_exception();
