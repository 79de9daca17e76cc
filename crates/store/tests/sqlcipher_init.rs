//! SQLCipher finishes its own start-up after SQLite reports itself initialised, so a connection
//! keyed on another thread in that moment failed with "An error occurred with PRAGMA key" (a
//! store that would not open, once in a few hundred starts). Each child process here keys
//! eight connections at the same instant, right at its start, after
//! [`pf_store::sqlcipher_ready`]; every one must succeed.

use rusqlite::Connection;
use std::process::Command;
use std::sync::{Arc, Barrier};

const CHILD_ENV: &str = "PF_SQLCIPHER_INIT_CHILD";
const THREADS: usize = 8;
const CHILDREN: usize = 200;

fn key_at_once() -> Vec<Result<(), String>> {
    let barrier = Arc::new(Barrier::new(THREADS));
    let threads: Vec<_> = (0..THREADS)
        .map(|_| {
            let barrier = Arc::clone(&barrier);
            std::thread::spawn(move || {
                barrier.wait();
                pf_store::sqlcipher_ready();
                let conn = Connection::open_in_memory().map_err(|e| e.to_string())?;
                conn.pragma_update(None, "key", format!("x'{}'", "ab".repeat(32)))
                    .map_err(|e| e.to_string())?;
                conn.execute_batch("CREATE TABLE t (x); INSERT INTO t VALUES (1);")
                    .map_err(|e| e.to_string())
            })
        })
        .collect();
    threads
        .into_iter()
        .map(|t| t.join().unwrap_or_else(|_| Err("thread panicked".into())))
        .collect()
}

#[test]
fn connections_keyed_at_once_in_a_fresh_process_all_open() {
    if std::env::var_os(CHILD_ENV).is_some() {
        for r in key_at_once() {
            r.expect("a connection keyed at start-up");
        }
        return;
    }
    let exe = std::env::current_exe().expect("test binary");
    let mut failed = Vec::new();
    for _ in 0..CHILDREN {
        let out = Command::new(&exe)
            .args([
                "--exact",
                "connections_keyed_at_once_in_a_fresh_process_all_open",
                "--nocapture",
            ])
            .env(CHILD_ENV, "1")
            .output()
            .expect("run a child");
        if !out.status.success() {
            failed.push(
                String::from_utf8_lossy(&out.stderr)
                    .lines()
                    .take(3)
                    .collect::<Vec<_>>()
                    .join(" | "),
            );
        }
    }
    assert!(
        failed.is_empty(),
        "{} of {CHILDREN} fresh processes failed to key a connection: {:?}",
        failed.len(),
        failed.first()
    );
}
