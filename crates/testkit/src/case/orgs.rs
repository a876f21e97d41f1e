//! The organisations of the cases: fictional names, domains, people and
//! hosts. Every one uses the same private address plan (see `site.rs`).

use super::site::{Machine, Person, Site};
use super::toml::Org;

/// Kaspersky Security Center's network agent, on every managed host.
pub(crate) const KLNAGENT: &str =
    r"C:\Program Files (x86)\Kaspersky Lab\NetworkAgent\klnagent.exe";
/// The Configuration Manager client, on every managed host.
pub(crate) const CCMEXEC: &str = r"C:\Windows\CCM\CcmExec.exe";

fn list(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

/// The host plan every organisation shares: workstations at
/// 10.10.20.31, .32…; file server, domain controller and console at
/// 10.10.10.20, .10 and .30.
struct Plan<'a> {
    dns: &'a str,
    workstations: [&'a str; 4],
    fs: &'a str,
    dc: &'a str,
    console: &'a str,
}

impl Plan<'_> {
    fn machines(&self) -> (Vec<Machine>, Machine, Machine, Machine) {
        let ws = self
            .workstations
            .iter()
            .enumerate()
            .map(|(i, w)| {
                Site::machine(self.dns, w, &format!("10.10.20.{}", 31 + i))
            })
            .collect();
        (
            ws,
            Site::machine(self.dns, self.fs, "10.10.10.20"),
            Site::machine(self.dns, self.dc, "10.10.10.10"),
            Site::machine(self.dns, self.console, "10.10.10.30"),
        )
    }
}

/// Everything a [`Site`] needs besides the plan.
struct Spec<'a> {
    org: (&'a str, &'a str, &'a str, &'a str),
    terms: &'a [&'a str],
    ad: &'static str,
    mail: &'static str,
    zone: i64,
    people: [Person; 4],
    admin: Person,
    agent: &'static str,
}

fn site(spec: Spec<'_>, plan: Plan<'_>) -> Site {
    let (workstations, fs, dc, ksc) = plan.machines();
    let (id, name, country, sector) = spec.org;
    Site {
        org: Org {
            id: id.into(),
            name: name.into(),
            country: country.into(),
            sector: sector.into(),
            protected_domains: list(&[spec.mail]),
            internal_terms: list(spec.terms),
            domain_controllers: vec![dc.short.clone()],
            management_servers: vec![ksc.short.clone()],
        },
        ad: spec.ad,
        mail: spec.mail,
        zone: spec.zone,
        workstations,
        people: spec.people.to_vec(),
        admin: spec.admin,
        agent: spec.agent,
        fs,
        dc,
        ksc,
    }
}

const fn p(login: &'static str, name: &'static str) -> Person {
    Person { login, name }
}

/// A Russian defence design bureau (campaign victim).
pub(crate) fn kbzenit() -> Site {
    site(
        Spec {
            org: ("kbzenit", "KB Zenit design bureau", "RU", "defense"),
            terms: &["Гранит-М", "Изделие 5П-42", "Петров Сергей"],
            ad: "KBZENIT",
            mail: "kbzenit.ru",
            zone: 180,
            people: [
                p("a.ivanova", "Иванова Анна"),
                p("p.sidorov", "Сидоров Павел"),
                p("m.orlova", "Орлова Мария"),
                p("d.volkov", "Волков Дмитрий"),
            ],
            admin: p("adm.kuznetsov", "Кузнецов Игорь"),
            agent: KLNAGENT,
        },
        Plan {
            dns: "kbzenit.local",
            workstations: ["ws14", "ws22", "ws31", "ws35"],
            fs: "fs01",
            dc: "dc01",
            console: "ksc01",
        },
    )
}

/// A Belarusian defence plant (campaign victim).
pub(crate) fn polymet() -> Site {
    site(
        Spec {
            org: ("polymet", "OAO Polymet defence plant", "BY", "defense"),
            terms: &["Кольчуга-2М", "Заказ 117/22", "Ковалёв Андрей"],
            ad: "POLYMET",
            mail: "polymet.by",
            zone: 180,
            people: [
                p("t.zhuk", "Жук Татьяна"),
                p("v.shved", "Швед Виктор"),
                p("o.lis", "Лис Ольга"),
                p("i.bondar", "Бондарь Иван"),
            ],
            admin: p("it.gromyko", "Громыко Олег"),
            agent: KLNAGENT,
        },
        Plan {
            dns: "polymet.local",
            workstations: ["pc0412", "pc0415", "pc0420", "pc0433"],
            fs: "pm-fs2",
            dc: "pdc1",
            console: "kav-adm",
        },
    )
}

