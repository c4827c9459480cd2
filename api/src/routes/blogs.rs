//! Blog queries: the blogs a reader may read, a blog with the posts they see, one post.

use axum::Json;
use axum::extract::State;
use axum::http::HeaderMap;
use ent_domain::usage::Service;
use ent_projections::blogs::{self, BlogDoc, BlogPage, BlogPostDoc, queries};
use uuid::Uuid;

use super::await_position;
use super::spec::{Route, ServiceRoutes};
use crate::auth::Authenticated;
use crate::error::ApiError;
use crate::extract::ApiPath;
use crate::state::AppState;

/// `GET /api/v1/blogs`.
pub async fn list(
    State(s): State<AppState>,
    Authenticated(actor): Authenticated,
    headers: HeaderMap,
) -> Result<Json<Vec<BlogDoc>>, ApiError> {
    await_position(&s, &headers, blogs::NAME).await?;
    Ok(Json(queries::blogs(s.backend.read_models.as_ref(), &actor).await?))
}

/// `GET /api/v1/blogs/{blog}`.
pub async fn blog(
    State(s): State<AppState>,
    Authenticated(actor): Authenticated,
    headers: HeaderMap,
    ApiPath(blog): ApiPath<Uuid>,
) -> Result<Json<BlogPage>, ApiError> {
    await_position(&s, &headers, blogs::NAME).await?;
    Ok(Json(queries::blog(s.backend.read_models.as_ref(), &actor, blog).await?))
}

/// `GET /api/v1/blog-posts/{post}`.
pub async fn post(
    State(s): State<AppState>,
    Authenticated(actor): Authenticated,
    headers: HeaderMap,
    ApiPath(post): ApiPath<Uuid>,
) -> Result<Json<BlogPostDoc>, ApiError> {
    await_position(&s, &headers, blogs::NAME).await?;
    Ok(Json(queries::post(s.backend.read_models.as_ref(), &actor, post).await?))
}

/// The blogs' routes.
pub fn routes() -> ServiceRoutes {
    let read = |r: Route| r.min_position().errors(&[403, 404, 503]);
    ServiceRoutes::new(
        "blogs",
        Some(Service::Blogs),
        vec![
            read(Route::get("/api/v1/blogs", list).summary("The blogs of the caller's structure they may read").ok::<Vec<BlogDoc>>("the blogs")),
            read(
                Route::get("/api/v1/blogs/{blog}", blog)
                    .summary("A blog and the posts the caller sees: published ones newest first, then their drafts and, for publishers, submitted posts")
                    .path_uuid("blog", "the blog")
                    .ok::<BlogPage>("the blog and its posts"),
            ),
            read(
                Route::get("/api/v1/blog-posts/{post}", post)
                    .summary("A blog post and its comments (pending ones for publishers and their authors only)")
                    .path_uuid("post", "the post")
                    .ok::<BlogPostDoc>("the post"),
            ),
        ],
    )
}
