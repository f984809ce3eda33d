//! The migration history: append-only SQL files in `migrations/`, the same text on both backends,
//! applied in order, each in its own transaction. Applied migrations are kept in the table
//! `_sqlx_migrations` with the SHA-384 of their text, in the layout the project's first storage
//! layer (sqlx) used, so every database created since the first release upgrades in place and a
//! migration edited after release is refused.

use sha2::{Digest, Sha384};

use crate::sql::query;
use crate::url::Backend;
use crate::{Conn, DbError};

pub(crate) struct Migration {
    pub version: i64,
    pub description: &'static str,
    pub sql: &'static str,
}

macro_rules! migrations {
    ($(($version:literal, $description:literal, $file:literal)),* $(,)?) => {
        &[$(Migration {
            version: $version,
            description: $description,
            sql: include_str!(concat!("../migrations/", $file)),
        }),*]
    };
}

/// Every migration this build knows, in order. A test checks this list against the directory.
pub(crate) const MIGRATIONS: &[Migration] = migrations![
    (1, "foundation", "0001_foundation.sql"),
    (2, "laws", "0002_laws.sql"),
    (3, "power", "0003_power.sql"),
    (4, "reconsideration", "0004_reconsideration.sql"),
    (5, "mediation", "0005_mediation.sql"),
    (6, "report", "0006_report.sql"),
    (7, "stats indexes", "0007_stats_indexes.sql"),
    (8, "open disputes", "0008_open_disputes.sql"),
    (9, "adjustment stats", "0009_adjustment_stats.sql"),
    (10, "table versions", "0010_table_versions.sql"),
    (11, "list order", "0011_list_order.sql"),
    (12, "power year end", "0012_power_year_end.sql"),
    (13, "audit checkpoints", "0013_audit_checkpoints.sql"),
    (14, "import jobs", "0014_import_jobs.sql"),
    (15, "mediation contacts", "0015_mediation_contacts.sql"),
    (16, "agreement content", "0016_agreement_content.sql"),
    (17, "mediation parties", "0017_mediation_parties.sql"),
    (18, "attachments", "0018_attachments.sql"),
    (19, "enforcement", "0019_enforcement.sql"),
    (20, "enforcement steps", "0020_enforcement_steps.sql"),
];

fn checksum(sql: &str) -> Vec<u8> {
    Sha384::digest(sql.as_bytes()).to_vec()
}

/// The bookkeeping table: the only DDL that differs between the backends.
fn history_table(backend: Backend) -> &'static str {
    match backend {
        Backend::Sqlite => {
            "CREATE TABLE IF NOT EXISTS _sqlx_migrations (\
             version BIGINT PRIMARY KEY, description TEXT NOT NULL, \
             installed_on TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP, success BOOLEAN NOT NULL, \
             checksum BLOB NOT NULL, execution_time BIGINT NOT NULL)"
        }
        Backend::Postgres => {
            "CREATE TABLE IF NOT EXISTS _sqlx_migrations (\
             version BIGINT PRIMARY KEY, description TEXT NOT NULL, \
             installed_on TIMESTAMPTZ NOT NULL DEFAULT now(), success BOOLEAN NOT NULL, \
             checksum BYTEA NOT NULL, execution_time BIGINT NOT NULL)"
        }
    }
}

/// Applies what is missing, on a writable connection of its own. Several processes starting at
/// once are serialised: SQLite by its write lock, PostgreSQL by an advisory lock.
pub(crate) async fn run(conn: &mut Conn, backend: Backend) -> Result<(), String> {
    let e = |e: DbError| e.to_string();
    if backend == Backend::Postgres {
        // Any constant shared by fazhi's processes. Released here, not left to the connection's
        // end: a caller's runtime may not get to close the connection for a while.
        conn.batch("SELECT pg_advisory_lock(7142046655)")
            .await
            .map_err(e)?;
        let result = apply(conn, backend).await;
        conn.batch("SELECT pg_advisory_unlock(7142046655)")
            .await
            .map_err(e)?;
        return result;
    }
    apply(conn, backend).await
}

