//! The law base's SQL, for both backends.

use chrono::NaiveDate;
use db::Params;
use db::Tx;

use crate::model::{Article, ArticleNo, Law, LawId, LawLevel, LawStatus, Version, VersionId};

fn date(text: Option<String>) -> Option<NaiveDate> {
    text.and_then(|t| kernel::time::parse_iso_date(&t))
}

pub(crate) fn read_law(row: &db::Row) -> Result<Law, db::DbError> {
    Ok(Law {
        id: LawId::from_stored(row.try_get::<String, _>(0)?),
        title: row.try_get(1)?,
        short_title: row.try_get(2)?,
        level: LawLevel::from_code(&row.try_get::<String, _>(3)?)
            .unwrap_or(LawLevel::NormativeDocument),
        issuer: row.try_get(4)?,
        category: row.try_get(5)?,
        status: LawStatus::from_code(&row.try_get::<String, _>(6)?),
        repealed_on: date(row.try_get(7)?),
        successor: row.try_get(8)?,
        note: row.try_get(9)?,
    })
}

pub(crate) async fn all_laws(conn: &mut db::Conn) -> Result<Vec<Law>, db::DbError> {
    let sql = "SELECT id, title, short_title, level, issuer, category, status, repealed_on, successor, note FROM laws";
    db::query(sql)
        .fetch_all(conn)
        .await?
        .iter()
        .map(read_law)
        .collect()
}

pub(crate) async fn law(conn: &mut db::Conn, id: &LawId) -> Result<Option<Law>, db::DbError> {
    let sql = "SELECT id, title, short_title, level, issuer, category, status, repealed_on, successor, note FROM laws WHERE id = $1";
    db::query(sql)
        .bind(id.as_str())
        .fetch_optional(conn)
        .await?
        .as_ref()
        .map(read_law)
        .transpose()
}

pub(crate) async fn insert_law(tx: &mut Tx, law: &Law) -> Result<(), db::DbError> {
    let now = tx.now_text();
    db::query(
        "INSERT INTO laws (id, title, short_title, level, issuer, category, status, repealed_on, successor, note, \
         created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11)",
    )
    .bind(law.id.as_str())
    .bind(&law.title)
    .bind(&law.short_title)
    .bind(law.level.code())
    .bind(&law.issuer)
    .bind(&law.category)
    .bind(law.status.code())
    .bind(law.repealed_on.map(|d| d.to_string()))
    .bind(&law.successor)
    .bind(&law.note)
    .bind(&now)
    .execute(tx.conn())
    .await?;
    Ok(())
}

pub(crate) async fn update_law(tx: &mut Tx, law: &Law) -> Result<(), db::DbError> {
    let now = tx.now_text();
    db::query(
        "UPDATE laws SET title = $1, level = $2, issuer = $3, category = $4, status = $5, repealed_on = $6, \
         successor = $7, note = $8, updated_at = $9 WHERE id = $10",
    )
    .bind(&law.title)
    .bind(law.level.code())
    .bind(&law.issuer)
    .bind(&law.category)
    .bind(law.status.code())
    .bind(law.repealed_on.map(|d| d.to_string()))
    .bind(&law.successor)
    .bind(&law.note)
    .bind(&now)
    .bind(law.id.as_str())
    .execute(tx.conn())
    .await?;
    Ok(())
}

/// Versions of a law, oldest first, with `superseded_on` filled from the next version.
pub(crate) async fn versions(
    conn: &mut db::Conn,
    law: &LawId,
) -> Result<Vec<Version>, db::DbError> {
    let rows = db::query(
        "SELECT id, law_id, version_date, effective_on, title, history, article_count, source \
         FROM law_versions WHERE law_id = $1 ORDER BY version_date",
    )
    .bind(law.as_str())
    .fetch_all(conn)
    .await?;
    let mut out: Vec<Version> = Vec::new();
    for row in &rows {
        let history: String = row.try_get(5)?;
        out.push(Version {
            id: VersionId::from_stored(row.try_get::<String, _>(0)?),
            law_id: LawId::from_stored(row.try_get::<String, _>(1)?),
            version_date: date(row.try_get(2)?).unwrap_or_default(),
            effective_on: date(row.try_get(3)?).unwrap_or_default(),
            superseded_on: None,
            title: row.try_get(4)?,
            history: history
                .lines()
                .map(str::to_string)
                .filter(|l| !l.is_empty())
                .collect(),
            article_count: row.try_get(6)?,
            source: row.try_get(7)?,
        });
    }
    let next: Vec<Option<NaiveDate>> = (0..out.len())
        .map(|i| out.get(i + 1).map(|n| n.effective_on))
        .collect();
    for (v, n) in out.iter_mut().zip(next) {
        v.superseded_on = n;
    }
    Ok(out)
}

