use std::fmt;

use serde::{Deserialize, Serialize};

/// The type of an object, as detected from its content.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum FileKind {
    /// An RFC 5322 message (`.eml`).
    Eml,
    /// A Unix mailbox holding one or more messages.
    Mbox,
    /// An Outlook message in a compound file (`.msg`).
    Msg,
    /// A compound file (OLE2/CFB) that is not a message.
    Cfb,
    /// Rich Text Format.
    Rtf,
    /// A zip archive that is not an office document.
    Zip,
    /// An Office Open XML document (docx, xlsx, pptx, …).
    Ooxml,
    /// An OpenDocument file.
    Odf,
    /// A gzip stream.
    Gzip,
    /// A 7-Zip archive.
    SevenZip,
    /// A RAR archive.
    Rar,
    /// A PDF document.
    Pdf,
    /// A Windows PE executable or DLL.
    Pe,
    /// An ELF executable.
    Elf,
    /// A Windows shell link (`.lnk`).
    Lnk,
    /// An HTML document.
    Html,
    /// A script (PowerShell, VBScript, JScript, batch, HTA, shell).
    Script,
    /// Other text.
    Text,
    /// An image.
    Image,
    /// Anything else.
    Unknown,
}

impl FileKind {
    /// Every kind, in declaration order.
    pub const ALL: [FileKind; 20] = [
        FileKind::Eml,
        FileKind::Mbox,
        FileKind::Msg,
        FileKind::Cfb,
        FileKind::Rtf,
        FileKind::Zip,
        FileKind::Ooxml,
        FileKind::Odf,
        FileKind::Gzip,
        FileKind::SevenZip,
        FileKind::Rar,
        FileKind::Pdf,
        FileKind::Pe,
        FileKind::Elf,
        FileKind::Lnk,
        FileKind::Html,
        FileKind::Script,
        FileKind::Text,
        FileKind::Image,
        FileKind::Unknown,
    ];

    /// The short name used in output (`eml`, `seven-zip`, …).
    pub fn name(self) -> &'static str {
        match self {
            FileKind::Eml => "eml",
            FileKind::Mbox => "mbox",
            FileKind::Msg => "msg",
            FileKind::Cfb => "cfb",
            FileKind::Rtf => "rtf",
            FileKind::Zip => "zip",
            FileKind::Ooxml => "ooxml",
            FileKind::Odf => "odf",
            FileKind::Gzip => "gzip",
            FileKind::SevenZip => "seven-zip",
            FileKind::Rar => "rar",
            FileKind::Pdf => "pdf",
            FileKind::Pe => "pe",
            FileKind::Elf => "elf",
            FileKind::Lnk => "lnk",
            FileKind::Html => "html",
            FileKind::Script => "script",
            FileKind::Text => "text",
            FileKind::Image => "image",
            FileKind::Unknown => "unknown",
        }
    }

    /// Whether objects of this kind run code when opened (executables,
    /// scripts, shortcuts).
    pub fn is_executable(self) -> bool {
        matches!(
            self,
            FileKind::Pe | FileKind::Elf | FileKind::Script | FileKind::Lnk
        )
    }

    /// Whether this kind is a container of other objects.
    pub fn is_archive(self) -> bool {
        matches!(
            self,
            FileKind::Zip
                | FileKind::Gzip
                | FileKind::SevenZip
                | FileKind::Rar
        )
    }

    /// Whether this kind is human-readable text.
    pub fn is_text(self) -> bool {
        matches!(self, FileKind::Text | FileKind::Html | FileKind::Script)
    }

    /// File-name extensions (lowercase, no dot) that fit this kind.
    pub fn extensions(self) -> &'static [&'static str] {
        match self {
            FileKind::Eml => &["eml", "msg", "mht", "txt"],
            FileKind::Mbox => &["mbox", "mbx", "txt", "eml"],
            FileKind::Msg => &["msg"],
            FileKind::Cfb => &[
                "doc", "dot", "xls", "xlt", "ppt", "pps", "msi", "msg", "pub",
                "vsd", "bin", "ole",
            ],
            FileKind::Rtf => &["rtf"],
            FileKind::Zip => &["zip", "jar", "apk", "xpi", "crx", "nupkg"],
            FileKind::Ooxml => &[
                "docx", "docm", "dotx", "dotm", "xlsx", "xlsm", "xltx",
                "xltm", "xlsb", "xlam", "pptx", "pptm", "ppsx", "ppsm",
                "potx", "potm", "vsdx",
            ],
            FileKind::Odf => &["odt", "ods", "odp", "odg", "ott"],
            FileKind::Gzip => &["gz", "tgz", "gzip"],
            FileKind::SevenZip => &["7z"],
            FileKind::Rar => &["rar"],
            FileKind::Pdf => &["pdf"],
            FileKind::Pe => &[
                "exe", "dll", "sys", "scr", "cpl", "ocx", "com", "efi", "drv",
                "wll", "xll",
            ],
            FileKind::Elf => &["elf", "so", "bin"],
            FileKind::Lnk => &["lnk"],
            FileKind::Html => &["html", "htm", "xhtml", "hta", "mht"],
            FileKind::Script => &[
                "ps1", "psm1", "vbs", "vbe", "js", "jse", "wsf", "bat", "cmd",
                "hta", "sh", "py",
            ],
            FileKind::Text => &["txt", "csv", "log", "xml", "json", "ini"],
            FileKind::Image => &["png", "jpg", "jpeg", "gif", "bmp", "ico"],
            FileKind::Unknown => &[],
        }
    }
}

impl fmt::Display for FileKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}
