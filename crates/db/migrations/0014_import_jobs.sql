-- Imports that run longer than a request waits (issue 16): the job's state is here, not in one
-- server's memory, so the page that follows it can be answered by any server. A job belongs to
-- the account that started it; its result is the import's report (or refusal) as JSON.
CREATE TABLE import_jobs (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL,
    title TEXT NOT NULL,
    back TEXT NOT NULL,
    state TEXT NOT NULL,
    result TEXT,
    started_at TEXT NOT NULL,
    finished_at TEXT
);
CREATE INDEX import_jobs_user ON import_jobs (user_id, started_at);
