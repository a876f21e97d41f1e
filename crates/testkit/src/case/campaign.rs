//! The campaign's victims: who was targeted, the lure each received, and
//! what the incident responders collected as files.

use super::clock::rfc5322;
use super::kit;
use super::orgs;
use super::site::Site;
use super::zipcrypto;
use crate::archive;
use crate::mail::{MailBuilder, TransferEncoding, mailbox};

/// How the operators packed the documents they stole.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Archiver {
    /// `7z a -p… -mhe=on` (7z format, encrypted headers).
    SevenZip,
    /// `rar a -hp… -m5`.
    Rar,
    /// `7z a -tzip -p… -mem=AES256`.
    SevenZipZip,
}

/// The lure one victim received.
#[derive(Clone, Debug)]
pub(crate) struct Lure {
    /// Display name (a colleague's, copied from an earlier intrusion).
    pub(crate) from_name: &'static str,
    /// Address at the lookalike domain.
    pub(crate) from: &'static str,
    /// Free-mail Reply-To.
    pub(crate) reply_to: &'static str,
    pub(crate) subject: &'static str,
    pub(crate) body: &'static str,
    /// Body charset (`koi8-r`, `windows-1251`, `utf-8`).
    pub(crate) charset: &'static str,
    /// The attachment's name (always the same RTF bytes).
    pub(crate) attachment: &'static str,
}

/// One victim of the campaign: its site, the lure, and the choices that
/// vary from one intrusion to the next.
#[derive(Clone, Debug)]
pub(crate) struct Victim {
    pub(crate) site: Site,
    pub(crate) lure: Lure,
    /// The June day the lure arrives (a weekday); the intrusion runs over
    /// the next six workdays.
    pub(crate) start: u32,
    /// When (UTC) the target opens the attachment that day.
    pub(crate) opened: &'static str,
    /// The service account whose password the spraying finds.
    pub(crate) sprayed: &'static str,
    /// The administrator account the operators steal and use.
    pub(crate) thief: &'static str,
    /// Where the second implant is copied on the file server (and
    /// installed as a service from).
    pub(crate) lateral_image: &'static str,
    /// The folder of documents they pack.
    pub(crate) documents: &'static str,
    /// The archive password.
    pub(crate) password: &'static str,
    pub(crate) archiver: Archiver,
    /// Whether the domain controller runs Sysmon (else process starts are
    /// Security 4688).
    pub(crate) dc_sysmon: bool,
}

impl Victim {
    /// The lookalike domain the lure comes from.
    pub(crate) fn lookalike(&self) -> &'static str {
        self.lure.from.rsplit('@').next().unwrap_or(self.lure.from)
    }
}

/// The three victims of the demo.
pub(crate) fn victims() -> [Victim; 3] {
    [
        Victim {
            site: orgs::kbzenit(),
            lure: Lure {
                from_name: "Петров Сергей",
                from: "s.petrov@kbzenlt.ru",
                reply_to: "kbzenit.office@gmail.com",
                subject: "Отчёт по проекту Гранит-М, изделие 5П-42",
                body: "Анна, добрый день!\n\nНаправляю отчёт по проекту \
                       «Гранит-М». Замечания по Изделие 5П-42 внесены, \
                       прошу согласовать до пятницы.\n\nС уважением,\n\
                       С. Петров",
                charset: "koi8-r",
                attachment: "Отчёт_Гранит-М.doc",
            },
            start: 14,
            opened: "06:21:05",
            sprayed: "svc_scan",
            thief: "adm.sokolov",
            lateral_image: r"C:\Windows\Temp\drmsvc.exe",
            documents: r"D:\Projects\Гранит-М",
            password: "Kb#Zen1t2022",
            archiver: Archiver::SevenZip,
            dc_sysmon: true,
        },
        Victim {
            site: orgs::polymet(),
            lure: Lure {
                from_name: "Ковалёв Андрей",
                from: "a.kovalev@po1ymet.by",
                reply_to: "polymet.zakaz@mail.ru",
                subject: "Заказ 117/22: уточнённое ТЗ по изделию Кольчуга-2М",
                body: "Татьяна, здравствуйте.\n\nВо вложении уточнённое \
                       техническое задание по Заказ 117/22 (изделие \
                       Кольчуга-2М). Просьба ознакомиться.\n\n\
                       Ковалёв А.",
                charset: "windows-1251",
                attachment: "ТЗ_Заказ_117-22.doc",
            },
            start: 8,
            opened: "07:02:41",
            sprayed: "svc_backup",
            thief: "adm.novik",
            lateral_image: r"C:\Users\svc_backup\AppData\Local\Temp\drmsvc.exe",
            documents: r"D:\Заказы\117-22",
            password: "P0lym3t!117",
            archiver: Archiver::Rar,
            dc_sysmon: false,
        },
        Victim {
            site: orgs::minfrontier(),
            lure: Lure {
                from_name: "Ahmad Rahimi",
                from: "a.rahimi@minfrontier-gov.com",
                reply_to: "minfrontier.office@yahoo.com",
                subject: "SPINGHAR: revised budget, Border Logistics \
                          Programme 2022",
                body: "Dear Hamid,\n\nPlease find attached the revised \
                       budget of SPINGHAR for the Border Logistics \
                       Programme 2022, for your comments before the \
                       meeting.\n\nBest regards,\nAhmad Rahimi",
                charset: "utf-8",
                attachment: "SPINGHAR_budget_rev3.doc",
            },
            start: 20,
            opened: "05:48:30",
            sprayed: "svc_print",
            thief: "adm.habibi",
            lateral_image: r"C:\Temp\drmsvc.exe",
            documents: r"E:\Projects\SPINGHAR",
            password: "Sp1nghar!22",
            archiver: Archiver::SevenZipZip,
            dc_sysmon: true,
        },
    ]
}

