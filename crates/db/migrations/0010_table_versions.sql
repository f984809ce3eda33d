-- The version of each table's contents (issue 15). The writer bumps a table's row in the same
-- commit as any write to that table, so a value kept in memory beside the versions it was read
-- under is current exactly while those versions are unchanged, on every server sharing the
-- database. A table never written has no row (version 0).
CREATE TABLE table_versions (
    name TEXT PRIMARY KEY,
    version BIGINT NOT NULL
);
