use counterspy_testkit::sample_case::sample_case;

use super::*;

#[test]
fn shared_entities_go_to_the_middle_and_noise_is_left_out() {
    let case = sample_case();
    let html = render(&case);
    // The relay and the payload are shared; two hosts are the orgs' own;
    // the two noise entities are left out.
    assert_eq!(html.matches("<g class=\"node shared\">").count(), 2);
    assert_eq!(html.matches("<g class=\"node\">").count(), 2);
    assert_eq!(html.matches("<g class=\"org-node\">").count(), 2);
    assert!(html.contains("2 entities left out as noise"));
    assert!(!html.contains("windowsupdate.com"));
}

#[test]
fn organisation_entities_stay_with_their_organisation() {
    let case = sample_case();
    let orgs = org_ids(&case);
    assert_eq!(orgs, ["zenit", "almaz"]);
    assert_eq!(home(&case.entities[2], &orgs), Home::Org(0));
    assert_eq!(home(&case.entities[3], &orgs), Home::Org(1));
    assert_eq!(home(&case.entities[0], &orgs), Home::Shared);
}

#[test]
fn the_layout_is_deterministic_and_finite() {
    let case = sample_case();
    let orgs = org_ids(&case);
    let nodes: Vec<Node<'_>> = case
        .entities
        .iter()
        .map(|e| Node { entity: e, home: home(e, &orgs) })
        .collect();
    let a = layout::place(&orgs, &nodes);
    let b = layout::place(&orgs, &nodes);
    assert_eq!(a.nodes, b.nodes);
    assert!(
        a.nodes
            .iter()
            .chain(&a.orgs)
            .all(|p| p.0.is_finite() && p.1.is_finite())
    );
}
