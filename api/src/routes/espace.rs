//! Espace de travail: uploads (a raw `PUT` or a multipart `POST`, streamed into the blob store),
//! downloads (rights checked when asked, `Range`), and the reads of one's workspace, trash,
//! quota and the files shared with one. The other workspace commands go through
//! `POST /api/v1/commands`.

use std::ops::Range;

use axum::Json;
use axum::body::{Body, Bytes};
use axum::extract::{DefaultBodyLimit, Multipart, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use ent_commands::AppendResult;
use ent_commands::blobs::{BlobError, BlobReader, StoredBlob};
use ent_commands::espace::upload;
use ent_domain::Actor;
use ent_domain::espace::commands::UploadFile;
use ent_domain::espace::workspace::UploadedContent;
use ent_domain::usage::Service;
use ent_projections::espace::{self, FileEntry, FileView, QuotaUsage, WorkspaceView, queries};
use futures::TryStreamExt;
use schemars::{Schema, SchemaGenerator};
use serde::Deserialize;
use uuid::Uuid;

use super::await_position;
use super::spec::{Route, ServiceRoutes, binary_schema, schema};
use crate::auth::Authenticated;
use crate::error::{ApiError, Problem};
use crate::extract::{ApiPath, ApiQuery};
use crate::state::AppState;

/// Where an upload goes, as query parameters of `PUT /api/v1/files` (or fields of the multipart
/// form before its `file` part).
#[derive(Debug, Default, Deserialize)]
pub struct UploadParams {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub folder: Option<Uuid>,
    #[serde(default)]
    pub file_id: Option<Uuid>,
    /// Sending the same upload again with the same id answers its first result.
    #[serde(default)]
    pub command_id: Option<Uuid>,
}

/// A MIME type as uploads declare it: `type/subtype` in plain characters, else
/// `application/octet-stream`.
fn clean_mime(raw: Option<&str>) -> String {
    let m = raw.unwrap_or("").split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    let ok = m.len() <= 100
        && m.split_once('/').is_some_and(|(a, b)| {
            let token = |s: &str| !s.is_empty() && s.bytes().all(|c| c.is_ascii_alphanumeric() || b"!#$&^_.+-".contains(&c));
            token(a) && token(b)
        });
    if ok { m } else { "application/octet-stream".into() }
}

/// The whole upload: checked before a byte is read (name, folder, rights, room), streamed into
/// the blob store counting bytes against the smaller of the size limit and the room left, then
/// appended; a refused append deletes the blob it added unless another file has that content.
pub(crate) async fn receive(
    s: &AppState,
    actor: &Actor,
    params: UploadParams,
    mime: String,
    declared_length: Option<u64>,
    body: BlobReader,
) -> Result<AppendResult, ApiError> {
    let name = params.name.ok_or_else(|| ApiError::bad_field("name", "the file needs a name"))?;
    let cmd = UploadFile { file_id: params.file_id, folder: params.folder, name };
    let quota = s.espace.quota_for(actor);
    let headroom = upload::check(&s.handler, actor, &cmd, quota).await?;
    let limit = headroom.min(s.espace.max_file_size);
    let too_large = |limit: u64| {
        if limit == headroom && headroom < s.espace.max_file_size {
            ApiError::too_large("quota", format!("the file does not fit in the {headroom} bytes left of the quota"))
        } else {
            ApiError::too_large("body", format!("a file is at most {} bytes", s.espace.max_file_size))
        }
    };
    if declared_length.is_some_and(|n| n > limit) {
        return Err(too_large(limit));
    }
    let stored = match s.blobs.put(body, limit).await {
        Ok(b) => b,
        Err(BlobError::TooLarge { limit }) => return Err(too_large(limit)),
        Err(BlobError::Body(m)) => return Err(ApiError::bad_field("body", m)),
        Err(e) => return Err(ApiError::Unavailable(e.to_string())),
    };
    let content = UploadedContent { size: stored.size, sha256: stored.sha256.clone(), mime };
    let command_id = params.command_id.unwrap_or_else(Uuid::now_v7);
    match upload::append(&s.handler, actor, command_id, &cmd, &content, quota).await {
        Ok(result) => {
            s.metrics.command("UploadFile", if result.replayed { "replayed" } else { "accepted" });
            Ok(result)
        }
        Err(e) => {
            s.metrics.command("UploadFile", e.outcome());
            forget(s, &stored).await;
            Err(e.into())
        }
    }
}

/// Deletes the blob a refused upload added, unless a file has that content (once the read model
/// has folded the whole log: an identical upload that committed first counts).
async fn forget(s: &AppState, stored: &StoredBlob) {
    if !stored.created {
        return;
    }
    let referenced = async {
        let head = s.backend.events.head().await.map_err(|e| e.to_string())?;
        if !s.status.wait_for(espace::NAME, head, std::time::Duration::from_secs(5)).await {
            return Err("the workspace read model is behind".to_string());
        }
        queries::blob_references(s.backend.read_models.as_ref(), &stored.sha256).await.map_err(|e| e.to_string())
    };
    match referenced.await {
        Ok(0) => {
            if let Err(e) = s.blobs.delete(&stored.sha256).await {
                tracing::warn!(error = %e, sha256 = %stored.sha256, "could not delete the blob of a refused upload; the retention sweep will");
            }
        }
        Ok(_) => {}
        Err(e) => tracing::warn!(error = %e, sha256 = %stored.sha256, "blob of a refused upload kept for the retention sweep"),
    }
}

fn reader_of(body: Body) -> BlobReader {
    Box::pin(tokio_util::io::StreamReader::new(body.into_data_stream().map_err(std::io::Error::other)))
}

/// `PUT /api/v1/files?name=…&folder=…`: the body is the file.
pub async fn put_file(
    State(s): State<AppState>,
    Authenticated(actor): Authenticated,
    headers: HeaderMap,
    ApiQuery(params): ApiQuery<UploadParams>,
    body: Body,
) -> Result<Json<AppendResult>, ApiError> {
    let mime = clean_mime(headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()));
    let length = headers.get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse().ok());
    Ok(Json(receive(&s, &actor, params, mime, length, reader_of(body)).await?))
}

