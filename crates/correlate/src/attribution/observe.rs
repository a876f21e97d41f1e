//! What a campaign shows, as typed observations: names mentioned,
//! builder traits, payload encodings, exploits, techniques, operator
//! times, victims.

use std::collections::{BTreeMap, BTreeSet};

use counterspy_model::case::ActivityKind;
use counterspy_model::{FindingKind, Technique, Timestamp};

use super::Scope;

/// Tactics of hands-on-keyboard work: their times tell operator hours.
const HANDS_ON: &[&str] = &[
    "execution",
    "credential-access",
    "discovery",
    "lateral-movement",
    "collection",
    "exfiltration",
];

/// The observations of one campaign.
pub(crate) struct Observations {
    /// Per activity, the lowercase text naming things (titles, rules),
    /// and whether it is a scan finding.
    texts: Vec<(usize, String, bool)>,
    /// RoyalRoad builder traits: the version guessed, per activity.
    pub(crate) builders: Vec<(usize, String)>,
    /// 8.t encodings by their header, lowercase hex without spaces.
    pub(crate) encodings: BTreeMap<String, Vec<usize>>,
    /// Exploited CVEs, `CVE-2017-11882`.
    pub(crate) cves: BTreeMap<String, Vec<usize>>,
    /// Techniques.
    pub(crate) techniques: BTreeMap<Technique, Vec<usize>>,
    /// Times of hands-on activity.
    pub(crate) hands_on: Vec<(Timestamp, usize)>,
    /// Victim sectors, lowercase.
    pub(crate) sectors: BTreeSet<String>,
    /// Victim countries, uppercase.
    pub(crate) countries: BTreeSet<String>,
}

impl Observations {
    pub(crate) fn of(scope: &Scope<'_>) -> Observations {
        let mut o = Observations {
            texts: Vec::new(),
            builders: Vec::new(),
            encodings: BTreeMap::new(),
            cves: BTreeMap::new(),
            techniques: BTreeMap::new(),
            hands_on: Vec::new(),
            sectors: scope
                .orgs
                .iter()
                .filter_map(|x| x.sector.clone())
                .map(|s| s.to_lowercase())
                .collect(),
            countries: scope
                .orgs
                .iter()
                .filter_map(|x| x.country.clone())
                .map(|s| s.to_uppercase())
                .collect(),
        };
        for a in &scope.activities {
            for t in &a.techniques {
                o.techniques.entry(t.clone()).or_default().push(a.id);
            }
            let mut text = a.title.to_lowercase();
            match &a.kind {
                ActivityKind::Detection { detection } => {
                    for tag in &detection.rule.tags {
                        if let Some(cve) = tag.strip_prefix("cve.") {
                            let id = format!("CVE-{}", cve.to_uppercase());
                            o.cves.entry(id).or_default().push(a.id);
                        }
                    }
                    let hands_on = a
                        .tactics
                        .iter()
                        .any(|t| HANDS_ON.contains(&t.as_str()));
                    if let (true, Some(t)) = (hands_on, a.time) {
                        o.hands_on.push((t, a.id));
                    }
                }
                ActivityKind::Finding { finding, .. } => {
                    text.push(' ');
                    text.push_str(&finding.message.to_lowercase());
                    if let Some(rule) = &finding.rule {
                        text.push(' ');
                        text.push_str(&rule.name.to_lowercase());
                    }
                    o.finding(
                        a.id,
                        finding.kind,
                        &finding.message,
                        finding.evidence.excerpt.as_deref(),
                    );
                }
            }
            o.texts.push((a.id, text, a.finding().is_some()));
        }
        o
    }

    fn finding(
        &mut self,
        id: usize,
        kind: FindingKind,
        message: &str,
        excerpt: Option<&str>,
    ) {
        let cve = match kind {
            FindingKind::Cve2017_11882 => Some("CVE-2017-11882"),
            FindingKind::Cve2018_0802 => Some("CVE-2018-0802"),
            FindingKind::Cve2018_0798 => Some("CVE-2018-0798"),
            _ => None,
        };
        if let Some(c) = cve {
            self.cves.entry(c.to_string()).or_default().push(id);
        }
        if kind == FindingKind::RoyalRoad {
            let version = message
                .rsplit("builder version ")
                .next()
                .filter(|_| message.contains("builder version "))
                .map(|v| v.split_whitespace().next().unwrap_or("").to_string())
                .unwrap_or_default();
            self.builders.push((id, version));
        }
        if kind == FindingKind::RoyalRoadPayload
            && let Some(hex) = excerpt
        {
            let header: String =
                hex.chars().filter(|c| c.is_ascii_hexdigit()).collect();
            if header.len() >= 8 {
                let header = header[..8].to_lowercase();
                self.encodings.entry(header).or_default().push(id);
            }
        }
    }

    /// The activities whose text names `name` as a word (case-insensitive;
    /// names shorter than 4 characters are never searched).
    pub(crate) fn mentions(&self, name: &str) -> Vec<usize> {
        self.find(name, false)
    }

    /// [`mentions`](Observations::mentions) in scan findings only (a
    /// Sigma rule's title names what it looks for, not what it saw).
    pub(crate) fn found(&self, name: &str) -> Vec<usize> {
        self.find(name, true)
    }

    fn find(&self, name: &str, findings_only: bool) -> Vec<usize> {
        let name = name.to_lowercase();
        if name.chars().count() < 4 {
            return Vec::new();
        }
        self.texts
            .iter()
            .filter(|(_, text, finding)| {
                (*finding || !findings_only) && has_word(text, &name)
            })
            .map(|(id, _, _)| *id)
            .collect()
    }
}

fn has_word(text: &str, word: &str) -> bool {
    let boundary = |c: Option<char>| c.is_none_or(|c| !c.is_alphanumeric());
    text.match_indices(word).any(|(i, _)| {
        boundary(text[..i].chars().next_back())
            && boundary(text[i + word.len()..].chars().next())
    })
}

#[cfg(test)]
mod tests {
    use super::has_word;

    #[test]
    fn words_need_boundaries() {
        assert!(has_word("yara cotx_config_section", "cotx"));
        assert!(has_word("hacktool - ladon scanner", "ladon"));
        assert!(!has_word("paladone", "ladon"));
        assert!(!has_word("x", "ladon"));
    }
}
