//! The `partnerforge-mock-apis` binary prints its base URL first and serves it.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

/// Kills the child when the test ends, pass or fail.
struct Child(std::process::Child);

impl Drop for Child {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test]
async fn prints_its_url_first_and_serves_until_killed() {
    let mut child = Child(
        Command::new(env!("CARGO_BIN_EXE_partnerforge-mock-apis"))
            .args(["--port", "0"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("the binary starts"),
    );
    let stdout = child.0.stdout.take().expect("stdout");
    let mut first = String::new();
    BufReader::new(stdout)
        .read_line(&mut first)
        .expect("a first line");
    let base = first.trim();
    assert!(base.starts_with("http://127.0.0.1:"), "{base:?}");
    let port: u16 = base
        .rsplit(':')
        .next()
        .and_then(|p| p.parse().ok())
        .expect("a port");
    assert_ne!(port, 0);
    let index: serde_json::Value = reqwest::get(base)
        .await
        .expect("answers")
        .json()
        .await
        .expect("JSON index");
    assert_eq!(index["name"], "partnerforge-mock-apis");
    assert_eq!(index["sources"]["builtwith"], format!("{base}/builtwith"));
    let key = pf_mock_apis::DEMO_BUILTWITH_KEY;
    let bw = reqwest::get(format!(
        "{base}/builtwith/v22/api.json?KEY={key}&LOOKUP=costco.com"
    ))
    .await
    .expect("answers");
    assert_eq!(bw.status(), 200);
    let calls: serde_json::Value = reqwest::get(format!("{base}/__calls"))
        .await
        .expect("answers")
        .json()
        .await
        .expect("JSON");
    assert_eq!(calls[0]["count"], 1);
    child.0.kill().expect("killed");
    child.0.wait().expect("exits");
    assert!(reqwest::get(base).await.is_err(), "gone once killed");
}
