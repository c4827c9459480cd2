//! The rectorat's home: the académie's usage over the last four weeks (the same
//! `academie_indicators` query as `GET /api/v1/indicators/academie`), as SVG charts and a table
//! where every suppressed cell (fewer than 5 distinct users, docs/domain.md "Usage indicators")
//! shows as "< 5", never as a number; and the CSV the API writes, as a download.

use std::collections::{BTreeMap, HashMap};

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{Days, Utc};
use ent_domain::usage::{Granularity, MIN_DISTINCT_USERS, Service};
use ent_projections::usage::{AcademieIndicators, IndicatorQuery, queries};

use super::charts;
use super::family::french_date;
use super::indicators::{
    DAYS, DayRow, ServiceRow, day_rows, per_day, per_service, profile_label, service_label, service_series, short_day,
};
use super::page::{PortalError, Shell, error_page, render};
use super::session::SignedIn;
use crate::routes::usage::{academie_csv, csv_response, parse_query};
use crate::state::AppState;

/// One cell of the académie table.
pub struct CellRow {
    pub day: String,
    pub service: &'static str,
    pub profile: &'static str,
    pub users: String,
    pub connections: String,
    pub reads: String,
    pub suppressed: bool,
}

#[derive(Template)]
#[template(path = "rectorat.html")]
struct RectoratPage {
    shell: Shell,
    range: String,
    csv_href: String,
    threshold: u64,
    connections_chart: String,
    services_chart: String,
    days: Vec<DayRow>,
    services: Vec<ServiceRow>,
    cells: Vec<CellRow>,
    suppressed: usize,
}

fn shown(n: Option<u64>, suppressed: bool) -> String {
    if suppressed { format!("< {MIN_DISTINCT_USERS}") } else { n.map(|n| n.to_string()).unwrap_or_default() }
}

fn cell_rows(ind: &AcademieIndicators) -> Vec<CellRow> {
    let mut rows: Vec<CellRow> = ind
        .cells
        .iter()
        .rev()
        .map(|c| CellRow {
            day: short_day(c.start),
            service: service_label(c.service),
            profile: profile_label(c.profile),
            users: shown(c.distinct_users, c.suppressed),
            connections: if c.suppressed { "masqué".into() } else { shown(c.connections, false) },
            reads: if c.suppressed { "masqué".into() } else { shown(c.reads, false) },
            suppressed: c.suppressed,
        })
        .collect();
    rows.truncate(200);
    rows
}

/// `GET /rectorat/indicateurs`, and the rectorat's `GET /`.
pub async fn page(State(state): State<AppState>, who: SignedIn) -> Result<Response, PortalError> {
    show(&state, &who).await
}

pub async fn show(state: &AppState, who: &SignedIn) -> Result<Response, PortalError> {
    let to = Utc::now().date_naive();
    let from = to - Days::new(DAYS);
    let q = IndicatorQuery { from, to, service: None, profile: None, granularity: Granularity::Day };
    let ind = queries::academie_indicators(state.backend.read_models.as_ref(), &who.actor, &q).await?;
    let mut per_day_connections = BTreeMap::new();
    let mut services: BTreeMap<Service, (u64, u64)> = BTreeMap::new();
    for c in ind.cells.iter().filter(|c| !c.suppressed) {
        *per_day_connections.entry(c.start).or_insert(0u64) += c.connections.unwrap_or(0);
        let s = services.entry(c.service).or_default();
        s.0 += c.reads.unwrap_or(0);
        s.1 += c.actions.as_ref().map(|a| a.values().sum::<u64>()).unwrap_or(0);
    }
    let connections = per_day(from, to, &per_day_connections);
    let services = per_service(&services);
    let range = format!("du {} au {}", french_date(from), french_date(to));
    let connections_chart = charts::line(
        "connexions-academie",
        "Connexions par jour dans l'académie",
        &format!(
            "Connexions {range}, hors cellules de moins de {MIN_DISTINCT_USERS} utilisateurs ; le détail est dans le tableau qui suit."
        ),
        &connections,
    )
    .map_err(|e| PortalError::Internal(e.to_string()))?;
    let services_chart = charts::bars(
        "services-academie",
        "Consultations et actions par service",
        &format!("Activité de chaque service {range}, hors cellules masquées ; le détail est dans le tableau qui suit."),
        &service_series(&services),
    )
    .map_err(|e| PortalError::Internal(e.to_string()))?;
    let cells = cell_rows(&ind);
    Ok(render(&RectoratPage {
        shell: who.shell("Indicateurs de l'académie", Some("Académie".into())),
        csv_href: format!("/rectorat/indicateurs.csv?from={from}&to={to}&granularity=day"),
        range,
        threshold: MIN_DISTINCT_USERS,
        connections_chart,
        services_chart,
        days: day_rows(&connections),
        services,
        suppressed: cells.iter().filter(|c| c.suppressed).count(),
        cells,
    }))
}

/// `GET /rectorat/indicateurs.csv`: the API's CSV (same query, same writer: suppressed cells
/// have `suppressed` = true and empty numbers), as an attachment.
pub async fn csv(
    State(state): State<AppState>,
    who: SignedIn,
    Query(params): Query<HashMap<String, String>>,
) -> Result<Response, PortalError> {
    let q = match parse_query(&params, Utc::now().date_naive()) {
        Ok(q) => q,
        Err(e) => return Ok(error_page(StatusCode::BAD_REQUEST, Some(e.detail()))),
    };
    let ind = queries::academie_indicators(state.backend.read_models.as_ref(), &who.actor, &q).await?;
    Ok(csv_response(academie_csv(&ind), &format!("indicators-academie-{}-{}.csv", q.from, q.to)))
}
