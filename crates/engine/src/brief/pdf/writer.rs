//! A minimal PDF 1.4 writer, no dependencies: text lines in the base-14 Helvetica and
//! Helvetica-Bold fonts (WinAnsi encoding, so no font is embedded), uncompressed content
//! streams, a cross-reference table with each object's byte offset, and the trailer.
//! Text is encoded to WinAnsi (characters it lacks become `?`) and written as string literals
//! with `(`, `)` and `\` escaped and every byte outside printable ASCII as an octal escape.

use std::fmt::Write as _;

/// The two fonts a brief uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Font {
    Regular,
    Bold,
}

/// One line of text placed on a page (points from the bottom-left corner).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Line {
    pub font: Font,
    pub size: f64,
    pub x: f64,
    pub y: f64,
    /// Grey level, 0 black .. 1 white.
    pub grey: f64,
    pub text: String,
}

/// Helvetica's advance widths (1/1000 em) for ASCII 32..=126 (Adobe's AFM).
const REGULAR: [u16; 95] = [
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556,
    556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556, 1015, 667, 667, 722, 722, 667,
    611, 778, 722, 278, 500, 667, 556, 833, 722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667,
    667, 611, 278, 278, 278, 469, 556, 333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500,
    222, 833, 556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584,
];

/// Helvetica-Bold's advance widths for ASCII 32..=126.
const BOLD: [u16; 95] = [
    278, 333, 474, 556, 556, 889, 722, 238, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556,
    556, 556, 556, 556, 556, 556, 556, 333, 333, 584, 584, 584, 611, 975, 722, 722, 722, 722, 667,
    611, 778, 722, 278, 556, 722, 611, 833, 722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667,
    667, 611, 333, 278, 333, 584, 556, 333, 556, 611, 556, 611, 556, 333, 611, 611, 278, 278, 556,
    278, 889, 611, 611, 611, 611, 389, 556, 333, 611, 556, 778, 556, 556, 500, 389, 280, 389, 584,
];

/// WinAnsi's bytes 0x80..=0x9F that are not Latin-1 (0 = unused).
const WIN_ANSI_HIGH: [u32; 32] = [
    0x20AC, 0, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039,
    0x0152, 0, 0x017D, 0, 0, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC,
    0x2122, 0x0161, 0x203A, 0x0153, 0, 0x017E, 0x0178,
];

/// One character as a WinAnsi byte; `?` for what WinAnsi cannot show.
fn win_ansi(c: char) -> u8 {
    let code = u32::from(c);
    match code {
        0x20..=0x7E | 0xA0..=0xFF => u8::try_from(code).unwrap_or(b'?'),
        // Tabs and other controls read as spaces.
        0x09 | 0x0A | 0x0D => b' ',
        _ => WIN_ANSI_HIGH
            .iter()
            .position(|&u| u != 0 && u == code)
            .and_then(|i| u8::try_from(0x80 + i).ok())
            .unwrap_or(b'?'),
    }
}

/// Text as WinAnsi bytes.
pub(crate) fn encode(text: &str) -> Vec<u8> {
    text.chars().map(win_ansi).collect()
}

fn advance(font: Font, byte: u8) -> u16 {
    let table = match font {
        Font::Regular => &REGULAR,
        Font::Bold => &BOLD,
    };
    match byte {
        32..=126 => table[usize::from(byte - 32)],
        0x85 | 0x89 | 0x97 | 0x99 => 1000,
        0x95 => 350,
        0x91..=0x94 | 0x82 | 0x84 => 333,
        0xC0..=0xDE => 722,
        _ => match font {
            Font::Regular => 556,
            Font::Bold => 611,
        },
    }
}

/// The width of `text` in points.
pub(crate) fn width(font: Font, size: f64, text: &str) -> f64 {
    let units: u32 = encode(text)
        .into_iter()
        .map(|b| u32::from(advance(font, b)))
        .sum();
    f64::from(units) * size / 1000.0
}

/// Breaks text into lines no wider than `max` points, at spaces; a word wider than a line is
/// cut between characters. Always at least one line.
pub(crate) fn wrap(text: &str, font: Font, size: f64, max: f64) -> Vec<String> {
    let mut lines = Vec::new();
    let mut current = String::new();
    for word in text.split_whitespace() {
        let candidate = if current.is_empty() {
            word.to_owned()
        } else {
            format!("{current} {word}")
        };
        if width(font, size, &candidate) <= max {
            current = candidate;
            continue;
        }
        if !current.is_empty() {
            lines.push(std::mem::take(&mut current));
        }
        for c in word.chars() {
            let mut next = current.clone();
            next.push(c);
            if !current.is_empty() && width(font, size, &next) > max {
                lines.push(std::mem::replace(&mut current, c.to_string()));
            } else {
                current = next;
            }
        }
    }
    if !current.is_empty() || lines.is_empty() {
        lines.push(current);
    }
    lines
}

