//! M15 Talking points and next best action: three to six things to say on the call, each
//! citing the facts behind it, and the one thing to do next (e.g. "Displace Elasticsearch: they
//! posted 'Head of Search' on 2026-11-20"). Reads the hot-lead result (M13, which carries the
//! intent signals and the score's parts) and the search provider (M06), plus hiring (M04),
//! competitors (M09) and intent (M12) when the job passes them.

use pf_core::ModuleId;
use serde_json::{Value, json};

use crate::brief::{Cited, TalkingPoint};
use crate::module::{Module, ModuleInput, ModuleOutput, ModuleSpec};
use crate::modules::m12_intent::Signal;
use crate::modules::{cited, derived};
use crate::score::ScorePart;

const NEEDS: [ModuleId; 2] = [ModuleId::SEARCH_PROVIDER, ModuleId::HOT_LEAD];
/// Read when present, not required.
const READS: [ModuleId; 4] = [
    ModuleId::HIRING,
    ModuleId::COMPETITORS,
    ModuleId::INTENT,
    ModuleId::ICP_FIT,
];

/// At most this many talking points.
pub const MAX_POINTS: usize = 6;
/// At least this many, when the facts allow.
pub const MIN_POINTS: usize = 3;

pub struct TalkingPoints {
    spec: ModuleSpec,
}

impl TalkingPoints {
    pub fn new() -> Self {
        Self {
            spec: derived(ModuleId::TALKING_POINTS, &NEEDS, 1),
        }
    }
}

impl Default for TalkingPoints {
    fn default() -> Self {
        Self::new()
    }
}

fn point(text: String, facts: Vec<String>) -> TalkingPoint {
    TalkingPoint { text, facts }
}

fn when(s: &Signal) -> String {
    s.date
        .as_ref()
        .map(|d| format!(" on {d}"))
        .unwrap_or_default()
}

/// The search situation: provider, status and the fact behind them.
struct Search {
    provider: String,
    status: String,
    facts: Vec<String>,
}

fn search(input: &ModuleInput<'_>) -> Search {
    match input.deps.get(&ModuleId::SEARCH_PROVIDER).map(Cited::new) {
        Some(c) => {
            let provider = c.str("search_provider").unwrap_or("none").to_owned();
            let mut fact = c.cite("search_provider", &format!("search provider {provider}"));
            if let Some(conflict) = c.get("conflict").and_then(crate::brief::conflict_text) {
                fact.push_str(&format!(" [conflict: {conflict}]"));
            }
            Search {
                provider,
                status: c.str("status").unwrap_or("other").to_owned(),
                facts: vec![fact],
            }
        }
        None => Search {
            provider: "unknown".into(),
            status: "unknown".into(),
            facts: Vec::new(),
        },
    }
}

