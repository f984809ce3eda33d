-- 人民调解协议书 (人民调解法第二十九条) states what the parties agreed: the agreement's content has
-- a field of its own (issue 17, item 15), not the dispute's summary.
ALTER TABLE mediation_disputes ADD COLUMN agreement_content TEXT NOT NULL DEFAULT '';
