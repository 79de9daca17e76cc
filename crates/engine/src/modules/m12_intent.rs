//! M12 Intent and timing: dated, sourced signals that now is the time to call — a competitor's
//! search product removed (from the account's history, the current stack, or BuiltWith's
//! `last_seen`), a search-related job posted, a traffic jump or hiring spike, new strategic
//! initiatives — and an explained intent score over them. Signals older than the intent window
//! are listed but give no points.

use pf_core::ModuleId;
use pf_store::Snapshot;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use time::{Date, OffsetDateTime};

use crate::brief::{Cited, clip, parse_day, pct, source_ids};
use crate::module::{Module, ModuleInput, ModuleOutput, ModuleSpec};
use crate::modules::{cited, derived, m03_traffic};
use crate::score::{Score, Scorer, ScoringWeights};

const NEEDS: [ModuleId; 3] = [ModuleId::TECH_STACK, ModuleId::HIRING, ModuleId::INITIATIVES];

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
}

impl Signal {
    fn new(kind: &str, text: String, date: Option<Date>, source: String) -> Self {
        Self { kind: kind.into(), text, date: date.map(|d| d.to_string()), source, vendor: None, growth: None }
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
        self.date.as_ref().and_then(|d| parse_day(&json!(d))).is_none_or(|d| (now.date() - d).whole_days() <= days)
    }
}

/// Names of technologies and the search provider in a tech-stack or search-provider result.
fn stack_of(data: &Value) -> (Vec<String>, Option<String>) {
    let techs = data
        .get("tech_technologies")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(|t| t.get("name").and_then(Value::as_str).or_else(|| t.as_str())).map(str::to_owned).collect())
        .unwrap_or_default();
    (techs, data.get("search_provider").and_then(Value::as_str).map(str::to_owned))
}

/// Removals between two versions of a stack: competitors gone from the list or the provider.
fn compare(before: &Value, after: &Value, input: &ModuleInput<'_>, day: Date, source: &str, out: &mut Vec<Signal>) {
    let ((old_techs, old_p), (new_techs, new_p)) = (stack_of(before), stack_of(after));
    for name in old_techs.iter().filter(|n| input.settings.is_competitor(n)) {
        let listed = after.get("tech_technologies").is_some_and(|v| !v.is_null());
        if listed && !new_techs.iter().any(|x| x.eq_ignore_ascii_case(name)) {
            push_removal(out, name, format!("{name} removed from the site"), day, source);
        }
    }
    if let Some(old) = old_p.filter(|p| input.settings.is_competitor(p))
        && !new_p.as_deref().is_some_and(|n| n.eq_ignore_ascii_case(&old))
    {
        let now = new_p.as_deref().unwrap_or("none");
        push_removal(out, &old, format!("search provider changed: {old} -> {now}"), day, source);
    }
}

fn push_removal(out: &mut Vec<Signal>, vendor: &str, text: String, day: Date, source: &str) {
    let mut s = Signal::new("competitor_removed", text, Some(day), source.to_owned());
    s.vendor = Some(vendor.to_owned());
    match out.iter_mut().find(|x| x.vendor.as_deref().is_some_and(|v| v.eq_ignore_ascii_case(vendor))) {
        Some(existing) if existing.date < s.date => *existing = s,
        Some(_) => {}
        None => out.push(s),
    }
}

/// Removals read from a change summary: `search_provider: Elasticsearch -> none`, `... -Klevu`.
fn from_summary(snap: &Snapshot, input: &ModuleInput<'_>, out: &mut Vec<Signal>) {
    let (day, source) = (snap.recorded_at.date(), source_ids(&snap.sources).join(", "));
    for part in snap.summary.split("; ") {
        let Some((key, change)) = part.split_once(": ") else { continue };
        if key == "search_provider" {
            if let Some((old, new)) = change.split_once(" -> ")
                && input.settings.is_competitor(old)
                && !old.eq_ignore_ascii_case(new)
            {
                push_removal(out, old, format!("search provider changed: {old} -> {new}"), day, &source);
            }
        } else {
            for name in change.split_whitespace().filter_map(|t| t.strip_prefix('-')) {
                if input.settings.is_competitor(name) {
                    push_removal(out, name, format!("{name} removed from the site"), day, &source);
                }
            }
        }
    }
}

