-- refprog schema, version 2: the activities done over a limit (with an override reason),
-- by date. Few rows, so the utilization report's override flag reads a small index instead
-- of looking up every activity of the window in the table.
CREATE INDEX activities_overridden ON activities (date, contact_id) WHERE override_reason IS NOT NULL;
