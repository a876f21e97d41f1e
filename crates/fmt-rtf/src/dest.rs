//! Destinations: where the text of a group goes.
//!
//! A destination control word (`\fonttbl`, `\pict`, `\objdata`, …)
//! redirects the text of the rest of its group and of the groups nested
//! in it. Which words are destinations is fixed by the RTF 1.9.1
//! specification; the list below is oletools' (`rtfobj.py`), which keeps
//! it in step with what Word does (`\rtf`, `\private` and `\pxe` are not
//! destinations there, whatever the specification says).

use std::sync::LazyLock;

use rustc_hash::FxHashMap;

/// Where the text of a group goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Dest {
    /// Visible document text.
    Body,
    /// Visible text that is also the result of object `n` (`\result`).
    Result(usize),
    /// Ignored (font names, pictures, unknown `\*` destinations, …).
    Skip,
    /// The font table: font numbers and character sets, no text.
    FontTable,
    /// The class name of object `n` (`\objclass`).
    ObjClass(usize),
    /// The data of object `n` (`\objdata`), in hex.
    ObjData(usize),
    /// The CLSID of object `n` (`\oleclsid`).
    Clsid(usize),
    /// The instruction of field `n` (`\fldinst`).
    FldInst(usize),
}

/// What a destination word does to text, before object and field
/// destinations (which need an index) are resolved.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    /// The text is visible.
    Text,
    /// The text is a document property (`\title`, `\author`), kept as a
    /// line of its own.
    Property,
    /// The font table.
    Fonts,
    /// `\objclass`, `\objdata`, `\oleclsid`, `\result`, `\fldinst`:
    /// handled by the walker.
    Special,
    /// The text is not visible.
    Hidden,
}

/// Destinations whose text is visible.
const TEXT: &[&[u8]] = &[
    b"annotation",
    b"field",
    b"fldrslt",
    b"footer",
    b"footerf",
    b"footerl",
    b"footerr",
    b"footnote",
    b"header",
    b"headerf",
    b"headerl",
    b"headerr",
    b"info",
    b"shptxt",
    b"dptxbxtext",
    b"ud",
];

/// Document properties worth keeping as text.
const PROPERTIES: &[&[u8]] = &[
    b"author",
    b"category",
    b"comment",
    b"company",
    b"doccomm",
    b"hlinkbase",
    b"keywords",
    b"manager",
    b"operator",
    b"subject",
    b"title",
];

/// The font table.
const FONTS: &[&[u8]] = &[b"fonttbl"];

/// Destinations the walker resolves itself.
const SPECIAL: &[&[u8]] =
    &[b"fldinst", b"objclass", b"objdata", b"oleclsid", b"result"];

