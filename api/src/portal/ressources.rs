//! The "Ressources" pages: the catalogue with its search form and filters (the same query as
//! `GET /api/v1/resources`) and, for teachers and the direction, a form to publish a link
//! (`PublishResource`); "Parcours": a pupil's learning paths with a button per step
//! (`CompleteStep`), and the list of paths a teacher runs with each one's progress table.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::Utc;
use ent_domain::directory::{Level, Profile, Role};
use ent_domain::ressources::events::ResourceSource;
use ent_projections::ressources::queries::{self, CatalogueFilter};
use ent_projections::ressources::{self, ClassProgress, PathSummary, PupilPath, ResourceView};
use serde::Deserialize;
use serde_json::json;

use super::family::french_date;
use super::forms::{self, FormData, Rejected, message_for};
use super::page::{PortalError, Shell, parse_id, render};
use super::session::{SignedIn, command_id};
use crate::state::AppState;

/// A choice of a select.
pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

/// A resource as the catalogue lists it.
pub struct ResourceLine {
    pub title: String,
    pub description: String,
    pub url: Option<String>,
    pub tags: String,
    pub by: String,
}

#[derive(Template)]
#[template(path = "ressources.html")]
struct CataloguePage {
    shell: Shell,
    csrf: String,
    q: String,
    theme: String,
    subjects: Vec<Choice>,
    levels: Vec<Choice>,
    resources: Vec<ResourceLine>,
    searched: bool,
    /// The publish form, for teachers and the direction.
    publish: Option<PublishForm>,
}

pub struct PublishForm {
    pub command_id: String,
    pub audiences: Vec<Choice>,
    pub subjects: Vec<Choice>,
    pub values: std::collections::HashMap<String, String>,
    pub errors: Vec<(String, String)>,
    pub message: Option<String>,
}

impl PublishForm {
    pub fn value(&self, field: &str) -> &str {
        self.values.get(field).map(String::as_str).unwrap_or_default()
    }

    pub fn error(&self, field: &str) -> Option<&str> {
        self.errors.iter().find(|(f, _)| f == field).map(|(_, m)| m.as_str())
    }
}

/// The catalogue's query string.
#[derive(Deserialize, Default)]
pub struct Search {
    #[serde(default)]
    q: Option<String>,
    #[serde(default)]
    subject: Option<String>,
    #[serde(default)]
    level: Option<String>,
    #[serde(default)]
    theme: Option<String>,
    #[serde(default)]
    apres: Option<u64>,
}

const LEVELS: [(&str, Level); 4] = [("6e", Level::Sixieme), ("5e", Level::Cinquieme), ("4e", Level::Quatrieme), ("3e", Level::Troisieme)];

fn publishes(who: &SignedIn) -> bool {
    who.profile() == Profile::Enseignant || (who.profile() == Profile::Personnel && who.card.role == Some(Role::Direction))
}

fn line(r: ResourceView) -> ResourceLine {
    let mut tags: Vec<String> = r.subjects.iter().filter_map(|s| s.name.clone()).collect();
    tags.extend(r.levels.iter().filter_map(|l| serde_json::to_value(l).ok().and_then(|v| v.as_str().map(String::from))));
    tags.extend(r.theme.clone());
    ResourceLine {
        title: r.title,
        description: r.description,
        url: match r.source {
            ResourceSource::Url { url } => Some(url),
            ResourceSource::File { .. } => None,
        },
        tags: tags.join(" · "),
        by: r.published_by_name.map(|n| format!("publiée par {n}")).unwrap_or_default(),
    }
}

