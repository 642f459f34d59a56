-- Web uploads and the browser extension's health on PostgreSQL (SQLite: 0400-uploads.sql), both filled by the
-- projector in the pass that moves the cursor. The evidence stays in `events`.
CREATE TABLE uploads (
  id bigserial PRIMARY KEY,
  event_id bigint NOT NULL UNIQUE,
  agent_id text NOT NULL,
  pc text NOT NULL,
  seq bigint NOT NULL,
  time_ms bigint NOT NULL,
  user_name text NOT NULL,
  file_name text NOT NULL,
  size_bytes bigint NOT NULL,
  sha256 text NOT NULL,
  destination_host text NOT NULL,
  destination_url text NOT NULL,
  page_url text NOT NULL,
  category text NOT NULL,
  method text NOT NULL,
  browser text NOT NULL,
  browser_profile text NOT NULL,
  local_path text NOT NULL
);
CREATE INDEX uploads_time ON uploads (time_ms);
CREATE INDEX uploads_pc_time ON uploads (pc, time_ms);
CREATE INDEX uploads_user_time ON uploads (user_name, time_ms);
CREATE INDEX uploads_category_time ON uploads (category, time_ms);
CREATE INDEX uploads_host ON uploads (destination_host);
CREATE INDEX uploads_sha256 ON uploads (sha256);

-- The latest known state per agent, browser and profile (extension_health events are sent on change only; within
-- one agent the higher seq wins).
CREATE TABLE extension_health (
  agent_id text NOT NULL,
  pc text NOT NULL,
  browser text NOT NULL,
  profile text NOT NULL,
  installed boolean NOT NULL,
  alive boolean NOT NULL,
  extension_version text NOT NULL,
  last_seen_ms bigint NOT NULL,
  changed_ms bigint NOT NULL,
  event_id bigint NOT NULL,
  seq bigint NOT NULL,
  PRIMARY KEY (agent_id, browser, profile)
);
CREATE INDEX extension_health_alive ON extension_health (alive, pc);