/// Every destination control word (oletools' list; sorted).
const ALL: &[&[u8]] = &[
    b"aftncn",
    b"aftnsep",
    b"aftnsepc",
    b"annotation",
    b"atnauthor",
    b"atndate",
    b"atnid",
    b"atnparent",
    b"atnref",
    b"atrfend",
    b"atrfstart",
    b"author",
    b"background",
    b"bkmkend",
    b"bkmkstart",
    b"blipuid",
    b"buptim",
    b"category",
    b"colorschememapping",
    b"colortbl",
    b"comment",
    b"company",
    b"creatim",
    b"datafield",
    b"datastore",
    b"defchp",
    b"defpap",
    b"do",
    b"doccomm",
    b"docvar",
    b"dptxbxtext",
    b"ebcend",
    b"ebcstart",
    b"factoidname",
    b"falt",
    b"fchars",
    b"ffdeftext",
    b"ffentrymcr",
    b"ffexitmcr",
    b"ffformat",
    b"ffhelptext",
    b"ffl",
    b"ffname",
    b"ffstattext",
    b"field",
    b"file",
    b"filetbl",
    b"fldinst",
    b"fldrslt",
    b"fldtype",
    b"fontemb",
    b"fonttbl",
    b"footer",
    b"footerf",
    b"footerl",
    b"footerr",
    b"footnote",
    b"formfield",
    b"ftncn",
    b"ftnsep",
    b"ftnsepc",
    b"g",
    b"generator",
    b"gridtbl",
    b"header",
    b"headerf",
    b"headerl",
    b"headerr",
    b"hl",
    b"hlfr",
    b"hlinkbase",
    b"hlloc",
    b"hlsrc",
    b"hsv",
    b"info",
    b"keywords",
    b"latentstyles",
    b"lchars",
    b"levelnumbers",
    b"leveltext",
    b"lfolevel",
    b"linkval",
    b"list",
    b"listlevel",
    b"listname",
    b"listoverride",
    b"listoverridetable",
    b"listpicture",
    b"liststylename",
    b"listtable",
    b"listtext",
    b"lsdlockedexcept",
    b"macc",
    b"maccPr",
    b"mailmerge",
    b"malnScr",
    b"manager",
    b"margPr",
    b"margSz",
    b"mbar",
    b"mbarPr",
    b"mbaseJc",
    b"mbegChr",
    b"mborderBox",
    b"mborderBoxPr",
    b"mbox",
    b"mboxPr",
    b"mchr",
    b"mcount",
    b"mctrlPr",
    b"md",
    b"mdPr",
    b"mdeg",
    b"mdegHide",
    b"mden",
    b"mdiff",
    b"me",
    b"mendChr",
    b"meqArr",
    b"meqArrPr",
    b"mf",
    b"mfName",
    b"mfPr",
    b"mfunc",
    b"mfuncPr",
    b"mgroupChr",
    b"mgroupChrPr",
    b"mgrow",
    b"mhideBot",
    b"mhideLeft",
    b"mhideRight",
    b"mhideTop",
    b"mlim",
    b"mlimLoc",
    b"mlimLow",
    b"mlimLowPr",
    b"mlimUpp",
    b"mlimUppPr",
    b"mm",
    b"mmPr",
    b"mmaddfieldname",
    b"mmathPict",
    b"mmaxDist",
    b"mmc",
    b"mmcJc",
    b"mmcPr",
    b"mmconnectstr",
    b"mmconnectstrdata",
    b"mmcs",
    b"mmdatasource",
    b"mmheadersource",
    b"mmmailsubject",
    b"mmodso",
    b"mmodsofilter",
    b"mmodsofldmpdata",
    b"mmodsomappedname",
    b"mmodsoname",
    b"mmodsorecipdata",
    b"mmodsosort",
    b"mmodsosrc",
    b"mmodsotable",
    b"mmodsoudl",
    b"mmodsoudldata",
    b"mmodsouniquetag",
    b"mmquery",
    b"mmr",
    b"mnary",
    b"mnaryPr",
    b"mnoBreak",
    b"mnum",
    b"moMath",
    b"moMathPara",
    b"moMathParaPr",
    b"mobjDist",
    b"mopEmu",
    b"mphant",
    b"mphantPr",
    b"mplcHide",
    b"mpos",
    b"mr",
    b"mrPr",
    b"mrad",
    b"mradPr",
    b"msPre",
    b"msPrePr",
    b"msSub",
    b"msSubPr",
    b"msSubSup",
    b"msSubSupPr",
    b"msSup",
    b"msSupPr",
    b"msepChr",
    b"mshow",
    b"mshp",
    b"mstrikeBLTR",
    b"mstrikeH",
    b"mstrikeTLBR",
    b"mstrikeV",
    b"msub",
    b"msubHide",
    b"msup",
    b"msupHide",
    b"mtransp",
    b"mtype",
    b"mvertJc",
    b"mvfmf",
    b"mvfml",
    b"mvtof",
    b"mvtol",
    b"mzeroAsc",
    b"mzeroDesc",
    b"mzeroWid",
    b"nesttableprops",
    b"nonesttables",
    b"objalias",
    b"objclass",
    b"objdata",
    b"object",
    b"objname",
    b"objsect",
    b"oldcprops",
    b"oldpprops",
    b"oldsprops",
    b"oldtprops",
    b"oleclsid",
    b"operator",
    b"panose",
    b"password",
    b"passwordhash",
    b"pgp",
    b"pgptbl",
    b"picprop",
    b"pict",
    b"pn",
    b"pnaiu",
    b"pnaiud",
    b"pnseclvl",
    b"pntext",
    b"pntxta",
    b"pntxtb",
    b"printim",
    b"propname",
    b"protend",
    b"protstart",
    b"protusertbl",
    b"result",
    b"revtbl",
    b"revtim",
    b"rxe",
    b"shp",
    b"shpgrp",
    b"shpinst",
    b"shppict",
    b"shprslt",
    b"shptxt",
    b"sn",
    b"sp",
    b"staticval",
    b"stylesheet",
    b"subject",
    b"sv",
    b"svb",
    b"tc",
    b"template",
    b"themedata",
    b"title",
    b"txe",
    b"ud",
    b"upr",
    b"userprops",
    b"wgrffmtfilter",
    b"windowcaption",
    b"writereservation",
    b"writereservhash",
    b"xe",
    b"xform",
    b"xmlattrname",
    b"xmlattrvalue",
    b"xmlclose",
    b"xmlname",
    b"xmlnstbl",
    b"xmlopen",
];

