//! Hunting output: detections as a timeline (terminal table, CSV, JSON
//! lines) and the per-rule and per-level summary.

use std::collections::BTreeMap;
use std::io::Write;

use counterspy_model::{Detection, Severity};
use serde::Serialize;

use crate::ReportError;

/// The output format of a timeline.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TimelineFormat {
    /// A table for people, then the summary.
    Terminal {
        /// Use ANSI colours.
        color: bool,
    },
    /// CSV with a header row (Hayabusa's columns), nothing else.
    Csv,
    /// One JSON object per detection, then one `stats` object.
    Jsonl,
}

/// The CSV header, in the order analysts know from Hayabusa.
pub const CSV_COLUMNS: [&str; 10] = [
    "Timestamp",
    "Computer",
    "Channel",
    "EventID",
    "Level",
    "RecordID",
    "RuleTitle",
    "RuleID",
    "Details",
    "Source",
];

/// What was read, for the summary.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct HuntStats {
    /// Files read.
    pub files: u64,
    /// Events read.
    pub events: u64,
    /// Records, chunks or lines that could not be read (skipped).
    pub bad_records: u64,
    /// Files that could not be opened or were not event logs.
    pub files_failed: u64,
    /// Rules in force.
    pub rules: u64,
}

/// Counts over the detections written.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct HuntTotals {
    /// Detections written.
    pub detections: u64,
    /// Detections by level.
    pub by_level: BTreeMap<Severity, u64>,
    /// Detections by rule: (rule id, title, level) → hits.
    pub by_rule: BTreeMap<(String, String, Severity), u64>,
}

impl HuntTotals {
    fn add(&mut self, d: &Detection) {
        self.detections += 1;
        *self.by_level.entry(d.rule.level).or_default() += 1;
        let key = (d.rule.id.clone(), d.rule.title.clone(), d.rule.level);
        *self.by_rule.entry(key).or_default() += 1;
    }

    /// Rules by hits, most first (then by level, then by title).
    pub fn top_rules(&self) -> Vec<(&str, &str, Severity, u64)> {
        let mut rules: Vec<_> = self
            .by_rule
            .iter()
            .map(|((id, title, level), n)| {
                (id.as_str(), title.as_str(), *level, *n)
            })
            .collect();
        rules.sort_by(|a, b| {
            b.3.cmp(&a.3).then(b.2.cmp(&a.2)).then(a.1.cmp(b.1))
        });
        rules
    }
}

/// Writes detections in one format.
///
/// ```
/// use counterspy_report::{HuntStats, Timeline, TimelineFormat};
/// let mut out = Vec::new();
/// let timeline = Timeline::new(TimelineFormat::Csv, &mut out).unwrap();
/// let totals = timeline.finish(&HuntStats::default()).unwrap();
/// assert_eq!(totals.detections, 0);
/// assert!(String::from_utf8(out).unwrap().starts_with("Timestamp,"));
/// ```
pub struct Timeline<W: Write> {
    format: TimelineFormat,
    out: W,
    totals: HuntTotals,
}

impl<W: Write> Timeline<W> {
    /// A timeline writing `format` to `out`; CSV writes its header now.
    pub fn new(
        format: TimelineFormat,
        mut out: W,
    ) -> Result<Timeline<W>, ReportError> {
        match format {
            TimelineFormat::Csv => csv_row(&mut out, &CSV_COLUMNS)?,
            TimelineFormat::Terminal { color } => header(&mut out, color)?,
            TimelineFormat::Jsonl => {}
        }
        Ok(Timeline { format, out, totals: HuntTotals::default() })
    }

    /// Writes one detection.
    pub fn detection(&mut self, d: &Detection) -> Result<(), ReportError> {
        self.totals.add(d);
        match self.format {
            TimelineFormat::Csv => csv_row(&mut self.out, &csv_fields(d))?,
            TimelineFormat::Jsonl => {
                serde_json::to_writer(&mut self.out, &Line::Detection(d))?;
                self.out.write_all(b"\n")?;
            }
            TimelineFormat::Terminal { color } => {
                row(&mut self.out, d, color)?
            }
        }
        Ok(())
    }

    /// Ends the output with the summary (terminal, JSON lines); returns
    /// the totals.
    pub fn finish(
        mut self,
        stats: &HuntStats,
    ) -> Result<HuntTotals, ReportError> {
        match self.format {
            TimelineFormat::Terminal { color } => {
                summary(&mut self.out, stats, &self.totals, color)?
            }
            TimelineFormat::Jsonl => {
                let line =
                    Line::Stats { stats, totals: &self.totals.by_level };
                serde_json::to_writer(&mut self.out, &line)?;
                self.out.write_all(b"\n")?;
            }
            TimelineFormat::Csv => {}
        }
        self.out.flush()?;
        Ok(self.totals)
    }
}

