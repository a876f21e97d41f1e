//! What a campaign shows, as typed observations: names mentioned,
//! builder traits, payload encodings, exploits, techniques, operator
//! times, victims.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use aho_corasick::AhoCorasick;

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
    /// Lowercase names of malware, tools and builders, with the
    /// activities naming them as a word: all, and scan findings only.
    named: HashMap<String, (Vec<usize>, Vec<usize>)>,
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
    /// The observations of `scope`, with where it names any of `names`.
    pub(crate) fn of(scope: &Scope<'_>, names: &[&str]) -> Observations {
        let mut texts = Vec::new();
        let mut o = Observations {
            named: HashMap::new(),
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
            texts.push((a.id, text, a.finding().is_some()));
        }
        o.named = index(names, &texts);
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
        let hits = self.named.get(&name.to_lowercase());
        hits.map(|(all, _)| all.clone()).unwrap_or_default()
    }

    /// [`mentions`](Observations::mentions) in scan findings only (a
    /// Sigma rule's title names what it looks for, not what it saw).
    pub(crate) fn found(&self, name: &str) -> Vec<usize> {
        let hits = self.named.get(&name.to_lowercase());
        hits.map(|(_, found)| found.clone()).unwrap_or_default()
    }
}

/// Where each name (4 characters or more) appears as a word: one pass of
/// an Aho-Corasick automaton over every text.
fn index(
    names: &[&str],
    texts: &[(usize, String, bool)],
) -> HashMap<String, (Vec<usize>, Vec<usize>)> {
    let mut names: Vec<String> = names
        .iter()
        .map(|n| n.to_lowercase())
        .filter(|n| n.chars().count() >= 4)
        .collect();
    names.sort();
    names.dedup();
    let mut out: HashMap<String, (Vec<usize>, Vec<usize>)> = HashMap::new();
    let Ok(ac) = AhoCorasick::new(&names) else { return out };
    for (id, text, finding) in texts {
        let mut seen: BTreeSet<usize> = BTreeSet::new();
        for m in ac.find_overlapping_iter(text) {
            let word = has_boundaries(text, m.start(), m.end());
            if word && seen.insert(m.pattern().as_usize()) {
                let slot = out.entry(names[m.pattern().as_usize()].clone());
                let slot = slot.or_default();
                slot.0.push(*id);
                if *finding {
                    slot.1.push(*id);
                }
            }
        }
    }
    out
}

fn has_boundaries(text: &str, start: usize, end: usize) -> bool {
    let boundary = |c: Option<char>| c.is_none_or(|c| !c.is_alphanumeric());
    let before = text.get(..start).and_then(|t| t.chars().next_back());
    let after = text.get(end..).and_then(|t| t.chars().next());
    text.is_char_boundary(start)
        && text.is_char_boundary(end)
        && boundary(before)
        && boundary(after)
}

#[cfg(test)]
mod tests {
    use super::index;

    #[test]
    fn names_need_word_boundaries() {
        let texts = vec![
            (0, "yara cotx_config_section".to_string(), true),
            (1, "hacktool - ladon scanner".to_string(), false),
            (2, "paladone".to_string(), true),
            (3, "ёladon".to_string(), true),
        ];
        let found = index(&["Cotx", "Ladon", "abc"], &texts);
        assert_eq!(found["cotx"], (vec![0], vec![0]));
        assert_eq!(found["ladon"], (vec![1], vec![]));
        assert!(!found.contains_key("abc"));
    }
}
