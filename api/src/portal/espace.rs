//! Espace de travail in the portal: "Mes fichiers" (the folder tree, the quota bar, forms to
//! upload — multipart, streamed like the API —, create a folder, rename, move, share, delete),
//! "Partagés avec moi" and the trash (restore, delete for good). Every form runs the same
//! commands as the API, in process; downloads go through the same rights check and streaming.

use std::collections::HashMap;

use askama::Template;
use axum::Form;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use ent_projections::espace::{FileEntry, FileView, WorkspaceView, queries};
use ent_projections::names::Names;
use serde_json::json;

use super::family::After;
use super::forms::{self, FormData, Rejected};
use super::page::{PortalError, Shell, parse_id, render};
use super::session::{SignedIn, command_id};
use crate::error::ApiError;
use crate::routes::espace::{UploadParams, content_response, receive_multipart};
use crate::state::AppState;

/// A choice of a `<select>`.
pub struct Choice {
    pub value: String,
    pub label: String,
}

/// A file as its owner's page lists it, with the ids of its forms' commands.
pub struct FileRow {
    pub id: String,
    pub name: String,
    pub size: String,
    pub href: String,
    pub action: String,
    pub shares: String,
    pub rename_id: String,
    pub move_id: String,
    pub share_id: String,
    pub delete_id: String,
}

/// A folder (or the root) and its files.
pub struct FolderGroup {
    pub name: String,
    pub files: Vec<FileRow>,
}

#[derive(Template)]
#[template(path = "espace.html")]
struct WorkspacePage {
    shell: Shell,
    csrf: String,
    message: Option<String>,
    used: String,
    quota: String,
    used_value: u64,
    quota_value: u64,
    groups: Vec<FolderGroup>,
    folders: Vec<Choice>,
    targets: Vec<Choice>,
    upload_id: String,
    folder_id: String,
}

/// A file of someone else's, or of the trash.
pub struct OtherRow {
    pub id: String,
    pub name: String,
    pub size: String,
    pub href: String,
    pub detail: String,
    pub restore_id: String,
    pub purge_id: String,
}

#[derive(Template)]
#[template(path = "espace_list.html")]
struct ListPage {
    shell: Shell,
    csrf: String,
    heading: &'static str,
    empty: &'static str,
    message: Option<String>,
    trash: bool,
    files: Vec<OtherRow>,
}

