//! A registration of the CAS service registry: the aggregate and its rules.

use uuid::Uuid;

use super::attributes::CasAttribute;
use super::commands::{RegisterCasService, UnregisterCasService};
use super::events::{CasServiceRegistered, CasServiceUnregistered};
use super::pattern::ServicePattern;
use crate::{Aggregate, DomainError, Event};

/// One registration, folded from its stream `platform/cas-service/<id>`.
#[derive(Debug, Clone, Default)]
pub struct CasServiceState {
    pub service_id: Option<Uuid>,
    pub url_pattern: String,
    pub attributes: Vec<CasAttribute>,
    pub single_logout: bool,
    pub unregistered: bool,
}

impl Aggregate for CasServiceState {
    const TYPE: &'static str = "cas-service";

    fn apply(&mut self, event: &Event) {
        match event {
            Event::CasServiceRegistered(e) => {
                self.service_id = Some(e.service_id);
                self.url_pattern = e.url_pattern.clone();
                self.attributes = e.attributes.clone();
                self.single_logout = e.single_logout;
            }
            Event::CasServiceUnregistered(_) => self.unregistered = true,
            _ => {}
        }
    }
}

/// `RegisterCasService`: a name, a valid URL pattern (normalised), attributes without repeats.
pub fn register_cas_service(state: &CasServiceState, service_id: Uuid, cmd: &RegisterCasService) -> Result<Vec<Event>, DomainError> {
    if state.service_id.is_some() {
        return Err(DomainError::field("service_id", "this id is already in use"));
    }
    let name = cmd.name.trim();
    if name.is_empty() {
        return Err(DomainError::field("name", "must not be empty"));
    }
    let pattern = ServicePattern::parse(&cmd.url_pattern)?;
    let mut attributes = cmd.attributes.clone();
    attributes.sort();
    attributes.dedup();
    Ok(vec![Event::CasServiceRegistered(CasServiceRegistered {
        service_id,
        name: name.to_string(),
        url_pattern: pattern.as_str().to_string(),
        attributes,
        single_logout: cmd.single_logout,
    })])
}

/// `UnregisterCasService`: a registration still in force.
pub fn unregister_cas_service(state: &CasServiceState, cmd: &UnregisterCasService) -> Result<Vec<Event>, DomainError> {
    if state.service_id.is_none() {
        return Err(DomainError::NotFound("CAS service".into()));
    }
    if state.unregistered {
        return Err(DomainError::rule("this service is already unregistered"));
    }
    Ok(vec![Event::CasServiceUnregistered(CasServiceUnregistered { service_id: cmd.service_id })])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn register(pattern: &str) -> RegisterCasService {
        RegisterCasService {
            service_id: None,
            name: "Cantine".into(),
            url_pattern: pattern.into(),
            attributes: vec![CasAttribute::Profile, CasAttribute::Login, CasAttribute::Profile],
            single_logout: true,
        }
    }

    #[test]
    fn a_registration_is_normalised_and_unique() {
        let id = Uuid::new_v4();
        let events = register_cas_service(&CasServiceState::default(), id, &register("HTTPS://Cantine.Example.fr:443/ent")).unwrap();
        let Event::CasServiceRegistered(e) = &events[0] else { panic!("{events:?}") };
        assert_eq!(e.url_pattern, "https://cantine.example.fr/ent");
        assert_eq!(e.attributes, [CasAttribute::Login, CasAttribute::Profile]);
        let state = CasServiceState::from_history(&events);
        assert!(register_cas_service(&state, id, &register("https://cantine.example.fr/")).is_err(), "id in use");
        let refused = register_cas_service(&CasServiceState::default(), id, &register("cantine.example.fr"));
        assert!(matches!(refused, Err(DomainError::InvalidField { field, .. }) if field == "url_pattern"));
    }

    #[test]
    fn unregistering_needs_a_registration_in_force() {
        let id = Uuid::new_v4();
        let cmd = UnregisterCasService { service_id: id };
        assert!(matches!(unregister_cas_service(&CasServiceState::default(), &cmd), Err(DomainError::NotFound(_))));
        let state =
            CasServiceState::from_history(&register_cas_service(&CasServiceState::default(), id, &register("https://a.example/")).unwrap());
        let events = unregister_cas_service(&state, &cmd).unwrap();
        let state = state.evolve(&events[0]);
        assert!(state.unregistered);
        assert!(matches!(unregister_cas_service(&state, &cmd), Err(DomainError::Rule(_))));
    }
}
