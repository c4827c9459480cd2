//! Forum queries: the categories a reader takes part in, a category's topics, a topic's posts,
//! a post's history.

use axum::Json;
use axum::extract::State;
use axum::http::HeaderMap;
use ent_domain::usage::Service;
use ent_projections::forums::{self, CategoryDoc, CategoryTopics, PostVersion, TopicDoc, queries};
use uuid::Uuid;

use super::await_position;
use super::spec::{Route, ServiceRoutes};
use crate::auth::Authenticated;
use crate::error::ApiError;
use crate::extract::ApiPath;
use crate::state::AppState;

/// `GET /api/v1/forums`.
pub async fn categories(
    State(s): State<AppState>,
    Authenticated(actor): Authenticated,
    headers: HeaderMap,
) -> Result<Json<Vec<CategoryDoc>>, ApiError> {
    await_position(&s, &headers, forums::NAME).await?;
    Ok(Json(queries::categories(s.backend.read_models.as_ref(), &actor).await?))
}

/// `GET /api/v1/forums/categories/{category}`.
pub async fn category(
    State(s): State<AppState>,
    Authenticated(actor): Authenticated,
    headers: HeaderMap,
    ApiPath(category): ApiPath<Uuid>,
) -> Result<Json<CategoryTopics>, ApiError> {
    await_position(&s, &headers, forums::NAME).await?;
    Ok(Json(queries::category_topics(s.backend.read_models.as_ref(), &actor, category).await?))
}

/// `GET /api/v1/forums/topics/{topic}`.
pub async fn topic(
    State(s): State<AppState>,
    Authenticated(actor): Authenticated,
    headers: HeaderMap,
    ApiPath(topic): ApiPath<Uuid>,
) -> Result<Json<TopicDoc>, ApiError> {
    await_position(&s, &headers, forums::NAME).await?;
    Ok(Json(queries::topic(s.backend.read_models.as_ref(), &actor, topic).await?))
}

/// `GET /api/v1/forums/topics/{topic}/posts/{post}/history`.
pub async fn history(
    State(s): State<AppState>,
    Authenticated(actor): Authenticated,
    headers: HeaderMap,
    ApiPath((topic, post)): ApiPath<(Uuid, Uuid)>,
) -> Result<Json<Vec<PostVersion>>, ApiError> {
    await_position(&s, &headers, forums::NAME).await?;
    Ok(Json(queries::post_history(s.backend.feed.as_ref(), s.backend.read_models.as_ref(), &actor, topic, post).await?))
}

/// The forums' routes.
pub fn routes() -> ServiceRoutes {
    let read = |r: Route| r.min_position().errors(&[403, 404, 503]);
    ServiceRoutes::new(
        "forums",
        Some(Service::Forums),
        vec![
            read(
                Route::get("/api/v1/forums", categories)
                    .summary("The forum categories of the caller's structure they take part in, with their topic and post counts")
                    .ok::<Vec<CategoryDoc>>("the categories"),
            ),
            read(
                Route::get("/api/v1/forums/categories/{category}", category)
                    .summary("A forum category and its topics, the most recently active first")
                    .path_uuid("category", "the category")
                    .ok::<CategoryTopics>("the category and its topics"),
            ),
            read(
                Route::get("/api/v1/forums/topics/{topic}", topic)
                    .summary("A forum topic and its posts, oldest first, with their authors' names")
                    .path_uuid("topic", "the topic")
                    .ok::<TopicDoc>("the topic"),
            ),
            read(
                Route::get("/api/v1/forums/topics/{topic}/posts/{post}/history", history)
                    .summary("Every version of a forum post, oldest first")
                    .path_uuid("topic", "the topic")
                    .path_uuid("post", "the post")
                    .ok::<Vec<PostVersion>>("the versions"),
            ),
        ],
    )
}
