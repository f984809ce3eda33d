//! Administering a PostgreSQL server: creating and dropping a database (tests and benchmarks
//! make one each; an operator may create fazhi's). Statements that cannot run inside a
//! transaction, on a connection of their own.

use crate::DbError;

fn checked(name: &str) -> Result<&str, DbError> {
    let ok = !name.is_empty()
        && name.len() <= 63
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && !name.starts_with(|c: char| c.is_ascii_digit());
    if ok {
        Ok(name)
    } else {
        Err(DbError::BadUrl {
            url: name.into(),
            reason: "数据库名只能包含小写字母、数字和下划线".into(),
        })
    }
}

async fn admin(url: &str) -> Result<tokio_postgres::Client, DbError> {
    let (client, connection) = tokio_postgres::connect(url, tokio_postgres::NoTls).await?;
    tokio::spawn(async move {
        if let Err(e) = connection.await {
            tracing::debug!(error = %e, "administration connection closed");
        }
    });
    Ok(client)
}

/// Creates the database `name` on the server `admin_url` names.
pub async fn create_database(admin_url: &str, name: &str) -> Result<(), DbError> {
    let name = checked(name)?;
    admin(admin_url)
        .await?
        .batch_execute(&format!("CREATE DATABASE {name}"))
        .await?;
    Ok(())
}

/// Drops the database `name` (and ends its sessions) if it exists.
pub async fn drop_database(admin_url: &str, name: &str) -> Result<(), DbError> {
    let name = checked(name)?;
    admin(admin_url)
        .await?
        .batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        .await?;
    Ok(())
}

/// The same server, another database: `postgres://…/postgres` → `postgres://…/name`.
pub fn database_url(admin_url: &str, name: &str) -> Option<String> {
    let (base, _) = admin_url.rsplit_once('/')?;
    Some(format!("{base}/{name}"))
}
