//! The PostgreSQL side: tokio-postgres connections pooled by deadpool, every statement prepared
//! once per connection with the types of its values (the same `$n` text SQLite runs) and kept.

use std::collections::HashMap;
use std::str::FromStr;
use std::sync::Mutex;
use std::time::Duration;

use bytes::BytesMut;
use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod};
use tokio_postgres::types::{IsNull, ToSql, Type, to_sql_checked};
use tokio_postgres::{NoTls, Statement};

use crate::DbError;
use crate::row::Row;
use crate::sql::{Kind, Query, Value};

/// A connection: pooled (the readers, read-only), or the writer's own, driven by the writer's
/// task itself so that its round trips wake no other task.
pub(crate) enum Client {
    Pooled(deadpool_postgres::Object),
    Owned(Owned),
}

/// The writer's connection and the statements prepared on it.
pub(crate) struct Owned {
    client: tokio_postgres::Client,
    prepared: Mutex<HashMap<(String, Vec<Type>), Statement>>,
}

impl Owned {
    pub(crate) fn new(client: tokio_postgres::Client) -> Owned {
        Owned {
            client,
            prepared: Mutex::new(HashMap::new()),
        }
    }
}

impl Client {
    fn raw(&self) -> &tokio_postgres::Client {
        match self {
            Client::Pooled(c) => c,
            Client::Owned(o) => &o.client,
        }
    }
}

/// The connection settings a URL names. `read_only`: every transaction of the connection is
/// read-only, so a write anywhere but the writer fails at once.
pub(crate) fn config(raw: &str, read_only: bool) -> Result<tokio_postgres::Config, String> {
    let mut config = tokio_postgres::Config::from_str(raw).map_err(|e| e.to_string())?;
    config.connect_timeout(Duration::from_secs(10));
    config.application_name("fazhi");
    if read_only {
        config.options("-c default_transaction_read_only=on");
    }
    Ok(config)
}

pub(crate) fn pool(config: tokio_postgres::Config, size: usize) -> Result<Pool, String> {
    let manager = Manager::from_config(
        config,
        NoTls,
        ManagerConfig {
            recycling_method: RecyclingMethod::Fast,
        },
    );
    Pool::builder(manager)
        .max_size(size)
        .wait_timeout(Some(Duration::from_secs(30)))
        .runtime(deadpool_postgres::Runtime::Tokio1)
        .build()
        .map_err(|e| e.to_string())
}

fn pg_type(kind: Kind) -> Type {
    match kind {
        Kind::Text => Type::TEXT,
        Kind::Int => Type::INT8,
        Kind::Real => Type::FLOAT8,
        Kind::Bytes => Type::BYTEA,
    }
}

impl ToSql for Value {
    fn to_sql(
        &self,
        ty: &Type,
        out: &mut BytesMut,
    ) -> Result<IsNull, Box<dyn std::error::Error + Sync + Send>> {
        match self {
            Value::Null(_) => Ok(IsNull::Yes),
            Value::Text(s) => s.as_str().to_sql(ty, out),
            Value::Int(n) => match *ty {
                Type::INT4 => i32::try_from(*n)?.to_sql(ty, out),
                Type::INT2 => i16::try_from(*n)?.to_sql(ty, out),
                Type::FLOAT8 => (*n as f64).to_sql(ty, out),
                _ => n.to_sql(ty, out),
            },
            Value::Real(x) => x.to_sql(ty, out),
            Value::Bytes(b) => b.as_slice().to_sql(ty, out),
        }
    }

    fn accepts(_: &Type) -> bool {
        true
    }

    to_sql_checked!();
}

async fn prepare(client: &Client, q: &Query) -> Result<Statement, DbError> {
    let types: Vec<Type> = q.values.iter().map(|v| pg_type(v.kind())).collect();
    match client {
        Client::Pooled(c) => Ok(c.prepare_typed_cached(&q.sql, &types).await?),
        Client::Owned(o) => {
            let key = (q.sql.to_string(), types);
            let held = o
                .prepared
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .get(&key)
                .cloned();
            if let Some(stmt) = held {
                return Ok(stmt);
            }
            let stmt = o.client.prepare_typed(&key.0, &key.1).await?;
            o.prepared
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .insert(key, stmt.clone());
            Ok(stmt)
        }
    }
}

fn params(q: &Query) -> Vec<&(dyn ToSql + Sync)> {
    q.values.iter().map(|v| v as &(dyn ToSql + Sync)).collect()
}

pub(crate) async fn execute(client: &Client, q: &Query) -> Result<u64, DbError> {
    let stmt = prepare(client, q).await?;
    if stmt.columns().is_empty() {
        Ok(client.raw().execute(&stmt, &params(q)).await?)
    } else {
        Ok(client.raw().query(&stmt, &params(q)).await?.len() as u64)
    }
}

pub(crate) async fn fetch_all(client: &Client, q: &Query) -> Result<Vec<Row>, DbError> {
    let stmt = prepare(client, q).await?;
    let rows = client.raw().query(&stmt, &params(q)).await?;
    Ok(rows.into_iter().map(Row::postgres).collect())
}

pub(crate) async fn fetch_optional(client: &Client, q: &Query) -> Result<Option<Row>, DbError> {
    Ok(fetch_all(client, q).await?.into_iter().next())
}

pub(crate) async fn map<T>(
    client: &Client,
    q: &Query,
    mut f: impl FnMut(&Row) -> Result<T, DbError>,
) -> Result<Vec<T>, DbError> {
    let stmt = prepare(client, q).await?;
    let rows = client.raw().query(&stmt, &params(q)).await?;
    rows.into_iter().map(|r| f(&Row::postgres(r))).collect()
}

/// Statements without parameters or answers, several at once (BEGIN, SAVEPOINT, DDL).
pub(crate) async fn batch(client: &Client, sql: &str) -> Result<(), DbError> {
    Ok(client.raw().batch_execute(sql).await?)
}

/// Statements then a batch, sent one after the other without waiting for each answer (the
/// answers come back in order): one round trip for the whole, where each would cost one.
pub(crate) async fn pipeline(
    client: &Client,
    owed: &str,
    queries: &[Query],
    then: &str,
) -> Result<(), DbError> {
    after(client, owed, pipelined(client, queries, then)).await
}

async fn pipelined(client: &Client, queries: &[Query], then: &str) -> Result<(), DbError> {
    let mut prepared = Vec::with_capacity(queries.len());
    for q in queries {
        prepared.push(prepare(client, q).await?);
    }
    let params: Vec<Vec<&(dyn ToSql + Sync)>> = queries.iter().map(params).collect();
    let executes = futures_util::future::try_join_all(
        prepared
            .iter()
            .zip(&params)
            .map(|(stmt, p)| client.raw().execute(stmt, p)),
    );
    let (done, last) = futures_util::future::join(executes, client.raw().batch_execute(then)).await;
    done?;
    Ok(last?)
}

/// `work` after the control statements `owed`, both sent before either answer is read.
pub(crate) async fn after<T>(
    client: &Client,
    owed: &str,
    work: impl std::future::Future<Output = Result<T, DbError>>,
) -> Result<T, DbError> {
    if owed.is_empty() {
        return work.await;
    }
    // join polls the control statements first: their request goes out before the work's.
    let (control, out) = futures_util::future::join(client.raw().batch_execute(owed), work).await;
    control?;
    out
}
