-- The platform's own records. Portable SQL only (DESIGN §3): the same file runs on SQLite and
-- PostgreSQL. Text ids; instants as RFC 3339 UTC text of fixed width (text order = time order);
-- dates as ISO text; BIGINT for every integer and 0/1 BIGINT for flags (no BOOLEAN, which the
-- runtime-generic driver cannot read back from SQLite); no backend-only functions.

-- The audit chain's head: the last sequence number and hash. Every write transaction updates
-- this row first, which serialises writers on both backends (see ARCHITECTURE.md).
CREATE TABLE audit_head (
    id BIGINT PRIMARY KEY,
    seq BIGINT NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

-- Append-only. hash = SM3(previous hash ‖ canonical bytes of this event).
CREATE TABLE audit_events (
    seq BIGINT PRIMARY KEY,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    actor_org_id TEXT,
    org_id TEXT,
    record_type TEXT NOT NULL,
    record_id TEXT NOT NULL,
    action TEXT NOT NULL,
    source TEXT NOT NULL,
    changes TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX audit_events_actor ON audit_events (actor, seq);
CREATE INDEX audit_events_record ON audit_events (record_type, record_id, seq);
CREATE INDEX audit_events_at ON audit_events (at);
CREATE INDEX audit_events_org ON audit_events (org_id, seq);

-- 机构. path = '/<root id>/…/<own id>/': an organisation's subtree is path LIKE its path || '%'.
CREATE TABLE orgs (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    parent_id TEXT REFERENCES orgs (id),
    parent_key TEXT NOT NULL,
    path TEXT NOT NULL,
    depth BIGINT NOT NULL,
    division_code TEXT,
    uscc TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
-- Sibling names are unique (parent_key is the parent's id, '' at the top).
CREATE UNIQUE INDEX orgs_sibling_name ON orgs (parent_key, name);
CREATE INDEX orgs_name ON orgs (name);
CREATE INDEX orgs_path ON orgs (path);

-- 用户. One role per account (三员分立). phone_sealed is SM4-GCM (kernel::crypto).
CREATE TABLE users (
    id TEXT PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    org_id TEXT NOT NULL REFERENCES orgs (id),
    role TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    phone_sealed TEXT,
    must_change_password BIGINT NOT NULL,
    disabled BIGINT NOT NULL,
    password_changed_at TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX users_org ON users (org_id);

-- Failed logins by user name, kept for names without an account too, so that lockout does not
-- reveal whether an account exists.
CREATE TABLE login_throttle (
    username TEXT PRIMARY KEY,
    failures BIGINT NOT NULL,
    locked_until TEXT,
    last_failure_at TEXT NOT NULL
);

-- Sessions live in the database so that several servers can share them. The cookie holds a
-- random token; only its SM3 hash is stored.
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id),
    csrf_token TEXT NOT NULL,
    created_at TEXT NOT NULL,
    last_seen_at TEXT NOT NULL,
    source TEXT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

-- Settings that differ from their defaults (kernel::settings).
CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL
);

-- Holiday notices loaded after release (`fazhi calendar load`), in fazhi's TOML format.
CREATE TABLE calendar_notices (
    year BIGINT PRIMARY KEY,
    notice TEXT NOT NULL,
    loaded_at TEXT NOT NULL,
    loaded_by TEXT NOT NULL
);
