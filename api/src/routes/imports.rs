//! The rentrée import over HTTP (docs/domain.md, "Rentrée import"): a CSV file posted by an
//! administrator of the structure, its report (JSON, and CSV to download); the activation slips
//! of a class (PDF). The work is `ImportDirectory` / `IssueClassActivationCodes` in
//! `ent_commands`; these handlers only carry bytes.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use ent_commands::command::Command;
use ent_commands::envelope::ParsedCommand;
use ent_commands::{CommandError, Executed};
use ent_domain::Actor;
use ent_domain::directory::activation::IssuedCode;
use ent_domain::directory::commands::{ImportDirectory, IssueClassActivationCodes};
use ent_domain::directory::events::{DirectoryImported, ImportKind};
use ent_domain::directory::import::ColumnMapping;
use ent_domain::usage::Service;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::spec::{Route, ServiceRoutes, binary_schema, schema, text_schema};
use crate::auth::Authenticated;
use crate::error::ApiError;
use crate::extract::{ApiPath, ApiQuery};
use crate::state::AppState;

/// The import and activation slip routes (writes).
pub fn routes() -> ServiceRoutes {
    ServiceRoutes::new(
        "directory",
        None,
        vec![
            Route::post("/api/v1/structures/{uai}/imports", post_import)
                .summary("Import a directory file (CSV: pupils, guardians or teachers) into a structure: every row accepted or reported; answers the report and the activation codes of the accounts created (once)")
                .path("uai", schema::uai(), "the structure's UAI")
                .query("kind", true, schema::one_of(&["pupils", "guardians", "teachers"]), "what the file lists")
                .query("mapping", false, schema::text(), "column names as JSON, e.g. {\"national_id\": \"ine\"} (docs/import.md)")
                .text_body("text/csv", "the file, UTF-8, `;` or `,` separated, with a header row")
                .ok::<ImportResponse>("the import's report")
                .errors(&[403, 404, 409, 422, 503]),
            Route::post("/api/v1/classes/{id}/activation-slips", post_slips)
                .summary("Issue fresh activation codes to the pupils of a class and their guardians (earlier codes stop working) and answer the slips to print, one per person")
                .path_uuid("id", "the class")
                .query("include_activated", false, schema::of::<bool>(), "also reset the accounts that already have a password")
                .answer(200, "the slips", "application/pdf", binary_schema)
                .errors(&[400, 403, 404, 409, 422, 503]),
        ],
    )
}

/// The read of an import's report (counted for the directory in the usage indicators).
pub fn read_routes() -> ServiceRoutes {
    ServiceRoutes::new(
        "directory",
        Some(Service::Directory),
        vec![
            Route::get("/api/v1/structures/{uai}/imports/{import_id}/report.csv", get_report_csv)
                .summary("The report of an import as CSV: its counts, then one line per rejected row (line, id, column, reason)")
                .path("uai", schema::uai(), "the structure's UAI")
                .path_uuid("import_id", "the import")
                .answer(200, "the report", "text/csv", text_schema)
                .errors(&[400, 404, 503]),
        ],
    )
}

/// The answer to an import.
#[derive(Serialize, schemars::JsonSchema)]
pub struct ImportResponse {
    pub import_id: Uuid,
    /// The file is the one the last import of this kind processed and nothing changed: nothing
    /// was appended, `report` is that import's.
    pub unchanged: bool,
    /// The log position of the import (0 when unchanged).
    pub position: u64,
    pub report: DirectoryImported,
    /// The codes of the accounts created, answered this once (docs/domain.md, "Activation codes").
    pub activation_codes: Vec<IssuedCode>,
}

#[derive(Deserialize)]
pub struct ImportParams {
    kind: Option<String>,
    #[serde(default)]
    mapping: Option<String>,
}

/// Runs `ImportDirectory` for `actor`, then reads its report back.
pub async fn run_import(state: &AppState, actor: &Actor, cmd: ImportDirectory) -> Result<ImportResponse, ApiError> {
    let uai = cmd.structure.clone();
    let parsed = ParsedCommand { command_id: Uuid::now_v7(), expected_version: None, command: Command::ImportDirectory(cmd) };
    let Executed { result, disclosed, .. } = state.handler.execute(actor, parsed, None).await.inspect_err(|e| {
        state.metrics.command("ImportDirectory", e.outcome());
    })?;
    state.metrics.command("ImportDirectory", "accepted");
    let import_id = result.created.get("import_id").copied().ok_or_else(|| ApiError::Internal("the import has no id".into()))?;
    let report = ent_commands::directory::import_report(state.handler.store(), actor, &uai, import_id).await?;
    Ok(ImportResponse { import_id, unchanged: result.event_ids.is_empty(), position: result.position, report, activation_codes: disclosed })
}

