//! A zip whose entries are stored and encrypted with the traditional
//! PKWARE cipher (APPNOTE 6.1), written byte by byte so that the output
//! never changes: the `zip` crate draws each entry's 12-byte encryption
//! header from a random source, here it is derived from the entry.

/// CRC-32 (IEEE) table.
fn crc_table() -> [u32; 256] {
    let mut table = [0u32; 256];
    for (i, slot) in table.iter_mut().enumerate() {
        let mut c = i as u32;
        for _ in 0..8 {
            c = if c & 1 != 0 { 0xEDB8_8320 ^ (c >> 1) } else { c >> 1 };
        }
        *slot = c;
    }
    table
}

/// The cipher's three keys.
struct Keys {
    table: [u32; 256],
    k: [u32; 3],
}

impl Keys {
    fn new(password: &[u8]) -> Keys {
        let mut keys = Keys {
            table: crc_table(),
            k: [0x1234_5678, 0x2345_6789, 0x3456_7890],
        };
        for &b in password {
            keys.update(b);
        }
        keys
    }

    fn crc(&self, crc: u32, b: u8) -> u32 {
        self.table[((crc ^ u32::from(b)) & 0xff) as usize] ^ (crc >> 8)
    }

    fn update(&mut self, plain: u8) {
        self.k[0] = self.crc(self.k[0], plain);
        self.k[1] = self.k[1]
            .wrapping_add(self.k[0] & 0xff)
            .wrapping_mul(134_775_813)
            .wrapping_add(1);
        self.k[2] = self.crc(self.k[2], (self.k[1] >> 24) as u8);
    }

    fn encrypt(&mut self, plain: u8) -> u8 {
        let t = (self.k[2] | 2) & 0xffff;
        let cipher = plain ^ ((t.wrapping_mul(t ^ 1) >> 8) & 0xff) as u8;
        self.update(plain);
        cipher
    }
}

/// CRC-32 of `data`.
fn crc32(data: &[u8]) -> u32 {
    let table = crc_table();
    !data.iter().fold(!0u32, |c, &b| {
        table[((c ^ u32::from(b)) & 0xff) as usize] ^ (c >> 8)
    })
}

/// A zip of `entries` (name, content, encrypted?), stored, the
/// encrypted ones under `password`; DOS time 2022-06-22 02:02.
pub(crate) fn zip(entries: &[(&str, &[u8], bool)], password: &str) -> Vec<u8> {
    const TIME: u16 = (2 << 11) | (2 << 5);
    const DATE: u16 = ((2022 - 1980) << 9) | (6 << 5) | 22;
    let mut out = Vec::new();
    let mut central = Vec::new();
    for (i, (name, data, encrypted)) in entries.iter().enumerate() {
        let crc = crc32(data);
        let body = if *encrypted {
            let mut keys = Keys::new(password.as_bytes());
            let mut header: Vec<u8> = (0..11)
                .map(|n| (n as u8).wrapping_mul(37) ^ i as u8)
                .collect();
            header.push((crc >> 24) as u8);
            header
                .iter()
                .chain(data.iter())
                .map(|&b| keys.encrypt(b))
                .collect()
        } else {
            data.to_vec()
        };
        let flags: u16 = if *encrypted { 1 } else { 0 };
        let offset = out.len() as u32;
        let common = |out: &mut Vec<u8>| {
            out.extend(flags.to_le_bytes());
            out.extend(0u16.to_le_bytes()); // stored
            out.extend(TIME.to_le_bytes());
            out.extend(DATE.to_le_bytes());
            out.extend(crc.to_le_bytes());
            out.extend((body.len() as u32).to_le_bytes());
            out.extend((data.len() as u32).to_le_bytes());
            out.extend((name.len() as u16).to_le_bytes());
            out.extend(0u16.to_le_bytes()); // extra
        };
        out.extend(0x0403_4b50u32.to_le_bytes());
        out.extend(20u16.to_le_bytes());
        common(&mut out);
        out.extend(name.as_bytes());
        out.extend(&body);
        central.extend(0x0201_4b50u32.to_le_bytes());
        central.extend(20u16.to_le_bytes()); // made by
        central.extend(20u16.to_le_bytes()); // needed
        common(&mut central);
        central.extend([0u8; 6]); // comment, disk, internal attributes
        central.extend(0u32.to_le_bytes()); // external attributes
        central.extend(offset.to_le_bytes());
        central.extend(name.as_bytes());
    }
    let at = out.len() as u32;
    let n = entries.len() as u16;
    out.extend(&central);
    out.extend(0x0605_4b50u32.to_le_bytes());
    out.extend([0u8; 4]); // disk numbers
    out.extend(n.to_le_bytes());
    out.extend(n.to_le_bytes());
    out.extend((central.len() as u32).to_le_bytes());
    out.extend(at.to_le_bytes());
    out.extend(0u16.to_le_bytes()); // comment
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    #[test]
    fn the_zip_crate_reads_and_decrypts_it() {
        let bytes = zip(
            &[("a.txt", b"plain", false), ("b.txt", b"secret", true)],
            "pw",
        );
        let mut archive =
            ::zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        let mut text = String::new();
        archive.by_name("a.txt").unwrap().read_to_string(&mut text).unwrap();
        assert_eq!(text, "plain");
        assert!(archive.by_name("b.txt").is_err());
        let mut text = String::new();
        archive
            .by_name_decrypt("b.txt", b"pw")
            .unwrap()
            .read_to_string(&mut text)
            .unwrap();
        assert_eq!(text, "secret");
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
    }
}
