//! Class identifiers of storages (and `\x01CompObj` ProgIDs), as data.
//!
//! The table follows what oletools' `clsid.py` documents: Office document
//! classes, the Equation Editor classes RoyalRoad targets, OLE Package,
//! link monikers, ActiveX controls and a few classes known from exploits.
//! Only [`ClassKind`] drives findings; the names are for messages.

/// What a class means for the analysis.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ClassKind {
    /// An Office document (Word, Excel, PowerPoint, …).
    Document,
    /// Microsoft Equation Editor: EQNEDT32.EXE parses its native data
    /// (CVE-2017-11882, CVE-2018-0802, CVE-2018-0798).
    Equation,
    /// OLE Package (packager.dll): carries and can run any file.
    Package,
    /// A link or moniker to an external resource (CVE-2017-0199 family).
    Link,
    /// An ActiveX control.
    ActiveX,
    /// Another class known from exploits or abuse.
    Risky,
    /// A harmless class worth naming.
    Other,
}

/// One known class.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KnownClass {
    /// The CLSID, uppercase, hyphenated, without braces.
    pub clsid: &'static str,
    /// What it means.
    pub kind: ClassKind,
    /// A name for messages.
    pub name: &'static str,
}

macro_rules! classes {
    ($($clsid:literal => $kind:ident, $name:literal;)*) => {
        /// Every known class.
        pub const KNOWN_CLASSES: &[KnownClass] = &[
            $(KnownClass {
                clsid: $clsid,
                kind: ClassKind::$kind,
                name: $name,
            },)*
        ];
    };
}

