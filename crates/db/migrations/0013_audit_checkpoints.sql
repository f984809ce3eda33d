-- Checkpoints of the audit chain (issue 16): the chain's head at an instant, with a keyed
-- HMAC-SM3 code whose key is kept outside the database (derived from the data directory's key).
-- Someone who rewrites events and recomputes every following hash cannot make the checkpoints
-- after the rewrite agree without the key; each names the one before it, so a checkpoint taken
-- out of the middle is missed. A checkpoint kept outside the system (printed, filed with the
-- annual report) also catches the last events being removed.
CREATE TABLE audit_checkpoints (
    seq BIGINT PRIMARY KEY,
    hash TEXT NOT NULL,
    previous_seq BIGINT NOT NULL,
    at TEXT NOT NULL,
    mac TEXT NOT NULL
);
