//! The vie scolaire's pages (CPE and direction): the day's dashboard, the justifications to
//! process, the monthly L131-8 report, punishments.

pub mod dashboard;
pub mod justifications;
pub mod punishments;
pub mod report;
