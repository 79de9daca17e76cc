//! M13 Hot lead detection: the ICP fit (M11) and intent (M12) scores blended by their weights
//! (60/40 by default) into one score whose parts are the fit and intent parts scaled, so every
//! point still names its facts; the priority (hot/warm/cool/cold) follows the configured
//! thresholds, and the reasons say in plain words what drives it. The orchestrator announces
//! `HotLeadDetected` when the priority becomes hot.

use pf_core::ModuleId;
use serde_json::json;

use crate::module::{Module, ModuleInput, ModuleOutput, ModuleSpec};
use crate::modules::{cited, derived};
use crate::score::{Score, ScorePart, ScoringWeights};
use crate::settings::Thresholds;

const NEEDS: [ModuleId; 2] = [ModuleId::ICP_FIT, ModuleId::INTENT];

/// How many reasons a hot lead carries.
pub const REASONS: usize = 3;

pub struct HotLead {
    spec: ModuleSpec,
    weights: ScoringWeights,
}

impl HotLead {
    pub fn new() -> Self {
        Self::with_weights(ScoringWeights::default())
    }

    pub fn with_weights(weights: ScoringWeights) -> Self {
        Self {
            spec: derived(ModuleId::HOT_LEAD, &NEEDS, 1),
            weights,
        }
    }
}

impl Default for HotLead {
    fn default() -> Self {
        Self::new()
    }
}

/// The blended score: fit parts scaled by the fit share, intent parts by the intent share; a
/// missing intent result is one zero part that says so.
pub fn blend(fit: &Score, intent: Option<&Score>, w: &ScoringWeights) -> Score {
    let (fit_share, intent_share) = w.blend();
    let mut parts = fit.scaled("fit", fit_share);
    match intent {
        Some(i) => parts.extend(i.scaled("intent", intent_share)),
        None => parts.push(ScorePart {
            name: "intent".into(),
            weight: (intent_share * 10_000.0).round() / 100.0,
            points: 0.0,
            max: (intent_share * 10_000.0).round() / 100.0,
            facts: Vec::new(),
            reason: "intent and timing not enriched yet".into(),
        }),
    }
    Score::from_parts(parts)
}

/// The hot-lead result from the fit and intent scores.
pub fn assess(
    fit: &Score,
    intent: Option<&Score>,
    w: &ScoringWeights,
    thresholds: &Thresholds,
) -> (Score, &'static str, Vec<String>) {
    let score = blend(fit, intent, w);
    let priority = thresholds.priority(score.total);
    let mut reasons = score.reasons(REASONS);
    if reasons.is_empty() {
        reasons.push("nothing in the facts known so far makes this account a fit".into());
    }
    (score, priority, reasons)
}

impl Module for HotLead {
    fn spec(&self) -> &ModuleSpec {
        &self.spec
    }

    fn run(&self, input: &ModuleInput<'_>) -> ModuleOutput {
        let Some(fit) = input.dep(ModuleId::ICP_FIT).and_then(Score::from_data) else {
            return ModuleOutput::Skipped("no ICP fit score to start from".into());
        };
        let intent_data = input.dep(ModuleId::INTENT);
        let intent = intent_data.and_then(Score::from_data);
        let (score, priority, reasons) = assess(
            &fit,
            intent.as_ref(),
            &self.weights,
            &input.settings.thresholds,
        );
        let signals = intent_data
            .and_then(|d| d.get("signals"))
            .cloned()
            .unwrap_or_else(|| json!([]));
        let data = json!({
            "score": score.total,
            "priority": priority,
            "reasons": reasons,
            "parts": score.parts,
            "fit_score": fit.total,
            "intent_score": intent.as_ref().map(|i| i.total),
            "signals": signals,
        });
        ModuleOutput::Done(cited(
            data,
            input.dep_sources(&NEEDS),
            input.derived_citation(&NEEDS),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::score::Scorer;

    fn fit(fraction: f64) -> Score {
        let mut s = Scorer::new();
        s.add(
            "size",
            50.0,
            fraction,
            vec!["employees 316,000 (sec_edgar)".into()],
            "316,000 employees".into(),
        );
        s.add(
            "traffic",
            50.0,
            fraction,
            vec!["monthly visits 12.3M (similarweb)".into()],
            "12.3M visits a month".into(),
        );
        s.finish()
    }

    #[test]
    fn blend_keeps_every_part_and_follows_the_weights() {
        let w = ScoringWeights::default();
        let score = blend(&fit(1.0), Some(&fit(0.5)), &w);
        assert_eq!(score.total, 80); // 60 + 40 * 0.5
        assert_eq!(score.parts.len(), 4);
        assert!(score.parts.iter().all(|p| p.points <= p.max));
        assert_eq!(score.parts[0].name, "fit: size");
        assert_eq!(
            score.parts[0].facts,
            vec!["employees 316,000 (sec_edgar)".to_owned()]
        );
        let custom = ScoringWeights {
            fit: 1.0,
            intent: 1.0,
            ..ScoringWeights::default()
        };
        assert_eq!(blend(&fit(1.0), Some(&fit(0.0)), &custom).total, 50);
    }

    #[test]
    fn missing_intent_is_an_explained_zero() {
        let t = Thresholds {
            hot: 75,
            warm: 55,
            cool: 35,
        };
        let (score, priority, reasons) = assess(&fit(1.0), None, &ScoringWeights::default(), &t);
        assert_eq!(score.total, 60);
        assert_eq!(priority, "warm");
        let intent = score
            .parts
            .iter()
            .find(|p| p.name == "intent")
            .expect("intent part");
        assert_eq!((intent.points, intent.max), (0.0, 40.0));
        assert_eq!(reasons.len(), 2);
    }
}
