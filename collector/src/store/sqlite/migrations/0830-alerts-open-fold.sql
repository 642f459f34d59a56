-- Integrity alerts fold only into a still-new alert of the same rule + PC, at any age: this finds it without
-- scanning every alert of that key (alerts_fold covers acknowledged ones too and is ordered by time).
CREATE INDEX alerts_open_fold ON alerts (fold_key, id) WHERE status = 'new';
