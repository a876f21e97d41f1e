//! The campaign's shared kit: infrastructure and inert artefacts that are
//! the same in every victim (the links a correlator should find).

use super::site::sha256;
use crate::pe::{PeBuilder, Perm};
use crate::{ole, payload, rtf};

/// The sending server of every lure (`Received: … [203.0.113.45]`).
pub(crate) const SENDER_IP: &str = "203.0.113.45";
/// The mail client every lure names.
pub(crate) const X_MAILER: &str = "Foxmail 7.2.23.121[cn]";
/// The zone every lure's `Date` is written in (UTC+8).
pub(crate) const SENDER_ZONE: i64 = 480;
/// Stage-1 relay behind the Cotx C2 domain, also an exfiltration target.
pub(crate) const RELAY_A: &str = "198.51.100.23";
/// Stage-1 relay behind the second implant's C2 domain.
pub(crate) const RELAY_B: &str = "198.51.100.77";
/// Stage-1 relay the hollowed process and the pushed implant call
/// directly, also an exfiltration target.
pub(crate) const RELAY_C: &str = "203.0.113.190";
/// Cotx's C2 domain (resolves to [`RELAY_A`]).
pub(crate) const C2_COTX: &str = "update.graphicsdrv-online.com";
/// The second implant's C2 domain (resolves to [`RELAY_B`]).
pub(crate) const C2_NCC: &str = "api.defensenews-digest.net";
/// The RoyalRoad encoding of `8.t`.
pub(crate) const ENCODING: [u8; 4] = [0xb0, 0x74, 0x77, 0x46];

/// Strings the implants carry (inert data, for YARA and the reader).
const COTX_STRINGS: &[u8] = b"SOFTWARE\\Intel\\Java\0user\0\
    IntelGraphicsController.exe\0Intel(R) Processor Graphics\0\
    winword.exe\0excel.exe\0powerpnt.exe\0eqnedt32.exe\0acrord32.exe\0";

/// The decoded `8.t`: the Word add-in `winlog.wll`, which renames itself
/// `RasTls.dll` for side-loading (Cotx, per Proofpoint): an inert DLL
/// with a `.cotx` section and Cotx's strings.
pub(crate) fn implant_dll() -> Vec<u8> {
    PeBuilder::new()
        .dll()
        .section(".text", Perm::Code, vec![0xc3; 16])
        .section(".rdata", Perm::ReadOnly, COTX_STRINGS.to_vec())
        .section(".cotx", Perm::Data, vec![0; 64])
        .import("kernel32.dll", &["GetModuleFileNameW", "LoadLibraryW"])
        .export("RasTls.dll", &["RasTlsInit"])
        .build()
}

/// `8.t`: [`implant_dll`] under RoyalRoad's `b0747746` encoding.
pub(crate) fn encoded_8t() -> Vec<u8> {
    payload::encode(ENCODING, &implant_dll()).unwrap_or_default()
}

/// The renamed legitimate binary that side-loads `RasTls.dll`
/// (`IntelGraphicsController.exe`): an inert EXE importing it.
pub(crate) fn graphics_host() -> Vec<u8> {
    PeBuilder::new()
        .section(".text", Perm::Code, vec![0xc3; 16])
        .import("kernel32.dll", &["LoadLibraryW"])
        .import("RasTls.dll", &["RasTlsInit"])
        .version_info(&[("OriginalFilename", "IntelGraphicsController.exe")])
        .build()
}

/// The second, independent implant (nccTrojan-like), inert.
pub(crate) fn second_implant() -> Vec<u8> {
    PeBuilder::new()
        .section(".text", Perm::Code, vec![0xc3; 16])
        .section(".rdata", Perm::ReadOnly, b"DRM Update Service\0".to_vec())
        .import("ws2_32.dll", &["connect"])
        .build()
}

/// The binary pushed through the security console, inert.
pub(crate) fn pushed_implant() -> Vec<u8> {
    PeBuilder::new()
        .section(".text", Perm::Code, vec![0xc3; 16])
        .section(".rdata", Perm::ReadOnly, b"igfxsrvc\0".to_vec())
        .import("wininet.dll", &["InternetOpenW"])
        .build()
}

/// SHA-256 (uppercase) of the implant DLL (`winlog.wll`, `RasTls.dll`).
pub(crate) fn implant_hash() -> String {
    sha256(&implant_dll())
}

/// SHA-256 of `IntelGraphicsController.exe`.
pub(crate) fn host_hash() -> String {
    sha256(&graphics_host())
}

/// SHA-256 of the second implant.
pub(crate) fn second_hash() -> String {
    sha256(&second_implant())
}

/// SHA-256 of the pushed implant.
pub(crate) fn pushed_hash() -> String {
    sha256(&pushed_implant())
}

/// SHA-256 of the Ladon build the operators carry.
pub(crate) fn ladon_hash() -> String {
    sha256(b"counterspy-testkit stand-in for Ladon 911")
}

/// The lure document, the same bytes in every victim: an RTF (named
/// `.doc` in the mails) with RoyalRoad traits: an `Equation.3` object
/// with the v1–v6 size words `\objw2180\objh300` whose MTEF has the
/// CVE-2017-11882 font record, and an OLE Package that drops `8.t` into
/// `%TEMP%`.
pub(crate) fn lure_rtf() -> Vec<u8> {
    let equation = ole::equation_object(&ole::mtef_cve_2017_11882());
    let package = ole::package_object(
        "8.t",
        r"C:\Users\Administrator\Desktop\8.t",
        r"C:\Users\ADMINI~1\AppData\Local\Temp\8.t",
        &encoded_8t(),
    );
    let mut body =
        b"{\\pard\\f0 Technical specification (draft), see annex.\\par}\n"
            .to_vec();
    let eq = rtf::hex_lines(&rtf::ole1_object("Equation.3", &equation));
    body.extend(rtf::object(
        "\\objemb\\objw2180\\objh300",
        "Equation.3",
        eq.as_bytes(),
    ));
    body.push(b'\n');
    let pkg = rtf::hex_lines(&rtf::ole1_object("Package", &package));
    body.extend(rtf::object("\\objemb", "Package", pkg.as_bytes()));
    rtf::document("{\\rtf1", &body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_payload_decodes_to_the_implant() {
        let enc = encoded_8t();
        assert_eq!(enc[..4], ENCODING);
        let lure = lure_rtf();
        assert!(lure.starts_with(b"{\\rtf1"));
        // \Temp\8.t, hex-encoded inside the object data.
        let hex = b"5c54656d705c382e74";
        assert!(lure.windows(hex.len()).any(|w| w == hex));
        assert_eq!(implant_hash().len(), 64);
    }
}
