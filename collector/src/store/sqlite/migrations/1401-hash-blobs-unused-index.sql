-- SHA-256 digests as their 32 bytes instead of 64 hex characters (see hash-column.ts): about 64 bytes less per file
-- copy and per upload (row and index), 32 per mail attachment. Only well-formed lower-case digests are converted,
-- so every value reads back as it was stored.
UPDATE file_copies SET sha256 = unhex(sha256) WHERE typeof(sha256) = 'text' AND length(sha256) = 64 AND sha256 NOT GLOB '*[^0-9a-f]*';
UPDATE uploads SET sha256 = unhex(sha256) WHERE typeof(sha256) = 'text' AND length(sha256) = 64 AND sha256 NOT GLOB '*[^0-9a-f]*';
UPDATE mail_attachments SET sha256 = unhex(sha256) WHERE typeof(sha256) = 'text' AND length(sha256) = 64 AND sha256 NOT GLOB '*[^0-9a-f]*';

-- No query can use it: the upload search's host filter is "host or any subdomain" (= OR LIKE '%.host'), which
-- SQLite answers by scanning, and the report on uploads ranges over time. 30 bytes per upload.
DROP INDEX uploads_host;
