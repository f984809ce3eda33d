-- The case list's order (issue 15): the newest received first, by number within a day. SQLite walks
-- this index backwards and stops after the page; the index on received_on alone is a prefix of it.
DROP INDEX reconsideration_cases_received;
CREATE INDEX reconsideration_cases_list ON reconsideration_cases (received_on, number);
