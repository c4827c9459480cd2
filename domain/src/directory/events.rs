//! Events of the directory service. Field names are part of the public contract.

use chrono::{DateTime, NaiveDate, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::types::{Level, PeriodKind, Profile, Role, StructureKind};

/// A structure (établissement) was created. Stream: `<uai>/structure/<uai>`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct StructureCreated {
    pub uai: String,
    pub name: String,
    pub kind: StructureKind,
}

/// A class (division) was created in a structure. Stream: the structure's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ClassCreated {
    pub structure: String,
    pub class_id: Uuid,
    pub code: String,
    pub level: Level,
}

/// A group (teaching group, option, half-class) was created. Stream: the structure's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct GroupCreated {
    pub structure: String,
    pub group_id: Uuid,
    pub code: String,
    pub name: String,
    pub members: Vec<Uuid>,
}

/// A subject (discipline) was created. Stream: the structure's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct SubjectCreated {
    pub structure: String,
    pub subject_id: Uuid,
    pub code: String,
    pub name: String,
}

/// One period of a school year (a trimestre or semestre).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Period {
    pub period_id: Uuid,
    pub name: String,
    pub start: NaiveDate,
    pub end: NaiveDate,
}

/// The periods of a school year were defined (or redefined). Stream: the structure's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct PeriodsDefined {
    pub structure: String,
    /// `YYYY-YYYY`, e.g. `2026-2027`.
    pub school_year: String,
    pub kind: PeriodKind,
    pub periods: Vec<Period>,
}

/// A user account was created. Stream: `<structure>/user/<user_id>`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct UserCreated {
    pub user_id: Uuid,
    pub structure: String,
    pub profile: Profile,
    pub role: Option<Role>,
    pub first_name: String,
    pub last_name: String,
    pub login: String,
}

/// A login was reserved for a user; the stream `platform/login/<login>` makes logins unique.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct LoginReserved {
    pub login: String,
    pub user_id: Uuid,
}

/// A user's password was set. The hash itself is kept outside the event log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct PasswordSet {
    pub user_id: Uuid,
}

/// A pupil was enrolled in a class from a date on. Stream: the pupil's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct PupilEnrolled {
    pub pupil: Uuid,
    pub structure: String,
    pub class_id: Uuid,
    pub since: NaiveDate,
    /// The class the pupil leaves, when this is a change of class.
    pub previous_class: Option<Uuid>,
}

/// A parent (responsable légal) was linked to a pupil. Stream: the parent's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ParentLinked {
    pub parent: Uuid,
    pub pupil: Uuid,
}

/// A teacher was assigned to teach a subject to a class or group. Stream: the teacher's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct TeacherAssigned {
    pub teacher: Uuid,
    pub structure: String,
    pub subject_id: Uuid,
    pub class_or_group: Uuid,
}

/// A user was made local administrator (ADML) of a structure. Stream: the user's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct AdminGranted {
    pub user_id: Uuid,
    pub structure: String,
}

/// A rectorat user was appointed inspector (IA-IPR, IEN): besides the rectorat's indicators, an
/// inspector reads the cahiers de textes of every structure and gives them a visa. Stream: the
/// user's (`platform/user/<id>`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct InspectorAppointed {
    pub user_id: Uuid,
    /// The discipline inspected, e.g. `mathématiques` (free text; structures name their
    /// subjects themselves).
    pub discipline: Option<String>,
}

/// A user account was deactivated: it can no longer log in. Stream: the user's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct UserDeactivated {
    pub user_id: Uuid,
    pub reason: String,
}

/// A login attempt on this account failed (wrong password). Stream: the user's. The audit trail
/// of access; the source address is not kept in the log (docs/domain.md, "Logins").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct LoginFailed {
    pub user_id: Uuid,
    pub at: DateTime<Utc>,
    /// Failures in the current run, this one included (a run ends with a successful login, an
    /// unlock, the end of a lockout, or an hour without failure).
    pub consecutive: u32,
}

/// The account was locked after too many failed logins: every login is refused until `until`,
/// or until an administrator unlocks it. Stream: the user's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct AccountLocked {
    pub user_id: Uuid,
    pub at: DateTime<Utc>,
    pub until: DateTime<Utc>,
    /// The failures that caused the lockout.
    pub failures: u32,
}

/// An administrator unlocked the account (`UnlockAccount`): the run of failures is over.
/// Stream: the user's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct AccountUnlocked {
    pub user_id: Uuid,
}

