//! Grades: a class's evaluations of one subject and period, a form to create one
//! (`CreateEvaluation`), and the grade entry grid of an evaluation (`RecordGrades` for every pupil
//! typed, all or nothing). A cell takes a number (comma or dot) or a status Abs/Disp/NR/NN; the
//! portal only reads what was typed to build the command — whether a value fits the scale is the
//! domain's rule (docs/domain.md, "Notes") — and a refused grid comes back with every value typed
//! and each error next to its cell.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{NaiveDate, Utc};
use ent_commands::FieldError;
use ent_domain::directory::events::Period;
use ent_domain::notes::{GradeStatus, Hundredths};
use ent_projections::notes::{EvaluationDoc, GradeCell, GradeTable};
use serde::Deserialize;
use serde_json::{Value, json};
use uuid::Uuid;

use super::super::assets::js_href;
use super::super::family::french_date;
use super::super::forms::{self, FormData, Rejected, message_for};
use super::super::page::{PortalError, Shell, parse_id, render};
use super::super::session::{SignedIn, command_id};
use crate::state::AppState;

const READS: [&str; 1] = [ent_projections::notes::NAME];

#[derive(Deserialize)]
pub struct PeriodQuery {
    pub periode: Option<String>,
    pub apres: Option<u64>,
}

pub struct PeriodLink {
    pub name: String,
    pub href: String,
    pub current: bool,
}

pub struct EvaluationLine {
    pub title: String,
    pub date: String,
    pub scale: u32,
    pub graded: usize,
    pub href: String,
}

/// The creation form, with what was typed and the errors of a refused post.
pub struct NewEvaluation {
    pub command_id: String,
    pub evaluation_id: String,
    pub title: String,
    pub date: String,
    pub scale: String,
    pub coefficient: String,
    pub errors: Vec<(String, String)>,
}

impl NewEvaluation {
    pub fn error(&self, field: &str) -> Option<&str> {
        self.errors.iter().find(|(f, _)| f == field).map(|(_, m)| m.as_str())
    }
}

#[derive(Template)]
#[template(path = "evaluations.html")]
struct EvaluationsPage {
    shell: Shell,
    csrf: String,
    heading: String,
    period_name: String,
    period_id: String,
    periods: Vec<PeriodLink>,
    evaluations: Vec<EvaluationLine>,
    action: String,
    form: NewEvaluation,
    error: Option<String>,
}

pub struct GridRow {
    pub index: usize,
    pub pupil: String,
    pub name: String,
    /// The grade already recorded (corrections are made one by one, elsewhere).
    pub recorded: Option<String>,
    pub typed: String,
    pub error: Option<String>,
}

#[derive(Template)]
#[template(path = "grades.html")]
struct GridPage {
    shell: Shell,
    csrf: String,
    js: &'static str,
    command_id: String,
    heading: String,
    details: String,
    scale: u32,
    action: String,
    back_href: String,
    rows: Vec<GridRow>,
    to_grade: usize,
    error: Option<String>,
}

fn periods_of(tree: &ent_projections::directory::StructureTree) -> Vec<Period> {
    let mut periods: Vec<Period> = tree.periods.values().flat_map(|y| y.periods.iter().cloned()).collect();
    periods.sort_by_key(|p| p.start);
    periods
}

/// The period asked for, else the one of today, else the last one begun, else the first.
fn chosen_period(periods: &[Period], asked: Option<&str>, today: NaiveDate) -> Option<Period> {
    let asked = asked.and_then(|p| Uuid::parse_str(p).ok());
    asked
        .and_then(|id| periods.iter().find(|p| p.period_id == id))
        .or_else(|| periods.iter().find(|p| p.start <= today && today <= p.end))
        .or_else(|| periods.iter().rfind(|p| p.start <= today))
        .or_else(|| periods.first())
        .cloned()
}

