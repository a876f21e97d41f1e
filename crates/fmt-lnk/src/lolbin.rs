//! The data the judgement uses: system binaries that proxy execution
//! (after the LOLBAS project) with the ATT&CK technique each one
//! evidences, and the argument patterns that make a shortcut to them
//! suspicious.

/// `(file name, ATT&CK technique)`, lowercase.
pub(crate) const LOLBINS: &[(&str, &str)] = &[
    ("cmd.exe", "T1059.003"),
    ("powershell.exe", "T1059.001"),
    ("powershell_ise.exe", "T1059.001"),
    ("pwsh.exe", "T1059.001"),
    ("mshta.exe", "T1218.005"),
    ("rundll32.exe", "T1218.011"),
    ("regsvr32.exe", "T1218.010"),
    ("msiexec.exe", "T1218.007"),
    ("hh.exe", "T1218.001"),
    ("cmstp.exe", "T1218.003"),
    ("installutil.exe", "T1218.004"),
    ("odbcconf.exe", "T1218.008"),
    ("regasm.exe", "T1218.009"),
    ("regsvcs.exe", "T1218.009"),
    ("control.exe", "T1218.002"),
    ("msdt.exe", "T1218"),
    ("explorer.exe", "T1218"),
    ("wscript.exe", "T1059.005"),
    ("cscript.exe", "T1059.005"),
    ("msbuild.exe", "T1127.001"),
    ("certutil.exe", "T1105"),
    ("curl.exe", "T1105"),
    ("finger.exe", "T1105"),
    ("bitsadmin.exe", "T1197"),
    ("schtasks.exe", "T1053.005"),
    ("wmic.exe", "T1047"),
    ("forfiles.exe", "T1202"),
    ("conhost.exe", "T1202"),
    ("pcalua.exe", "T1202"),
];

/// Case-insensitive substrings of the (whitespace-collapsed) arguments,
/// with the reason each is suspicious.
pub(crate) const SUSPICIOUS_SUBSTRINGS: &[(&str, &str)] = &[
    ("http://", "URL"),
    ("https://", "URL"),
    ("ftp://", "URL"),
    ("\\\\", "UNC path"),
    ("javascript:", "javascript: URL"),
    ("vbscript:", "vbscript: URL"),
    (".hta", "HTA file"),
    ("scrobj.dll", "scriptlet loader (scrobj.dll)"),
    ("-decode", "certutil decode"),
    ("urlcache", "certutil download"),
    ("/transfer", "BITS transfer"),
    ("downloadstring", "download cradle"),
    ("downloadfile", "download cradle"),
    ("downloaddata", "download cradle"),
    ("net.webclient", "download cradle"),
    ("invoke-webrequest", "download cradle"),
    ("start-bitstransfer", "download cradle"),
    ("invoke-expression", "invoke-expression"),
    ("iex(", "invoke-expression"),
    ("iex (", "invoke-expression"),
    ("frombase64string", "base64 decoding"),
    ("/create", "scheduled task creation"),
];

/// PowerShell switches, matched as any prefix PowerShell accepts of at
/// least `min` characters, with the values that make them suspicious
/// (`None`: the switch alone is).
pub(crate) const SUSPICIOUS_SWITCHES: &[Switch] = &[
    Switch {
        name: "encodedcommand",
        min: 1,
        values: None,
        reason: "encoded command",
    },
    Switch { name: "ec", min: 2, values: None, reason: "encoded command" },
    Switch {
        name: "windowstyle",
        min: 1,
        values: Some(&["hidden", "h", "1"]),
        reason: "hidden window",
    },
    Switch {
        name: "executionpolicy",
        min: 2,
        values: Some(&["bypass", "unrestricted"]),
        reason: "execution policy bypass",
    },
    Switch {
        name: "ep",
        min: 2,
        values: Some(&["bypass", "unrestricted"]),
        reason: "execution policy bypass",
    },
];

/// A command-line switch pattern.
pub(crate) struct Switch {
    /// The full switch name, lowercase, without `-` or `/`.
    pub(crate) name: &'static str,
    /// The shortest prefix accepted.
    pub(crate) min: usize,
    /// Values of the next token that make it suspicious.
    pub(crate) values: Option<&'static [&'static str]>,
    /// Why it is suspicious.
    pub(crate) reason: &'static str,
}

/// Shortest run of base64 characters reported as an encoded blob.
pub(crate) const MIN_BASE64_BLOB: usize = 40;

/// Whitespace run that counts as padding on its own.
pub(crate) const PADDING_RUN: usize = 100;

/// Characters the shortcut properties dialog shows of target and
/// arguments together (MAX_PATH).
pub(crate) const DIALOG_CHARS: usize = 260;