classes! {
    // Equation Editor (EQNEDT32.EXE)
    "0002CE02-0000-0000-C000-000000000046" => Equation,
        "Microsoft Equation 3.0";
    "00021700-0000-0000-C000-000000000046" => Equation,
        "Microsoft Equation 2.0";
    "0003000B-0000-0000-C000-000000000046" => Equation,
        "Microsoft Equation";
    "0004A6B0-0000-0000-C000-000000000046" => Equation,
        "Microsoft Equation 2.0";
    "0002CE03-0000-0000-C000-000000000046" => Other,
        "MathType Equation";
    // OLE Package
    "0003000C-0000-0000-C000-000000000046" => Package,
        "OLE Package";
    "0003000D-0000-0000-C000-000000000046" => Package,
        "OLE Package";
    "0003000E-0000-0000-C000-000000000046" => Package,
        "OLE Package";
    "F20DA720-C02F-11CE-927B-0800095AE340" => Package,
        "OLE Package";
    // Links and monikers
    "00000300-0000-0000-C000-000000000046" => Link,
        "StdOleLink";
    "00000303-0000-0000-C000-000000000046" => Link,
        "File Moniker";
    "00000304-0000-0000-C000-000000000046" => Other,
        "Item Moniker";
    "00000305-0000-0000-C000-000000000046" => Other,
        "Anti Moniker";
    "00000306-0000-0000-C000-000000000046" => Other,
        "Pointer Moniker";
    "00000308-0000-0000-C000-000000000046" => Link,
        "Packager Moniker";
    "00000309-0000-0000-C000-000000000046" => Link,
        "Composite Moniker";
    "0000031A-0000-0000-C000-000000000046" => Other,
        "Class Moniker";
    "79EAC9E0-BAF9-11CE-8C82-00AA004BA90B" => Link,
        "URL Moniker";
    "ECABB0C7-7F19-11D2-978E-0000F8757E2A" => Link,
        "SOAP Moniker";
    "06290BD3-48AA-11D2-8432-006008C3FBFC" => Link,
        "Script Moniker";
    "3050F4D8-98B5-11CF-BB82-00AA00BDCE0B" => Risky,
        "HTML Application (htafile)";
    // Word
    "00020900-0000-0000-C000-000000000046" => Document,
        "Word 6.0-7.0 Document (Word.Document.6)";
    "00020906-0000-0000-C000-000000000046" => Document,
        "Word 97-2003 Document (Word.Document.8)";
    "00020907-0000-0000-C000-000000000046" => Document,
        "Word Picture (Word.Picture.8)";
    "F4754C9B-64F5-4B40-8AF4-679732AC0607" => Document,
        "Word Document (Word.Document.12)";
    "18A06B6B-2F3F-4E2B-A611-52BE631B2D22" => Document,
        "Word Macro-Enabled Document (Word.DocumentMacroEnabled.12)";
    // Excel
    "00020810-0000-0000-C000-000000000046" => Document,
        "Excel 5.0/95 Worksheet (Excel.Sheet.5)";
    "00020811-0000-0000-C000-000000000046" => Document,
        "Excel 5.0/95 Chart (Excel.Chart.5)";
    "00020820-0000-0000-C000-000000000046" => Document,
        "Excel 97-2003 Worksheet (Excel.Sheet.8)";
    "00020821-0000-0000-C000-000000000046" => Document,
        "Excel Chart (Excel.Chart.8)";
    "00020830-0000-0000-C000-000000000046" => Document,
        "Excel Worksheet (Excel.Sheet.12)";
    "00020832-0000-0000-C000-000000000046" => Document,
        "Excel Macro-Enabled Worksheet (Excel.SheetMacroEnabled.12)";
    "00020833-0000-0000-C000-000000000046" => Document,
        "Excel Binary Worksheet (Excel.SheetBinaryMacroEnabled.12)";
    // PowerPoint
    "64818D10-4F9B-11CF-86EA-00AA00B929E8" => Document,
        "PowerPoint 97-2003 Presentation (PowerPoint.Show.8)";
    "64818D11-4F9B-11CF-86EA-00AA00B929E8" => Document,
        "PowerPoint 97-2003 Slide (PowerPoint.Slide.8)";
    "CF4F55F4-8F87-4D47-80BB-5808164BB3F8" => Document,
        "PowerPoint Presentation (PowerPoint.Show.12)";
    "048EB43E-2059-422F-95E0-557DA96038AF" => Document,
        "PowerPoint Slide (PowerPoint.Slide.12)";
    "DC020317-E6E2-4A62-B9FA-B3EFE16626F4" => Document,
        "PowerPoint Macro-Enabled Presentation";
    // Microsoft Forms 2.0 (ActiveX)
    "C62A69F0-16DC-11CE-9E98-00AA00574A4F" => ActiveX,
        "Microsoft Forms 2.0 Form";
    "8BD21D10-EC42-11CE-9E0D-00AA006002F3" => ActiveX,
        "Microsoft Forms 2.0 TextBox";
    "8BD21D20-EC42-11CE-9E0D-00AA006002F3" => ActiveX,
        "Microsoft Forms 2.0 ListBox";
    "8BD21D30-EC42-11CE-9E0D-00AA006002F3" => ActiveX,
        "Microsoft Forms 2.0 ComboBox";
    "8BD21D40-EC42-11CE-9E0D-00AA006002F3" => ActiveX,
        "Microsoft Forms 2.0 CheckBox";
    "8BD21D50-EC42-11CE-9E0D-00AA006002F3" => ActiveX,
        "Microsoft Forms 2.0 OptionButton";
    "8BD21D60-EC42-11CE-9E0D-00AA006002F3" => ActiveX,
        "Microsoft Forms 2.0 ToggleButton";
    "D7053240-CE69-11CD-A777-00DD01143C57" => ActiveX,
        "Microsoft Forms 2.0 CommandButton";
    "978C9E23-D4B0-11CE-BF2D-00AA003F40D0" => ActiveX,
        "Microsoft Forms 2.0 Label";
    "4C599241-6926-101B-9992-00000B65C6F9" => ActiveX,
        "Microsoft Forms 2.0 Image";
    "46E31370-3F7A-11CE-BED6-00AA00611080" => ActiveX,
        "Microsoft Forms 2.0 MultiPage";
    "DFD181E0-5E2F-11CE-A449-00AA004A803D" => ActiveX,
        "Microsoft Forms 2.0 ScrollBar";
    "79176FB0-B7F2-11CE-97EF-00AA006D2776" => ActiveX,
        "Microsoft Forms 2.0 SpinButton";
    "EAE50EB0-4A62-11CE-BED6-00AA00611080" => ActiveX,
        "Microsoft Forms 2.0 TabStrip";
    // ActiveX controls known from exploits
    "BDD1F04B-858B-11D1-B16A-00C0F0283628" => ActiveX,
        "MSCOMCTL.ListViewCtrl (CVE-2012-0158)";
    "996BF5E0-8044-4650-ADEB-0B013914E99C" => ActiveX,
        "MSCOMCTL.ListViewCtrl (CVE-2012-0158)";
    "C74190B6-8589-11D1-B16A-00C0F0283628" => ActiveX,
        "MSCOMCTL.TreeCtrl (CVE-2012-0158)";
    "9181DC5F-E07D-418A-ACA6-8EEA1ECB8E9E" => ActiveX,
        "MSCOMCTL.TreeCtrl (CVE-2012-0158)";
    "1EFB6596-857C-11D1-B16A-00C0F0283628" => ActiveX,
        "MSCOMCTL.TabStrip (CVE-2012-1856, CVE-2013-3906)";
    "D27CDB6E-AE6D-11CF-96B8-444553540000" => ActiveX,
        "Shockwave Flash Object";
    "DFEAF541-F3E1-4C24-ACAC-99C30715084A" => ActiveX,
        "Silverlight Object";
    // Other classes known from exploits
    "05741520-C4EB-440A-AC3F-9643BBC9F847" => Risky,
        "otkloadr.WRLoader (ASLR bypass)";
    "A08A033D-1A75-4AB6-A166-EAD02F547959" => Risky,
        "otkloadr WRAssembly (ASLR bypass)";
    "0E59F1D5-1FBE-11D0-8FF2-00A0D10038BC" => Risky,
        "MSScriptControl.ScriptControl";
    "72C24DD5-D70A-438B-8A42-98424B88AFB8" => Risky,
        "WScript.Shell";
    "13709620-C279-11CE-A49E-444553540000" => Risky,
        "Shell.Application";
    // Harmless classes seen in documents
    "B801CA65-A1FC-11D0-85AD-444553540000" => Other,
        "Adobe Acrobat Document (AcroExch.Document)";
    "00020803-0000-0000-C000-000000000046" => Other,
        "Microsoft Graph Chart";
    "00022602-0000-0000-C000-000000000046" => Other,
        "Media Clip";
    "0003000A-0000-0000-C000-000000000046" => Other,
        "Paintbrush Picture";
}

