//! Statements: one SQL text for both backends, with numbered parameters (`$1`, `$2`, …) and the
//! values bound to them. SQLite reads `$n` as `?n` (rewritten once per statement, see
//! `sqlite::numbered`); PostgreSQL reads it as it is, prepared with the values' types.

use std::borrow::Cow;

use crate::row::{Decode, Row};
use crate::{Conn, DbError};

/// A bound value. Integers are 64-bit and flags are 0/1 integers on both backends (the schema
/// has no BOOLEAN); a NULL keeps the type it stands for, which PostgreSQL needs to prepare it.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Text(String),
    Int(i64),
    Real(f64),
    Bytes(Vec<u8>),
    Null(Kind),
}

/// The type of a value, and of a NULL.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Kind {
    Text,
    Int,
    Real,
    Bytes,
}

impl Value {
    pub fn kind(&self) -> Kind {
        match self {
            Value::Text(_) => Kind::Text,
            Value::Int(_) => Kind::Int,
            Value::Real(_) => Kind::Real,
            Value::Bytes(_) => Kind::Bytes,
            Value::Null(kind) => *kind,
        }
    }
}

/// What can be bound to a parameter.
pub trait ToValue {
    fn to_value(self) -> Value;

    /// The NULL of this type (an absent `Option`).
    fn null() -> Value
    where
        Self: Sized,
    {
        Value::Null(Kind::Text)
    }
}

impl ToValue for Value {
    fn to_value(self) -> Value {
        self
    }
}

impl ToValue for &str {
    fn to_value(self) -> Value {
        Value::Text(self.to_string())
    }
}

impl ToValue for String {
    fn to_value(self) -> Value {
        Value::Text(self)
    }
}

impl ToValue for &String {
    fn to_value(self) -> Value {
        Value::Text(self.clone())
    }
}

impl ToValue for Cow<'_, str> {
    fn to_value(self) -> Value {
        Value::Text(self.into_owned())
    }
}

macro_rules! integer {
    ($($t:ty),*) => {$(
        impl ToValue for $t {
            fn to_value(self) -> Value {
                Value::Int(i64::from(self))
            }
            fn null() -> Value {
                Value::Null(Kind::Int)
            }
        }
    )*};
}
integer!(i64, i32, u32, i16, u16, u8, bool);

impl ToValue for usize {
    fn to_value(self) -> Value {
        Value::Int(i64::try_from(self).unwrap_or(i64::MAX))
    }
    fn null() -> Value {
        Value::Null(Kind::Int)
    }
}

impl ToValue for f64 {
    fn to_value(self) -> Value {
        Value::Real(self)
    }
    fn null() -> Value {
        Value::Null(Kind::Real)
    }
}

impl ToValue for Vec<u8> {
    fn to_value(self) -> Value {
        Value::Bytes(self)
    }
    fn null() -> Value {
        Value::Null(Kind::Bytes)
    }
}

impl ToValue for &[u8] {
    fn to_value(self) -> Value {
        Value::Bytes(self.to_vec())
    }
    fn null() -> Value {
        Value::Null(Kind::Bytes)
    }
}

impl<T: ToValue> ToValue for Option<T> {
    fn to_value(self) -> Value {
        match self {
            Some(v) => v.to_value(),
            None => T::null(),
        }
    }
    fn null() -> Value {
        T::null()
    }
}

impl<T: ToValue + Clone> ToValue for &Option<T> {
    fn to_value(self) -> Value {
        self.clone().to_value()
    }
    fn null() -> Value {
        T::null()
    }
}

/// A statement and its values, run on a [`Conn`]. The text is fazhi's own SQL; values are always
/// bound, never spliced into it.
#[derive(Clone, Debug)]
pub struct Query {
    pub(crate) sql: Cow<'static, str>,
    pub(crate) values: Vec<Value>,
}

