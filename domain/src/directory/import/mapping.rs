//! Column names of import files: defaults per kind, overridden by a small mapping file
//! (docs/import.md).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::directory::events::ImportKind;

/// The column names of an import file, when they differ from the defaults. Every field is
/// optional; a field of another kind is ignored.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ColumnMapping {
    /// Pupils: the national id (INE). Default `INE`.
    #[serde(default)]
    pub national_id: Option<String>,
    /// Every kind: the last name. Default `NOM`.
    #[serde(default)]
    pub last_name: Option<String>,
    /// Every kind: the first name. Default `PRENOM`.
    #[serde(default)]
    pub first_name: Option<String>,
    /// Pupils: the birth date, `DD/MM/YYYY` or `YYYY-MM-DD`. Default `DATE_NAISSANCE`.
    #[serde(default)]
    pub birth_date: Option<String>,
    /// Pupils: the class code. Default `DIVISION`.
    #[serde(default)]
    pub class: Option<String>,
    /// Guardians: the guardian's stable id. Default `ID_RESPONSABLE`.
    #[serde(default)]
    pub guardian_id: Option<String>,
    /// Guardians: the national id (INE) of the pupil. Default `INE_ELEVE`.
    #[serde(default)]
    pub pupil_national_id: Option<String>,
    /// Guardians: the link to the pupil (mère, père, tuteur…), optional. Default `LIEN`.
    #[serde(default)]
    pub relationship: Option<String>,
    /// Guardians: e-mail address, optional. Default `EMAIL`.
    #[serde(default)]
    pub email: Option<String>,
    /// Guardians: telephone number, optional. Default `TELEPHONE`.
    #[serde(default)]
    pub phone: Option<String>,
    /// Teachers: the teacher's stable id (STS). Default `ID_STS`.
    #[serde(default)]
    pub teacher_id: Option<String>,
    /// Teachers: the subject code. Default `MATIERE`.
    #[serde(default)]
    pub subject: Option<String>,
    /// Teachers: the class codes, separated by `,` or `|`. Default `DIVISIONS`.
    #[serde(default)]
    pub classes: Option<String>,
}

/// One column the parser reads: the mapping field that names it and its default name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    NationalId,
    LastName,
    FirstName,
    BirthDate,
    Class,
    GuardianId,
    PupilNationalId,
    Relationship,
    Email,
    Phone,
    TeacherId,
    Subject,
    Classes,
}

impl Column {
    /// The default column name.
    pub fn default_name(self) -> &'static str {
        match self {
            Column::NationalId => "INE",
            Column::LastName => "NOM",
            Column::FirstName => "PRENOM",
            Column::BirthDate => "DATE_NAISSANCE",
            Column::Class => "DIVISION",
            Column::GuardianId => "ID_RESPONSABLE",
            Column::PupilNationalId => "INE_ELEVE",
            Column::Relationship => "LIEN",
            Column::Email => "EMAIL",
            Column::Phone => "TELEPHONE",
            Column::TeacherId => "ID_STS",
            Column::Subject => "MATIERE",
            Column::Classes => "DIVISIONS",
        }
    }

    /// Whether a row must give this column a value.
    pub fn required(self) -> bool {
        !matches!(self, Column::Relationship | Column::Email | Column::Phone)
    }

    /// The columns a file of `kind` has.
    pub fn of(kind: ImportKind) -> &'static [Column] {
        match kind {
            ImportKind::Pupils => &[Column::NationalId, Column::LastName, Column::FirstName, Column::BirthDate, Column::Class],
            ImportKind::Guardians => &[
                Column::GuardianId,
                Column::LastName,
                Column::FirstName,
                Column::PupilNationalId,
                Column::Relationship,
                Column::Email,
                Column::Phone,
            ],
            ImportKind::Teachers => &[Column::TeacherId, Column::LastName, Column::FirstName, Column::Subject, Column::Classes],
        }
    }
}

impl ColumnMapping {
    /// The name of `column` in the file: the mapping's, else the default.
    pub fn name(&self, column: Column) -> &str {
        let chosen = match column {
            Column::NationalId => &self.national_id,
            Column::LastName => &self.last_name,
            Column::FirstName => &self.first_name,
            Column::BirthDate => &self.birth_date,
            Column::Class => &self.class,
            Column::GuardianId => &self.guardian_id,
            Column::PupilNationalId => &self.pupil_national_id,
            Column::Relationship => &self.relationship,
            Column::Email => &self.email,
            Column::Phone => &self.phone,
            Column::TeacherId => &self.teacher_id,
            Column::Subject => &self.subject,
            Column::Classes => &self.classes,
        };
        chosen.as_deref().unwrap_or(column.default_name())
    }
}
