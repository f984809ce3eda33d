-- The disputes still open (人民调解, issue 6), for the dashboard's 超期未结 count and the open-dispute
-- lists: only the open ones are indexed, so the count reads a few hundred entries, not every
-- dispute of the district or province.

CREATE INDEX mediation_disputes_open ON mediation_disputes (town_id, received_on) WHERE outcome = 'ongoing';
