//! What makes VBA code auto-run or look malicious, as data, and the
//! scanners that look for it (after oletools' olevba tables).

/// Procedure names Office runs by itself when a document opens, closes or
/// is created (Word, Excel, PowerPoint add-ins).
pub const AUTOEXEC: &[&str] = &[
    "AutoExec",
    "AutoOpen",
    "Auto_Open",
    "DocumentOpen",
    "Document_Open",
    "AutoNew",
    "Document_New",
    "NewDocument",
    "AutoClose",
    "Auto_Close",
    "AutoExit",
    "DocumentBeforeClose",
    "Document_BeforeClose",
    "Document_Close",
    "DocumentChange",
    "Document_ContentControlOnEnter",
    "Workbook_Open",
    "Workbook_Activate",
    "Workbook_BeforeClose",
    "Workbook_Close",
    "Workbook_Deactivate",
    "Workbook_WindowActivate",
];

/// Event suffixes of ActiveX controls that fire without the user doing
/// anything once the document is open (`InkPicture1_Painted`,
/// `Frame1_Layout`).
pub const AUTOEXEC_SUFFIXES: &[&str] = &[
    "_Layout",
    "_Painted",
    "_Resize",
    "_GotFocus",
    "_LostFocus",
    "_MouseHover",
    "_BeforeNavigate2",
    "_DocumentComplete",
    "_NavigateComplete2",
    "_ProgressChange",
];

/// How a keyword matches.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Match {
    /// As a whole identifier (not inside a longer name), any case.
    Word,
    /// Anywhere, any case.
    Anywhere,
}

/// Suspicious keywords: (text, how it matches).
pub const SUSPICIOUS: &[(&str, Match)] = &[
    ("Shell", Match::Word),
    ("WScript.Shell", Match::Anywhere),
    ("Shell.Application", Match::Anywhere),
    ("ShellExecute", Match::Word),
    ("CreateObject", Match::Word),
    ("GetObject", Match::Word),
    ("CallByName", Match::Word),
    ("URLDownloadToFile", Match::Anywhere),
    ("XMLHTTP", Match::Anywhere),
    ("WinHttpRequest", Match::Anywhere),
    ("ADODB.Stream", Match::Anywhere),
    ("SaveToFile", Match::Word),
    ("Environ", Match::Word),
    ("Kill", Match::Word),
    (".Run", Match::Anywhere),
    ("VirtualAlloc", Match::Anywhere),
    ("VirtualProtect", Match::Anywhere),
    ("RtlMoveMemory", Match::Anywhere),
    ("WriteProcessMemory", Match::Anywhere),
    ("CreateThread", Match::Anywhere),
    ("CreateRemoteThread", Match::Anywhere),
    ("EnumSystemLanguageGroupsW", Match::Anywhere),
    ("powershell", Match::Anywhere),
    ("cmd.exe", Match::Anywhere),
    ("mshta", Match::Anywhere),
    ("Scripting.FileSystemObject", Match::Anywhere),
    ("ExecuteExcel4Macro", Match::Word),
];

/// Shortest string literal reported as base64 or hex.
pub const ENCODED_STRING_MIN: usize = 40;
/// Fewest `Chr()` / `ChrW()` calls in one module reported as a chain.
pub const CHR_CHAIN_MIN: usize = 8;

/// The auto-exec procedure names `code` mentions, in table order.
pub fn autoexec(code: &str) -> Vec<String> {
    let lower = code.to_ascii_lowercase();
    let mut found: Vec<String> = AUTOEXEC
        .iter()
        .filter(|k| find_word(&lower, &k.to_ascii_lowercase()))
        .map(|k| (*k).to_string())
        .collect();
    let suffixes: Vec<String> =
        AUTOEXEC_SUFFIXES.iter().map(|s| s.to_ascii_lowercase()).collect();
    for ident in identifiers(code) {
        if !ident.contains('_') {
            continue;
        }
        let lower = ident.to_ascii_lowercase();
        let hit = suffixes
            .iter()
            .any(|s| lower.len() > s.len() && lower.ends_with(s.as_str()));
        if hit && !found.iter().any(|f| f.eq_ignore_ascii_case(ident)) {
            found.push(ident.to_string());
        }
    }
    found
}

/// The suspicious keywords and obfuscation traits of `code`.
pub fn suspicious(code: &str) -> Vec<String> {
    let lower = code.to_ascii_lowercase();
    let mut found: Vec<String> = SUSPICIOUS
        .iter()
        .filter(|(k, how)| {
            let k = k.to_ascii_lowercase();
            match how {
                Match::Word => find_word(&lower, &k),
                Match::Anywhere => lower.contains(&k),
            }
        })
        .map(|(k, _)| (*k).to_string())
        .collect();
    found.extend(declares(code));
    found.extend(encoded_strings(code));
    let chr = chr_calls(&lower);
    if chr >= CHR_CHAIN_MIN {
        found.push(format!("Chr() chain ({chr} calls)"));
    }
    found
}

/// Whether `needle` (lowercase) occurs in `hay` (lowercase) as a whole
/// identifier.
pub fn find_word(hay: &str, needle: &str) -> bool {
    if needle.is_empty() {
        return false;
    }
    let ident =
        |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
    hay.match_indices(needle).any(|(i, m)| {
        let before = hay.get(..i).and_then(|s| s.chars().next_back());
        let after = hay.get(i.saturating_add(m.len())..);
        let after = after.and_then(|s| s.chars().next());
        !ident(before) && !ident(after)
    })
}

