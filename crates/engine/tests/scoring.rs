//! Scoring and advice (M11-M13, M15) from hand-built module inputs: every point is explained by
//! its facts, priorities follow the thresholds, history raises intent with its date, and the
//! talking points cite their facts.

use pf_core::{Domain, Intelligence, ModuleId, SourceId, SourceRef};
use pf_engine::modules::{
    m11_icp_fit::IcpFit, m12_intent::Intent, m13_hot_lead::HotLead,
    m15_talking_points::TalkingPoints,
};
use pf_engine::settings::Thresholds;
use pf_engine::{
    AccountHint, EngineSettings, Module, ModuleInput, ModuleOutput, Score, ScoringWeights,
};
use pf_store::Snapshot;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use time::OffsetDateTime;
use time::macros::datetime;

const NOW: OffsetDateTime = datetime!(2026-11-22 09:00 UTC);

fn cite(source: &str, at: OffsetDateTime) -> SourceRef {
    SourceRef::new(SourceId::new(source).expect("id"), "test", None, at, 1.0).expect("ref")
}

fn intel(data: Value, sources: &[&str]) -> Intelligence {
    let mut refs = sources
        .iter()
        .map(|s| cite(s, datetime!(2026-11-20 00:00 UTC)));
    let first = refs.next().expect("a source");
    Intelligence::new(data, first, refs)
}

/// A large online retailer running Elasticsearch, seen by several sources.
fn enriched() -> BTreeMap<ModuleId, Intelligence> {
    let mut d = BTreeMap::new();
    d.insert(ModuleId::COMPANY_PROFILE, intel(json!({
        "profile_name": "Acme Corp", "profile_industry": "Internet Retail", "profile_employees": 316000,
        "attribution": {"profile_name": ["sec_edgar"], "profile_industry": ["yahoo_finance"], "profile_employees": ["sec_edgar"]}
    }), &["sec_edgar", "yahoo_finance"]));
    d.insert(ModuleId::TECH_STACK, intel(json!({
        "tech_technologies": [
            {"name": "Elasticsearch", "category": "site_search", "sources": ["builtwith", "website"]},
            {"name": "Shopify Plus", "category": "ecommerce_platform", "sources": ["website", "builtwith"]}
        ],
        "search_provider": "Elasticsearch", "technology_count": 2,
        "attribution": {"search_provider": ["builtwith", "website"], "tech_technologies": ["website", "builtwith"]}
    }), &["website", "builtwith"]));
    d.insert(ModuleId::TRAFFIC, intel(json!({
        "traffic_monthly_visits": 12_300_000.0, "attribution": {"traffic_monthly_visits": ["similarweb"]}
    }), &["similarweb"]));
    d.insert(ModuleId::SEARCH_PROVIDER, intel(json!({
        "search_provider": "Elasticsearch", "status": "competitor", "opportunity": "displace Elasticsearch with Algolia",
        "evidence": {"name": "Elasticsearch", "sources": ["builtwith", "website"]}, "conflict": null
    }), &["website", "builtwith"]));
    d.insert(ModuleId::FINANCIALS, intel(json!({
        "financials_revenue_usd": 5.1e9, "attribution": {"financials_revenue_usd": ["sec_edgar"]}
    }), &["sec_edgar"]));
    d
}

struct Case {
    account: AccountHint,
    deps: BTreeMap<ModuleId, Intelligence>,
    history: Vec<Snapshot>,
    settings: EngineSettings,
}

impl Case {
    fn new(deps: BTreeMap<ModuleId, Intelligence>) -> Self {
        let account = AccountHint {
            domain: Domain::parse("acme.com").expect("domain"),
            name: None,
            ticker: None,
        };
        Self {
            account,
            deps,
            history: Vec::new(),
            settings: EngineSettings::default(),
        }
    }

    fn run(&self, module: &dyn Module) -> ModuleOutput {
        let (trust, peers) = (BTreeMap::new(), BTreeMap::new());
        let input = ModuleInput {
            account: &self.account,
            deps: &self.deps,
            facts: &[],
            source_errors: &[],
            trust: &trust,
            peers: &peers,
            history: &self.history,
            settings: &self.settings,
            now: NOW,
        };
        module.run(&input)
    }

    fn done(&self, module: &dyn Module) -> Value {
        match self.run(module) {
            ModuleOutput::Done(i) => i.data().clone(),
            other => panic!("{} did not run: {other:?}", module.spec().id),
        }
    }

    /// Runs M11-M13 and keeps their results as dependencies.
    fn score_chain(&mut self) -> Value {
        let fit = intel(self.done(&IcpFit::new()), &["sec_edgar"]);
        self.deps.insert(ModuleId::ICP_FIT, fit);
        let intent = intel(self.done(&Intent::new()), &["job_boards"]);
        self.deps.insert(ModuleId::INTENT, intent);
        let hot = self.done(&HotLead::new());
        self.deps
            .insert(ModuleId::HOT_LEAD, intel(hot.clone(), &["sec_edgar"]));
        hot
    }
}

