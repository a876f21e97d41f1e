//! Encrypted PDFs, through lopdf: most encrypted lures open without a
//! password (an empty user password, with only an owner password to
//! restrict printing and editing), and their strings and streams are
//! RC4- or AES-encrypted, which the raw scanner cannot read.
//!
//! lopdf tries the empty password itself. Its whole-file load is bounded
//! here by [`MAX_DECRYPT_INPUT`], by charging the input size to the
//! budget, by lopdf's per-stream decompression limit (set to
//! [`MAX_STREAM_SIZE`]) and by catching panics; its objects are then
//! converted, depth-capped, to ours and analysed like raw ones.

use std::borrow::Cow;
use std::collections::HashMap;
use std::panic::{AssertUnwindSafe, catch_unwind};

use counterspy_model::Budget;
use lopdf::{Document, LoadOptions};

use crate::object::{Dict, MAX_DEPTH, MAX_ITEMS, Object};
use crate::scanner::Indirect;
use crate::{MAX_DECRYPT_INPUT, MAX_OBJECTS, MAX_STREAM_SIZE};

/// The objects of the encrypted file `data`, decrypted, with the offsets
/// the raw scan found for them; `Err` says why they could not be.
pub(crate) fn objects(
    data: &[u8],
    raw: &[Indirect<'_>],
    budget: &mut Budget,
) -> Result<Vec<Indirect<'static>>, String> {
    if data.len() as u64 > MAX_DECRYPT_INPUT {
        return Err("the file is larger than MAX_DECRYPT_INPUT".to_owned());
    }
    budget
        .take(data.len() as u64)
        .map_err(|k| format!("the {} budget ran out", k.name()))?;
    let options = LoadOptions {
        max_decompressed_size: usize::try_from(MAX_STREAM_SIZE).ok(),
        ..LoadOptions::default()
    };
    let loaded = catch_unwind(AssertUnwindSafe(|| {
        Document::load_mem_with_options(data, options)
    }))
    .map_err(|_| "the PDF reader panicked".to_owned())?;
    let doc = loaded.map_err(|e| format!("the PDF reader failed: {e}"))?;
    if !doc.was_encrypted() {
        return Err("no empty password opens it".to_owned());
    }
    let offsets: HashMap<u32, usize> =
        raw.iter().map(|o| (o.num, o.offset)).collect();
    let objects =
        doc.objects.iter().take(MAX_OBJECTS).map(|(&(num, generation), o)| {
            Indirect {
                num,
                generation,
                offset: offsets.get(&num).copied().unwrap_or(0),
                value: convert(o, 0),
                stream: match o {
                    lopdf::Object::Stream(s) => {
                        Some(Cow::Owned(s.content.clone()))
                    }
                    _ => None,
                },
            }
        });
    Ok(objects.collect())
}

/// Our object for a lopdf object (a stream gives its dictionary).
fn convert(o: &lopdf::Object, depth: usize) -> Object {
    use lopdf::Object as L;
    let deeper = depth.saturating_add(1);
    match o {
        L::Null => Object::Null,
        L::Boolean(b) => Object::Bool(*b),
        L::Integer(i) => Object::Int(*i),
        L::Real(r) => Object::Real(f64::from(*r)),
        L::Name(n) => Object::Name(n.clone()),
        L::String(s, _) => Object::Str(s.clone()),
        L::Reference((num, generation)) => Object::Ref(*num, *generation),
        _ if depth >= MAX_DEPTH => Object::Null,
        L::Array(items) => Object::Array(
            items.iter().take(MAX_ITEMS).map(|i| convert(i, deeper)).collect(),
        ),
        L::Dictionary(d) => Object::Dict(dict(d, deeper)),
        L::Stream(s) => Object::Dict(dict(&s.dict, deeper)),
    }
}

/// Our dictionary for a lopdf dictionary.
fn dict(d: &lopdf::Dictionary, depth: usize) -> Dict {
    Dict(
        d.iter()
            .take(MAX_ITEMS)
            .map(|(k, v)| (k.clone(), convert(v, depth)))
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn converts_nested_objects_with_a_depth_cap() {
        let mut o = lopdf::Object::Integer(1);
        for _ in 0..(MAX_DEPTH + 10) {
            o = lopdf::Object::Array(vec![o]);
        }
        let mut c = convert(&o, 0);
        let mut depth = 0;
        while let Object::Array(mut items) = c {
            c = items.pop().unwrap();
            depth += 1;
        }
        assert_eq!(depth, MAX_DEPTH);
        assert_eq!(c, Object::Null);
    }

    #[test]
    fn unencrypted_files_are_refused() {
        let raw = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF";
        let err = objects(raw, &[], &mut Budget::unlimited()).unwrap_err();
        assert!(!err.is_empty());
    }
}
