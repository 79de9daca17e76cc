//! Store benchmarks, printed as a table: `cargo bench -p pf-store --bench store`.
//!
//! Builds a store with 10,000 accounts, 50,000 intelligence documents and 200,000 history
//! snapshots, encrypted (SQLCipher, raw key as from the keyring) and unencrypted, and measures:
//! open-to-first-query, reading one account's full intelligence (p50/p99), FTS search
//! (p50/p99), and importing the 1,000-row Fortune file. `PF_BENCH_ACCOUNTS` scales it down.

use pf_core::{AccountId, Domain, Intelligence, ModuleId, NewAccount, SourceId, SourceRef};
use pf_store::{KeySource, OpenOptions, Store};
use std::path::Path;
use std::time::{Duration, Instant};

const MODULES: [ModuleId; 5] = [
    ModuleId::COMPANY_PROFILE,
    ModuleId::TECH_STACK,
    ModuleId::TRAFFIC,
    ModuleId::HIRING,
    ModuleId::SEARCH_PROVIDER,
];
const VERSIONS: usize = 4;
/// Technologies named in tech-stack documents (real names; a long tail like real stacks).
const TECH: &[&str] = &[
    "Algolia",
    "Elasticsearch",
    "Coveo",
    "Constructor",
    "Bloomreach",
    "Klevu",
    "Searchspring",
    "Lucidworks",
    "Yext",
    "Doofinder",
    "Swiftype",
    "Typesense",
    "Meilisearch",
    "Shopify",
    "Magento",
    "BigCommerce",
    "Salesforce Commerce Cloud",
    "SAP Commerce",
    "WooCommerce",
    "commercetools",
    "VTEX",
    "Adobe Analytics",
    "Google Analytics",
    "Google Tag Manager",
    "Tealium",
    "Segment",
    "Optimizely",
    "Contentful",
    "Adobe Experience Manager",
    "WordPress",
    "Drupal",
    "Sitecore",
    "Akamai",
    "Cloudflare",
    "Fastly",
    "New Relic",
    "Datadog",
    "Hotjar",
    "Klaviyo",
    "Braze",
    "Zendesk",
    "Intercom",
    "Stripe",
    "Adyen",
    "PayPal",
    "Klarna",
    "Affirm",
    "React",
    "Vue.js",
    "Angular",
    "Next.js",
    "Nuxt",
    "jQuery",
    "Bootstrap",
    "Tailwind",
];
const SYLLABLES: &[&str] = &[
    "ka", "lo", "mi", "ren", "tor", "sal", "vin", "dus", "pe", "gra", "mon", "tri", "bel", "cor",
    "fa", "hu", "zen", "pla", "quo", "ster",
];
/// Size of the generated vocabulary of initiative, quote and job-title words.
const VOCABULARY: usize = 4000;

