//! The framework aggregate of a structure (non built-in frameworks).
//! Stream: `<uai>/competency-framework/<code>`.

use std::collections::BTreeSet;

use super::builtin;
use super::commands::DefineCompetencyFramework;
use super::events::CompetencyFrameworkDefined;
use super::types::{DomainDef, FrameworkDef, FrameworkKind, ItemDef};
use crate::directory::{StructureState, validate_code, validate_text};
use crate::{Aggregate, DomainError, Event, StreamId};

/// A structure's own framework, as last defined.
#[derive(Debug, Clone, Default)]
pub struct FrameworkState {
    pub definition: Option<FrameworkDef>,
}

impl FrameworkState {
    pub fn stream(uai: &str, code: &str) -> StreamId {
        StreamId::new(uai, Self::TYPE, code)
    }
}

impl Aggregate for FrameworkState {
    const TYPE: &'static str = "competency-framework";

    fn apply(&mut self, event: &Event) {
        if let Event::CompetencyFrameworkDefined(e) = event {
            self.definition = Some(FrameworkDef { code: e.code.clone(), name: e.name.clone(), kind: e.kind, domains: e.domains.clone() });
        }
    }
}

/// The framework a code names in a structure: built in, or defined there.
pub fn resolve(code: &str, defined: &FrameworkState) -> Result<FrameworkDef, DomainError> {
    builtin::builtin(code).or_else(|| defined.definition.clone()).ok_or_else(|| DomainError::NotFound("framework".into()))
}

/// `DefineCompetencyFramework`: a code that is not a built-in one, a name, at least one domain
/// of at least one item, item codes unique in the framework; the socle is built in only.
pub fn define_framework(structure: &StructureState, cmd: &DefineCompetencyFramework) -> Result<Vec<Event>, DomainError> {
    if !structure.exists() {
        return Err(DomainError::NotFound("structure".into()));
    }
    let code = validate_code("code", &cmd.code)?;
    if builtin::builtin(&code.to_lowercase()).is_some() {
        return Err(DomainError::field("code", "this is a built-in framework; it cannot be redefined"));
    }
    if cmd.kind == FrameworkKind::Socle {
        return Err(DomainError::field("kind", "the socle commun is built in"));
    }
    let name = validate_text("name", &cmd.name, 200)?;
    if cmd.domains.is_empty() {
        return Err(DomainError::field("domains", "at least one domain"));
    }
    let mut codes = BTreeSet::new();
    let mut domains = Vec::new();
    for (i, d) in cmd.domains.iter().enumerate() {
        if d.items.is_empty() {
            return Err(DomainError::field(format!("domains[{i}].items"), "at least one item"));
        }
        let mut items = Vec::new();
        for (j, item) in d.items.iter().enumerate() {
            let field = format!("domains[{i}].items[{j}]");
            let item_code = validate_code(&format!("{field}.code"), &item.code)?;
            if !codes.insert(item_code.clone()) {
                return Err(DomainError::field(format!("{field}.code"), "appears twice in the framework"));
            }
            items.push(ItemDef { code: item_code, label: validate_text(&format!("{field}.label"), &item.label, 500)? });
        }
        domains.push(DomainDef {
            code: validate_code(&format!("domains[{i}].code"), &d.code)?,
            name: validate_text(&format!("domains[{i}].name"), &d.name, 200)?,
            items,
        });
    }
    Ok(vec![Event::CompetencyFrameworkDefined(CompetencyFrameworkDefined {
        structure: structure.uai.clone(),
        code,
        name,
        kind: cmd.kind,
        domains,
    })])
}
