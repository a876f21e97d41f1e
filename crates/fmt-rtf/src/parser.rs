//! The walker: tokens to objects, fields, text and counts.
//!
//! Groups are an explicit stack of [`Frame`]s (no recursion), at most
//! [`MAX_GROUP_DEPTH`] deep; deeper groups are counted, not stacked, and
//! unbalanced braces are tolerated both ways. Each frame inherits its
//! parent's destination, object and encoding, as RTF groups do.
//!
//! Objects are found wherever they are, including inside destinations
//! Word would not display: detection comes first. Inside `\objdata`, as
//! in oletools, only destination words end the data (`\*` is ignored),
//! so the hex in groups such as `{\ods0000…}` is data.

use std::ops::ControlFlow;

use counterspy_model::{Budget, BudgetKind};
use encoding_rs::Encoding;

use crate::codepage::{self, Fonts};
use crate::dest::{self, Dest, Kind};
use crate::fields::Field;
use crate::objdata::HexDecoder;
use crate::objects::{ObjType, RtfObj};
use crate::text::{self, TextSink};
use crate::tokenizer::{Spanned, Token, Tokenizer};
use crate::{MAX_FIELDS, MAX_GROUP_DEPTH, MAX_OBJECTS, MAX_TEXT};

/// Tokens between two checks of the time budget.
const TIME_CHECK_EVERY: usize = 4096;

/// Where the budget stopped decoding.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Stop {
    /// Which budget.
    pub(crate) kind: BudgetKind,
    /// The offset of the object being decoded, or of the token where
    /// parsing stopped.
    pub(crate) offset: usize,
}

/// What a walk over the document collected.
#[derive(Debug)]
pub(crate) struct Walked<'a> {
    /// Embedded objects, at most [`MAX_OBJECTS`].
    pub(crate) objects: Vec<RtfObj>,
    /// `\object` groups and `\objdata` beyond [`MAX_OBJECTS`].
    pub(crate) dropped_objects: usize,
    /// Field instructions, at most [`MAX_FIELDS`].
    pub(crate) fields: Vec<Field>,
    /// The visible text.
    pub(crate) text: TextSink,
    /// Control-word and nesting counts.
    pub(crate) flood: crate::flood::Flood<'a>,
    /// Where the budget stopped decoding, if it did.
    pub(crate) stop: Option<Stop>,
}

/// The state of one group.
#[derive(Clone, Copy, Debug)]
struct Frame {
    /// The offset of its `{`.
    start: usize,
    /// Where its text goes.
    dest: Dest,
    /// The object it belongs to.
    obj: Option<usize>,
    /// Whether it belongs to an object beyond [`MAX_OBJECTS`].
    dropped: bool,
    /// The code page of its text.
    enc: &'static Encoding,
    /// `\ucN`: fallback characters after `\uN`.
    uc: u32,
    /// Whether `\*` came just before.
    star: bool,
    /// Whether it is a document property (a line of text of its own).
    property: bool,
}

impl Frame {
    /// The frame outside every group.
    fn root() -> Frame {
        Frame {
            start: 0,
            dest: Dest::Skip,
            obj: None,
            dropped: false,
            enc: encoding_rs::WINDOWS_1252,
            uc: 1,
            star: false,
            property: false,
        }
    }
}

/// Walks the tokens of `data` from `start`.
pub(crate) fn walk<'a>(
    data: &'a [u8],
    start: usize,
    budget: &mut Budget,
) -> Walked<'a> {
    let mut w = Walker::new(budget);
    for (i, t) in Tokenizer::new(data, start).enumerate() {
        let expired = i % TIME_CHECK_EVERY == 0 && w.budget.expired();
        if expired && w.halt(BudgetKind::Time, t.offset).is_break() {
            break;
        }
        if w.token(t).is_break() {
            break;
        }
    }
    w.out
}

