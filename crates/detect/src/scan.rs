//! A tolerant, single-pass HTML scanner: start tags with their attributes, script `src`s and
//! inline script bodies, meta tags, `<base href>`, and comment spans. It never fails and never
//! backtracks: any input (binary, truncated, unbalanced) is scanned in time linear in its size.
//! It is not an HTML5 parser; it knows just enough (comments, raw-text elements, quoting) not
//! to be fooled by what it reads.

use memchr::memchr;
use std::borrow::Cow;

/// At most this many attributes of one tag are looked at.
const MAX_ATTRS: usize = 128;
/// At most this many meta tags are kept.
const MAX_METAS: usize = 256;
/// At most this many inline scripts are kept.
const MAX_INLINE: usize = 4_096;

/// Elements whose content is text up to the matching end tag, not markup.
const RAW_TEXT: [&[u8]; 7] = [
    b"script",
    b"style",
    b"textarea",
    b"title",
    b"xmp",
    b"noembed",
    b"noframes",
];

/// What the scanner collected, borrowing from the HTML.
#[derive(Debug, Default)]
pub(crate) struct Doc<'a> {
    /// `src` attribute values of `<script>` tags, raw (entities not decoded), in page order.
    pub script_srcs: Vec<&'a str>,
    /// Byte ranges of inline script bodies (scripts without `src`).
    pub inline: Vec<(usize, usize)>,
    /// `(name, content)` of meta tags; the name is `name`, `property` or `http-equiv`, raw.
    pub metas: Vec<(&'a str, &'a str)>,
    /// Byte ranges of comments, in order (including `<!--` and `-->`).
    pub comments: Vec<(usize, usize)>,
    /// The first `<base href>`, raw.
    pub base_href: Option<&'a str>,
}

impl Doc<'_> {
    /// Whether byte offset `at` lies inside an HTML comment.
    pub fn in_comment(&self, at: usize) -> bool {
        let i = self.comments.partition_point(|&(start, _)| start <= at);
        i > 0 && at < self.comments[i - 1].1
    }
}

/// One start tag as the scanner saw it.
pub(crate) struct Tag<'t, 'a> {
    pub name: &'a str,
    pub attrs: &'t [(&'a str, &'a str)],
    /// Byte range of the whole tag, `<` to `>`.
    pub start: usize,
    pub end: usize,
}

fn sl(s: &str, a: usize, b: usize) -> &str {
    s.get(a..b).unwrap_or("")
}

fn is_ws(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | b'\r' | b'\x0c')
}

/// The index just past the next `>` at or after `from` (or the end).
fn past_gt(b: &[u8], from: usize) -> usize {
    match b.get(from..).and_then(|rest| memchr(b'>', rest)) {
        Some(o) => from + o + 1,
        None => b.len(),
    }
}

/// Where the end tag `</name` closing a raw-text element starts, and the index past it.
fn find_close(b: &[u8], from: usize, name: &[u8]) -> (usize, usize) {
    let mut p = from;
    while let Some(o) = b.get(p..).and_then(|rest| memchr(b'<', rest)) {
        let s = p + o;
        let n = s + 2;
        if b.get(s + 1) == Some(&b'/')
            && b.get(n..n + name.len())
                .is_some_and(|t| t.eq_ignore_ascii_case(name))
            && b.get(n + name.len())
                .is_none_or(|&c| is_ws(c) || c == b'/' || c == b'>')
        {
            return (s, past_gt(b, n + name.len()));
        }
        p = s + 1;
    }
    (b.len(), b.len())
}

