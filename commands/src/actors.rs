//! Turning an authenticated user id into an [`Actor`], from the event store (always current).

use ent_domain::directory::UserState;
use ent_domain::{Actor, Aggregate};
use uuid::Uuid;

use crate::context::load;
use crate::error::CommandError;
use crate::store::EventStore;

/// The actor for `user_id`, or `None` when no such active user exists.
pub async fn load_actor(store: &dyn EventStore, user_id: Uuid) -> Result<Option<Actor>, CommandError> {
    let Some(stream) = store.locate(UserState::TYPE, &user_id.to_string()).await? else {
        return Ok(None);
    };
    let Some(stream) = ent_domain::StreamId::parse(&stream) else {
        return Ok(None);
    };
    let user = load::<UserState>(store, stream).await?.state;
    Ok((user.exists() && user.active).then(|| Actor::User(Box::new(user))))
}