/// A PDF string literal: `(text)` with the delimiters and `\` escaped, everything outside
/// printable ASCII as `\ddd`.
pub(crate) fn literal(text: &str) -> String {
    let mut out = String::from("(");
    for b in encode(text) {
        match b {
            b'(' | b')' | b'\\' => {
                out.push('\\');
                out.push(char::from(b));
            }
            0x20..=0x7E => out.push(char::from(b)),
            other => {
                let _ = write!(out, "\\{other:03o}");
            }
        }
    }
    out.push(')');
    out
}

/// One page's content stream.
fn content(lines: &[Line]) -> String {
    let mut out = String::new();
    for l in lines {
        let font = match l.font {
            Font::Regular => "F1",
            Font::Bold => "F2",
        };
        let _ = writeln!(
            out,
            "BT {:.2} g /{font} {:.2} Tf 1 0 0 1 {:.2} {:.2} Tm {} Tj ET",
            l.grey.clamp(0.0, 1.0),
            l.size,
            l.x,
            l.y,
            literal(&l.text)
        );
    }
    out
}

/// Objects numbered from 1, written in order, with their offsets kept for the xref table.
struct Objects {
    out: Vec<u8>,
    offsets: Vec<usize>,
}

impl Objects {
    fn add(&mut self, body: &str) {
        self.offsets.push(self.out.len());
        let n = self.offsets.len();
        self.out
            .extend_from_slice(format!("{n} 0 obj\n{body}\nendobj\n").as_bytes());
    }
}

/// The whole file: catalog (1), page tree (2), the two fonts (3, 4), document info (5), then
/// each page and its content stream.
pub(crate) fn document(pages: &[Vec<Line>], width: f64, height: f64, title: &str) -> Vec<u8> {
    let mut o = Objects {
        // The second line's high bytes tell transfer tools the file is binary.
        out: b"%PDF-1.4\n%\xE2\xE3\xCF\xD3\n".to_vec(),
        offsets: Vec::new(),
    };
    let pages: Vec<&[Line]> = if pages.is_empty() {
        vec![&[]]
    } else {
        pages.iter().map(Vec::as_slice).collect()
    };
    let first_page = 6;
    let kids: Vec<String> = (0..pages.len())
        .map(|i| format!("{} 0 R", first_page + 2 * i))
        .collect();
    o.add("<< /Type /Catalog /Pages 2 0 R >>");
    o.add(&format!(
        "<< /Type /Pages /Kids [{}] /Count {} >>",
        kids.join(" "),
        pages.len()
    ));
    for name in ["Helvetica", "Helvetica-Bold"] {
        o.add(&format!(
            "<< /Type /Font /Subtype /Type1 /BaseFont /{name} /Encoding /WinAnsiEncoding >>"
        ));
    }
    o.add(&format!(
        "<< /Title {} /Producer (PartnerForge) >>",
        literal(title)
    ));
    for (i, lines) in pages.iter().enumerate() {
        let stream = content(lines);
        o.add(&format!(
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {width:.2} {height:.2}] \
             /Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> /Contents {} 0 R >>",
            first_page + 2 * i + 1
        ));
        o.add(&format!(
            "<< /Length {} >>\nstream\n{stream}\nendstream",
            stream.len()
        ));
    }
    let xref = o.out.len();
    let mut table = format!("xref\n0 {}\n0000000000 65535 f \n", o.offsets.len() + 1);
    for off in &o.offsets {
        let _ = writeln!(table, "{off:010} 00000 n ");
    }
    let _ = write!(
        table,
        "trailer\n<< /Size {} /Root 1 0 R /Info 5 0 R >>\nstartxref\n{xref}\n%%EOF\n",
        o.offsets.len() + 1
    );
    o.out.extend_from_slice(table.as_bytes());
    o.out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_win_ansi_with_delimiters_escaped_and_the_rest_replaced() {
        assert_eq!(literal(r"a(b)c\d"), r"(a\(b\)c\\d)");
        assert_eq!(literal("café — 中"), r"(caf\351 \227 ?)");
        assert_eq!(encode("€…•"), vec![0x80, 0x85, 0x95]);
    }

    #[test]
    fn wrapping_keeps_lines_within_the_width_and_cuts_long_words() {
        let text = "the quick brown fox jumps over the lazy dog ".repeat(5);
        let lines = wrap(&text, Font::Regular, 10.0, 120.0);
        assert!(lines.len() > 3);
        assert!(lines.iter().all(|l| width(Font::Regular, 10.0, l) <= 120.0));
        assert_eq!(lines.join(" "), text.trim());
        let long = wrap(&"x".repeat(100), Font::Bold, 10.0, 50.0);
        assert!(long.len() > 1 && long.iter().all(|l| width(Font::Bold, 10.0, l) <= 50.0));
        assert_eq!(wrap("", Font::Regular, 10.0, 50.0), vec![String::new()]);
    }

    #[test]
    fn helvetica_widths_match_the_font_metrics() {
        assert_eq!(width(Font::Regular, 1000.0, "W"), 944.0);
        assert_eq!(width(Font::Regular, 1000.0, "i"), 222.0);
        assert_eq!(width(Font::Bold, 1000.0, "m"), 889.0);
        assert_eq!(width(Font::Bold, 1000.0, "~"), 584.0);
    }
}
