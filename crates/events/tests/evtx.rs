//! EVTX against the attack-samples corpus (`../shared/corpora/
//! evtx-attack-samples`, or `COUNTERSPY_EVTX_CORPUS`): every file read,
//! counts pinned and checked against the `evtx` crate itself, known fields
//! on named files, and damaged copies (truncated, bytes flipped, garbage)
//! that must be counted, never panic. Skipped with a note when the corpus
//! is missing.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use counterspy_events::{
    Event, FieldValue, InputFormat, Position, ReadStats, Reader, ReaderBuilder,
};

/// Records in the corpus as checked out here (its chunk headers agree).
const RECORDS: u64 = 7_455;
/// `.evtx` files in it.
const FILES: usize = 269;
/// Other files in it (readme, pcap, etl, text logs, licence): skipped.
const OTHER_FILES: usize = 10;

fn corpus() -> Option<PathBuf> {
    let path = std::env::var_os("COUNTERSPY_EVTX_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            let here = Path::new(env!("CARGO_MANIFEST_DIR"));
            here.join("../../../shared/corpora/evtx-attack-samples")
        });
    if let Ok(path) = path.canonicalize() {
        return Some(path);
    }
    eprintln!("note: {} missing, EVTX corpus test skipped", path.display());
    None
}

fn sample(corpus: &Path, name: &str) -> PathBuf {
    corpus.join(name)
}

fn read_all(paths: &[PathBuf]) -> (Vec<Event>, ReadStats) {
    let mut events = Vec::new();
    let stats = Reader::new().for_each(paths, |e| events.push(e)).unwrap();
    (events, stats)
}

fn text<'a>(e: &'a Event, field: &str) -> Option<&'a str> {
    e.get(field).and_then(FieldValue::as_str)
}

/// Records per file according to the `evtx` crate alone.
fn evtx_counts(corpus: &Path) -> BTreeMap<PathBuf, (u64, u64)> {
    let mut out = BTreeMap::new();
    for entry in walkdir::WalkDir::new(corpus) {
        let path = entry.unwrap().into_path();
        let Ok(mut parser) = evtx::EvtxParser::from_path(&path) else {
            continue;
        };
        let (mut ok, mut bad) = (0, 0);
        for record in parser.records_json_bytes() {
            match record {
                Ok(_) => ok += 1,
                Err(_) => bad += 1,
            }
        }
        out.insert(path, (ok, bad));
    }
    out
}

#[test]
fn corpus_counts_match_the_evtx_crate() {
    let Some(corpus) = corpus() else { return };
    let (events, stats) = read_all(std::slice::from_ref(&corpus));
    println!("{stats:?}");
    let expected = ReadStats {
        files: FILES,
        files_skipped: OTHER_FILES,
        records: RECORDS,
        ..ReadStats::default()
    };
    assert_eq!(stats, expected);
    assert_eq!(events.len() as u64, RECORDS);

    let mut ours: BTreeMap<PathBuf, (u64, u64)> = BTreeMap::new();
    for e in &events {
        ours.entry(e.source().path().to_owned()).or_default().0 += 1;
    }
    let theirs = evtx_counts(&corpus);
    let total: u64 = theirs.values().map(|(ok, _)| ok).sum();
    println!("evtx crate: {total} records in {} files", theirs.len());
    let theirs_nonempty: BTreeMap<_, _> =
        theirs.into_iter().filter(|(_, (ok, _))| *ok > 0).collect();
    assert_eq!(ours, theirs_nonempty);
}

/// The reader's events equal `Event::from_json` of what `evtx` renders,
/// record by record: nothing lost or reordered on the way through chunks.
#[test]
fn reader_events_equal_evtx_json_records() {
    let Some(corpus) = corpus() else { return };
    let (events, _) = read_all(std::slice::from_ref(&corpus));
    let mut ours = events.iter();
    for path in evtx_counts(&corpus).keys() {
        let mut parser = evtx::EvtxParser::from_path(path).unwrap();
        for record in parser.records_json_bytes() {
            let json = record.unwrap().data;
            let ours = ours.next().unwrap();
            let serde =
                counterspy_events::parse_event(&json, ours.source().clone());
            assert_eq!(ours, &serde.unwrap());
        }
    }
    assert!(ours.next().is_none());
}