/// Every destination word and what it does (`None`: `\object`, a
/// destination that marks an object), built once: control words are the
/// bulk of an RTF file, and each is looked up here.
static KINDS: LazyLock<FxHashMap<&'static [u8], Option<Kind>>> =
    LazyLock::new(|| {
        let mut kinds: FxHashMap<&'static [u8], Option<Kind>> =
            ALL.iter().map(|&name| (name, Some(Kind::Hidden))).collect();
        // Later classes win: special words, then text, properties and
        // the font table.
        let classes = [
            (FONTS, Kind::Fonts),
            (PROPERTIES, Kind::Property),
            (TEXT, Kind::Text),
            (SPECIAL, Kind::Special),
        ];
        for (names, kind) in classes {
            for &name in names {
                kinds.insert(name, Some(kind));
            }
        }
        kinds.insert(b"object", None);
        kinds
    });

/// Whether `name` is a destination control word.
pub(crate) fn is_destination(name: &[u8]) -> bool {
    KINDS.contains_key(name)
}

/// What destination word `name` does, or `None` if it is not one.
/// `\object` is not classified: it marks an object, not a destination.
pub(crate) fn kind(name: &[u8]) -> Option<Kind> {
    KINDS.get(name).copied().flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_sorted_and_complete() {
        assert!(ALL.windows(2).all(|w| w[0] < w[1]));
        for name in TEXT.iter().chain(PROPERTIES).chain(SPECIAL) {
            assert!(is_destination(name), "{}", name.escape_ascii());
        }
    }

    /// The classification `kind` implements, list by list.
    fn kind_by_lists(name: &[u8]) -> Option<Kind> {
        let kind = if SPECIAL.contains(&name) {
            Kind::Special
        } else if TEXT.contains(&name) {
            Kind::Text
        } else if PROPERTIES.contains(&name) {
            Kind::Property
        } else if name == b"fonttbl" {
            Kind::Fonts
        } else if name != b"object" && ALL.contains(&name) {
            Kind::Hidden
        } else {
            return None;
        };
        Some(kind)
    }

    #[test]
    fn the_map_is_the_lists() {
        let others: [&[u8]; 6] =
            [b"par", b"f", b"objw", b"", b"OBJDATA", b"x"];
        for name in ALL.iter().chain(&others) {
            assert_eq!(
                kind(name),
                kind_by_lists(name),
                "{}",
                name.escape_ascii()
            );
            assert_eq!(is_destination(name), ALL.contains(name));
        }
    }

    #[test]
    fn kinds() {
        assert_eq!(kind(b"pict"), Some(Kind::Hidden));
        assert_eq!(kind(b"title"), Some(Kind::Property));
        assert_eq!(kind(b"footerr"), Some(Kind::Text));
        assert_eq!(kind(b"objdata"), Some(Kind::Special));
        assert_eq!(kind(b"fonttbl"), Some(Kind::Fonts));
        assert_eq!(kind(b"object"), None);
        assert_eq!(kind(b"ods"), None);
        assert_eq!(kind(b"rtf"), None);
    }
}
