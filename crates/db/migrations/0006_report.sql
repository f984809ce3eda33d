-- 法治政府建设年度报告 (crate report): the staff's text of each section, and the reports as published.

CREATE TABLE report_sections (
    org_id TEXT NOT NULL REFERENCES orgs (id),
    year BIGINT NOT NULL,
    section TEXT NOT NULL,
    body TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (org_id, year, section)
);

CREATE TABLE reports (
    org_id TEXT NOT NULL REFERENCES orgs (id),
    year BIGINT NOT NULL,
    published_on TEXT NOT NULL,
    published_by TEXT NOT NULL,
    published_at TEXT NOT NULL,
    -- The report as published (report::AnnualReport as JSON): later records do not change it.
    content TEXT NOT NULL,
    -- Its .docx, hex.
    docx TEXT NOT NULL,
    PRIMARY KEY (org_id, year)
);