/// `1,5 Mo` — sizes as people read them (10^3 steps).
pub fn human_size(bytes: u64) -> String {
    let units = ["octets", "ko", "Mo", "Go"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1000.0 && unit < units.len() - 1 {
        value /= 1000.0;
        unit += 1;
    }
    if unit == 0 { format!("{bytes} octets") } else { format!("{value:.1} {}", units[unit]).replace('.', ",") }
}

fn folder_label(view: &WorkspaceView, id: uuid::Uuid) -> String {
    let mut parts = Vec::new();
    let mut next = Some(id);
    while let Some(current) = next {
        let Some(f) = view.folders.iter().find(|f| f.id == current) else { break };
        parts.push(f.name.clone());
        next = f.parent;
        if parts.len() > 32 {
            break;
        }
    }
    parts.reverse();
    parts.join(" / ")
}

fn row(f: &FileEntry) -> FileRow {
    let shares: Vec<String> = f.shares.iter().map(|s| s.name.clone().unwrap_or_else(|| s.with.id.to_string())).collect();
    FileRow {
        id: f.id.to_string(),
        name: f.name.clone(),
        size: human_size(f.size),
        href: format!("/espace/fichiers/{}", f.id),
        action: format!("/espace/fichiers/{}", f.id),
        shares: shares.join(", "),
        rename_id: command_id().to_string(),
        move_id: command_id().to_string(),
        share_id: command_id().to_string(),
        delete_id: command_id().to_string(),
    }
}

async fn home_page(state: &AppState, who: &SignedIn, message: Option<String>) -> Result<Response, PortalError> {
    let store = state.backend.read_models.as_ref();
    let quota = state.espace.quota_for(&who.actor);
    let view = queries::workspace(store, &who.actor, quota).await?;
    let mut groups =
        vec![FolderGroup { name: "Racine".into(), files: view.files.iter().filter(|f| f.folder.is_none()).map(row).collect() }];
    let mut folders: Vec<Choice> =
        view.folders.iter().map(|f| Choice { value: f.id.to_string(), label: folder_label(&view, f.id) }).collect();
    folders.sort_by(|a, b| a.label.cmp(&b.label));
    for choice in &folders {
        let files = view.files.iter().filter(|f| f.folder.is_some_and(|id| id.to_string() == choice.value)).map(row).collect();
        groups.push(FolderGroup { name: choice.label.clone(), files });
    }
    let names = Names::load(store, &who.card.structure, []).await?;
    let mut targets = Vec::new();
    if let Some(tree) = names.tree() {
        targets.extend(tree.classes.iter().map(|c| Choice { value: format!("class:{}", c.id), label: format!("Classe {}", c.code) }));
        targets.extend(tree.groups.iter().map(|g| Choice { value: format!("group:{}", g.id), label: format!("Groupe {}", g.name) }));
    }
    let status = if message.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    let mut response = render(&WorkspacePage {
        shell: who.shell("Mes fichiers", None),
        csrf: who.csrf.clone(),
        message,
        used: human_size(view.quota.used),
        quota: human_size(view.quota.quota),
        used_value: view.quota.used,
        quota_value: view.quota.quota.max(1),
        groups,
        folders,
        targets,
        upload_id: command_id().to_string(),
        folder_id: command_id().to_string(),
    });
    *response.status_mut() = status;
    Ok(response)
}

/// `GET /espace`.
pub async fn home(State(state): State<AppState>, who: SignedIn, Query(q): Query<After>) -> Result<Response, PortalError> {
    forms::await_position(&state, q.apres, &[ent_projections::espace::NAME]).await;
    home_page(&state, &who, None).await
}

fn other_row(v: &FileView) -> OtherRow {
    OtherRow {
        id: v.file.id.to_string(),
        name: v.file.name.clone(),
        size: human_size(v.file.size),
        href: format!("/espace/fichiers/{}", v.file.id),
        detail: format!("de {}", v.owner_name.clone().unwrap_or_default()),
        restore_id: String::new(),
        purge_id: String::new(),
    }
}

fn trash_row(f: &FileEntry) -> OtherRow {
    let until = f.purge_after.map(|t| super::family::french_date(t.date_naive())).unwrap_or_default();
    OtherRow {
        id: f.id.to_string(),
        name: f.name.clone(),
        size: human_size(f.size),
        href: String::new(),
        detail: format!("supprimé définitivement le {until}"),
        restore_id: command_id().to_string(),
        purge_id: command_id().to_string(),
    }
}

async fn list_page(state: &AppState, who: &SignedIn, trash: bool, message: Option<String>) -> Result<Response, PortalError> {
    let store = state.backend.read_models.as_ref();
    let files = if trash {
        queries::trash(store, &who.actor).await?.iter().map(trash_row).collect()
    } else {
        queries::shared_with_me(store, &who.actor).await?.iter().map(other_row).collect()
    };
    let (heading, empty) =
        if trash { ("Corbeille", "La corbeille est vide.") } else { ("Partagés avec moi", "Aucun fichier n'est partagé avec vous.") };
    let status = if message.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    let mut response = render(&ListPage { shell: who.shell(heading, None), csrf: who.csrf.clone(), heading, empty, message, trash, files });
    *response.status_mut() = status;
    Ok(response)
}

/// `GET /espace/partages`.
pub async fn shared(State(state): State<AppState>, who: SignedIn, Query(q): Query<After>) -> Result<Response, PortalError> {
    forms::await_position(&state, q.apres, &[ent_projections::espace::NAME]).await;
    list_page(&state, &who, false, None).await
}

/// `GET /espace/corbeille`.
pub async fn trash(State(state): State<AppState>, who: SignedIn, Query(q): Query<After>) -> Result<Response, PortalError> {
    forms::await_position(&state, q.apres, &[ent_projections::espace::NAME]).await;
    list_page(&state, &who, true, None).await
}

/// `GET /espace/fichiers/{file}`: the download, rights checked now (`Range` honoured).
pub async fn download(
    State(state): State<AppState>,
    who: SignedIn,
    headers: HeaderMap,
    Path(file): Path<String>,
) -> Result<Response, PortalError> {
    let id = parse_id(&file)?;
    let view = queries::readable_file(state.backend.read_models.as_ref(), &who.actor, id).await?;
    Ok(content_response(&state, &view, headers.get(header::RANGE).and_then(|v| v.to_str().ok())).await?)
}

/// `POST /espace/dossiers`: `CreateFolder`.
pub async fn create_folder(
    State(state): State<AppState>,
    who: SignedIn,
    Form(fields): Form<HashMap<String, String>>,
) -> Result<Response, PortalError> {
    let form = FormData(fields);
    let parent = form.text("parent").map(|p| parse_id(&p)).transpose()?;
    let payload = json!({"name": form.get("name").unwrap_or_default(), "parent": parent});
    match forms::run(&state, &who, &form, "CreateFolder", payload).await {
        Ok(position) => Ok(forms::see_other("/espace", position)),
        Err(Rejected::Page(e)) => Err(e),
        Err(Rejected::Invalid { message, .. }) => home_page(&state, &who, Some(message)).await,
    }
}

/// `POST /espace/depot` (`multipart/form-data`: `_csrf`, `command_id`, `folder`, then `file`):
/// the CSRF token is checked before a byte of the file is read.
pub async fn upload(State(state): State<AppState>, who: SignedIn, multipart: Multipart) -> Result<Response, PortalError> {
    let check = |fields: &HashMap<String, String>| {
        who.check_csrf(&state, fields.get("_csrf").map(String::as_str))
            .map_err(|_| ApiError::bad_field("_csrf", "this form has expired or does not come from the ENT"))
    };
    match receive_multipart(&state, &who.actor, multipart, UploadParams::default(), check).await {
        Ok(result) => Ok(forms::see_other("/espace", result.position)),
        Err(e) if e.fields().iter().any(|f| f.field == "_csrf") => Err(PortalError::Csrf),
        Err(e) if e.status().is_client_error() && ![StatusCode::FORBIDDEN, StatusCode::NOT_FOUND].contains(&e.status()) => {
            home_page(&state, &who, Some(e.detail())).await
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /espace/fichiers/{file}/{action}`: `renommer` (RenameFile), `deplacer` (MoveFile),
/// `partager` (ShareFile), `supprimer` (DeleteFile), `restaurer` (RestoreFile), `purger`
/// (PurgeFile).
pub async fn act(
    State(state): State<AppState>,
    who: SignedIn,
    Path((file, action)): Path<(String, String)>,
    Form(fields): Form<HashMap<String, String>>,
) -> Result<Response, PortalError> {
    let form = FormData(fields);
    let id = parse_id(&file)?;
    let (command, payload, back) = match action.as_str() {
        "renommer" => ("RenameFile", json!({"file": id, "name": form.get("name").unwrap_or_default()}), "/espace"),
        "deplacer" => {
            let folder = form.text("folder").map(|f| parse_id(&f)).transpose()?;
            ("MoveFile", json!({"file": id, "folder": folder}), "/espace")
        }
        "partager" => {
            let with = form.get("with").unwrap_or_default();
            let (kind, target) = with.split_once(':').ok_or(PortalError::NotFound)?;
            let payload =
                json!({"file": id, "with": {"kind": kind, "id": parse_id(target)?}, "rights": form.get("rights").unwrap_or("read")});
            ("ShareFile", payload, "/espace")
        }
        "supprimer" => ("DeleteFile", json!({"file": id}), "/espace"),
        "restaurer" => ("RestoreFile", json!({"file": id}), "/espace/corbeille"),
        "purger" => ("PurgeFile", json!({"file": id}), "/espace/corbeille"),
        _ => return Err(PortalError::NotFound),
    };
    match forms::run(&state, &who, &form, command, payload).await {
        Ok(position) => Ok(forms::see_other(back, position)),
        Err(Rejected::Page(e)) => Err(e),
        Err(Rejected::Invalid { message, .. }) if back == "/espace" => home_page(&state, &who, Some(message)).await,
        Err(Rejected::Invalid { message, .. }) => list_page(&state, &who, true, Some(message)).await,
    }
}
