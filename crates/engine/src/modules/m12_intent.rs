//! M12 Intent and timing: dated, sourced signals that now is the time to call — a competitor's
//! search product removed (from the account's history, the current stack, or BuiltWith's
//! `last_seen`), a search-related job posted, a traffic jump or hiring spike, new strategic
//! initiatives — and an explained intent score over them. Signals older than the intent window
//! are listed but give no points.

mod signals;

pub use signals::removals;

use pf_core::ModuleId;
use serde::{Deserialize, Serialize};
use serde_json::json;
use time::{Date, OffsetDateTime};

use crate::brief::parse_day;
use crate::module::{Module, ModuleInput, ModuleOutput, ModuleSpec};
use crate::modules::{cited, derived};
use crate::score::{Score, Scorer, ScoringWeights};
use signals::{hiring, initiatives, traffic};

const NEEDS: [ModuleId; 3] = [
    ModuleId::TECH_STACK,
    ModuleId::HIRING,
    ModuleId::INITIATIVES,
];

/// One intent signal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Signal {
    /// `competitor_removed`, `search_job`, `traffic_jump`, `hiring_spike` or `initiative`.
    pub kind: String,
    pub text: String,
    /// `YYYY-MM-DD`, when known.
    pub date: Option<String>,
    /// The source ids behind it, comma-separated.
    pub source: String,
    /// The competitor concerned, for removals.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vendor: Option<String>,
    /// The growth, for traffic jumps and hiring spikes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub growth: Option<f64>,
    /// Whether it falls within the intent window and so counts towards the score.
    #[serde(default = "counted_by_default")]
    pub counted: bool,
}

fn counted_by_default() -> bool {
    true
}

/// The order signal kinds are listed in: the strongest first.
const KINDS: [&str; 5] = [
    "competitor_removed",
    "search_job",
    "traffic_jump",
    "hiring_spike",
    "initiative",
];

impl Signal {
    fn new(kind: &str, text: String, date: Option<Date>, source: String) -> Self {
        Self {
            kind: kind.into(),
            text,
            date: date.map(|d| d.to_string()),
            source,
            vendor: None,
            growth: None,
            counted: true,
        }
    }

    /// The fact as score parts cite it: `text on date (source)`.
    pub fn cite(&self) -> String {
        let on = if self.growth.is_some() { "as of" } else { "on" };
        match &self.date {
            Some(d) => format!("{} {on} {d} ({})", self.text, self.source),
            None => format!("{} ({})", self.text, self.source),
        }
    }

    fn within(&self, now: OffsetDateTime, days: i64) -> bool {
        self.date
            .as_ref()
            .and_then(|d| parse_day(&json!(d)))
            .is_none_or(|d| (now.date() - d).whole_days() <= days)
    }
}

/// Words in an initiative that make it about search or online selling.
const RELEVANT: [&str; 9] = [
    "search",
    "commerce",
    "digital",
    "online",
    "replatform",
    "personali",
    "customer experience",
    "website",
    "discovery",
];

