//! Learning paths (one stream per path) and each pupil's progress in one (one stream per pupil
//! and path, so a whole class marking steps at once never contends on one stream).

use std::collections::BTreeSet;

use chrono::NaiveDate;
use uuid::Uuid;

use super::catalogue::ResourceState;
use super::commands::{CompleteStep, CreateLearningPath, StepInput};
use super::events::*;
use crate::directory::{Profile, StructureState, UserState, validate_text};
use crate::{Aggregate, DomainError, Event, StreamId};

/// Most steps in one path.
const MAX_STEPS: usize = 50;
/// Longest instruction.
const MAX_INSTRUCTION: usize = 2_000;

/// State of one learning path.
#[derive(Debug, Clone, Default)]
pub struct LearningPathState {
    pub created: Option<LearningPathCreated>,
}

impl LearningPathState {
    pub fn stream(uai: &str, id: Uuid) -> StreamId {
        StreamId::new(uai, Self::TYPE, id.to_string())
    }
}

impl Aggregate for LearningPathState {
    const TYPE: &'static str = "learning-path";

    fn apply(&mut self, event: &Event) {
        if let Event::LearningPathCreated(e) = event {
            self.created = Some(e.clone());
        }
    }
}

/// The steps one pupil did in one path.
#[derive(Debug, Clone, Default)]
pub struct PathProgressState {
    pub done: BTreeSet<u32>,
}

impl PathProgressState {
    pub fn stream(uai: &str, path: Uuid, pupil: Uuid) -> StreamId {
        StreamId::new(uai, Self::TYPE, format!("{path}_{pupil}"))
    }
}

impl Aggregate for PathProgressState {
    const TYPE: &'static str = "path-progress";

    fn apply(&mut self, event: &Event) {
        if let Event::StepCompleted(e) = event {
            self.done.insert(e.step);
        }
    }
}

/// Whether `pupil` follows what is assigned to `class_or_group` on `date`: a pupil of that class
/// on that day, or a member of that group.
pub fn pupil_in_audience(structure: &StructureState, pupil: &UserState, class_or_group: Uuid, date: NaiveDate) -> bool {
    if pupil.profile != Some(Profile::Eleve) || pupil.structure != structure.uai {
        return false;
    }
    match structure.groups.get(&class_or_group) {
        Some(group) => group.members.contains(&pupil.user_id),
        None => pupil.class_on(date) == Some(class_or_group),
    }
}

/// `CreateLearningPath`: a title; 1 to 50 steps, each a resource published to the path's class
/// or group (so every pupil who follows the path can open it) or a non-empty instruction; a class
/// or group of the structure; due on or after it opens. `resources` are the states of the
/// resources the steps name, by id (absent: unknown).
pub fn create_learning_path(
    structure: &StructureState,
    cmd: &CreateLearningPath,
    id: Uuid,
    resources: &[(Uuid, ResourceState)],
) -> Result<Vec<Event>, DomainError> {
    if !structure.exists() {
        return Err(DomainError::NotFound("structure".into()));
    }
    if !structure.has_class_or_group(cmd.assigned_to) {
        return Err(DomainError::field("assigned_to", "not a class or group of this structure"));
    }
    if cmd.steps.is_empty() || cmd.steps.len() > MAX_STEPS {
        return Err(DomainError::field("steps", format!("1 to {MAX_STEPS} steps")));
    }
    if cmd.due_on.is_some_and(|due| due < cmd.opens_on) {
        return Err(DomainError::field("due_on", "a path is due on or after the day it opens"));
    }
    let mut steps = Vec::with_capacity(cmd.steps.len());
    for (i, step) in cmd.steps.iter().enumerate() {
        steps.push(match step {
            StepInput::Instruction { text } => {
                PathStep::Instruction { text: validate_text(&format!("steps[{i}].text"), text, MAX_INSTRUCTION)? }
            }
            StepInput::Resource { resource } => {
                let state = resources.iter().find(|(r, _)| r == resource).map(|(_, s)| s);
                let published = state.and_then(|s| s.published.as_ref()).filter(|p| p.structure == structure.uai);
                let Some(published) = published else {
                    return Err(DomainError::field(format!("steps[{i}].resource"), "no such resource in this structure's catalogue"));
                };
                if !state.is_some_and(|s| s.visible_to(cmd.assigned_to)) {
                    return Err(DomainError::field(
                        format!("steps[{i}].resource"),
                        "this resource is not published to the path's class or group",
                    ));
                }
                PathStep::Resource { resource: *resource, title: published.title.clone() }
            }
        });
    }
    Ok(vec![Event::LearningPathCreated(LearningPathCreated {
        path_id: id,
        structure: structure.uai.clone(),
        title: validate_text("title", &cmd.title, 200)?,
        steps,
        assigned_to: cmd.assigned_to,
        opens_on: cmd.opens_on,
        due_on: cmd.due_on,
        mode: cmd.mode,
    })])
}

