//! The brief as Markdown for a person: the headline with the score badge and priority, what
//! changed since the given date first (a `Field | Was | Now | Source` table of the fields that
//! differ, then the recorded changes), then the next best action, talking points, the score's
//! explanation, conflicts and one section per module. Every fact line ends with
//! `— source, N days old`; a conflict is shown on the fact it concerns.

use std::fmt::Write as _;

use super::{Brief, BriefChange, BriefFact, BriefSection, FieldChange};

/// How many changes a brief without `since` lists.
const RECENT_CHANGES: usize = 10;
/// Longer change summaries are shortened (the JSON form keeps them whole).
const SUMMARY_CHARS: usize = 280;

fn age(days: Option<i64>) -> String {
    match days {
        Some(1) => "1 day old".to_owned(),
        Some(n) => format!("{n} days old"),
        None => "age unknown".to_owned(),
    }
}

fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

fn fact_line(f: &BriefFact) -> String {
    let conflict = f
        .conflict
        .as_ref()
        .map(|c| format!(" (conflict: {c})"))
        .unwrap_or_default();
    format!(
        "- **{}:** {}{conflict} — {}, {}\n",
        f.label,
        f.value,
        f.source,
        age(f.age_days)
    )
}

fn change_line(c: &BriefChange, brief: &Brief) -> String {
    let days = (brief.generated_at - c.recorded_at).whole_days().max(0);
    let sources = if c.sources.is_empty() {
        "unknown source".to_owned()
    } else {
        c.sources.join(", ")
    };
    format!(
        "- {} · {} ({}): {} — {sources}, {}\n",
        c.recorded_at.date(),
        c.title,
        c.module,
        super::clip(&c.summary, SUMMARY_CHARS),
        age(Some(days))
    )
}

/// What a field change's old or new value reads as in a table (`—` for not known / gone).
pub(super) fn or_dash(v: Option<&String>) -> &str {
    v.map_or("—", String::as_str)
}

fn field_table(out: &mut String, changes: &[FieldChange]) {
    out.push_str("| Field | Was | Now | Source |\n|---|---|---|---|\n");
    for c in changes {
        let _ = writeln!(
            out,
            "| {}: {} | {} | {} | {} |",
            cell(&c.title),
            cell(&c.label),
            cell(or_dash(c.old.as_ref())),
            cell(or_dash(c.new.as_ref())),
            cell(&c.source)
        );
    }
    out.push('\n');
}

fn section(out: &mut String, s: &BriefSection) {
    let stale = match (s.stale, s.personal) {
        (true, true) => " · stale · personal data",
        (true, false) => " · stale",
        (false, true) => " · personal data",
        (false, false) => "",
    };
    let _ = writeln!(out, "## {} ({}){stale}\n", s.title, s.module);
    if let Some(note) = &s.note {
        let _ = writeln!(out, "_{note}_\n");
    }
    if !s.facts.is_empty() {
        for f in &s.facts {
            out.push_str(&fact_line(f));
        }
        out.push('\n');
    }
}

impl Brief {
    /// The brief as Markdown (see the module documentation for its layout).
    pub fn to_markdown(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "# Pre-call brief: {} ({})\n",
            self.account.name, self.account.domain
        );
        let badge = match (self.score, &self.priority) {
            (Some(s), Some(p)) => format!("**[{s}/100 · {}]**", p.to_uppercase()),
            (Some(s), None) => format!("**[{s}/100]**"),
            _ => "**[not scored yet]**".to_owned(),
        };
        let _ = writeln!(out, "{badge} {}\n", self.headline);
        let enriched = self.sections.iter().filter(|s| s.enriched).count();
        let _ = write!(
            out,
            "_Generated {}. {enriched} of {} modules enriched",
            self.generated_at.date(),
            self.sections.len()
        );
        if !self.missing.is_empty() {
            let names: Vec<String> = self
                .missing
                .iter()
                .map(|m| format!("{} {}", m.module, m.title))
                .collect();
            let _ = write!(out, "; not enriched yet: {}", names.join(", "));
        }
        out.push_str("._\n\n");

        if let Some(since) = self.since {
            let _ = writeln!(out, "## What changed since {}\n", since.date());
            if !self.field_changes.is_empty() {
                field_table(&mut out, &self.field_changes);
            }
            if self.changes.is_empty() && self.field_changes.is_empty() {
                out.push_str("_No changes recorded since then._\n");
            }
            for c in &self.changes {
                out.push_str(&change_line(c, self));
            }
            out.push('\n');
        }

        if let Some(nba) = &self.next_best_action {
            let _ = writeln!(out, "## Next best action\n\n**{}**\n", nba.text);
            if !nba.facts.is_empty() {
                let _ = writeln!(out, "Based on: {}.\n", nba.facts.join("; "));
            }
        }
        if !self.talking_points.is_empty() {
            out.push_str("## Talking points\n\n");
            for (i, t) in self.talking_points.iter().enumerate() {
                let facts = if t.facts.is_empty() {
                    String::new()
                } else {
                    format!(" _({})_", t.facts.join("; "))
                };
                let _ = writeln!(out, "{}. {}{facts}", i + 1, t.text);
            }
            out.push('\n');
        }
        if !self.score_parts.is_empty() {
            let _ = writeln!(out, "## Why {}/100\n", self.score.unwrap_or(0));
            out.push_str("| part | points | why | facts |\n|---|---|---|---|\n");
            for p in &self.score_parts {
                let _ = writeln!(
                    out,
                    "| {} | {:.1} of {:.1} | {} | {} |",
                    cell(&p.name),
                    p.points,
                    p.max,
                    cell(&p.reason),
                    cell(&p.facts.join("; "))
                );
            }
            out.push('\n');
        }
        if !self.conflicts.is_empty() {
            out.push_str("## Conflicts between sources\n\n| module | field | what the sources say |\n|---|---|---|\n");
            for c in &self.conflicts {
                let _ = writeln!(
                    out,
                    "| {} {} | {} | {} |",
                    c.module,
                    c.module.title(),
                    cell(&c.field),
                    cell(&c.text)
                );
            }
            out.push('\n');
        }
        for s in &self.sections {
            section(&mut out, s);
        }
        if self.since.is_none() && !self.changes.is_empty() {
            out.push_str("## Recent changes\n\n");
            let skip = self.changes.len().saturating_sub(RECENT_CHANGES);
            for c in self.changes.iter().skip(skip).rev() {
                out.push_str(&change_line(c, self));
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn fact_lines_end_with_source_and_age_and_carry_conflicts() {
        let f = BriefFact {
            label: "Search provider".into(),
            value: "Algolia".into(),
            source: "website".into(),
            fetched_at: datetime!(2026-11-18 00:00 UTC),
            age_days: Some(2),
            conflict: Some(
                "builtwith says Elasticsearch, website says Algolia (confidence 0.53)".into(),
            ),
        };
        let line = fact_line(&f);
        assert!(line.trim_end().ends_with("— website, 2 days old"), "{line}");
        assert!(
            line.contains("conflict: builtwith says Elasticsearch"),
            "{line}"
        );
        assert_eq!(age(Some(1)), "1 day old");
        assert_eq!(cell("a|b"), "a\\|b");
    }
}