/// Hundredths written the French way: "15", "15,5", "15,25".
fn french_number(h: Hundredths) -> String {
    super::super::family::french_number(h.0)
}

fn status_label(s: GradeStatus) -> &'static str {
    match s {
        GradeStatus::Abs => "Abs",
        GradeStatus::Disp => "Disp",
        GradeStatus::Nr => "NR",
        GradeStatus::Nn => "NN",
    }
}

fn cell_text(cell: &GradeCell) -> String {
    match (cell.status, cell.value) {
        (Some(s), _) => status_label(s).to_string(),
        (None, Some(v)) => french_number(v),
        (None, None) => "—".into(),
    }
}

/// What a teacher typed in a cell, as the command's row: `None` for an empty cell, an error for
/// text that is neither a number nor a status.
pub fn parse_cell(typed: &str) -> Option<Result<Value, &'static str>> {
    let t = typed.trim();
    if t.is_empty() {
        return None;
    }
    let status = match t.to_ascii_uppercase().as_str() {
        "ABS" => Some("Abs"),
        "DISP" => Some("Disp"),
        "NR" => Some("NR"),
        "NN" => Some("NN"),
        _ => None,
    };
    if let Some(s) = status {
        return Some(Ok(json!({"status": s})));
    }
    match t.replace(',', ".").parse::<f64>() {
        Ok(v) if v.is_finite() => Some(Ok(json!({"value": v}))),
        _ => Some(Err("saisissez une note (par exemple 12,5) ou Abs, Disp, NR, NN")),
    }
}

async fn table(state: &AppState, who: &SignedIn, class: Uuid, period: Uuid) -> Result<GradeTable, PortalError> {
    ent_projections::notes::queries::grade_table(state.backend.read_models.as_ref(), &who.actor, class, period).await.map_err(|e| {
        match PortalError::from(e) {
            // Refused reads are answered "not found" by the query: the page says "not for you".
            PortalError::NotFound => PortalError::Forbidden,
            other => other,
        }
    })
}

async fn list_page(
    state: &AppState,
    who: &SignedIn,
    class: &str,
    subject: &str,
    asked: Option<&str>,
    failed: Option<(NewEvaluation, Option<String>)>,
) -> Result<Response, PortalError> {
    let (class, subject) = (parse_id(class)?, parse_id(subject)?);
    let store = state.backend.read_models.as_ref();
    // A teacher grades the classes and subjects assigned to them (`GET /api/v1/me/classes`).
    if who.profile() == ent_domain::directory::Profile::Enseignant
        && !ent_projections::directory::queries::my_classes(store, &who.actor)
            .await?
            .iter()
            .any(|a| a.class_or_group == class && a.subject_id == subject)
    {
        return Err(PortalError::Forbidden);
    }
    let tree = ent_projections::directory::queries::structure_tree(store, &who.actor, &who.card.structure).await?;
    let periods = periods_of(&tree);
    let today = Utc::now().date_naive();
    let period = chosen_period(&periods, asked, today).ok_or(PortalError::NotFound)?;
    let t = table(state, who, class, period.period_id).await?;
    let subject_name = tree.subjects.iter().find(|s| s.id == subject).map(|s| s.name.clone()).ok_or(PortalError::NotFound)?;
    let class_name = t.class_or_group_name.clone().unwrap_or_else(|| "Classe".into());
    let base = format!("/enseignant/notes/{class}/{subject}");
    let evaluations = t
        .evaluations
        .iter()
        .filter(|e| e.subject == subject)
        .map(|e| EvaluationLine {
            title: e.title.clone(),
            date: french_date(e.date),
            scale: e.scale,
            graded: e.grades.len(),
            href: format!("{base}/{}/{}", period.period_id, e.id),
        })
        .collect();
    let (form, error) = failed.unwrap_or_else(|| {
        (
            NewEvaluation {
                command_id: command_id().to_string(),
                evaluation_id: Uuid::new_v4().to_string(),
                title: String::new(),
                date: today.clamp(period.start, period.end).to_string(),
                scale: "20".into(),
                coefficient: "1".into(),
                errors: vec![],
            },
            None,
        )
    });
    let status = if error.is_some() || !form.errors.is_empty() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    let mut response = render(&EvaluationsPage {
        shell: who.shell(format!("Notes {class_name}"), Some(tree.name.clone())),
        csrf: who.csrf.clone(),
        heading: format!("Notes — {class_name}, {subject_name}"),
        period_name: period.name.clone(),
        period_id: period.period_id.to_string(),
        periods: periods
            .iter()
            .map(|p| PeriodLink {
                name: p.name.clone(),
                href: format!("{base}?periode={}", p.period_id),
                current: p.period_id == period.period_id,
            })
            .collect(),
        evaluations,
        action: format!("{base}?periode={}", period.period_id),
        form,
        error,
    });
    *response.status_mut() = status;
    Ok(response)
}