/// A deterministic pseudo-random number from a seed (splitmix64).
fn mix(seed: u64) -> u64 {
    let mut z = seed.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// A skewed (Zipf-like) index below `n`: low indexes are common, the tail is long.
fn skewed(seed: u64, n: usize) -> usize {
    let u = (mix(seed) >> 11) as f64 / (1u64 << 53) as f64;
    ((u * u * u) * n as f64) as usize % n
}

/// The k-th word of the generated vocabulary, e.g. `kalomi`.
fn word(k: usize) -> String {
    let n = SYLLABLES.len();
    let mut out = String::new();
    let mut x = k + n;
    while x > 0 {
        out.push_str(SYLLABLES[x % n]);
        x /= n;
    }
    out
}

fn words(seed: u64, count: usize) -> String {
    (0..count)
        .map(|j| word(skewed(seed * 31 + j as u64, VOCABULARY)))
        .collect::<Vec<_>>()
        .join(" ")
}

struct Figures {
    seed: Duration,
    open_first_query: Duration,
    read: (Duration, Duration),
    fts: (Duration, Duration),
    broad: (Duration, Duration),
    import: Duration,
    docs: u64,
    snapshots: u64,
}

fn pct(samples: &mut [Duration], p: f64) -> Duration {
    samples.sort();
    let idx = ((samples.len() as f64 - 1.0) * p).round() as usize;
    samples[idx.min(samples.len() - 1)]
}

fn module_data(i: usize, m: ModuleId, v: usize) -> serde_json::Value {
    let seed = (i as u64) << 16 | u64::from(m.number()) << 8 | v as u64;
    let tech = |k: u64| TECH[skewed(seed ^ (k << 40), TECH.len())];
    match m.number() {
        2 => {
            serde_json::json!({"technologies": [tech(1), tech(2), tech(3), tech(4)], "version": v})
        }
        4 => serde_json::json!({"jobs": [{"title": words(seed, 4), "posted": v}]}),
        6 => {
            serde_json::json!({"search_provider": TECH[skewed(seed, 13)], "evidence": format!("script tag {}", tech(9))})
        }
        _ => serde_json::json!({"summary": words(seed, 12), "score": (i * 31 + v) % 100}),
    }
}

/// The n-th query of the typical mix: a word, two words, a technology, a company's domain,
/// or the first four letters of a word (search as you type). Documents draw words from a
/// Zipf-like distribution (the head behaves like stop words); people search for content words,
/// so query words are drawn uniformly from the vocabulary. The head is measured apart as the
/// broad case.
fn typical_query(n: usize, accounts: usize) -> String {
    let seed = 0xfeed_0000 + n as u64;
    let any = |s: u64| word((mix(s) % VOCABULARY as u64) as usize);
    match n % 5 {
        0 => any(seed),
        1 => format!("{} {}", any(seed), any(seed + 1)),
        2 => TECH[skewed(seed, TECH.len())].to_owned(),
        3 => format!("company{}", (n * 37) % accounts),
        _ => any(seed).chars().take(4).collect(),
    }
}

fn seed(store: &Store, accounts: usize) -> Vec<AccountId> {
    let source = SourceId::new("builtwith").expect("source");
    let base = time::OffsetDateTime::now_utc() - time::Duration::days(400);
    let ids: Vec<AccountId> = store
        .batch(|s| {
            (0..accounts)
                .map(|i| {
                    let acc = NewAccount {
                        domain: Some(Domain::parse(&format!("company{i}.com")).expect("domain")),
                        name: Some(format!(
                            "Company {i} {}",
                            word(skewed(i as u64, VOCABULARY))
                        )),
                        region: Some(["NA", "EMEA", "APAC"][i % 3].into()),
                        industry: Some("Retail".into()),
                        ..NewAccount::default()
                    };
                    s.upsert_account(&acc).map(|o| o.id())
                })
                .collect()
        })
        .expect("seed accounts");
    for chunk in ids.chunks(500) {
        store
            .batch(|s| {
                for (n, id) in chunk.iter().enumerate() {
                    let i = n + id.as_uuid().as_u128() as usize % 1000;
                    for v in 0..VERSIONS {
                        let at = base + time::Duration::days((v * 30) as i64);
                        for m in MODULES {
                            let cite = SourceRef::new(source.clone(), "domain-api", None, at, 0.9)
                                .expect("ref");
                            let intel = Intelligence::new(module_data(i, m, v), cite, []);
                            s.put_intelligence(*id, m, &intel, at, at + time::Duration::days(30))?;
                        }
                    }
                }
                Ok(())
            })
            .expect("seed intelligence");
    }
    ids
}

fn fortune() -> Option<Vec<u8>> {
    std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/fortune1000_2024.csv"),
    )
    .ok()
}

