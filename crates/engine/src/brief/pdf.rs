//! The brief as a PDF for a person, with what the Markdown has: the headline with the score
//! and priority, what changed since the date (field by field, then the recorded changes), the
//! next best action, talking points, why the score, conflicts, and each section's facts with
//! their source and age. Lines are word-wrapped; the pages (A4 by default, or US Letter) are
//! as many as the content needs, each with a footer `page i of n`.

mod writer;

use writer::{Font, Line};

use super::markdown::or_dash;
use super::{Brief, BriefFact, BriefSection};

/// The paper size.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PageSize {
    #[default]
    A4,
    Letter,
}

impl PageSize {
    /// Width and height in points.
    pub fn points(self) -> (f64, f64) {
        match self {
            PageSize::A4 => (595.28, 841.89),
            PageSize::Letter => (612.0, 792.0),
        }
    }
}

const MARGIN: f64 = 50.0;
const BODY: f64 = 9.5;
const INDENT: f64 = 12.0;
/// How many recorded changes a brief without `since` lists (as the Markdown does).
const RECENT_CHANGES: usize = 10;

/// Lines laid out top to bottom, page after page.
struct Layout {
    width: f64,
    height: f64,
    pages: Vec<Vec<Line>>,
    y: f64,
}

impl Layout {
    fn new((width, height): (f64, f64)) -> Self {
        Self {
            width,
            height,
            pages: vec![Vec::new()],
            y: height - MARGIN,
        }
    }

    fn text_width(&self) -> f64 {
        self.width - 2.0 * MARGIN
    }

    /// Starts a new page unless `needed` points are left on this one.
    fn room(&mut self, needed: f64) {
        if self.y - needed < MARGIN + 14.0 {
            self.pages.push(Vec::new());
            self.y = self.height - MARGIN;
        }
    }

    fn space(&mut self, points: f64) {
        if self.y < self.height - MARGIN {
            self.y -= points;
        }
    }

    /// Wrapped text; continuation lines are indented by `hang` after the first.
    fn text(&mut self, text: &str, font: Font, size: f64, indent: f64, hang: f64, grey: f64) {
        let leading = size * 1.3;
        let first = self.text_width() - indent;
        let lines = writer::wrap(text, font, size, first - hang);
        for (i, line) in lines.into_iter().enumerate() {
            self.room(leading);
            self.y -= leading;
            let x = MARGIN + indent + if i == 0 { 0.0 } else { hang };
            if let Some(page) = self.pages.last_mut() {
                page.push(Line {
                    font,
                    size,
                    x,
                    y: self.y,
                    grey,
                    text: line,
                });
            }
        }
    }

    fn heading(&mut self, text: &str) {
        self.space(8.0);
        // Keep a heading with at least two lines of what follows it.
        self.room(12.0 * 1.3 + 2.0 * BODY * 1.3);
        self.text(text, Font::Bold, 12.0, 0.0, 0.0, 0.0);
        self.space(2.0);
    }

    fn para(&mut self, text: &str) {
        self.text(text, Font::Regular, BODY, 0.0, 0.0, 0.0);
    }

    fn note(&mut self, text: &str) {
        self.text(text, Font::Regular, BODY, 0.0, 0.0, 0.4);
    }

    fn bullet(&mut self, text: &str) {
        self.text(&format!("• {text}"), Font::Regular, BODY, INDENT, 7.0, 0.0);
    }

    /// Every page with its footer.
    fn finish(mut self, footer: &str) -> Vec<Vec<Line>> {
        let n = self.pages.len();
        for (i, page) in self.pages.iter_mut().enumerate() {
            page.push(Line {
                font: Font::Regular,
                size: 8.0,
                x: MARGIN,
                y: MARGIN - 20.0,
                grey: 0.4,
                text: format!("{footer} · page {} of {n}", i + 1),
            });
        }
        self.pages
    }
}

fn age(days: Option<i64>) -> String {
    match days {
        Some(1) => "1 day old".to_owned(),
        Some(n) => format!("{n} days old"),
        None => "age unknown".to_owned(),
    }
}

fn fact(f: &BriefFact) -> String {
    let conflict = f
        .conflict
        .as_ref()
        .map(|c| format!(" (conflict: {c})"))
        .unwrap_or_default();
    format!(
        "{}: {}{conflict} — {}, {}",
        f.label,
        f.value,
        f.source,
        age(f.age_days)
    )
}

fn section(l: &mut Layout, s: &BriefSection) {
    let stale = match (s.stale, s.personal) {
        (true, true) => " · stale · personal data",
        (true, false) => " · stale",
        (false, true) => " · personal data",
        (false, false) => "",
    };
    l.heading(&format!("{} ({}){stale}", s.title, s.module));
    if let Some(note) = &s.note {
        l.note(note);
    }
    for f in &s.facts {
        l.bullet(&fact(f));
    }
    if !s.series.is_empty() {
        let points: Vec<String> = s
            .series
            .iter()
            .map(|p| format!("{} {}", p.label, super::compact(p.value)))
            .collect();
        l.bullet(&format!("By month: {}", points.join(", ")));
    }
}