async fn catalogue_page(state: &AppState, who: &SignedIn, search: Search, failed: Option<PublishForm>) -> Result<Response, PortalError> {
    let store = state.backend.read_models.as_ref();
    let tree = ent_projections::directory::queries::structure_tree(store, &who.actor, &who.card.structure).await.ok();
    let subject = search.subject.as_deref().and_then(|s| uuid::Uuid::parse_str(s).ok());
    let level = LEVELS.iter().find(|(l, _)| Some(*l) == search.level.as_deref()).map(|(_, l)| *l);
    let filter = CatalogueFilter { subject, level, theme: search.theme.clone(), q: search.q.clone() };
    let resources = queries::catalogue(store, &who.actor, &filter).await?.into_iter().map(line).collect();
    let subject_choices = |selected: Option<uuid::Uuid>| -> Vec<Choice> {
        tree.iter()
            .flat_map(|t| t.subjects.iter())
            .map(|s| Choice { value: s.id.to_string(), label: s.name.clone(), selected: Some(s.id) == selected })
            .collect()
    };
    let publish = if publishes(who) {
        let audiences: Vec<Choice> = if who.profile() == Profile::Enseignant {
            let mut mine: Vec<Choice> = Vec::new();
            for a in ent_projections::directory::queries::my_classes(store, &who.actor).await? {
                if !mine.iter().any(|c| c.value == a.class_or_group.to_string()) {
                    mine.push(Choice { value: a.class_or_group.to_string(), label: a.class_or_group_code, selected: false });
                }
            }
            mine
        } else {
            tree.iter()
                .flat_map(|t| {
                    t.classes
                        .iter()
                        .map(|c| (c.id, c.code.clone()))
                        .chain(t.groups.iter().map(|g| (g.id, g.name.clone())))
                        .collect::<Vec<_>>()
                })
                .map(|(id, label)| Choice { value: id.to_string(), label, selected: false })
                .collect()
        };
        Some(match failed {
            Some(mut f) => {
                let chosen = f.value("published_to").to_string();
                f.audiences = audiences.into_iter().map(|c| Choice { selected: c.value == chosen, ..c }).collect();
                let subject = uuid::Uuid::parse_str(f.value("subject")).ok();
                f.subjects = subject_choices(subject);
                f
            }
            None => PublishForm {
                command_id: command_id().to_string(),
                audiences,
                subjects: subject_choices(None),
                values: Default::default(),
                errors: vec![],
                message: None,
            },
        })
    } else {
        None
    };
    let status = if publish.as_ref().is_some_and(|p| p.message.is_some() || !p.errors.is_empty()) {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let mut response = render(&CataloguePage {
        shell: who.shell("Ressources", who.structure_name.clone()),
        csrf: who.csrf.clone(),
        searched: search.q.as_deref().is_some_and(|q| !q.trim().is_empty()),
        q: search.q.unwrap_or_default(),
        theme: search.theme.unwrap_or_default(),
        subjects: subject_choices(subject),
        levels: LEVELS
            .iter()
            .map(|(l, _)| Choice { value: l.to_string(), label: l.to_string(), selected: Some(*l) == search.level.as_deref() })
            .collect(),
        resources,
        publish,
    });
    *response.status_mut() = status;
    Ok(response)
}

/// `GET /ressources`: the catalogue, searched and filtered.
pub async fn catalogue(State(state): State<AppState>, who: SignedIn, Query(search): Query<Search>) -> Result<Response, PortalError> {
    forms::await_position(&state, search.apres, &[ressources::NAME]).await;
    catalogue_page(&state, &who, search, None).await
}

const PUBLISH_FIELDS: [&str; 6] = ["title", "description", "url", "theme", "subject", "published_to"];

/// `POST /ressources`: `PublishResource` (a link, to one class or group).
pub async fn publish(
    State(state): State<AppState>,
    who: SignedIn,
    Form(fields): Form<std::collections::HashMap<String, String>>,
) -> Result<Response, PortalError> {
    let form = FormData(fields);
    let subjects: Vec<String> = form.text("subject").into_iter().collect();
    let audience: Vec<String> = form.text("published_to").into_iter().collect();
    let payload = json!({
        "structure": who.card.structure,
        "title": form.get("title").unwrap_or_default(),
        "description": form.get("description").unwrap_or_default(),
        "url": form.get("url").unwrap_or_default(),
        "theme": form.text("theme"),
        "subjects": subjects,
        "published_to": audience,
    });
    match forms::run(&state, &who, &form, "PublishResource", payload).await {
        Ok(position) => Ok(forms::see_other("/ressources", position)),
        Err(Rejected::Page(e)) => Err(e),
        Err(Rejected::Invalid { message, fields }) => {
            let name = |f: &str| match f {
                "subject" => "subjects".to_string(),
                other => other.to_string(),
            };
            let errors: Vec<(String, String)> = PUBLISH_FIELDS
                .iter()
                .filter_map(|n| {
                    message_for(&fields, &name(n))
                        .or_else(|| fields.iter().find(|f| f.field.contains(&format!("{}[", name(n)))).map(|f| f.message.clone()))
                        .map(|m| (n.to_string(), m))
                })
                .collect();
            let failed = PublishForm {
                command_id: command_id().to_string(),
                audiences: vec![],
                subjects: vec![],
                values: PUBLISH_FIELDS.iter().map(|n| (n.to_string(), form.get(n).unwrap_or_default().to_string())).collect(),
                message: if errors.is_empty() { Some(message) } else { None },
                errors,
            };
            catalogue_page(&state, &who, Search::default(), Some(failed)).await
        }
    }
}

/// A step as the pupil's page shows it.
pub struct StepLine {
    pub index: u32,
    pub number: u32,
    pub text: String,
    pub url: Option<String>,
    pub done: Option<String>,
    pub next: bool,
}

/// A path as the pupil's page shows it.
pub struct PathCard {
    pub id: String,
    pub title: String,
    pub meta: String,
    pub progress: String,
    pub done: usize,
    pub total: usize,
    pub steps: Vec<StepLine>,
}

fn mode_label(mode: ent_domain::ressources::commands::PathMode) -> &'static str {
    match mode {
        ent_domain::ressources::commands::PathMode::Standard => "Parcours",
        ent_domain::ressources::commands::PathMode::ClasseInversee => "Classe inversée",
    }
}