/// The signals and the explained intent score.
pub fn assess(input: &ModuleInput<'_>, w: &ScoringWeights) -> (Vec<Signal>, Score) {
    let mut signals = removals(input);
    signals.extend(hiring(input));
    signals.extend(traffic(input));
    signals.extend(initiatives(input));
    let days = w.intent_window_days;
    for s in &mut signals {
        s.counted = s.within(input.now, days);
    }
    // Strongest kind first, newest first within a kind (undated last).
    let rank = |s: &Signal| {
        KINDS
            .iter()
            .position(|k| *k == s.kind)
            .unwrap_or(KINDS.len())
    };
    signals.sort_by(|a, b| rank(a).cmp(&rank(b)).then_with(|| b.date.cmp(&a.date)));
    let recent = |kinds: &[&str]| -> Vec<&Signal> {
        signals
            .iter()
            .filter(|s| kinds.contains(&s.kind.as_str()) && s.within(input.now, days))
            .collect()
    };
    let older = |kinds: &[&str]| {
        signals
            .iter()
            .filter(|s| kinds.contains(&s.kind.as_str()) && !s.within(input.now, days))
            .count()
    };
    let note = |n: usize| {
        if n > 0 {
            format!(" ({n} older than {days} days not counted)")
        } else {
            String::new()
        }
    };
    let mut s = Scorer::new();
    let cites = |v: &[&Signal]| v.iter().map(|s| s.cite()).collect::<Vec<_>>();

    let k = ["competitor_removed"];
    let r = recent(&k);
    let reason = match r.first() {
        Some(x) => format!(
            "{}{}: they are choosing search now",
            x.text,
            x.date
                .as_ref()
                .map(|d| format!(" on {d}"))
                .unwrap_or_default()
        ),
        None => format!("no competitor's search product removed{}", note(older(&k))),
    };
    s.add(
        "competitor removed",
        w.competitor_removed,
        if r.is_empty() { 0.0 } else { 1.0 },
        cites(&r),
        reason,
    );

    let k = ["search_job"];
    let r = recent(&k);
    let frac = match r.len() {
        0 => 0.0,
        1 => 0.75,
        _ => 1.0,
    };
    let reason = match r.first() {
        Some(x) => format!(
            "hiring for search: {}{}",
            x.text,
            if r.len() > 1 {
                format!(" and {} more", r.len() - 1)
            } else {
                String::new()
            }
        ),
        None => format!("no search-related job posted{}", note(older(&k))),
    };
    s.add("search hiring", w.search_hiring, frac, cites(&r), reason);

    let k = ["traffic_jump", "hiring_spike"];
    let r = recent(&k);
    let frac = r
        .iter()
        .map(|x| {
            if x.kind == "traffic_jump" {
                (x.growth.unwrap_or(0.0) / 0.5).min(1.0)
            } else {
                0.6
            }
        })
        .fold(0.0, f64::max);
    let reason = r
        .iter()
        .map(|x| x.text.clone())
        .collect::<Vec<_>>()
        .join("; ");
    let reason = if reason.is_empty() {
        format!("no traffic jump or hiring spike{}", note(older(&k)))
    } else {
        format!("growing: {reason}")
    };
    s.add("growth", w.growth, frac, cites(&r), reason);

    let k = ["initiative"];
    let r = recent(&k);
    let relevant = r
        .iter()
        .any(|x| RELEVANT.iter().any(|w| x.text.to_lowercase().contains(w)));
    let frac = if relevant {
        1.0
    } else if r.is_empty() {
        0.0
    } else {
        0.5
    };
    let reason = match (relevant, r.len()) {
        (_, 0) => format!("no new initiatives known{}", note(older(&k))),
        (true, n) => format!("{n} initiative(s), on search or digital commerce"),
        (false, n) => format!("{n} initiative(s), none on search"),
    };
    s.add("initiatives", w.initiatives, frac, cites(&r), reason);
    (signals, s.finish())
}

pub struct Intent {
    spec: ModuleSpec,
    weights: ScoringWeights,
}

impl Intent {
    pub fn new() -> Self {
        Self::with_weights(ScoringWeights::default())
    }

    pub fn with_weights(weights: ScoringWeights) -> Self {
        Self {
            spec: derived(ModuleId::INTENT, &NEEDS, 1),
            weights,
        }
    }
}

impl Default for Intent {
    fn default() -> Self {
        Self::new()
    }
}

impl Module for Intent {
    fn spec(&self) -> &ModuleSpec {
        &self.spec
    }

    fn run(&self, input: &ModuleInput<'_>) -> ModuleOutput {
        if !NEEDS.iter().any(|m| input.deps.contains_key(m)) && input.history.is_empty() {
            return ModuleOutput::Skipped(
                "nothing to read intent from: no M02, M04, M10 result and no history".into(),
            );
        }
        let (signals, score) = assess(input, &self.weights);
        let data = json!({ "signals": signals, "intent_score": score.total, "parts": score.parts, "reasons": score.reasons(3) });
        let from = [
            ModuleId::TECH_STACK,
            ModuleId::HIRING,
            ModuleId::INITIATIVES,
            ModuleId::TRAFFIC,
        ];
        ModuleOutput::Done(cited(
            data,
            input.dep_sources(&from),
            input.derived_citation(&NEEDS),
        ))
    }
}
