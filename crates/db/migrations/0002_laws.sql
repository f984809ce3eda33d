-- 法规库: laws, their versions and articles, and the citations other modules make of them.
-- Portable SQL only, as 0001.

-- A law across its versions. short_title is the corpus name (行政复议法, 重庆市物业管理条例).
CREATE TABLE laws (
    id TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    short_title TEXT NOT NULL,
    level TEXT NOT NULL,
    issuer TEXT,
    category TEXT,
    status TEXT NOT NULL,
    repealed_on TEXT,
    successor TEXT,
    note TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX laws_short_title ON laws (short_title);
CREATE INDEX laws_title ON laws (title);

-- One version: the text adopted or amended on version_date, in force from effective_on.
-- content_hash makes a second import of the same text a no-op.
CREATE TABLE law_versions (
    id TEXT PRIMARY KEY,
    law_id TEXT NOT NULL REFERENCES laws (id),
    version_date TEXT NOT NULL,
    effective_on TEXT NOT NULL,
    title TEXT NOT NULL,
    history TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    article_count BIGINT NOT NULL,
    source TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX law_versions_date ON law_versions (law_id, version_date);

-- 条. number 0 is the preamble (序言) or the whole text of a document without articles (正文).
CREATE TABLE law_articles (
    version_id TEXT NOT NULL REFERENCES law_versions (id),
    ordinal BIGINT NOT NULL,
    number BIGINT NOT NULL,
    suffix BIGINT NOT NULL,
    label TEXT NOT NULL,
    chapter TEXT NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (version_id, ordinal)
);
CREATE INDEX law_articles_number ON law_articles (version_id, number, suffix);

-- Which record of which module cites which article, as of which version.
CREATE TABLE citations (
    id TEXT PRIMARY KEY,
    module TEXT NOT NULL,
    record_type TEXT NOT NULL,
    record_id TEXT NOT NULL,
    org_id TEXT,
    raw TEXT NOT NULL,
    law_id TEXT REFERENCES laws (id),
    version_id TEXT REFERENCES law_versions (id),
    article_number BIGINT,
    article_suffix BIGINT,
    paragraph BIGINT,
    item BIGINT,
    resolved BIGINT NOT NULL,
    reason TEXT,
    cited_on TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX citations_law ON citations (law_id, article_number);
CREATE INDEX citations_record ON citations (module, record_type, record_id);