/// The walker's state.
struct Walker<'a, 'b> {
    budget: &'b mut Budget,
    stack: Vec<Frame>,
    overflow: usize,
    skip: u32,
    high: Option<u16>,
    fonts: Fonts,
    out: Walked<'a>,
}

impl<'a, 'b> Walker<'a, 'b> {
    fn new(budget: &'b mut Budget) -> Walker<'a, 'b> {
        let out = Walked {
            objects: Vec::new(),
            dropped_objects: 0,
            fields: Vec::new(),
            text: TextSink::new(MAX_TEXT),
            flood: Default::default(),
            stop: None,
        };
        let stack = vec![Frame::root()];
        let fonts = Fonts::default();
        Walker { budget, stack, overflow: 0, skip: 0, high: None, fonts, out }
    }

    /// The current group.
    fn top(&self) -> Frame {
        self.stack.last().copied().unwrap_or_else(Frame::root)
    }

    /// Changes the current group.
    fn set(&mut self, change: impl FnOnce(&mut Frame)) {
        if let Some(top) = self.stack.last_mut() {
            change(top);
        }
    }

    /// Object `i`.
    fn obj(&mut self, i: usize) -> Option<&mut RtfObj> {
        self.out.objects.get_mut(i)
    }

    /// Records a budget stop; only running out of time ends the walk.
    fn halt(&mut self, kind: BudgetKind, offset: usize) -> ControlFlow<()> {
        self.out.stop.get_or_insert(Stop { kind, offset });
        match kind {
            BudgetKind::Time => ControlFlow::Break(()),
            _ => ControlFlow::Continue(()),
        }
    }

    fn token(&mut self, t: Spanned<'a>) -> ControlFlow<()> {
        let counted = matches!(t.token, Token::Word { .. } | Token::Binary(_));
        if !counted && !is_blank(t.token) {
            self.out.flood.interrupt();
        }
        match t.token {
            Token::Open => self.open(t.offset),
            Token::Close => self.close(),
            Token::Word { name, param } => self.word(name, param, t.offset),
            Token::Hex(b) => self.hex(b),
            Token::Symbol(s) => self.symbol(s),
            Token::Literal(b) => self.literal(b),
            Token::Text(text) => return self.text(text),
            Token::Binary(bytes) => return self.binary(bytes, t.offset),
        }
        ControlFlow::Continue(())
    }

    // --- groups ---

    fn open(&mut self, offset: usize) {
        self.skip = 0;
        if self.stack.len() > MAX_GROUP_DEPTH {
            self.overflow = self.overflow.saturating_add(1);
            self.out.flood.too_deep(offset);
            return;
        }
        let mut frame = self.top();
        frame.start = offset;
        frame.star = false;
        frame.property = false;
        if self.stack.len() == 1 {
            frame.dest = Dest::Body;
        }
        self.stack.push(frame);
    }

    fn close(&mut self) {
        self.skip = 0;
        if self.overflow > 0 {
            self.overflow = self.overflow.saturating_sub(1);
            return;
        }
        if self.stack.len() <= 1 {
            return;
        }
        if self.stack.pop().is_some_and(|f| f.property) {
            self.out.text.newline();
        }
    }

    // --- control words ---

    fn word(&mut self, name: &'a [u8], param: Option<i64>, offset: usize) {
        self.out.flood.word(name, offset);
        let star = self.top().star;
        self.set(|f| f.star = false);
        if self.object_word(name, param) {
            return;
        }
        match self.top().dest {
            Dest::ObjData(i) => self.objdata_word(i, name),
            Dest::FontTable => self.font_word(name, param, star),
            _ => self.doc_word(name, param, star),
        }
    }

    /// Words about objects, wherever they are; false if `name` is not
    /// one.
    fn object_word(&mut self, name: &[u8], param: Option<i64>) -> bool {
        match name {
            b"object" => self.start_object(),
            b"objdata" => self.start_objdata(),
            b"objclass" => self.object_dest(Dest::ObjClass),
            b"oleclsid" => self.object_dest(Dest::Clsid),
            b"result" => self.result(),
            _ => return self.object_property(name, param),
        }
        true
    }

