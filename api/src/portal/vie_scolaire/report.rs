//! The monthly absenteeism report (article L131-8 of the Code de l'éducation, docs/domain.md):
//! pupils with four or more unjustified half-days in the month
//! (`vie_scolaire::queries::absenteeism_report`).

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use chrono::{Datelike, NaiveDate, Utc};
use serde::Deserialize;

use super::super::family::french_date;
use super::super::page::{PortalError, Shell, render};
use super::super::session::SignedIn;
use crate::state::AppState;

#[derive(Deserialize)]
pub struct MonthParam {
    mois: Option<String>,
}

pub struct ReportedView {
    pub name: String,
    pub class: String,
    pub count: usize,
    pub days: String,
}

#[derive(Template)]
#[template(path = "vie_scolaire_report.html")]
struct ReportPage {
    shell: Shell,
    month: String,
    month_label: String,
    threshold: usize,
    pupils: Vec<ReportedView>,
    error: Option<String>,
}

const MONTHS: [&str; 12] =
    ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"];

/// `GET /vie-scolaire/signalements?mois=YYYY-MM`.
pub async fn page(State(state): State<AppState>, who: SignedIn, Query(q): Query<MonthParam>) -> Result<Response, PortalError> {
    if !who.is_vie_scolaire() {
        return Err(PortalError::Forbidden);
    }
    let today = Utc::now().date_naive();
    let (first, error) = match q.mois.as_deref() {
        None => (today.with_day(1).unwrap_or(today), None),
        Some(raw) => match NaiveDate::parse_from_str(&format!("{raw}-01"), "%Y-%m-%d") {
            Ok(d) => (d, None),
            Err(_) => {
                (today.with_day(1).unwrap_or(today), Some(format!("« {raw} » n'est pas un mois (AAAA-MM) : voici le mois en cours.")))
            }
        },
    };
    let uai = who.card.structure.clone();
    let r = ent_projections::vie_scolaire::queries::absenteeism_report(
        state.backend.read_models.as_ref(),
        &who.actor,
        &uai,
        first.year(),
        first.month(),
    )
    .await?;
    let pupils = r
        .pupils
        .iter()
        .map(|p| ReportedView {
            name: format!("{} {}", p.first_name, p.last_name),
            class: p.class_name.clone().unwrap_or_default(),
            count: p.half_days.len(),
            days: p.half_days.iter().map(|h| french_date(h.date)).collect::<Vec<_>>().join(", "),
        })
        .collect();
    let page = ReportPage {
        shell: who.shell("Signalements d'absentéisme", None),
        month: first.format("%Y-%m").to_string(),
        month_label: format!("{} {}", MONTHS[first.month0() as usize], first.year()),
        threshold: r.threshold,
        pupils,
        error,
    };
    Ok(render(&page))
}
