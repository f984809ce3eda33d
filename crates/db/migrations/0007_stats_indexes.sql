-- The year figures over a province (issue 8): the items in force at year end are counted by type
-- and 实施主体 from this index alone, in its order, without reading the versions' rows (a
-- province holds half a million versions with their names and legal bases).

CREATE INDEX power_item_versions_stats ON power_item_versions (item_type, org_id, valid_from, valid_to, active, item_id);

-- The records whose legal basis resolved to a law of the law base, without reading the citations'
-- rows (the year figures' 设定依据未能对应 count and its records).
CREATE INDEX citations_resolved ON citations (module, record_type, record_id) WHERE law_id IS NOT NULL;