    /// Type, size and update words of the current object.
    fn object_property(&mut self, name: &[u8], param: Option<i64>) -> bool {
        let Some(i) = self.top().obj else {
            return ObjType::from_word(name).is_some() || name == b"objupdate";
        };
        let Some(obj) = self.obj(i) else { return false };
        if let Some(t) = ObjType::from_word(name) {
            obj.add_type(t);
        } else if name == b"objupdate" {
            obj.update = true;
        } else {
            return obj.size.set(name, param);
        }
        true
    }

    /// A new object at `offset`, unless there are too many.
    fn new_object(&mut self, offset: usize, orphan: bool) -> Option<usize> {
        if self.out.objects.len() >= MAX_OBJECTS {
            self.out.dropped_objects =
                self.out.dropped_objects.saturating_add(1);
            self.set(|f| f.dropped = true);
            return None;
        }
        self.out.objects.push(RtfObj::new(offset, orphan));
        Some(self.out.objects.len().saturating_sub(1))
    }

    /// `\object`: the current group becomes an object (nested ones are
    /// part of the outer object).
    fn start_object(&mut self) {
        let top = self.top();
        if top.obj.is_some() || top.dropped {
            return;
        }
        if let Some(i) = self.new_object(top.start, false) {
            self.set(|f| f.obj = Some(i));
        }
    }

    /// `\objdata`: data for the current object, or a new object when it
    /// has data already or there is none.
    fn start_objdata(&mut self) {
        let top = self.top();
        let current = top
            .obj
            .filter(|&i| self.out.objects.get(i).is_some_and(|o| !o.has_data));
        let i = match current {
            Some(i) => Some(i),
            None if top.dropped && top.obj.is_none() => None,
            None => self.new_object(top.start, top.obj.is_none()),
        };
        let Some(i) = i else {
            self.set(|f| f.dest = Dest::Skip);
            return;
        };
        if let Some(obj) = self.obj(i) {
            obj.has_data = true;
        }
        self.set(|f| {
            f.obj = Some(i);
            f.dest = Dest::ObjData(i);
        });
    }

    /// `\objclass`, `\oleclsid`: a destination of the current object.
    fn object_dest(&mut self, dest: fn(usize) -> Dest) {
        let dest = self.top().obj.map_or(Dest::Skip, dest);
        self.set(|f| f.dest = dest);
    }

    /// `\result`: visible text, also kept as the object's result.
    fn result(&mut self) {
        let top = self.top();
        if let (Some(i), Dest::Body) = (top.obj, top.dest) {
            self.set(|f| f.dest = Dest::Result(i));
        }
    }

    /// A word inside `\objdata`: destinations end the data, `\ods`
    /// marks RoyalRoad v7 padding, anything else is skipped.
    fn objdata_word(&mut self, i: usize, name: &[u8]) {
        if name == b"ods" {
            if let Some(obj) = self.obj(i) {
                obj.ods = true;
            }
        } else if dest::is_destination(name) {
            self.set(|f| f.dest = Dest::Skip);
        }
    }

    /// A word inside the font table.
    fn font_word(&mut self, name: &[u8], param: Option<i64>, star: bool) {
        match name {
            b"f" => self.fonts.select(param),
            b"fcharset" => {
                let cp = param.and_then(codepage::charset_codepage);
                self.fonts.set_codepage(cp);
            }
            b"cpg" => self.fonts.set_codepage(param),
            _ if star || dest::is_destination(name) => {
                self.set(|f| f.dest = Dest::Skip);
            }
            _ => {}
        }
    }

    /// A word anywhere else.
    fn doc_word(&mut self, name: &[u8], param: Option<i64>, star: bool) {
        if let Some(kind) = dest::kind(name) {
            return self.destination(kind);
        }
        match name {
            _ if star => self.set(|f| f.dest = Dest::Skip),
            b"u" => self.unicode(param),
            b"uc" => self.set(|f| f.uc = uc(param)),
            b"ansicpg" => self.codepage(param.and_then(codepage::encoding)),
            b"f" => self.codepage(self.fonts.encoding(param)),
            _ => self.special(name),
        }
    }

