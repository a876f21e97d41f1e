//! Embedded objects as the walker collects them: the `\object` group's
//! control words, class, CLSID, result text and decoded data.

use crate::objdata::HexDecoder;
use crate::text::TextSink;

/// Longest `\objclass` kept, in bytes.
const MAX_CLASS: usize = 256;

/// Longest `\oleclsid` kept, in bytes.
const MAX_CLSID: usize = 128;

/// Longest `\result` text kept per object, in bytes.
const MAX_RESULT: usize = 1024;

/// How an object is stored or linked (`\objemb`, `\objlink`, …).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ObjType {
    /// `\objemb`: an embedded OLE object.
    Emb,
    /// `\objlink`: a linked OLE object.
    Link,
    /// `\objautlink`: a linked object updated automatically.
    AutLink,
    /// `\objocx`: an ActiveX control.
    Ocx,
    /// `\objsub`: a Macintosh Edition Manager subscriber.
    Sub,
    /// `\objpub`: a Macintosh Edition Manager publisher.
    Pub,
    /// `\objicemb`: a MS Word for Macintosh installable command.
    IcEmb,
    /// `\objhtml`: an HTML control.
    Html,
}

impl ObjType {
    /// The type named by control word `name`.
    pub(crate) fn from_word(name: &[u8]) -> Option<ObjType> {
        let t = match name {
            b"objemb" => ObjType::Emb,
            b"objlink" => ObjType::Link,
            b"objautlink" => ObjType::AutLink,
            b"objocx" => ObjType::Ocx,
            b"objsub" => ObjType::Sub,
            b"objpub" => ObjType::Pub,
            b"objicemb" => ObjType::IcEmb,
            b"objhtml" => ObjType::Html,
            _ => return None,
        };
        Some(t)
    }

    /// The control word.
    pub(crate) fn word(self) -> &'static str {
        match self {
            ObjType::Emb => "objemb",
            ObjType::Link => "objlink",
            ObjType::AutLink => "objautlink",
            ObjType::Ocx => "objocx",
            ObjType::Sub => "objsub",
            ObjType::Pub => "objpub",
            ObjType::IcEmb => "objicemb",
            ObjType::Html => "objhtml",
        }
    }

    /// Whether the object links to an external resource.
    pub(crate) fn is_link(self) -> bool {
        matches!(self, ObjType::Link | ObjType::AutLink)
    }
}

/// The size and scale words of an object.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Size {
    /// `\objwN`.
    pub(crate) w: Option<i64>,
    /// `\objhN`.
    pub(crate) h: Option<i64>,
    /// `\objscalexN`.
    pub(crate) scalex: Option<i64>,
    /// `\objscaleyN`.
    pub(crate) scaley: Option<i64>,
}

impl Size {
    /// Records size word `name`; false if it is not one.
    pub(crate) fn set(&mut self, name: &[u8], param: Option<i64>) -> bool {
        let slot = match name {
            b"objw" => &mut self.w,
            b"objh" => &mut self.h,
            b"objscalex" => &mut self.scalex,
            b"objscaley" => &mut self.scaley,
            _ => return false,
        };
        *slot = param;
        true
    }

    /// The words as written, such as `\objw2180\objh300`.
    pub(crate) fn words(&self) -> String {
        let words = [
            ("objw", self.w),
            ("objh", self.h),
            ("objscalex", self.scalex),
            ("objscaley", self.scaley),
        ];
        words
            .iter()
            .filter_map(|(w, v)| v.map(|v| format!("\\{w}{v}")))
            .collect()
    }
}

/// One embedded object of the document.
#[derive(Clone, Debug)]
pub(crate) struct RtfObj {
    /// The offset of the `{` of its `\object` group (or of its
    /// `\objdata` group, for data outside any `\object`).
    pub(crate) offset: usize,
    /// Whether the data appeared outside any `\object` group.
    pub(crate) orphan: bool,
    /// The type words, in order, without repeats.
    pub(crate) types: Vec<ObjType>,
    /// Size and scale.
    pub(crate) size: Size,
    /// Whether `\objupdate` is set.
    pub(crate) update: bool,
    /// The `\objclass` text.
    pub(crate) class: TextSink,
    /// Whether `\objclass` was written with `\'hh` or `\uN` escapes.
    pub(crate) class_escaped: bool,
    /// The `\oleclsid` text.
    pub(crate) clsid: TextSink,
    /// The `\result` text.
    pub(crate) result: TextSink,
    /// The decoded `\objdata`.
    pub(crate) data: HexDecoder,
    /// Whether an `\objdata` destination was seen.
    pub(crate) has_data: bool,
    /// Whether `\ods` words pad the data (RoyalRoad v7).
    pub(crate) ods: bool,
}

impl RtfObj {
    /// A new object at `offset`.
    pub(crate) fn new(offset: usize, orphan: bool) -> RtfObj {
        RtfObj {
            offset,
            orphan,
            types: Vec::new(),
            size: Size::default(),
            update: false,
            class: TextSink::new(MAX_CLASS),
            class_escaped: false,
            clsid: TextSink::new(MAX_CLSID),
            result: TextSink::new(MAX_RESULT),
            data: HexDecoder::default(),
            has_data: false,
            ods: false,
        }
    }

    /// Records type word `t`.
    pub(crate) fn add_type(&mut self, t: ObjType) {
        if !self.types.contains(&t) {
            self.types.push(t);
        }
    }

    /// Whether any type word is `t`.
    pub(crate) fn has_type(&self, t: ObjType) -> bool {
        self.types.contains(&t)
    }

    /// The type words, such as `\objemb`.
    pub(crate) fn type_words(&self) -> String {
        self.types.iter().map(|t| format!("\\{}", t.word())).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words() {
        let mut o = RtfObj::new(0, false);
        o.add_type(ObjType::Emb);
        o.add_type(ObjType::Emb);
        o.add_type(ObjType::Ocx);
        assert_eq!(o.type_words(), "\\objemb\\objocx");
        assert!(o.size.set(b"objw", Some(2180)));
        assert!(o.size.set(b"objh", Some(300)));
        assert!(!o.size.set(b"objx", Some(1)));
        assert_eq!(o.size.words(), "\\objw2180\\objh300");
        assert_eq!(ObjType::from_word(b"objautlink"), Some(ObjType::AutLink));
        assert!(ObjType::AutLink.is_link());
    }
}
