//! Demo réservations: the Toussaint and Christmas holidays as the collège's closed days, a room,
//! a computer room whose bookings the head approves, a mobile projector; bookings by teachers
//! in the current week and the next (one weekly, still pending; one approved).

use chrono::{Datelike, Duration, NaiveDate, Weekday};
use ent_commands::CommandError;
use ent_domain::Actor;
use serde_json::{Value, json};
use uuid::Uuid;

use super::{DEMO_UAI, Seeder};

/// The closed days declared (zone C, 2026-2027).
const CLOSED: [(&str, &str, &str); 2] =
    [("2026-10-17", "2026-11-01", "Vacances de la Toussaint"), ("2026-12-19", "2027-01-03", "Vacances de Noël")];

fn closed(day: NaiveDate) -> bool {
    CLOSED.iter().any(|(from, to, _)| from.parse::<NaiveDate>().is_ok_and(|f| f <= day) && to.parse::<NaiveDate>().is_ok_and(|t| day <= t))
}

/// The first Monday, from this week's on, whose week has no closed day: bookings land there.
fn open_monday(today: NaiveDate) -> NaiveDate {
    let mut monday = today - Duration::days(i64::from(today.weekday().num_days_from_monday()));
    while (0..5).any(|d| closed(monday + Duration::days(d))) {
        monday += Duration::days(7);
    }
    monday
}

fn at(day: NaiveDate, time: &str) -> String {
    format!("{day}T{time}:00")
}

fn hours(wednesday_morning_only: bool) -> Value {
    let full = json!([{"start": "08:00", "end": "12:00"}, {"start": "13:30", "end": "17:30"}]);
    let days: Vec<Value> = ["monday", "tuesday", "wednesday", "thursday", "friday"]
        .iter()
        .map(|d| {
            let ranges =
                if *d == "wednesday" && wednesday_morning_only { json!([{"start": "08:00", "end": "12:00"}]) } else { full.clone() };
            json!({"day": d, "ranges": ranges})
        })
        .collect();
    json!(days)
}

async fn resource(s: &Seeder<'_>, head: &Actor, payload: Value) -> Result<Uuid, CommandError> {
    let result = s.as_user(head, "DefineBookableResource", payload).await?;
    result.created.get("resource_id").copied().ok_or_else(|| CommandError::Rule("no resource_id created".into()))
}

async fn book(s: &Seeder<'_>, who: &Actor, payload: Value) -> Result<Uuid, CommandError> {
    let result = s.as_user(who, "BookResource", payload).await?;
    result.created.get("booking_id").copied().ok_or_else(|| CommandError::Rule("no booking_id created".into()))
}

/// Seeds the réservations of the demo collège: `head` (direction) manages the computer room,
/// `teachers` book.
pub(super) async fn seed(s: &Seeder<'_>, head: &Actor, head_id: Uuid, teachers: &[Actor]) -> Result<(), CommandError> {
    let days: Vec<Value> = CLOSED.iter().map(|(from, to, label)| json!({"from": from, "to": to, "label": label})).collect();
    s.as_user(head, "DeclareClosedDays", json!({"structure": DEMO_UAI, "days": days})).await?;
    let b12 = resource(
        s,
        head,
        json!({"structure": DEMO_UAI, "code": "B12", "name": "Salle B12", "kind": "salle", "capacity": 30, "opening_hours": hours(true)}),
    )
    .await?;
    let info = resource(
        s,
        head,
        json!({"structure": DEMO_UAI, "code": "INFO1", "name": "Salle informatique", "kind": "salle_informatique", "capacity": 24,
            "opening_hours": hours(true), "requires_approval": true, "managers": [head_id]}),
    )
    .await?;
    let projector = resource(
        s,
        head,
        json!({"structure": DEMO_UAI, "code": "VPI1", "name": "Vidéoprojecteur mobile", "kind": "materiel", "capacity": 1, "opening_hours": hours(false)}),
    )
    .await?;
    let (Some(first), Some(second)) = (teachers.first(), teachers.get(1)) else { return Ok(()) };
    let third = teachers.get(2).unwrap_or(first);
    let monday = open_monday(chrono::Utc::now().date_naive());
    let day = |n: i64| monday + Duration::days(n);
    debug_assert_eq!(monday.weekday(), Weekday::Mon);
    book(s, first, json!({"resource": b12, "from": at(day(0), "10:00"), "to": at(day(0), "11:00"), "purpose": "Conseil d'enseignement de mathématiques"}))
        .await?;
    book(s, third, json!({"resource": b12, "from": at(day(3), "14:00"), "to": at(day(3), "16:00"), "purpose": "Devoir commun de 5e"}))
        .await?;
    book(
        s,
        first,
        json!({"resource": projector, "from": at(day(1), "08:00"), "to": at(day(1), "10:00"), "purpose": "Diaporama sur les fractions"}),
    )
    .await?;
    // A weekly computer-room booking, waiting for the head's approval.
    book(
        s,
        second,
        json!({"resource": info, "from": at(day(1), "14:00"), "to": at(day(1), "15:00"), "purpose": "Atelier de traitement de texte",
            "recurrence": {"until": day(15).to_string()}}),
    )
    .await?;
    // Another one, approved.
    let approved = book(
        s,
        third,
        json!({"resource": info, "from": at(day(3), "09:00"), "to": at(day(3), "11:00"), "purpose": "Recherche documentaire (exposés)"}),
    )
    .await?;
    s.as_user(head, "ApproveBooking", json!({"booking": approved})).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_bookings_land_in_an_open_week() {
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        assert_eq!(open_monday(d("2026-12-02")), d("2026-11-30"));
        assert_eq!(open_monday(d("2026-12-20")), d("2026-12-14"), "the holidays start on Saturday 19");
        assert_eq!(open_monday(d("2026-12-22")), d("2027-01-04"));
        assert_eq!(open_monday(d("2026-10-16")), d("2026-10-12"));
        assert_eq!(open_monday(d("2026-10-21")), d("2026-11-02"), "the Toussaint weeks are skipped");
    }
}
