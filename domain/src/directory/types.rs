//! Value types of the directory: UAI, profiles, roles, levels, period kinds.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::DomainError;

/// The UAI (Unité Administrative Immatriculée) of a structure: 7 digits and one letter.
pub fn normalize_uai(raw: &str) -> Result<String, DomainError> {
    let uai = raw.trim().to_ascii_uppercase();
    let bytes = uai.as_bytes();
    let valid = bytes.len() == 8 && bytes[..7].iter().all(u8::is_ascii_digit) && bytes[7].is_ascii_uppercase();
    if valid { Ok(uai) } else { Err(DomainError::field("uai", "a UAI is 7 digits followed by one letter, e.g. 0751234A")) }
}

/// Kind of structure (école, collège, lycée).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum StructureKind {
    Ecole,
    College,
    Lycee,
}

/// The profile of a user (BRIEF §1). `platform_admin` and `rectorat` live on the platform.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Profile {
    Eleve,
    Parent,
    Enseignant,
    Personnel,
    PlatformAdmin,
    /// Rectorat / collectivité: aggregate usage indicators across structures, no personal data.
    Rectorat,
}

impl Profile {
    /// Every profile.
    pub const ALL: [Profile; 6] =
        [Profile::Eleve, Profile::Parent, Profile::Enseignant, Profile::Personnel, Profile::PlatformAdmin, Profile::Rectorat];

    /// The snake_case name, e.g. `platform_admin`.
    pub fn as_str(self) -> &'static str {
        match self {
            Profile::Eleve => "eleve",
            Profile::Parent => "parent",
            Profile::Enseignant => "enseignant",
            Profile::Personnel => "personnel",
            Profile::PlatformAdmin => "platform_admin",
            Profile::Rectorat => "rectorat",
        }
    }

    /// Parses a snake_case profile name.
    pub fn parse(s: &str) -> Option<Profile> {
        Profile::ALL.into_iter().find(|p| p.as_str() == s)
    }

    /// Platform-level profiles belong to no structure (their streams live under `platform`).
    pub fn is_platform_level(self) -> bool {
        matches!(self, Profile::PlatformAdmin | Profile::Rectorat)
    }
}

/// The function of a `personnel` user.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Direction,
    Cpe,
    Administratif,
}

/// Trimestres or semestres.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum PeriodKind {
    Trimestres,
    Semestres,
}

impl PeriodKind {
    /// How many periods a school year has with this kind.
    pub fn count(self) -> usize {
        match self {
            PeriodKind::Trimestres => 3,
            PeriodKind::Semestres => 2,
        }
    }

    /// Display name of period `index` (0-based): T1…T3 or S1, S2.
    pub fn name(self, index: usize) -> String {
        match self {
            PeriodKind::Trimestres => format!("T{}", index + 1),
            PeriodKind::Semestres => format!("S{}", index + 1),
        }
    }
}

/// School level of a class (division), from CP to terminale.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
pub enum Level {
    #[serde(rename = "CP")]
    Cp,
    #[serde(rename = "CE1")]
    Ce1,
    #[serde(rename = "CE2")]
    Ce2,
    #[serde(rename = "CM1")]
    Cm1,
    #[serde(rename = "CM2")]
    Cm2,
    #[serde(rename = "6e")]
    Sixieme,
    #[serde(rename = "5e")]
    Cinquieme,
    #[serde(rename = "4e")]
    Quatrieme,
    #[serde(rename = "3e")]
    Troisieme,
    #[serde(rename = "2nde")]
    Seconde,
    #[serde(rename = "1re")]
    Premiere,
    #[serde(rename = "Tle")]
    Terminale,
}

impl Level {
    /// Whether a structure of this kind teaches this level.
    pub fn taught_in(self, kind: StructureKind) -> bool {
        use Level::*;
        match kind {
            StructureKind::Ecole => matches!(self, Cp | Ce1 | Ce2 | Cm1 | Cm2),
            StructureKind::College => matches!(self, Sixieme | Cinquieme | Quatrieme | Troisieme),
            StructureKind::Lycee => matches!(self, Seconde | Premiere | Terminale),
        }
    }
}

/// Checks a short code (class, group, subject): 1..=32 characters, letters, digits, `-`, `_`, `.`.
pub fn validate_code(field: &str, code: &str) -> Result<String, DomainError> {
    let code = code.trim();
    let ok = !code.is_empty() && code.chars().count() <= 32 && code.chars().all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if ok { Ok(code.to_string()) } else { Err(DomainError::field(field, "1 to 32 letters, digits, '-', '_' or '.'")) }
}

/// Checks a human name or label: non-empty after trimming, at most `max` characters.
pub fn validate_text(field: &str, text: &str, max: usize) -> Result<String, DomainError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(DomainError::field(field, "must not be empty"));
    }
    if text.chars().count() > max {
        return Err(DomainError::field(field, format!("at most {max} characters")));
    }
    Ok(text.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uai_is_seven_digits_and_a_letter() {
        assert_eq!(normalize_uai(" 0751234a ").unwrap(), "0751234A");
        for bad in ["075123A", "07512345", "A751234A", "0751234AA", ""] {
            assert!(normalize_uai(bad).is_err(), "{bad} accepted");
        }
    }

    #[test]
    fn profile_names_match_their_serde_form() {
        for p in Profile::ALL {
            assert_eq!(serde_json::to_value(p).unwrap(), p.as_str());
            assert_eq!(Profile::parse(p.as_str()), Some(p));
        }
    }

    #[test]
    fn level_belongs_to_its_kind_of_structure() {
        assert!(Level::Sixieme.taught_in(StructureKind::College));
        assert!(!Level::Sixieme.taught_in(StructureKind::Lycee));
        assert!(Level::Cm2.taught_in(StructureKind::Ecole));
    }
}
