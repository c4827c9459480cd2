//! The documents and answers of the usage read model.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use ent_domain::directory::Profile;
use ent_domain::usage::{Granularity, Service};
use serde::{Deserialize, Serialize};

/// One day of one service used by one profile of one structure (or of the whole académie).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct UsageCellDoc {
    /// UAI, `platform`, or empty for an académie cell.
    pub structure: String,
    pub day: NaiveDate,
    pub service: Service,
    pub profile: Profile,
    /// Logins (counted under `directory`).
    pub connections: u64,
    /// Successful reads (GET).
    pub reads: u64,
    /// Actions by kind, from the service's events.
    pub actions: BTreeMap<String, u64>,
    /// Sketch (base64 HyperLogLog) of the distinct users who logged in, read or acted.
    pub users: String,
}

/// What the projection knows of a user: enough to attribute their actions, nothing more.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct UserProfileDoc {
    pub structure: String,
    pub profile: Profile,
}

/// One cell of a structure's indicators: a period, a service, a profile.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct UsageRow {
    /// `2026-10-05`, `2026-W41` or `2026-10`.
    pub period: String,
    /// First day of the period.
    pub start: NaiveDate,
    pub service: Service,
    pub profile: Profile,
    pub connections: u64,
    pub distinct_users: u64,
    pub reads: u64,
    pub actions: BTreeMap<String, u64>,
}

/// `GET /api/v1/indicators/structures/{uai}`.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct StructureIndicators {
    pub structure: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub granularity: Granularity,
    pub cells: Vec<UsageRow>,
}

/// One cell of the académie view; its numbers are `null` when it is suppressed.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct AcademieRow {
    pub period: String,
    pub start: NaiveDate,
    pub service: Service,
    pub profile: Profile,
    /// Fewer than 5 distinct users: the numbers are withheld.
    pub suppressed: bool,
    pub connections: Option<u64>,
    pub distinct_users: Option<u64>,
    pub reads: Option<u64>,
    pub actions: Option<BTreeMap<String, u64>>,
}

/// `GET /api/v1/indicators/academie`: every structure summed, small cells suppressed.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct AcademieIndicators {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub granularity: Granularity,
    /// Cells with fewer distinct users than this are suppressed.
    pub min_distinct_users: u64,
    pub cells: Vec<AcademieRow>,
}

/// What an indicators query asks for.
#[derive(Debug, Clone, PartialEq)]
pub struct IndicatorQuery {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub service: Option<Service>,
    pub profile: Option<Profile>,
    pub granularity: Granularity,
}
