-- 人民调解: mediation organisations, the mediator roster, disputes. Portable SQL only, as 0001.

CREATE TABLE mediation_organizations (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    -- The town or street it belongs to (所属镇街).
    town_id TEXT NOT NULL REFERENCES orgs (id),
    standardized BIGINT NOT NULL,
    founded_on TEXT NOT NULL,
    members BIGINT NOT NULL,
    term_started_on TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX mediation_organizations_town ON mediation_organizations (town_id);

-- The roster. phone_sealed is SM4 (kernel::crypto::SealKey); phone_masked is what pages show.
CREATE TABLE mediators (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    sex TEXT NOT NULL,
    organization_id TEXT NOT NULL REFERENCES mediation_organizations (id),
    employment TEXT NOT NULL,
    phone_sealed TEXT,
    phone_masked TEXT NOT NULL,
    published_on TEXT,
    notified_on TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (organization_id, name)
);

CREATE TABLE mediation_disputes (
    id TEXT PRIMARY KEY,
    number TEXT NOT NULL UNIQUE,
    received_on TEXT NOT NULL,
    dispute_type TEXT NOT NULL,
    source TEXT NOT NULL,
    organization_id TEXT NOT NULL REFERENCES mediation_organizations (id),
    -- The organisation's town, kept on the dispute so scope and figures need no join.
    town_id TEXT NOT NULL REFERENCES orgs (id),
    mediator_id TEXT REFERENCES mediators (id),
    outcome TEXT NOT NULL,
    concluded_on TEXT,
    agreement TEXT,
    judicial_confirmation BIGINT NOT NULL,
    parties TEXT NOT NULL,
    summary TEXT NOT NULL,
    source_kind TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
-- The year's figures read these indexes alone, grouped in their own order (no sort, no table):
-- by type and source, by the two dates (overdue), by outcome and agreement.
CREATE INDEX mediation_disputes_received ON mediation_disputes (received_on, dispute_type, source);
CREATE INDEX mediation_disputes_span ON mediation_disputes (received_on, concluded_on);
CREATE INDEX mediation_disputes_concluded ON mediation_disputes (concluded_on, outcome, agreement, judicial_confirmation);
CREATE INDEX mediation_disputes_town ON mediation_disputes (town_id, received_on);

-- Sessions of a mediation and return visits after it (调解记录, 回访; 人民调解法 第二十七条).
CREATE TABLE mediation_dispute_notes (
    id TEXT PRIMARY KEY,
    dispute_id TEXT NOT NULL REFERENCES mediation_disputes (id),
    kind TEXT NOT NULL,
    on_date TEXT NOT NULL,
    note TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL
);
CREATE INDEX mediation_dispute_notes_dispute ON mediation_dispute_notes (dispute_id, on_date);

-- Each publication of the roster and each notification of it to the court (人民调解法 第十条).
CREATE TABLE mediation_roster_notices (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    on_date TEXT NOT NULL,
    mediators BIGINT NOT NULL,
    note TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL
);
