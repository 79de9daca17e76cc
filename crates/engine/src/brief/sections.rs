//! One brief section per module: the module's data turned into labelled facts, each with the
//! source behind it, when that source fetched it and any conflict between sources. Modules
//! that have not run give a section that says "not enriched yet".

use pf_core::{Intelligence, ModuleId};
use serde_json::Value;
use std::collections::BTreeMap;
use time::OffsetDateTime;

use super::cite::{self, Cited};
use super::{BriefFact, BriefSection};

/// A module's result as the brief sees it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Entry<'a> {
    pub intel: &'a Intelligence,
    /// When the module's result was produced (the fallback age of its facts).
    pub fetched_at: OffsetDateTime,
    pub stale: bool,
}

pub(crate) type Results<'a> = BTreeMap<ModuleId, Entry<'a>>;

/// The modules a brief has sections for, besides any added module that ran.
const SECTION_MODULES: [ModuleId; 13] = [
    ModuleId::COMPANY_PROFILE,
    ModuleId::TECH_STACK,
    ModuleId::TRAFFIC,
    ModuleId::HIRING,
    ModuleId::DOMAIN_FAMILY,
    ModuleId::SEARCH_PROVIDER,
    ModuleId::FINANCIALS,
    ModuleId::EXECUTIVES,
    ModuleId::COMPETITORS,
    ModuleId::INITIATIVES,
    ModuleId::ICP_FIT,
    ModuleId::INTENT,
    ModuleId::HOT_LEAD,
];

/// The text of a section for a module that has no result.
pub const NOT_ENRICHED: &str = "not enriched yet";

/// Every section, in module order; modules without a result say so.
pub(crate) fn sections(results: &Results<'_>, now: OffsetDateTime) -> Vec<BriefSection> {
    let mut ids: Vec<ModuleId> = SECTION_MODULES.to_vec();
    ids.extend(
        results
            .keys()
            .filter(|m| m.number() > ModuleId::BUILTIN_COUNT),
    );
    ids.into_iter()
        .map(|module| match results.get(&module) {
            Some(e) => {
                let mut rows = Rows {
                    c: Cited::new(e.intel),
                    at: e.fetched_at,
                    out: Vec::new(),
                    now,
                };
                fill(module, &mut rows);
                let note = rows.out.is_empty().then(|| "nothing to report".to_owned());
                BriefSection {
                    module,
                    title: module.title().to_owned(),
                    personal: !rows.out.is_empty()
                        && pf_core::DataClass::of_module(module).is_personal(),
                    enriched: true,
                    stale: e.stale,
                    note,
                    facts: rows.out,
                    series: super::timeline::series(module, e.intel.data()),
                }
            }
            None => BriefSection {
                module,
                title: module.title().to_owned(),
                personal: false,
                enriched: false,
                stale: false,
                note: Some(NOT_ENRICHED.to_owned()),
                facts: Vec::new(),
                series: Vec::new(),
            },
        })
        .collect()
}

pub(super) struct Rows<'a> {
    pub(super) c: Cited<'a>,
    at: OffsetDateTime,
    now: OffsetDateTime,
    out: Vec<BriefFact>,
}

impl Rows<'_> {
    /// A fact read from `key`, cited by the key's attribution, with its conflict.
    pub(super) fn key(&mut self, label: &str, key: &str, show: impl Fn(&Value) -> String) {
        if let Some(v) = self.c.get(key) {
            let conflict = self.c.conflict(key);
            self.with(label, show(v), self.c.ids(key), conflict);
        }
    }

    pub(super) fn with(
        &mut self,
        label: &str,
        value: String,
        ids: Vec<String>,
        conflict: Option<String>,
    ) {
        let fetched_at = self.c.fetched(&ids).unwrap_or(self.at);
        self.out.push(BriefFact {
            label: label.to_owned(),
            value,
            source: ids.join(", "),
            fetched_at,
            age_days: Some(cite::age_days(fetched_at, self.now)),
            conflict,
        });
    }
}