/// PostgreSQL's side of the collation `zh` (`kernel::collate`): an ICU collation of the same
/// locale, in the database's own schema; a server built without ICU sorts by character code
/// instead (the same statements still run). SQLite's connections register theirs when opened.
fn zh_collation() -> String {
    let name = kernel::collate::ZH;
    let locale = kernel::collate::ZH_ICU_LOCALE;
    format!(
        "DO $$ BEGIN \
           IF NOT EXISTS (SELECT 1 FROM pg_collation WHERE collname = '{name}' \
                          AND collnamespace = current_schema()::regnamespace) THEN \
             BEGIN \
               CREATE COLLATION {name} (provider = icu, locale = '{locale}'); \
             EXCEPTION WHEN OTHERS THEN \
               CREATE COLLATION {name} FROM \"C\"; \
             END; \
           END IF; \
         END $$"
    )
}

async fn apply(conn: &mut Conn, backend: Backend) -> Result<(), String> {
    let e = |e: DbError| e.to_string();
    conn.batch(history_table(backend)).await.map_err(e)?;
    if backend == Backend::Postgres {
        conn.batch(&zh_collation()).await.map_err(e)?;
    }
    let before = applied(conn).await?;
    if MIGRATIONS
        .iter()
        .all(|m| before.iter().any(|(v, _, _)| *v == m.version))
    {
        return check(&before);
    }
    let begin = match backend {
        Backend::Sqlite => "BEGIN IMMEDIATE",
        Backend::Postgres => "BEGIN",
    };
    for m in MIGRATIONS {
        conn.batch(begin).await.map_err(e)?;
        let applied = applied(conn).await;
        let applied = match applied {
            Ok(a) => a,
            Err(err) => {
                let _ = conn.batch("ROLLBACK").await;
                return Err(err);
            }
        };
        if let Some((_, _, _)) = applied.iter().find(|(v, _, _)| *v == m.version) {
            conn.batch("ROLLBACK").await.map_err(e)?;
            continue;
        }
        let started = std::time::Instant::now();
        let result = async {
            conn.batch(m.sql).await?;
            query(
                "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) \
                 VALUES ($1, $2, TRUE, $3, $4)",
            )
            .bind(m.version)
            .bind(m.description)
            .bind(checksum(m.sql))
            .bind(i64::try_from(started.elapsed().as_nanos()).unwrap_or(i64::MAX))
            .execute(conn)
            .await?;
            conn.batch("COMMIT").await
        }
        .await;
        if let Err(err) = result {
            let _ = conn.batch("ROLLBACK").await;
            return Err(format!("迁移{}（{}）失败：{err}", m.version, m.description));
        }
    }
    let applied = applied(conn).await?;
    check(&applied)
}

/// The applied migrations: version, success, checksum.
async fn applied(conn: &mut Conn) -> Result<Vec<(i64, bool, Vec<u8>)>, String> {
    query("SELECT version, success, checksum FROM _sqlx_migrations ORDER BY version")
        .map(conn, |r| Ok((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?)))
        .await
        .map_err(|e| e.to_string())
}

/// Every applied migration is one this build knows, unchanged.
fn check(applied: &[(i64, bool, Vec<u8>)]) -> Result<(), String> {
    for (version, success, sum) in applied {
        let Some(m) = MIGRATIONS.iter().find(|m| m.version == *version) else {
            return Err(format!(
                "数据库的迁移版本{version}不在本程序中，数据库可能由更新版本的fazhi创建"
            ));
        };
        if !success {
            return Err(format!("迁移{version}曾中途失败，数据库需要人工检查"));
        }
        if *sum != checksum(m.sql) {
            return Err(format!("迁移{version}在应用后被修改过"));
        }
    }
    Ok(())
}

/// How many migrations this build knows, and how many the database has applied.
pub(crate) async fn status(conn: &mut Conn) -> Result<(usize, usize), DbError> {
    let applied: i64 = crate::sql::query_scalar("SELECT COUNT(*) FROM _sqlx_migrations")
        .fetch_one(conn)
        .await?;
    Ok((MIGRATIONS.len(), applied as usize))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_list_is_the_directory() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations");
        let mut files: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".sql"))
            .collect();
        files.sort();
        assert_eq!(files.len(), MIGRATIONS.len(), "{files:?}");
        for (file, m) in files.iter().zip(MIGRATIONS) {
            let (number, rest) = file.split_once('_').unwrap();
            assert_eq!(number.parse::<i64>().unwrap(), m.version, "{file}");
            assert_eq!(
                rest.trim_end_matches(".sql").replace('_', " "),
                m.description,
                "{file}"
            );
        }
    }
}
