-- An alert's title as data (message key + parameters, JSON) so the console and each mail recipient read it in their
-- own language; `title` keeps the English text for search, exports and alerts stored before this column.
ALTER TABLE alerts ADD COLUMN title_message TEXT;