/// `GET /enseignant/notes/{class}/{subject}`.
pub async fn evaluations(
    State(state): State<AppState>,
    who: SignedIn,
    Path((class, subject)): Path<(String, String)>,
    Query(q): Query<PeriodQuery>,
) -> Result<Response, PortalError> {
    forms::await_position(&state, q.apres, &READS).await;
    list_page(&state, &who, &class, &subject, q.periode.as_deref(), None).await
}

/// `POST /enseignant/notes/{class}/{subject}?periode=`: `CreateEvaluation`, then its grid.
pub async fn create(
    State(state): State<AppState>,
    who: SignedIn,
    Path((class, subject)): Path<(String, String)>,
    Query(q): Query<PeriodQuery>,
    Form(fields): Form<std::collections::HashMap<String, String>>,
) -> Result<Response, PortalError> {
    let form = FormData(fields);
    let (class_id, subject_id) = (parse_id(&class)?, parse_id(&subject)?);
    let period = form.get("period").and_then(|p| Uuid::parse_str(p).ok()).ok_or(PortalError::NotFound)?;
    let evaluation = form.get("evaluation_id").and_then(|p| Uuid::parse_str(p).ok()).ok_or(PortalError::NotFound)?;
    let typed = |errors: Vec<(String, String)>| NewEvaluation {
        command_id: command_id().to_string(),
        evaluation_id: evaluation.to_string(),
        title: form.get("title").unwrap_or_default().to_string(),
        date: form.get("date").unwrap_or_default().to_string(),
        scale: form.get("scale").unwrap_or_default().to_string(),
        coefficient: form.get("coefficient").unwrap_or_default().to_string(),
        errors,
    };
    // Numbers are read here only to build the command; their ranges are the domain's.
    let scale = form.text("scale").map(|s| s.parse::<u32>());
    let coefficient = form.text("coefficient").map(|s| s.replace(',', ".").parse::<f64>());
    let mut unreadable = Vec::new();
    if matches!(scale, Some(Err(_))) {
        unreadable.push(("scale".to_string(), "un nombre entier, par exemple 20".to_string()));
    }
    if matches!(coefficient, Some(Err(_))) {
        unreadable.push(("coefficient".to_string(), "un nombre, par exemple 1 ou 0,5".to_string()));
    }
    if form.text("date").and_then(|d| d.parse::<NaiveDate>().ok()).is_none() {
        unreadable.push(("date".to_string(), "une date".to_string()));
    }
    if !unreadable.is_empty() {
        who.check_csrf(&state, form.get("_csrf"))?;
        return list_page(&state, &who, &class, &subject, q.periode.as_deref(), Some((typed(unreadable), None))).await;
    }
    let mut payload = json!({
        "evaluation_id": evaluation,
        "class_or_group": class_id,
        "subject": subject_id,
        "period": period,
        "date": form.text("date"),
        "title": form.get("title").unwrap_or_default(),
    });
    if let Some(Ok(s)) = scale {
        payload["scale"] = json!(s);
    }
    if let Some(Ok(c)) = coefficient {
        payload["coefficient"] = json!(c);
    }
    match forms::run(&state, &who, &form, "CreateEvaluation", payload).await {
        Ok(position) => Ok(forms::see_other(&format!("/enseignant/notes/{class_id}/{subject_id}/{period}/{evaluation}"), position)),
        Err(Rejected::Page(e)) => Err(e),
        Err(Rejected::Invalid { message, fields }) => {
            let mut errors = Vec::new();
            for name in ["title", "date", "scale", "coefficient"] {
                if let Some(m) = message_for(&fields, name) {
                    errors.push((name.to_string(), m));
                }
            }
            let general = errors.is_empty().then_some(message);
            list_page(&state, &who, &class, &subject, Some(&period.to_string()), Some((typed(errors), general))).await
        }
    }
}