impl Brief {
    /// The brief as an A4 PDF (see the module documentation for its layout).
    pub fn to_pdf(&self) -> Vec<u8> {
        self.to_pdf_sized(PageSize::A4)
    }

    /// The brief as a PDF on the given paper size.
    pub fn to_pdf_sized(&self, size: PageSize) -> Vec<u8> {
        let mut l = Layout::new(size.points());
        let title = format!(
            "Pre-call brief: {} ({})",
            self.account.name, self.account.domain
        );
        l.text(&title, Font::Bold, 16.0, 0.0, 0.0, 0.0);
        l.space(4.0);
        let badge = match (self.score, &self.priority) {
            (Some(s), Some(p)) => format!("[{s}/100 · {}]", p.to_uppercase()),
            (Some(s), None) => format!("[{s}/100]"),
            _ => "[not scored yet]".to_owned(),
        };
        l.text(
            &format!("{badge} {}", self.headline),
            Font::Bold,
            11.0,
            0.0,
            0.0,
            0.0,
        );
        let enriched = self.sections.iter().filter(|s| s.enriched).count();
        let mut meta = format!(
            "Generated {}. {enriched} of {} modules enriched",
            self.generated_at.date(),
            self.sections.len()
        );
        if !self.missing.is_empty() {
            let names: Vec<String> = self
                .missing
                .iter()
                .map(|m| format!("{} {}", m.module, m.title))
                .collect();
            meta.push_str(&format!("; not enriched yet: {}", names.join(", ")));
        }
        l.note(&format!("{meta}."));

        if let Some(since) = self.since {
            l.heading(&format!("What changed since {}", since.date()));
            for c in &self.field_changes {
                l.bullet(&format!(
                    "{}: {} — was {}, now {} ({}, {})",
                    c.title,
                    c.label,
                    or_dash(c.old.as_ref()),
                    or_dash(c.new.as_ref()),
                    c.source,
                    c.recorded_at.date()
                ));
            }
            if self.changes.is_empty() && self.field_changes.is_empty() {
                l.note("No changes recorded since then.");
            }
            for c in &self.changes {
                l.bullet(&change(c));
            }
        }
        if let Some(nba) = &self.next_best_action {
            l.heading("Next best action");
            l.text(&nba.text, Font::Bold, BODY, 0.0, 0.0, 0.0);
            if !nba.facts.is_empty() {
                l.para(&format!("Based on: {}.", nba.facts.join("; ")));
            }
        }
        if !self.talking_points.is_empty() {
            l.heading("Talking points");
            for (i, t) in self.talking_points.iter().enumerate() {
                let facts = if t.facts.is_empty() {
                    String::new()
                } else {
                    format!(" ({})", t.facts.join("; "))
                };
                l.text(
                    &format!("{}. {}{facts}", i + 1, t.text),
                    Font::Regular,
                    BODY,
                    INDENT,
                    10.0,
                    0.0,
                );
            }
        }
        if !self.score_parts.is_empty() {
            l.heading(&format!("Why {}/100", self.score.unwrap_or(0)));
            for p in &self.score_parts {
                l.bullet(&format!(
                    "{}: {:.1} of {:.1} — {} ({})",
                    p.name,
                    p.points,
                    p.max,
                    p.reason,
                    p.facts.join("; ")
                ));
            }
        }
        if !self.conflicts.is_empty() {
            l.heading("Conflicts between sources");
            for c in &self.conflicts {
                l.bullet(&format!(
                    "{} {} · {}: {}",
                    c.module,
                    c.module.title(),
                    c.field,
                    c.text
                ));
            }
        }
        for s in &self.sections {
            section(&mut l, s);
        }
        if self.since.is_none() && !self.changes.is_empty() {
            l.heading("Recent changes");
            let skip = self.changes.len().saturating_sub(RECENT_CHANGES);
            for c in self.changes.iter().skip(skip).rev() {
                l.bullet(&change(c));
            }
        }
        let footer = format!(
            "PartnerForge · {} · {}",
            self.account.domain,
            self.generated_at.date()
        );
        let (width, height) = (l.width, l.height);
        writer::document(&l.finish(&footer), width, height, &title)
    }
}

fn change(c: &super::BriefChange) -> String {
    let sources = if c.sources.is_empty() {
        "unknown source".to_owned()
    } else {
        c.sources.join(", ")
    };
    format!(
        "{} · {} ({}): {} — {sources}",
        c.recorded_at.date(),
        c.title,
        c.module,
        super::clip(&c.summary, 280)
    )
}
