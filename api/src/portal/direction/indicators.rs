//! The direction's home: the usage of its structure over the last four weeks (the same
//! `structure_indicators` query as `GET /api/v1/indicators/structures/{uai}`), drawn as SVG
//! charts with their numbers in tables beside them.

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use chrono::{Days, Utc};
use ent_domain::usage::{Granularity, Service};
use ent_projections::usage::{IndicatorQuery, queries};

use super::require_direction;
use crate::portal::charts;
use crate::portal::family::french_date;
use crate::portal::indicators::{DAYS, DayRow, ServiceRow, day_rows, per_day, per_service, profile_label, service_series};
use crate::portal::page::{PortalError, Shell, render};
use crate::portal::session::SignedIn;
use crate::state::AppState;

pub struct ProfileRow {
    pub profile: &'static str,
    pub connections: u64,
}

#[derive(Template)]
#[template(path = "direction_indicators.html")]
struct IndicatorsPage {
    shell: Shell,
    range: String,
    connections_chart: String,
    services_chart: String,
    days: Vec<DayRow>,
    services: Vec<ServiceRow>,
    profiles: Vec<ProfileRow>,
    total_connections: u64,
}

/// `GET /direction/indicateurs`, and the direction's `GET /`.
pub async fn page(State(state): State<AppState>, who: SignedIn) -> Result<Response, PortalError> {
    show(&state, &who).await
}

pub async fn show(state: &AppState, who: &SignedIn) -> Result<Response, PortalError> {
    require_direction(who)?;
    let to = Utc::now().date_naive();
    let from = to - Days::new(DAYS);
    let q = IndicatorQuery { from, to, service: None, profile: None, granularity: Granularity::Day };
    let ind = queries::structure_indicators(state.backend.read_models.as_ref(), &who.actor, &who.card.structure, &q).await?;
    let mut per_day_connections: BTreeMap<_, u64> = BTreeMap::new();
    let mut services: BTreeMap<Service, (u64, u64)> = BTreeMap::new();
    let mut profiles: BTreeMap<_, u64> = BTreeMap::new();
    for c in &ind.cells {
        *per_day_connections.entry(c.start).or_default() += c.connections;
        let s = services.entry(c.service).or_default();
        s.0 += c.reads;
        s.1 += c.actions.values().sum::<u64>();
        *profiles.entry(c.profile).or_default() += c.connections;
    }
    let connections = per_day(from, to, &per_day_connections);
    let total_connections = connections.values.iter().sum();
    let services = per_service(&services);
    let range = format!("du {} au {}", french_date(from), french_date(to));
    let connections_chart = charts::line(
        "connexions",
        "Connexions par jour",
        &format!("Connexions à l'ENT de l'établissement, {range} : {total_connections} au total ; le détail est dans le tableau qui suit."),
        &connections,
    )
    .map_err(|e| PortalError::Internal(e.to_string()))?;
    let services_chart = charts::bars(
        "services",
        "Consultations et actions par service",
        &format!("Activité de chaque service, {range} ; le détail est dans le tableau qui suit."),
        &service_series(&services),
    )
    .map_err(|e| PortalError::Internal(e.to_string()))?;
    Ok(render(&IndicatorsPage {
        shell: who.shell("Indicateurs de l'établissement", None),
        range,
        connections_chart,
        services_chart,
        days: day_rows(&connections),
        services,
        profiles: profiles
            .into_iter()
            .filter(|(_, n)| *n > 0)
            .map(|(p, n)| ProfileRow { profile: profile_label(p), connections: n })
            .collect(),
        total_connections,
    }))
}
