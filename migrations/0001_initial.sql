-- refprog schema, version 1: every noun of DOMAIN.md.
-- CRM ids are the keys users see (account_id, contact_id, ...); each table also has a
-- rowid alias `id` that the import uses to tell rows of this run from older ones.
-- Dates are ISO text (YYYY-MM-DD), time stamps ISO text (YYYY-MM-DDTHH:MM:SS),
-- money is integer cents, percentages are REAL 0-100, booleans 0/1, lists are
-- ';'-joined text.

CREATE TABLE accounts (
    id                  INTEGER PRIMARY KEY,
    account_id          TEXT NOT NULL UNIQUE,
    name                TEXT NOT NULL,
    industry            TEXT,
    sub_vertical        TEXT,
    employees           INTEGER CHECK (employees >= 0),
    annual_revenue_cents INTEGER CHECK (annual_revenue_cents >= 0),
    country             TEXT,
    region              TEXT,
    customer_since      TEXT,
    status              TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'churned')),
    csm_owner           TEXT,
    health              INTEGER CHECK (health BETWEEN 0 AND 100),
    nps                 INTEGER CHECK (nps BETWEEN 0 AND 10),
    adoption            REAL CHECK (adoption BETWEEN 0 AND 100),
    advanced_adoption   REAL CHECK (advanced_adoption BETWEEN 0 AND 100),
    use_case            TEXT,
    secondary_use_cases TEXT,
    products            TEXT,
    integrations        TEXT,
    renewal_date        TEXT,
    milestone           TEXT CHECK (milestone IN ('implementation', 'qbr', 'expansion', 'renewal')),
    milestone_date      TEXT,
    escalation          INTEGER CHECK (escalation IN (0, 1)),
    signals             TEXT
);
CREATE INDEX accounts_by_industry ON accounts (industry);

CREATE TABLE contacts (
    id             INTEGER PRIMARY KEY,
    contact_id     TEXT NOT NULL UNIQUE,
    account_id     TEXT NOT NULL REFERENCES accounts (account_id) ON UPDATE CASCADE,
    name           TEXT NOT NULL,
    title          TEXT,
    role_level     TEXT NOT NULL DEFAULT 'individual'
                   CHECK (role_level IN ('c-level', 'vp', 'director', 'manager', 'individual')),
    persona        TEXT,
    email          TEXT,
    -- program membership: tier NULL means not enrolled
    tier           TEXT CHECK (tier IN ('strategic', 'standard', 'new', 'logo')),
    willing        TEXT,
    topics         TEXT,
    avoid_topics   TEXT,
    enrolled_on    TEXT,
    recommitted_on TEXT,
    break_until    TEXT,
    opted_out_on   TEXT
);
CREATE INDEX contacts_by_account ON contacts (account_id);
CREATE INDEX contacts_by_tier ON contacts (tier);
-- The enrolled contacts of an account, with what matching reads, next to each other: match
-- reads them from the index instead of one table page per contact.
CREATE INDEX contacts_enrolled ON contacts
    (account_id, tier, contact_id, name, title, role_level, willing, break_until, opted_out_on)
    WHERE tier IS NOT NULL;

-- Every membership change (enroll, tier, break, resume, opt-out, recommit), kept, never overwritten.
CREATE TABLE membership_events (
    id         INTEGER PRIMARY KEY,
    contact_id TEXT NOT NULL REFERENCES contacts (contact_id) ON UPDATE CASCADE,
    at         TEXT NOT NULL,
    event      TEXT NOT NULL,
    old_value  TEXT,
    new_value  TEXT,
    note       TEXT
);
CREATE INDEX membership_events_by_contact ON membership_events (contact_id, at);

CREATE TABLE opportunities (
    id             INTEGER PRIMARY KEY,
    opportunity_id TEXT NOT NULL UNIQUE,
    name           TEXT,
    prospect       TEXT,
    -- the CRM account of the deal: usually the prospect, so not required to be a customer here
    account_id     TEXT,
    industry       TEXT,
    employees      INTEGER CHECK (employees >= 0),
    country        TEXT,
    region         TEXT,
    use_case       TEXT,
    amount_cents   INTEGER CHECK (amount_cents >= 0),
    stage          TEXT,
    created_on     TEXT,
    close_date     TEXT,
    status         TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'won', 'lost')),
    rep            TEXT
);
CREATE INDEX opportunities_by_status_close ON opportunities (status, close_date);

