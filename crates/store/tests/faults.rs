//! The store under faults: a full disk (SQLite's real `SQLITE_FULL`, reached through a page
//! limit so it works on any machine) fails the write with `store.disk_full`, loses nothing
//! committed before it and succeeds once there is room again; and a writer process killed with
//! SIGKILL in the middle of a stream of transactions leaves an intact database holding every
//! transaction it reported committed, each one whole.

mod common;

use common::{PASSPHRASE, account, open};
use pf_core::Domain;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Accounts written per transaction by the child writer.
const PER_TX: usize = 50;
/// Set (to a data directory) in the child process that [`fault_child_writer`] runs in.
const CHILD_ENV: &str = "PF_STORE_FAULT_CHILD_DIR";

fn csv(prefix: &str, n: usize) -> String {
    let mut s = String::from("domain,name,industry,employees\n");
    for i in 0..n {
        s.push_str(&format!(
            "{prefix}-{i}-example.com,{prefix} company {i},retail,{}\n",
            100 + i
        ));
    }
    s
}

#[test]
fn a_full_disk_fails_the_write_with_store_disk_full_and_loses_nothing_committed() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = open(dir.path());
    let first = store
        .import_csv(csv("before", 200).as_bytes())
        .expect("first import");
    assert_eq!(first.imported, 200);

    // No room beyond the pages the database has now: the next big write cannot fit.
    let pages = store.page_count().expect("page count");
    let cap = store.set_max_page_count(Some(pages)).expect("cap");
    assert_eq!(cap, pages);
    let big = csv("after", 3000);
    let err = store
        .import_csv(big.as_bytes())
        .expect_err("the disk is full");
    assert_eq!(err.code(), "store.disk_full", "{err}");
    assert!(err.is_disk_full());
    assert!(
        err.to_string().contains("disk is full") && err.to_string().contains("nothing was written"),
        "the user is told what happened: {err}"
    );
    assert_eq!(
        store.count_accounts().expect("count"),
        200,
        "all or nothing"
    );
    store
        .integrity_check()
        .expect("intact after the failed write");
    assert!(
        store
            .account_by_domain(&Domain::parse("before-199-example.com").expect("domain"))
            .expect("read")
            .is_some()
    );
    assert!(
        store
            .account_by_domain(&Domain::parse("after-0-example.com").expect("domain"))
            .expect("read")
            .is_none(),
        "nothing of the failed import is visible"
    );

    // Space is freed: the same write goes through, on the same connection.
    store.set_max_page_count(None).expect("lift the cap");
    let again = store.import_csv(big.as_bytes()).expect("retry");
    assert_eq!(again.imported, 3000);
    assert_eq!(store.count_accounts().expect("count"), 3200);
    store.integrity_check().expect("intact");

    // And the committed data survives a reopen.
    drop(store);
    let store = open(dir.path());
    assert_eq!(store.count_accounts().expect("count"), 3200);
    store.integrity_check().expect("intact after reopen");
}

#[test]
fn a_single_write_on_a_full_disk_is_refused_whole() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = open(dir.path());
    store.import_csv(csv("seed", 20).as_bytes()).expect("seed");
    let pages = store.page_count().expect("pages");
    store.set_max_page_count(Some(pages)).expect("cap");
    // Upserts one by one until one does not fit: each either commits or fails with the code.
    let mut stored = 20_u64;
    let mut failed = None;
    for i in 0..20_000 {
        let name = format!("{:-<400}", format!("padded company {i}"));
        match store.upsert_account(&account(&format!("one-{i}-example.com"), &name)) {
            Ok(_) => stored += 1,
            Err(e) => {
                failed = Some(e);
                break;
            }
        }
    }
    let err = failed.expect("the page limit was reached");
    assert_eq!(err.code(), "store.disk_full", "{err}");
    assert_eq!(store.count_accounts().expect("count"), stored);
    store.integrity_check().expect("intact");
}

/// Not a test of its own: the child process of
/// [`a_writer_killed_mid_stream_keeps_every_transaction_it_reported_committed`]. It writes
/// transactions of [`PER_TX`] accounts and prints `committed N` after each commit, until killed.
#[test]
fn fault_child_writer() {
    let Some(dir) = std::env::var_os(CHILD_ENV) else {
        return;
    };
    let store = open(Path::new(&dir));
    for tx in 0..100_000_usize {
        store
            .batch(|s| {
                for j in 0..PER_TX {
                    s.upsert_account(&account(
                        &format!("tx{tx}-{j}-example.com"),
                        &format!("Transaction {tx} account {j}"),
                    ))?;
                }
                Ok(())
            })
            .expect("write");
        println!("committed {tx}");
    }
}

/// Runs the child writer, SIGKILLs it once it has reported `after` commits, and returns every
/// transaction number it reported committed (including any printed while the kill was on its
/// way).
fn kill_writer_after(dir: &Path, after: usize) -> Vec<usize> {
    let mut child = Command::new(std::env::current_exe().expect("test binary"))
        .args([
            "--exact",
            "fault_child_writer",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD_ENV, dir)
        .env("PARTNERFORGE_PASSPHRASE", PASSPHRASE)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn the writer");
    let out = BufReader::new(child.stdout.take().expect("stdout"));
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut committed = Vec::new();
    let mut killed = false;
    for line in out.lines() {
        let Ok(line) = line else { break };
        if let Some(n) = line.strip_prefix("committed ") {
            committed.push(n.trim().parse::<usize>().expect("a transaction number"));
        }
        if !killed && (committed.len() >= after || Instant::now() > deadline) {
            child.kill().expect("SIGKILL the writer");
            killed = true;
        }
    }
    let status = child.wait().expect("wait");
    assert!(
        !status.success(),
        "the writer was killed, it did not finish: {status:?}"
    );
    assert!(
        committed.len() >= after,
        "the writer reported only {} commits in 20 s",
        committed.len()
    );
    committed
}

#[test]
fn a_writer_killed_mid_stream_keeps_every_transaction_it_reported_committed() {
    // Killed right after the first commit, a few commits in, and well into the stream.
    for after in [1, 4, 15] {
        let dir = tempfile::tempdir().expect("tempdir");
        let committed = kill_writer_after(dir.path(), after);
        let store = open(dir.path());
        store
            .integrity_check()
            .unwrap_or_else(|e| panic!("killed after {after} commits: {e}"));
        let count = store.count_accounts().expect("count");
        let per = PER_TX as u64;
        assert_eq!(
            count % per,
            0,
            "a transaction is whole or absent, never half there ({count} accounts)"
        );
        let reported = committed.len() as u64;
        assert!(
            count >= reported * per && count <= (reported + 1) * per,
            "{reported} commits reported, {count} accounts found"
        );
        for tx in &committed {
            for j in [0, PER_TX - 1] {
                let d = Domain::parse(&format!("tx{tx}-{j}-example.com")).expect("domain");
                assert!(
                    store.account_by_domain(&d).expect("read").is_some(),
                    "transaction {tx} was reported committed but {d} is missing"
                );
            }
        }
        // The store takes writes again after the crash.
        store
            .upsert_account(&account("after-the-kill-example.com", "After"))
            .expect("write after the kill");
        store.integrity_check().expect("intact");
    }
}
