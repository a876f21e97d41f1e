//! The demo case's event logs (`examples/logs/`): what followed the lure
//! at KB Zenit, as Sysmon and Security events, with ordinary activity
//! around it.
//!
//! | file | what it shows |
//! |---|---|
//! | `ws01-sysmon.jsonl` | Word starts the Equation Editor, which writes `8.t` and a `.wll` into Word's STARTUP folder; Word loads it at the next start; Cotx's registry configuration; Ladon scanning the /24; ordinary process starts |
//! | `dc01-security.jsonl` | a burst of failed network logons from one workstation against twelve accounts; ordinary logons |
//! | `agents-sysmon.jsonl` | the Kaspersky network agent starting the same new binary on three hosts within minutes |

use crate::events::{EventBuilder, Source, jsonl};

const WS01: &str = "ws01.kbzenit.local";
const WINWORD: &str =
    r"C:\Program Files\Microsoft Office\root\Office16\WINWORD.EXE";
const EQNEDT: &str = r"C:\Program Files (x86)\Common Files\Microsoft Shared\EQUATION\EQNEDT32.EXE";
const STARTUP_WLL: &str =
    r"C:\Users\a.ivanova\AppData\Roaming\Microsoft\Word\STARTUP\msword.wll";

/// The log files: `(path under examples/logs, bytes)`.
pub(crate) fn files() -> Vec<(&'static str, Vec<u8>)> {
    vec![
        ("ws01-sysmon.jsonl", jsonl(ws01())),
        ("dc01-security.jsonl", jsonl(dc01())),
        ("agents-sysmon.jsonl", jsonl(agents())),
    ]
}

fn at(hms: &str) -> String {
    format!("2022-06-14T{hms}.000000Z")
}

fn sysmon(id: u32, computer: &str, hms: &str) -> EventBuilder {
    EventBuilder::new(Source::Sysmon, id, computer).time(&at(hms))
}

fn process(computer: &str, hms: &str, image: &str, cmd: &str) -> EventBuilder {
    sysmon(1, computer, hms)
        .data("Image", image)
        .data("CommandLine", cmd)
        .data("User", r"KBZENIT\a.ivanova")
}

fn ws01() -> Vec<EventBuilder> {
    let explorer = r"C:\Windows\explorer.exe";
    vec![
        process(WS01, "01:05:10", r"C:\Windows\System32\notepad.exe", "notepad.exe")
            .data("ParentImage", explorer),
        process(WS01, "01:14:02", WINWORD, r#""WINWORD.EXE" /n "report.doc""#)
            .data("ParentImage", explorer),
        process(WS01, "01:14:09", EQNEDT, "EQNEDT32.EXE -Embedding")
            .data("ParentImage", r"C:\Windows\System32\svchost.exe"),
        sysmon(11, WS01, "01:14:10")
            .data("Image", EQNEDT)
            .data("TargetFilename", r"C:\Users\a.ivanova\AppData\Local\Temp\8.t"),
        sysmon(11, WS01, "01:14:11")
            .data("Image", EQNEDT)
            .data("TargetFilename", STARTUP_WLL),
        process(WS01, "02:30:00", WINWORD, r#""WINWORD.EXE""#)
            .data("ParentImage", explorer),
        sysmon(7, WS01, "02:30:02")
            .data("Image", WINWORD)
            .data("ImageLoaded", STARTUP_WLL)
            .data("Signed", "false"),
        sysmon(13, WS01, "02:31:40")
            .data("Image", r"C:\Windows\System32\rundll32.exe")
            .data("EventType", "SetValue")
            .data("TargetObject", r"HKU\S-1-5-21-1004336348-1177238915-682003330-1104\SOFTWARE\Intel\Java\user")
            .data("Details", "Binary Data"),
        process(
            WS01,
            "03:02:15",
            r"C:\Users\Public\Ladon.exe",
            r"C:\Users\Public\Ladon.exe 10.10.20.0/24 MS17010",
        )
        .data("ParentImage", r"C:\Windows\System32\cmd.exe"),
        process(WS01, "03:40:00", r"C:\Windows\System32\calc.exe", "calc.exe")
            .data("ParentImage", explorer),
    ]
}

fn logon(hms: &str, id: u32, user: &str, ip: &str) -> EventBuilder {
    EventBuilder::new(Source::Security, id, "dc01.kbzenit.local")
        .time(&at(hms))
        .data("TargetUserName", user)
        .data("TargetDomainName", "KBZENIT")
        .data("LogonType", "3")
        .data("IpAddress", ip)
        .data("WorkstationName", "WS01")
}

fn dc01() -> Vec<EventBuilder> {
    let users = [
        "administrator",
        "a.ivanova",
        "s.petrov",
        "backup",
        "svc_sql",
        "i.sidorov",
        "m.orlova",
        "d.volkov",
        "helpdesk",
        "scanner",
        "o.kozlova",
        "svc_web",
    ];
    let mut events = vec![
        logon("02:55:00", 4624, "a.ivanova", "10.10.20.31"),
        logon("02:58:30", 4624, "m.orlova", "10.10.20.44"),
    ];
    for (i, user) in users.iter().enumerate() {
        let hms = format!("03:05:{:02}", i * 4);
        events.push(
            logon(&hms, 4625, user, "10.10.20.31")
                .data("Status", "0xc000006d")
                .data("SubStatus", "0xc000006a"),
        );
    }
    events.push(logon("03:20:00", 4624, "d.volkov", "10.10.20.52"));
    events
}

fn agents() -> Vec<EventBuilder> {
    let agent =
        r"C:\Program Files (x86)\Kaspersky Lab\NetworkAgent\klnagent.exe";
    let pushed =
        r"C:\ProgramData\KasperskyLab\adminkit\1093\$FTCITMP\update.exe";
    let hosts = [
        ("ws01.kbzenit.local", "04:10:05"),
        ("ws02.kbzenit.local", "04:11:40"),
        ("fs01.kbzenit.local", "04:13:02"),
    ];
    hosts
        .iter()
        .map(|(host, hms)| {
            sysmon(1, host, hms)
                .data("Image", pushed)
                .data("CommandLine", &format!("{pushed} -install"))
                .data("ParentImage", agent)
                .data("User", r"NT AUTHORITY\SYSTEM")
        })
        .collect()
}
