//! The server's policy on a logged-in laptop's engine (`ServerPolicy`): its price list replaces
//! the configured prices, so enrichment logs and reserves what the server says, and a
//! `module.<Mxx>` flag that is off for the user skips that module without calling its sources.

use pf_client::{MeterSettings, ServerMeter, ServerPolicy};
use pf_core::{Domain, ModuleId, SourceId};
use pf_engine::{Config, Engine, EventBus, JobRequest, ModuleOutcome, Registry};
use pf_mock_apis::MockApis;
use pf_store::JobId;
use pf_sync::{FlagInput, PriceEntry};
use std::sync::Arc;
use std::time::Duration;

use crate::support::*;

/// The server's price of one BuiltWith domain lookup (the built-in price is 100,000).
const PRICE: u64 = 40_000;
/// A cap that holds one lookup at the server's price and none at the built-in one.
const CAP: u64 = 60_000;
/// A GUID-shaped key the mock APIs accept.
const MOCK_KEY: &str = "00000000-0000-4000-8000-000000000000";

fn price(endpoint: &str, micros: u64) -> PriceEntry {
    PriceEntry {
        source: "builtwith".into(),
        endpoint: endpoint.into(),
        price_micros: micros,
    }
}

/// Every source at the mock APIs, unlimited rates, then the server's prices.
fn config(mock: &MockApis, policy: &ServerPolicy) -> Config {
    let mut config = Config::in_memory();
    for s in pf_engine::sources::builtin() {
        let id = s.descriptor().id.clone();
        config
            .set(
                &format!("sources.{id}.base_url"),
                &mock.url_for(id.as_str()),
            )
            .expect("base url");
        config
            .set(&format!("sources.{id}.rate_per_sec"), "0")
            .expect("rate");
    }
    config.set("user", "ae@a.test").expect("user");
    policy.apply_prices(&mut config);
    config
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_servers_prices_and_module_flags_shape_what_enrichment_calls_and_reserves() {
    let (server, org) = org().await;
    budget_a(&server, &org, CAP, 5_000_000).await;
    let admin = admin(&server, &org);
    admin
        .put_price(&price("domain-api", PRICE))
        .await
        .expect("price");
    admin
        .put_price(&price("relationships-api", 0))
        .await
        .expect("free relationships");
    admin
        .put_flag(&FlagInput {
            key: "module.M03".into(),
            enabled: false,
            rollout_percent: 100,
            allowed_users: vec![],
            allowed_teams: vec![],
        })
        .await
        .expect("flag");
    let dir = tempfile::tempdir().expect("dir");
    let token = &org.tokens["ae@a.test"];
    let store = laptop(dir.path(), &server.url(), token).await;
    let client = server.client(token).expect("client");
    pf_client::sync_once(&store, &client).await.expect("sync");

    let policy = ServerPolicy::read(&store.lock().expect("store")).expect("policy");
    assert_eq!(
        policy
            .prices
            .get(&("builtwith".to_owned(), "domain-api".to_owned())),
        Some(&PRICE)
    );
    let why = "disabled by feature flag module.M03";
    assert_eq!(
        policy.disabled.get(&ModuleId::TRAFFIC).map(String::as_str),
        Some(why)
    );

    let mock = MockApis::start().await.expect("mock");
    let config = config(&mock, &policy);
    let events = EventBus::default();
    let settings = MeterSettings {
        rpc_timeout: Duration::from_secs(5),
        ..MeterSettings::default()
    };
    let meter = ServerMeter::new(
        store.clone(),
        &server.url(),
        token,
        events.clone(),
        settings,
    )
    .expect("meter");
    let engine = Engine::with_meter(
        store.clone(),
        &config,
        pf_engine::sources::builtin(),
        Registry::configured(&config).expect("registry"),
        events,
        Some(Arc::new(meter)),
    )
    .expect("engine");
    let engine = policy
        .apply_to_engine(engine)
        .with_session_key(&SourceId::new("builtwith").expect("id"), MOCK_KEY);

    let domains: Vec<Domain> = ["costco.com", "target.com"]
        .iter()
        .map(|d| Domain::parse(d).expect("domain"))
        .collect();
    let modules = vec![ModuleId::TECH_STACK, ModuleId::TRAFFIC];
    let estimate = engine
        .estimate(&domains[..1], Some(modules.as_slice()), false)
        .expect("estimate");
    assert_eq!(estimate.cost_micros, PRICE, "{estimate:?}");

    let report = engine
        .enrich(&JobRequest {
            job: JobId::new("policy"),
            domains,
            modules: Some(modules),
            force: false,
        })
        .await
        .expect("job");
    for d in &report.domains {
        assert_eq!(
            d.modules.get(&ModuleId::TRAFFIC),
            Some(&ModuleOutcome::Skipped(why.into())),
            "{d:?}"
        );
    }
    let similarweb: u64 = mock
        .calls()
        .iter()
        .filter(|c| c.provider == "similarweb")
        .map(|c| c.count)
        .sum();
    assert_eq!(similarweb, 0, "no call for a module the server turned off");

    let (usage, outbox) = {
        let s = store.lock().expect("store");
        let usage = s
            .usage_since(time::OffsetDateTime::UNIX_EPOCH)
            .expect("usage");
        (usage, s.outbox_pending(100).expect("outbox"))
    };
    let mut lookups: Vec<(String, u64)> = usage
        .into_iter()
        .filter(|u| u.source.as_str() == "builtwith" && u.endpoint == "domain-api")
        .map(|u| (u.status.as_str().to_owned(), u.cost_micros))
        .collect();
    lookups.sort();
    let statuses: Vec<&str> = lookups.iter().map(|(s, _)| s.as_str()).collect();
    assert_eq!(
        statuses,
        vec!["budget_refused", "ok"],
        "one lookup reserved at the server's price; a second reservation of it is over the cap"
    );
    assert_eq!(lookups[1].1, PRICE, "logged at the server's price");
    let paid: Vec<_> = outbox.into_iter().filter(|e| e.cost_micros > 0).collect();
    assert_eq!(paid.len(), 1, "{paid:?}");
    assert!(paid[0].reservation.is_some(), "paid from a server hold");
    assert_eq!(
        spent_a(&server, &org).await,
        PRICE,
        "committed at the price"
    );
}
