-- Issue 13: the collector signs a segment boundary's anchor (its evidence key) when it records the boundary, and
-- keeps the signed anchor here (JSON), so an export carries the statement made at the time, not one made later.
-- NULL for boundaries recorded before this column existed: those are signed at export time, and say so.
ALTER TABLE chain_segments ADD COLUMN anchor_json TEXT;