/// Competitors' search products removed, from history, the current stack and `last_seen`.
pub fn removals(input: &ModuleInput<'_>) -> Vec<Signal> {
    let mut out = Vec::new();
    for module in [ModuleId::TECH_STACK, ModuleId::SEARCH_PROVIDER] {
        let mut snaps: Vec<&Snapshot> = input.history.iter().filter(|s| s.module == module).collect();
        snaps.sort_by_key(|s| s.recorded_at);
        for s in &snaps {
            from_summary(s, input, &mut out);
        }
        for pair in snaps.windows(2) {
            let source = source_ids(&pair[1].sources).join(", ");
            compare(&pair[0].data, &pair[1].data, input, pair[1].recorded_at.date(), &source, &mut out);
        }
        if let (Some(last), Some(now)) = (snaps.last(), input.deps.get(&module)) {
            let c = Cited::new(now);
            if last.data != *now.data() {
                let day = c.fetched(&[]).unwrap_or(input.now).date();
                compare(&last.data, now.data(), input, day, &c.ids("search_provider").join(", "), &mut out);
            }
        }
    }
    if let Some(stack) = input.deps.get(&ModuleId::TECH_STACK).map(Cited::new) {
        for t in stack.list("tech_technologies") {
            let Some(name) = t.get("name").and_then(Value::as_str).filter(|n| input.settings.is_competitor(n)) else { continue };
            let live = t.get("sources").and_then(Value::as_array).is_some_and(|s| s.iter().any(|x| x == "website"));
            let Some(seen) = t.get("last_seen").and_then(parse_day) else { continue };
            if !live && (input.now.date() - seen).whole_days() > 30 {
                push_removal(&mut out, name, format!("{name} no longer detected (last seen)"), seen, "builtwith");
            }
        }
    }
    out
}

/// Search-related jobs posted, and a hiring spike against the last recorded count.
fn hiring(input: &ModuleInput<'_>) -> Vec<Signal> {
    let Some(h) = input.deps.get(&ModuleId::HIRING).map(Cited::new) else { return Vec::new() };
    let mut out: Vec<Signal> = h
        .list("hiring_jobs")
        .iter()
        .filter(|j| j.get("search_related").and_then(Value::as_bool) == Some(true))
        .map(|j| {
            let title = j.get("title").and_then(Value::as_str).unwrap_or("a search role");
            let ids: Vec<String> =
                j.get("sources").and_then(Value::as_array).map(|a| a.iter().filter_map(Value::as_str).map(str::to_owned).collect()).unwrap_or_default();
            let source = if ids.is_empty() { h.ids("hiring_jobs") } else { ids }.join(", ");
            Signal::new("search_job", format!("posted '{title}'"), j.get("posted_at").and_then(parse_day), source)
        })
        .collect();
    if out.is_empty() {
        for title in h.list("search_jobs").iter().filter_map(Value::as_str) {
            out.push(Signal::new("search_job", format!("posted '{title}'"), None, h.ids("hiring_jobs").join(", ")));
        }
    }
    let current = h.f64("open_jobs").unwrap_or(0.0);
    let mut before: Vec<&Snapshot> = input.history.iter().filter(|s| s.module == ModuleId::HIRING).collect();
    before.sort_by_key(|s| s.recorded_at);
    if before.last().is_some_and(|s| s.data == *h.data) {
        before.pop();
    }
    let previous = before.last().and_then(|s| s.data.get("open_jobs")).and_then(Value::as_f64);
    if let Some(prev) = previous.filter(|p| *p > 0.0 && current >= 5.0 && current / p - 1.0 >= 0.5) {
        let mut s = Signal::new(
            "hiring_spike",
            format!("open jobs up from {prev} to {current}"),
            h.fetched(&h.ids("open_jobs")).map(OffsetDateTime::date),
            h.ids("open_jobs").join(", "),
        );
        s.growth = Some(current / prev - 1.0);
        out.push(s);
    }
    out
}

/// A traffic jump (> 20% over the three months before), from M03 when present, else its history.
fn traffic(input: &ModuleInput<'_>) -> Option<Signal> {
    let (data, sources, day) = match input.deps.get(&ModuleId::TRAFFIC) {
        Some(t) => (t.data(), t.sources(), Cited::new(t).fetched(&[]).unwrap_or(input.now).date()),
        None => {
            let s = input.history.iter().filter(|s| s.module == ModuleId::TRAFFIC).max_by_key(|s| s.recorded_at)?;
            (&s.data, s.sources.as_slice(), s.recorded_at.date())
        }
    };
    let growth = data.get("recent_growth").and_then(Value::as_f64).or_else(|| data.get("traffic_history").and_then(m03_traffic::recent_growth))?;
    (growth > 0.2).then(|| {
        let c = Cited { data, sources };
        let mut s = Signal::new("traffic_jump", format!("traffic {} over the previous three months", pct(growth)), Some(day), c.ids("traffic_history").join(", "));
        s.growth = Some(growth);
        s
    })
}

