//! Turning matches into evidence (snippets, URL tokens) and hits into [`Detection`]s: combined
//! confidence, implications, exclusions and the final order.

use super::Hit;
use crate::MAX_SNIPPET;
use crate::model::{Detection, Evidence, EvidenceKind};
use crate::ruleset::compile::Compiled;

/// How far a URL token is followed either side of a match.
const MAX_URL_REACH: usize = 512;

/// Several texts joined by newlines, remembering where each starts.
pub(super) struct Corpus {
    pub text: String,
    starts: Vec<usize>,
}

impl Corpus {
    pub fn join<'a>(parts: impl Iterator<Item = &'a str>) -> Corpus {
        let mut text = String::new();
        let mut starts = Vec::new();
        for p in parts {
            if !starts.is_empty() {
                text.push('\n');
            }
            starts.push(text.len());
            text.push_str(p);
        }
        Corpus { text, starts }
    }

    /// The index and byte range of the part holding offset `at`.
    pub fn segment(&self, at: usize) -> (usize, (usize, usize)) {
        let k = self.starts.partition_point(|&s| s <= at).saturating_sub(1);
        let start = self.starts.get(k).copied().unwrap_or(0);
        let end = self
            .starts
            .get(k + 1)
            .map_or(self.text.len(), |&next| next.saturating_sub(1));
        (k, (start, end.max(start)))
    }
}

