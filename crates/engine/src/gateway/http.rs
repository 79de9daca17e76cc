//! One HTTP exchange: redirects followed by hand (and recorded), a deadline, and a body-size cap
//! enforced while reading. Errors never carry the URL, which may hold a key.

use bytes::Bytes;
use std::time::Instant;

use super::{CallSpec, Gateway, Reply};
use crate::source::SourceError;

impl Gateway {
    /// One request with redirects followed by hand, a timeout and a size cap.
    pub(super) async fn fetch(&self, spec: &CallSpec) -> Result<Reply, SourceError> {
        let s = &self.inner.settings;
        let mut url = spec.url.clone();
        let mut redirects = Vec::new();
        let deadline = Instant::now() + s.timeout;
        loop {
            let mut req = self.inner.http.get(url.clone());
            for (k, v) in &spec.headers {
                req = req.header(k, v);
            }
            let left = deadline.saturating_duration_since(Instant::now());
            let timeout_ms = u64::try_from(s.timeout.as_millis()).unwrap_or(u64::MAX);
            let resp = tokio::time::timeout(left, req.send())
                .await
                .map_err(|_| SourceError::Timeout(timeout_ms))?
                .map_err(|e| SourceError::Network(network_message(&e)))?;
            let status = resp.status().as_u16();
            if (300..400).contains(&status)
                && status != 304
                && let Some(next) = resp
                    .headers()
                    .get("location")
                    .and_then(|l| l.to_str().ok())
                    .and_then(|l| url.join(l).ok())
            {
                redirects.push(url.clone());
                if redirects.len() > s.max_redirects {
                    return Err(SourceError::Upstream {
                        status,
                        detail: format!("more than {} redirects", s.max_redirects),
                    });
                }
                url = next;
                continue;
            }
            let headers: Vec<(String, String)> = resp
                .headers()
                .iter()
                .map(|(k, v)| {
                    (
                        k.as_str().to_owned(),
                        String::from_utf8_lossy(v.as_bytes()).into_owned(),
                    )
                })
                .collect();
            if let Some(len) = resp.content_length()
                && len > s.max_body_bytes as u64
            {
                return Err(SourceError::TooLarge {
                    limit: s.max_body_bytes,
                });
            }
            let body = tokio::time::timeout(
                deadline.saturating_duration_since(Instant::now()),
                read_capped(resp, s.max_body_bytes),
            )
            .await
            .map_err(|_| SourceError::Timeout(timeout_ms))??;
            return Ok(Reply {
                status,
                headers,
                body,
                final_url: url,
                redirects,
            });
        }
    }
}

async fn read_capped(mut resp: reqwest::Response, cap: usize) -> Result<Bytes, SourceError> {
    let mut buf = Vec::new();
    while let Some(chunk) = resp
        .chunk()
        .await
        .map_err(|e| SourceError::Network(network_message(&e)))?
    {
        if buf.len() + chunk.len() > cap {
            return Err(SourceError::TooLarge { limit: cap });
        }
        buf.extend_from_slice(&chunk);
    }
    Ok(Bytes::from(buf))
}

/// A network error without the URL (which may carry a key in its query).
fn network_message(e: &reqwest::Error) -> String {
    let kind = if e.is_connect() {
        "connection failed"
    } else if e.is_timeout() {
        "timed out"
    } else if e.is_body() || e.is_decode() {
        "broken response body"
    } else {
        "request failed"
    };
    let mut source = std::error::Error::source(e);
    let mut detail = String::new();
    while let Some(s) = source {
        detail = s.to_string();
        source = s.source();
    }
    if detail.is_empty() {
        kind.to_owned()
    } else {
        format!("{kind}: {detail}")
    }
}