fn initiatives(input: &ModuleInput<'_>) -> Vec<Signal> {
    let Some(i) = input.deps.get(&ModuleId::INITIATIVES).map(Cited::new) else { return Vec::new() };
    i.list("initiatives_items")
        .iter()
        .map(|item| {
            let text = item.get("text").and_then(Value::as_str).unwrap_or("an initiative");
            Signal::new("initiative", clip(text, 160), item.get("date").and_then(parse_day), i.ids("initiatives_items").join(", "))
        })
        .collect()
}

/// Words in an initiative that make it about search or online selling.
const RELEVANT: [&str; 9] = ["search", "commerce", "digital", "online", "replatform", "personali", "customer experience", "website", "discovery"];

/// The signals and the explained intent score.
pub fn assess(input: &ModuleInput<'_>, w: &ScoringWeights) -> (Vec<Signal>, Score) {
    let mut signals = removals(input);
    signals.extend(hiring(input));
    signals.extend(traffic(input));
    signals.extend(initiatives(input));
    let days = w.intent_window_days;
    let recent = |kinds: &[&str]| -> Vec<&Signal> { signals.iter().filter(|s| kinds.contains(&s.kind.as_str()) && s.within(input.now, days)).collect() };
    let older = |kinds: &[&str]| signals.iter().filter(|s| kinds.contains(&s.kind.as_str()) && !s.within(input.now, days)).count();
    let note = |n: usize| if n > 0 { format!(" ({n} older than {days} days not counted)") } else { String::new() };
    let mut s = Scorer::new();
    let cites = |v: &[&Signal]| v.iter().map(|s| s.cite()).collect::<Vec<_>>();

    let k = ["competitor_removed"];
    let r = recent(&k);
    let reason = match r.first() {
        Some(x) => format!("{}{}: they are choosing search now", x.text, x.date.as_ref().map(|d| format!(" on {d}")).unwrap_or_default()),
        None => format!("no competitor's search product removed{}", note(older(&k))),
    };
    s.add("competitor removed", w.competitor_removed, if r.is_empty() { 0.0 } else { 1.0 }, cites(&r), reason);

    let k = ["search_job"];
    let r = recent(&k);
    let frac = match r.len() { 0 => 0.0, 1 => 0.75, _ => 1.0 };
    let reason = match r.first() {
        Some(x) => format!("hiring for search: {}{}", x.text, if r.len() > 1 { format!(" and {} more", r.len() - 1) } else { String::new() }),
        None => format!("no search-related job posted{}", note(older(&k))),
    };
    s.add("search hiring", w.search_hiring, frac, cites(&r), reason);

    let k = ["traffic_jump", "hiring_spike"];
    let r = recent(&k);
    let frac = r.iter().map(|x| if x.kind == "traffic_jump" { (x.growth.unwrap_or(0.0) / 0.5).min(1.0) } else { 0.6 }).fold(0.0, f64::max);
    let reason = r.iter().map(|x| x.text.clone()).collect::<Vec<_>>().join("; ");
    let reason = if reason.is_empty() { format!("no traffic jump or hiring spike{}", note(older(&k))) } else { format!("growing: {reason}") };
    s.add("growth", w.growth, frac, cites(&r), reason);

    let k = ["initiative"];
    let r = recent(&k);
    let relevant = r.iter().any(|x| RELEVANT.iter().any(|w| x.text.to_lowercase().contains(w)));
    let frac = if relevant { 1.0 } else if r.is_empty() { 0.0 } else { 0.5 };
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
        Self { spec: derived(ModuleId::INTENT, &NEEDS, 1), weights }
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
            return ModuleOutput::Skipped("nothing to read intent from: no M02, M04, M10 result and no history".into());
        }
        let (signals, score) = assess(input, &self.weights);
        let data = json!({ "signals": signals, "intent_score": score.total, "parts": score.parts, "reasons": score.reasons(3) });
        let from = [ModuleId::TECH_STACK, ModuleId::HIRING, ModuleId::INITIATIVES, ModuleId::TRAFFIC];
        ModuleOutput::Done(cited(data, input.dep_sources(&from), input.derived_citation(&NEEDS)))
    }
}
