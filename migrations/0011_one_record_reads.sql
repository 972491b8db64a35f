-- refprog schema (the tenth migration; no 0005): what the commands about one request or one
-- account read, so that they cost what that record needs at a million accounts (issue 16).
--
-- `match` ranks the accounts of the request's industries and size before reading their
-- contacts: the columns its criteria read from an account sit in the index beside the
-- industry and size, so the ten thousand accounts of a request at a million accounts are
-- read from a few hundred index pages instead of one table page each (match 120 -> 20 ms).
-- The index is keyed as before.
DROP INDEX accounts_by_industry;
CREATE INDEX accounts_by_industry
    ON accounts (industry, employees, use_case, secondary_use_cases, health, nps, country, region,
                 account_id);

-- `score --explain` fits one account to the open pipeline closing within the horizon: the
-- shares need the count and amount of every deal of that window (300k at a million
-- accounts), read one by one in 140 ms. The pipeline is kept summed here instead, per
-- closing day and value of each attribute ICP fit compares (every open deal once per
-- attribute; the values as stored, and the size as its band), so the window is a few
-- thousand rows. refprog refreshes the sums in the transaction that changes an open deal
-- (store::scoring::refresh_pipeline); a change made outside refprog marks them stale (the
-- triggers below) and `score --explain` then reads the deals as before.
CREATE TABLE pipeline_tallies (
    id           INTEGER PRIMARY KEY,
    close_date   TEXT NOT NULL,
    attribute    TEXT NOT NULL CHECK (attribute IN ('industry', 'band', 'place', 'use_case')),
    value        TEXT,
    region       TEXT,
    deals        INTEGER NOT NULL,
    amount_cents INTEGER NOT NULL
);
CREATE INDEX pipeline_tallies_by_close
    ON pipeline_tallies (close_date, attribute, value, region, deals, amount_cents);
-- One row: whether pipeline_tallies sums the open deals as they are.
CREATE TABLE pipeline_state (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    current INTEGER NOT NULL CHECK (current IN (0, 1))
);
INSERT INTO pipeline_state (id, current) VALUES (1, 0);
CREATE TRIGGER pipeline_stale_on_insert AFTER INSERT ON opportunities
    WHEN NEW.status = 'open'
    BEGIN UPDATE pipeline_state SET current = 0 WHERE current = 1; END;
CREATE TRIGGER pipeline_stale_on_update
    AFTER UPDATE OF status, close_date, industry, employees, country, region, use_case, amount_cents
    ON opportunities
    WHEN OLD.status = 'open' OR NEW.status = 'open'
    BEGIN UPDATE pipeline_state SET current = 0 WHERE current = 1; END;
CREATE TRIGGER pipeline_stale_on_delete AFTER DELETE ON opportunities
    WHEN OLD.status = 'open'
    BEGIN UPDATE pipeline_state SET current = 0 WHERE current = 1; END;
