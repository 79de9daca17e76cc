//! Matching one page against a compiled rule set. Work is bounded by [`Limits`]: the HTML, each
//! script body and the number of scripts are capped before anything is scanned, every regex is
//! linear-time, and each text is read by one prefilter pass plus the few regexes whose literal
//! occurred in it.

use crate::model::{Detection, Evidence, EvidenceKind as K};
use crate::ruleset::compile::{Compiled, Matcher};
use crate::ruleset::file::{DomHint, DomTarget};
use crate::scan::{self, Doc, Tag};
use crate::urls::{self, cap};
use crate::{Limits, MAX_SNIPPET, Page};
use url::Url;

mod evidence;

use evidence::{Corpus, snippet, url_token};

/// How many matches of an `html`/`url` matcher are looked at for one outside a comment.
const COMMENT_RETRIES: usize = 8;
/// Evidence found only inside an HTML comment counts this much of the matcher's weight.
pub const COMMENT_FACTOR: f64 = 0.5;
/// Header values longer than this are cut before matching.
const MAX_HEADER_VALUE: usize = 16 * 1024;

/// A matcher that fired.
#[derive(Debug, Clone)]
pub(crate) struct Hit {
    pub weight: f64,
    pub evidence: Evidence,
}

struct Run<'c> {
    c: &'c Compiled,
    hits: Vec<Option<Hit>>,
}

impl Run<'_> {
    /// Whether matcher `id` already has evidence at its full weight.
    fn done(&self, id: usize) -> bool {
        self.hits[id]
            .as_ref()
            .is_some_and(|h| h.weight >= self.c.matchers[id].weight)
    }

    fn record(&mut self, id: usize, factor: f64, kind: K, matched: String, location: String) {
        let weight = self.c.matchers[id].weight * factor;
        if self.hits[id].as_ref().is_some_and(|h| h.weight >= weight) {
            return;
        }
        self.hits[id] = Some(Hit {
            weight,
            evidence: Evidence {
                kind,
                matched,
                location,
                weight,
            },
        });
    }
}

pub(crate) fn detect(c: &Compiled, page: &Page, limits: &Limits) -> Vec<Detection> {
    let n = c.matchers.len();
    let mut run = Run {
        c,
        hits: vec![None; n],
    };
    let html = cap(&page.html, limits.max_html_bytes);

    let mut cand = vec![false; n];
    c.page.mark(html, &mut cand);
    let mut active: Vec<usize> = c
        .page
        .members
        .iter()
        .copied()
        .filter(|&id| cand[id] && c.matchers[id].kind == K::Dom)
        .collect();
    let doc = scan::scan(html, limits.max_script_urls, |tag| {
        if !active.is_empty() {
            dom(&mut run, html, tag, &mut active);
        }
    });

    html_matchers(&mut run, html, &doc, &cand);
    inline_matchers(&mut run, html, &doc, &cand);
    script_srcs(&mut run, page, &doc, limits, &mut cand);
    script_bodies(&mut run, page, limits);
    metas(&mut run, &doc);
    headers(&mut run, page, limits);
    evidence::aggregate(c, run.hits)
}

fn dom(run: &mut Run<'_>, html: &str, tag: &Tag<'_, '_>, active: &mut Vec<usize>) {
    let mut i = 0;
    while i < active.len() {
        let id = active[i];
        let hint = run.c.matchers[id].dom.as_ref();
        if hint.is_some_and(|h| dom_matches(h, tag)) {
            let text = html.get(tag.start..tag.end).unwrap_or("");
            let matched = snippet(text, (0, text.len()), (0, 0));
            run.record(id, 1.0, K::Dom, matched, "dom".to_string());
            active.swap_remove(i);
        } else {
            i += 1;
        }
    }
}

