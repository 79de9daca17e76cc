//! M03 Traffic and engagement: monthly visits and their history, and similar sites.

use pf_core::ModuleId;
use serde_json::Value;

use crate::module::{Module, ModuleInput, ModuleOutput, ModuleSpec, Policy};
use crate::modules::{fed, run_fed};

pub struct Traffic {
    spec: ModuleSpec,
}

impl Traffic {
    pub fn new() -> Self {
        Self {
            spec: fed(
                ModuleId::TRAFFIC,
                &[],
                &["similarweb"],
                Policy::Waterfall,
                30,
            ),
        }
    }
}

impl Default for Traffic {
    fn default() -> Self {
        Self::new()
    }
}

/// Growth of the last month over the average of the three before it, when there is history.
pub fn recent_growth(history: &Value) -> Option<f64> {
    let visits: Vec<f64> = history
        .as_array()?
        .iter()
        .filter_map(|m| m.get("visits").and_then(Value::as_f64))
        .collect();
    let (last, before) = visits.split_last()?;
    let window: Vec<f64> = before.iter().rev().take(3).copied().collect();
    if window.is_empty() {
        return None;
    }
    let avg = window.iter().sum::<f64>() / window.len() as f64;
    (avg > 0.0).then(|| ((last / avg - 1.0) * 1000.0).round() / 1000.0)
}

impl Module for Traffic {
    fn spec(&self) -> &ModuleSpec {
        &self.spec
    }

    fn run(&self, input: &ModuleInput<'_>) -> ModuleOutput {
        run_fed(input, &["traffic."], &["traffic.similar_sites"], |data| {
            if let Some(g) = data.get("traffic_history").and_then(recent_growth) {
                data.insert("recent_growth".into(), Value::from(g));
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn growth_compares_the_last_month_with_the_three_before() {
        let h = json!([{"visits": 100.0}, {"visits": 100.0}, {"visits": 100.0}, {"visits": 150.0}]);
        assert_eq!(recent_growth(&h), Some(0.5));
        assert_eq!(recent_growth(&json!([{"visits": 1.0}])), None);
    }
}
