//! Loading what handlers of every service need: a structure, a user. One place, so a rule about
//! loading (404 naming the field, the UAI's form) is the same everywhere.

use ent_domain::directory::{StructureState, UserState, normalize_uai};
use ent_domain::{Aggregate, StreamId};
use uuid::Uuid;

use crate::context::{CommandContext, Loaded};
use crate::error::CommandError;

/// Loads the structure named by a command field (a UAI), 404 when it does not exist.
pub(crate) async fn load_structure(ctx: &CommandContext<'_>, raw_uai: &str) -> Result<Loaded<StructureState>, CommandError> {
    let uai = normalize_uai(raw_uai).map_err(|_| CommandError::InvalidField {
        field: "structure".into(),
        message: "a UAI is 7 digits followed by one letter".into(),
    })?;
    let loaded = ctx.load::<StructureState>(StructureState::stream(&uai)).await?;
    if loaded.state.exists() { Ok(loaded) } else { Err(CommandError::NotFound("structure".into())) }
}

/// Loads a user that must exist (404 naming `field`).
pub(crate) async fn load_user(ctx: &CommandContext<'_>, id: Uuid, field: &str) -> Result<UserState, CommandError> {
    let u = ctx.load_by_id::<UserState>(id, field).await?.state;
    if u.exists() { Ok(u) } else { Err(CommandError::NotFound(field.into())) }
}

/// Loads a user, or nothing when there is none.
pub(crate) async fn load_user_opt(ctx: &CommandContext<'_>, id: Uuid) -> Result<Option<UserState>, CommandError> {
    match ctx.load_by_id::<UserState>(id, "user").await {
        Ok(u) => Ok(Some(u.state)),
        Err(CommandError::NotFound(_)) => Ok(None),
        Err(e) => Err(e),
    }
}

/// Loads a user, or an empty state when there is none (the domain rule then names the field).
pub(crate) async fn load_user_or_empty(ctx: &CommandContext<'_>, id: Uuid) -> Result<UserState, CommandError> {
    Ok(load_user_opt(ctx, id).await?.unwrap_or_default())
}

/// The structure (UAI) a loaded aggregate's stream belongs to.
pub(crate) fn uai_of<A: Aggregate>(loaded: &Loaded<A>) -> String {
    let StreamId { structure, .. } = &loaded.stream;
    structure.clone()
}
