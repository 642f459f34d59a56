-- Access requests for uploads (subject "upload", from the browser's block message): the destination the employee
-- asks to upload to, as the agent judged it. upload_domain is what an approval's exception names; upload_files is
-- a JSON array of the file names they were trying to upload. Empty for device requests.
ALTER TABLE access_requests ADD COLUMN upload_host TEXT NOT NULL DEFAULT '';
ALTER TABLE access_requests ADD COLUMN upload_domain TEXT NOT NULL DEFAULT '';
ALTER TABLE access_requests ADD COLUMN upload_category TEXT NOT NULL DEFAULT '';
ALTER TABLE access_requests ADD COLUMN upload_files TEXT NOT NULL DEFAULT '[]';
