-- 行政执法, the workflow: every step of a penalty case as a recorded event with its officers
-- (全过程记录, 2021 行政处罚法第四十七条), officers' training, and the take-down of a published
-- decision that was set aside (第四十八条).

CREATE TABLE enforcement_case_steps (
    id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES enforcement_cases (id),
    seq BIGINT NOT NULL,
    kind TEXT NOT NULL,
    on_date TEXT NOT NULL,
    -- The officers who took the step: certificate numbers, separated by 、.
    officers TEXT NOT NULL,
    -- What the step records besides its date and officers (JSON: the text, the hearing's date,
    -- the review's opinion, the decision, the payment).
    detail TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (case_id, seq)
);

-- A published decision taken off the portal (set aside, declared unlawful or void).
ALTER TABLE enforcement_cases ADD COLUMN taken_down_on TEXT;
-- The inspection whose 立案查处 opened the case.
ALTER TABLE enforcement_cases ADD COLUMN inspection_id TEXT;

CREATE TABLE enforcement_trainings (
    id TEXT PRIMARY KEY,
    officer_id TEXT NOT NULL REFERENCES enforcement_officers (id),
    on_date TEXT NOT NULL,
    -- Hours in tenths (2.5 hours = 25).
    tenths BIGINT NOT NULL,
    subject TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX enforcement_trainings_officer ON enforcement_trainings (officer_id, on_date);

-- A body's own 法制审核目录 (国办发〔2018〕118号 (十二)): the penalty types whose decisions need a
-- legal review beside those of the setting `enforcement.review_penalty_types`.
CREATE TABLE enforcement_body_review_types (
    body_id TEXT NOT NULL REFERENCES enforcement_bodies (id),
    penalty_type TEXT NOT NULL,
    PRIMARY KEY (body_id, penalty_type)
);

-- The year's figures read indexes only (fazhi-bench stats): the decided index covers every column
-- the figures count or sum, and each penalty row carries its case's 决定日期 and organisation so
-- that counting by type is a range of its own index, with no join.
DROP INDEX enforcement_cases_decided;
CREATE INDEX enforcement_cases_decided ON enforcement_cases (decided_on, procedure, decision, hearing,
    collective, legal_review, published_on, amount_fen, regime, opened_on, body_id);
ALTER TABLE enforcement_case_penalties ADD COLUMN decided_on TEXT;
ALTER TABLE enforcement_case_penalties ADD COLUMN org_id TEXT;
UPDATE enforcement_case_penalties SET
    decided_on = (SELECT c.decided_on FROM enforcement_cases c WHERE c.id = enforcement_case_penalties.case_id),
    org_id = (SELECT c.org_id FROM enforcement_cases c WHERE c.id = enforcement_case_penalties.case_id);
CREATE INDEX enforcement_case_penalties_decided ON enforcement_case_penalties (penalty_type, decided_on, org_id);
