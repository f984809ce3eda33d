-- 附件: scans, evidence, photos and agreements attached to a record (a reconsideration case, a
-- dispute, a power adjustment). The file itself is in the object store under its SM3; the row
-- keeps that hash, so a file changed in the store is found out when it is read.
CREATE TABLE attachments (
    id TEXT PRIMARY KEY,
    record_type TEXT NOT NULL,
    record_id TEXT NOT NULL,
    org_id TEXT,
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size BIGINT NOT NULL,
    sm3 TEXT NOT NULL,
    uploaded_by TEXT NOT NULL,
    uploaded_at TEXT NOT NULL,
    removed_by TEXT,
    removed_at TEXT
);
CREATE INDEX attachments_record ON attachments (record_type, record_id, uploaded_at);
CREATE INDEX attachments_sm3 ON attachments (sm3);