fn assert_explained(data: &Value) -> Score {
    let score = Score::from_data(data).expect("a score with parts");
    let sum: f64 = score.parts.iter().map(|p| p.points).sum();
    assert!(
        (sum - f64::from(score.total)).abs() <= 0.5,
        "parts sum to {sum}, total {}",
        score.total
    );
    for p in &score.parts {
        assert!(p.points >= 0.0 && p.points <= p.max + 1e-9, "{p:?}");
        assert!(!p.reason.is_empty(), "{p:?} has no reason");
        if p.points > 0.0 {
            assert!(!p.facts.is_empty(), "{} gives points without facts", p.name);
            assert!(
                p.facts.iter().all(|f| f.ends_with(')') || f.ends_with(']')),
                "facts cite sources: {:?}",
                p.facts
            );
        }
    }
    score
}

fn search_job(posted: &str) -> Intelligence {
    intel(
        json!({
            "hiring_jobs": [
                {"title": "Head of Search", "posted_at": posted, "search_related": true, "sources": ["job_boards"]},
                {"title": "Accountant", "search_related": false}
            ],
            "open_jobs": 2, "search_jobs": ["Head of Search"], "attribution": {"hiring_jobs": ["job_boards"]}
        }),
        &["job_boards"],
    )
}

fn snapshot(module: ModuleId, at: OffsetDateTime, summary: &str, data: Value) -> Snapshot {
    Snapshot {
        module,
        recorded_at: at,
        summary: summary.into(),
        data,
        sources: vec![cite("builtwith", at), cite("website", at)],
    }
}

#[test]
fn icp_fit_scores_are_explained_by_their_facts_and_sources() {
    let data = Case::new(enriched()).done(&IcpFit::new());
    let score = assert_explained(&data);
    assert_eq!(data["score"], json!(score.total));
    assert!(
        score.total >= 90,
        "a large online retailer on a competitor fits: {}",
        score.total
    );
    let size = score
        .parts
        .iter()
        .find(|p| p.name == "size")
        .expect("size part");
    assert!(
        size.facts
            .contains(&"employees 316,000 (sec_edgar)".to_owned()),
        "{:?}",
        size.facts
    );
    let shop = score
        .parts
        .iter()
        .find(|p| p.name == "e-commerce platform")
        .expect("e-commerce part");
    assert_eq!(
        shop.facts,
        vec!["Shopify Plus (website, builtwith)".to_owned()]
    );
    let weights: f64 = score.parts.iter().map(|p| p.max).sum();
    assert!((weights - 100.0).abs() < 0.05);
}

#[test]
fn icp_fit_skips_when_nothing_to_score_from_and_explains_gaps() {
    assert!(matches!(
        Case::new(BTreeMap::new()).run(&IcpFit::new()),
        ModuleOutput::Skipped(_)
    ));
    let mut only_profile = enriched();
    only_profile.retain(|m, _| *m == ModuleId::COMPANY_PROFILE);
    let score = assert_explained(&Case::new(only_profile).done(&IcpFit::new()));
    let traffic = score
        .parts
        .iter()
        .find(|p| p.name == "traffic")
        .expect("traffic part");
    assert_eq!(
        (traffic.points, traffic.reason.as_str()),
        (0.0, "monthly visits not known")
    );
}

#[test]
fn icp_fit_weights_are_configurable() {
    let only_size = ScoringWeights {
        ecommerce: 0.0,
        traffic: 0.0,
        search: 0.0,
        industry: 0.0,
        ..ScoringWeights::default()
    };
    let score = assert_explained(&Case::new(enriched()).done(&IcpFit::with_weights(only_size)));
    assert_eq!(score.total, 100);
    assert_eq!(
        score.parts.iter().find(|p| p.name == "size").map(|p| p.max),
        Some(100.0)
    );
}

#[test]
fn priority_bands_follow_thresholds() {
    let mut case = Case::new(enriched());
    let hot = case.score_chain();
    let total = hot["score"].as_u64().expect("score") as u32;
    assert_eq!(
        hot["priority"],
        json!(case.settings.thresholds.priority(total))
    );
    for (t, want) in [
        ((total, total, total), "hot"),
        ((total + 1, total, 0), "warm"),
        ((101, 100, total), "cool"),
        ((101, 101, 101), "cold"),
    ] {
        case.settings.thresholds = Thresholds {
            hot: t.0,
            warm: t.1,
            cool: t.2,
        };
        assert_eq!(
            case.done(&HotLead::new())["priority"],
            json!(want),
            "thresholds {t:?}"
        );
    }
}