/// The lure as it reached the target: `(UTC stamp for ordering, .eml)`.
pub(crate) fn lure_mail(v: &Victim) -> (String, Vec<u8>) {
    let site = &v.site;
    let target = &site.people[0];
    let look = v.lookalike();
    let hms = "01:12:44";
    let received = format!(
        "from mx.{look} (mx.{look} [{}])\r\n\tby mx.{} (Postfix) with \
         ESMTP id 4LMz3k{}\r\n\tfor <{}@{}>; {}",
        kit::SENDER_IP,
        site.mail,
        v.start,
        target.login,
        site.mail,
        rfc5322(v.start, "01:12:47", site.zone),
    );
    let auth = format!(
        "mx.{}; spf=fail smtp.mailfrom={look}; dkim=none; \
         dmarc=fail header.from={look}",
        site.mail
    );
    let encoding = if v.lure.charset == "utf-8" {
        TransferEncoding::QuotedPrintable
    } else {
        TransferEncoding::Base64
    };
    let mail = MailBuilder::new()
        .return_path(&format!("bounce@mx.{look}"))
        .header("Received", &received)
        .header("Authentication-Results", &auth)
        .header("X-Mailer", kit::X_MAILER)
        .from(&mailbox(v.lure.from_name, v.lure.from))
        .reply_to(&mailbox("", v.lure.reply_to))
        .to(&mailbox(target.name, &format!("{}@{}", target.login, site.mail)))
        .subject(v.lure.subject)
        .date(&rfc5322(v.start, hms, kit::SENDER_ZONE))
        .message_id(&format!("<202206{:02}011244.4711@mx.{look}>", v.start))
        .text_encoded(v.lure.body, v.lure.charset, encoding)
        .attach(v.lure.attachment, "application/msword", &kit::lure_rtf())
        .build();
    (super::clock::stamp(v.start, hms), mail)
}

/// What the responders collected as files (`files/…`).
pub(crate) fn files(v: &Victim) -> Vec<(String, Vec<u8>)> {
    match v.archiver {
        // The side-loading pair, copied from the first workstation.
        Archiver::SevenZip => vec![(
            format!("files/{}-quarantine.zip", v.site.workstations[0].short),
            archive::zip(&[
                ("IntelGraphicsController.exe", &kit::graphics_host()),
                ("RasTls.dll", &kit::implant_dll()),
            ]),
        )],
        // The encoded payload, recovered from the user's %TEMP%.
        Archiver::Rar => vec![("files/8.t".to_string(), kit::encoded_8t())],
        // The staging archive left on the file server.
        Archiver::SevenZipZip => vec![(
            "files/d1.zip".to_string(),
            zipcrypto::zip(
                &[
                    ("SPINGHAR_budget_2022.xlsx", b"inert stand-in", true),
                    ("Border_Logistics_map.pdf", b"inert stand-in", true),
                ],
                v.password,
            ),
        )],
    }
}
