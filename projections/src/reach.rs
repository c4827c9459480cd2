//! The classes and groups a reader reaches through pupils (their own as a pupil, their
//! children's as a parent), read from the pupils' memberships that the cahier de textes read
//! model keeps; the communication services' read rules take it (docs/domain.md, "Forums, blogs
//! and news").

use ent_domain::Actor;
use ent_domain::directory::Profile;
use ent_domain::reach::Reach;

use crate::cahier_de_textes::Membership;
use crate::error::QueryError;
use crate::source::{StoreSource, get_as};
use crate::store::ReadModelStore;

/// The reach of `actor` (empty for the system and for people with no pupil).
pub async fn reach_of(store: &dyn ReadModelStore, actor: &Actor) -> Result<Reach, QueryError> {
    let mut reach = Reach::default();
    let Some(u) = actor.user() else { return Ok(reach) };
    let mut pupils: Vec<uuid::Uuid> = u.children.iter().copied().collect();
    if u.profile == Some(Profile::Eleve) {
        pupils.push(u.user_id);
        if let Some((c, _)) = u.class {
            reach.classes.insert(c);
        }
    }
    let src = StoreSource { store, projection: crate::cahier_de_textes::NAME };
    for p in pupils {
        if let Some(m) = get_as::<Membership>(&src, "membership", &p.to_string()).await? {
            reach.classes.extend(m.class);
            reach.groups.extend(m.groups);
        }
    }
    Ok(reach)
}
