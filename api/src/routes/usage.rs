//! Usage indicators: a structure's (direction, ADMLs) and the académie's (rectorat), as JSON or,
//! with `Accept: text/csv`, as CSV (header row, one row per cell).

use std::collections::{BTreeSet, HashMap};

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use ent_domain::PLATFORM;
use ent_domain::directory::{Profile, normalize_uai};
use ent_domain::usage::{Granularity, Service};
use ent_projections::usage::{self, AcademieIndicators, IndicatorQuery, StructureIndicators, queries};

use super::await_position;
use super::spec::{Route, ServiceRoutes, schema, text_schema};
use crate::auth::Authenticated;
use crate::error::ApiError;
use crate::extract::{ApiPath, ApiQuery};
use crate::state::AppState;

/// The longest range one query may cover, in days.
const MAX_RANGE_DAYS: i64 = 366;
/// Days covered when `from` is not given: the 30 days up to `to`.
const DEFAULT_RANGE_DAYS: u64 = 29;

/// Reads `from`, `to`, `service`, `profile`, `granularity`; a bad value is a 400 naming it.
pub fn parse_query(params: &HashMap<String, String>, today: NaiveDate) -> Result<IndicatorQuery, ApiError> {
    for key in params.keys() {
        if !matches!(key.as_str(), "from" | "to" | "service" | "profile" | "granularity") {
            return Err(ApiError::bad_field(key, "unknown parameter; expected from, to, service, profile or granularity"));
        }
    }
    let date = |field: &str| -> Result<Option<NaiveDate>, ApiError> {
        params.get(field).map(|s| s.parse().map_err(|_| ApiError::bad_field(field, "expected a date YYYY-MM-DD"))).transpose()
    };
    let to = date("to")?.unwrap_or(today);
    let from = date("from")?.unwrap_or(to - chrono::Days::new(DEFAULT_RANGE_DAYS));
    if from > to {
        return Err(ApiError::bad_field("from", "must not be after `to`"));
    }
    if (to - from).num_days() >= MAX_RANGE_DAYS {
        return Err(ApiError::bad_field("to", format!("a query covers at most {MAX_RANGE_DAYS} days")));
    }
    let service = params
        .get("service")
        .map(|s| s.parse::<Service>().map_err(|_| ApiError::bad_field("service", format!("unknown service {s:?}"))))
        .transpose()?;
    let profile = params
        .get("profile")
        .map(|s| Profile::parse(s).ok_or_else(|| ApiError::bad_field("profile", format!("unknown profile {s:?}"))))
        .transpose()?;
    let granularity = match params.get("granularity") {
        None => Granularity::Day,
        Some(s) => Granularity::parse(s).ok_or_else(|| ApiError::bad_field("granularity", "expected day, week or month"))?,
    };
    Ok(IndicatorQuery { from, to, service, profile, granularity })
}

fn wants_csv(headers: &HeaderMap) -> bool {
    headers.get(header::ACCEPT).and_then(|h| h.to_str().ok()).is_some_and(|a| a.contains("text/csv"))
}

pub(crate) fn csv_response(body: String, filename: &str) -> Response {
    let mut response = body.into_response();
    let h = response.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/csv; charset=utf-8"));
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{filename}\"")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    response
}

/// `GET /api/v1/indicators/structures/{uai}`.
pub async fn structure(
    State(s): State<AppState>,
    Authenticated(actor): Authenticated,
    headers: HeaderMap,
    ApiPath(uai): ApiPath<String>,
    ApiQuery(params): ApiQuery<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    let uai = if uai == PLATFORM { uai } else { normalize_uai(&uai).map_err(|_| ApiError::bad_field("uai", "7 digits and a letter"))? };
    let q = parse_query(&params, chrono::Utc::now().date_naive())?;
    await_position(&s, &headers, usage::NAME).await?;
    let indicators = queries::structure_indicators(s.backend.read_models.as_ref(), &actor, &uai, &q).await?;
    Ok(if wants_csv(&headers) {
        csv_response(structure_csv(&indicators), &format!("indicators-{uai}-{}-{}.csv", q.from, q.to))
    } else {
        Json(indicators).into_response()
    })
}