    /// A destination word: hidden text stays hidden.
    fn destination(&mut self, kind: Kind) {
        let top = self.top();
        if top.dest == Dest::Skip {
            return;
        }
        match kind {
            Kind::Text => {}
            Kind::Property if top.dest == Dest::Body => {
                self.set(|f| f.property = true);
            }
            Kind::Property => {}
            Kind::Fonts => self.set(|f| f.dest = Dest::FontTable),
            Kind::Special => self.start_field(top.start),
            Kind::Hidden => self.set(|f| f.dest = Dest::Skip),
        }
    }

    /// `\fldinst`: a new field instruction.
    fn start_field(&mut self, offset: usize) {
        let dest = if self.out.fields.len() < MAX_FIELDS {
            self.out.fields.push(Field::new(offset));
            Dest::FldInst(self.out.fields.len().saturating_sub(1))
        } else {
            Dest::Skip
        };
        self.set(|f| f.dest = dest);
    }

    /// `\ansicpgN` or `\fN`: the code page of the following text.
    fn codepage(&mut self, enc: Option<&'static Encoding>) {
        if let Some(enc) = enc {
            self.set(|f| f.enc = enc);
        }
    }

    /// `\uN`: a character, then `\ucN` fallback characters to skip.
    fn unicode(&mut self, param: Option<i64>) {
        let top = self.top();
        self.skip = top.uc;
        if let Dest::ObjClass(i) = top.dest {
            self.obj(i).into_iter().for_each(|o| o.class_escaped = true);
        }
        let c = param.and_then(|p| text::unicode_char(p, &mut self.high));
        if let Some(c) = c {
            self.emit_char(c);
        }
    }

    /// Words that stand for text (`\par`, `\tab`, `\emdash`, …).
    fn special(&mut self, name: &[u8]) {
        if let Some(c) = text::special(name) {
            self.emit_char(c);
        }
    }

    // --- text ---

    /// Skips one fallback character; true if it was one.
    fn skip_one(&mut self) -> bool {
        let skipping = self.skip > 0;
        self.skip = self.skip.saturating_sub(1);
        skipping
    }

    fn hex(&mut self, b: Option<u8>) {
        let dest = self.top().dest;
        if let Dest::ObjData(i) = dest {
            self.obj(i).into_iter().for_each(|o| o.data.escape());
            return;
        }
        if self.skip_one() {
            return;
        }
        if let Dest::ObjClass(i) = dest {
            self.obj(i).into_iter().for_each(|o| o.class_escaped = true);
        }
        if let Some(b) = b {
            self.emit_byte(b);
        }
    }

    fn symbol(&mut self, s: u8) {
        if s == b'*' {
            return self.set(|f| f.star = true);
        }
        if let Some(c) = text::symbol(s).filter(|_| !self.skip_one()) {
            self.emit_char(c);
        }
    }

    fn literal(&mut self, b: u8) {
        if !self.skip_one() {
            self.emit_byte(b);
        }
    }

    fn text(&mut self, text: &[u8]) -> ControlFlow<()> {
        if let Dest::ObjData(i) = self.top().dest {
            return self.decode(i, |d, budget| d.push_text(text, budget));
        }
        let mut rest = text;
        while self.skip > 0 {
            let Some((&first, tail)) = rest.split_first() else { break };
            if !matches!(first, b'\r' | b'\n') {
                self.skip = self.skip.saturating_sub(1);
            }
            rest = tail;
        }
        self.emit_text(rest);
        ControlFlow::Continue(())
    }