/// `CompleteStep`: by a pupil who follows the path, once it is open, for a step it has; a step
/// already done is refused (422), not recorded twice.
pub fn complete_step(
    path: &LearningPathState,
    progress: &PathProgressState,
    structure: &StructureState,
    pupil: &UserState,
    cmd: &CompleteStep,
    today: NaiveDate,
) -> Result<Vec<Event>, DomainError> {
    let current = path.created.as_ref().ok_or_else(|| DomainError::NotFound("path".into()))?;
    if !pupil_in_audience(structure, pupil, current.assigned_to, today) {
        return Err(DomainError::NotFound("path".into()));
    }
    if today < current.opens_on {
        return Err(DomainError::rule(format!("this path opens on {}", current.opens_on)));
    }
    if cmd.step as usize >= current.steps.len() {
        return Err(DomainError::field("step", format!("this path has {} steps (0 to {})", current.steps.len(), current.steps.len() - 1)));
    }
    if progress.done.contains(&cmd.step) {
        return Err(DomainError::field("step", "this step is already done"));
    }
    Ok(vec![Event::StepCompleted(StepCompleted {
        path_id: current.path_id,
        structure: current.structure.clone(),
        pupil: pupil.user_id,
        step: cmd.step,
        completed_on: today,
    })])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::notes::fixtures::{Fixture, d, fixture};
    use crate::ressources::catalogue::publish_resource;
    use crate::ressources::catalogue::tests::publish;
    use crate::ressources::commands::PathMode;

    fn resource(f: &Fixture, to: Uuid) -> (Uuid, ResourceState) {
        let id = Uuid::new_v4();
        let cmd = crate::ressources::commands::PublishResource { published_to: vec![to], ..publish(f) };
        (id, ResourceState::from_history(&publish_resource(&f.structure, &cmd, id).unwrap()))
    }

    fn path(f: &Fixture, steps: Vec<StepInput>) -> CreateLearningPath {
        CreateLearningPath {
            path_id: None,
            title: "Les fractions en classe inversée".into(),
            steps,
            assigned_to: f.class,
            opens_on: d("2026-10-05"),
            due_on: Some(d("2026-10-12")),
            mode: PathMode::ClasseInversee,
        }
    }

    fn created(f: &Fixture) -> LearningPathState {
        let r = resource(f, f.class);
        let steps = vec![StepInput::Resource { resource: r.0 }, StepInput::Instruction { text: "Faire l'exercice 3".into() }];
        LearningPathState::from_history(&create_learning_path(&f.structure, &path(f, steps), Uuid::new_v4(), &[r]).unwrap())
    }

    #[test]
    fn path_steps_name_resources_published_to_its_audience() {
        let f = fixture();
        let (mine, other, unknown) = (resource(&f, f.class), resource(&f, f.other_class), Uuid::new_v4());
        let resources = [mine.clone(), other.clone()];
        let ok = path(&f, vec![StepInput::Resource { resource: mine.0 }]);
        let events = create_learning_path(&f.structure, &ok, Uuid::new_v4(), &resources).unwrap();
        assert!(
            matches!(&events[0], Event::LearningPathCreated(e) if matches!(&e.steps[0], PathStep::Resource { title, .. } if title == "Les évaluations de fractions"))
        );
        let not_theirs = path(&f, vec![StepInput::Instruction { text: "Lire".into() }, StepInput::Resource { resource: other.0 }]);
        assert!(matches!(create_learning_path(&f.structure, &not_theirs, Uuid::new_v4(), &resources),
            Err(DomainError::InvalidField { field, .. }) if field == "steps[1].resource"));
        let missing = path(&f, vec![StepInput::Resource { resource: unknown }]);
        assert!(matches!(create_learning_path(&f.structure, &missing, Uuid::new_v4(), &resources),
            Err(DomainError::InvalidField { field, .. }) if field == "steps[0].resource"));
        let withdrawn = ResourceState { unpublished: true, ..mine.1.clone() };
        assert!(create_learning_path(&f.structure, &ok, Uuid::new_v4(), &[(mine.0, withdrawn)]).is_err());
    }

    #[test]
    fn path_has_steps_an_audience_and_is_due_after_it_opens() {
        let f = fixture();
        let empty = path(&f, vec![]);
        assert!(
            matches!(create_learning_path(&f.structure, &empty, Uuid::new_v4(), &[]), Err(DomainError::InvalidField { field, .. }) if field == "steps")
        );
        let blank = path(&f, vec![StepInput::Instruction { text: " ".into() }]);
        assert!(
            matches!(create_learning_path(&f.structure, &blank, Uuid::new_v4(), &[]), Err(DomainError::InvalidField { field, .. }) if field == "steps[0].text")
        );
        let early = CreateLearningPath { due_on: Some(d("2026-10-04")), ..path(&f, vec![StepInput::Instruction { text: "x".into() }]) };
        assert!(
            matches!(create_learning_path(&f.structure, &early, Uuid::new_v4(), &[]), Err(DomainError::InvalidField { field, .. }) if field == "due_on")
        );
        let nowhere = CreateLearningPath { assigned_to: Uuid::new_v4(), ..path(&f, vec![StepInput::Instruction { text: "x".into() }]) };
        assert!(
            matches!(create_learning_path(&f.structure, &nowhere, Uuid::new_v4(), &[]), Err(DomainError::InvalidField { field, .. }) if field == "assigned_to")
        );
    }

    #[test]
    fn step_is_completed_only_by_a_pupil_of_the_audience_once_open() {
        let f = fixture();
        let p = created(&f);
        let id = p.created.as_ref().unwrap().path_id;
        let cmd = CompleteStep { path: id, step: 0 };
        let none = PathProgressState::default();
        assert!(
            matches!(complete_step(&p, &none, &f.structure, &f.pupil, &cmd, d("2026-10-04")), Err(DomainError::Rule(_))),
            "not open yet"
        );
        assert!(complete_step(&p, &none, &f.structure, &f.pupil, &cmd, d("2026-10-05")).is_ok());
        let stranger = f.pupil_in_other_class();
        assert!(matches!(complete_step(&p, &none, &f.structure, &stranger, &cmd, d("2026-10-05")), Err(DomainError::NotFound(_))));
        let beyond = CompleteStep { path: id, step: 2 };
        assert!(
            matches!(complete_step(&p, &none, &f.structure, &f.pupil, &beyond, d("2026-10-05")), Err(DomainError::InvalidField { field, .. }) if field == "step")
        );
    }

    #[test]
    fn step_done_twice_is_refused_not_recorded_twice() {
        let f = fixture();
        let p = created(&f);
        let cmd = CompleteStep { path: p.created.as_ref().unwrap().path_id, step: 1 };
        let events = complete_step(&p, &PathProgressState::default(), &f.structure, &f.pupil, &cmd, d("2026-10-06")).unwrap();
        let progress = PathProgressState::from_history(&events);
        assert!(matches!(complete_step(&p, &progress, &f.structure, &f.pupil, &cmd, d("2026-10-07")),
            Err(DomainError::InvalidField { field, .. }) if field == "step"));
    }

    #[test]
    fn group_paths_are_followed_by_the_group_members() {
        let f = fixture();
        assert!(pupil_in_audience(&f.structure, &f.pupil, f.group, d("2026-10-05")));
        assert!(!pupil_in_audience(&f.structure, &f.pupil_in_other_class(), f.group, d("2026-10-05")));
        assert!(!pupil_in_audience(&f.structure, &f.pupil, f.other_class, d("2026-10-05")));
    }
}
