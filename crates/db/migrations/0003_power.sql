-- 权责清单 / 权力事项动态管理: items and their dated versions, adjustments with their review,
-- delegations to towns with their states. Portable SQL only, as 0001.

CREATE TABLE power_items (
    id TEXT PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

-- Every change makes a new version: valid from its date up to the next version's (valid_to, exclusive;
-- NULL while it is the latest). active = 0 from a 取消. '0001-01-01' is "from the start of time".
CREATE TABLE power_item_versions (
    id TEXT PRIMARY KEY,
    item_id TEXT NOT NULL REFERENCES power_items (id),
    valid_from TEXT NOT NULL,
    valid_to TEXT,
    active BIGINT NOT NULL,
    name TEXT NOT NULL,
    sub_name TEXT NOT NULL,
    item_type TEXT NOT NULL,
    org_id TEXT NOT NULL REFERENCES orgs (id),
    handling_unit TEXT NOT NULL,
    legal_basis TEXT NOT NULL,
    level TEXT NOT NULL,
    responsibilities TEXT NOT NULL,
    accountability TEXT NOT NULL,
    note TEXT NOT NULL,
    change TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX power_item_versions_item ON power_item_versions (item_id, valid_from);
CREATE INDEX power_item_versions_span ON power_item_versions (valid_from, valid_to);
CREATE INDEX power_item_versions_org ON power_item_versions (org_id);

-- 动态调整: proposed by a department, reviewed and approved by the legal-affairs office, in force
-- from effective_on. proposal holds the proposed fields of a 新增 or 变更 (JSON text).
CREATE TABLE power_adjustments (
    id TEXT PRIMARY KEY,
    item_id TEXT REFERENCES power_items (id),
    item_code TEXT NOT NULL,
    kind TEXT NOT NULL,
    effective_on TEXT NOT NULL,
    org_id TEXT NOT NULL REFERENCES orgs (id),
    reason TEXT NOT NULL,
    basis TEXT NOT NULL,
    proposal TEXT NOT NULL,
    state TEXT NOT NULL,
    source TEXT NOT NULL,
    proposed_by TEXT NOT NULL,
    proposed_at TEXT NOT NULL,
    reviewed_by TEXT,
    reviewed_at TEXT,
    review_note TEXT,
    decided_by TEXT,
    decided_at TEXT,
    decision_note TEXT
);
CREATE INDEX power_adjustments_effective ON power_adjustments (effective_on);
CREATE INDEX power_adjustments_org ON power_adjustments (org_id, state);
CREATE INDEX power_adjustments_item ON power_adjustments (item_id);

-- 赋权: an item delegated to one town or street (town_id) or to all of them (town_id NULL).
CREATE TABLE power_delegations (
    id TEXT PRIMARY KEY,
    item_id TEXT NOT NULL REFERENCES power_items (id),
    town_id TEXT REFERENCES orgs (id),
    category TEXT NOT NULL,
    batch_doc TEXT NOT NULL,
    state TEXT NOT NULL,
    state_on TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX power_delegations_item ON power_delegations (item_id);
CREATE INDEX power_delegations_town ON power_delegations (town_id);

-- Every state a delegation passed through, with its date: 拟下放待核准 → 已核准 → 已下放 (or 已撤回).
CREATE TABLE power_delegation_states (
    delegation_id TEXT NOT NULL REFERENCES power_delegations (id),
    seq BIGINT NOT NULL,
    state TEXT NOT NULL,
    state_on TEXT NOT NULL,
    batch_doc TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    PRIMARY KEY (delegation_id, seq)
);
CREATE INDEX power_delegation_states_on ON power_delegation_states (state, state_on);