/// Reads a multipart upload: its small fields (`name`, `folder`, `file_id`, `command_id`) up to
/// the `file` part, whose bytes go to [`receive`] as they arrive.
/// `before_file` sees the other text fields (e.g. a portal form's CSRF token) before a byte of
/// the file is read.
pub(crate) async fn receive_multipart(
    s: &AppState,
    actor: &Actor,
    mut multipart: Multipart,
    mut params: UploadParams,
    before_file: impl FnOnce(&std::collections::HashMap<String, String>) -> Result<(), ApiError>,
) -> Result<AppendResult, ApiError> {
    let mut others = std::collections::HashMap::new();
    let mut before_file = Some(before_file);
    let bad = |e: axum::extract::multipart::MultipartError| ApiError::bad_field("body", e.body_text());
    while let Some(field) = multipart.next_field().await.map_err(bad)? {
        let field_name = field.name().unwrap_or("").to_string();
        if field_name == "file" {
            if let Some(check) = before_file.take() {
                check(&others)?;
            }
            if params.name.as_deref().is_none_or(str::is_empty) {
                params.name = field.file_name().map(str::to_string);
            }
            let mime = clean_mime(field.content_type());
            let (tx, rx) = tokio::sync::mpsc::channel::<Result<Bytes, std::io::Error>>(4);
            let stream = futures::stream::unfold(rx, |mut rx| async move { rx.recv().await.map(|item| (item, rx)) });
            let reader: BlobReader = Box::pin(tokio_util::io::StreamReader::new(stream));
            let pump = async move {
                let mut field = field;
                loop {
                    let item = match field.chunk().await {
                        Ok(Some(chunk)) => Ok(chunk),
                        Ok(None) => break,
                        Err(e) => Err(std::io::Error::other(e.body_text())),
                    };
                    let failed = item.is_err();
                    // The reader is gone when the upload was refused or stopped: stop too.
                    if tx.send(item).await.is_err() || failed {
                        break;
                    }
                }
            };
            let (result, ()) = tokio::join!(receive(s, actor, params, mime, None, reader), pump);
            return result;
        }
        let text = field.text().await.map_err(bad)?;
        let uuid = |field: &str, text: &str| {
            if text.trim().is_empty() {
                return Ok(None);
            }
            Uuid::parse_str(text.trim()).map(Some).map_err(|_| ApiError::bad_field(field, "expected a UUID"))
        };
        match field_name.as_str() {
            "name" => params.name = Some(text).filter(|t| !t.is_empty()),
            "folder" => params.folder = uuid("folder", &text)?,
            "file_id" => params.file_id = uuid("file_id", &text)?,
            "command_id" => params.command_id = uuid("command_id", &text)?,
            _ => {
                others.insert(field_name, text);
            }
        }
    }
    Err(ApiError::bad_field("file", "the form has no file part"))
}

