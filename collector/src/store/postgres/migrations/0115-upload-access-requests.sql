-- Access requests for uploads on PostgreSQL (SQLite: 1375-upload-access-requests.sql): the destination the
-- employee asks to upload to; upload_domain is what an approval's exception names. Empty for device requests.
ALTER TABLE access_requests ADD COLUMN upload_host text NOT NULL DEFAULT '';
ALTER TABLE access_requests ADD COLUMN upload_domain text NOT NULL DEFAULT '';
ALTER TABLE access_requests ADD COLUMN upload_category text NOT NULL DEFAULT '';
ALTER TABLE access_requests ADD COLUMN upload_files text NOT NULL DEFAULT '[]';