fn floor(text: &str, mut i: usize) -> usize {
    i = i.min(text.len());
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn ceil(text: &str, mut i: usize) -> usize {
    i = i.min(text.len());
    while i < text.len() && !text.is_char_boundary(i) {
        i += 1;
    }
    i
}

/// At most [`MAX_SNIPPET`] bytes of `text` within `seg` around the match `m`, whitespace shown as
/// single spaces.
pub(super) fn snippet(text: &str, seg: (usize, usize), m: (usize, usize)) -> String {
    let (lo, hi) = (seg.0.min(text.len()), seg.1.min(text.len()));
    let (ms, me) = (m.0.clamp(lo, hi), m.1.clamp(lo, hi));
    let (mut s, mut e) = if me - ms >= MAX_SNIPPET {
        (ms, ms + MAX_SNIPPET)
    } else {
        let pad = (MAX_SNIPPET - (me - ms)) / 2;
        let s = ms.saturating_sub(pad).max(lo);
        let e = (me + pad).min(hi);
        // Give the room one side could not use to the other.
        let spare = MAX_SNIPPET - (e - s);
        (
            s.saturating_sub(spare).max(lo),
            (e + spare).min(hi).min(s + MAX_SNIPPET),
        )
    };
    e = e.min(s + MAX_SNIPPET);
    s = ceil(text, s);
    e = floor(text, e).max(s);
    clean(text.get(s..e).unwrap_or(""))
}

fn clean(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    for ch in s.chars() {
        if ch.is_whitespace() || ch.is_control() {
            if !space {
                out.push(' ');
            }
            space = true;
        } else {
            out.push(ch);
            space = false;
        }
    }
    out.trim().to_string()
}

fn is_url_byte(c: u8) -> bool {
    !(c.is_ascii_whitespace()
        || c.is_ascii_control()
        || matches!(
            c,
            b'"' | b'\''
                | b'`'
                | b'<'
                | b'>'
                | b'('
                | b')'
                | b'['
                | b']'
                | b'{'
                | b'}'
                | b'|'
                | b'\\'
                | b'^'
                | b','
                | b';'
        ))
}

/// The URL-ish token (no quotes, spaces or brackets) around the match `m`, as a snippet.
pub(super) fn url_token(text: &str, seg: (usize, usize), m: (usize, usize)) -> String {
    let b = text.as_bytes();
    let (lo, hi) = (seg.0.min(b.len()), seg.1.min(b.len()));
    let (ms, me) = (m.0.clamp(lo, hi), m.1.clamp(lo, hi));
    let mut s = ms;
    while s > lo && ms - s < MAX_URL_REACH && is_url_byte(b[s - 1]) {
        s -= 1;
    }
    let mut e = me;
    while e < hi && e - me < MAX_URL_REACH && is_url_byte(b[e]) {
        e += 1;
    }
    snippet(text, (s, e), (ms, me))
}

/// Hits (indexed by matcher) into detections: per rule `1 - prod(1 - w)`, raised to the
/// confidence of any rule implying it, minus excluded ones, sorted by category, confidence
/// (descending) and name.
pub(super) fn aggregate(c: &Compiled, hits: Vec<Option<Hit>>) -> Vec<Detection> {
    let r = c.rules.len();
    let mut miss = vec![1.0_f64; r];
    let mut evidence: Vec<Vec<Evidence>> = vec![Vec::new(); r];
    for (id, hit) in hits.into_iter().enumerate() {
        let Some(hit) = hit else { continue };
        let rule = c.matchers[id].rule;
        miss[rule] *= 1.0 - hit.weight.clamp(0.0, 1.0);
        evidence[rule].push(hit.evidence);
    }
    let mut conf: Vec<f64> = miss.iter().map(|m| (1.0 - m).clamp(0.0, 1.0)).collect();

    // Implications, to a fixed point: each change raises a confidence to one already present,
    // so there are at most `r` rounds, cycles included.
    for _ in 0..=r {
        let mut changed = false;
        for i in 0..r {
            if conf[i] <= 0.0 {
                continue;
            }
            for &j in &c.implies[i] {
                if conf[i] > conf[j] {
                    conf[j] = conf[i];
                    changed = true;
                }
            }
        }
        if !changed {
            break;
        }
    }
    for (i, &ci) in conf.iter().enumerate() {
        if ci <= 0.0 {
            continue;
        }
        for &j in &c.implies[i] {
            if j != i {
                evidence[j].push(Evidence {
                    kind: EvidenceKind::Implied,
                    matched: c.rules[i].name.clone(),
                    location: format!("implied by {}", c.rules[i].name),
                    weight: ci,
                });
            }
        }
    }

    let by_rank = |a: &usize, b: &usize| {
        conf[*b]
            .total_cmp(&conf[*a])
            .then_with(|| c.rules[*a].name.cmp(&c.rules[*b].name))
    };
    let mut found: Vec<usize> = (0..r).filter(|&i| conf[i] > 0.0).collect();
    found.sort_by(by_rank);
    let mut kept: Vec<usize> = Vec::with_capacity(found.len());
    for i in found {
        if !kept.iter().any(|&k| c.excludes[k].contains(&i)) {
            kept.push(i);
        }
    }
    kept.sort_by(|a, b| {
        c.rules[*a]
            .category
            .cmp(&c.rules[*b].category)
            .then_with(|| by_rank(a, b))
    });
    kept.into_iter()
        .map(|i| {
            let rule = &c.rules[i];
            Detection {
                technology: rule.name.clone(),
                category: rule.category,
                vendor: rule.vendor.clone(),
                vendor_url: rule.website.clone(),
                confidence: conf[i],
                evidence: std::mem::take(&mut evidence[i]),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snippets_are_bounded_and_centred() {
        let text = format!("{}MATCH{}", "a".repeat(500), "b".repeat(500));
        let s = snippet(&text, (0, text.len()), (500, 505));
        assert!(s.len() <= MAX_SNIPPET);
        assert!(s.contains("MATCH"));
        let s = snippet("xx MATCH", (0, 8), (3, 8));
        assert_eq!(s, "xx MATCH");
    }

    #[test]
    fn snippets_keep_char_boundaries() {
        let text = "é".repeat(300);
        let s = snippet(&text, (0, text.len()), (201, 203));
        assert!(s.len() <= MAX_SNIPPET);
        assert!(s.chars().all(|c| c == 'é'));
    }

    #[test]
    fn url_tokens_stop_at_quotes() {
        let text = r#"var h = "https://abc-dsn.algolia.net/1/indexes"; x"#;
        let at = text.find("-dsn").unwrap_or(0);
        assert_eq!(
            url_token(text, (0, text.len()), (at, at + 4)),
            "https://abc-dsn.algolia.net/1/indexes"
        );
    }

    #[test]
    fn corpus_segments() {
        let c = Corpus::join(["ab", "cde", ""].into_iter());
        assert_eq!(c.text, "ab\ncde\n");
        assert_eq!(c.segment(0), (0, (0, 2)));
        assert_eq!(c.segment(4), (1, (3, 6)));
        assert_eq!(c.segment(7), (2, (7, 7)));
    }
}
