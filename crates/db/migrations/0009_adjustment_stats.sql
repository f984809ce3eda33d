-- The year figures' approved adjustments (权责清单, issue 4) grouped by 调整类型 and department from
-- the index alone: a province's year is tens of thousands of adjustments, each of which was read
-- from the table by its effective date.

CREATE INDEX power_adjustments_stats ON power_adjustments (state, effective_on, kind, org_id);