    fn binary(&mut self, bytes: &[u8], offset: usize) -> ControlFlow<()> {
        self.out.flood.word(b"bin", offset);
        match self.top().dest {
            Dest::ObjData(i) => {
                self.decode(i, |d, budget| d.push_binary(bytes, budget))
            }
            _ => ControlFlow::Continue(()),
        }
    }

    /// Feeds object `i`'s decoder.
    fn decode(
        &mut self,
        i: usize,
        feed: impl FnOnce(&mut HexDecoder, &mut Budget) -> Result<(), BudgetKind>,
    ) -> ControlFlow<()> {
        let Some(obj) = self.out.objects.get_mut(i) else {
            return ControlFlow::Continue(());
        };
        match feed(&mut obj.data, self.budget) {
            Ok(()) => ControlFlow::Continue(()),
            Err(kind) => {
                let offset = obj.offset;
                self.halt(kind, offset)
            }
        }
    }

    /// The sinks the current destination's text goes to.
    fn sinks(&mut self) -> [Option<&mut TextSink>; 2] {
        let dest = self.top().dest;
        let Walked { objects, fields, text, .. } = &mut self.out;
        match dest {
            Dest::Body => [Some(text), None],
            Dest::Result(i) => {
                [Some(text), objects.get_mut(i).map(|o| &mut o.result)]
            }
            Dest::ObjClass(i) => {
                [objects.get_mut(i).map(|o| &mut o.class), None]
            }
            Dest::Clsid(i) => [objects.get_mut(i).map(|o| &mut o.clsid), None],
            Dest::FldInst(i) => [fields.get_mut(i).map(|f| &mut f.inst), None],
            _ => [None, None],
        }
    }

    fn emit_text(&mut self, text: &[u8]) {
        let enc = self.top().enc;
        for sink in self.sinks().into_iter().flatten() {
            sink.push_text(text, enc);
        }
    }

    fn emit_byte(&mut self, b: u8) {
        let enc = self.top().enc;
        for sink in self.sinks().into_iter().flatten() {
            sink.push_byte(b, enc);
        }
    }

    fn emit_char(&mut self, c: char) {
        for sink in self.sinks().into_iter().flatten() {
            match c {
                '\n' => sink.newline(),
                c => sink.push_char(c),
            }
        }
    }
}

/// `\ucN` as a count.
fn uc(param: Option<i64>) -> u32 {
    param.and_then(|p| u32::try_from(p).ok()).unwrap_or(1)
}

