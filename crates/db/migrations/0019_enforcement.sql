-- 行政执法: enforcement bodies, their officers, penalty cases and inspections.

CREATE TABLE enforcement_bodies (
    id TEXT PRIMARY KEY,
    -- The organisation that is the body: one body per organisation.
    org_id TEXT NOT NULL UNIQUE REFERENCES orgs (id),
    kind TEXT NOT NULL,
    -- For a 受委托组织: the organisation (itself a body) that entrusts it.
    entrusted_by TEXT REFERENCES orgs (id),
    effective_on TEXT NOT NULL,
    ended_on TEXT,
    legal_basis TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE enforcement_officers (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    certificate TEXT NOT NULL UNIQUE,
    body_id TEXT NOT NULL REFERENCES enforcement_bodies (id),
    -- The body's organisation, kept on the officer so scope and figures need no join.
    org_id TEXT NOT NULL REFERENCES orgs (id),
    field TEXT NOT NULL,
    issued_on TEXT NOT NULL,
    valid_until TEXT NOT NULL,
    state TEXT NOT NULL,
    legal_reviewer BIGINT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX enforcement_officers_org ON enforcement_officers (org_id, state);

CREATE TABLE enforcement_cases (
    id TEXT PRIMARY KEY,
    number TEXT NOT NULL UNIQUE,
    body_id TEXT NOT NULL REFERENCES enforcement_bodies (id),
    org_id TEXT NOT NULL REFERENCES orgs (id),
    item_code TEXT NOT NULL,
    party_kind TEXT NOT NULL,
    party TEXT NOT NULL,
    opened_on TEXT NOT NULL,
    -- 2017 or 2021: the 行政处罚法 the case is handled under, by 立案日期.
    regime TEXT NOT NULL,
    procedure TEXT NOT NULL,
    -- The officers' certificate numbers, separated by 、.
    officers TEXT NOT NULL,
    hearing BIGINT NOT NULL,
    legal_review BIGINT NOT NULL,
    collective BIGINT NOT NULL,
    decided_on TEXT,
    decision TEXT,
    amount_fen BIGINT,
    published_on TEXT,
    closed_on TEXT,
    source_kind TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
-- The year's figures read these indexes: by each of the three dates.
CREATE INDEX enforcement_cases_opened ON enforcement_cases (opened_on, org_id);
CREATE INDEX enforcement_cases_decided ON enforcement_cases (decided_on, procedure, decision, regime);
CREATE INDEX enforcement_cases_closed ON enforcement_cases (closed_on);
CREATE INDEX enforcement_cases_org ON enforcement_cases (org_id, opened_on);

-- A decided case's penalty types (处罚种类), one row each: a case with two types counts in both.
CREATE TABLE enforcement_case_penalties (
    case_id TEXT NOT NULL REFERENCES enforcement_cases (id),
    penalty_type TEXT NOT NULL,
    PRIMARY KEY (case_id, penalty_type)
);
CREATE INDEX enforcement_case_penalties_type ON enforcement_case_penalties (penalty_type, case_id);

CREATE TABLE enforcement_inspections (
    id TEXT PRIMARY KEY,
    number TEXT NOT NULL UNIQUE,
    body_id TEXT NOT NULL REFERENCES enforcement_bodies (id),
    org_id TEXT NOT NULL REFERENCES orgs (id),
    item_code TEXT NOT NULL,
    object TEXT NOT NULL,
    inspected_on TEXT NOT NULL,
    method TEXT NOT NULL,
    officers TEXT NOT NULL,
    result TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX enforcement_inspections_date ON enforcement_inspections (inspected_on, method, result);