/// `POST /api/v1/files` (`multipart/form-data`).
pub async fn post_file(
    State(s): State<AppState>,
    Authenticated(actor): Authenticated,
    multipart: Multipart,
) -> Result<Json<AppendResult>, ApiError> {
    Ok(Json(receive_multipart(&s, &actor, multipart, UploadParams::default(), |_| Ok(())).await?))
}

/// What a `Range` header asks: one range of a blob of `size` bytes; `Err(())` when it cannot be
/// satisfied. Several ranges, or a header that is not understood, answer the whole content.
fn parse_range(raw: &str, size: u64) -> Result<Option<Range<u64>>, ()> {
    let Some(spec) = raw.trim().strip_prefix("bytes=") else { return Ok(None) };
    if spec.contains(',') {
        return Ok(None);
    }
    let Some((a, b)) = spec.trim().split_once('-') else { return Ok(None) };
    let (a, b) = (a.trim(), b.trim());
    let range = if a.is_empty() {
        let Ok(n) = b.parse::<u64>() else { return Ok(None) };
        if n == 0 {
            return Err(());
        }
        size.saturating_sub(n)..size
    } else {
        let Ok(start) = a.parse::<u64>() else { return Ok(None) };
        let end = if b.is_empty() {
            size
        } else {
            let Ok(last) = b.parse::<u64>() else { return Ok(None) };
            if last < start {
                return Ok(None);
            }
            (last + 1).min(size)
        };
        start..end
    };
    if range.start >= size || range.start >= range.end { Err(()) } else { Ok(Some(range)) }
}

/// `Content-Disposition: attachment` with the name in plain ASCII and in full (RFC 6266, 5987).
fn disposition(name: &str) -> String {
    let ascii: String =
        name.chars().map(|c| if c.is_ascii_graphic() && c != '"' && c != '\\' && c != '%' || c == ' ' { c } else { '_' }).collect();
    let mut encoded = String::new();
    for b in name.bytes() {
        if b.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&b) {
            encoded.push(b as char);
        } else {
            encoded.push_str(&format!("%{b:02X}"));
        }
    }
    format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