/// (version date, id, content hash) of every version, for the import's idempotence.
pub(crate) async fn version_keys(
    conn: &mut db::Conn,
) -> Result<Vec<(String, NaiveDate, VersionId, String)>, db::DbError> {
    let rows = db::query("SELECT law_id, version_date, id, content_hash FROM law_versions")
        .fetch_all(conn)
        .await?;
    rows.iter()
        .map(|r| {
            Ok((
                r.try_get::<String, _>(0)?,
                date(r.try_get(1)?).unwrap_or_default(),
                VersionId::from_stored(r.try_get::<String, _>(2)?),
                r.try_get::<String, _>(3)?,
            ))
        })
        .collect()
}

/// The fields of a version row to write.
pub(crate) struct NewVersion {
    pub id: VersionId,
    pub law_id: LawId,
    pub version_date: NaiveDate,
    pub effective_on: NaiveDate,
    pub title: String,
    pub history: Vec<String>,
    pub content_hash: String,
    pub source: String,
    pub articles: Vec<Article>,
}

pub(crate) async fn insert_version(tx: &mut Tx, v: &NewVersion) -> Result<(), db::DbError> {
    let now = tx.now_text();
    db::query(
        "INSERT INTO law_versions (id, law_id, version_date, effective_on, title, history, content_hash, article_count, \
         source, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10)",
    )
    .bind(v.id.as_str())
    .bind(v.law_id.as_str())
    .bind(v.version_date.to_string())
    .bind(v.effective_on.to_string())
    .bind(&v.title)
    .bind(v.history.join("\n"))
    .bind(&v.content_hash)
    .bind(v.articles.len() as i64)
    .bind(&v.source)
    .bind(now)
    .execute(tx.conn())
    .await?;
    insert_articles(tx, &v.id, &v.articles).await
}

/// Replaces the text of an existing version (a corrected corpus file).
pub(crate) async fn replace_version(tx: &mut Tx, v: &NewVersion) -> Result<(), db::DbError> {
    let now = tx.now_text();
    db::query("DELETE FROM law_articles WHERE version_id = $1")
        .bind(v.id.as_str())
        .execute(tx.conn())
        .await?;
    db::query(
        "UPDATE law_versions SET effective_on = $1, title = $2, history = $3, content_hash = $4, article_count = $5, \
         source = $6, updated_at = $7 WHERE id = $8",
    )
    .bind(v.effective_on.to_string())
    .bind(&v.title)
    .bind(v.history.join("\n"))
    .bind(&v.content_hash)
    .bind(v.articles.len() as i64)
    .bind(&v.source)
    .bind(now)
    .bind(v.id.as_str())
    .execute(tx.conn())
    .await?;
    insert_articles(tx, &v.id, &v.articles).await
}

/// Many rows per statement: well inside both backends' parameter limits.
const ROWS_PER_INSERT: usize = 400;

async fn insert_articles(
    tx: &mut Tx,
    version: &VersionId,
    articles: &[Article],
) -> Result<(), db::DbError> {
    for (chunk_index, chunk) in articles.chunks(ROWS_PER_INSERT).enumerate() {
        let mut q = Params::new(
            "INSERT INTO law_articles (version_id, ordinal, number, suffix, label, chapter, body) VALUES ",
        );
        for (i, a) in chunk.iter().enumerate() {
            if i > 0 {
                q.push(", ");
            }
            q.push("(").bind(version.as_str()).push(", ");
            q.bind((chunk_index * ROWS_PER_INSERT + i) as i64)
                .push(", ");
            q.bind(i64::from(a.no.number))
                .push(", ")
                .bind(i64::from(a.no.suffix))
                .push(", ");
            q.bind(a.label.as_str())
                .push(", ")
                .bind(a.chapter.as_str())
                .push(", ")
                .bind(a.text())
                .push(")");
        }
        q.execute(tx.conn()).await?;
    }
    Ok(())
}

fn read_article(row: &db::Row) -> Result<Article, db::DbError> {
    let body: String = row.try_get(4)?;
    Ok(Article {
        no: ArticleNo {
            number: row.try_get::<i64, _>(0)? as u32,
            suffix: row.try_get::<i64, _>(1)? as u32,
        },
        label: row.try_get(2)?,
        chapter: row.try_get(3)?,
        paragraphs: body.split('\n').map(str::to_string).collect(),
    })
}

pub(crate) async fn articles(
    conn: &mut db::Conn,
    version: &VersionId,
) -> Result<Vec<Article>, db::DbError> {
    db::query("SELECT number, suffix, label, chapter, body FROM law_articles WHERE version_id = $1 ORDER BY ordinal")
        .bind(version.as_str())
        .fetch_all(conn)
        .await?
        .iter()
        .map(read_article)
        .collect()
}