pub(super) fn text(v: &Value) -> String {
    cite::display(v)
}

fn num(f: fn(f64) -> String) -> impl Fn(&Value) -> String {
    move |v| v.as_f64().map_or_else(|| cite::display(v), f)
}

fn sources_of(item: &Value) -> Vec<String> {
    item.get("sources")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

pub(super) fn titled(category: &str) -> String {
    match category {
        "site_search" => "Site search".to_owned(),
        "ecommerce_platform" | "ecommerce" => "E-commerce platform".to_owned(),
        "cms" => "CMS".to_owned(),
        "cdn" => "CDN".to_owned(),
        "ssl" => "SSL".to_owned(),
        "javascript" => "JavaScript".to_owned(),
        "docinfo" => "Document info".to_owned(),
        other => {
            let words = other.replace('_', " ");
            let mut chars = words.chars();
            chars
                .next()
                .map(|c| c.to_uppercase().chain(chars).collect())
                .unwrap_or_default()
        }
    }
}

fn fill(module: ModuleId, r: &mut Rows<'_>) {
    let c = r.c;
    match module {
        ModuleId::COMPANY_PROFILE => {
            r.key("Name", "profile_name", text);
            r.key("Industry", "profile_industry", text);
            r.key("Country", "profile_country", text);
            r.key("Employees", "profile_employees", num(cite::count));
            r.key("Ticker", "profile_ticker", text);
            r.key("SEC CIK", "profile_cik", |v| {
                v.as_u64().map_or_else(|| text(v), |n| n.to_string())
            });
            r.key("Description", "profile_description", |v| {
                cite::clip(&text(v), 240)
            });
            r.key("Former names", "profile_former_names", text);
        }
        ModuleId::TECH_STACK => {
            let provider = c
                .str("search_provider")
                .unwrap_or("none detected")
                .to_owned();
            let conflict = c.conflict("search_provider");
            r.with(
                "Search provider",
                provider,
                c.ids("search_provider"),
                conflict,
            );
            let mut by_category: BTreeMap<String, (Vec<String>, Vec<String>)> = BTreeMap::new();
            for t in c.list("tech_technologies") {
                let category = t.get("category").and_then(Value::as_str).unwrap_or("other");
                let entry = by_category.entry(titled(category)).or_default();
                entry.0.push(text(t));
                for s in sources_of(t) {
                    if !entry.1.contains(&s) {
                        entry.1.push(s);
                    }
                }
            }
            for (label, (names, ids)) in by_category {
                let ids = if ids.is_empty() {
                    c.ids("tech_technologies")
                } else {
                    ids
                };
                r.with(&label, names.join(", "), ids, None);
            }
        }
        ModuleId::TRAFFIC => {
            r.key(
                "Monthly visits",
                "traffic_monthly_visits",
                num(cite::compact),
            );
            r.key("Recent growth", "recent_growth", num(cite::pct));
            let similar: Vec<String> = c
                .list("traffic_similar_sites")
                .iter()
                .take(5)
                .map(text)
                .collect();
            if !similar.is_empty() {
                r.with(
                    "Similar sites",
                    similar.join(", "),
                    c.ids("traffic_similar_sites"),
                    None,
                );
            }
        }
        ModuleId::HIRING => {
            r.key("Open jobs", "open_jobs", text);
            for job in c
                .list("hiring_jobs")
                .iter()
                .filter(|j| j.get("search_related").and_then(Value::as_bool) == Some(true))
            {
                let posted = job
                    .get("posted_at")
                    .and_then(cite::parse_day)
                    .map(|d| format!(" (posted {d})"))
                    .unwrap_or_default();
                let ids = sources_of(job);
                let ids = if ids.is_empty() {
                    c.ids("hiring_jobs")
                } else {
                    ids
                };
                r.with(
                    "Search-related job",
                    format!("{}{posted}", text(job)),
                    ids,
                    None,
                );
            }
        }
        ModuleId::DOMAIN_FAMILY => {
            let related: Vec<String> = c
                .list("family_related_domains")
                .iter()
                .take(8)
                .map(|d| match d.get("relation").and_then(Value::as_str) {
                    Some(rel) => format!("{} ({rel})", text(d)),
                    None => text(d),
                })
                .collect();
            if !related.is_empty() {
                r.with(
                    "Related domains",
                    related.join(", "),
                    c.ids("family_related_domains"),
                    None,
                );
            }
            r.key("Redirects", "family_redirects", text);
            for e in c.list("company_events") {
                let name = e.get("former_name").map(text).unwrap_or_default();
                let until = e
                    .get("until")
                    .and_then(Value::as_str)
                    .map(|u| format!(" until {u}"))
                    .unwrap_or_default();
                r.with(
                    "Company event",
                    format!("renamed: formerly {name}{until}"),
                    c.ids("profile_former_names"),
                    None,
                );
            }
        }
        ModuleId::SEARCH_PROVIDER => {
            let provider = c
                .str("search_provider")
                .unwrap_or("none detected")
                .to_owned();
            let conflict = c.get("conflict").and_then(cite::conflict_text);
            let ids = c
                .get("evidence")
                .map(sources_of)
                .filter(|s| !s.is_empty())
                .unwrap_or_else(|| c.ids("search_provider"));
            r.with("Search provider", provider, ids, conflict);
            r.key("Status", "status", |v| text(v).replace('_', " "));
            r.key("Opportunity", "opportunity", text);
            if let Some(ev) = c.get("evidence").and_then(|e| e.get("evidence")) {
                r.with(
                    "Evidence",
                    cite::clip(&text(ev), 160),
                    c.ids("evidence"),
                    None,
                );
            }
        }
        ModuleId::FINANCIALS => {
            r.key("Revenue", "financials_revenue_usd", num(cite::usd));
            r.key(
                "Revenue growth",
                "financials_revenue_growth",
                num(cite::pct),
            );
            r.key("Market cap", "financials_market_cap_usd", num(cite::usd));
            r.key("Recent filings", "filings_recent", |v| {
                cite::clip(&text(v), 160)
            });
        }
        ModuleId::EXECUTIVES => {
            for o in c.list("executives_officers").iter().take(8) {
                let title = o.get("title").map(text).unwrap_or_else(|| "officer".into());
                r.with(&title, text(o), c.ids("executives_officers"), None);
            }
        }
        ModuleId::COMPETITORS => {
            for comp in c.list("competitors").iter().take(8) {
                let provider = comp
                    .get("search_provider")
                    .and_then(Value::as_str)
                    .unwrap_or("unknown");
                r.with(
                    &text(comp),
                    format!("search provider: {provider}"),
                    c.ids("competitors"),
                    None,
                );
            }
            r.key(
                "Competitors on the home vendor",
                "competitors_on_home_vendor",
                text,
            );
        }
        ModuleId::INITIATIVES => {
            for item in c.list("initiatives_items").iter().take(8) {
                let kind = item
                    .get("kind")
                    .and_then(Value::as_str)
                    .unwrap_or("initiative");
                let date = item
                    .get("date")
                    .and_then(cite::parse_day)
                    .map(|d| format!(" ({d})"))
                    .unwrap_or_default();
                r.with(
                    &titled(kind),
                    format!("{}{date}", cite::clip(&text(item), 200)),
                    c.ids("initiatives_items"),
                    None,
                );
            }
        }
        ModuleId::ICP_FIT | ModuleId::INTENT | ModuleId::HOT_LEAD => {
            super::scored::scored(module, r)
        }
        _ => {
            if let Some(map) = c.data.as_object() {
                for (k, v) in map
                    .iter()
                    .filter(|(k, _)| *k != "attribution" && *k != "conflicts")
                {
                    r.with(
                        &titled(k),
                        cite::clip(&text(v), 200),
                        c.ids(k),
                        c.conflict(k),
                    );
                }
            }
        }
    }
}