#[test]
fn every_event_has_the_system_basics() {
    let Some(corpus) = corpus() else { return };
    let (events, _) = read_all(&[corpus]);
    // Logs converted from ETW traces (etw_rpc_zerologon.evtx) have none.
    let no_channel = events.iter().filter(|e| e.channel().is_none());
    assert_eq!(no_channel.count(), 415);
    for e in &events {
        let at = e.source().to_string();
        assert!(e.event_id().is_some(), "{at}");
        assert!(e.computer().is_some(), "{at}");
        assert!(e.timestamp().is_some(), "{at}");
        // The record header's number; exported logs renumber it, so it
        // need not equal `EventRecordID`.
        let position = e.source().position();
        assert!(matches!(position, Position::Record(n) if n > 0), "{at}");
        assert!(e.record_id().is_some(), "{at}");
    }
}

#[test]
fn parallel_reads_see_the_same_events() {
    let Some(corpus) = corpus() else { return };
    let paths = [corpus];
    let key = |e: &Event| (e.source().to_string(), e.to_json().to_string());
    let (events, _) = read_all(&paths);
    let mut sequential: Vec<_> = events.iter().map(key).collect();
    let all = Mutex::new(Vec::new());
    let reader = ReaderBuilder::new().threads(3).build();
    let stats = reader
        .par_for_each_init(&paths, Vec::new, |mine, e| {
            mine.push(key(&e));
            if mine.len() >= 100 {
                all.lock().unwrap().append(mine);
            }
        })
        .unwrap();
    // What is left in the per-worker buffers is lost with them: count
    // what arrived, then compare what was flushed as a subset.
    let mut parallel = all.into_inner().unwrap();
    assert_eq!(stats.records, RECORDS);
    assert_eq!(reader.count(&paths).unwrap(), stats);
    sequential.sort();
    parallel.sort();
    assert!(parallel.iter().all(|k| sequential.binary_search(k).is_ok()));
    assert!(parallel.len() as u64 > RECORDS / 2);
}

#[test]
fn sysmon_process_creation_fields() {
    let Some(corpus) = corpus() else { return };
    let file = "Credential Access/sysmon_10_1_memdump_comsvcs_minidump.evtx";
    let (events, stats) = read_all(&[sample(&corpus, file)]);
    assert_eq!((stats.files, stats.records), (1, events.len() as u64));
    let e = events.iter().find(|e| e.record_id() == Some(32151)).unwrap();
    assert_eq!(e.event_id(), Some(1));
    assert_eq!(e.channel(), Some("Microsoft-Windows-Sysmon/Operational"));
    assert_eq!(e.provider(), Some("Microsoft-Windows-Sysmon"));
    assert_eq!(e.computer(), Some("MSEDGEWIN10"));
    assert_eq!(text(e, "Image"), Some(r"C:\Windows\System32\cscript.exe"));
    assert_eq!(
        text(e, "CommandLine"),
        Some(r"cscript  c:\ProgramData\memdump.vbs notepad.exe")
    );
    assert_eq!(text(e, "ParentImage"), Some(r"C:\Windows\System32\cmd.exe"));
    assert_eq!(e.get("ProcessId"), Some(&FieldValue::Int(2576)));
    assert_eq!(text(e, "UserID"), Some("S-1-5-18"));
    let time = e.timestamp().unwrap().to_string();
    assert_eq!(time, "2019-08-30T12:54:07.873789Z");
}

#[test]
fn security_4688_fields() {
    let Some(corpus) = corpus() else { return };
    let file = "Command and Control/DE_RDP_Tunnel_5156.evtx";
    let (events, _) = read_all(&[sample(&corpus, file)]);
    let e = events.iter().find(|e| e.record_id() == Some(227714)).unwrap();
    assert_eq!((e.event_id(), e.channel()), (Some(4688), Some("Security")));
    let image = r"C:\Users\user01\Desktop\plink.exe";
    assert_eq!(text(e, "NewProcessName"), Some(image));
    assert_eq!(e.get("ProcessID"), Some(&FieldValue::Int(4)));
    assert_eq!(text(e, "Keywords"), Some("0x8020000000000000"));
    assert_eq!(e.get("Level"), Some(&FieldValue::Int(0)));
}