/// `GET /api/v1/indicators/academie`.
pub async fn academie(
    State(s): State<AppState>,
    Authenticated(actor): Authenticated,
    headers: HeaderMap,
    ApiQuery(params): ApiQuery<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    let q = parse_query(&params, chrono::Utc::now().date_naive())?;
    await_position(&s, &headers, usage::NAME).await?;
    let indicators = queries::academie_indicators(s.backend.read_models.as_ref(), &actor, &q).await?;
    Ok(if wants_csv(&headers) {
        csv_response(academie_csv(&indicators), &format!("indicators-academie-{}-{}.csv", q.from, q.to))
    } else {
        Json(indicators).into_response()
    })
}

/// The indicators' routes (reads of the indicators count for the administration service).
pub fn routes() -> ServiceRoutes {
    let filters = |r: Route| {
        r.query("from", false, schema::date(), "first day (default: 29 days before `to`)")
            .query("to", false, schema::date(), "last day (default today); a query covers at most 366 days")
            .query("service", false, schema::of::<Service>(), "only this service")
            .query("profile", false, schema::of::<Profile>(), "only this profile")
            .query("granularity", false, schema::one_of(&["day", "week", "month"]), "cells per day (default), week or month")
            .min_position()
            .errors(&[400, 403, 404, 503])
    };
    ServiceRoutes::new(
        "usage",
        Some(Service::Admin),
        vec![
            filters(
                Route::get("/api/v1/indicators/structures/{uai}", structure)
                    .summary("Usage indicators of a structure per period × service × profile (direction, ADML, platform admin); CSV with `Accept: text/csv`")
                    .path("uai", schema::uai(), "the structure's UAI")
                    .ok::<StructureIndicators>("the indicators")
                    .answer(200, "the indicators", "text/csv", text_schema),
            ),
            filters(
                Route::get("/api/v1/indicators/academie", academie)
                    .summary("Usage indicators summed over the académie's structures, cells under 5 distinct users suppressed (rectorat, platform admin); CSV with `Accept: text/csv`")
                    .ok::<AcademieIndicators>("the indicators")
                    .answer(200, "the indicators", "text/csv", text_schema),
            ),
        ],
    )
}

/// Quotes a CSV field when it needs it (RFC 4180).
fn field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) { format!("\"{}\"", s.replace('"', "\"\"")) } else { s.to_string() }
}

fn line(fields: impl IntoIterator<Item = String>) -> String {
    let mut out = fields.into_iter().map(|f| field(&f)).collect::<Vec<_>>().join(",");
    out.push_str("\r\n");
    out
}

/// One `actions.<kind>` column per action kind present in the answer, sorted.
fn action_columns<'a>(actions: impl Iterator<Item = &'a std::collections::BTreeMap<String, u64>>) -> Vec<String> {
    actions.flat_map(|a| a.keys().cloned()).collect::<BTreeSet<_>>().into_iter().collect()
}

fn header_line(first: &[&str], kinds: &[String]) -> String {
    line(first.iter().map(|s| s.to_string()).chain(kinds.iter().map(|k| format!("actions.{k}"))))
}

/// The structure's cells as CSV.
pub fn structure_csv(ind: &StructureIndicators) -> String {
    let kinds = action_columns(ind.cells.iter().map(|c| &c.actions));
    let mut out = header_line(&["period", "start", "service", "profile", "connections", "distinct_users", "reads"], &kinds);
    for c in &ind.cells {
        let fixed = [
            c.period.clone(),
            c.start.to_string(),
            c.service.to_string(),
            c.profile.as_str().to_string(),
            c.connections.to_string(),
            c.distinct_users.to_string(),
            c.reads.to_string(),
        ];
        out.push_str(&line(fixed.into_iter().chain(kinds.iter().map(|k| c.actions.get(k).copied().unwrap_or(0).to_string()))));
    }
    out
}

