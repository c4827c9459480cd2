//! A personal agenda as an iCalendar (RFC 5545) feed, written with the `icalendar` crate: its
//! writer escapes text, folds lines at 75 octets and ends them with CRLF. Each entry is a VEVENT
//! with a stable UID (`<kind>-<id>@ent`), its SEQUENCE (changes since creation), STATUS:CANCELLED
//! when cancelled, DTSTAMP and LAST-MODIFIED at its last change (so the same agenda is the same
//! text, byte for byte, and its hash an ETag), times with `TZID=Europe/Paris`.
//!
//! The crate has no VTIMEZONE, and its component writer stamps every component with a DTSTAMP
//! and a UID (which a VTIMEZONE must not carry); so the Europe/Paris VTIMEZONE is written as the
//! calendar's own content lines, with the crate's `Property` and thus its writer and folding,
//! before the events. Its rules (the EU's last Sundays of March and October since 1996) are
//! checked against the tz database (`chrono-tz`) in the tests.

use chrono::{Duration, NaiveDateTime};
use icalendar::{Calendar, CalendarDateTime, Component, DatePerhapsTime, EventLike, EventStatus, Property};

use super::models::{AgendaItem, EntryKind};

/// The time zone of every wall-clock time of the ENT.
pub const TZID: &str = "Europe/Paris";
/// The domain part of every UID.
pub const UID_DOMAIN: &str = "ent";

/// The stable UID of an entry.
pub fn uid(item: &AgendaItem) -> String {
    format!("{}-{}@{UID_DOMAIN}", item.kind.as_str(), item.id)
}

/// The content lines of the Europe/Paris VTIMEZONE, in order.
fn vtimezone() -> Vec<Property> {
    let p = |k: &str, v: &str| Property::new(k, v);
    vec![
        p("BEGIN", "VTIMEZONE"),
        p("TZID", TZID),
        p("BEGIN", "DAYLIGHT"),
        p("TZOFFSETFROM", "+0100"),
        p("TZOFFSETTO", "+0200"),
        p("TZNAME", "CEST"),
        p("DTSTART", "19700329T020000"),
        p("RRULE", "FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU"),
        p("END", "DAYLIGHT"),
        p("BEGIN", "STANDARD"),
        p("TZOFFSETFROM", "+0200"),
        p("TZOFFSETTO", "+0100"),
        p("TZNAME", "CET"),
        p("DTSTART", "19701025T030000"),
        p("RRULE", "FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU"),
        p("END", "STANDARD"),
        p("END", "VTIMEZONE"),
    ]
}

fn local(at: NaiveDateTime) -> DatePerhapsTime {
    DatePerhapsTime::DateTime(CalendarDateTime::WithTimezone { date_time: at, tzid: TZID.to_string() })
}

fn vevent(item: &AgendaItem) -> icalendar::Event {
    let mut e = icalendar::Event::new();
    e.uid(&uid(item)).summary(&item.title).sequence(item.sequence).timestamp(item.updated_at).last_modified(item.updated_at);
    if item.all_day {
        let last = if item.end > item.start { (item.end - Duration::seconds(1)).date() } else { item.start.date() };
        e.starts(item.start.date()).ends(last + Duration::days(1));
    } else {
        e.starts(local(item.start)).ends(local(item.end));
    }
    e.status(if item.cancelled { EventStatus::Cancelled } else { EventStatus::Confirmed });
    let mut description = Vec::new();
    if let Some(teacher) = &item.teacher_name {
        description.push(teacher.clone());
    }
    if let Some(cog) = &item.class_or_group_name {
        description.push(cog.clone());
    }
    if let Some(d) = &item.description {
        description.push(d.clone());
    }
    if !description.is_empty() {
        e.description(&description.join("\n"));
    }
    if let Some(l) = &item.location {
        e.location(l);
    }
    let category = match item.kind {
        EntryKind::Lesson => "Cours",
        EntryKind::Homework => "Devoir",
        EntryKind::SchoolEvent => "Événement",
        EntryKind::Booking => "Réservation",
        EntryKind::ClosedDay => "Fermeture",
        EntryKind::Meeting => "Visio",
    };
    e.add_property("CATEGORIES", category);
    e.done()
}