fn run(label: &str, key: KeySource, accounts: usize) -> Figures {
    let accounts = accounts.max(1);
    let dir = tempfile::tempdir().expect("tempdir");
    let opts = OpenOptions::new(dir.path()).key(key.clone());
    let t = Instant::now();
    let store = Store::open(&opts).expect("open");
    let ids = seed(&store, accounts);
    let seed_time = t.elapsed();
    let docs = store.count_search_documents().expect("docs");
    let snapshots = store.count_snapshots().expect("snapshots");
    store.checkpoint_wal().expect("checkpoint");
    drop(store);

    let t = Instant::now();
    let store = Store::open(&opts).expect("reopen");
    let first = store.search("algolia", 10).expect("first query");
    let open_first_query = t.elapsed();
    assert!(!first.is_empty());

    let mut reads = Vec::with_capacity(5000);
    for n in 0..5000 {
        let id = ids[(n * 7919) % ids.len()];
        let t = Instant::now();
        let all = store.intelligence_for(id).expect("read");
        reads.push(t.elapsed());
        assert_eq!(all.len(), MODULES.len());
    }
    let mut searches = Vec::with_capacity(2000);
    let mut by_kind: Vec<Vec<(Duration, String)>> = vec![Vec::new(); 5];
    for n in 0..2000 {
        let q = typical_query(n, accounts);
        let t = Instant::now();
        let _ = store.search(&q, 20).expect("search");
        searches.push(t.elapsed());
        by_kind[n % 5].push((t.elapsed(), q));
    }
    if std::env::var_os("PF_BENCH_VERBOSE").is_some() {
        for (k, mut v) in by_kind.into_iter().enumerate() {
            v.sort();
            let worst = v.last().cloned().unwrap_or_default();
            println!(
                "{label} query kind {k}: p50 {:?} p99 {:?} worst {:?} ({})",
                v[v.len() / 2].0,
                v[v.len() * 99 / 100].0,
                worst.0,
                worst.1
            );
        }
    }
    // A broad query that matches every company document: the worst case for ranking.
    let mut broad = Vec::with_capacity(200);
    for _ in 0..200 {
        let t = Instant::now();
        let _ = store.search("company", 20).expect("search");
        broad.push(t.elapsed());
    }
    drop(store);

    let import_dir = tempfile::tempdir().expect("tempdir");
    let store =
        Store::open(&OpenOptions::new(import_dir.path()).key(key)).expect("open import store");
    let csv = fortune().unwrap_or_else(|| {
        eprintln!(
            "({label}: shared/data/fortune1000_2024.csv not found; importing 1,000 generated rows)"
        );
        let mut s = String::from("Company,Website,Number_of_employees\n");
        for i in 0..1000 {
            s.push_str(&format!("Company {i},https://www.firm{i}.com,{}\n", i * 10));
        }
        s.into_bytes()
    });
    let t = Instant::now();
    let report = store.import_csv(csv.as_slice()).expect("import");
    let import = t.elapsed();
    assert_eq!(report.imported, 1000);

    Figures {
        seed: seed_time,
        open_first_query,
        read: (pct(&mut reads, 0.5), pct(&mut reads, 0.99)),
        fts: (pct(&mut searches, 0.5), pct(&mut searches, 0.99)),
        broad: (pct(&mut broad, 0.5), pct(&mut broad, 0.99)),
        import,
        docs,
        snapshots,
    }
}

fn ms(d: Duration) -> String {
    format!("{:.3} ms", d.as_secs_f64() * 1000.0)
}

fn main() {
    // `cargo bench` passes `--bench`; `cargo test --benches` does not: keep that run tiny.
    let benching = std::env::args().any(|a| a == "--bench");
    let accounts: usize = std::env::var("PF_BENCH_ACCOUNTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(if benching { 10_000 } else { 200 });
    // The keyring path (a raw 32-byte key) is what a desktop user has; a passphrase adds Argon2id
    // to every open. Use the keyring when one is reachable, and say which was measured.
    let probe = tempfile::tempdir().expect("tempdir");
    let keyring_works =
        Store::open(&OpenOptions::new(probe.path()).key(KeySource::Keyring)).is_ok();
    let _ = pf_store::delete_database_key(probe.path());
    let (key, key_label) = if keyring_works {
        (KeySource::Keyring, "OS keyring key")
    } else {
        (
            KeySource::Passphrase("bench passphrase".into()),
            "passphrase key (Argon2id on open)",
        )
    };
    let enc = run("encrypted", key, accounts);
    let plain = run("unencrypted", KeySource::Unencrypted, accounts);
    println!(
        "\npf-store benchmark: {accounts} accounts, {} search documents, {} history snapshots; encrypted with {key_label}",
        enc.docs, enc.snapshots
    );
    println!(
        "{:<38} {:>14} {:>14} {:>7}",
        "measure", "encrypted", "unencrypted", "ratio"
    );
    let row = |name: &str, e: Duration, p: Duration| {
        println!(
            "{name:<38} {:>14} {:>14} {:>6.2}x",
            ms(e),
            ms(p),
            e.as_secs_f64() / p.as_secs_f64().max(1e-9)
        );
    };
    row("seed (accounts+intelligence+history)", enc.seed, plain.seed);
    row(
        "open to first query",
        enc.open_first_query,
        plain.open_first_query,
    );
    row(
        "read one account's intelligence p50",
        enc.read.0,
        plain.read.0,
    );
    row(
        "read one account's intelligence p99",
        enc.read.1,
        plain.read.1,
    );
    row("FTS search, typical mix p50", enc.fts.0, plain.fts.0);
    row("FTS search, typical mix p99", enc.fts.1, plain.fts.1);
    row(
        "FTS broad query (every account) p50",
        enc.broad.0,
        plain.broad.0,
    );
    row(
        "FTS broad query (every account) p99",
        enc.broad.1,
        plain.broad.1,
    );
    row("import Fortune 1000 CSV", enc.import, plain.import);
    println!("goals: read p99 < 2 ms, FTS p99 < 10 ms, import < 1 s, encrypted/unencrypted < 1.3x");
}
