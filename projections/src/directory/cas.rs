//! The CAS service registry as a read model, and the attributes released with a validated
//! ticket (docs/domain.md, "Single sign-on (CAS)"). The registry is listed to platform
//! administrators only; the CAS protocol itself looks a service URL up without a caller (the
//! registration is what allows it).

use ent_domain::Actor;
use ent_domain::cas::events::{CasServiceRegistered, CasServiceUnregistered};
use ent_domain::cas::{CasAttribute, ServicePattern};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::NAME;
use super::fold::USERS;
use super::models::UserCard;
use crate::docs::DocView;
use crate::error::{ApplyError, QueryError};
use crate::store::ReadModelStore;

pub(crate) const CAS_SERVICES: &str = "cas-service";

/// A registration in force.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CasServiceDoc {
    pub service_id: Uuid,
    pub name: String,
    pub url_pattern: String,
    pub attributes: Vec<CasAttribute>,
    pub single_logout: bool,
}

pub(crate) fn cas_service_registered(view: &mut DocView<'_>, e: &CasServiceRegistered) -> Result<(), ApplyError> {
    let doc = CasServiceDoc {
        service_id: e.service_id,
        name: e.name.clone(),
        url_pattern: e.url_pattern.clone(),
        attributes: e.attributes.clone(),
        single_logout: e.single_logout,
    };
    view.put(CAS_SERVICES, e.service_id, &doc)
}

pub(crate) fn cas_service_unregistered(view: &mut DocView<'_>, e: &CasServiceUnregistered) -> Result<(), ApplyError> {
    view.delete(CAS_SERVICES, e.service_id)
}

async fn registrations(store: &dyn ReadModelStore) -> Result<Vec<CasServiceDoc>, QueryError> {
    let docs = store.list(NAME, CAS_SERVICES, "").await?;
    docs.into_iter().map(|d| serde_json::from_value(d).map_err(QueryError::from)).collect()
}

/// Every registration in force, for platform administrators (403 for anyone else: the read
/// names no resource).
pub async fn cas_services(store: &dyn ReadModelStore, actor: &Actor) -> Result<Vec<CasServiceDoc>, QueryError> {
    if !actor.is_platform_admin() {
        return Err(QueryError::Forbidden("only a platform administrator may list the CAS services".into()));
    }
    let mut all = registrations(store).await?;
    all.sort_by(|a, b| a.url_pattern.cmp(&b.url_pattern).then(a.service_id.cmp(&b.service_id)));
    Ok(all)
}

/// The registration allowing `service`: of several matching, the one with the longest path.
pub async fn cas_service_for(store: &dyn ReadModelStore, service: &str) -> Result<Option<CasServiceDoc>, QueryError> {
    let mut best: Option<(usize, CasServiceDoc)> = None;
    for doc in registrations(store).await? {
        let Ok(pattern) = ServicePattern::parse(&doc.url_pattern) else { continue };
        if pattern.matches(service) && best.as_ref().is_none_or(|(s, _)| pattern.specificity() > *s) {
            best = Some((pattern.specificity(), doc));
        }
    }
    Ok(best.map(|(_, doc)| doc))
}

/// The attributes `released` of user `user_id`, as (name, value) pairs in the order released
/// (`classes` may give several pairs, one per class, or none).
pub async fn cas_attributes(
    store: &dyn ReadModelStore,
    user_id: Uuid,
    released: &[CasAttribute],
) -> Result<Vec<(&'static str, String)>, QueryError> {
    let card: UserCard = match store.get(NAME, USERS, &user_id.to_string()).await? {
        Some(doc) => serde_json::from_value(doc)?,
        None => return Err(QueryError::NotReady("the user's card is not projected yet".into())),
    };
    let mut out = Vec::new();
    for &attribute in released {
        let name = attribute.name();
        match attribute {
            CasAttribute::Login => out.push((name, card.login.clone())),
            CasAttribute::Profile => out.push((name, serde_plain(&card.profile))),
            CasAttribute::Structure => out.push((name, card.structure.clone())),
            CasAttribute::FirstName => out.push((name, card.first_name.clone())),
            CasAttribute::LastName => out.push((name, card.last_name.clone())),
            CasAttribute::Classes => {
                let mut codes: Vec<String> = card.class.iter().map(|c| c.code.clone()).collect();
                codes.extend(card.assignments.iter().map(|a| a.class_or_group_code.clone()));
                codes.extend(card.children.iter().filter_map(|c| c.class.as_ref().map(|c| c.code.clone())));
                codes.sort();
                codes.dedup();
                out.extend(codes.into_iter().map(|c| (name, c)));
            }
        }
    }
    Ok(out)
}

/// The serde name of a unit enum value (`eleve`, `enseignant`, …).
fn serde_plain<T: Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => s,
        Ok(other) => other.to_string(),
        Err(e) => format!("unserialisable: {e}"),
    }
}