#[derive(Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum Line<'a> {
    Detection(&'a Detection),
    Stats {
        #[serde(flatten)]
        stats: &'a HuntStats,
        #[serde(rename = "detections_by_level")]
        totals: &'a BTreeMap<Severity, u64>,
    },
}

fn csv_fields(d: &Detection) -> [String; 10] {
    let opt = |v: Option<String>| v.unwrap_or_default();
    [
        opt(d.timestamp.map(|t| t.to_string())),
        opt(d.computer.clone()),
        opt(d.channel.clone()),
        opt(d.event_id.map(|n| n.to_string())),
        d.rule.level.name().to_string(),
        opt(d.record_id.map(|n| n.to_string())),
        d.rule.title.clone(),
        d.rule.id.clone(),
        d.details_line(),
        d.source.clone(),
    ]
}

/// One CSV record (RFC 4180: fields with a comma, quote or line break are
/// quoted, quotes doubled; lines end with CRLF).
fn csv_row<S: AsRef<str>>(
    out: &mut impl Write,
    fields: &[S],
) -> std::io::Result<()> {
    for (i, field) in fields.iter().enumerate() {
        if i > 0 {
            out.write_all(b",")?;
        }
        let field = field.as_ref();
        if field.contains([',', '"', '\n', '\r']) {
            write!(out, "\"{}\"", field.replace('"', "\"\""))?;
        } else {
            out.write_all(field.as_bytes())?;
        }
    }
    out.write_all(b"\r\n")
}

fn paint(text: &str, level: Severity, color: bool) -> String {
    let code = match level {
        Severity::Critical => "1;31",
        Severity::High => "31",
        Severity::Medium => "33",
        Severity::Low => "36",
        Severity::Info => "2",
    };
    if color { format!("\x1b[{code}m{text}\x1b[0m") } else { text.to_string() }
}

/// The widest details column on a terminal, in characters.
const DETAILS_WIDTH: usize = 160;

fn header(out: &mut impl Write, color: bool) -> std::io::Result<()> {
    let head = format!(
        "{:<27} {:<8} {:<24} {:>5}  {}",
        "timestamp", "level", "computer", "event", "rule · details"
    );
    let head = if color { format!("\x1b[1m{head}\x1b[0m") } else { head };
    writeln!(out, "{head}")
}

fn row(
    out: &mut impl Write,
    d: &Detection,
    color: bool,
) -> std::io::Result<()> {
    let time = d.timestamp.map(|t| t.to_string()).unwrap_or_default();
    let level =
        paint(&format!("{:<8}", d.rule.level.name()), d.rule.level, color);
    let computer: String =
        d.computer.as_deref().unwrap_or("-").chars().take(24).collect();
    let event = d.event_id.map(|n| n.to_string()).unwrap_or_default();
    let details: String =
        d.details_line().chars().take(DETAILS_WIDTH).collect();
    writeln!(
        out,
        "{time:<27} {level} {computer:<24} {event:>5}  {}",
        d.rule.title
    )?;
    if !details.is_empty() {
        writeln!(out, "{:<68}{details}", "")?;
    }
    Ok(())
}

/// How many rules the terminal summary lists.
const TOP_RULES: usize = 15;

fn summary(
    out: &mut impl Write,
    stats: &HuntStats,
    totals: &HuntTotals,
    color: bool,
) -> std::io::Result<()> {
    writeln!(out)?;
    let rules = totals.top_rules();
    if !rules.is_empty() {
        writeln!(out, "hits  level     rule")?;
    }
    for (id, title, level, n) in rules.iter().take(TOP_RULES) {
        let label = paint(&format!("{:<9}", level.name()), *level, color);
        writeln!(out, "{n:>4}  {label} {title} ({id})")?;
    }
    if rules.len() > TOP_RULES {
        writeln!(out, "      … {} more rules", rules.len() - TOP_RULES)?;
    }
    let levels: Vec<String> = totals
        .by_level
        .iter()
        .rev()
        .map(|(level, n)| format!("{n} {}", level.name()))
        .collect();
    writeln!(
        out,
        "\n{} detections ({}) by {} rules; {} events in {} files read \
         ({} bad records skipped, {} files failed), {} rules in force",
        totals.detections,
        if levels.is_empty() { "none".into() } else { levels.join(", ") },
        rules.len(),
        stats.events,
        stats.files,
        stats.bad_records,
        stats.files_failed,
        stats.rules,
    )
}

#[cfg(test)]
mod tests;
