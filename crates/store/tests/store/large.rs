//! A case of 100,000 activities: saved, saved again, loaded, queried.
//! The times are printed (`cargo test -- --nocapture large`), never
//! asserted: machines differ.

use std::time::Instant;

use counterspy_model::case::{Edge, Entity, EntityKind};
use counterspy_model::{Case, Severity, Timestamp};
use counterspy_store::{ActivityFilter, SqliteStore, Store};
use counterspy_testkit::sample_case::sample_case;

use crate::common::count;

const ACTIVITIES: usize = 100_000;
const ENTITIES: usize = 5_000;

fn entity(id: usize) -> Entity {
    let kind = [EntityKind::Ip, EntityKind::File, EntityKind::Host][id % 3];
    Entity {
        id,
        kind,
        value: format!("{kind}-{id}"),
        org: (kind == EntityKind::Host).then(|| "zenit".to_string()),
        noise: None,
        hosts: (id % 7) as u32,
        orgs: vec!["zenit".into()],
        activities: Vec::new(),
        incidents: Vec::new(),
    }
}

/// The sample case with its activities repeated to `ACTIVITIES`, each
/// linked to two of `ENTITIES` entities, every entity listing its
/// activities back, and a chain of edges.
fn large_case() -> Case {
    let mut case = sample_case();
    let start = Timestamp::parse("2022-06-01T00:00:00Z").unwrap();
    let base = std::mem::take(&mut case.activities);
    case.entities = (0..ENTITIES).map(entity).collect();
    for id in 0..ACTIVITIES {
        let mut a = base[id % base.len()].clone();
        a.id = id;
        a.time = Some(Timestamp::from_micros(
            start.as_micros() + id as i64 * 1_000_000,
        ));
        a.entities = vec![id % ENTITIES, (id * 7 + 3) % ENTITIES];
        for &e in &a.entities {
            case.entities[e].activities.push(id);
        }
        case.activities.push(a);
    }
    case.edges = (1..ENTITIES)
        .map(|b| Edge { a: b - 1, b, activities: vec![b], weight: 1 })
        .collect();
    case
}

#[test]
fn large_case_saves_and_loads() {
    let case = large_case();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("large.db");
    let mut store = SqliteStore::open(&path).unwrap();

    let clock = Instant::now();
    store.save_case("large", &case).unwrap();
    let save = clock.elapsed();

    let clock = Instant::now();
    store.save_case("large", &case).unwrap();
    let resave = clock.elapsed();

    let clock = Instant::now();
    let loaded = store.load_case("large").unwrap();
    let load = clock.elapsed();

    let clock = Instant::now();
    let filter = ActivityFilter::default()
        .org("almaz")
        .min_severity(Severity::Critical)
        .page(1_000, 100);
    let page = store.activities("large", &filter).unwrap();
    let query = clock.elapsed();

    let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
    println!(
        "{ACTIVITIES} activities, {ENTITIES} entities: save {save:.2?}, \
         save again {resave:.2?}, load {load:.2?}, page query {query:.2?}, \
         file {:.1} MiB",
        size as f64 / (1024.0 * 1024.0)
    );
    assert!(loaded == Some(case), "the loaded case differs");
    assert_eq!(page.len(), 100);
    assert!(page.iter().all(|a| a.org == "almaz" && a.id % 5 == 3));
    assert_eq!(count(&store, "activities"), ACTIVITIES as u64);
    assert_eq!(count(&store, "entity_activity"), 2 * ACTIVITIES as u64);
}
