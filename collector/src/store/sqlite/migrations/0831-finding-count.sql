-- A rate-limited finding (a flood of failed stream authentications) is one row standing for many occurrences.
ALTER TABLE integrity_findings ADD COLUMN count INTEGER NOT NULL DEFAULT 1;
