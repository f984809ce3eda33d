//! The report's SQL: the staff's section texts and the published reports.

use db::Tx;

/// A section text as saved.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct SavedText {
    pub section: String,
    pub body: String,
    pub updated_by: String,
    pub updated_at: String,
}

pub(crate) async fn texts(
    conn: &mut db::Conn,
    org: &str,
    year: i32,
) -> Result<Vec<SavedText>, db::DbError> {
    db::query(
        "SELECT section, body, updated_by, updated_at FROM report_sections WHERE org_id = $1 AND year = $2",
    )
    .bind(org)
    .bind(i64::from(year))
    .fetch_all(conn)
    .await?
    .iter()
    .map(|r| {
        Ok(SavedText {
            section: r.try_get(0)?,
            body: r.try_get(1)?,
            updated_by: r.try_get(2)?,
            updated_at: r.try_get(3)?,
        })
    })
    .collect()
}

pub(crate) async fn save_text(
    tx: &mut Tx,
    org: &str,
    year: i32,
    section: &str,
    body: Option<&str>,
    who: &str,
) -> Result<(), db::DbError> {
    let now = tx.now_text();
    db::query("DELETE FROM report_sections WHERE org_id = $1 AND year = $2 AND section = $3")
        .bind(org)
        .bind(i64::from(year))
        .bind(section)
        .execute(tx.conn())
        .await?;
    if let Some(body) = body {
        db::query(
            "INSERT INTO report_sections (org_id, year, section, body, updated_by, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(org)
        .bind(i64::from(year))
        .bind(section)
        .bind(body)
        .bind(who)
        .bind(now)
        .execute(tx.conn())
        .await?;
    }
    Ok(())
}

/// A published report's row.
#[derive(Clone)]
pub(crate) struct PublishedRow {
    pub org_id: String,
    pub year: i32,
    pub published_on: String,
    pub published_by: String,
    pub content: String,
}

pub(crate) async fn publish(
    tx: &mut Tx,
    row: &PublishedRow,
    docx: &[u8],
) -> Result<(), db::DbError> {
    let now = tx.now_text();
    db::query("DELETE FROM reports WHERE org_id = $1 AND year = $2")
        .bind(&row.org_id)
        .bind(i64::from(row.year))
        .execute(tx.conn())
        .await?;
    db::query(
        "INSERT INTO reports (org_id, year, published_on, published_by, published_at, content, docx) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(&row.org_id)
    .bind(i64::from(row.year))
    .bind(&row.published_on)
    .bind(&row.published_by)
    .bind(now)
    .bind(&row.content)
    .bind(hex::encode(docx))
    .execute(tx.conn())
    .await?;
    Ok(())
}

fn read_published(r: &db::Row) -> Result<PublishedRow, db::DbError> {
    Ok(PublishedRow {
        org_id: r.try_get(0)?,
        year: r.try_get::<i64, _>(1)? as i32,
        published_on: r.try_get(2)?,
        published_by: r.try_get(3)?,
        content: r.try_get(4)?,
    })
}

const PUBLISHED: &str = "SELECT org_id, year, published_on, published_by, content FROM reports";

pub(crate) async fn published(
    conn: &mut db::Conn,
    org: &str,
    year: i32,
) -> Result<Option<PublishedRow>, db::DbError> {
    let sql = format!("{PUBLISHED} WHERE org_id = $1 AND year = $2");
    db::query(sql)
        .bind(org)
        .bind(i64::from(year))
        .fetch_optional(conn)
        .await?
        .as_ref()
        .map(read_published)
        .transpose()
}

pub(crate) async fn all_published(conn: &mut db::Conn) -> Result<Vec<PublishedRow>, db::DbError> {
    let sql = format!("{PUBLISHED} ORDER BY year DESC, org_id");
    db::query(sql)
        .fetch_all(conn)
        .await?
        .iter()
        .map(read_published)
        .collect()
}

/// Whether the report of `year` is published, without reading it.
pub(crate) async fn is_published(
    conn: &mut db::Conn,
    org: &str,
    year: i32,
) -> Result<bool, db::DbError> {
    Ok(
        db::query_scalar::<i64>("SELECT 1 FROM reports WHERE org_id = $1 AND year = $2")
            .bind(org)
            .bind(i64::from(year))
            .fetch_optional(conn)
            .await?
            .is_some(),
    )
}

pub(crate) async fn published_docx(
    conn: &mut db::Conn,
    org: &str,
    year: i32,
) -> Result<Option<String>, db::DbError> {
    db::query("SELECT docx FROM reports WHERE org_id = $1 AND year = $2")
        .bind(org)
        .bind(i64::from(year))
        .fetch_optional(conn)
        .await?
        .map(|r| r.try_get(0))
        .transpose()
}