fn name_matches(hint: &DomHint, name: &str, ignore_case: bool) -> bool {
    let n = hint.name.as_str();
    let (name, n) = (name.as_bytes(), n.as_bytes());
    let eq = |a: &[u8], b: &[u8]| {
        if ignore_case {
            a.eq_ignore_ascii_case(b)
        } else {
            a == b
        }
    };
    if hint.prefix {
        name.len() >= n.len() && eq(&name[..n.len()], n)
    } else {
        eq(name, n)
    }
}

fn dom_matches(hint: &DomHint, tag: &Tag<'_, '_>) -> bool {
    match hint.target {
        DomTarget::Element => name_matches(hint, tag.name, true),
        DomTarget::Attr => tag.attrs.iter().any(|(a, _)| name_matches(hint, a, true)),
        DomTarget::Id => {
            scan::attr(tag.attrs, "id").is_some_and(|v| name_matches(hint, v.trim(), false))
        }
        DomTarget::Class => scan::attr(tag.attrs, "class").is_some_and(|v| {
            v.split_ascii_whitespace()
                .any(|c| name_matches(hint, c, false))
        }),
    }
}

/// `html` and `url` matchers over the HTML; a match inside a comment counts half unless another
/// match of the same matcher lies outside one.
fn html_matchers(run: &mut Run<'_>, html: &str, doc: &Doc<'_>, cand: &[bool]) {
    let whole = (0, html.len());
    for &id in &run.c.page.members {
        let m: &Matcher = &run.c.matchers[id];
        if !cand[id] || !matches!(m.kind, K::Html | K::Url) {
            continue;
        }
        let Some(re) = &m.regex else { continue };
        let mut found = None;
        for mat in re.find_iter(html).take(COMMENT_RETRIES) {
            // A pattern that targets a comment itself (`<!-- This is Squarespace. -->`) is not
            // a leftover.
            let inside = doc.in_comment(mat.start()) && !mat.as_str().starts_with("<!--");
            if found.is_none() || !inside {
                found = Some((mat.start(), mat.end(), inside));
            }
            if !inside {
                break;
            }
        }
        let Some((s, e, inside)) = found else {
            continue;
        };
        let kind = m.kind;
        let matched = if kind == K::Url {
            url_token(html, whole, (s, e))
        } else {
            snippet(html, whole, (s, e))
        };
        let (factor, location) = if inside {
            (COMMENT_FACTOR, "html comment")
        } else {
            (1.0, "html")
        };
        run.record(id, factor, kind, matched, location.to_string());
    }
}

fn inline_matchers(run: &mut Run<'_>, html: &str, doc: &Doc<'_>, cand: &[bool]) {
    let ids: Vec<usize> = run
        .c
        .page
        .members
        .iter()
        .copied()
        .filter(|&id| cand[id] && run.c.matchers[id].kind == K::InlineScript)
        .collect();
    if ids.is_empty() || doc.inline.is_empty() {
        return;
    }
    let corpus = Corpus::join(
        doc.inline
            .iter()
            .map(|&(a, b)| html.get(a..b).unwrap_or("")),
    );
    for id in ids {
        let Some(re) = &run.c.matchers[id].regex else {
            continue;
        };
        let Some(mat) = re.find(&corpus.text) else {
            continue;
        };
        let (k, seg) = corpus.segment(mat.start());
        let matched = snippet(&corpus.text, seg, (mat.start(), mat.end()));
        run.record(
            id,
            1.0,
            K::InlineScript,
            matched,
            format!("inline script #{}", k + 1),
        );
    }
}