/// The row of a rejection's field `grades[i].…`, through the payload's rows → grid rows map.
fn cell_error(fields: &[FieldError], sent_rows: &[usize], grid_row: usize) -> Option<String> {
    let i = sent_rows.iter().position(|r| *r == grid_row)?;
    let prefix = format!("grades[{i}]");
    fields.iter().find(|f| f.field == prefix || f.field.starts_with(&format!("{prefix}."))).map(|f| f.message.clone())
}

struct Typed {
    cells: Vec<(String, String)>,
    errors: Vec<Option<String>>,
    message: Option<String>,
}

async fn grid_page(state: &AppState, who: &SignedIn, ids: (Uuid, Uuid, Uuid, Uuid), typed: Option<Typed>) -> Result<Response, PortalError> {
    let (class, subject, period, evaluation) = ids;
    let t = table(state, who, class, period).await?;
    let e: &EvaluationDoc = t.evaluations.iter().find(|e| e.id == evaluation && e.subject == subject).ok_or(PortalError::Forbidden)?;
    let rows: Vec<GridRow> = t
        .pupils
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let typed_cell = typed.as_ref().and_then(|t| t.cells.get(i)).filter(|(pupil, _)| *pupil == p.id.to_string());
            GridRow {
                index: i,
                pupil: p.id.to_string(),
                name: p.display_name.clone().unwrap_or_else(|| "Élève".into()),
                recorded: e.grades.get(&p.id).map(cell_text),
                typed: typed_cell.map(|(_, v)| v.clone()).unwrap_or_default(),
                error: typed.as_ref().and_then(|t| t.errors.get(i).cloned().flatten()),
            }
        })
        .collect();
    let to_grade = rows.iter().filter(|r| r.recorded.is_none()).count();
    let class_name = t.class_or_group_name.clone().unwrap_or_else(|| "Classe".into());
    let status = if typed.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    let mut response = render(&GridPage {
        shell: who.shell(format!("Saisie des notes — {}", e.title), super::structure_name(state, who).await),
        csrf: who.csrf.clone(),
        js: js_href(),
        command_id: command_id().to_string(),
        heading: format!("{} — {class_name}", e.title),
        details: format!(
            "{}, {} · sur {} · coefficient {}",
            e.subject_name.clone().unwrap_or_default(),
            french_date(e.date),
            e.scale,
            french_number(e.coefficient)
        ),
        scale: e.scale,
        action: format!("/enseignant/notes/{class}/{subject}/{period}/{evaluation}"),
        back_href: format!("/enseignant/notes/{class}/{subject}?periode={period}"),
        rows,
        to_grade,
        error: typed.and_then(|t| t.message),
    });
    *response.status_mut() = status;
    Ok(response)
}

type GridPath = (String, String, String, String);

fn grid_ids(p: &GridPath) -> Result<(Uuid, Uuid, Uuid, Uuid), PortalError> {
    Ok((parse_id(&p.0)?, parse_id(&p.1)?, parse_id(&p.2)?, parse_id(&p.3)?))
}