/// A statement whose `$n` placeholders are bound in order with [`Query::bind`].
pub fn query(sql: impl Into<Cow<'static, str>>) -> Query {
    Query {
        sql: sql.into(),
        values: Vec::new(),
    }
}

/// A statement whose answer is one column, read as `T`.
pub fn query_scalar<T: Decode>(sql: impl Into<Cow<'static, str>>) -> Scalar<T> {
    Scalar {
        query: query(sql),
        _t: std::marker::PhantomData,
    }
}

impl Query {
    pub(crate) fn from_parts(sql: String, values: Vec<Value>) -> Query {
        Query {
            sql: Cow::Owned(sql),
            values,
        }
    }

    /// Binds the next placeholder.
    pub fn bind(mut self, value: impl ToValue) -> Query {
        self.values.push(value.to_value());
        self
    }

    pub fn sql(&self) -> &str {
        &self.sql
    }

    pub fn values(&self) -> &[Value] {
        &self.values
    }

    /// Runs a statement that returns no rows; the number of rows it changed.
    pub async fn execute(self, conn: &mut Conn) -> Result<u64, DbError> {
        conn.execute(&self).await
    }

    pub async fn fetch_all(self, conn: &mut Conn) -> Result<Vec<Row>, DbError> {
        conn.fetch_all(&self).await
    }

    pub async fn fetch_optional(self, conn: &mut Conn) -> Result<Option<Row>, DbError> {
        conn.fetch_optional(&self).await
    }

    pub async fn fetch_one(self, conn: &mut Conn) -> Result<Row, DbError> {
        conn.fetch_optional(&self)
            .await?
            .ok_or(DbError::RowNotFound)
    }

    /// Reads each row with `f` as it comes, without copying it first (list pages and statistics).
    pub async fn map<T>(
        self,
        conn: &mut Conn,
        f: impl FnMut(&Row) -> Result<T, DbError>,
    ) -> Result<Vec<T>, DbError> {
        conn.map(&self, f).await
    }
}

/// A one-column statement (see [`query_scalar`]).
#[derive(Clone, Debug)]
pub struct Scalar<T> {
    query: Query,
    _t: std::marker::PhantomData<fn() -> T>,
}

impl<T: Decode> Scalar<T> {
    pub fn bind(mut self, value: impl ToValue) -> Self {
        self.query = self.query.bind(value);
        self
    }

    pub async fn fetch_one(self, conn: &mut Conn) -> Result<T, DbError> {
        self.fetch_optional(conn).await?.ok_or(DbError::RowNotFound)
    }

    pub async fn fetch_optional(self, conn: &mut Conn) -> Result<Option<T>, DbError> {
        let mut out = conn.map(&self.query, |r| r.try_get::<T, _>(0)).await?;
        Ok(if out.is_empty() {
            None
        } else {
            Some(out.swap_remove(0))
        })
    }

    pub async fn fetch_all(self, conn: &mut Conn) -> Result<Vec<T>, DbError> {
        conn.map(&self.query, |r| r.try_get::<T, _>(0)).await
    }
}

/// The table a statement writes (`INSERT INTO t`, `UPDATE t`, `DELETE FROM t`, also after a
/// `WITH …` or `INSERT OR …`), lower-cased; None for a statement that writes no table. The writer
/// bumps the version of every table its jobs wrote (see `versions`).
pub(crate) fn written_table(sql: &str) -> Option<String> {
    let mut words = sql
        .split(|c: char| c.is_whitespace() || c == '(' || c == ';')
        .filter(|w| !w.is_empty());
    let first = words.next()?.to_ascii_uppercase();
    let verb = if first == "WITH" {
        // A CTE before the verb: the verb is the first of INSERT/UPDATE/DELETE at depth 0.
        return written_after_with(sql);
    } else {
        first
    };
    match verb.as_str() {
        "INSERT" | "REPLACE" => {
            for w in words.by_ref() {
                if w.eq_ignore_ascii_case("INTO") {
                    break;
                }
            }
            words.next().map(table_name)
        }
        "UPDATE" => {
            let mut w = words.next()?;
            if w.eq_ignore_ascii_case("OR") {
                words.next()?;
                w = words.next()?;
            }
            Some(table_name(w))
        }
        "DELETE" => {
            let w = words.next()?;
            if w.eq_ignore_ascii_case("FROM") {
                words.next().map(table_name)
            } else {
                Some(table_name(w))
            }
        }
        _ => None,
    }
}

