//! Dynamic SQL with numbered parameters (`$1`, `$2`, …), which both backends read.
//! Filters on list pages are built with this; values are always bound, never spliced.

use sqlx::Any;
use sqlx::any::AnyArguments;
use sqlx::query::Query;

#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Text(String),
    Int(i64),
    Null,
}

impl From<&str> for Value {
    fn from(v: &str) -> Self {
        Value::Text(v.to_string())
    }
}
impl From<String> for Value {
    fn from(v: String) -> Self {
        Value::Text(v)
    }
}
impl From<&String> for Value {
    fn from(v: &String) -> Self {
        Value::Text(v.clone())
    }
}
impl From<i64> for Value {
    fn from(v: i64) -> Self {
        Value::Int(v)
    }
}
impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(v: Option<T>) -> Self {
        v.map(Into::into).unwrap_or(Value::Null)
    }
}

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
    pub fn bind(&mut self, value: impl Into<Value>) -> &mut Self {
        self.values.push(value.into());
        self.sql.push_str(&format!("${}", self.values.len()));
        self
    }

    /// Appends `(p1, p2, …)` bound to the values; `(NULL)` when there are none, which matches
    /// nothing in an IN list.
    pub fn bind_list<V: Into<Value>>(&mut self, values: impl IntoIterator<Item = V>) -> &mut Self {
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

    /// The query with every value bound, ready to execute or fetch.
    pub fn query(&self) -> Query<'_, Any, AnyArguments> {
        // Values are always bound; the text holds only fazhi's own SQL and placeholders.
        let mut q = sqlx::query(sqlx::AssertSqlSafe(self.sql.clone()));
        for v in &self.values {
            q = match v {
                Value::Text(s) => q.bind(s.as_str()),
                Value::Int(n) => q.bind(*n),
                Value::Null => q.bind(Option::<String>::None),
            };
        }
        q
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
        assert!(scope.contains_path("/a/b/c/"));
        assert!(!scope.contains_path("/a/bc/"));
    }
}
