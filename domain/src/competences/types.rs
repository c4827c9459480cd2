//! Competency frameworks as data: domains of items, of three kinds.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// What a framework is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum FrameworkKind {
    /// The socle commun de connaissances, de compétences et de culture.
    Socle,
    /// Competencies of a subject.
    Subject,
    /// A certification referential (B2i, PIX): items are validated, not positioned only.
    Certification,
}

/// One item (competency, composante) of a framework.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ItemDef {
    pub code: String,
    pub label: String,
}

/// One domain of a framework, with its items.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DomainDef {
    pub code: String,
    pub name: String,
    pub items: Vec<ItemDef>,
}

/// A whole framework.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct FrameworkDef {
    pub code: String,
    pub name: String,
    pub kind: FrameworkKind,
    pub domains: Vec<DomainDef>,
}

impl FrameworkDef {
    /// The item with this code and the domain it belongs to.
    pub fn item(&self, code: &str) -> Option<(&DomainDef, &ItemDef)> {
        self.domains.iter().find_map(|d| d.items.iter().find(|i| i.code == code).map(|i| (d, i)))
    }

    /// Every item, in order.
    pub fn items(&self) -> impl Iterator<Item = (&DomainDef, &ItemDef)> {
        self.domains.iter().flat_map(|d| d.items.iter().map(move |i| (d, i)))
    }
}

/// The 4-level scale of positioning (BRIEF §2.4).
pub fn level_label(level: u8) -> &'static str {
    match level {
        1 => "maîtrise insuffisante",
        2 => "maîtrise fragile",
        3 => "maîtrise satisfaisante",
        4 => "très bonne maîtrise",
        _ => "?",
    }
}
