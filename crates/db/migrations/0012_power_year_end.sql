-- 权责清单's year-end counts, kept (issue 15). Derived data: the items in force on 31 December of a
-- year by 事项类型 and 实施主体, with those whose legal basis names no law of the law base, as
-- the full count over the versions found them; `power_year_end_built` names the versions of the
-- tables that count read (power_item_versions, citations, orgs). A summary whose versions are
-- not the tables' current ones is counted again; `fazhi stats power --check-summary` recounts and
-- compares.
CREATE TABLE power_year_end (
    year BIGINT NOT NULL,
    item_type TEXT NOT NULL,
    org_id TEXT NOT NULL,
    items BIGINT NOT NULL,
    unresolved BIGINT NOT NULL,
    PRIMARY KEY (year, item_type, org_id)
);
-- The same counts summed by the 实施主体's name, for the figures of the whole database (a province's
-- 26,000 rows by organisation are some 400 by name).
CREATE TABLE power_year_end_names (
    year BIGINT NOT NULL,
    item_type TEXT NOT NULL,
    org_name TEXT NOT NULL,
    items BIGINT NOT NULL,
    unresolved BIGINT NOT NULL,
    PRIMARY KEY (year, item_type, org_name)
);
CREATE TABLE power_year_end_built (
    year BIGINT PRIMARY KEY,
    versions TEXT NOT NULL,
    built_at TEXT NOT NULL
);
