//! The web UI: the app page (`/`), the case page (`/cases/{key}`) and
//! the embedded assets (`/assets/{name}`). No CDN, nothing fetched from
//! elsewhere: the assets are compiled into the binary.
//!
//! The app page is a static shell with no data in it (it signs in,
//! uploads, and lists submissions and cases through the API). The case
//! page is rendered here from the stored case with the investigation
//! report's own sections (timeline, ATT&CK heat map, entity graph,
//! attribution, incidents, takeovers, IOCs), plus a findings table that
//! `app.js` filters; it needs a session and sends the browser to sign in
//! otherwise.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use counterspy_intel::Catalogue;
use counterspy_model::Case;
use counterspy_model::case::Activity;
use counterspy_report::case::{SCRIPT, STYLE, sections};

use super::cases::load;
use crate::auth::page_caller;
use crate::error::AppResult;
use crate::state::AppState;

const INDEX: &str = include_str!("../../assets/index.html");
const APP_JS: &str = include_str!("../../assets/app.js");
const APP_CSS: &str = include_str!("../../assets/app.css");

/// The most findings the case page lists (the API pages through all).
const MAX_ROWS: usize = 2000;

/// `GET /`: the app.
pub(crate) async fn index() -> Html<&'static str> {
    Html(INDEX)
}

/// `GET /assets/{name}`: one embedded asset, or 404.
pub(crate) async fn asset(Path(name): Path<String>) -> Response {
    let (body, kind) = match name.as_str() {
        "app.js" => (APP_JS, "text/javascript; charset=utf-8"),
        "app.css" => (APP_CSS, "text/css; charset=utf-8"),
        "report.css" => (STYLE, "text/css; charset=utf-8"),
        "report.js" => (SCRIPT, "text/javascript; charset=utf-8"),
        _ => return StatusCode::NOT_FOUND.into_response(),
    };
    ([(header::CONTENT_TYPE, kind), (header::CACHE_CONTROL, "no-cache")], body)
        .into_response()
}

/// `GET /cases/{key}`: the case page.
pub(crate) async fn case_page(
    State(state): State<AppState>,
    Path(key): Path<String>,
    headers: HeaderMap,
) -> AppResult<Response> {
    if page_caller(&state, &headers).await?.is_none() {
        let next = format!("/?next=/cases/{}", url_escape(&key));
        return Ok(Redirect::to(&next).into_response());
    }
    let case = load(&state, &key).await?;
    let page = tokio::task::spawn_blocking(move || render(&key, &case)).await;
    let page = page.map_err(crate::error::AppError::internal)?;
    Ok(Html(page).into_response())
}

fn render(key: &str, case: &Case) -> String {
    let attack = Catalogue::embedded();
    let mut out = head(key, case);
    let mut parts = sections(case, attack);
    let at = parts.iter().position(|s| s.id == "incidents");
    let findings = findings(case);
    out.push_str("<main>\n");
    for (n, s) in parts.drain(..).enumerate() {
        if Some(n) == at {
            out.push_str(&findings);
        }
        out.push_str(&format!(
            "<section id=\"{}\">\n<h2>{}</h2>\n{}</section>\n",
            s.id, s.title, s.body
        ));
    }
    if at.is_none() {
        out.push_str(&findings);
    }
    out.push_str(
        "</main>\n<script src=\"/assets/report.js\"></script>\n\
         <script src=\"/assets/app.js\"></script>\n</body>\n</html>\n",
    );
    out
}

fn head(key: &str, case: &Case) -> String {
    let k = esc(key);
    let api = format!("/api/cases/{}", url_escape(key));
    let exports: String = [
        ("stix", "STIX 2.1"),
        ("misp", "MISP"),
        ("navigator", "ATT&amp;CK layer"),
        ("jsonl", "JSON lines"),
        ("html", "HTML report"),
    ]
    .iter()
    .map(|(f, label)| {
        format!("<a class=\"button\" href=\"{api}/export/{f}\" download>{label}</a>")
    })
    .collect();
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"referrer\" content=\"no-referrer\">\n\
         <title>{} — counterspy</title>\n\
         <link rel=\"icon\" href=\"data:,\">\n\
         <link rel=\"stylesheet\" href=\"/assets/report.css\">\n\
         <link rel=\"stylesheet\" href=\"/assets/app.css\">\n</head>\n\
         <body class=\"case-page\" data-case=\"{k}\">\n\
         <header class=\"bar\"><a class=\"brand\" href=\"/\">counterspy</a>\
         <span class=\"where\">case <b>{k}</b> · {} activities · {} \
         incidents · {} campaigns</span>\
         <nav class=\"exports\" aria-label=\"Export\">{exports}</nav></header>\n",
        esc(if case.name.is_empty() { key } else { &case.name }),
        case.activities.len(),
        case.incidents.len(),
        case.campaigns.len(),
    )
}

