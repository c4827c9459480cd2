//! The vie scolaire's day: who is absent today (from the roll calls and the absences the CPE
//! recorded), how many justifications wait, links to the report and the punishments
//! (`vie_scolaire::queries::dashboard`).

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use chrono::{NaiveDate, Utc};
use serde::Deserialize;

use super::super::family::french_date;
use super::super::page::{PortalError, Shell, render};
use super::super::session::SignedIn;
use crate::state::AppState;

#[derive(Deserialize)]
pub struct DayParam {
    date: Option<String>,
}

pub struct AbsenteeView {
    pub name: String,
    pub class: String,
    pub what: String,
}

#[derive(Template)]
#[template(path = "vie_scolaire_day.html")]
struct DayPage {
    shell: Shell,
    day: String,
    date: String,
    absentees: Vec<AbsenteeView>,
    pending: usize,
    month: String,
}

/// `GET /vie-scolaire?date=`: also the home page of the CPE.
pub async fn page(State(state): State<AppState>, who: SignedIn, Query(q): Query<DayParam>) -> Result<Response, PortalError> {
    day(&state, &who, q.date.as_deref().and_then(|d| d.parse().ok()).unwrap_or_else(|| Utc::now().date_naive())).await
}

/// The dashboard of `date`.
pub async fn day(state: &AppState, who: &SignedIn, date: NaiveDate) -> Result<Response, PortalError> {
    if !who.is_vie_scolaire() {
        return Err(PortalError::Forbidden);
    }
    let uai = who.card.structure.clone();
    let d = ent_projections::vie_scolaire::queries::dashboard(state.backend.read_models.as_ref(), &who.actor, &uai, date).await?;
    let absentees = d
        .absentees
        .iter()
        .map(|a| {
            let mut what = Vec::new();
            if a.lessons_missed > 0 {
                what.push(format!("{} cours manqué(s)", a.lessons_missed));
            }
            for h in &a.halves_recorded {
                what.push(if *h == ent_domain::vie_scolaire::Half::Am { "matin signalé".into() } else { "après-midi signalé".into() });
            }
            AbsenteeView {
                name: format!("{} {}", a.first_name, a.last_name),
                class: a.class_name.clone().unwrap_or_default(),
                what: what.join(", "),
            }
        })
        .collect();
    let page = DayPage {
        shell: who.shell("Vie scolaire", None),
        day: french_date(date),
        date: date.to_string(),
        absentees,
        pending: d.pending_justifications.len(),
        month: date.format("%Y-%m").to_string(),
    };
    Ok(render(&page))
}
