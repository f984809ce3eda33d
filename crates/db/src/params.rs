//! Dynamic SQL with numbered parameters (`$1`, `$2`, …), which both backends read.
//! Filters on list pages are built with this; values are always bound, never spliced.

use crate::row::Row;
use crate::sql::{Query, ToValue, Value};
use crate::{Conn, DbError};

/// The organisations a query reaches: one organisation and everything below it, named by its
/// path (`/root/…/id/`). SQL reads it as a subquery on `orgs.path`, so an actor's scope costs one
/// bound value however many organisations a province holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OrgScope {
    path: String,
}

impl OrgScope {
    /// The subtree whose root has this path.
    pub fn under(path: &str) -> OrgScope {
        OrgScope {
            path: path.to_string(),
        }
    }

    pub fn path(&self) -> &str {
        &self.path
    }

    /// Whether the organisation at `path` lies in the scope.
    pub fn contains_path(&self, path: &str) -> bool {
        path.starts_with(&self.path)
    }
}

/// SQL text and its bound values, built together.
#[derive(Clone, Debug, Default)]
pub struct Params {
    sql: String,
    values: Vec<Value>,
}

impl Params {
    pub fn new(sql: &str) -> Params {
        Params {
            sql: sql.to_string(),
            values: Vec::new(),
        }
    }

    /// Appends SQL text.
    pub fn push(&mut self, sql: &str) -> &mut Self {
        self.sql.push_str(sql);
        self
    }

    /// Appends a placeholder bound to `value`.
    pub fn bind(&mut self, value: impl ToValue) -> &mut Self {
        self.values.push(value.to_value());
        self.sql.push_str(&format!("${}", self.values.len()));
        self
    }

    /// Appends another statement's text and values (its placeholders renumbered after ours).
    pub fn append(&mut self, other: &Params) -> &mut Self {
        let shift = self.values.len();
        let mut chars = other.sql.chars().peekable();
        let mut quoted = false;
        while let Some(c) = chars.next() {
            if c == '\'' {
                quoted = !quoted;
            }
            if c == '$' && !quoted && chars.peek().is_some_and(char::is_ascii_digit) {
                let mut n = 0usize;
                while let Some(d) = chars.peek().and_then(|d| d.to_digit(10)) {
                    n = n * 10 + d as usize;
                    chars.next();
                }
                self.sql.push_str(&format!("${}", n + shift));
            } else {
                self.sql.push(c);
            }
        }
        self.values.extend(other.values.iter().cloned());
        self
    }

    /// Appends `(p1, p2, …)` bound to the values; `(NULL)` when there are none, which matches
    /// nothing in an IN list.
    pub fn bind_list<V: ToValue>(&mut self, values: impl IntoIterator<Item = V>) -> &mut Self {
        self.sql.push('(');
        let mut first = true;
        for v in values {
            if !first {
                self.sql.push_str(", ");
            }
            first = false;
            self.bind(v);
        }
        if first {
            self.sql.push_str("NULL");
        }
        self.sql.push(')');
        self
    }

    /// Appends `column IN (the ids of the scope's organisations)`.
    pub fn push_in_scope(&mut self, column: &str, scope: &OrgScope) -> &mut Self {
        self.push(column)
            .push(" IN (SELECT id FROM orgs WHERE path LIKE ")
            .bind(format!("{}%", scope.path))
            .push(")")
    }

    pub fn sql(&self) -> &str {
        &self.sql
    }

    pub fn values(&self) -> &[Value] {
        &self.values
    }

    /// The statement with its values, ready to run.
    pub fn to_query(&self) -> Query {
        Query::from_parts(self.sql.clone(), self.values.clone())
    }

    pub async fn execute(&self, conn: &mut Conn) -> Result<u64, DbError> {
        conn.execute(&self.to_query()).await
    }

    pub async fn fetch_all(&self, conn: &mut Conn) -> Result<Vec<Row>, DbError> {
        conn.fetch_all(&self.to_query()).await
    }

    pub async fn fetch_optional(&self, conn: &mut Conn) -> Result<Option<Row>, DbError> {
        conn.fetch_optional(&self.to_query()).await
    }

    pub async fn fetch_one(&self, conn: &mut Conn) -> Result<Row, DbError> {
        self.to_query().fetch_one(conn).await
    }

    /// Reads each row with `f` as it comes (see [`Query::map`]).
    pub async fn map<T>(
        &self,
        conn: &mut Conn,
        f: impl FnMut(&Row) -> Result<T, DbError>,
    ) -> Result<Vec<T>, DbError> {
        conn.map(&self.to_query(), f).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_placeholders_in_order() {
        let mut p = Params::new("SELECT * FROM t WHERE a = ");
        p.bind("x")
            .push(" AND b IN ")
            .bind_list([1i64, 2])
            .push(" AND c IN ")
            .bind_list(Vec::<i64>::new());
        assert_eq!(
            p.sql(),
            "SELECT * FROM t WHERE a = $1 AND b IN ($2, $3) AND c IN (NULL)"
        );
    }

    #[test]
    fn an_appended_statement_is_renumbered() {
        let mut tail = Params::new("FROM t WHERE a = ");
        tail.bind("x").push(" AND b = '$1' AND c = ").bind(2i64);
        let mut q = Params::new("SELECT ");
        q.bind(7i64).push(" ");
        q.append(&tail).push(" LIMIT ").bind(5i64);
        assert_eq!(
            q.sql(),
            "SELECT $1 FROM t WHERE a = $2 AND b = '$1' AND c = $3 LIMIT $4"
        );
        assert_eq!(
            q.values,
            vec![
                Value::Int(7),
                Value::Text("x".into()),
                Value::Int(2),
                Value::Int(5)
            ]
        );
    }

    #[test]
    fn reads_a_scope_as_a_subquery_with_one_value() {
        let scope = OrgScope::under("/a/b/");
        let mut p = Params::new("SELECT * FROM t WHERE ");
        p.push_in_scope("t.org_id", &scope)
            .push(" AND x = ")
            .bind(1i64);
        assert_eq!(
            p.sql(),
            "SELECT * FROM t WHERE t.org_id IN (SELECT id FROM orgs WHERE path LIKE $1) AND x = $2"
        );
        assert_eq!(p.values, vec![Value::Text("/a/b/%".into()), Value::Int(1)]);
        assert_eq!(p.to_query().values(), p.values());
        assert!(scope.contains_path("/a/b/c/"));
        assert!(!scope.contains_path("/a/bc/"));
    }
}