/// ProgID prefixes (from `\x01CompObj` streams and RTF `\objclass`),
/// compared case-insensitively: RoyalRoad writes `eQuAtIoN.3`.
pub const PROG_IDS: &[(&str, ClassKind)] = &[
    ("equation.", ClassKind::Equation),
    ("equation", ClassKind::Equation),
    ("package", ClassKind::Package),
    ("forms.", ClassKind::ActiveX),
    ("mscomctllib.", ClassKind::ActiveX),
    ("shockwaveflash.", ClassKind::ActiveX),
    ("htafile", ClassKind::Risky),
];

/// The known class of a CLSID, in any case, with or without braces.
pub fn lookup_clsid(clsid: &str) -> Option<&'static KnownClass> {
    let clsid = clsid.trim_matches(|c| c == '{' || c == '}');
    KNOWN_CLASSES.iter().find(|k| k.clsid.eq_ignore_ascii_case(clsid))
}

/// The kind a ProgID (`Equation.3`, `Package`, `Forms.TextBox.1`) implies.
pub fn lookup_prog_id(prog_id: &str) -> Option<ClassKind> {
    let lower = prog_id.trim().to_ascii_lowercase();
    PROG_IDS.iter().find_map(|&(prefix, kind)| {
        let hit = if prefix.ends_with('.') {
            lower.starts_with(prefix)
        } else {
            lower == prefix
        };
        hit.then_some(kind)
    })
}

/// Formats a CLSID from its 16 on-disk bytes (MS-DTYP GUID: the first
/// three fields little-endian).
pub(crate) fn format_clsid(raw: &[u8; 16]) -> String {
    let [a0, a1, a2, a3, b0, b1, c0, c1, rest @ ..] = *raw;
    let mut s = format!(
        "{:08X}-{:04X}-{:04X}-",
        u32::from_le_bytes([a0, a1, a2, a3]),
        u16::from_le_bytes([b0, b1]),
        u16::from_le_bytes([c0, c1]),
    );
    for (i, b) in rest.iter().enumerate() {
        if i == 2 {
            s.push('-');
        }
        s.push_str(&format!("{b:02X}"));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_well_formed_and_unique() {
        let mut seen = std::collections::HashSet::new();
        for k in KNOWN_CLASSES {
            assert_eq!(k.clsid.len(), 36, "{}", k.clsid);
            assert_eq!(k.clsid, k.clsid.to_uppercase(), "{}", k.clsid);
            assert!(seen.insert(k.clsid), "duplicate {}", k.clsid);
        }
    }

    #[test]
    fn equation_classes() {
        for c in [
            "0002CE02-0000-0000-C000-000000000046",
            "{00021700-0000-0000-c000-000000000046}",
            "0003000b-0000-0000-C000-000000000046",
            "0004A6B0-0000-0000-C000-000000000046",
        ] {
            assert_eq!(lookup_clsid(c).unwrap().kind, ClassKind::Equation);
        }
        assert!(
            lookup_clsid("00000000-0000-0000-0000-000000000000").is_none()
        );
    }

    #[test]
    fn prog_ids_ignore_case() {
        assert_eq!(lookup_prog_id("eQuAtIoN.3"), Some(ClassKind::Equation));
        assert_eq!(lookup_prog_id("Package"), Some(ClassKind::Package));
        assert_eq!(
            lookup_prog_id("Forms.TextBox.1"),
            Some(ClassKind::ActiveX)
        );
        assert_eq!(lookup_prog_id("Word.Document.8"), None);
        assert_eq!(lookup_prog_id("Packager"), None);
    }

    #[test]
    fn formats_mixed_endian() {
        let raw = [
            0x02, 0xCE, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0xC0, 0x00, 0x00,
            0x00, 0x00, 0x00, 0x00, 0x46,
        ];
        assert_eq!(format_clsid(&raw), "0002CE02-0000-0000-C000-000000000046");
    }
}
