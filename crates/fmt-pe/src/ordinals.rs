//! Ordinal-to-name tables for imphash, as data files (pefile's frozen
//! imphash tables: `ordlookup/imphash_ws2_32.py`,
//! `ordlookup/imphash_oleaut32.py`).

use std::collections::HashMap;
use std::sync::LazyLock;

const WS2_32: &str = include_str!("ordinals/ws2_32.txt");
const OLEAUT32: &str = include_str!("ordinals/oleaut32.txt");

static TABLES: LazyLock<[HashMap<u16, &'static str>; 2]> =
    LazyLock::new(|| [parse(WS2_32), parse(OLEAUT32)]);

/// `<ordinal> <name>` lines; `#` comments. Bad lines are skipped (the
/// files are part of the crate and their parse is unit-tested).
fn parse(text: &'static str) -> HashMap<u16, &'static str> {
    text.lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| {
            let (ordinal, name) = l.split_once(' ')?;
            Some((ordinal.parse().ok()?, name.trim()))
        })
        .collect()
}

/// The name pefile's imphash gives ordinal `ordinal` of `dll`
/// (lowercase, with extension): the table's name, or `ord<N>`.
pub(crate) fn imphash_name(dll: &str, ordinal: u16) -> String {
    let table = match dll {
        "ws2_32.dll" | "wsock32.dll" => TABLES.first(),
        "oleaut32.dll" => TABLES.get(1),
        _ => None,
    };
    match table.and_then(|t| t.get(&ordinal)) {
        Some(name) => (*name).to_string(),
        None => format!("ord{ordinal}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_parse_completely() {
        let data_lines =
            |t: &str| t.lines().filter(|l| !l.starts_with('#')).count();
        assert_eq!(parse(WS2_32).len(), data_lines(WS2_32));
        assert_eq!(parse(OLEAUT32).len(), data_lines(OLEAUT32));
        assert_eq!(parse(WS2_32).len(), 117);
        assert_eq!(parse(OLEAUT32).len(), 398);
    }

    #[test]
    fn lookups() {
        assert_eq!(imphash_name("ws2_32.dll", 115), "WSAStartup");
        assert_eq!(imphash_name("wsock32.dll", 23), "socket");
        assert_eq!(imphash_name("oleaut32.dll", 2), "SysAllocString");
        assert_eq!(imphash_name("oleaut32.dll", 1), "ord1");
        assert_eq!(imphash_name("kernel32.dll", 5), "ord5");
    }
}