#[test]
fn unnamed_data_and_user_data() {
    let Some(corpus) = corpus() else { return };
    let esent = "Credential Access/dc_applog_ntdsutil_dfir_325_326_327.evtx";
    let (events, _) = read_all(&[sample(&corpus, esent)]);
    let e = events.iter().find(|e| e.record_id() == Some(1969)).unwrap();
    assert_eq!(e.event_id(), Some(326));
    assert_eq!(e.get("Qualifiers"), Some(&FieldValue::Int(0)));
    let Some(FieldValue::List(data)) = e.get("Data") else { panic!() };
    assert_eq!(data.len(), 8);
    assert_eq!(text(e, "param1"), Some("NTDS"));
    let ntds = r"C:\$SNAP_201911270054_VOLUMEC$\Windows\NTDS\ntds.dit";
    assert_eq!(text(e, "param5"), Some(ntds));

    let rdp = "Command and Control/DE_RDP_Tunneling_TerminalServices-\
               RemoteConnectionManagerOperational_1149.evtx";
    let (events, _) = read_all(&[sample(&corpus, rdp)]);
    let e = events.iter().find(|e| e.record_id() == Some(2)).unwrap();
    assert_eq!(text(e, "UserData.EventXML.listenerName"), Some("RDP-Tcp"));
    assert_eq!(text(e, "listenerName"), Some("RDP-Tcp"));
    let activity = "{00000000-a244-0000-1dc6-fb2a5f76d401}";
    assert_eq!(text(e, "ActivityID"), Some(activity));
}

/// A three-chunk file, cut at many points: every cut is read without a
/// panic, and a cut past the records loses nothing.
#[test]
fn truncated_files_are_counted_not_fatal() {
    let Some(corpus) = corpus() else { return };
    let file = sample(&corpus, "Credential Access/etw_rpc_zerologon.evtx");
    let bytes = std::fs::read(&file).unwrap();
    let (_, full) = read_all(std::slice::from_ref(&file));
    let dir = tempfile::tempdir().unwrap();
    let cut_file = dir.path().join("cut.evtx");
    let chunk = |n: usize| 4096 + n * 65536;
    let mut cuts = vec![0, 1, 7, 8, 100, 4095, 4096, 4097, 4096 + 512];
    cuts.extend((0..=chunk(3)).step_by(7919));
    cuts.extend([chunk(1) - 1, chunk(1), chunk(2) + 600, chunk(3)]);
    for cut in cuts {
        std::fs::write(&cut_file, &bytes[..cut]).unwrap();
        let (events, stats) = read_all(std::slice::from_ref(&cut_file));
        assert_eq!(events.len() as u64, stats.records);
        assert!(stats.records <= full.records, "cut at {cut}");
        assert!(stats.files + stats.files_failed.len() == 1, "{cut}");
        if cut >= chunk(3) {
            assert_eq!(stats.records, full.records, "cut at {cut}");
        }
    }
}

/// Bytes flipped at pseudo-random places in the chunks of a real file.
#[test]
fn flipped_bytes_are_counted_not_fatal() {
    let Some(corpus) = corpus() else { return };
    let file = "Lateral Movement/LM_5145_Remote_FileCopy.evtx";
    let bytes = std::fs::read(sample(&corpus, file)).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("flipped.evtx");
    let mut seed = 0x2545_f491_4f6c_dd1d_u64;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let span = (4096 + 10 * 65536).min(bytes.len()) as u64;
    let mut bad = 0;
    for _ in 0..60 {
        let mut copy = bytes.clone();
        for _ in 0..8 {
            let at = (next() % span) as usize;
            copy[at] ^= (next() as u8) | 1;
        }
        std::fs::write(&path, &copy).unwrap();
        let (_, stats) = read_all(std::slice::from_ref(&path));
        bad += stats.bad_records + stats.bad_chunks;
    }
    println!("{bad} bad records and chunks in 60 damaged copies");
    assert!(bad > 0);
}

#[test]
fn garbage_is_not_evtx() {
    let dir = tempfile::tempdir().unwrap();
    let cases: [(&str, &[u8]); 4] = [
        ("empty.evtx", b""),
        ("noise.evtx", &[0x5a; 70_000]),
        ("magic-only.evtx", b"ElfFile\0"),
        (
            "magic-then-noise.bin",
            &[b"ElfFile\0".as_slice(), &[7; 9000]].concat(),
        ),
    ];
    let mut paths = Vec::new();
    for (name, bytes) in cases {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        paths.push(path);
    }
    let (events, stats) = read_all(&paths);
    assert!(events.is_empty());
    assert_eq!(stats.files_failed.len() + stats.files, 4, "{stats:?}");
    assert!(stats.files_failed.len() >= 3, "{stats:?}");
    for (path, message) in &stats.files_failed {
        assert!(message.contains("evtx"), "{path:?}: {message}");
    }
    // Forced to JSON lines, an EVTX file is a few bad lines, no more.
    let Some(corpus) = corpus() else { return };
    let file = sample(&corpus, "Credential Access/CA_DCSync_4662.evtx");
    let reader = ReaderBuilder::new().format(InputFormat::JsonLines).build();
    let stats = reader.count(&[file]).unwrap();
    assert_eq!(stats.records, 0);
    assert!(stats.bad_lines > 0);
}
