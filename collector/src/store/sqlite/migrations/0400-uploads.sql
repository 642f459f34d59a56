-- Web uploads (upload events), one row per uploaded file for search by name, hash, destination, category. The
-- evidence stays in `events`.
CREATE TABLE uploads (
  id INTEGER PRIMARY KEY,
  event_id INTEGER NOT NULL UNIQUE REFERENCES events (id),
  agent_id TEXT NOT NULL,
  pc TEXT NOT NULL,
  seq INTEGER NOT NULL,
  time_ms INTEGER NOT NULL,
  user TEXT NOT NULL,
  file_name TEXT NOT NULL,
  size_bytes INTEGER NOT NULL,
  sha256 TEXT NOT NULL,
  destination_host TEXT NOT NULL,
  destination_url TEXT NOT NULL,
  page_url TEXT NOT NULL,
  category TEXT NOT NULL,
  method TEXT NOT NULL,
  browser TEXT NOT NULL,
  browser_profile TEXT NOT NULL,
  local_path TEXT NOT NULL
);
CREATE INDEX uploads_time ON uploads (time_ms);
CREATE INDEX uploads_pc_time ON uploads (pc, time_ms);
CREATE INDEX uploads_user_time ON uploads (user, time_ms);
CREATE INDEX uploads_category_time ON uploads (category, time_ms);
CREATE INDEX uploads_host ON uploads (destination_host);
CREATE INDEX uploads_sha256 ON uploads (sha256);

-- The browser extension's latest known state per PC, browser and profile (extension_health events are sent on
-- change only, so the latest row is the current state; the history stays in `events`).
CREATE TABLE extension_health (
  agent_id TEXT NOT NULL,
  pc TEXT NOT NULL,
  browser TEXT NOT NULL,
  profile TEXT NOT NULL,
  installed INTEGER NOT NULL,
  alive INTEGER NOT NULL,
  extension_version TEXT NOT NULL,
  last_seen_ms INTEGER NOT NULL,
  changed_ms INTEGER NOT NULL,
  event_id INTEGER NOT NULL REFERENCES events (id),
  seq INTEGER NOT NULL,
  PRIMARY KEY (agent_id, browser, profile)
);
CREATE INDEX extension_health_alive ON extension_health (alive, pc);