CREATE TABLE requests (
    id               INTEGER PRIMARY KEY,
    request_id       TEXT NOT NULL UNIQUE,
    -- the CRM deal, joined when it has been imported; a request may come before its deal
    opportunity_id   TEXT,
    prospect         TEXT NOT NULL,
    industry         TEXT,
    employees        INTEGER CHECK (employees >= 0),
    country          TEXT,
    region           TEXT,
    deal_size_cents  INTEGER CHECK (deal_size_cents >= 0),
    stage            TEXT,
    close_date       TEXT,
    rep              TEXT,
    role_level       TEXT CHECK (role_level IN ('c-level', 'vp', 'director', 'manager', 'individual')),
    use_case         TEXT,
    kind             TEXT NOT NULL DEFAULT 'call',
    questions        TEXT,
    needed_by        TEXT,
    justification    TEXT,
    submitted_on     TEXT,
    status           TEXT NOT NULL DEFAULT 'submitted'
                     CHECK (status IN ('submitted', 'qualified', 'declined', 'matched', 'asked',
                                       'accepted', 'passed', 'scheduled', 'completed', 'cancelled')),
    decline_reason   TEXT
);
CREATE INDEX requests_by_status ON requests (status);
CREATE INDEX requests_by_opportunity ON requests (opportunity_id);

-- The time-stamped lifecycle of each request.
CREATE TABLE request_events (
    id         INTEGER PRIMARY KEY,
    request_id TEXT NOT NULL REFERENCES requests (request_id) ON UPDATE CASCADE,
    at         TEXT NOT NULL,
    status     TEXT NOT NULL,
    contact_id TEXT,
    note       TEXT
);
CREATE INDEX request_events_by_request ON request_events (request_id, at);

-- One request put to one reference, and the answer.
CREATE TABLE asks (
    id           INTEGER PRIMARY KEY,
    request_id   TEXT NOT NULL REFERENCES requests (request_id) ON UPDATE CASCADE,
    contact_id   TEXT NOT NULL REFERENCES contacts (contact_id) ON UPDATE CASCADE,
    asked_on     TEXT NOT NULL,
    answer       TEXT CHECK (answer IN ('yes', 'pass')),
    answered_on  TEXT,
    scheduled_on TEXT,
    UNIQUE (request_id, contact_id)
);
CREATE INDEX asks_by_contact ON asks (contact_id, asked_on);
-- Covering: windowed load counts read the index only.
CREATE INDEX asks_by_date ON asks (asked_on, contact_id, request_id);

CREATE TABLE activities (
    id               INTEGER PRIMARY KEY,
    activity_id      TEXT NOT NULL UNIQUE,
    contact_id       TEXT NOT NULL REFERENCES contacts (contact_id) ON UPDATE CASCADE,
    request_id       TEXT REFERENCES requests (request_id) ON UPDATE CASCADE,
    kind             TEXT NOT NULL,
    date             TEXT NOT NULL,
    minutes          INTEGER CHECK (minutes >= 0),
    reference_rating INTEGER CHECK (reference_rating BETWEEN 0 AND 10),
    prospect_rating  INTEGER CHECK (prospect_rating BETWEEN 0 AND 10),
    notes            TEXT,
    override_reason  TEXT
);
CREATE INDEX activities_by_contact ON activities (contact_id, date);
CREATE INDEX activities_by_request ON activities (request_id);
-- Covering: windowed load counts and reports read the index only.
CREATE INDEX activities_by_date ON activities (date, contact_id, kind, request_id);

-- Values the program manager changed; the defaults live in src/domain/policy.rs.
CREATE TABLE policy (
    key    TEXT PRIMARY KEY,
    value  TEXT NOT NULL,
    set_on TEXT NOT NULL
);
