//! The `website` source against the mock sites: it names each site's search vendor with
//! evidence (reading same-site bundles when the homepage alone does not tell), records
//! redirects, and turns hostile pages into clean errors within the limits.

use pf_core::{Domain, ModuleId};
use pf_engine::{Config, Engine, JobRequest, ModuleOutcome, Registry};
use pf_mock_apis::MockApis;
use pf_store::{JobId, KeySource, OpenOptions, Store};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

async fn website_only(mock: &MockApis, dir: &std::path::Path) -> Engine {
    let store = Store::open(&OpenOptions::new(dir).key(KeySource::Unencrypted)).expect("store");
    let mut config = Config::in_memory();
    config
        .set("sources.website.base_url", &mock.url_for("website"))
        .expect("base");
    config
        .set("sources.website.rate_per_sec", "0")
        .expect("rate");
    config
        .set("modules.M02.sources", "[\"website\"]")
        .expect("sources");
    config
        .set("modules.M05.sources", "[\"website\"]")
        .expect("sources");
    config.set("gateway.max_body_mb", "2").expect("cap");
    config.set("gateway.timeout_secs", "5").expect("timeout");
    config.set("gateway.max_attempts", "1").expect("attempts");
    Engine::new(
        Arc::new(Mutex::new(store)),
        &config,
        pf_engine::sources::builtin(),
        Registry::builtin().expect("registry"),
    )
    .expect("engine")
}

fn req(domains: &[&str]) -> JobRequest {
    JobRequest {
        job: JobId::new(format!("w-{}", domains.join("-"))),
        domains: domains
            .iter()
            .map(|d| Domain::parse(d).expect("domain"))
            .collect(),
        modules: Some(vec![ModuleId::SEARCH_PROVIDER, ModuleId::DOMAIN_FAMILY]),
        force: true,
    }
}

#[tokio::test]
async fn each_fixture_site_s_search_vendor_is_detected_with_evidence() {
    let mock = MockApis::start().await.expect("mock");
    let dir = tempfile::tempdir().expect("tempdir");
    let e = website_only(&mock, dir.path()).await;
    let expected = [
        ("costco.com", "Elasticsearch"),
        ("target.com", "Coveo"),
        ("bestbuy.com", "Algolia"),
        ("ulta.com", "Constructor"),
        ("allbirds.com", "Searchspring"),
        ("hm.com", "Bloomreach"),
    ];
    let domains: Vec<&str> = expected.iter().map(|(d, _)| *d).collect();
    e.enrich(&req(&domains)).await.expect("job");
    let store = e.store().lock().expect("lock");
    for (domain, vendor) in expected {
        let account = store
            .account_by_domain(&Domain::parse(domain).expect("d"))
            .expect("read")
            .expect("account");
        let m06 = store
            .module_intelligence(account.id, ModuleId::SEARCH_PROVIDER)
            .expect("read")
            .expect("M06 stored");
        let data = m06.intelligence.data();
        assert_eq!(data["search_provider"], vendor, "{domain}: {data}");
        let evidence = data["evidence"]["evidence"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        assert!(!evidence.is_empty(), "{domain}: no evidence in {data}");
        assert_eq!(m06.intelligence.sources()[0].source().as_str(), "website");
    }
    assert!(
        mock.count("website", "asset") > 0,
        "same-site scripts were read"
    );
}

#[tokio::test]
async fn redirects_are_recorded_for_the_domain_family() {
    let mock = MockApis::start().await.expect("mock");
    let dir = tempfile::tempdir().expect("tempdir");
    let e = website_only(&mock, dir.path()).await;
    e.enrich(&req(&["ultasalon.com"])).await.expect("job");
    let store = e.store().lock().expect("lock");
    let account = store
        .account_by_domain(&Domain::parse("ultasalon.com").expect("d"))
        .expect("read")
        .expect("account");
    let m05 = store
        .module_intelligence(account.id, ModuleId::DOMAIN_FAMILY)
        .expect("read")
        .expect("M05 stored");
    let related = m05.intelligence.data()["family_related_domains"].to_string();
    assert!(
        related.contains("ulta.com") && related.contains("redirect"),
        "{}",
        m05.intelligence.data()
    );
    // The company's history follows it: the domain it moved to finds this account.
    let moved = store
        .account_by_domain(&Domain::parse("ulta.com").expect("d"))
        .expect("read")
        .expect("alias");
    assert_eq!(moved.id, account.id);
}

#[tokio::test]
async fn hostile_pages_fail_cleanly_within_the_limits() {
    let mock = MockApis::start().await.expect("mock");
    let dir = tempfile::tempdir().expect("tempdir");
    let e = website_only(&mock, dir.path()).await;
    let started = Instant::now();
    let report = e
        .enrich(&req(&[
            "huge-shop.com",
            "loop-shop.com",
            "binary-shop.com",
            "badenc-shop.com",
        ]))
        .await
        .expect("job");
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "took {:?}",
        started.elapsed()
    );
    let outcome = |d: &str| {
        let r = report
            .domains
            .iter()
            .find(|r| r.domain.as_str() == d)
            .expect("reported");
        r.modules.get(&ModuleId::TECH_STACK).cloned()
    };
    for (domain, code) in [
        ("huge-shop.com", "source.too_large"),
        ("loop-shop.com", "redirects"),
        ("binary-shop.com", "binary"),
    ] {
        match outcome(domain) {
            Some(ModuleOutcome::Failed(why)) => assert!(why.contains(code), "{domain}: {why}"),
            other => panic!("{domain}: expected a clean failure, got {other:?}"),
        }
    }
    // Broken encodings are read lossily: detection still runs.
    assert!(
        matches!(outcome("badenc-shop.com"), Some(ModuleOutcome::Done { .. })),
        "{:?}",
        outcome("badenc-shop.com")
    );
}

