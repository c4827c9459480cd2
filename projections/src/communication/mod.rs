//! Communication rules read model: each structure's overrides, for its ADML.

use chrono::{DateTime, Utc};
use ent_domain::communication::commands::Party;
use ent_domain::{Actor, Event, RecordedEvent};
use serde::{Deserialize, Serialize};

use crate::docs::DocView;
use crate::error::{ApplyError, QueryError};
use crate::projection::Projection;
use crate::source::{StoreSource, get_as};
use crate::store::ReadModelStore;

/// The projection name.
pub const NAME: &str = "communication";

const RULES: &str = "rules";

/// An override of the defaults.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct RuleDoc {
    pub from: Party,
    pub to: Party,
    pub allowed: bool,
    pub set_by: String,
    pub set_at: DateTime<Utc>,
}

/// `rules/<uai>`: the overrides of a structure.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct RulesDoc {
    pub structure: String,
    pub overrides: Vec<RuleDoc>,
}

/// The effective rules of a structure: the defaults (as text) and the overrides.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct EffectiveRules {
    pub structure: String,
    pub defaults: Vec<String>,
    /// How overrides combine with the defaults and with each other.
    pub precedence: String,
    pub overrides: Vec<RuleDoc>,
}

/// The defaults, as docs/domain.md states them.
pub const DEFAULTS: [&str; 4] = [
    "teachers and staff write to everyone of their structure",
    "a pupil writes to their teachers, their class, the vie scolaire (CPE) and the direction",
    "a parent writes to their children's teachers, the vie scolaire (CPE), the direction and their own children — never to another parent, never to a pupil who is not their child",
    "the ADML and platform administrators write to everyone of the structure",
];

/// Folds the overrides.
pub struct CommunicationProjection;

impl Projection for CommunicationProjection {
    fn name(&self) -> &'static str {
        NAME
    }

    fn description(&self) -> &'static str {
        "communication rules: each structure's overrides of the defaults"
    }

    fn apply(&self, view: &mut DocView<'_>, r: &RecordedEvent, event: &Event) -> Result<(), ApplyError> {
        match event {
            Event::CommunicationRuleSet(e) => {
                let mut doc = view.get_as::<RulesDoc>(RULES, &e.structure)?.unwrap_or_default();
                doc.structure = e.structure.clone();
                doc.overrides.retain(|o| (o.from, o.to) != (e.from, e.to));
                doc.overrides.push(RuleDoc { from: e.from, to: e.to, allowed: e.allowed, set_by: r.actor.clone(), set_at: r.recorded_at });
                view.insert(RULES, &e.structure, doc)
            }
            Event::CommunicationRuleRemoved(e) => {
                let mut doc = view.get_as::<RulesDoc>(RULES, &e.structure)?.unwrap_or_default();
                doc.overrides.retain(|o| (o.from, o.to) != (e.from, e.to));
                view.insert(RULES, &e.structure, doc)
            }
            _ => Ok(()),
        }
    }
}

/// The effective rules of structure `uai`, for its ADML and platform administrators (anyone
/// else: not found).
pub async fn effective_rules(store: &dyn ReadModelStore, actor: &Actor, uai: &str) -> Result<EffectiveRules, QueryError> {
    let adml = actor.is_platform_admin() || actor.user().is_some_and(|u| u.admin_of.contains(uai));
    if !adml {
        return Err(QueryError::not_found("structure"));
    }
    let dir = StoreSource { store, projection: crate::directory::NAME };
    if get_as::<serde_json::Value>(&dir, "structure", uai).await?.is_none() {
        return Err(QueryError::not_found("structure"));
    }
    let src = StoreSource { store, projection: NAME };
    let doc = get_as::<RulesDoc>(&src, RULES, uai).await?.unwrap_or_default();
    Ok(EffectiveRules {
        structure: uai.to_string(),
        defaults: DEFAULTS.iter().map(|d| d.to_string()).collect(),
        precedence:
            "an override beats the defaults; a group rule beats a profile rule (counted on both sides); at equal specificity a deny wins"
                .into(),
        overrides: doc.overrides,
    })
}
