//! Small response builders shared by the providers.

use axum::body::Body;
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use std::collections::HashMap;

/// A JSON body with the given status.
pub fn json(status: StatusCode, value: &serde_json::Value) -> Response {
    bytes(
        status,
        "application/json; charset=utf-8",
        value.to_string().into_bytes(),
    )
}

/// A plain-text body.
pub fn text(status: StatusCode, body: &str) -> Response {
    bytes(
        status,
        "text/plain; charset=utf-8",
        body.as_bytes().to_vec(),
    )
}

/// An HTML body.
pub fn html(status: StatusCode, body: String) -> Response {
    bytes(status, "text/html; charset=utf-8", body.into_bytes())
}

/// Any body with a content type.
pub fn bytes(status: StatusCode, content_type: &'static str, body: impl Into<Body>) -> Response {
    (status, [(header::CONTENT_TYPE, content_type)], body.into()).into_response()
}

/// Adds (appends) a header; invalid names or values are skipped.
pub fn with_header(mut resp: Response, name: &str, value: &str) -> Response {
    if let (Ok(n), Ok(v)) = (
        HeaderName::from_bytes(name.as_bytes()),
        HeaderValue::from_str(value),
    ) {
        resp.headers_mut().append(n, v);
    }
    resp
}

/// A redirect with a `Location` header.
pub fn redirect(status: StatusCode, location: &str) -> Response {
    let resp = html(
        status,
        format!("<html><body>Moved to <a href=\"{location}\">{location}</a></body></html>"),
    );
    with_header(resp, "location", location)
}

/// A query parameter, matched case-insensitively on its name (BuiltWith uses `KEY`, `LOOKUP`).
pub fn param<'a>(query: &'a HashMap<String, String>, name: &str) -> Option<&'a str> {
    query
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// Whether a yes/no flag parameter is set (`yes`, `true`, `1`).
pub fn flag(query: &HashMap<String, String>, name: &str) -> bool {
    param(query, name)
        .is_some_and(|v| matches!(v.to_ascii_lowercase().as_str(), "yes" | "true" | "1"))
}

/// A generic HTML error page, as a web server or CDN in front of an API would send.
pub fn error_page(status: StatusCode) -> Response {
    let code = status.as_u16();
    let reason = status.canonical_reason().unwrap_or("Error");
    html(
        status,
        format!(
            "<!DOCTYPE html>\n<html>\n<head><title>{code} {reason}</title></head>\n<body>\n<center><h1>{code} {reason}</h1></center>\n<hr><center>nginx</center>\n</body>\n</html>\n"
        ),
    )
}
