-- refprog schema: the history of changes made by hand, and a log of imports (issue 14).
-- A command run by hand (log-call, activity edit|delete, request add|edit|approve|...,
-- match --ask, roster ..., followups done|snooze, policy set) is one row of `changes`;
-- every row it inserted, updated or deleted is one row of `history`, with the row as it
-- was before and after, as JSON objects of its columns. `refprog undo` puts the rows of
-- the newest change not yet undone back as they were and stamps `undone_at`. Imports are
-- not recorded row by row: each is one row of `imports` (what `refprog status` shows).
CREATE TABLE changes (
    id        INTEGER PRIMARY KEY,
    command   TEXT NOT NULL,
    line      TEXT NOT NULL,
    at        TEXT NOT NULL,
    undone_at TEXT
);

CREATE TABLE history (
    id         INTEGER PRIMARY KEY,
    change_id  INTEGER NOT NULL REFERENCES changes (id) ON DELETE CASCADE,
    table_name TEXT NOT NULL,
    row_id     INTEGER NOT NULL,
    before     TEXT,
    after      TEXT
);
CREATE INDEX history_by_change ON history (change_id);

CREATE TABLE imports (
    id       INTEGER PRIMARY KEY,
    kind     TEXT NOT NULL,
    at       TEXT NOT NULL,
    file     TEXT NOT NULL,
    rows     INTEGER NOT NULL,
    inserted INTEGER NOT NULL,
    updated  INTEGER NOT NULL
);
CREATE INDEX imports_by_kind ON imports (kind, id);
