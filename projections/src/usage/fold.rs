//! How events fold into usage cells: logins, tallied reads, and the services' actions (by the
//! table of `ent_domain::usage::actions`), each attributed to the acting user's structure and
//! profile, on the day it happened (UTC).

use chrono::NaiveDate;
use ent_domain::directory::Profile;
use ent_domain::usage::{Hll, Service, actions};
use ent_domain::{Event, PLATFORM, RecordedEvent};
use uuid::Uuid;

use super::NAME;
use super::models::{UsageCellDoc, UserProfileDoc};
use crate::docs::{DocKey, DocView};
use crate::error::ApplyError;
use crate::projection::Projection;

pub(crate) const CELLS: &str = "cell";
pub(crate) const ACADEMIE: &str = "academie";
pub(crate) const USERS: &str = "user";

/// Key of a structure cell: `<structure>|<YYYY-MM-DD>|<service>|<profile>` (listable by month).
pub(crate) fn cell_key(structure: &str, day: NaiveDate, service: Service, profile: Profile) -> String {
    format!("{structure}|{day}|{service}|{}", profile.as_str())
}

/// Key of an académie cell: `<YYYY-MM-DD>|<service>|<profile>`.
pub(crate) fn academie_key(day: NaiveDate, service: Service, profile: Profile) -> String {
    format!("{day}|{service}|{}", profile.as_str())
}

/// Folds logins, reads and actions into usage cells.
pub struct UsageProjection;

/// What one event adds to one cell.
struct Delta {
    structure: String,
    day: NaiveDate,
    service: Service,
    profile: Profile,
    connections: u64,
    reads: u64,
    action: Option<&'static str>,
    users: Hll,
}

impl Projection for UsageProjection {
    fn name(&self) -> &'static str {
        NAME
    }

    fn description(&self) -> &'static str {
        "usage indicators: connections, reads, actions and distinct users per structure, service, profile and day"
    }

    fn apply(&self, view: &mut DocView<'_>, recorded: &RecordedEvent, event: &Event) -> Result<(), ApplyError> {
        let day = recorded.recorded_at.date_naive();
        match event {
            Event::UserCreated(e) => {
                view.put(USERS, e.user_id, &UserProfileDoc { structure: e.structure.clone(), profile: e.profile })?;
            }
            Event::UserLoggedIn(e) => {
                let mut users = Hll::new();
                users.insert(e.user);
                let delta = Delta {
                    structure: e.structure.clone(),
                    day,
                    service: Service::Directory,
                    profile: e.profile,
                    connections: 1,
                    reads: 0,
                    action: None,
                    users,
                };
                return add(view, delta);
            }
            Event::UsageRecorded(e) => {
                let Ok(users) = Hll::from_base64(&e.distinct_users_hll) else {
                    tracing::warn!(position = recorded.position, "UsageRecorded with an unreadable sketch; its users are not counted");
                    return add(view, Delta::reads(e, Hll::new()));
                };
                return add(view, Delta::reads(e, users));
            }
            _ => {}
        }
        let Some((service, kind)) = actions::action_of(&recorded.event_type) else { return Ok(()) };
        let Ok(actor) = Uuid::parse_str(&recorded.actor) else { return Ok(()) };
        let Some(who) = view.get_as::<UserProfileDoc>(USERS, actor)? else { return Ok(()) };
        let mut users = Hll::new();
        users.insert(actor);
        add(
            view,
            Delta { structure: who.structure, day, service, profile: who.profile, connections: 0, reads: 0, action: Some(kind), users },
        )
    }
}

impl Delta {
    fn reads(e: &ent_domain::usage::events::UsageRecorded, users: Hll) -> Self {
        Delta {
            structure: e.structure.clone(),
            day: e.minute.date_naive(),
            service: e.service,
            profile: e.profile,
            connections: 0,
            reads: e.count,
            action: None,
            users,
        }
    }
}