fn written_after_with(sql: &str) -> Option<String> {
    let mut depth = 0i32;
    let bytes = sql.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'(' => depth += 1,
            b')' => depth -= 1,
            b'\'' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'\'' {
                    i += 1;
                }
            }
            _ if depth == 0 => {
                let rest = &sql[i..];
                for verb in ["INSERT", "UPDATE", "DELETE", "REPLACE"] {
                    if rest.len() >= verb.len()
                        && rest[..verb.len()].eq_ignore_ascii_case(verb)
                        && (i == 0 || !bytes[i - 1].is_ascii_alphanumeric() && bytes[i - 1] != b'_')
                    {
                        return written_table(rest);
                    }
                }
            }
            _ => {}
        }
        i += 1;
    }
    None
}

fn table_name(word: &str) -> String {
    word.trim_matches('"').to_ascii_lowercase()
}

/// The tables a query reads (every name after FROM or JOIN), lower-cased and sorted: what a cached
/// answer of the query depends on.
pub(crate) fn read_tables(sql: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut words = sql
        .split(|c: char| c.is_whitespace() || c == ',' || c == ';')
        .filter(|w| !w.is_empty())
        .peekable();
    while let Some(w) = words.next() {
        if (w.eq_ignore_ascii_case("FROM") || w.eq_ignore_ascii_case("JOIN"))
            && let Some(next) = words.peek()
            && !next.starts_with('(')
        {
            let name = table_name(next.trim_end_matches(')'));
            if name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                && !name.is_empty()
                && !out.contains(&name)
            {
                out.push(name);
            }
        }
    }
    out.sort();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_table_a_statement_writes() {
        assert_eq!(
            written_table("INSERT INTO audit_events (seq) VALUES ($1)").as_deref(),
            Some("audit_events")
        );
        assert_eq!(
            written_table("insert or ignore into citations(x) values (1)").as_deref(),
            Some("citations")
        );
        assert_eq!(
            written_table("  UPDATE sessions SET a = 1").as_deref(),
            Some("sessions")
        );
        assert_eq!(
            written_table("DELETE FROM login_throttle WHERE username = $1").as_deref(),
            Some("login_throttle")
        );
        assert_eq!(
            written_table("WITH x AS (SELECT 1 FROM orgs) UPDATE orgs SET a = 1").as_deref(),
            Some("orgs")
        );
        assert_eq!(written_table("SELECT * FROM orgs"), None);
        assert_eq!(written_table("SAVEPOINT job"), None);
    }

    #[test]
    fn finds_the_tables_a_query_reads() {
        assert_eq!(
            read_tables(
                "SELECT COUNT(*) FROM reconsideration_cases c WHERE c.office_org_id IN \
                 (SELECT id FROM orgs WHERE path LIKE $1) AND x IN (SELECT y FROM (SELECT 1))"
            ),
            vec!["orgs".to_string(), "reconsideration_cases".to_string()]
        );
        assert_eq!(
            read_tables("SELECT a FROM users u JOIN orgs o ON o.id = u.org_id"),
            vec!["orgs".to_string(), "users".to_string()]
        );
    }

    #[test]
    fn absent_values_keep_their_type() {
        assert_eq!(Option::<i64>::None.to_value(), Value::Null(Kind::Int));
        assert_eq!(Option::<String>::None.to_value(), Value::Null(Kind::Text));
        assert_eq!(Some("x").to_value(), Value::Text("x".into()));
        assert_eq!(true.to_value(), Value::Int(1));
    }
}
