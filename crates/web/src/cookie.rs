//! The two cookies fazhi sets, read and written by hand: both HttpOnly and SameSite.

use axum::http::{HeaderMap, HeaderValue, header};

/// The session token (its SM3 hash is what the database holds).
pub const SESSION: &str = "fazhi_session";
/// The CSRF token of forms shown before login (double-submit).
pub const CSRF: &str = "fazhi_csrf";

/// The value of cookie `name` in the request.
pub fn get(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
        .filter(|v| !v.is_empty())
}

/// A Set-Cookie header. `max_age` None is a browser-session cookie; Some(0) deletes it.
pub fn set(
    name: &str,
    value: &str,
    max_age: Option<i64>,
    same_site: &str,
    secure: bool,
) -> (header::HeaderName, HeaderValue) {
    let mut text = format!("{name}={value}; Path=/; HttpOnly; SameSite={same_site}");
    if let Some(age) = max_age {
        text.push_str(&format!("; Max-Age={age}"));
    }
    if secure {
        text.push_str("; Secure");
    }
    (
        header::SET_COOKIE,
        HeaderValue::from_str(&text).unwrap_or_else(|_| HeaderValue::from_static("")),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_among_several() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::COOKIE,
            HeaderValue::from_static("a=1; fazhi_session=abc; b=2"),
        );
        assert_eq!(get(&headers, SESSION).as_deref(), Some("abc"));
        assert_eq!(get(&headers, CSRF), None);
        let (_, v) = set(SESSION, "x", None, "Lax", true);
        assert_eq!(
            v.to_str().unwrap(),
            "fazhi_session=x; Path=/; HttpOnly; SameSite=Lax; Secure"
        );
    }
}