/// A successful login ended a run of failed logins (appended only then: other logins are
/// counted in the usage indicators). Stream: the user's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct LoginSucceeded {
    pub user_id: Uuid,
    pub at: DateTime<Utc>,
    /// The failures of the run this login ended.
    pub after_failures: u32,
}

/// The user logged out: the token of this session is refused from now on. Stream: the user's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct SessionRevoked {
    pub user_id: Uuid,
    /// The `sid` claim of the token.
    pub session_id: Uuid,
}

/// Every session of the user opened until `before` was revoked (`RevokeSessions`): tokens
/// issued up to that second are refused. Stream: the user's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct SessionsRevoked {
    pub user_id: Uuid,
    pub before: DateTime<Utc>,
}

/// What a directory import file lists (docs/domain.md, "Rentrée import").
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ImportKind {
    /// Pupils with their class (SIECLE-style).
    Pupils,
    /// Legal guardians with their link to a pupil and their contact details.
    Guardians,
    /// Teachers with their subjects and classes (STS-style).
    Teachers,
}

impl ImportKind {
    /// `pupils`, `guardians` or `teachers`.
    pub fn as_str(self) -> &'static str {
        match self {
            ImportKind::Pupils => "pupils",
            ImportKind::Guardians => "guardians",
            ImportKind::Teachers => "teachers",
        }
    }
}

/// A user was created by a directory import, which manages them from now on: they are matched
/// on `external_id` by later imports of the same kind. Stream: the user's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct UserImported {
    pub user_id: Uuid,
    pub structure: String,
    pub kind: ImportKind,
    /// The national id (INE) of a pupil, the school system's stable id of a guardian or teacher.
    pub external_id: String,
    /// A pupil's birth date, as the file gives it.
    pub birth_date: Option<NaiveDate>,
}

/// An account a directory import had deactivated (absent from a file) is listed again: it can
/// log in again. Stream: the user's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct UserReactivated {
    pub user_id: Uuid,
    pub reason: String,
}

/// A guardian's contact details, as the last import gave them. Stream: the user's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ContactDetailsSet {
    pub user_id: Uuid,
    pub email: Option<String>,
    pub phone: Option<String>,
}

/// An activation code was issued to the account; any earlier code no longer works. The code
/// itself is kept hashed outside the event log. Stream: the user's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ActivationCodeIssued {
    pub user_id: Uuid,
    pub at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

/// The account was activated with its activation code, which is spent, and a password chosen
/// (a `PasswordSet` follows). Stream: the user's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct AccountActivated {
    pub user_id: Uuid,
    pub at: DateTime<Utc>,
}

/// Counts of one import.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ImportCounts {
    /// Data rows in the file (the header excluded).
    pub rows: u32,
    /// Rows accepted (imported, or already up to date).
    pub accepted: u32,
    /// Rows rejected (see `rejected`).
    pub rejected: u32,
    /// Accounts created.
    pub created: u32,
    /// Existing accounts changed (class, new link, contact details, new assignment,
    /// reactivation).
    pub updated: u32,
    /// Existing accounts already up to date.
    pub unchanged: u32,
    /// Accounts the import manages that the file no longer lists: deactivated.
    pub deactivated: u32,
}

/// A row of an import file that was not imported, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct RejectedRow {
    /// Line number in the file (the header is line 1).
    pub line: u32,
    /// The row's external id, when it has one.
    pub external_id: Option<String>,
    /// The column (by its name in the mapping) at fault, when one is.
    pub field: Option<String>,
    pub reason: String,
}

/// An account created by an import, by its external id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ImportedPerson {
    pub external_id: String,
    pub user_id: Uuid,
}

/// A directory import file was processed: the report of the import. Stream:
/// `<uai>/directory-import/<uai>` (the structure's imports).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct DirectoryImported {
    pub import_id: Uuid,
    pub structure: String,
    pub kind: ImportKind,
    /// Hex SHA-256 of the file as received.
    pub file_sha256: String,
    pub at: DateTime<Utc>,
    pub counts: ImportCounts,
    pub rejected: Vec<RejectedRow>,
    /// The accounts this import created (the import manages them from now on).
    pub created: Vec<ImportedPerson>,
    /// The accounts this import deactivated (absent from the file).
    pub deactivated: Vec<Uuid>,
    /// The accounts an earlier import deactivated that this file lists again: reactivated.
    pub reactivated: Vec<Uuid>,
}