#[test]
fn hot_lead_parts_sum_to_the_total_and_keep_their_facts() {
    let mut case = Case::new(enriched());
    case.deps.insert(ModuleId::HIRING, search_job("2026-11-20"));
    let hot = case.score_chain();
    let score = assert_explained(&hot);
    assert!(
        score
            .parts
            .iter()
            .any(|p| p.name == "fit: size" && p.facts.iter().any(|f| f.contains("(sec_edgar)")))
    );
    assert!(
        score
            .parts
            .iter()
            .any(|p| p.name == "intent: search hiring" && p.points > 0.0)
    );
    assert!(!hot["reasons"].as_array().expect("reasons").is_empty());
}

#[test]
fn removed_competitor_in_history_raises_intent_with_its_date() {
    let with = json!({"tech_technologies": [{"name": "Elasticsearch"}, {"name": "Shopify Plus"}], "search_provider": "Elasticsearch"});
    let without = json!({"tech_technologies": [{"name": "Shopify Plus"}], "search_provider": null});
    let mut case = Case::new([(ModuleId::TECH_STACK, intel(without.clone(), &["website"]))].into());
    let before = Score::from_data(&case.done(&Intent::new()))
        .expect("score")
        .total;
    case.history = vec![
        snapshot(
            ModuleId::TECH_STACK,
            datetime!(2026-10-01 08:00 UTC),
            "search_provider: none -> Elasticsearch",
            with,
        ),
        snapshot(
            ModuleId::TECH_STACK,
            datetime!(2026-11-18 08:00 UTC),
            "search_provider: Elasticsearch -> none",
            without,
        ),
    ];
    let data = case.done(&Intent::new());
    let after = assert_explained(&data).total;
    assert!(after >= before + 40, "intent {before} -> {after}");
    let signal = &data["signals"][0];
    assert_eq!(signal["kind"], "competitor_removed");
    assert_eq!(signal["date"], "2026-11-18");
    assert_eq!(signal["source"], "builtwith, website");
    let part = &data["parts"][0];
    assert!(
        part["facts"][0]
            .as_str()
            .is_some_and(|f| f.contains("on 2026-11-18 (builtwith, website)")),
        "{part}"
    );
}

#[test]
fn a_change_summary_alone_reveals_a_removed_competitor() {
    let mut case = Case::new(BTreeMap::new());
    case.history = vec![snapshot(
        ModuleId::TECH_STACK,
        datetime!(2026-11-01 08:00 UTC),
        "tech_technologies: +Algolia -Klevu",
        json!({}),
    )];
    let data = case.done(&Intent::new());
    assert_eq!(data["signals"][0]["vendor"], "Klevu");
    assert_eq!(data["signals"][0]["date"], "2026-11-01");
    assert!(data["intent_score"].as_u64().is_some_and(|s| s >= 40));
}

#[test]
fn old_signals_are_listed_but_not_counted() {
    let mut case = Case::new(BTreeMap::new());
    case.deps.insert(ModuleId::HIRING, search_job("2025-01-10"));
    let data = case.done(&Intent::new());
    assert_eq!(data["signals"][0]["date"], "2025-01-10");
    assert_eq!(data["intent_score"], 0);
    assert!(
        data["parts"][1]["reason"]
            .as_str()
            .is_some_and(|r| r.contains("older than 180 days")),
        "{}",
        data["parts"][1]
    );
    case.deps.insert(ModuleId::HIRING, search_job("2026-11-20"));
    assert!(
        case.done(&Intent::new())["intent_score"]
            .as_u64()
            .is_some_and(|s| s > 0)
    );
}

#[test]
fn talking_points_cite_their_facts_and_name_the_next_best_action() {
    let mut case = Case::new(enriched());
    case.deps.insert(ModuleId::HIRING, search_job("2026-11-20"));
    case.score_chain();
    let data = case.done(&TalkingPoints::new());
    let points = data["talking_points"].as_array().expect("points");
    assert!((3..=6).contains(&points.len()), "{} points", points.len());
    for p in points {
        let facts = p["facts"].as_array().expect("facts");
        assert!(!facts.is_empty(), "uncited point: {p}");
        assert!(
            facts.iter().all(|f| f
                .as_str()
                .is_some_and(|f| f.contains('(') && f.contains(')'))),
            "{p}"
        );
    }
    let nba = &data["next_best_action"];
    assert_eq!(
        nba["text"],
        "Displace Elasticsearch: they posted 'Head of Search' on 2026-11-20"
    );
    assert!(
        nba["facts"]
            .as_array()
            .expect("facts")
            .iter()
            .any(|f| f == "posted 'Head of Search' on 2026-11-20 (job_boards)")
    );
}

#[test]
fn talking_points_without_a_hot_lead_result_are_skipped() {
    assert!(matches!(
        Case::new(enriched()).run(&TalkingPoints::new()),
        ModuleOutput::Skipped(_)
    ));
}