/// `POST /api/v1/structures/{uai}/imports?kind=`.
pub async fn post_import(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    ApiPath(uai): ApiPath<String>,
    ApiQuery(params): ApiQuery<ImportParams>,
    body: Bytes,
) -> Result<Json<ImportResponse>, ApiError> {
    let kind = match params.kind.as_deref() {
        Some("pupils") => ImportKind::Pupils,
        Some("guardians") => ImportKind::Guardians,
        Some("teachers") => ImportKind::Teachers,
        Some(_) => return Err(ApiError::bad_field("kind", "expected pupils, guardians or teachers")),
        None => return Err(ApiError::bad_field("kind", "required")),
    };
    let mapping: Option<ColumnMapping> = match params.mapping.as_deref() {
        Some(m) => Some(serde_json::from_str(m).map_err(|e| ApiError::bad_field("mapping", e.to_string()))?),
        None => None,
    };
    let csv = String::from_utf8(body.to_vec()).map_err(|_| ApiError::bad_field("body", "the file is not UTF-8 text"))?;
    let response = run_import(&state, &actor, ImportDirectory { structure: uai, kind, csv, mapping: mapping.map(Box::new) }).await?;
    tracing::info!(import = %response.import_id, unchanged = response.unchanged, "directory import");
    Ok(Json(response))
}

/// `GET /api/v1/structures/{uai}/imports/{import_id}/report.csv`.
pub async fn get_report_csv(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    ApiPath((uai, import_id)): ApiPath<(String, Uuid)>,
) -> Result<Response, ApiError> {
    let report = ent_commands::directory::import_report(state.handler.store(), &actor, &uai, import_id).await?;
    let mut response = report_csv(&report).into_response();
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("text/csv; charset=utf-8"));
    Ok(response)
}

/// The report as CSV: one `#` line of counts, a header, one line per rejected row.
pub fn report_csv(r: &DirectoryImported) -> String {
    let c = &r.counts;
    let mut out = format!(
        "# import {} ({}) of {} at {}, file sha256 {}: {} rows, {} accepted, {} rejected, {} created, {} updated, {} unchanged, {} deactivated\n",
        r.import_id,
        r.kind.as_str(),
        r.structure,
        r.at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        r.file_sha256,
        c.rows,
        c.accepted,
        c.rejected,
        c.created,
        c.updated,
        c.unchanged,
        c.deactivated
    );
    out.push_str("line;id;column;reason\n");
    for row in &r.rejected {
        let fields =
            [row.line.to_string(), row.external_id.clone().unwrap_or_default(), row.field.clone().unwrap_or_default(), row.reason.clone()];
        out.push_str(&fields.iter().map(|f| csv_field(f)).collect::<Vec<_>>().join(";"));
        out.push('\n');
    }
    out
}

fn csv_field(f: &str) -> String {
    if f.contains([';', '"', '\n', '\r']) { format!("\"{}\"", f.replace('"', "\"\"")) } else { f.to_string() }
}

#[derive(Deserialize)]
pub struct SlipParams {
    #[serde(default)]
    include_activated: Option<bool>,
}

/// `POST /api/v1/classes/{id}/activation-slips`.
pub async fn post_slips(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    headers: HeaderMap,
    ApiPath(class): ApiPath<Uuid>,
    ApiQuery(params): ApiQuery<SlipParams>,
) -> Result<Response, ApiError> {
    let cmd = IssueClassActivationCodes { class, include_activated: params.include_activated.unwrap_or(false) };
    let parsed = ParsedCommand { command_id: Uuid::now_v7(), expected_version: None, command: Command::IssueClassActivationCodes(cmd) };
    let executed = state.handler.execute(&actor, parsed, None).await.inspect_err(|e| {
        state.metrics.command("IssueClassActivationCodes", e.outcome());
    })?;
    state.metrics.command("IssueClassActivationCodes", "accepted");
    let structure = structure_name(&state, &executed).await?;
    let address = ent_address(&headers);
    let pdf = ent_projections::directory::slips::render_slips(&structure, &address, &executed.disclosed);
    let mut response = pdf.into_response();
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/pdf"));
    Ok(response)
}

/// The name of the structure whose accounts the command touched.
async fn structure_name(state: &AppState, executed: &Executed) -> Result<String, ApiError> {
    let uai = ent_domain::StreamId::parse(&executed.result.stream)
        .map(|s| s.structure)
        .ok_or_else(|| ApiError::Internal(format!("unexpected stream {}", executed.result.stream)))?;
    let s = ent_commands::context::load::<ent_domain::directory::StructureState>(
        state.handler.store(),
        ent_domain::directory::StructureState::stream(&uai),
    )
    .await
    .map_err(|e: CommandError| ApiError::from(e))?;
    Ok(if s.state.name.is_empty() { uai } else { s.state.name })
}

/// The ENT's address as the administrator reached it (the `Host` the request was sent to).
fn ent_address(headers: &HeaderMap) -> String {
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("localhost");
    let scheme = headers.get("x-forwarded-proto").and_then(|h| h.to_str().ok()).unwrap_or("https");
    format!("{scheme}://{host}/")
}
