use std::io::Write;

use counterspy_model::{ScanReport, Verdict};
use serde::Serialize;

use crate::{ReportError, json, terminal};

/// The output format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// A summary for people.
    Terminal {
        /// Use ANSI colours.
        color: bool,
    },
    /// One JSON document at the end.
    Json,
    /// One JSON object per line, as results arrive.
    Jsonl,
}

/// Counts over every input written.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Totals {
    /// Inputs.
    pub inputs: usize,
    /// Objects, inputs included.
    pub objects: usize,
    /// Findings.
    pub findings: usize,
    /// Inputs judged clean.
    pub clean: usize,
    /// Inputs judged suspicious.
    pub suspicious: usize,
    /// Inputs judged malicious.
    pub malicious: usize,
    /// Inputs that could not be scanned.
    pub errors: usize,
}

impl Totals {
    fn add(&mut self, r: &ScanReport) {
        self.inputs += 1;
        self.objects += r.objects.len();
        self.findings += r.findings().count();
        if r.error.is_some() {
            self.errors += 1;
            return;
        }
        match r.verdict {
            Verdict::Clean => self.clean += 1,
            Verdict::Suspicious => self.suspicious += 1,
            Verdict::Malicious => self.malicious += 1,
        }
    }
}

/// Writes reports in one format.
pub struct Sink<W: Write> {
    format: Format,
    out: W,
    totals: Totals,
    held: Vec<ScanReport>,
}

impl<W: Write> Sink<W> {
    /// A sink writing `format` to `out`.
    pub fn new(format: Format, out: W) -> Sink<W> {
        Sink { format, out, totals: Totals::default(), held: Vec::new() }
    }

    /// Writes (or, for `--json`, holds) one input's report.
    pub fn report(&mut self, report: &ScanReport) -> Result<(), ReportError> {
        self.totals.add(report);
        match self.format {
            Format::Terminal { color } => {
                terminal::write_report(&mut self.out, report, color)?
            }
            Format::Jsonl => json::write_lines(&mut self.out, report)?,
            Format::Json => self.held.push(report.clone()),
        }
        Ok(())
    }

    /// Ends the output; returns the totals.
    pub fn finish(mut self) -> Result<Totals, ReportError> {
        match self.format {
            Format::Terminal { .. } => {
                terminal::write_totals(&mut self.out, &self.totals)?
            }
            Format::Json => {
                json::write_document(&mut self.out, &self.held, &self.totals)?
            }
            Format::Jsonl => {}
        }
        self.out.flush()?;
        Ok(self.totals)
    }
}
