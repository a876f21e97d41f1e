use std::collections::BTreeMap;
use std::time::Duration;

use counterspy_model::{Finding, FindingKind, RuleRef, Severity, Technique};

use crate::{RuleSet, YaraError};

/// The per-object values of the external variables.
#[derive(Clone, Debug, Default)]
pub struct ScanContext<'a> {
    /// The object's name (file or attachment name).
    pub filename: &'a str,
    /// Its path in the extraction tree.
    pub filepath: &'a str,
    /// Its extension, lowercase, without dot.
    pub extension: &'a str,
    /// Its detected type, uppercase (`RTF`, `PE`, `EML`, …).
    pub filetype: &'a str,
}

/// Scans objects with one [`RuleSet`]; one per thread.
pub struct ObjectScanner<'r> {
    scanner: yara_x::Scanner<'r>,
}

/// Default time budget of one scan.
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

impl<'r> ObjectScanner<'r> {
    /// A scanner over `rules` with the default timeout.
    pub fn new(rules: &'r RuleSet) -> ObjectScanner<'r> {
        let mut scanner = yara_x::Scanner::new(&rules.rules);
        scanner.set_timeout(DEFAULT_TIMEOUT);
        ObjectScanner { scanner }
    }

    /// Sets the time budget of one scan.
    pub fn set_timeout(&mut self, timeout: Duration) {
        self.scanner.set_timeout(timeout);
    }

    /// Scans `data`; a timeout becomes a finding, not an error.
    pub fn scan(
        &mut self,
        data: &[u8],
        ctx: &ScanContext<'_>,
    ) -> Result<Vec<Finding>, YaraError> {
        self.set_context(ctx)?;
        match self.scanner.scan(data) {
            Ok(results) => Ok(results.matching_rules().map(finding).collect()),
            Err(yara_x::errors::ScanError::Timeout) => Ok(vec![timeout()]),
            Err(e) => Err(YaraError::Scan { message: e.to_string() }),
        }
    }

    fn set_context(&mut self, ctx: &ScanContext<'_>) -> Result<(), YaraError> {
        let owner = "";
        let values = [
            ("filename", ctx.filename),
            ("filepath", ctx.filepath),
            ("extension", ctx.extension),
            ("filetype", ctx.filetype),
            ("owner", owner),
        ];
        for (name, value) in values {
            self.scanner
                .set_global(name, value)
                .map_err(|e| YaraError::Scan { message: e.to_string() })?;
        }
        Ok(())
    }
}

fn timeout() -> Finding {
    Finding::new(FindingKind::BudgetExceeded, "YARA scan timed out")
}

fn finding(rule: yara_x::Rule<'_, '_>) -> Finding {
    let meta = metadata(&rule);
    let reference = RuleRef {
        name: rule.identifier().to_string(),
        namespace: rule.namespace().to_string(),
        tags: rule.tags().map(|t| t.identifier().to_string()).collect(),
        meta,
    };
    let message = reference
        .meta
        .get("description")
        .cloned()
        .unwrap_or_else(|| format!("rule {}", reference.name));
    let mut f = Finding::new(FindingKind::YaraMatch, message)
        .severity(severity(&reference.meta))
        .technique(technique(&reference.meta));
    if let Some(offset) = first_offset(&rule) {
        f = f.at(offset);
    }
    f.rule = Some(reference);
    f
}

fn metadata(rule: &yara_x::Rule<'_, '_>) -> BTreeMap<String, String> {
    use yara_x::MetaValue;
    rule.metadata()
        .map(|(k, v)| {
            let v = match v {
                MetaValue::Integer(i) => i.to_string(),
                MetaValue::Float(f) => f.to_string(),
                MetaValue::Bool(b) => b.to_string(),
                MetaValue::String(s) => s.to_string(),
                MetaValue::Bytes(b) => String::from_utf8_lossy(b).into(),
            };
            (k.to_string(), v)
        })
        .collect()
}

fn first_offset(rule: &yara_x::Rule<'_, '_>) -> Option<u64> {
    rule.patterns()
        .flat_map(|p| p.matches().map(|m| m.range().start))
        .min()
        .and_then(|o| u64::try_from(o).ok())
}

fn severity(meta: &BTreeMap<String, String>) -> Severity {
    if let Some(s) = meta.get("severity") {
        return match s.to_ascii_lowercase().as_str() {
            "info" | "informational" => Severity::Info,
            "low" => Severity::Low,
            "medium" => Severity::Medium,
            "critical" => Severity::Critical,
            _ => Severity::High,
        };
    }
    match meta.get("score").and_then(|s| s.parse::<i64>().ok()) {
        Some(s) if s >= 75 => Severity::High,
        Some(s) if s >= 50 => Severity::Medium,
        Some(_) => Severity::Low,
        None => Severity::High,
    }
}

fn technique(meta: &BTreeMap<String, String>) -> Option<Technique> {
    ["mitre_attack", "attack", "technique", "mitre"]
        .iter()
        .filter_map(|k| meta.get(*k))
        .flat_map(|v| v.split([',', ' ', ';']))
        .find_map(|id| Technique::parse(id.trim()))
}
