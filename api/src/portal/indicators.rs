//! What the direction's and the rectorat's indicator pages share: the French names of services
//! and profiles, the range shown (the last four weeks), and the series their charts draw.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use ent_domain::directory::Profile;
use ent_domain::usage::Service;

use super::charts::Series;

/// Days shown: four weeks up to today.
pub const DAYS: u64 = 27;

/// A service as the pages name it.
pub fn service_label(s: Service) -> &'static str {
    match s {
        Service::Directory => "Annuaire et connexions",
        Service::CahierDeTextes => "Cahier de textes",
        Service::Notes => "Notes",
        Service::Competences => "Compétences",
        Service::VieScolaire => "Vie scolaire",
        Service::Reservations => "Réservations",
        Service::Agenda => "Agenda",
        Service::Espace => "Espace documentaire",
        Service::Messagerie => "Messagerie",
        Service::Forums => "Forums",
        Service::Blogs => "Blogs",
        Service::Actualites => "Actualités",
        Service::Ressources => "Ressources",
        Service::Admin => "Administration",
        // Chat and visio.
        Service::Chat => "Discussions",
        Service::Visio => "Visio",
    }
}

/// A profile as the pages name it (plural: a count of people).
pub fn profile_label(p: Profile) -> &'static str {
    match p {
        Profile::Eleve => "Élèves",
        Profile::Parent => "Parents",
        Profile::Enseignant => "Enseignants",
        Profile::Personnel => "Personnels",
        Profile::PlatformAdmin => "Administrateurs",
        Profile::Rectorat => "Rectorat",
    }
}

const SHORT_WEEKDAYS: [&str; 7] = ["lun.", "mar.", "mer.", "jeu.", "ven.", "sam.", "dim."];

/// "lun. 23/11": a day on an axis or in a table.
pub fn short_day(d: NaiveDate) -> String {
    format!("{} {:02}/{:02}", SHORT_WEEKDAYS[d.weekday().num_days_from_monday() as usize], d.day(), d.month())
}

/// One value per day of `from..=to` (0 for a day without any), labelled.
pub fn per_day(from: NaiveDate, to: NaiveDate, values: &BTreeMap<NaiveDate, u64>) -> Series {
    let days: Vec<NaiveDate> = from.iter_days().take_while(|d| *d <= to).collect();
    Series {
        labels: days.iter().map(|d| short_day(*d)).collect(),
        values: days.iter().map(|d| values.get(d).copied().unwrap_or(0)).collect(),
    }
}

/// The activity of one service over the range.
pub struct ServiceRow {
    pub service: &'static str,
    pub reads: u64,
    pub actions: u64,
}

/// Services with any activity, in the order of the catalogue, with their totals.
pub fn per_service(totals: &BTreeMap<Service, (u64, u64)>) -> Vec<ServiceRow> {
    Service::ALL
        .iter()
        .filter_map(|s| {
            totals.get(s).filter(|(r, a)| r + a > 0).map(|(r, a)| ServiceRow { service: service_label(*s), reads: *r, actions: *a })
        })
        .collect()
}

/// The bars of the services' activity (consultations + actions).
pub fn service_series(rows: &[ServiceRow]) -> Series {
    Series { labels: rows.iter().map(|r| r.service.to_string()).collect(), values: rows.iter().map(|r| r.reads + r.actions).collect() }
}

/// A day of the connections table.
pub struct DayRow {
    pub day: String,
    pub value: u64,
}

pub fn day_rows(s: &Series) -> Vec<DayRow> {
    s.labels.iter().zip(&s.values).map(|(l, v)| DayRow { day: l.clone(), value: *v }).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn every_day_of_the_range_has_a_point() {
        let s = per_day(d("2026-11-29"), d("2026-12-01"), &BTreeMap::from([(d("2026-11-30"), 4)]));
        assert_eq!(s.values, vec![0, 4, 0]);
        assert_eq!(s.labels, vec!["dim. 29/11", "lun. 30/11", "mar. 01/12"]);
    }

    #[test]
    fn only_services_with_activity_are_listed() {
        let rows = per_service(&BTreeMap::from([(Service::Notes, (3, 1)), (Service::Agenda, (0, 0)), (Service::Directory, (0, 2))]));
        assert_eq!(rows.iter().map(|r| r.service).collect::<Vec<_>>(), vec!["Annuaire et connexions", "Notes"]);
        assert_eq!(service_series(&rows).values, vec![2, 4]);
    }
}