/// Adds a delta to its structure cell and, for real structures, to the académie cell.
fn add(view: &mut DocView<'_>, d: Delta) -> Result<(), ApplyError> {
    let mut targets = vec![(CELLS, cell_key(&d.structure, d.day, d.service, d.profile), d.structure.clone())];
    if d.structure != PLATFORM {
        targets.push((ACADEMIE, academie_key(d.day, d.service, d.profile), String::new()));
    }
    view.prefetch(targets.iter().map(|(c, k, _)| DocKey::new(c, k)))?;
    for (collection, key, structure) in targets {
        let mut cell = view.get_as::<UsageCellDoc>(collection, &key)?.unwrap_or_else(|| UsageCellDoc {
            structure,
            day: d.day,
            service: d.service,
            profile: d.profile,
            connections: 0,
            reads: 0,
            actions: Default::default(),
            users: Hll::new().to_base64(),
        });
        cell.connections += d.connections;
        cell.reads += d.reads;
        if let Some(kind) = d.action {
            *cell.actions.entry(kind.to_string()).or_default() += 1;
        }
        let mut users = Hll::from_base64(&cell.users).unwrap_or_default();
        users.merge(&d.users);
        cell.users = users.to_base64();
        view.put(collection, &key, &cell)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use chrono::{DateTime, TimeZone, Utc};
    use ent_domain::directory::events::UserCreated;
    use ent_domain::usage::events::{UsageRecorded, UserLoggedIn};
    use ent_domain::vie_scolaire::events::RollCallTaken;

    use super::*;
    use crate::docs::DocCache;

    /// Folds events in order as the runner would (loading, here, means "known absent").
    fn fold(events: &[(Event, String, DateTime<Utc>)]) -> DocCache {
        let mut committed = DocCache::default();
        for (i, (event, actor, at)) in events.iter().enumerate() {
            let (event_type, schema_version, payload) = event.to_parts().expect("serialisable event");
            let recorded = RecordedEvent {
                event_id: Uuid::now_v7(),
                stream: "x/y/z".into(),
                version: i as u64,
                position: i as u64 + 1,
                event_type: event_type.into(),
                schema_version,
                recorded_at: *at,
                actor: actor.clone(),
                structure: "x".into(),
                correlation_id: Uuid::nil(),
                causation_id: Uuid::nil(),
                payload,
            };
            let mut none = DocCache::default();
            let mut view = DocView::new(&mut none, &mut committed, true);
            UsageProjection.apply(&mut view, &recorded, event).unwrap();
        }
        committed
    }

    fn cell(docs: &DocCache, collection: &str, key: &str) -> UsageCellDoc {
        let doc = docs.get(&DocKey::new(collection, key)).and_then(|d| d.as_ref()).unwrap_or_else(|| panic!("no {key}"));
        doc.to_typed().unwrap()
    }

    fn created(id: Uuid, structure: &str, profile: Profile) -> Event {
        Event::UserCreated(UserCreated {
            user_id: id,
            structure: structure.into(),
            profile,
            role: None,
            first_name: "A".into(),
            last_name: "B".into(),
            login: "a.b".into(),
        })
    }

    #[test]
    fn logins_reads_and_actions_fold_into_the_actors_cell_and_the_academie() {
        let at = Utc.with_ymd_and_hms(2026, 10, 5, 8, 0, 0).unwrap();
        let day = at.date_naive();
        let (root, teacher, pupil) = (Uuid::new_v4(), Uuid::new_v4(), Uuid::new_v4());
        let mut sketch = Hll::new();
        sketch.insert(pupil);
        sketch.insert(teacher); // a sketch may hold anyone: the fold only merges it
        let events = vec![
            (created(root, PLATFORM, Profile::PlatformAdmin), "system".to_string(), at),
            (created(teacher, "0751234A", Profile::Enseignant), root.to_string(), at),
            (
                Event::UserLoggedIn(UserLoggedIn { user: teacher, structure: "0751234A".into(), profile: Profile::Enseignant }),
                teacher.to_string(),
                at,
            ),
            (
                Event::UserLoggedIn(UserLoggedIn { user: teacher, structure: "0751234A".into(), profile: Profile::Enseignant }),
                teacher.to_string(),
                at,
            ),
            (
                Event::RollCallTaken(RollCallTaken {
                    lesson_id: Uuid::new_v4(),
                    structure: "0751234A".into(),
                    class_or_group: Uuid::new_v4(),
                    date: day,
                    start: chrono::NaiveTime::from_hms_opt(8, 0, 0).unwrap(),
                    end: chrono::NaiveTime::from_hms_opt(9, 0, 0).unwrap(),
                    taken_by: teacher,
                    marks: vec![],
                }),
                teacher.to_string(),
                at,
            ),
            (
                Event::UsageRecorded(UsageRecorded {
                    structure: "0751234A".into(),
                    service: Service::VieScolaire,
                    profile: Profile::Enseignant,
                    minute: at,
                    count: 7,
                    distinct_users_hll: sketch.to_base64(),
                }),
                "system".to_string(),
                at,
            ),
        ];
        let docs = fold(&events);
        let login = cell(&docs, CELLS, &cell_key("0751234A", day, Service::Directory, Profile::Enseignant));
        assert_eq!((login.connections, Hll::from_base64(&login.users).unwrap().estimate()), (2, 1));
        let vs = cell(&docs, CELLS, &cell_key("0751234A", day, Service::VieScolaire, Profile::Enseignant));
        assert_eq!((vs.reads, vs.actions["roll_calls"], Hll::from_base64(&vs.users).unwrap().estimate()), (7, 1, 2));
        assert_eq!(cell(&docs, ACADEMIE, &academie_key(day, Service::VieScolaire, Profile::Enseignant)).reads, 7);
        // The platform admin's action is the platform's, and stays out of the académie.
        let admin = cell(&docs, CELLS, &cell_key(PLATFORM, day, Service::Directory, Profile::PlatformAdmin));
        assert_eq!(admin.actions["users_created"], 1);
        assert!(!docs.contains_key(&DocKey::new(ACADEMIE, academie_key(day, Service::Directory, Profile::PlatformAdmin))));
    }
}
