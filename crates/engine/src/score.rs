//! Explainable scores: a [`Score`] is the sum of its [`ScorePart`]s, and every part names its
//! weight, the points it gave, the most it could give, the facts behind it (each with its
//! source, e.g. `employees 316,000 (sec_edgar)`) and the reason in plain words. Nothing is
//! scored that is not explained.
//!
//! Weights are relative: a part's `max` is its weight scaled so that the weights of all the
//! parts of a score add up to 100. [`ScoringWeights`] holds them, with documented defaults, and
//! reads overrides from `scoring.weights.<name>` in `config.toml` (or the environment).

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::EngineError;
use crate::config::Config;

/// One explained part of a score.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScorePart {
    /// What is scored, e.g. `size`, `search provider`, `intent: search job posted`.
    pub name: String,
    /// The configured weight behind the part (for blended parts: the blend's share of it).
    pub weight: f64,
    /// Points given, `0..=max`, rounded to hundredths.
    pub points: f64,
    /// The most this part can give: its weight scaled so all weights add up to 100.
    pub max: f64,
    /// The facts behind the points, each with its source: `employees 316,000 (sec_edgar)`.
    pub facts: Vec<String>,
    /// Why these points, in plain words.
    pub reason: String,
}

/// A score of 0..=100 with every point explained by its parts.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Score {
    /// The sum of the parts' points, rounded, capped at 100.
    pub total: u32,
    pub parts: Vec<ScorePart>,
}

fn hundredths(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

impl Score {
    /// A score from ready parts: the total is their points summed, rounded and capped at 100.
    pub fn from_parts(parts: Vec<ScorePart>) -> Score {
        let sum: f64 = parts.iter().map(|p| p.points).sum();
        let total = sum.round().clamp(0.0, 100.0) as u32;
        Score { total, parts }
    }

    /// The unrounded sum of the parts' points.
    pub fn points(&self) -> f64 {
        self.parts.iter().map(|p| p.points).sum()
    }

    /// The reasons of the parts that gave the most points, best first (at most `n`).
    pub fn reasons(&self, n: usize) -> Vec<String> {
        let mut scoring: Vec<&ScorePart> = self.parts.iter().filter(|p| p.points > 0.0).collect();
        scoring.sort_by(|a, b| b.points.total_cmp(&a.points));
        scoring
            .into_iter()
            .take(n)
            .map(|p| p.reason.clone())
            .collect()
    }

    /// Every part scaled by `factor` and renamed `<prefix>: <name>`, for blending scores.
    pub fn scaled(&self, prefix: &str, factor: f64) -> Vec<ScorePart> {
        self.parts
            .iter()
            .map(|p| ScorePart {
                name: format!("{prefix}: {}", p.name),
                weight: hundredths(p.max * factor),
                points: hundredths(p.points * factor),
                max: hundredths(p.max * factor),
                facts: p.facts.clone(),
                reason: p.reason.clone(),
            })
            .collect()
    }

    /// The module-data form: `{"score": total, "parts": [...]}`.
    pub fn to_data(&self) -> Value {
        json!({ "score": self.total, "parts": self.parts })
    }

    /// Reads the module-data form back (from M11, M12 or M13 data).
    pub fn from_data(data: &Value) -> Option<Score> {
        let total = data
            .get("score")
            .or_else(|| data.get("intent_score"))?
            .as_u64()?;
        let parts = serde_json::from_value(data.get("parts")?.clone()).ok()?;
        Some(Score {
            total: u32::try_from(total.min(100)).unwrap_or(100),
            parts,
        })
    }
}

/// Collects parts as fractions of their weight, then scales the weights to 100.
#[derive(Debug, Default)]
pub struct Scorer {
    parts: Vec<(String, f64, f64, Vec<String>, String)>,
}

impl Scorer {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a part worth `fraction` (clamped to 0..=1) of its `weight`.
    pub fn add(
        &mut self,
        name: &str,
        weight: f64,
        fraction: f64,
        facts: Vec<String>,
        reason: String,
    ) {
        let fraction = if fraction.is_finite() {
            fraction.clamp(0.0, 1.0)
        } else {
            0.0
        };
        self.parts
            .push((name.to_owned(), weight.max(0.0), fraction, facts, reason));
    }

    /// The score: each part's max is its weight over the sum of weights, times 100.
    pub fn finish(self) -> Score {
        let sum: f64 = self.parts.iter().map(|p| p.1).sum();
        let parts = self
            .parts
            .into_iter()
            .map(|(name, weight, fraction, facts, reason)| {
                let max = if sum > 0.0 { weight / sum * 100.0 } else { 0.0 };
                ScorePart {
                    name,
                    weight,
                    points: hundredths(fraction * max),
                    max: hundredths(max),
                    facts,
                    reason,
                }
            })
            .collect();
        Score::from_parts(parts)
    }
}

/// The weights of the scores. Relative within each score (they are scaled to 100).
///
/// Defaults:
///
/// | score | part | key (`scoring.weights.*`) | default |
/// |---|---|---|---|
/// | ICP fit (M11) | company size (employees or revenue) | `size` | 25 |
/// | ICP fit | an e-commerce platform in the stack | `ecommerce` | 15 |
/// | ICP fit | monthly visits | `traffic` | 20 |
/// | ICP fit | search provider status (competitor > none > other > home vendor) | `search` | 25 |
/// | ICP fit | industry (retail and e-commerce first, then media and travel) | `industry` | 15 |
/// | intent (M12) | a competitor's search product removed | `competitor_removed` | 40 |
/// | intent | a search-related job posted | `search_hiring` | 30 |
/// | intent | a traffic jump (> 20%) or a hiring spike | `growth` | 15 |
/// | intent | new strategic initiatives | `initiatives` | 15 |
/// | hot lead (M13) | ICP fit | `fit` | 60 |
/// | hot lead | intent | `intent` | 40 |
///
/// Intent signals older than `scoring.intent_window_days` (default 180) are listed but give no
/// points.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScoringWeights {
    pub size: f64,
    pub ecommerce: f64,
    pub traffic: f64,
    pub search: f64,
    pub industry: f64,
    pub competitor_removed: f64,
    pub search_hiring: f64,
    pub growth: f64,
    pub initiatives: f64,
    pub fit: f64,
    pub intent: f64,
    pub intent_window_days: i64,
}

