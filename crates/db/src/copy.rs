//! Moving a whole database: `fazhi backup` (into a SQLite file), `fazhi restore` (from one) and
//! `fazhi move --to postgres://…` (from the SQLite database to PostgreSQL). Every table of the
//! schema is read in one snapshot of the source (a read transaction: consistent while a server
//! writes) and written in one transaction of the target (all or nothing), page by page, in the
//! order the migrations created the tables, so that each row finds the rows it refers to.
//! The migration history and the table versions are each database's own and are not copied.

use std::time::Instant;

use crate::{Backend, Db, DbError, Kind, Value, query};

/// A table as the schema declares it.
#[derive(Clone, Debug)]
struct Table {
    name: String,
    columns: Vec<(String, Kind)>,
    /// The primary-key column, when the key is a single column (pages by key, not offset).
    key: Option<String>,
    /// The order of offset pages, when there is no single key.
    order: String,
}

/// What a copy moved.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Copied {
    pub tables: usize,
    pub rows: u64,
    pub audit_events: u64,
}

/// Tables that belong to one database and are not moved with the data.
const OWN: &[&str] = &["_sqlx_migrations", "table_versions"];

/// Rows read and written per page.
const PAGE: i64 = 2_000;

/// The schema, read from the SQLite side (the backup file, or the database being moved): its
/// tables in creation order, each column's kind from its declared type.
async fn schema(sqlite: &Db) -> Result<Vec<Table>, DbError> {
    let mut conn = sqlite.conn().await?;
    let names: Vec<String> = crate::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY rowid",
    )
    .fetch_all(&mut conn)
    .await?;
    let mut tables = Vec::new();
    for name in names.into_iter().filter(|n| !OWN.contains(&n.as_str())) {
        let rows = query("SELECT name, type, pk FROM pragma_table_info($1) ORDER BY cid")
            .bind(name.as_str())
            .fetch_all(&mut conn)
            .await?;
        let mut columns = Vec::new();
        let mut keys = Vec::new();
        for row in &rows {
            let column: String = row.try_get(0)?;
            let declared: String = row.try_get(1)?;
            let pk: i64 = row.try_get(2)?;
            let kind = match declared.to_ascii_uppercase().as_str() {
                t if t.contains("INT") => Kind::Int,
                t if t.contains("REAL") || t.contains("DOUBLE") || t.contains("FLOAT") => {
                    Kind::Real
                }
                t if t.contains("BLOB") || t.contains("BYTEA") => Kind::Bytes,
                _ => Kind::Text,
            };
            if pk > 0 {
                keys.push((pk, column.clone()));
            }
            columns.push((column, kind));
        }
        keys.sort();
        // A tree (organisations) goes parents first: by depth, a page at a time by offset.
        let tree = columns.iter().any(|(c, _)| c == "depth");
        let key = (keys.len() == 1 && !tree).then(|| keys[0].1.clone());
        let order = if tree {
            format!(
                "depth, {}",
                keys.iter()
                    .map(|k| k.1.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        } else {
            columns
                .iter()
                .map(|(c, _)| c.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        };
        tables.push(Table {
            name,
            columns,
            key,
            order,
        });
    }
    Ok(tables)
}

fn cell(row: &crate::Row, i: usize, kind: Kind) -> Result<Value, DbError> {
    Ok(match kind {
        Kind::Int => row
            .try_get::<Option<i64>, _>(i)?
            .map_or(Value::Null(Kind::Int), Value::Int),
        Kind::Real => row
            .try_get::<Option<f64>, _>(i)?
            .map_or(Value::Null(Kind::Real), Value::Real),
        Kind::Bytes => row
            .try_get::<Option<Vec<u8>>, _>(i)?
            .map_or(Value::Null(Kind::Bytes), Value::Bytes),
        Kind::Text => row
            .try_get::<Option<String>, _>(i)?
            .map_or(Value::Null(Kind::Text), Value::Text),
    })
}

/// Copies every table of `from` into `to`, which must hold no audit event yet (a fresh or empty
/// database: the rows its migrations seed are replaced). One of the two must be SQLite: it names
/// the tables. `progress` is told each table's name and the rows copied so far.
pub async fn copy_all(
    from: &Db,
    to: &Db,
    mut progress: impl FnMut(&str, u64) + Send + 'static,
) -> Result<(Copied, f64), DbError> {
    let started = Instant::now();
    let tables = match (from.backend(), to.backend()) {
        (Backend::Sqlite, _) => schema(from).await?,
        (_, Backend::Sqlite) => schema(to).await?,
        _ => {
            return Err(DbError::Write(
                "备份、恢复和迁移须有一方是 SQLite 数据库（备份文件即 SQLite 文件）".into(),
            ));
        }
    };
    let (events, _) = crate::audit::head(to).await?;
    if events > 0 {
        return Err(DbError::Write(format!(
            "目标数据库已有数据（审计日志{events}个事件）：只能恢复或迁移到空数据库"
        )));
    }
    let mut source = from.conn().await?;
    source
        .batch(match from.backend() {
            Backend::Sqlite => "BEGIN",
            Backend::Postgres => "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
        })
        .await?;
    let copied = to
        .upkeep_returning(move |tx| {
            Box::pin(async move {
                let mut copied = Copied {
                    tables: tables.len(),
                    rows: 0,
                    audit_events: 0,
                };
                // What the target's migrations seeded (the chain's genesis head, settings) goes.
                for table in tables.iter().rev() {
                    query(format!("DELETE FROM {}", table.name))
                        .execute(tx.conn())
                        .await?;
                }
                for table in &tables {
                    let columns: Vec<&str> = table.columns.iter().map(|(c, _)| c.as_str()).collect();
                    let list = columns.join(", ");
                    let mut after: Option<Value> = None;
                    let mut offset = 0i64;
                    loop {
                        let page = match (&table.key, &after) {
                            (Some(key), Some(last)) => {
                                query(format!(
                                    "SELECT {list} FROM {} WHERE {key} > $1 ORDER BY {key} LIMIT {PAGE}",
                                    table.name
                                ))
                                .bind(last.clone())
                                .fetch_all(&mut source)
                                .await?
                            }
                            (Some(key), None) => {
                                query(format!(
                                    "SELECT {list} FROM {} ORDER BY {key} LIMIT {PAGE}",
                                    table.name
                                ))
                                .fetch_all(&mut source)
                                .await?
                            }
                            (None, _) => {
                                query(format!(
                                    "SELECT {list} FROM {} ORDER BY {} LIMIT {PAGE} OFFSET {offset}",
                                    table.name, table.order
                                ))
                                .fetch_all(&mut source)
                                .await?
                            }
                        };
                        if page.is_empty() {
                            break;
                        }
                        offset += page.len() as i64;
                        let width = table.columns.len();
                        // Up to 30,000 values a statement (both backends take at least 32,766).
                        let per_statement = (30_000 / width.max(1)).clamp(1, 500);
                        for rows in page.chunks(per_statement) {
                            let mut sql = format!("INSERT INTO {} ({list}) VALUES ", table.name);
                            let mut values = Vec::with_capacity(rows.len() * width);
                            for (r, row) in rows.iter().enumerate() {
                                sql.push_str(if r == 0 { "(" } else { ", (" });
                                for (i, (_, kind)) in table.columns.iter().enumerate() {
                                    if i > 0 {
                                        sql.push_str(", ");
                                    }
                                    values.push(cell(row, i, *kind)?);
                                    sql.push_str(&format!("${}", values.len()));
                                }
                                sql.push(')');
                            }
                            let mut insert = query(sql);
                            for value in values {
                                insert = insert.bind(value);
                            }
                            insert.execute(tx.conn()).await?;
                        }
                        copied.rows += page.len() as u64;
                        if table.name == "audit_events" {
                            copied.audit_events += page.len() as u64;
                        }
                        progress(&table.name, copied.rows);
                        if let Some(key) = &table.key {
                            let index = table.columns.iter().position(|(c, _)| c == key).unwrap_or(0);
                            let last = page.last().expect("a page with rows");
                            after = Some(cell(last, index, table.columns[index].1)?);
                        }
                        if (page.len() as i64) < PAGE {
                            break;
                        }
                    }
                }
                source.batch("COMMIT").await?;
                Ok(copied)
            })
        })
        .await?;
    Ok((copied, started.elapsed().as_secs_f64()))
}
