//! `#incidents`: per organisation, each incident with its hosts, users,
//! time span, kill chain and activity table.

use counterspy_intel::Catalogue;
use counterspy_model::Case;
use counterspy_model::case::{Activity, ActivityKind, Incident};

use super::escape::{self, NAME, TEXT, esc};
use super::{killchain, markup};

/// Incidents shown in full; the rest are listed in one table.
const MAX_DETAILED: usize = 40;
/// Activity rows per incident.
const MAX_ROWS: usize = 50;
/// Rows of the table of the other incidents.
const MAX_LISTED: usize = 2000;

/// The section body.
pub(crate) fn render(case: &Case, catalogue: &Catalogue) -> String {
    if case.incidents.is_empty() {
        return markup::empty("No incidents.");
    }
    let mut order: Vec<&Incident> = case.incidents.iter().collect();
    order.sort_by_key(|i| org_rank(case, &i.org));
    let (detailed, rest) = order.split_at(MAX_DETAILED.min(order.len()));
    let mut out = String::new();
    let mut current: Option<&str> = None;
    for incident in detailed {
        if current != Some(incident.org.as_str()) {
            current = Some(&incident.org);
            out.push_str(&org_heading(case, &incident.org));
        }
        out.push_str(&card(case, incident, catalogue));
    }
    out.push_str(&others(rest));
    out
}

fn org_rank(case: &Case, org: &str) -> usize {
    case.organisations
        .iter()
        .position(|o| o.id == org)
        .unwrap_or(case.organisations.len())
}

fn org_heading(case: &Case, org: &str) -> String {
    let name = case
        .organisation(org)
        .filter(|o| !o.name.is_empty())
        .map_or(org, |o| o.name.as_str());
    format!(
        "<h3 class=\"org-head\">{} <span class=\"id\">{}</span></h3>\n",
        esc(name, NAME),
        esc(org, NAME)
    )
}

fn card(case: &Case, i: &Incident, catalogue: &Catalogue) -> String {
    let campaign = i.campaign.as_deref().map_or_else(
        || "—".to_string(),
        |c| format!("<a href=\"#cmp-{0}\">{0}</a>", esc(c, NAME)),
    );
    format!(
        "<article class=\"incident\" id=\"incident-{id}\">\n<h4>{sev} \
         <span class=\"iid\">{id}</span> {title}</h4>\n<dl class=\"facts\">\
         <dt>Time span</dt><dd>{span}</dd><dt>Hosts</dt><dd>{hosts}</dd>\
         <dt>Users</dt><dd>{users}</dd><dt>Campaign</dt><dd>{campaign}</dd>\
         <dt>Activities</dt><dd>{n}</dd></dl>\n{chain}{table}</article>\n",
        id = esc(&i.id, NAME),
        sev = markup::severity(i.severity),
        title = esc(&i.title, TEXT),
        span = escape::span(i.first, i.last),
        hosts = escape::list(&i.hosts, NAME, 20),
        users = escape::list(&i.users, NAME, 20),
        n = escape::count(i.activities.len()),
        chain = killchain::render(&i.kill_chain, catalogue),
        table = activities(case, i, catalogue),
    )
}

fn activities(case: &Case, i: &Incident, catalogue: &Catalogue) -> String {
    let rows: Vec<String> = case
        .activities_of(i)
        .take(MAX_ROWS)
        .map(|a| activity_row(case, a, catalogue))
        .collect();
    let mut out = markup::table(
        "activities",
        &[
            "Time",
            "Host",
            "User",
            "Severity",
            "Activity",
            "Techniques",
            "Source",
        ],
        &rows,
        false,
    );
    out.push_str(&markup::capped(
        rows.len(),
        i.activities.len(),
        "activities",
    ));
    out
}

fn activity_row(case: &Case, a: &Activity, catalogue: &Catalogue) -> String {
    markup::row(&[
        format!(
            "<span class=\"nowrap\">{}</span>",
            escape::maybe_time(a.time)
        ),
        esc(a.host.as_deref().unwrap_or("—"), NAME),
        esc(a.user.as_deref().unwrap_or("—"), NAME),
        markup::severity(a.severity),
        format!("{}{}", esc(&a.title, TEXT), detail(a)),
        markup::techniques(catalogue, &a.techniques),
        source(case, a),
    ])
}

/// The finding's message or the detection's telling fields.
fn detail(a: &Activity) -> String {
    let text = match &a.kind {
        ActivityKind::Finding { finding, .. } => finding.message.clone(),
        ActivityKind::Detection { detection } => detection.details_line(),
    };
    if text.is_empty() {
        return String::new();
    }
    format!("<div class=\"detail\"><code>{}</code></div>", esc(&text, 300))
}

/// The evidence file, and the object or record inside it.
fn source(case: &Case, a: &Activity) -> String {
    let file =
        case.evidence.get(a.evidence).map_or("—", |e| e.path.as_str());
    let inner = match &a.kind {
        ActivityKind::Finding { object, .. } => object.as_str(),
        ActivityKind::Detection { detection } => detection.source.as_str(),
    };
    format!(
        "<code class=\"value\">{}</code><div class=\"detail\">{}</div>",
        esc(file, TEXT),
        esc(inner, TEXT)
    )
}

fn others(rest: &[&Incident]) -> String {
    if rest.is_empty() {
        return String::new();
    }
    let rows: Vec<String> = rest
        .iter()
        .take(MAX_LISTED)
        .map(|i| {
            markup::row(&[
                esc(&i.id, NAME),
                esc(&i.org, NAME),
                markup::severity(i.severity),
                esc(&i.title, TEXT),
                escape::span(i.first, i.last),
                escape::count(i.activities.len()),
            ])
        })
        .collect();
    let mut out = format!(
        "<h3>Other incidents</h3>\n<p class=\"note\">{} more incidents, \
         listed without their kill chains and activities.</p>\n",
        escape::count(rest.len())
    );
    out.push_str(&markup::table(
        "incidents-rest",
        &[
            "Incident",
            "Organisation",
            "Severity",
            "Title",
            "Time span",
            "Activities",
        ],
        &rows,
        true,
    ));
    out.push_str(&markup::capped(rows.len(), rest.len(), "incidents"));
    out
}