/// The iCalendar text of `items`, the calendar named `name`.
pub fn render(name: &str, items: &[AgendaItem]) -> String {
    let mut cal = Calendar::empty();
    cal.append_property(Property::new("VERSION", "2.0"))
        .append_property(Property::new("PRODID", "-//ENT//Agenda//FR"))
        .append_property(Property::new("CALSCALE", "GREGORIAN"))
        .append_property(Property::new("METHOD", "PUBLISH"))
        .name(name)
        .timezone(TZID);
    for line in vtimezone() {
        cal.append_property(line);
    }
    for item in items {
        cal.push(vevent(item));
    }
    cal.done().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Datelike, NaiveDate, Offset, TimeZone, Utc, Weekday};
    use uuid::Uuid;

    fn item(kind: EntryKind, start: &str, end: &str) -> AgendaItem {
        AgendaItem {
            kind,
            id: Uuid::new_v4(),
            structure: "0751234A".into(),
            title: "Réunion parents-professeurs de 6A, salle polyvalente, bâtiment B".into(),
            start: start.parse().unwrap(),
            end: end.parse().unwrap(),
            all_day: kind == EntryKind::Homework,
            description: Some("Ordre du jour : bilan du premier trimestre ; orientation ; questions diverses, avec les délégués".into()),
            location: Some("Salle polyvalente; bâtiment B, 2e étage".into()),
            subject: None,
            subject_name: None,
            class_or_group: None,
            class_or_group_name: None,
            teacher: None,
            teacher_name: None,
            cancelled: false,
            sequence: 0,
            updated_at: "2026-10-01T08:00:00Z".parse().unwrap(),
        }
    }

    #[test]
    fn ical_lines_are_folded_at_75_octets_and_end_with_crlf() {
        let text = render("Agenda de Léa Martin", &[item(EntryKind::SchoolEvent, "2026-12-08T17:00:00", "2026-12-08T19:00:00")]);
        assert!(text.ends_with("\r\n"));
        for line in text.split("\r\n").filter(|l| !l.is_empty()) {
            assert!(line.len() <= 75, "{} octets: {line}", line.len());
            assert!(!line.contains('\n') && !line.contains('\r'));
        }
        assert!(text.split("\r\n").any(|l| l.starts_with(' ')), "long lines are folded");
    }

    #[test]
    fn ical_event_has_stable_uid_sequence_status_and_paris_times() {
        let mut e = item(EntryKind::SchoolEvent, "2026-12-08T17:00:00", "2026-12-08T19:00:00");
        e.cancelled = true;
        e.sequence = 2;
        let text = render("x", std::slice::from_ref(&e));
        let unfolded = text.replace("\r\n ", "");
        assert!(unfolded.contains(&format!("UID:school_event-{}@ent\r\n", e.id)));
        assert!(unfolded.contains("SEQUENCE:2\r\n"));
        assert!(unfolded.contains("STATUS:CANCELLED\r\n"));
        assert!(unfolded.contains("DTSTART;TZID=Europe/Paris:20261208T170000\r\n"));
        assert!(unfolded.contains("LOCATION:Salle polyvalente\\; bâtiment B\\, 2e étage\r\n"));
        // The same agenda is the same text (its hash is the feed's ETag).
        assert_eq!(text, render("x", &[e]));
        // The time zone comes before the events, without DTSTAMP or UID.
        let tz = &unfolded[unfolded.find("BEGIN:VTIMEZONE").unwrap()..unfolded.find("END:VTIMEZONE").unwrap()];
        assert!(tz.contains("TZID:Europe/Paris") && !tz.contains("DTSTAMP") && !tz.contains("UID"));
        assert!(unfolded.find("END:VTIMEZONE") < unfolded.find("BEGIN:VEVENT"));
    }

    #[test]
    fn ical_homework_is_a_whole_day() {
        let h = item(EntryKind::Homework, "2026-10-08T00:00:00", "2026-10-09T00:00:00");
        let text = render("x", &[h]).replace("\r\n ", "");
        assert!(text.contains("DTSTART;VALUE=DATE:20261008\r\n"));
        assert!(text.contains("DTEND;VALUE=DATE:20261009\r\n"));
    }

    /// The last Sunday of `month` in `year`.
    fn last_sunday(year: i32, month: u32) -> NaiveDate {
        let mut d = NaiveDate::from_ymd_opt(year, month + 1, 1).unwrap() - Duration::days(1);
        while d.weekday() != Weekday::Sun {
            d -= Duration::days(1);
        }
        d
    }

    #[test]
    fn vtimezone_rules_agree_with_the_tz_database() {
        let paris = chrono_tz::Europe::Paris;
        let offset = |at: chrono::DateTime<Utc>| paris.offset_from_utc_datetime(&at.naive_utc()).fix().local_minus_utc();
        for year in 2024..2040 {
            // Summer time starts at 01:00 UTC (02:00 CET) on the last Sunday of March and ends at
            // 01:00 UTC (03:00 CEST) on the last Sunday of October.
            for (month, before, after) in [(3, 3600, 7200), (10, 7200, 3600)] {
                let switch = Utc.from_utc_datetime(&last_sunday(year, month).and_hms_opt(1, 0, 0).unwrap());
                assert_eq!(offset(switch - Duration::seconds(1)), before, "{year}-{month}");
                assert_eq!(offset(switch), after, "{year}-{month}");
            }
        }
    }
}
