//! Shared helpers for the integration tests (included with `#[path]` by each test file).

#![allow(dead_code)]

use pf_mock_apis::{MockApis, MockConfig};
use reqwest::header::HeaderMap;
use serde_json::Value;
use std::time::Duration;

pub const KEY: &str = pf_mock_apis::DEMO_BUILTWITH_KEY;
pub const SW_KEY: &str = pf_mock_apis::DEMO_SIMILARWEB_KEY;
pub const UA: &str = pf_mock_apis::DEMO_SEC_USER_AGENT;

/// A mock whose slow answers take 300 ms (tests of the 3 s default start their own).
pub async fn mock() -> MockApis {
    let config = MockConfig {
        slow_delay: Duration::from_millis(300),
        ..MockConfig::default()
    };
    MockApis::start_with(config, 0).await.expect("mock starts")
}

/// A client that does not follow redirects.
pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
}

/// A response's status, headers and body bytes.
pub struct Got {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl Got {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text()))
    }
    pub fn header(&self, name: &str) -> Option<String> {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    }
}

pub async fn send(req: reqwest::RequestBuilder) -> Got {
    let resp = req.send().await.expect("request is answered");
    let status = resp.status().as_u16();
    let headers = resp.headers().clone();
    let body = resp.bytes().await.expect("body").to_vec();
    Got {
        status,
        headers,
        body,
    }
}

pub async fn get(url: &str) -> Got {
    send(client().get(url)).await
}