fn script_srcs(run: &mut Run<'_>, page: &Page, doc: &Doc<'_>, limits: &Limits, cand: &mut [bool]) {
    let mut list = urls::resolve(doc, &page.final_url);
    for r in &page.scripts {
        if list.len() >= limits.max_script_urls {
            break;
        }
        if !list.contains(&r.url) {
            list.push(r.url.clone());
        }
    }
    list.truncate(limits.max_script_urls);
    if list.is_empty() {
        return;
    }
    let corpus = Corpus::join(list.iter().map(Url::as_str));
    run.c.src.mark(&corpus.text, cand);
    for &id in &run.c.src.members {
        if !cand[id] {
            continue;
        }
        let Some(re) = &run.c.matchers[id].regex else {
            continue;
        };
        let Some(mat) = re.find(&corpus.text) else {
            continue;
        };
        let (_, seg) = corpus.segment(mat.start());
        let matched = snippet(&corpus.text, seg, (mat.start(), mat.end()));
        run.record(id, 1.0, K::ScriptSrc, matched, "script src".to_string());
    }
}

fn script_bodies(run: &mut Run<'_>, page: &Page, limits: &Limits) {
    let mut cand = vec![false; run.c.matchers.len()];
    for res in page.scripts.iter().take(limits.max_scripts) {
        let body = cap(&res.body, limits.max_script_bytes);
        if body.is_empty() {
            continue;
        }
        for &id in &run.c.body.members {
            cand[id] = false;
        }
        run.c.body.mark(body, &mut cand);
        let whole = (0, body.len());
        for &id in &run.c.body.members {
            if !cand[id] || run.done(id) {
                continue;
            }
            let m = &run.c.matchers[id];
            let Some(re) = &m.regex else { continue };
            let Some(mat) = re.find(body) else { continue };
            let kind = m.kind;
            let span = (mat.start(), mat.end());
            let matched = if kind == K::Url {
                url_token(body, whole, span)
            } else {
                snippet(body, whole, span)
            };
            let location = format!("script {}", cap(res.url.as_str(), MAX_SNIPPET));
            run.record(id, 1.0, kind, matched, location);
        }
    }
}

fn metas(run: &mut Run<'_>, doc: &Doc<'_>) {
    for &(key, content) in &doc.metas {
        let key = key.trim();
        for &id in &run.c.meta {
            let m = &run.c.matchers[id];
            if run.done(id)
                || !m
                    .key
                    .as_deref()
                    .is_some_and(|k| k.eq_ignore_ascii_case(key))
            {
                continue;
            }
            let content = scan::attr_value(content);
            if let Some(span) = value_match(m, &content) {
                let matched = snippet(&content, (0, content.len()), span);
                run.record(
                    id,
                    1.0,
                    K::Meta,
                    matched,
                    format!("meta {}", key.to_ascii_lowercase()),
                );
            }
        }
    }
}

/// Where `m`'s value pattern matches `value` (the whole value when it has none).
fn value_match(m: &Matcher, value: &str) -> Option<(usize, usize)> {
    match &m.regex {
        Some(re) => re.find(value).map(|x| (x.start(), x.end())),
        None => Some((0, value.len())),
    }
}

fn headers(run: &mut Run<'_>, page: &Page, limits: &Limits) {
    for (name, value) in page.headers.iter().take(limits.max_headers) {
        let name = name.trim();
        let value = cap(value, MAX_HEADER_VALUE);
        let lname = name.to_ascii_lowercase();
        for &id in &run.c.header {
            let m = &run.c.matchers[id];
            if run.done(id) || m.key.as_deref() != Some(lname.as_str()) {
                continue;
            }
            if let Some(span) = value_match(m, value) {
                let matched = snippet(value, (0, value.len()), span);
                run.record(id, 1.0, K::Header, matched, format!("header {lname}"));
            }
        }
        if lname == "set-cookie" {
            let cookie = value.split(';').next().unwrap_or("");
            let cookie = cookie.split('=').next().unwrap_or("").trim();
            for &id in &run.c.cookie {
                let hit = run.c.matchers[id]
                    .regex
                    .as_ref()
                    .is_some_and(|re| re.is_match(cookie));
                if hit && !run.done(id) {
                    run.record(
                        id,
                        1.0,
                        K::Cookie,
                        cap(cookie, MAX_SNIPPET).to_string(),
                        "set-cookie".into(),
                    );
                }
            }
        }
    }
}
