//! JSON lines through the reader: both shapes in one file, damaged lines
//! counted with their numbers kept, long lines capped, folders and globs.

use std::io::Write;
use std::path::{Path, PathBuf};

use counterspy_events::{Event, Position, ReadStats, Reader, ReaderBuilder};

const DUMP: &str = r##"{"Event":{"System":{"EventID":1,"Channel":"Microsoft-Windows-Sysmon/Operational","Computer":"WS1","TimeCreated":{"#attributes":{"SystemTime":"2019-03-19T23:34:23.123456Z"}}},"EventData":{"Image":"C:\\w\\a.exe"}}}"##;
const ECS: &str = r##"{"@timestamp":"2019-03-19T23:34:23.123Z","winlog":{"channel":"Security","event_id":4688,"computer_name":"WS2","event_data":{"NewProcessName":"C:\\w\\b.exe"}}}"##;

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, bytes).unwrap();
    path
}

fn read(reader: &Reader, paths: &[PathBuf]) -> (Vec<Event>, ReadStats) {
    let mut events = Vec::new();
    let stats = reader.for_each(paths, |e| events.push(e)).unwrap();
    (events, stats)
}

fn line(e: &Event) -> u64 {
    match e.source().position() {
        Position::Line(n) => n,
        other => panic!("{other:?}"),
    }
}

#[test]
fn mixed_shapes_and_damaged_lines() {
    let dir = tempfile::tempdir().unwrap();
    let text = [
        &format!("\u{feff}{DUMP}"),
        "",
        ECS,
        r#"{"Event":"#,
        "[1,2]",
        "not json",
        &format!("{DUMP}\r"),
        "   ",
        ECS,
    ]
    .join("\n");
    let mut bytes = text.into_bytes();
    bytes.extend_from_slice(b"\n{\"a\":\"\xff\"}\n");
    let path = write(dir.path(), "events.jsonl", &bytes);
    let (events, stats) = read(&Reader::new(), &[path]);
    assert_eq!((stats.files, stats.records, stats.bad_lines), (1, 4, 4));
    let lines: Vec<u64> = events.iter().map(line).collect();
    assert_eq!(lines, [1, 3, 7, 9]);
    assert_eq!(events[0].event_id(), Some(1));
    assert_eq!(events[1].event_id(), Some(4688));
    assert_eq!(events[1].computer(), Some("WS2"));
    assert_eq!(events[2].to_json(), events[0].to_json());
    let ms = events[1].timestamp().unwrap().as_millis();
    assert_eq!(ms, events[0].timestamp().unwrap().as_millis());
}

#[test]
fn long_lines_are_capped_and_counted() {
    let dir = tempfile::tempdir().unwrap();
    let long = format!(
        r#"{{"Event":{{"EventData":{{"x":"{}"}}}}}}"#,
        "a".repeat(5000)
    );
    let text = format!("{DUMP}\n{long}\n{ECS}\n");
    let path = write(dir.path(), "long.json", text.as_bytes());
    let reader = ReaderBuilder::new().max_line_len(1024).build();
    let (events, stats) = read(&reader, std::slice::from_ref(&path));
    assert_eq!((stats.records, stats.bad_lines), (2, 1));
    assert_eq!(events.iter().map(line).collect::<Vec<_>>(), [1, 3]);
    let (_, stats) = read(&Reader::new(), &[path]);
    assert_eq!((stats.records, stats.bad_lines), (3, 0));
}

#[test]
fn big_files_stream_in_batches_in_parallel() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.ndjson");
    let mut file =
        std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
    for i in 0..30_000 {
        let shape = if i % 2 == 0 { DUMP } else { ECS };
        writeln!(file, "{shape}").unwrap();
    }
    drop(file);
    let reader = ReaderBuilder::new().threads(2).build();
    let stats = reader.count(std::slice::from_ref(&path)).unwrap();
    assert_eq!((stats.records, stats.bad_lines), (30_000, 0));
    let sum = std::sync::atomic::AtomicU64::new(0);
    reader
        .par_for_each(&[path], |e| {
            sum.fetch_add(line(&e), std::sync::atomic::Ordering::Relaxed);
        })
        .unwrap();
    assert_eq!(sum.into_inner(), 30_000 * 30_001 / 2);
}

#[test]
fn folders_globs_and_files_that_are_not_events() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "a/one.json", DUMP.as_bytes());
    write(d, "a/b/two.log", ECS.as_bytes());
    write(d, "a/readme.md", b"# notes");
    let named = write(d, "notes.txt", b"plain text");
    let (events, stats) = read(&Reader::new(), &[d.join("a")]);
    assert_eq!((stats.files, stats.files_skipped, stats.records), (2, 1, 2));
    let names: Vec<_> = events
        .iter()
        .map(|e| e.source().path().strip_prefix(d).unwrap().to_owned())
        .collect();
    assert_eq!(names, [PathBuf::from("a/b/two.log"), "a/one.json".into()]);

    let glob = d.join("a").join("**").join("*.json");
    let (_, stats) = read(&Reader::new(), &[glob, named.clone()]);
    assert_eq!((stats.files, stats.records), (1, 1));
    assert_eq!(stats.files_failed.len(), 1);
    assert_eq!(stats.files_failed[0].0, named);
    assert!(stats.files_failed[0].1.contains("not an event file"));
    assert!(stats.has_errors());
}
