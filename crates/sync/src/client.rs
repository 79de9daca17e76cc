//! [`SyncClient`]: the async HTTP client of the sync API. It speaks the wire types and nothing
//! else; the caller applies the changes it pulls to its own store.

mod admin;
mod privacy;

use reqwest::{Method, StatusCode};
use serde::Serialize;
use serde::de::DeserializeOwned;
use url::Url;

use crate::wire::{
    ChangesPage, CommitRequest, Lease, LeaseRequest, Me, ReleaseRequest, Reservation,
    ReserveRequest, Settlement, UsageAck, UsageBatch,
};
use crate::{Cursor, ErrorBody, SyncError};

/// A client for one sync server, acting as one user (their bearer token).
#[derive(Clone)]
pub struct SyncClient {
    http: reqwest::Client,
    base: Url,
    token: String,
}

impl std::fmt::Debug for SyncClient {
    // Never prints the token.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SyncClient")
            .field("base", &self.base.as_str())
            .finish_non_exhaustive()
    }
}

impl SyncClient {
    /// A client for the server at `base` (e.g. `https://sync.example.com/`) with a fresh
    /// connection pool.
    pub fn new(base: &str, token: impl Into<String>) -> Result<Self, SyncError> {
        let http = reqwest::Client::builder()
            .timeout(std::time::Duration::from_secs(30))
            .build()
            .map_err(SyncError::Transport)?;
        Self::with_http(http, base, token)
    }

    /// A client sharing an existing `reqwest` client (and its connection pool).
    pub fn with_http(
        http: reqwest::Client,
        base: &str,
        token: impl Into<String>,
    ) -> Result<Self, SyncError> {
        let mut base = Url::parse(base).map_err(|_| SyncError::BadUrl(base.to_owned()))?;
        if !matches!(base.scheme(), "http" | "https") || base.cannot_be_a_base() {
            return Err(SyncError::BadUrl(base.to_string()));
        }
        if !base.path().ends_with('/') {
            let path = format!("{}/", base.path());
            base.set_path(&path);
        }
        Ok(Self {
            http,
            base,
            token: token.into(),
        })
    }

    /// The same server as another user.
    pub fn as_user(&self, token: impl Into<String>) -> Self {
        Self {
            token: token.into(),
            ..self.clone()
        }
    }

    /// The server's base URL.
    pub fn base(&self) -> &Url {
        &self.base
    }

    fn url(&self, path: &str) -> Result<Url, SyncError> {
        self.base
            .join(path.trim_start_matches('/'))
            .map_err(|_| SyncError::BadUrl(path.to_owned()))
    }

    /// Sends a request and reads the JSON answer or the error body.
    pub(crate) async fn call<B: Serialize + ?Sized, T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: Option<&B>,
    ) -> Result<T, SyncError> {
        let mut req = self
            .http
            .request(method, self.url(path)?)
            .bearer_auth(&self.token);
        if let Some(body) = body {
            req = req.json(body);
        }
        let resp = req.send().await.map_err(SyncError::Transport)?;
        read(resp).await
    }

    /// `GET /healthz` (no token needed): true when the server answers 200.
    pub async fn health(&self) -> Result<bool, SyncError> {
        let resp = self
            .http
            .get(self.url("healthz")?)
            .send()
            .await
            .map_err(SyncError::Transport)?;
        Ok(resp.status() == StatusCode::OK)
    }

    /// `GET /v1/me`.
    pub async fn me(&self) -> Result<Me, SyncError> {
        self.call::<(), _>(Method::GET, "v1/me", None).await
    }

    /// `GET /v1/changes?since=CURSOR&limit=N`: one page.
    pub async fn changes(
        &self,
        since: Cursor,
        limit: Option<u32>,
    ) -> Result<ChangesPage, SyncError> {
        let mut path = format!("v1/changes?since={}", since.encode());
        if let Some(limit) = limit {
            path.push_str(&format!("&limit={limit}"));
        }
        self.call::<(), _>(Method::GET, &path, None).await
    }

    /// Pulls every page after `since` and returns them all with the final cursor. Pages are
    /// fetched in order; on an error nothing is returned and the caller keeps its old cursor.
    pub async fn changes_all(
        &self,
        since: Cursor,
        limit: Option<u32>,
    ) -> Result<(Vec<crate::wire::Change>, Cursor), SyncError> {
        let mut cursor = since;
        let mut all = Vec::new();
        loop {
            let page = self.changes(cursor, limit).await?;
            all.extend(page.changes);
            cursor = page.next;
            if !page.more {
                return Ok((all, cursor));
            }
        }
    }

    /// `POST /v1/usage`: idempotent by record id.
    pub async fn push_usage(&self, batch: &UsageBatch) -> Result<UsageAck, SyncError> {
        self.call(Method::POST, "v1/usage", Some(batch)).await
    }

    /// `POST /v1/budget/reserve`.
    pub async fn reserve(&self, req: &ReserveRequest) -> Result<Reservation, SyncError> {
        self.call(Method::POST, "v1/budget/reserve", Some(req))
            .await
    }

    /// `POST /v1/budget/commit`.
    pub async fn commit(&self, req: &CommitRequest) -> Result<Settlement, SyncError> {
        self.call(Method::POST, "v1/budget/commit", Some(req)).await
    }

    /// `POST /v1/budget/release`.
    pub async fn release(&self, req: &ReleaseRequest) -> Result<Settlement, SyncError> {
        self.call(Method::POST, "v1/budget/release", Some(req))
            .await
    }

    /// `POST /v1/ratelimit/lease`.
    pub async fn lease(&self, req: &LeaseRequest) -> Result<Lease, SyncError> {
        self.call(Method::POST, "v1/ratelimit/lease", Some(req))
            .await
    }
}

async fn read<T: DeserializeOwned>(resp: reqwest::Response) -> Result<T, SyncError> {
    let status = resp.status();
    let bytes = resp.bytes().await.map_err(SyncError::Transport)?;
    if status.is_success() {
        return serde_json::from_slice(&bytes).map_err(|e| SyncError::Decode(e.to_string()));
    }
    match serde_json::from_slice::<ErrorBody>(&bytes) {
        Ok(body) => Err(SyncError::Server {
            status: status.as_u16(),
            body,
        }),
        Err(_) => Err(SyncError::Status {
            status: status.as_u16(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_urls_get_a_trailing_slash_and_bad_ones_are_refused() {
        let c = SyncClient::new("http://127.0.0.1:8787/sync", "t").expect("valid");
        assert_eq!(
            c.url("v1/me").map(|u| u.to_string()).ok().as_deref(),
            Some("http://127.0.0.1:8787/sync/v1/me")
        );
        assert!(matches!(
            SyncClient::new("ftp://x", "t"),
            Err(SyncError::BadUrl(_))
        ));
        assert!(matches!(
            SyncClient::new("not a url", "t"),
            Err(SyncError::BadUrl(_))
        ));
    }

    #[test]
    fn debug_output_never_shows_the_token() {
        let c = SyncClient::new("http://127.0.0.1:1/", "pfs_secret").expect("valid");
        assert!(!format!("{c:?}").contains("pfs_secret"));
    }
}