fn card(p: PupilPath) -> PathCard {
    let mut meta = format!("{} · ouvert le {}", mode_label(p.mode), french_date(p.opens_on));
    if let Some(due) = p.due_on {
        meta.push_str(&format!(" · pour le {}", french_date(due)));
    }
    if let Some(author) = &p.author_name {
        meta.push_str(&format!(" · {author}"));
    }
    PathCard {
        id: p.id.to_string(),
        title: p.title,
        meta,
        progress: format!(
            "{} étape{} faite{} sur {}",
            p.done,
            if p.done > 1 { "s" } else { "" },
            if p.done > 1 { "s" } else { "" },
            p.total
        ),
        done: p.done,
        total: p.total,
        steps: p
            .steps
            .into_iter()
            .map(|s| StepLine {
                index: s.index,
                number: s.index + 1,
                next: Some(s.index) == p.next_step,
                text: s.text,
                url: s.url,
                done: s.done_on.map(|d| format!("fait le {}", french_date(d))),
            })
            .collect(),
    }
}

/// A path as the teacher's list shows it.
pub struct RunLine {
    pub href: String,
    pub title: String,
    pub meta: String,
}

#[derive(Template)]
#[template(path = "parcours.html")]
struct PathsPage {
    shell: Shell,
    csrf: String,
    paths: Vec<PathCard>,
    runs: Vec<RunLine>,
    message: Option<String>,
}

fn run_line(p: PathSummary) -> RunLine {
    RunLine {
        href: format!("/parcours/{}/suivi", p.id),
        meta: format!(
            "{} · {} · {} étapes · terminé par {} élève{}",
            mode_label(p.mode),
            p.assigned_to.name.unwrap_or_default(),
            p.steps,
            p.finished_by,
            if p.finished_by > 1 { "s" } else { "" }
        ),
        title: p.title,
    }
}

async fn paths_page(state: &AppState, who: &SignedIn, message: Option<String>) -> Result<Response, PortalError> {
    let store = state.backend.read_models.as_ref();
    let today = Utc::now().date_naive();
    let (paths, runs) = match who.profile() {
        Profile::Eleve => (queries::pupil_paths(store, &who.actor, who.card.id, today).await?.into_iter().map(card).collect(), vec![]),
        Profile::Enseignant | Profile::Personnel => {
            (vec![], queries::learning_paths(store, &who.actor).await?.into_iter().map(run_line).collect())
        }
        _ => return Err(PortalError::Forbidden),
    };
    let status = if message.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    let mut response =
        render(&PathsPage { shell: who.shell("Parcours", who.structure_name.clone()), csrf: who.csrf.clone(), paths, runs, message });
    *response.status_mut() = status;
    Ok(response)
}

/// `GET /parcours`: a pupil's paths, or the paths a teacher runs.
pub async fn paths(State(state): State<AppState>, who: SignedIn, Query(q): Query<super::family::After>) -> Result<Response, PortalError> {
    forms::await_position(&state, q.apres, &[ressources::NAME]).await;
    paths_page(&state, &who, None).await
}

/// `POST /parcours/{path}/etapes/{step}`: `CompleteStep`.
pub async fn complete(
    State(state): State<AppState>,
    who: SignedIn,
    Path((path, step)): Path<(String, u32)>,
    Form(fields): Form<std::collections::HashMap<String, String>>,
) -> Result<Response, PortalError> {
    let form = FormData(fields);
    let path = parse_id(&path)?;
    match forms::run(&state, &who, &form, "CompleteStep", json!({"path": path, "step": step})).await {
        Ok(position) => Ok(forms::see_other("/parcours", position)),
        Err(Rejected::Page(e)) => Err(e),
        Err(Rejected::Invalid { message, .. }) => paths_page(&state, &who, Some(message)).await,
    }
}

#[derive(Template)]
#[template(path = "parcours_suivi.html")]
struct ProgressPage {
    shell: Shell,
    table: ClassProgress,
    heading: String,
}

impl ProgressPage {
    fn cell(&self, day: &Option<chrono::NaiveDate>) -> String {
        day.map(french_date).unwrap_or_default()
    }
}

/// `GET /parcours/{path}/suivi`: the teacher's progress table.
pub async fn progress(State(state): State<AppState>, who: SignedIn, Path(path): Path<String>) -> Result<Response, PortalError> {
    let path = parse_id(&path)?;
    let table = queries::path_progress(state.backend.read_models.as_ref(), &who.actor, path).await?;
    let heading = format!("{} — {}", table.path.title, table.path.assigned_to.name.clone().unwrap_or_default());
    Ok(render(&ProgressPage { shell: who.shell("Suivi du parcours", who.structure_name.clone()), table, heading }))
}
