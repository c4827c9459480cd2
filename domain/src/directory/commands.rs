//! Commands of the directory service. Their names and fields are the HTTP API contract.

use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::types::{Level, PeriodKind, Profile, Role, StructureKind};

/// Create a structure (établissement). Platform administrators only.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateStructure {
    /// 7 digits and a letter, unique across the platform.
    pub uai: String,
    pub name: String,
    pub kind: StructureKind,
}

/// Create a class (division) in a structure.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateClass {
    /// Id of the new class, chosen by the client (e.g. one that works offline); generated when
    /// absent. An id already in use is refused (422 naming this field).
    #[serde(default)]
    pub class_id: Option<Uuid>,
    pub structure: String,
    pub code: String,
    pub level: Level,
}

/// Create a group of pupils in a structure.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateGroup {
    /// Id of the new group, chosen by the client (e.g. one that works offline); generated when
    /// absent. An id already in use is refused (422 naming this field).
    #[serde(default)]
    pub group_id: Option<Uuid>,
    pub structure: String,
    pub code: String,
    pub name: String,
    #[serde(default)]
    pub members: Vec<Uuid>,
}

/// Create a subject (discipline) in a structure.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateSubject {
    /// Id of the new subject, chosen by the client (e.g. one that works offline); generated when
    /// absent. An id already in use is refused (422 naming this field).
    #[serde(default)]
    pub subject_id: Option<Uuid>,
    pub structure: String,
    pub code: String,
    pub name: String,
}

/// First and last day of one period.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PeriodBounds {
    pub start: NaiveDate,
    pub end: NaiveDate,
}

/// Define the trimestres or semestres of a school year.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DefinePeriods {
    pub structure: String,
    /// `YYYY-YYYY`, e.g. `2026-2027`: from 1 September to 31 August.
    pub school_year: String,
    pub kind: PeriodKind,
    pub bounds: Vec<PeriodBounds>,
}

/// Create a user in a structure; the login is generated (`prenom.nom`) when absent.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateUser {
    /// Id of the new user, chosen by the client (e.g. one that works offline); generated when
    /// absent. An id already in use is refused (422 naming this field).
    #[serde(default)]
    pub user_id: Option<Uuid>,
    pub structure: String,
    pub profile: Profile,
    /// Only for `personnel`.
    #[serde(default)]
    pub role: Option<Role>,
    pub first_name: String,
    pub last_name: String,
    #[serde(default)]
    pub login: Option<String>,
    /// Follows the password policy (docs/domain.md, "Passwords"); never stored in the event log.
    #[serde(default)]
    pub password: Option<String>,
}

/// Enrol a pupil in a class (a change of class when already enrolled elsewhere).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EnrolPupil {
    pub pupil: Uuid,
    pub class: Uuid,
    /// First day in the class; today when absent.
    #[serde(default)]
    pub since: Option<NaiveDate>,
}

/// Link a parent (responsable légal) to a pupil.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LinkParent {
    pub parent: Uuid,
    pub pupil: Uuid,
}

/// Assign a teacher to a subject in a class or group.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AssignTeacher {
    pub teacher: Uuid,
    pub subject: Uuid,
    pub class_or_group: Uuid,
}

/// Make a user local administrator (ADML) of a structure.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GrantAdmin {
    pub user: Uuid,
    pub structure: String,
}

/// Appoint an existing rectorat user inspector. Platform administrators only.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AppointInspector {
    pub user: Uuid,
    /// The discipline inspected, e.g. `mathématiques`.
    #[serde(default)]
    pub discipline: Option<String>,
}

/// Deactivate a user account.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DeactivateUser {
    pub user: Uuid,
    pub reason: String,
}

/// Create a rectorat user: platform level, reads cross-structure usage indicators and nothing
/// personal; an inspector also reads and visas the cahiers de textes. Platform administrators
/// only; the login is generated (`prenom.nom`) when absent.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateRectoratUser {
    /// Id of the new user, chosen by the client (e.g. one that works offline); generated when
    /// absent. An id already in use is refused (422 naming this field).
    #[serde(default)]
    pub user_id: Option<Uuid>,
    pub first_name: String,
    pub last_name: String,
    #[serde(default)]
    pub login: Option<String>,
    /// Follows the password policy (docs/domain.md, "Passwords"); never stored in the event log.
    #[serde(default)]
    pub password: Option<String>,
    /// Appoint the user inspector (reads and visas the cahiers de textes of every structure).
    #[serde(default)]
    pub inspector: bool,
    /// The inspector's discipline; only with `inspector`.
    #[serde(default)]
    pub discipline: Option<String>,
}

/// Change one's own password: the current one, then the new one (which follows the password
/// policy). Any logged-in user, for their own account only.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangePassword {
    /// The current password.
    pub current: String,
    /// The new password (docs/domain.md, "Passwords"); never stored in the event log.
    pub new: String,
}

/// Unlock an account locked (or slowed down) by failed logins. Local administrators (ADML) of the
/// user's structure and platform administrators.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UnlockAccount {
    pub user: Uuid,
}

/// Revoke every session of a user: the tokens issued so far are refused at once. Local
/// administrators (ADML) of the user's structure and platform administrators.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RevokeSessions {
    pub user: Uuid,
}

/// Import a directory file (CSV) into a structure: pupils, guardians or teachers (docs/domain.md,
/// "Rentrée import"). Local administrators (ADML) of the structure, its direction and platform
/// administrators. Also sent by `POST /api/v1/structures/{uai}/imports` and `ent import`.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ImportDirectory {
    pub structure: String,
    pub kind: super::events::ImportKind,
    /// The file's text, UTF-8, comma or semicolon separated, with a header row.
    pub csv: String,
    /// Column names, when the file does not use the default ones.
    #[serde(default)]
    pub mapping: Option<Box<super::import::ColumnMapping>>,
}

/// Issue a new activation code to an account (a password reset by the administrator): the code
/// is answered once, in the command's result, and any earlier code stops working. Local
/// administrators (ADML) of the user's structure and platform administrators.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct IssueActivationCode {
    pub user: Uuid,
}

/// Issue fresh activation codes to the pupils of a class and to their guardians, for printing
/// one slip per person (`POST /api/v1/classes/{id}/activation-slips` answers them as a PDF):
/// every earlier code of these accounts stops working. Accounts already activated are skipped
/// unless `include_activated`. Local administrators (ADML) of the class's structure and platform
/// administrators.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct IssueClassActivationCodes {
    pub class: Uuid,
    /// Also reissue codes to accounts that already have a password (a reset for the class).
    #[serde(default)]
    pub include_activated: bool,
}
