//! The Prometheus text format (0.0.4) for the few shapes the engine needs: counters and gauges
//! with labels, and histograms with cumulative buckets, `_sum` and `_count`.

use std::fmt::Write as _;

/// A family's type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Counter,
    Gauge,
    Histogram,
}

impl Kind {
    fn as_str(self) -> &'static str {
        match self {
            Kind::Counter => "counter",
            Kind::Gauge => "gauge",
            Kind::Histogram => "histogram",
        }
    }
}

/// A histogram: counts per upper bound (not cumulative here), the sum and the count.
#[derive(Debug, Clone, PartialEq)]
pub struct Histogram {
    bounds: Vec<f64>,
    counts: Vec<u64>,
    sum: f64,
    count: u64,
}

impl Histogram {
    pub fn new(bounds: &[f64]) -> Self {
        Self {
            bounds: bounds.to_vec(),
            counts: vec![0; bounds.len()],
            sum: 0.0,
            count: 0,
        }
    }

    pub fn observe(&mut self, value: f64) {
        let value = if value.is_finite() {
            value.max(0.0)
        } else {
            0.0
        };
        if let Some(i) = self.bounds.iter().position(|b| value <= *b) {
            self.counts[i] += 1;
        }
        self.sum += value;
        self.count += 1;
    }

    pub fn count(&self) -> u64 {
        self.count
    }

    pub fn sum(&self) -> f64 {
        self.sum
    }
}

/// One family: its name, help, type and rendered sample lines.
#[derive(Debug, Clone, PartialEq)]
pub struct Family {
    pub name: &'static str,
    pub help: &'static str,
    pub kind: Kind,
    lines: Vec<String>,
}

/// `{a="x",b="y"}`, values escaped; empty when there are no labels.
fn labels(pairs: &[(&str, &str)]) -> String {
    if pairs.is_empty() {
        return String::new();
    }
    let inner: Vec<String> = pairs
        .iter()
        .map(|(k, v)| {
            let v = v
                .replace('\\', "\\\\")
                .replace('"', "\\\"")
                .replace('\n', "\\n");
            format!("{k}=\"{v}\"")
        })
        .collect();
    format!("{{{}}}", inner.join(","))
}

/// A sample value as Prometheus reads it.
fn number(v: f64) -> String {
    if v.is_nan() {
        "NaN".into()
    } else if v == f64::INFINITY {
        "+Inf".into()
    } else if v == f64::NEG_INFINITY {
        "-Inf".into()
    } else {
        format!("{v}")
    }
}

impl Family {
    pub fn new((name, help): (&'static str, &'static str), kind: Kind) -> Self {
        Self {
            name,
            help,
            kind,
            lines: Vec::new(),
        }
    }

    /// A counter or gauge sample.
    pub fn value(&mut self, pairs: &[(&str, &str)], v: f64) {
        self.lines
            .push(format!("{}{} {}", self.name, labels(pairs), number(v)));
    }

    /// A histogram's samples: cumulative buckets, `+Inf`, sum and count.
    pub fn histogram(&mut self, pairs: &[(&str, &str)], h: &Histogram) {
        let mut cumulative = 0;
        for (bound, n) in h.bounds.iter().zip(&h.counts) {
            cumulative += n;
            let le = number(*bound);
            let mut with_le = pairs.to_vec();
            with_le.push(("le", &le));
            self.lines.push(format!(
                "{}_bucket{} {cumulative}",
                self.name,
                labels(&with_le)
            ));
        }
        let mut with_le = pairs.to_vec();
        with_le.push(("le", "+Inf"));
        self.lines.push(format!(
            "{}_bucket{} {}",
            self.name,
            labels(&with_le),
            h.count
        ));
        self.lines.push(format!(
            "{}_sum{} {}",
            self.name,
            labels(pairs),
            number(h.sum)
        ));
        self.lines
            .push(format!("{}_count{} {}", self.name, labels(pairs), h.count));
    }

    /// How many sample lines the family has.
    pub fn len(&self) -> usize {
        self.lines.len()
    }

    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }
}

/// `# HELP`, `# TYPE` and the samples of one family.
pub fn render_family(f: &Family) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# HELP {} {}", f.name, f.help);
    let _ = writeln!(out, "# TYPE {} {}", f.name, f.kind.as_str());
    for line in &f.lines {
        out.push_str(line);
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_histogram_renders_cumulative_buckets_sum_and_count() {
        let mut h = Histogram::new(&[0.1, 1.0]);
        h.observe(0.0625);
        h.observe(0.5);
        h.observe(7.0);
        let mut f = Family::new(("x_seconds", "help"), Kind::Histogram);
        f.histogram(&[("wave", "0")], &h);
        let text = render_family(&f);
        assert!(
            text.contains("x_seconds_bucket{wave=\"0\",le=\"0.1\"} 1\n"),
            "{text}"
        );
        assert!(
            text.contains("x_seconds_bucket{wave=\"0\",le=\"1\"} 2\n"),
            "{text}"
        );
        assert!(
            text.contains("x_seconds_bucket{wave=\"0\",le=\"+Inf\"} 3\n"),
            "{text}"
        );
        assert!(
            text.contains("x_seconds_sum{wave=\"0\"} 7.5625\n"),
            "{text}"
        );
        assert!(text.contains("x_seconds_count{wave=\"0\"} 3\n"), "{text}");
    }

    #[test]
    fn label_values_are_escaped() {
        let mut f = Family::new(("g", "help"), Kind::Gauge);
        f.value(&[("a", "x\"y\\z\n")], 1.0);
        assert!(render_family(&f).contains("g{a=\"x\\\"y\\\\z\\n\"} 1\n"));
    }
}
