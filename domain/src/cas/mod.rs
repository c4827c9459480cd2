//! Single sign-on: the ENT as a CAS 3.0 identity provider (docs/domain.md, "Single sign-on
//! (CAS)"). The registry of the partner applications allowed to ask for a login (one stream per
//! registration, `platform/cas-service/<id>`), how a service URL matches a registration, and the
//! rules of service tickets (single use, short-lived, bound to their service URL).

pub mod attributes;
pub mod commands;
pub mod events;
pub mod pattern;
pub mod service;
pub mod ticket;

pub use attributes::CasAttribute;
pub use pattern::ServicePattern;
pub use service::CasServiceState;