fn findings(case: &Case) -> String {
    let mut rows = String::new();
    let mut shown: Vec<&Activity> = case.activities.iter().collect();
    shown
        .sort_by(|a, b| b.severity.cmp(&a.severity).then(a.time.cmp(&b.time)));
    for a in shown.iter().take(MAX_ROWS) {
        rows.push_str(&row(a));
    }
    let note = if case.activities.len() > MAX_ROWS {
        format!(
            "<p class=\"note\">The {MAX_ROWS} most severe of {} are shown; \
             the API pages through all of them.</p>",
            case.activities.len()
        )
    } else {
        String::new()
    };
    format!(
        "<section id=\"findings\">\n<h2>Findings and detections</h2>\n\
         <form class=\"filters\" id=\"finding-filters\">\
         <label>Severity at least <select name=\"severity\">\
         <option value=\"0\">info</option><option value=\"1\">low</option>\
         <option value=\"2\">medium</option><option value=\"3\">high</option>\
         <option value=\"4\">critical</option></select></label> \
         <label>Source <select name=\"source\"><option value=\"\">all</option>\
         <option value=\"finding\">findings</option>\
         <option value=\"detection\">detections</option></select></label> \
         <label>Organisation <select name=\"org\"><option value=\"\">all</option>{}\
         </select></label> \
         <label>Text <input type=\"search\" name=\"q\"></label> \
         <output name=\"count\"></output></form>\n\
         <div class=\"scroll\"><table id=\"findings-table\"><thead><tr>\
         <th>Time (UTC)</th><th>Organisation</th><th>Host</th><th>Severity</th>\
         <th>Source</th><th>What</th><th>ATT&amp;CK</th><th>Incident</th>\
         </tr></thead><tbody>\n{rows}</tbody></table></div>{note}</section>\n",
        org_options(case)
    )
}

fn org_options(case: &Case) -> String {
    case.organisations
        .iter()
        .map(|o| format!("<option value=\"{0}\">{0}</option>", esc(&o.id)))
        .collect()
}

fn row(a: &Activity) -> String {
    let source = match a.kind {
        counterspy_model::case::ActivityKind::Finding { .. } => "finding",
        counterspy_model::case::ActivityKind::Detection { .. } => "detection",
    };
    let rank = a.severity as u8;
    let techniques: Vec<&str> =
        a.techniques.iter().map(|t| t.as_str()).collect();
    let incident = a
        .incident
        .as_deref()
        .map(|i| format!("<a href=\"#incident-{0}\">{0}</a>", esc(i)))
        .unwrap_or_default();
    format!(
        "<tr data-severity=\"{rank}\" data-source=\"{source}\" \
         data-org=\"{}\"><td>{}</td><td>{}</td><td>{}</td>\
         <td><span class=\"sev sev-{}\">{}</span></td><td>{source}</td>\
         <td>{}</td><td>{}</td><td>{incident}</td></tr>\n",
        esc(&a.org),
        a.time.map(|t| t.to_string()).unwrap_or_default(),
        esc(&a.org),
        esc(a.host.as_deref().unwrap_or("")),
        a.severity.name(),
        a.severity.name(),
        esc(&a.title),
        esc(&techniques.join(" ")),
    )
}

/// HTML-escapes text and attribute values.
pub(crate) fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// Percent-escapes a path segment.
fn url_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"._-~".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_covers_markup_and_urls() {
        assert_eq!(
            esc("<a href='x'>&\"</a>"),
            "&lt;a href=&#39;x&#39;&gt;&amp;&quot;&lt;/a&gt;"
        );
        assert_eq!(url_escape("a/b c"), "a%2Fb%20c");
    }
}