impl Default for ScoringWeights {
    fn default() -> Self {
        Self {
            size: 25.0,
            ecommerce: 15.0,
            traffic: 20.0,
            search: 25.0,
            industry: 15.0,
            competitor_removed: 40.0,
            search_hiring: 30.0,
            growth: 15.0,
            initiatives: 15.0,
            fit: 60.0,
            intent: 40.0,
            intent_window_days: 180,
        }
    }
}

impl ScoringWeights {
    /// The weights with overrides from `scoring.weights.<name>` and `scoring.intent_window_days`.
    /// A negative or non-numeric weight is a configuration error.
    pub fn from_config(c: &Config) -> Result<Self, EngineError> {
        let d = Self::default();
        let w = |name: &str, default: f64| -> Result<f64, EngineError> {
            let key = format!("scoring.weights.{name}");
            let v: f64 = c.get_parsed(&key, default)?;
            if v.is_finite() && v >= 0.0 {
                Ok(v)
            } else {
                Err(EngineError::Config(format!("{key} must be zero or more")))
            }
        };
        Ok(Self {
            size: w("size", d.size)?,
            ecommerce: w("ecommerce", d.ecommerce)?,
            traffic: w("traffic", d.traffic)?,
            search: w("search", d.search)?,
            industry: w("industry", d.industry)?,
            competitor_removed: w("competitor_removed", d.competitor_removed)?,
            search_hiring: w("search_hiring", d.search_hiring)?,
            growth: w("growth", d.growth)?,
            initiatives: w("initiatives", d.initiatives)?,
            fit: w("fit", d.fit)?,
            intent: w("intent", d.intent)?,
            intent_window_days: c
                .get_parsed("scoring.intent_window_days", d.intent_window_days)?
                .max(0),
        })
    }

    /// The fit and intent shares of the hot-lead score (adding up to 1).
    pub fn blend(&self) -> (f64, f64) {
        let sum = self.fit + self.intent;
        if sum > 0.0 {
            (self.fit / sum, self.intent / sum)
        } else {
            (0.5, 0.5)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_are_scaled_to_one_hundred_and_sum_to_the_total() {
        let mut s = Scorer::new();
        s.add("a", 1.0, 1.0, vec!["x (web)".into()], "all of a".into());
        s.add("b", 3.0, 0.5, vec![], "half of b".into());
        let score = s.finish();
        assert_eq!(score.parts[0].max, 25.0);
        assert_eq!(score.parts[1].max, 75.0);
        assert_eq!(score.parts[1].points, 37.5);
        assert_eq!(score.total, 63); // 62.5 rounds up
        assert_eq!(score.reasons(1), vec!["half of b".to_owned()]);
    }

    #[test]
    fn data_form_round_trips_and_blends_scale() {
        let mut s = Scorer::new();
        s.add(
            "size",
            25.0,
            0.8,
            vec!["employees 316,000 (sec_edgar)".into()],
            "large".into(),
        );
        let score = s.finish();
        let back = Score::from_data(&score.to_data()).expect("reads back");
        assert_eq!(back, score);
        let half = score.scaled("fit", 0.5);
        assert_eq!(half[0].name, "fit: size");
        assert_eq!(half[0].points, 40.0);
        assert_eq!(half[0].max, 50.0);
    }

    #[test]
    fn weights_read_overrides_and_refuse_negatives() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut c = Config::load(dir.path()).expect("load");
        assert_eq!(
            ScoringWeights::from_config(&c).expect("defaults"),
            ScoringWeights::default()
        );
        std::fs::write(
            dir.path().join("config.toml"),
            "[scoring.weights]\nsize = 50\nfit = -1\n",
        )
        .expect("write");
        c = Config::load(dir.path()).expect("reload");
        assert!(ScoringWeights::from_config(&c).is_err());
        std::fs::write(
            dir.path().join("config.toml"),
            "[scoring.weights]\nsize = 50\n",
        )
        .expect("write");
        c = Config::load(dir.path()).expect("reload");
        assert_eq!(ScoringWeights::from_config(&c).expect("ok").size, 50.0);
        assert_eq!(ScoringWeights::default().blend(), (0.6, 0.4));
    }
}