/// `GET /api/v1/files/{id}/content`: the rights are checked now; `Range` gives a 206.
pub async fn download(
    State(s): State<AppState>,
    Authenticated(actor): Authenticated,
    headers: HeaderMap,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Response, ApiError> {
    await_position(&s, &headers, espace::NAME).await?;
    let view = queries::readable_file(s.backend.read_models.as_ref(), &actor, id).await?;
    content_response(&s, &view, headers.get(header::RANGE).and_then(|v| v.to_str().ok())).await
}

/// The content of a file the caller may read, whole or the range asked.
pub(crate) async fn content_response(s: &AppState, view: &FileView, range: Option<&str>) -> Result<Response, ApiError> {
    let size = view.file.size;
    let range = match range.map(|r| parse_range(r, size)) {
        None | Some(Ok(None)) => None,
        Some(Ok(Some(r))) => Some(r),
        Some(Err(())) => {
            let mut resp = Problem::new(StatusCode::RANGE_NOT_SATISFIABLE, "Range not satisfiable", format!("the file has {size} bytes"))
                .into_response();
            if let Ok(v) = HeaderValue::from_str(&format!("bytes */{size}")) {
                resp.headers_mut().insert(header::CONTENT_RANGE, v);
            }
            return Ok(resp);
        }
    };
    let reader = match s.blobs.get(&view.file.sha256, range.clone()).await {
        Ok(r) => r,
        Err(BlobError::NotFound) => return Err(ApiError::Internal(format!("the content of file {} is missing", view.file.id))),
        Err(BlobError::Range) => return Err(ApiError::bad_field("range", "outside the file")),
        Err(e) => return Err(ApiError::Unavailable(e.to_string())),
    };
    let body = Body::from_stream(tokio_util::io::ReaderStream::new(reader));
    let (status, length) = match &range {
        Some(r) => (StatusCode::PARTIAL_CONTENT, r.end - r.start),
        None => (StatusCode::OK, size),
    };
    let mut resp = (status, body).into_response();
    let h = resp.headers_mut();
    let mut set = |name: header::HeaderName, value: String| {
        if let Ok(v) = HeaderValue::from_str(&value) {
            h.insert(name, v);
        }
    };
    set(header::CONTENT_TYPE, view.file.mime.clone());
    set(header::CONTENT_LENGTH, length.to_string());
    set(header::ETAG, format!("\"{}\"", view.file.sha256));
    set(header::ACCEPT_RANGES, "bytes".into());
    set(header::CONTENT_DISPOSITION, disposition(&view.file.name));
    // Never run as a page of ours, whatever the content.
    set(header::CONTENT_SECURITY_POLICY, "sandbox; default-src 'none'".into());
    if let Some(r) = range {
        set(header::CONTENT_RANGE, format!("bytes {}-{}/{size}", r.start, r.end - 1));
    }
    Ok(resp)
}

/// `GET /api/v1/files/{id}`.
pub async fn file(
    State(s): State<AppState>,
    Authenticated(actor): Authenticated,
    headers: HeaderMap,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Json<FileView>, ApiError> {
    await_position(&s, &headers, espace::NAME).await?;
    Ok(Json(queries::readable_file(s.backend.read_models.as_ref(), &actor, id).await?))
}

/// `GET /api/v1/workspace`.
pub async fn workspace(
    State(s): State<AppState>,
    Authenticated(actor): Authenticated,
    headers: HeaderMap,
) -> Result<Json<WorkspaceView>, ApiError> {
    await_position(&s, &headers, espace::NAME).await?;
    let quota = s.espace.quota_for(&actor);
    Ok(Json(queries::workspace(s.backend.read_models.as_ref(), &actor, quota).await?))
}

/// `GET /api/v1/workspace/quota`.
pub async fn quota(
    State(s): State<AppState>,
    Authenticated(actor): Authenticated,
    headers: HeaderMap,
) -> Result<Json<QuotaUsage>, ApiError> {
    await_position(&s, &headers, espace::NAME).await?;
    let quota = s.espace.quota_for(&actor);
    Ok(Json(queries::quota_usage(s.backend.read_models.as_ref(), &actor, quota).await?))
}

/// `GET /api/v1/workspace/trash`.
pub async fn trash(
    State(s): State<AppState>,
    Authenticated(actor): Authenticated,
    headers: HeaderMap,
) -> Result<Json<Vec<FileEntry>>, ApiError> {
    await_position(&s, &headers, espace::NAME).await?;
    Ok(Json(queries::trash(s.backend.read_models.as_ref(), &actor).await?))
}

/// `GET /api/v1/workspace/shared`.
pub async fn shared(
    State(s): State<AppState>,
    Authenticated(actor): Authenticated,
    headers: HeaderMap,
) -> Result<Json<Vec<FileView>>, ApiError> {
    await_position(&s, &headers, espace::NAME).await?;
    Ok(Json(queries::shared_with_me(s.backend.read_models.as_ref(), &actor).await?))
}

fn multipart_schema(_: &mut SchemaGenerator) -> Schema {
    schemars::json_schema!({
        "type": "object",
        "required": ["file"],
        "properties": {
            "name": {"type": "string", "description": "the file's name (default: the file part's filename)"},
            "folder": {"type": "string", "format": "uuid", "description": "the folder (default: the root)"},
            "file_id": {"type": "string", "format": "uuid"},
            "command_id": {"type": "string", "format": "uuid"},
            "file": {"type": "string", "format": "binary", "description": "the content, last"}
        }
    })
}

/// The workspace's routes.
pub fn routes() -> ServiceRoutes {
    let read = |r: Route| r.min_position().errors(&[403, 404, 503]);
    let upload = |mut r: Route| {
        r.handler = r.handler.layer(DefaultBodyLimit::disable());
        r.errors(&[400, 403, 404, 413, 422, 503]).ok::<AppendResult>("stored; the result of the `FileUploaded` append (`created.file_id`)")
    };
    let mut put = Route::put("/api/v1/files", put_file)
        .summary("Upload a file: the body is its content, streamed (size limit and quota enforced while it arrives)")
        .query("name", true, schema::text(), "the file's name (no `/`, NUL, `..`; free in the folder)")
        .query("folder", false, schema::uuid(), "the folder (default: the root)")
        .query("file_id", false, schema::uuid(), "the new file's id (default: generated)")
        .query("command_id", false, schema::uuid(), "the same upload sent again answers its first result");
    put.body = Some(("application/octet-stream", binary_schema, "the file's bytes; `Content-Type` is recorded as its type"));
    let mut post = Route::post("/api/v1/files", post_file)
        .summary("Upload a file as `multipart/form-data` (fields before the `file` part), streamed like `PUT`");
    post.body = Some(("multipart/form-data", multipart_schema, "the form"));
    ServiceRoutes::new(
        "espace",
        Some(Service::Espace),
        vec![
            upload(put),
            upload(post.errors(&[415])),
            read(
                Route::get("/api/v1/files/{id}/content", download)
                    .summary("Download a file (its owner, or whom it is shared with); `Range` gives a part")
                    .path_uuid("id", "the file")
                    .answer(200, "the content", "application/octet-stream", binary_schema)
                    .answer(206, "the range asked", "application/octet-stream", binary_schema)
                    .errors(&[416, 500]),
            ),
            read(
                Route::get("/api/v1/files/{id}", file)
                    .summary("A file's metadata and the caller's access")
                    .path_uuid("id", "the file")
                    .ok::<FileView>("the file"),
            ),
            read(
                Route::get("/api/v1/workspace", workspace)
                    .summary("The caller's folders, files and quota")
                    .ok::<WorkspaceView>("the workspace"),
            ),
            read(Route::get("/api/v1/workspace/quota", quota).summary("The caller's quota and bytes used").ok::<QuotaUsage>("the quota")),
            read(Route::get("/api/v1/workspace/trash", trash).summary("The caller's trash").ok::<Vec<FileEntry>>("the files in the trash")),
            read(
                Route::get("/api/v1/workspace/shared", shared)
                    .summary("The files shared with the caller (directly, or with their class or groups)")
                    .ok::<Vec<FileView>>("the files"),
            ),
        ],
    )
}