/// The identifiers of `code` (runs of letters, digits and `_` starting
/// with a letter).
pub fn identifiers(code: &str) -> impl Iterator<Item = &str> {
    code.split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|w| w.chars().next().is_some_and(char::is_alphabetic))
}

/// `Declare … Lib "x"` lines, as `Declare Lib "x"`.
fn declares(code: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for line in code.lines() {
        let lower = line.to_ascii_lowercase();
        if !find_word(&lower, "declare") || !find_word(&lower, "lib") {
            continue;
        }
        let lib = lower
            .split_once(" lib ")
            .and_then(|(_, rest)| rest.trim_start().strip_prefix('"'))
            .and_then(|rest| rest.split('"').next())
            .unwrap_or_default();
        let item = format!("Declare Lib \"{lib}\"");
        if !out.contains(&item) {
            out.push(item);
        }
    }
    out
}

/// Long base64 and hex string literals, one label each.
fn encoded_strings(code: &str) -> Vec<String> {
    let mut hex = false;
    let mut base64 = false;
    for lit in literals(code) {
        if lit.len() < ENCODED_STRING_MIN {
            continue;
        }
        if lit.bytes().all(|b| b.is_ascii_hexdigit()) {
            hex = true;
        } else if is_base64(lit) {
            base64 = true;
        }
    }
    let mut out = Vec::new();
    if hex {
        out.push("hex string".to_string());
    }
    if base64 {
        out.push("base64 string".to_string());
    }
    out
}

/// Base64 alphabet only, with both letters and digits or both cases.
fn is_base64(s: &str) -> bool {
    let body = s.trim_end_matches('=');
    let alphabet = body
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'+' || b == b'/');
    let digits = body.bytes().any(|b| b.is_ascii_digit());
    let upper = body.bytes().any(|b| b.is_ascii_uppercase());
    let lower = body.bytes().any(|b| b.is_ascii_lowercase());
    alphabet && (digits && (upper || lower) || upper && lower)
}

/// The string literals of `code` (a doubled quote is a quote inside).
fn literals(code: &str) -> Vec<&str> {
    let mut out = Vec::new();
    for line in code.lines() {
        let mut rest = line;
        while let Some(start) = rest.find('"') {
            let after =
                rest.get(start.saturating_add(1)..).unwrap_or_default();
            let Some(end) = after.find('"') else { break };
            out.push(after.get(..end).unwrap_or_default());
            rest = after.get(end.saturating_add(1)..).unwrap_or_default();
        }
    }
    out
}

/// Calls of `Chr`, `ChrW`, `ChrB` (with or without `$`) in lowercase code.
fn chr_calls(lower: &str) -> usize {
    ["chr", "chrw", "chrb", "chr$", "chrw$", "chrb$"]
        .iter()
        .map(|f| {
            lower
                .match_indices(f)
                .filter(|&(i, m)| {
                    let before = lower.get(..i).and_then(|s| s.chars().last());
                    let after = lower.get(i.saturating_add(m.len())..);
                    let after = after.unwrap_or_default().trim_start();
                    !before.is_some_and(|c| c.is_alphanumeric() || c == '_')
                        && after.starts_with('(')
                })
                .count()
        })
        .fold(0usize, usize::saturating_add)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn autoexec_names_and_suffixes() {
        let code = "Sub AutoOpen()\nEnd Sub\nPrivate Sub Frame1_Layout()\n\
                    End Sub\nSub MyAutoOpenHelper()\nEnd Sub";
        assert_eq!(autoexec(code), vec!["AutoOpen", "Frame1_Layout"]);
        assert!(autoexec("Sub Document_Opened()\nEnd Sub").is_empty());
        assert_eq!(autoexec("sub workbook_open()"), vec!["Workbook_Open"]);
    }

    #[test]
    fn suspicious_keywords() {
        let code = "Sub AutoOpen()\n Shell \"calc.exe\"\n Set o = \
                    CreateObject(\"WScript.Shell\")\n o.Run \"cmd.exe /c x\"\n\
                    End Sub\n\
                    Private Declare Function VirtualAlloc Lib \"kernel32\" ()";
        let s = suspicious(code);
        for k in [
            "Shell",
            "WScript.Shell",
            "CreateObject",
            ".Run",
            "cmd.exe",
            "VirtualAlloc",
            "Declare Lib \"kernel32\"",
        ] {
            assert!(s.contains(&k.to_string()), "{k} missing from {s:?}");
        }
        assert!(suspicious("Sub X()\n MsgBox \"hi\"\nEnd Sub").is_empty());
        assert!(suspicious("Dim ShellOut As String").is_empty());
    }

    #[test]
    fn obfuscation_traits() {
        let hex = format!("x = \"{}\"", "4D5A9000".repeat(6));
        assert_eq!(suspicious(&hex), vec!["hex string"]);
        let b64 = "x = \"TVqQAAMAAAAEAAAA//8AALgAAAAAAAAAQAAAAAAAAAAAAA==\"";
        assert_eq!(suspicious(b64), vec!["base64 string"]);
        let chain = "x = Chr(99) & ChrW(97) & Chr$(108) & chr (99) & Chr(46) \
                     & Chr(101) & Chr(120) & ChrB(101)";
        assert_eq!(suspicious(chain), vec!["Chr() chain (8 calls)"]);
        let long_words = format!("x = \"{}\"", "z".repeat(50));
        assert!(suspicious(&long_words).is_empty());
    }

    #[test]
    fn words_respect_boundaries() {
        assert!(find_word("call shell(x)", "shell"));
        assert!(!find_word("shellout", "shell"));
        assert!(!find_word("myshell", "shell"));
        assert!(!find_word("abc", ""));
    }
}
