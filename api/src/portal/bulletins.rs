//! A child's published bulletins: the list on the child's page, each bulletin as a page and as
//! the same printable PDF as the API's. Read through `notes::queries::bulletin`, which shows
//! families a bulletin only once published.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use ent_projections::QueryError;
use ent_projections::notes::Bulletin;
use uuid::Uuid;

use super::family::french_date;
use super::page::{PortalError, Shell, parse_id, render};
use super::session::SignedIn;
use crate::state::AppState;

/// A published bulletin in a child's list.
pub struct BulletinLink {
    pub period: String,
    pub href: String,
    pub pdf: String,
    pub published: String,
}

/// The published bulletins of `pupil` in `structure`, periods in order.
pub async fn published(
    state: &AppState,
    who: &SignedIn,
    pupil: Uuid,
    structure: &str,
    today: NaiveDate,
) -> Result<Vec<BulletinLink>, PortalError> {
    let store = state.backend.read_models.as_ref();
    let tree = ent_projections::directory::queries::structure_tree(store, &who.actor, structure).await?;
    let mut out = Vec::new();
    for period in tree.periods.values().flat_map(|y| y.periods.iter()).filter(|p| p.start <= today) {
        match ent_projections::notes::queries::publication_date(store, &who.actor, pupil, period.period_id).await {
            Ok(Some(at)) => out.push(BulletinLink {
                period: period.name.clone(),
                href: format!("/eleves/{pupil}/bulletins/{}", period.period_id),
                pdf: format!("/eleves/{pupil}/bulletins/{}/pdf", period.period_id),
                published: french_date(at.date_naive()),
            }),
            // Not published yet, or no bulletin for that period: nothing to show.
            Ok(None) | Err(QueryError::NotFound(_)) => {}
            Err(e) => return Err(e.into()),
        }
    }
    Ok(out)
}

pub struct LineView {
    pub subject: String,
    pub teachers: String,
    pub coefficient: String,
    pub average: String,
    pub class_average: String,
    pub range: String,
    pub appreciation: String,
}

#[derive(Template)]
#[template(path = "bulletin.html")]
struct BulletinPage {
    shell: Shell,
    title: String,
    pupil_href: String,
    pdf: String,
    lines: Vec<LineView>,
    general_average: String,
    council: String,
    mention: String,
    absences: String,
    version: String,
}

fn number(v: Option<f64>) -> String {
    v.map(|v| format!("{v:.2}").replace('.', ",")).unwrap_or_else(|| "—".into())
}

async fn load(state: &AppState, who: &SignedIn, pupil: &str, period: &str) -> Result<(Uuid, Uuid, Bulletin), PortalError> {
    let (pupil, period) = (parse_id(pupil)?, parse_id(period)?);
    let store = state.backend.read_models.as_ref();
    // A bulletin the visitor may not read is "not found", like an unknown one (docs/domain.md, "Reading").
    let bulletin = ent_projections::notes::queries::bulletin(store, &who.actor, pupil, period).await?;
    Ok((pupil, period, bulletin))
}

/// `GET /eleves/{pupil}/bulletins/{period}`.
pub async fn page(
    State(state): State<AppState>,
    who: SignedIn,
    Path((pupil, period)): Path<(String, String)>,
) -> Result<Response, PortalError> {
    let (pupil, period, b) = load(&state, &who, &pupil, &period).await?;
    let lines = b
        .subjects
        .iter()
        .map(|l| LineView {
            subject: l.subject.name.clone(),
            teachers: l.teachers.iter().map(|t| format!("{} {}", t.first_name, t.last_name)).collect::<Vec<_>>().join(", "),
            coefficient: number(Some(l.coefficient)),
            average: number(l.pupil_average),
            class_average: number(l.class_average),
            range: match (l.class_min, l.class_max) {
                (Some(lo), Some(hi)) => format!("{} – {}", number(Some(lo)), number(Some(hi))),
                _ => "—".into(),
            },
            appreciation: l.appreciation.clone().unwrap_or_default(),
        })
        .collect();
    let a = &b.absences;
    let absences = match (a.half_days, a.unjustified_half_days, a.lates) {
        (Some(h), Some(u), Some(l)) => format!("{h} demi-journée(s) d'absence dont {u} non justifiée(s), {l} retard(s)"),
        _ => "—".into(),
    };
    let page = BulletinPage {
        shell: who.shell(format!("Bulletin {} — {}", b.period.name, b.pupil.name), Some(b.structure.name.clone())),
        title: format!("Bulletin du {} — {} ({})", b.period.name, b.pupil.name, b.class.name),
        pupil_href: format!("/eleves/{pupil}"),
        pdf: format!("/eleves/{pupil}/bulletins/{period}/pdf"),
        lines,
        general_average: number(b.general_average),
        council: b.council_appreciation.clone().unwrap_or_default(),
        mention: b.mention.map(|m| m.label().to_string()).unwrap_or_default(),
        absences,
        version: b.publication.version.map(|v| format!("version {v}")).unwrap_or_default(),
    };
    Ok(render(&page))
}

/// `GET /eleves/{pupil}/bulletins/{period}/pdf`: the printable bulletin.
pub async fn pdf(
    State(state): State<AppState>,
    who: SignedIn,
    Path((pupil, period)): Path<(String, String)>,
) -> Result<Response, PortalError> {
    let (_, _, b) = load(&state, &who, &pupil, &period).await?;
    let mut response = ent_projections::notes::pdf::render(&b).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/pdf"));
    let name = format!("attachment; filename=\"bulletin-{}.pdf\"", b.period.name.replace(|c: char| !c.is_ascii_alphanumeric(), "-"));
    if let Ok(v) = HeaderValue::from_str(&name) {
        headers.insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(response)
}
