//! The bundled demo case: a small, inert reconstruction of the campaign's
//! first stage, written to `examples/demo/` by
//! `cargo run -p counterspy-testkit --bin gen-demo`.
//!
//! The protected organisation is the fictional design bureau `kbzenit.ru`,
//! whose internal project code names are listed in `examples/demo.toml`.
//!
//! | file | what it shows |
//! |---|---|
//! | `inbox/01-lure.eml` | spear-phishing from the lookalike `kbzenlt.ru`, quoting the internal project «Гранит-М», SPF/DKIM/DMARC failing, a Reply-To at a free mailer, an RTF named `.doc` with an Equation Editor object naming `%TEMP%\8.t` |
//! | `inbox/02-forward.msg` | an Outlook message with `invoice.pdf.exe` and an embedded message |
//! | `inbox/03-colleagues.mbox` | three ordinary internal mails |
//! | `files/archive.zip` | a zip with a password-protected `payload.exe` |
//! | `files/bomb.zip` | a zip bomb (64 MiB of zeros), stopped by the byte budget |
//! | `files/notes.txt` | a clean note |
//!
//! `examples/logs/` ([`log_files`]) holds what followed on the endpoints,
//! for `counterspy hunt`: the Equation Editor writing `8.t` and a Word
//! add-in, Word loading it, Cotx's registry configuration, Ladon, a burst
//! of failed logons, and the security agent pushing one binary to three
//! hosts.

mod logs;

use crate::archive;
use crate::mail::{MailBuilder, mailbox, mbox};
use crate::msg::MsgBuilder;
use crate::rtf;

/// The demo's files: `(relative path, bytes)`.
pub fn files() -> Vec<(&'static str, Vec<u8>)> {
    vec![
        ("inbox/01-lure.eml", lure()),
        ("inbox/02-forward.msg", forward()),
        ("inbox/03-colleagues.mbox", colleagues()),
        ("files/archive.zip", protected_archive()),
        ("files/bomb.zip", archive::zip_bomb(64 << 20)),
        ("files/notes.txt", b"Meeting moved to Thursday.\n".to_vec()),
    ]
}

/// The demo's event logs, `(path under examples/logs/, bytes)`: what
/// followed the lure at KB Zenit (see `logs.rs` for the table).
pub fn log_files() -> Vec<(&'static str, Vec<u8>)> {
    logs::files()
}

/// The demo's configuration (`examples/demo.toml`).
pub const CONFIG: &str = "\
# counterspy demo case: the fictional design bureau KB Zenit.
[policy]
protected_domains = [\"kbzenit.ru\"]
internal_terms = [\"Гранит-М\", \"Изделие 5П-42\", \"Petrov Sergei\"]

[limits]
max_bytes = 33554432
";

fn lure() -> Vec<u8> {
    MailBuilder::new()
        .from(&mailbox("Петров Сергей", "s.petrov@kbzenlt.ru"))
        .reply_to(&mailbox("", "kbzenit.office@gmail.com"))
        .return_path("bounce@mx.kbzenlt.ru")
        .to(&mailbox("Иванова Анна", "a.ivanova@kbzenit.ru"))
        .subject("Отчёт по проекту Гранит-М, изделие 5П-42")
        .date("Tue, 14 Jun 2022 09:12:44 +0800")
        .message_id("<20220614011244.4711@mx.kbzenlt.ru>")
        .header(
            "Authentication-Results",
            "mx.kbzenit.ru; spf=fail smtp.mailfrom=kbzenlt.ru; \
             dkim=fail header.d=kbzenlt.ru; dmarc=fail header.from=kbzenlt.ru",
        )
        .text_encoded(
            "Анна, добрый день!\n\nНаправляю отчёт по проекту «Гранит-М». \
             Замечания по Изделие 5П-42 внесены.\nСсылка на папку: \
             hxxp://files.kbzenlt[.]ru/share/granit\n\nС уважением,\nС. Петров",
            "koi8-r",
            crate::mail::TransferEncoding::QuotedPrintable,
        )
        .attach("Отчёт_Гранит-М.doc", "application/msword", &rtf::equation_lure())
        .build()
}

fn forward() -> Vec<u8> {
    let inner = MsgBuilder::new()
        .subject("Счёт на оплату")
        .body("См. вложение.")
        .sender("Accounts", "accounts@supplier-invoices.com")
        .attach("readme.txt", b"open the invoice");
    MsgBuilder::new()
        .subject("FW: Счёт на оплату")
        .body("Пересылаю, проверьте пожалуйста.")
        .sender("Иванова Анна", "a.ivanova@kbzenit.ru")
        .to("Security", "soc@kbzenit.ru")
        .attach("invoice.pdf.exe", &archive::tiny_pe())
        .attach_message("Счёт на оплату", inner)
        .build()
}

fn colleagues() -> Vec<u8> {
    let mail = |n: usize, subject: &str| {
        MailBuilder::new()
            .from(&mailbox("Сидоров П.", "p.sidorov@kbzenit.ru"))
            .to(&mailbox("Иванова Анна", "a.ivanova@kbzenit.ru"))
            .subject(subject)
            .date("Mon, 13 Jun 2022 10:00:00 +0300")
            .message_id(&format!("<{n}@kbzenit.ru>"))
            .text("Обсудим на планёрке.\nFrom the minutes: nothing new.")
            .build()
    };
    mbox(&[mail(1, "Планёрка"), mail(2, "Гранит-М: график"), mail(3, "Обед")])
}

fn protected_archive() -> Vec<u8> {
    // Our own ZipCrypto writer: the zip crate's random header bytes
    // would change the file at every run.
    crate::case::zipcrypto::zip(
        &[
            ("readme.txt", b"password: 2022", false),
            ("payload.exe", &archive::tiny_pe(), true),
        ],
        archive::PASSWORD,
    )
}