/// Scans `html`, keeping at most `max_srcs` script sources, calling `on_tag` for every start tag.
pub(crate) fn scan<'a>(
    html: &'a str,
    max_srcs: usize,
    mut on_tag: impl FnMut(&Tag<'_, 'a>),
) -> Doc<'a> {
    let b = html.as_bytes();
    let mut doc = Doc::default();
    let mut attrs: Vec<(&'a str, &'a str)> = Vec::new();
    let mut pos = 0;
    while let Some(o) = b.get(pos..).and_then(|rest| memchr(b'<', rest)) {
        let lt = pos + o;
        match b.get(lt + 1) {
            Some(b'!') if b.get(lt + 2..lt + 4) == Some(b"--") => {
                let from = lt + 4;
                let end = b.get(from..).and_then(|r| memchr::memmem::find(r, b"-->"));
                let end = end.map_or(b.len(), |e| from + e + 3);
                doc.comments.push((lt, end));
                pos = end;
            }
            Some(b'!' | b'?' | b'/') => pos = past_gt(b, lt + 1),
            Some(c) if c.is_ascii_alphabetic() => {
                let end = start_tag(html, lt, &mut attrs);
                let name = sl(html, lt + 1, name_end(b, lt + 1));
                on_tag(&Tag {
                    name,
                    attrs: &attrs,
                    start: lt,
                    end,
                });
                pos = end;
                let lname = name.as_bytes();
                if lname.eq_ignore_ascii_case(b"script") {
                    let (close, after) = find_close(b, end, b"script");
                    let room = doc.script_srcs.len() < max_srcs;
                    match attr(&attrs, "src").map(str::trim).filter(|s| !s.is_empty()) {
                        Some(src) => doc.script_srcs.extend(room.then_some(src)),
                        None if doc.inline.len() < MAX_INLINE && close > end => {
                            doc.inline.push((end, close))
                        }
                        None => {}
                    }
                    pos = after;
                } else if lname.eq_ignore_ascii_case(b"plaintext") {
                    break;
                } else if let Some(raw) = RAW_TEXT.iter().find(|r| lname.eq_ignore_ascii_case(r)) {
                    pos = find_close(b, end, raw).1;
                } else if lname.eq_ignore_ascii_case(b"meta") && doc.metas.len() < MAX_METAS {
                    let key = attr(&attrs, "name")
                        .or_else(|| attr(&attrs, "property"))
                        .or_else(|| attr(&attrs, "http-equiv"));
                    if let (Some(k), Some(c)) = (key, attr(&attrs, "content")) {
                        doc.metas.push((k, c));
                    }
                } else if lname.eq_ignore_ascii_case(b"base") && doc.base_href.is_none() {
                    doc.base_href = attr(&attrs, "href");
                }
            }
            _ => pos = lt + 1,
        }
    }
    doc
}

fn name_end(b: &[u8], from: usize) -> usize {
    let mut i = from;
    while i < b.len() && !is_ws(b[i]) && b[i] != b'/' && b[i] != b'>' {
        i += 1;
    }
    i
}

/// Parses the start tag at `lt` into `attrs`; returns the index past its `>`.
fn start_tag<'a>(html: &'a str, lt: usize, attrs: &mut Vec<(&'a str, &'a str)>) -> usize {
    let b = html.as_bytes();
    let len = b.len();
    attrs.clear();
    let mut i = name_end(b, lt + 1);
    loop {
        while i < len && (is_ws(b[i]) || b[i] == b'/') {
            i += 1;
        }
        if i >= len {
            return len;
        }
        if b[i] == b'>' {
            return i + 1;
        }
        let ns = i;
        i += 1;
        while i < len && !is_ws(b[i]) && !matches!(b[i], b'/' | b'>' | b'=') {
            i += 1;
        }
        let name = sl(html, ns, i);
        while i < len && is_ws(b[i]) {
            i += 1;
        }
        let mut value = "";
        if i < len && b[i] == b'=' {
            i += 1;
            while i < len && is_ws(b[i]) {
                i += 1;
            }
            if i < len && (b[i] == b'"' || b[i] == b'\'') {
                let vs = i + 1;
                let close = b.get(vs..).and_then(|r| memchr(b[i], r));
                let ve = close.map_or(len, |o| vs + o);
                value = sl(html, vs, ve);
                i = (ve + 1).min(len);
            } else {
                let vs = i;
                while i < len && !is_ws(b[i]) && b[i] != b'>' {
                    i += 1;
                }
                value = sl(html, vs, i);
            }
        }
        if attrs.len() < MAX_ATTRS {
            attrs.push((name, value));
        }
    }
}

/// The first attribute called `name` (ASCII case-insensitive).
pub(crate) fn attr<'a>(attrs: &[(&'a str, &'a str)], name: &str) -> Option<&'a str> {
    attrs
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|&(_, v)| v)
}

/// An attribute value with character references decoded: the named ones that occur in URLs and
/// meta content (`&amp;` `&quot;` `&apos;` `&lt;` `&gt;` `&nbsp;`) and numeric ones; anything
/// else is left as written.
pub(crate) fn attr_value(raw: &str) -> Cow<'_, str> {
    if !raw.contains('&') {
        return Cow::Borrowed(raw);
    }
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let (ch, used) = reference(rest).unwrap_or(('&', 1));
        out.push(ch);
        rest = &rest[used..];
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// The character a reference at the start of `s` (which starts with `&`) stands for, and its
/// length including the `;`.
fn reference(s: &str) -> Option<(char, usize)> {
    let semi = s.as_bytes().iter().take(12).position(|&c| c == b';')?;
    let body = s.get(1..semi)?;
    let ch = match body {
        "amp" => '&',
        "quot" => '"',
        "apos" => '\'',
        "lt" => '<',
        "gt" => '>',
        "nbsp" => '\u{a0}',
        _ => {
            let num = body.strip_prefix('#')?;
            let code = match num.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => num.parse().ok()?,
            };
            char::from_u32(code).filter(|&c| c != '\0')?
        }
    };
    Some((ch, semi + 1))
}
