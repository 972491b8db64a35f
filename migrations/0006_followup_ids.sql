-- refprog schema: follow-ups by id (issue 14). A touch logged with `followups done ID`
-- names the follow-up it closes, so it closes that one and no other; a snooze moves a
-- follow-up's due day.
ALTER TABLE activities ADD COLUMN closes TEXT;

CREATE TABLE followup_snoozes (
    followup_id TEXT PRIMARY KEY,
    until       TEXT NOT NULL,
    set_on      TEXT NOT NULL
);
