//! The generated sample companies: 8,000 distinct domains built from word pairs in five
//! patterns (`bluepeakgear.com`, `blue-peakgear.com`...), in a stable shuffled order.

use std::collections::HashMap;
use std::sync::OnceLock;

use super::stable_hash;

const PREFIXES: [&str; 40] = [
    "north",
    "blue",
    "summit",
    "river",
    "cedar",
    "harbor",
    "maple",
    "silver",
    "golden",
    "urban",
    "prairie",
    "coastal",
    "pine",
    "iron",
    "bright",
    "lake",
    "red",
    "stone",
    "oak",
    "sun",
    "evergreen",
    "granite",
    "willow",
    "falcon",
    "aspen",
    "canyon",
    "meadow",
    "crescent",
    "liberty",
    "atlas",
    "pioneer",
    "beacon",
    "copper",
    "highland",
    "sierra",
    "juniper",
    "orchard",
    "bay",
    "ridge",
    "valley",
];
const NOUNS: [&str; 40] = [
    "outfitters",
    "supply",
    "goods",
    "market",
    "home",
    "apparel",
    "living",
    "gear",
    "pantry",
    "beauty",
    "books",
    "crafts",
    "electronics",
    "furniture",
    "garden",
    "kitchen",
    "optics",
    "pets",
    "sports",
    "toys",
    "wellness",
    "footwear",
    "jewelry",
    "hardware",
    "tools",
    "outdoors",
    "foods",
    "cycles",
    "paper",
    "linen",
    "studio",
    "provisions",
    "threads",
    "cellar",
    "motors",
    "pharmacy",
    "nutrition",
    "decor",
    "audio",
    "wares",
];

/// One generated sample company: its domain, name and the words it was built from.
#[derive(Debug, Clone)]
pub struct Sample {
    pub domain: String,
    pub name: String,
    pub prefix: &'static str,
    pub noun: &'static str,
}

pub(super) fn cap(w: &str) -> String {
    let mut c = w.chars();
    c.next()
        .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
        .unwrap_or_default()
}

pub(super) fn all_samples() -> &'static [Sample] {
    static SAMPLES: OnceLock<Vec<Sample>> = OnceLock::new();
    SAMPLES.get_or_init(|| {
        let mut out = Vec::with_capacity(PREFIXES.len() * NOUNS.len() * 5);
        for p in PREFIXES {
            for n in NOUNS {
                let (pp, nn) = (cap(p), cap(n));
                let variants = [
                    (format!("{p}{n}.com"), format!("{pp} {nn}")),
                    (format!("{p}-{n}.com"), format!("{pp} {nn} Group")),
                    (format!("{p}{n}co.com"), format!("{pp} {nn} Co.")),
                    (format!("shop{p}{n}.com"), format!("{pp} {nn} Stores")),
                    (format!("{p}{n}.co"), format!("{pp} {nn} Collective")),
                ];
                out.extend(variants.into_iter().map(|(domain, name)| Sample {
                    domain,
                    name,
                    prefix: p,
                    noun: n,
                }));
            }
        }
        out.sort_by_key(|s| stable_hash(&s.domain, "order"));
        out
    })
}

/// The first `n` generated sample domains (deterministic; 8,000 distinct before numbered repeats).
/// Benchmarks and demos can enrich these; some of them are listed companies.
pub fn sample_domains(n: usize) -> Vec<String> {
    samples(n).into_iter().map(|s| s.domain).collect()
}

/// The first `n` samples (numbered repeats past the distinct ones).
pub fn samples(n: usize) -> Vec<Sample> {
    let all = all_samples();
    (0..n)
        .map(|i| {
            let s = &all[i % all.len()];
            match i / all.len() {
                0 => s.clone(),
                k => {
                    let (label, tld) = s.domain.split_once('.').unwrap_or((&s.domain, "com"));
                    Sample {
                        domain: format!("{label}{}.{tld}", k + 1),
                        name: format!("{} {}", s.name, k + 1),
                        ..s.clone()
                    }
                }
            }
        })
        .collect()
}

/// The sample with this domain, if it is one.
pub fn sample(domain: &str) -> Option<&'static Sample> {
    static INDEX: OnceLock<HashMap<&'static str, usize>> = OnceLock::new();
    let all = all_samples();
    let index = INDEX.get_or_init(|| {
        all.iter()
            .enumerate()
            .map(|(i, s)| (s.domain.as_str(), i))
            .collect()
    });
    index.get(domain).map(|&i| &all[i])
}