/// The académie's cells as CSV; a suppressed cell has empty numbers and `suppressed` = true.
pub fn academie_csv(ind: &AcademieIndicators) -> String {
    let kinds = action_columns(ind.cells.iter().filter_map(|c| c.actions.as_ref()));
    let mut out = header_line(&["period", "start", "service", "profile", "suppressed", "connections", "distinct_users", "reads"], &kinds);
    let num = |n: Option<u64>| n.map(|n| n.to_string()).unwrap_or_default();
    for c in &ind.cells {
        let fixed = [
            c.period.clone(),
            c.start.to_string(),
            c.service.to_string(),
            c.profile.as_str().to_string(),
            c.suppressed.to_string(),
            num(c.connections),
            num(c.distinct_users),
            num(c.reads),
        ];
        let actions = kinds.iter().map(|k| num(c.actions.as_ref().map(|a| a.get(k).copied().unwrap_or(0))));
        out.push_str(&line(fixed.into_iter().chain(actions)));
    }
    out
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use ent_projections::usage::AcademieRow;

    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn params(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    fn bad_field(r: Result<IndicatorQuery, ApiError>) -> String {
        match r {
            Err(ApiError::BadRequest(errors)) => errors[0].field.clone(),
            other => panic!("expected a 400, got {other:?}"),
        }
    }

    #[test]
    fn query_defaults_to_the_last_thirty_days_by_day() {
        let q = parse_query(&params(&[]), d("2026-10-31")).unwrap();
        assert_eq!((q.from, q.to, q.granularity, q.service, q.profile), (d("2026-10-02"), d("2026-10-31"), Granularity::Day, None, None));
        let q =
            parse_query(&params(&[("service", "vie_scolaire"), ("profile", "eleve"), ("granularity", "week")]), d("2026-10-31")).unwrap();
        assert_eq!((q.service, q.profile, q.granularity), (Some(Service::VieScolaire), Some(Profile::Eleve), Granularity::Week));
    }

    #[test]
    fn bad_query_parameter_is_named() {
        let today = d("2026-10-31");
        assert_eq!(bad_field(parse_query(&params(&[("from", "31/10/2026")]), today)), "from");
        assert_eq!(bad_field(parse_query(&params(&[("to", "x")]), today)), "to");
        assert_eq!(bad_field(parse_query(&params(&[("from", "2026-11-01"), ("to", "2026-10-01")]), today)), "from");
        assert_eq!(bad_field(parse_query(&params(&[("from", "2024-01-01"), ("to", "2026-10-01")]), today)), "to");
        assert_eq!(bad_field(parse_query(&params(&[("service", "cantine")]), today)), "service");
        assert_eq!(bad_field(parse_query(&params(&[("profile", "inspecteur")]), today)), "profile");
        assert_eq!(bad_field(parse_query(&params(&[("granularity", "year")]), today)), "granularity");
        assert_eq!(bad_field(parse_query(&params(&[("uai", "0751234A")]), today)), "uai");
    }

    #[test]
    fn academie_csv_leaves_suppressed_cells_empty() {
        let row = |suppressed: bool| AcademieRow {
            period: "2026-10".into(),
            start: d("2026-10-01"),
            service: Service::VieScolaire,
            profile: Profile::Parent,
            suppressed,
            connections: (!suppressed).then_some(12),
            distinct_users: (!suppressed).then_some(6),
            reads: (!suppressed).then_some(30),
            actions: (!suppressed).then(|| BTreeMap::from([("absences_justified".to_string(), 2)])),
        };
        let ind = AcademieIndicators {
            from: d("2026-10-01"),
            to: d("2026-10-31"),
            granularity: Granularity::Month,
            min_distinct_users: 5,
            cells: vec![row(false), row(true)],
        };
        assert_eq!(
            academie_csv(&ind),
            "period,start,service,profile,suppressed,connections,distinct_users,reads,actions.absences_justified\r\n\
             2026-10,2026-10-01,vie_scolaire,parent,false,12,6,30,2\r\n\
             2026-10,2026-10-01,vie_scolaire,parent,true,,,,\r\n"
        );
    }

    #[test]
    fn csv_fields_are_quoted_when_needed() {
        assert_eq!(field("a,b"), "\"a,b\"");
        assert_eq!(field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(field("plain"), "plain");
    }
}