/// The talking points and the next best action.
pub fn advise(input: &ModuleInput<'_>) -> Option<(Vec<TalkingPoint>, TalkingPoint)> {
    let hot = input.dep(ModuleId::HOT_LEAD)?;
    let home = input.settings.home_vendor.as_str();
    let score = hot.get("score").and_then(Value::as_u64).unwrap_or(0);
    let priority = hot
        .get("priority")
        .and_then(Value::as_str)
        .unwrap_or("cold");
    let signal_list = input
        .dep(ModuleId::INTENT)
        .and_then(|i| i.get("signals"))
        .or_else(|| hot.get("signals"));
    let signals: Vec<Signal> = signal_list
        .and_then(|s| serde_json::from_value(s.clone()).ok())
        .unwrap_or_default();
    let parts: Vec<ScorePart> = hot
        .get("parts")
        .and_then(|p| serde_json::from_value(p.clone()).ok())
        .unwrap_or_default();
    let s = search(input);
    let p = s.provider.as_str();
    let mut points = Vec::new();

    let text = match s.status.as_str() {
        "competitor" => format!("They run {p} today: ask where search lets them down (zero-result queries, relevance tuning, merchandising) and show how {home} handles it."),
        "none" => "No site-search vendor detected: ask who owns search and how they measure it; a first vendor is an easy decision to frame.".to_owned(),
        "home_vendor" => format!("They already use {home}: find the sites, regions and teams not on it yet."),
        "unknown" => "Their site-search vendor is not known yet: ask what powers search today.".to_owned(),
        _ => format!("They run {p}: ask what they would change about it and when the contract renews."),
    };
    points.push(point(text, s.facts.clone()));

    // Only signals inside the intent window make the next action urgent.
    let removal = signals
        .iter()
        .find(|x| x.kind == "competitor_removed" && x.counted);
    let job = signals.iter().find(|x| x.kind == "search_job" && x.counted);
    // One point per kind of signal, the first (most telling) in words, all of them cited.
    let mut kinds: Vec<&str> = Vec::new();
    for sig in &signals {
        if !kinds.contains(&sig.kind.as_str()) {
            kinds.push(sig.kind.as_str());
        }
    }
    for kind in kinds.into_iter().take(4) {
        let group: Vec<&Signal> = signals.iter().filter(|x| x.kind == kind).collect();
        let Some(sig) = group.first() else { continue };
        let more = match group.len() {
            1 => String::new(),
            n => format!(" (and {} more)", n - 1),
        };
        let text = match kind {
            "competitor_removed" if s.status == "home_vendor" => format!(
                "They replaced {} with {home}{}{more}: make the rollout a success story and ask where else search matters.",
                sig.vendor.as_deref().unwrap_or("a competitor"),
                when(sig)
            ),
            "competitor_removed" if !sig.counted => format!(
                "{} came off their site{}{more}: ask how the switch went and what they would change.",
                sig.vendor.as_deref().unwrap_or("A competitor's search"),
                when(sig)
            ),
            "competitor_removed" => format!(
                "{} came off their site{}{more}: the decision is open now; ask what they are moving to.",
                sig.vendor.as_deref().unwrap_or("A competitor's search"),
                when(sig)
            ),
            "search_job" => format!(
                "They {}{}{more}: search is being staffed, so offer to help the new hire win early.",
                sig.text,
                when(sig)
            ),
            "traffic_jump" | "hiring_spike" => format!(
                "They are growing ({}){more}: more visitors searching means more revenue lost to poor results.",
                sig.text
            ),
            _ => format!("Tie search to what they announced: \"{}\"{more}.", sig.text),
        };
        points.push(point(text, group.iter().map(|x| x.cite()).collect()));
    }

    if let Some(comp) = input.deps.get(&ModuleId::COMPETITORS).map(Cited::new) {
        let on_home: Vec<String> = comp
            .list("competitors")
            .iter()
            .filter(|c| {
                c.get("search_provider")
                    .and_then(Value::as_str)
                    .is_some_and(|x| input.settings.is_home(x))
            })
            .filter_map(|c| c.get("domain").and_then(Value::as_str).map(str::to_owned))
            .collect();
        if !on_home.is_empty() {
            let facts = on_home
                .iter()
                .map(|d| comp.cite("competitors", &format!("{d} runs {home}")))
                .collect();
            points.push(point(
                format!(
                    "Their competitors {} already run {home}.",
                    on_home.join(", ")
                ),
                facts,
            ));
        }
    }

    let mut scored: Vec<&ScorePart> = parts
        .iter()
        .filter(|x| x.points > 0.0 && x.name.starts_with("fit:"))
        .collect();
    scored.sort_by(|a, b| b.points.total_cmp(&a.points));
    for (i, part) in scored
        .iter()
        .filter(|x| !x.name.ends_with("search provider"))
        .enumerate()
    {
        // One point on why they fit, more only to reach the minimum (the score summary comes last).
        if i > 0 && points.len() + 1 >= MIN_POINTS {
            break;
        }
        points.push(point(
            format!("Why they fit: {}.", part.reason),
            part.facts.clone(),
        ));
    }
    let top: Vec<String> = parts
        .iter()
        .filter(|x| x.points > 0.0)
        .flat_map(|x| x.facts.iter().take(1).cloned())
        .take(3)
        .collect();
    points.truncate(MAX_POINTS - 1);
    let reasons: Vec<String> = hot
        .get("reasons")
        .and_then(Value::as_array)
        .map(|r| {
            r.iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default();
    points.push(point(
        format!("Scores {score}/100 ({priority}): {}.", reasons.join("; ")),
        top,
    ));

    let nba = match (s.status.as_str(), removal, job) {
        ("home_vendor", Some(r), _) => point(
            format!(
                "Secure the switch: they replaced {} with {home}{}; check the rollout and propose the next sites",
                r.vendor.as_deref().unwrap_or("their search vendor"),
                when(r)
            ),
            [vec![r.cite()], s.facts.clone()].concat(),
        ),
        (_, Some(r), _) => point(
            format!(
                "Call now: {} came off their site{}; find out what replaces it and put {home} in the running",
                r.vendor.as_deref().unwrap_or("their search vendor"),
                when(r)
            ),
            [vec![r.cite()], s.facts.clone()].concat(),
        ),
        ("competitor", _, Some(j)) => point(
            format!("Displace {p}: they {}{}", j.text, when(j)),
            [s.facts.clone(), vec![j.cite()]].concat(),
        ),
        (_, _, Some(j)) => point(
            format!(
                "Reach the team hiring for search: they {}{}; offer a {home} proof of concept",
                j.text,
                when(j)
            ),
            vec![j.cite()],
        ),
        _ if priority == "cold" => point(
            format!(
                "Nurture: add to a sequence and revisit when a signal appears (scores {score}/100)"
            ),
            s.facts.clone(),
        ),
        ("competitor", _, _) => point(
            format!(
                "Displace {p}: offer a side-by-side relevance test of {home} against {p} on their top queries"
            ),
            s.facts.clone(),
        ),
        ("none", _, _) => point(
            format!(
                "Open a greenfield conversation: offer a {home} proof of concept on their catalogue"
            ),
            s.facts.clone(),
        ),
        ("home_vendor", _, _) => point(
            format!(
                "Expand: review their {home} usage and propose the sites and features not covered yet"
            ),
            s.facts.clone(),
        ),
        _ => point(
            format!(
                "Qualify: find out what powers their search and when it is up for renewal (scores {score}/100)"
            ),
            s.facts.clone(),
        ),
    };
    Some((points, nba))
}

impl Module for TalkingPoints {
    fn spec(&self) -> &ModuleSpec {
        &self.spec
    }

    fn run(&self, input: &ModuleInput<'_>) -> ModuleOutput {
        let Some((points, nba)) = advise(input) else {
            return ModuleOutput::Skipped("no hot-lead result to talk from".into());
        };
        let hot = input.dep(ModuleId::HOT_LEAD);
        let data = json!({
            "talking_points": points,
            "next_best_action": nba,
            "score": hot.and_then(|h| h.get("score")).cloned().unwrap_or(Value::Null),
            "priority": hot.and_then(|h| h.get("priority")).cloned().unwrap_or(Value::Null),
        });
        let from: Vec<ModuleId> = NEEDS.iter().chain(READS.iter()).copied().collect();
        ModuleOutput::Done(cited(
            data,
            input.dep_sources(&from),
            input.derived_citation(&NEEDS),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{AccountHint, EngineSettings};
    use pf_core::{Domain, Intelligence, SourceId, SourceRef};
    use std::collections::BTreeMap;
    use time::macros::datetime;

    #[test]
    fn an_old_removal_is_history_not_a_reason_to_call_now() {
        let at = datetime!(2026-11-20 00:00 UTC);
        let cite = |s: &str| {
            SourceRef::new(SourceId::new(s).expect("id"), "t", None, at, 1.0).expect("ref")
        };
        let hot = json!({"score": 62, "priority": "warm", "reasons": ["runs Searchspring"], "parts": [], "signals": [
            {"kind": "competitor_removed", "text": "Klevu removed from the site", "date": "2025-02-23",
             "source": "builtwith", "vendor": "Klevu", "counted": false}
        ]});
        let search = json!({"search_provider": "Searchspring", "status": "competitor"});
        let deps: BTreeMap<ModuleId, Intelligence> = [
            (
                ModuleId::HOT_LEAD,
                Intelligence::new(hot, cite("builtwith"), []),
            ),
            (
                ModuleId::SEARCH_PROVIDER,
                Intelligence::new(search, cite("website"), []),
            ),
        ]
        .into();
        let account = AccountHint {
            domain: Domain::parse("allbirds.com").expect("domain"),
            name: None,
            ticker: None,
        };
        let settings = EngineSettings::default();
        let (trust, peers) = (BTreeMap::new(), BTreeMap::new());
        let input = ModuleInput {
            account: &account,
            deps: &deps,
            facts: &[],
            source_errors: &[],
            trust: &trust,
            peers: &peers,
            history: &[],
            settings: &settings,
            now: at,
        };
        let (points, nba) = advise(&input).expect("advice");
        assert!(
            nba.text
                .starts_with("Displace Searchspring: offer a side-by-side"),
            "{}",
            nba.text
        );
        assert!(
            points
                .iter()
                .any(|p| p.text.contains("ask how the switch went")),
            "{points:?}"
        );
        assert!(
            points
                .iter()
                .all(|p| !p.facts.is_empty() || p.text.starts_with("Scores")),
            "{points:?}"
        );
    }
}
