//! The CAS 3.0 server's pieces behind `routes/cas.rs` (docs/domain.md, "Single sign-on (CAS)"):
//! the XML and JSON answers of ticket validation and the SAML logout request (`protocol`), the
//! HTML pages (`pages`), the cookies (`cookies`), the single sign-on session and the issue of
//! service tickets (`session`), single logout (`slo`).

pub mod cookies;
pub mod pages;
pub mod protocol;
pub mod session;
pub mod slo;
