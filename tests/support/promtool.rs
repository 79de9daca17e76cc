//! The real `promtool check metrics` and the metric families issue 6 asks for, shared by the
//! engine's and the sync server's metrics tests (each includes this file with `#[path]`). Absent promtool skips the check locally and fails
//! on CI, where `scripts/install-deps.sh` installs it.

use std::io::Write as _;
use std::process::{Command, Stdio};

/// The families both the app and the server expose, with their Prometheus types.
pub const FAMILIES: [(&str, &str); 7] = [
    ("enrichment_total", "counter"),
    ("module_executions_total", "counter"),
    ("enrichment_duration_seconds", "histogram"),
    ("api_call_duration_seconds", "histogram"),
    ("circuit_breaker_state", "gauge"),
    ("rate_limiter_available_tokens", "gauge"),
    ("spend_usd_total", "counter"),
];

/// Runs the real `promtool check metrics`; `None` when promtool is not installed.
pub fn promtool_check(text: &str) -> Option<(bool, String)> {
    let mut child = match Command::new("promtool")
        .args(["check", "metrics"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
    {
        Ok(c) => c,
        Err(_) => {
            assert!(
                std::env::var_os("CI").is_none(),
                "promtool is missing on CI (apt-get install prometheus)"
            );
            eprintln!("promtool not installed: skipping its check");
            return None;
        }
    };
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(text.as_bytes())
        .expect("write");
    let out = child.wait_with_output().expect("promtool ran");
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    Some((out.status.success(), said))
}