/// Whether a token is whitespace text (which does not end a run of
/// control words).
fn is_blank(token: Token<'_>) -> bool {
    match token {
        Token::Text(t) => t.iter().all(u8::is_ascii_whitespace),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(data: &[u8]) -> Walked<'_> {
        walk(data, 0, &mut Budget::unlimited())
    }

    fn text(data: &[u8]) -> String {
        run(data).text.finish()
    }

    #[test]
    fn visible_text_skips_hidden_destinations() {
        let t = text(
            b"{\\rtf1{\\fonttbl{\\f0 Arial;}}{\\*\\generator x;}\
              {\\colortbl;\\red0;}Hello\\par {\\*\\unknown no}World}",
        );
        assert_eq!(t, "Hello\nWorld");
    }

    #[test]
    fn code_pages_from_ansicpg_and_fonts() {
        let t = text(
            b"{\\rtf1\\ansi\\ansicpg1251{\\fonttbl{\\f1\\fcharset128 M;}}\
              \\'cf\\'f0\\'e8 {\\f1 \\'93\\'fa}}",
        );
        assert_eq!(t, "При 日");
    }

    #[test]
    fn unicode_fallbacks_are_skipped() {
        let t =
            text(b"{\\rtf1 \\u1054?\\uc2\\u1090\\'3f\\'3fk{\\uc0\\u1077}}");
        assert_eq!(t, "Отkе");
    }

    #[test]
    fn properties_are_lines() {
        let t =
            text(b"{\\rtf1{\\info{\\title T}{\\author A}{\\creatim\\yr1}}B}");
        assert_eq!(t, "T\nA\nB");
    }

    #[test]
    fn object_words_and_data() {
        let w = run(b"{\\rtf1{\\object\\objemb\\objw2180\\objh300\
              {\\*\\objclass Equation.3}{\\*\\objdata 01 0{\\ods0000}2\r\n03}}}");
        assert_eq!(w.objects.len(), 1);
        let o = &w.objects[0];
        assert_eq!(o.offset, 6);
        assert!(o.ods);
        assert_eq!(o.type_words(), "\\objemb");
        assert_eq!(o.size.words(), "\\objw2180\\objh300");
        assert_eq!(o.data.bytes(), [1, 2, 3]);
        assert_eq!(o.class.snapshot(), "Equation.3");
    }

    #[test]
    fn destinations_inside_objdata_are_not_data() {
        let w = run(b"{\\object{\\*\\objdata 01{\\*\\staticval ab}02}}");
        assert_eq!(w.objects[0].data.bytes(), [1, 2]);
    }

    #[test]
    fn orphan_and_second_objdata() {
        let w = run(b"{\\rtf1{\\*\\objdata 01}{\\object{\\*\\objdata 02}\
              {\\*\\objdata 03}}}");
        let orphans: Vec<bool> = w.objects.iter().map(|o| o.orphan).collect();
        assert_eq!(orphans, [true, false, false]);
        assert_eq!(w.objects[2].data.bytes(), [3]);
    }

    #[test]
    fn nested_objects_belong_to_the_outer_one() {
        let w = run(b"{\\object\\objemb{\\object\\objocx}}");
        assert_eq!(w.objects.len(), 1);
        assert_eq!(w.objects[0].type_words(), "\\objemb\\objocx");
    }

    #[test]
    fn fields() {
        let w = run(b"{\\rtf1{\\field{\\*\\fldinst {\\b DDEAUTO} c:\\\\a}\
              {\\fldrslt shown}}}");
        assert_eq!(w.fields.len(), 1);
        assert_eq!(w.fields[0].inst.snapshot(), "DDEAUTO c:\\a");
        assert_eq!(w.text.finish(), "shown");
    }

    #[test]
    fn unbalanced_and_deep_groups() {
        let mut data = b"}}{\\rtf1 a".to_vec();
        data.extend(std::iter::repeat_n(b'{', MAX_GROUP_DEPTH + 5));
        data.extend(b"b}}}}}}}}}}");
        let w = run(&data);
        assert_eq!(w.text.finish(), "ab");
    }

    #[test]
    fn bin_words_make_a_run() {
        let data = [b"{\\rtf1 ".as_slice(), &b"\\bin ".repeat(1000)].concat();
        let w = run(&data);
        assert_eq!(
            w.flood.findings(0)[0].message,
            "control-word flooding: \\bin repeated 1000 times in a row"
        );
    }

    #[test]
    fn object_cap() {
        let data = b"{\\object}".repeat(MAX_OBJECTS + 3);
        let w = run(&data);
        assert_eq!(w.objects.len(), MAX_OBJECTS);
        assert_eq!(w.dropped_objects, 3);
    }

    #[test]
    fn time_budget_stops_the_walk() {
        let mut b = Budget::new(1 << 20, Some(std::time::Duration::ZERO));
        let w = walk(b"{\\rtf1 text}", 0, &mut b);
        assert_eq!(w.stop, Some(Stop { kind: BudgetKind::Time, offset: 0 }));
    }

    #[test]
    fn byte_budget_stops_decoding() {
        let hex = "00".repeat(2 * crate::objdata::CHUNK);
        let data = format!("{{\\object{{\\*\\objdata {hex}}}}}x");
        let mut b = Budget::new(crate::objdata::CHUNK as u64, None);
        let w = walk(data.as_bytes(), 0, &mut b);
        assert_eq!(w.stop.map(|s| s.kind), Some(BudgetKind::Bytes));
        assert_eq!(w.objects[0].data.len(), crate::objdata::CHUNK);
    }
}
