//! The database URL, chosen once at the edge. Its Debug and Display hide the password.

use std::fmt;
use std::path::Path;

use crate::DbError;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

#[derive(Clone, PartialEq, Eq)]
pub struct DatabaseUrl {
    raw: String,
    backend: Backend,
}

impl DatabaseUrl {
    pub fn parse(text: &str) -> Result<DatabaseUrl, DbError> {
        let raw = text.trim().to_string();
        let backend = if raw.starts_with("postgres://") || raw.starts_with("postgresql://") {
            let parsed = url::Url::parse(&raw).map_err(|e| DbError::BadUrl {
                url: redact(&raw),
                reason: e.to_string(),
            })?;
            if parsed.host_str().is_none_or(str::is_empty) {
                return Err(DbError::BadUrl {
                    url: redact(&raw),
                    reason: "缺少主机名".into(),
                });
            }
            Backend::Postgres
        } else if raw.starts_with("sqlite:") {
            Backend::Sqlite
        } else {
            return Err(DbError::BadUrl {
                url: redact(&raw),
                reason: "数据库地址应以 sqlite:// 或 postgres:// 开头".into(),
            });
        };
        Ok(DatabaseUrl { raw, backend })
    }

    /// The SQLite file `path`, created when missing.
    pub fn sqlite_file(path: &Path) -> DatabaseUrl {
        DatabaseUrl {
            raw: format!("sqlite://{}?mode=rwc", path.display()),
            backend: Backend::Sqlite,
        }
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The URL with its password replaced by ***.
    pub fn redacted(&self) -> String {
        redact(&self.raw)
    }

    pub(crate) fn expose(&self) -> &str {
        &self.raw
    }
}

fn redact(raw: &str) -> String {
    match url::Url::parse(raw) {
        Ok(mut url)
            if url.password().is_some() || url.query().is_some_and(|q| q.contains("password")) =>
        {
            if url.password().is_some() {
                let _ = url.set_password(Some("***"));
            }
            let pairs: Vec<(String, String)> = url
                .query_pairs()
                .map(|(k, v)| {
                    let v = if k.eq_ignore_ascii_case("password") {
                        "***".to_string()
                    } else {
                        v.into_owned()
                    };
                    (k.into_owned(), v)
                })
                .collect();
            if !pairs.is_empty() {
                url.query_pairs_mut().clear().extend_pairs(pairs);
            }
            url.to_string().replace("%2A%2A%2A", "***")
        }
        Ok(_) => raw.to_string(),
        // Unparseable: keep only the scheme rather than risk printing a secret.
        Err(_) => match raw.split_once("://") {
            Some((scheme, _)) => format!("{scheme}://…"),
            None => "(无法解析的地址)".into(),
        },
    }
}

impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DatabaseUrl({})", self.redacted())
    }
}

impl fmt::Display for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.redacted())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_and_display_hide_the_password() {
        let url = DatabaseUrl::parse("postgres://fazhi:s3cret@db.example:5432/fazhi").unwrap();
        assert_eq!(
            format!("{url:?}"),
            "DatabaseUrl(postgres://fazhi:***@db.example:5432/fazhi)"
        );
        assert_eq!(
            url.to_string(),
            "postgres://fazhi:***@db.example:5432/fazhi"
        );
        let q = DatabaseUrl::parse("postgres://db.example/fazhi?user=a&password=s3cret").unwrap();
        assert!(!format!("{q:?}").contains("s3cret"), "{q:?}");
        assert_eq!(url.backend(), Backend::Postgres);
    }

    #[test]
    fn refuses_unknown_schemes() {
        let err = DatabaseUrl::parse("mysql://root:pw@localhost/x").unwrap_err();
        assert!(!err.to_string().contains("pw@"), "{err}");
        assert!(DatabaseUrl::parse("postgres:///nohost").is_err());
        assert_eq!(
            DatabaseUrl::parse("sqlite://x.db").unwrap().backend(),
            Backend::Sqlite
        );
    }
}