/// An Afghan ministry (campaign victim).
pub(crate) fn minfrontier() -> Site {
    site(
        Spec {
            org: (
                "minfrontier",
                "Ministry of Frontier Industries",
                "AF",
                "government",
            ),
            terms: &["SPINGHAR", "Border Logistics Programme 2022"],
            ad: "MINFRONTIER",
            mail: "minfrontier.gov.af",
            zone: 270,
            people: [
                p("h.noori", "Hamid Noori"),
                p("f.ahmadi", "Farida Ahmadi"),
                p("m.karimi", "Mohammad Karimi"),
                p("s.wardak", "Sami Wardak"),
            ],
            admin: p("adm.zaman", "Zaman Safi"),
            agent: KLNAGENT,
        },
        Plan {
            dns: "mof.local",
            workstations: ["lt-kbl-07", "lt-kbl-09", "lt-kbl-12", "lt-kbl-15"],
            fs: "mf-fs01",
            dc: "mf-dc01",
            console: "mf-sec01",
        },
    )
}

/// A water utility: not a victim of the campaign.
pub(crate) fn aquasever() -> Site {
    site(
        Spec {
            org: ("aquasever", "Aqua Sever water utility", "RU", "utilities"),
            terms: &["Насосная станция №3", "Проект Исток"],
            ad: "AQUASEVER",
            mail: "aquasever.ru",
            zone: 180,
            people: [
                p("e.smirnova", "Смирнова Елена"),
                p("n.popov", "Попов Николай"),
                p("k.lebedeva", "Лебедева Ксения"),
                p("r.morozov", "Морозов Роман"),
            ],
            admin: p("adm.fedorov", "Фёдоров Артём"),
            agent: KLNAGENT,
        },
        Plan {
            dns: "aquasever.local",
            workstations: ["ws-101", "ws-102", "ws-103", "ws-104"],
            fs: "aqs-fs",
            dc: "aqs-dc",
            console: "aqs-ksc",
        },
    )
}

/// A German freight forwarder (unrelated intrusion A).
pub(crate) fn nordfracht() -> Site {
    site(
        Spec {
            org: ("nordfracht", "Nordfracht Logistik GmbH", "DE", "logistics"),
            terms: &["Projekt Möwe", "Tarifvertrag 2023"],
            ad: "NORDFRACHT",
            mail: "nordfracht.de",
            zone: 120,
            people: [
                p("j.becker", "Julia Becker"),
                p("l.schulz", "Lukas Schulz"),
                p("m.wagner", "Marie Wagner"),
                p("t.hoffmann", "Tim Hoffmann"),
            ],
            admin: p("adm.keller", "Stefan Keller"),
            agent: CCMEXEC,
        },
        Plan {
            dns: "nordfracht.local",
            workstations: ["nf-ws01", "nf-ws02", "nf-ws03", "nf-ws04"],
            fs: "nf-fs1",
            dc: "nf-dc1",
            console: "nf-sccm1",
        },
    )
}

/// A Kazakh refinery (unrelated intrusion B).
pub(crate) fn kazpetrochim() -> Site {
    site(
        Spec {
            org: ("kazpetrochim", "KazPetroChim refinery", "KZ", "industrial"),
            terms: &["Установка АВТ-3", "Project Steppe Hydrogen"],
            ad: "KAZPETROCHIM",
            mail: "kazpetrochim.kz",
            zone: 360,
            people: [
                p("a.nurlanov", "Nurlanov Arman"),
                p("d.sadykova", "Sadykova Dana"),
                p("e.ospanov", "Ospanov Erlan"),
                p("g.akhmetova", "Akhmetova Gulnara"),
            ],
            admin: p("adm.seitkali", "Seitkali Marat"),
            agent: KLNAGENT,
        },
        Plan {
            dns: "kpc.local",
            workstations: ["kp-ws21", "kp-ws22", "kp-ws23", "kp-ws24"],
            fs: "kp-fs",
            dc: "kp-dc",
            console: "kp-ksc",
        },
    )
}