/// `GET /enseignant/notes/{class}/{subject}/{period}/{evaluation}`: the grid.
pub async fn grid(
    State(state): State<AppState>,
    who: SignedIn,
    Path(path): Path<GridPath>,
    Query(q): Query<PeriodQuery>,
) -> Result<Response, PortalError> {
    forms::await_position(&state, q.apres, &READS).await;
    grid_page(&state, &who, grid_ids(&path)?, None).await
}

/// `POST` of the grid: every typed cell in one `RecordGrades`, or nothing.
pub async fn record(
    State(state): State<AppState>,
    who: SignedIn,
    Path(path): Path<GridPath>,
    Form(fields): Form<std::collections::HashMap<String, String>>,
) -> Result<Response, PortalError> {
    let ids = grid_ids(&path)?;
    let form = FormData(fields);
    let count: usize = form.get("rows").and_then(|n| n.parse().ok()).unwrap_or(0).min(super::MAX_ROWS);
    let cells: Vec<(String, String)> = (0..count)
        .map(|i| {
            (
                form.get(&format!("pupil_{i}")).unwrap_or_default().to_string(),
                form.get(&format!("grade_{i}")).unwrap_or_default().to_string(),
            )
        })
        .collect();
    let mut rows = Vec::new();
    let mut sent_rows = Vec::new();
    let mut errors: Vec<Option<String>> = vec![None; count];
    for (i, (pupil, typed)) in cells.iter().enumerate() {
        match parse_cell(typed) {
            None => {}
            Some(Ok(mut row)) => {
                row["pupil"] = json!(pupil);
                rows.push(row);
                sent_rows.push(i);
            }
            Some(Err(message)) => errors[i] = Some(message.to_string()),
        }
    }
    if errors.iter().any(Option::is_some) || rows.is_empty() {
        // Nothing is sent while a cell cannot be read (a 422 naming it).
        who.check_csrf(&state, form.get("_csrf"))?;
        let message = rows.is_empty().then(|| "Saisissez au moins une note.".to_string()).filter(|_| errors.iter().all(Option::is_none));
        return grid_page(&state, &who, ids, Some(Typed { cells, errors, message })).await;
    }
    let payload = json!({"evaluation": ids.3, "grades": rows});
    match forms::run(&state, &who, &form, "RecordGrades", payload).await {
        Ok(position) => Ok(forms::see_other(&format!("/enseignant/notes/{}/{}/{}/{}", ids.0, ids.1, ids.2, ids.3), position)),
        Err(Rejected::Page(e)) => Err(e),
        Err(Rejected::Invalid { message, fields }) => {
            let errors: Vec<Option<String>> = (0..count).map(|i| cell_error(&fields, &sent_rows, i)).collect();
            let message = errors.iter().all(Option::is_none).then_some(message);
            grid_page(&state, &who, ids, Some(Typed { cells, errors, message })).await
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_read_numbers_with_comma_or_dot_and_statuses() {
        assert_eq!(parse_cell(" 12,5 "), Some(Ok(json!({"value": 12.5}))));
        assert_eq!(parse_cell("12.5"), Some(Ok(json!({"value": 12.5}))));
        assert_eq!(parse_cell("abs"), Some(Ok(json!({"status": "Abs"}))));
        assert_eq!(parse_cell("NR"), Some(Ok(json!({"status": "NR"}))));
        assert_eq!(parse_cell(""), None);
        assert!(matches!(parse_cell("abc"), Some(Err(_))));
    }

    #[test]
    fn errors_land_on_the_cell_they_name() {
        let fields = vec![FieldError { field: "grades[1].value".into(), message: "out of scale".into() }];
        // Rows 0 and 2 were empty: the payload's rows are grid rows 1 and 3.
        assert_eq!(cell_error(&fields, &[1, 3], 3), Some("out of scale".into()));
        assert_eq!(cell_error(&fields, &[1, 3], 1), None);
    }
}
