-- 行政复议: cases under the 2017 or the 2023 law, their steps, and the documents generated from
-- them. Portable SQL only, as 0001. Dates the law counts are ISO text (YYYY-MM-DD).

CREATE TABLE reconsideration_cases (
    id TEXT PRIMARY KEY,
    number TEXT NOT NULL UNIQUE,
    regime TEXT NOT NULL,
    channel TEXT NOT NULL,
    applicant TEXT NOT NULL,
    -- The applicant's ID number sealed with SM4 (kernel::crypto::SealKey), and its masked form.
    applicant_id_sealed TEXT,
    applicant_id_masked TEXT,
    third_party TEXT NOT NULL,
    respondent TEXT NOT NULL,
    respondent_org_id TEXT REFERENCES orgs (id),
    office_org_id TEXT NOT NULL REFERENCES orgs (id),
    act_category TEXT NOT NULL,
    act_description TEXT NOT NULL,
    request TEXT NOT NULL,
    received_on TEXT NOT NULL,
    stage TEXT NOT NULL,
    acceptance TEXT,
    accepted_on TEXT,
    deemed_accepted BIGINT NOT NULL,
    not_accepted_reason TEXT NOT NULL,
    procedure TEXT NOT NULL,
    simplified_ground TEXT,
    -- The decision deadline with suspensions and an extension, kept for overdue counts and due lists.
    decision_due TEXT,
    concluded_on TEXT,
    method TEXT,
    withdrawal_reason TEXT,
    decision_type TEXT,
    opinion_letter BIGINT NOT NULL,
    recommendation_letter BIGINT NOT NULL,
    field_investigation BIGINT NOT NULL,
    published BIGINT NOT NULL,
    decision_summary TEXT NOT NULL,
    note TEXT NOT NULL,
    source TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX reconsideration_cases_received ON reconsideration_cases (received_on);
CREATE INDEX reconsideration_cases_concluded ON reconsideration_cases (concluded_on);
CREATE INDEX reconsideration_cases_stage_due ON reconsideration_cases (stage, decision_due);
CREATE INDEX reconsideration_cases_respondent ON reconsideration_cases (respondent_org_id);
CREATE INDEX reconsideration_cases_office ON reconsideration_cases (office_org_id);

-- Every step of a case, in order: 补正, 受理, 答复, 调查, 听证, 中止, 延期, 结案, 意见书 …
-- detail holds the step's own fields as JSON text (staff, the hearing's date, days, approver).
CREATE TABLE reconsideration_steps (
    id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES reconsideration_cases (id),
    seq BIGINT NOT NULL,
    kind TEXT NOT NULL,
    on_date TEXT NOT NULL,
    detail TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    UNIQUE (case_id, seq)
);

-- Documents generated from a case (.docx), kept with it; content is hex text so both backends
-- store it the same way, sm3 identifies it.
CREATE TABLE reconsideration_documents (
    id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES reconsideration_cases (id),
    kind TEXT NOT NULL,
    file_name TEXT NOT NULL,
    sm3 TEXT NOT NULL,
    content TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX reconsideration_documents_case ON reconsideration_documents (case_id);
