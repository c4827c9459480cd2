//! Single sign-on (CAS 3.0): the handlers of the service registry, the [`CasTicketStore`] port
//! where service tickets wait for their validation (implemented in `infra`, shared by every
//! server of a deployment), and the record of a validated ticket in the user's stream
//! (docs/domain.md, "Single sign-on (CAS)").

mod registry;
mod tickets;
mod validated;

pub use registry::{register_cas_service, unregister_cas_service};
pub use tickets::{CasTicketStore, PendingTicket, SloEntry, ticket_hash};
pub use validated::record_ticket_validated;
