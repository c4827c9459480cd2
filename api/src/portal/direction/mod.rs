//! The direction's pages (head of school and deputies): the structure's usage indicators with
//! their charts (the direction's home), sanctions (pronounce, the register) and the publication
//! of bulletins. Each page calls the same queries and commands as the API.

pub mod bulletins;
pub mod indicators;
pub mod sanctions;

use ent_domain::directory::{Profile, Role};

use super::page::PortalError;
use super::session::SignedIn;

/// The pages of this module are the direction's: anyone else gets the 403 page. (The queries and
/// commands they call decide again, on the resource read.)
pub fn require_direction(who: &SignedIn) -> Result<(), PortalError> {
    if who.profile() == Profile::Personnel && who.card.role == Some(Role::Direction) { Ok(()) } else { Err(PortalError::Forbidden) }
}
