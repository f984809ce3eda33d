-- The parties of a dispute as records (人民调解法第二十九条: the agreement states the parties'
-- basic facts): name, sex, address; the ID number and the phone sealed with SM4 and kept beside
-- their masked forms, which alone leave the service.
CREATE TABLE mediation_parties (
    id TEXT PRIMARY KEY,
    dispute_id TEXT NOT NULL REFERENCES mediation_disputes (id),
    seq BIGINT NOT NULL,
    name TEXT NOT NULL,
    sex TEXT NOT NULL,
    id_sealed TEXT,
    id_masked TEXT NOT NULL,
    address TEXT NOT NULL,
    phone_sealed TEXT,
    phone_masked TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX mediation_parties_dispute ON mediation_parties (dispute_id, seq);