#[tokio::test]
async fn a_user_rule_file_extends_the_built_in_detection() {
    let mock = MockApis::start().await.expect("mock");
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("fingerprints.toml"),
        "[[rule]]\nname = \"Akamai Edge Marker\"\ncategory = \"cdn\"\nmatchers = [ { header = \"server\", pattern = 'AkamaiGHost', weight = 0.9 } ]\n",
    )
    .expect("rules");
    std::fs::write(
        dir.path().join("config.toml"),
        format!(
            "[sources.website]\nbase_url = \"{}\"\n",
            mock.url_for("website")
        ),
    )
    .expect("config");
    let config = Config::load(dir.path()).expect("config");
    let sources = pf_engine::sources::configured(&config).expect("sources");
    let store =
        Store::open(&OpenOptions::new(dir.path()).key(KeySource::Unencrypted)).expect("store");
    let mut config = config;
    config
        .set("modules.M02.sources", "[\"website\"]")
        .expect("sources");
    let e = Engine::new(
        Arc::new(Mutex::new(store)),
        &config,
        sources,
        Registry::builtin().expect("registry"),
    )
    .expect("engine");
    let req = JobRequest {
        job: JobId::new("rules"),
        domains: vec![Domain::parse("costco.com").expect("d")],
        modules: Some(vec![ModuleId::TECH_STACK]),
        force: true,
    };
    e.enrich(&req).await.expect("job");
    let store = e.store().lock().expect("lock");
    let account = store
        .account_by_domain(&Domain::parse("costco.com").expect("d"))
        .expect("read")
        .expect("account");
    let m02 = store
        .module_intelligence(account.id, ModuleId::TECH_STACK)
        .expect("read")
        .expect("stored");
    assert!(
        m02.intelligence.data()["tech_technologies"]
            .to_string()
            .contains("Akamai Edge Marker"),
        "{}",
        m02.intelligence.data()
    );
    let bad = dir.path().join("bad.toml");
    std::fs::write(
        &bad,
        "[[rule]]\nname = \"X\"\ncategory = \"nope\"\nmatchers = []\n",
    )
    .expect("bad rules");
    let err = pf_engine::sources::website::Website::with_user_rules(&bad)
        .err()
        .expect("refused");
    assert!(err.to_string().contains("unknown_category"), "{err}");
}
