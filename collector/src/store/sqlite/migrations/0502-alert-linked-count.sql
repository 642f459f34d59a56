-- How many events are linked to each alert, kept on the row: folding checked it with COUNT(*) per event, which
-- cost up to 1,000 index steps for every event folded into a busy alert.
ALTER TABLE alerts ADD COLUMN linked_count INTEGER NOT NULL DEFAULT 0;
UPDATE alerts SET linked_count = (SELECT COUNT(*) FROM alert_events WHERE alert_id = alerts.id);
