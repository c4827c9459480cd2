//! `SetHalfDayBoundary`, `ScheduleLesson`, `ImportTimetable`, `TakeRollCall`, `AmendRollCall`.

use std::collections::{BTreeMap, BTreeSet};

use ent_domain::directory::{StructureState, UserState};
use ent_domain::vie_scolaire::Mark;
use ent_domain::vie_scolaire::commands::{AmendRollCall, ImportTimetable, ScheduleLesson, SetHalfDayBoundary, TakeRollCall};
use ent_domain::vie_scolaire::lesson::{self, LessonState};
use ent_domain::vie_scolaire::settings::{self, VieScolaireSettings};
use uuid::Uuid;

use super::authorization::{require_timetable_manager, require_vie_scolaire};
use crate::context::{CommandContext, Loaded, Plan, PlannedAppend, id_in_use};
use crate::error::CommandError;
use crate::loading::{load_structure, load_user_opt};
use crate::store::ExpectedVersion;

pub async fn set_half_day_boundary(ctx: &CommandContext<'_>, cmd: &SetHalfDayBoundary) -> Result<Plan, CommandError> {
    let s = load_structure(ctx, &cmd.structure).await?;
    require_timetable_manager(ctx.actor, &s.state.uai)?;
    let settings = ctx.load::<VieScolaireSettings>(VieScolaireSettings::stream(&s.state.uai)).await?;
    Ok(Plan::one(settings.append(settings::set_half_day_boundary(&s.state.uai, cmd)?)))
}

pub async fn schedule_lesson(ctx: &CommandContext<'_>, cmd: &ScheduleLesson) -> Result<Plan, CommandError> {
    let teacher = ctx.load_by_id::<UserState>(cmd.teacher, "teacher").await?;
    let s = load_structure(ctx, &teacher.state.structure).await?;
    require_timetable_manager(ctx.actor, &s.state.uai)?;
    ctx.require_unused::<LessonState>(cmd.lesson_id, "lesson_id").await?;
    let id = ctx.chosen_id(cmd.lesson_id, "lesson");
    let events = lesson::schedule_lesson(&s.state, Some(&teacher.state), cmd, id)?;
    Ok(Plan::one(PlannedAppend { stream: LessonState::stream(&s.state.uai, id), expected: ExpectedVersion::NoStream, events })
        .with_created("lesson_id", id))
}

pub async fn import_timetable(ctx: &CommandContext<'_>, cmd: &ImportTimetable) -> Result<Plan, CommandError> {
    let s = load_structure(ctx, &cmd.structure).await?;
    require_timetable_manager(ctx.actor, &s.state.uai)?;
    let mut teachers = BTreeMap::new();
    for id in cmd.lessons.iter().map(|l| l.teacher).collect::<BTreeSet<_>>() {
        if let Some(t) = load_user_opt(ctx, id).await? {
            teachers.insert(id, t);
        }
    }
    let mut ids: Vec<Uuid> = Vec::with_capacity(cmd.lessons.len());
    for (i, l) in cmd.lessons.iter().enumerate() {
        let field = format!("lessons[{i}].lesson_id");
        ctx.require_unused::<LessonState>(l.lesson_id, &field).await?;
        let id = ctx.chosen_id(l.lesson_id, &format!("lesson-{i}"));
        if ids.contains(&id) {
            return Err(id_in_use(&field));
        }
        ids.push(id);
    }
    let events = lesson::import_timetable(&s.state, &teachers, cmd, &ids)?;
    let appends = events
        .into_iter()
        .zip(&ids)
        .map(|(e, id)| PlannedAppend {
            stream: LessonState::stream(&s.state.uai, *id),
            expected: ExpectedVersion::NoStream,
            events: vec![e],
        })
        .collect();
    let created = ids.iter().enumerate().map(|(i, id)| (format!("lessons[{i}].lesson_id"), *id)).collect();
    Ok(Plan { appends, created, ..Plan::default() })
}

/// Loads a lesson and checks the actor may take its roll call: its teacher, the CPE, the direction.
async fn load_lesson_for_roll_call(ctx: &CommandContext<'_>, id: Uuid) -> Result<Loaded<LessonState>, CommandError> {
    let lesson = ctx.load_by_id::<LessonState>(id, "lesson").await?;
    let Some(l) = &lesson.state.scheduled else { return Err(CommandError::NotFound("lesson".into())) };
    let is_teacher = ctx.actor.user().is_some_and(|u| u.user_id == l.teacher);
    if !is_teacher {
        require_vie_scolaire(ctx.actor, &l.structure)
            .map_err(|_| CommandError::Forbidden("only the lesson's teacher, the CPE or the direction take this roll call".into()))?;
    }
    Ok(lesson)
}

/// The pupils among `marks` who belong to the lesson's class or group on its date.
async fn eligible_pupils(ctx: &CommandContext<'_>, lesson: &LessonState, marks: &[Mark]) -> Result<BTreeSet<Uuid>, CommandError> {
    let Some(l) = &lesson.scheduled else { return Ok(BTreeSet::new()) };
    let structure = ctx.load::<StructureState>(StructureState::stream(&l.structure)).await?.state;
    let group_members: BTreeSet<Uuid> =
        structure.groups.get(&l.class_or_group).map(|g| g.members.iter().copied().collect()).unwrap_or_default();
    let mut eligible = BTreeSet::new();
    for m in marks {
        if group_members.contains(&m.pupil) {
            eligible.insert(m.pupil);
        } else if let Some(p) = load_user_opt(ctx, m.pupil).await?
            && p.class_on(l.date) == Some(l.class_or_group)
        {
            eligible.insert(m.pupil);
        }
    }
    Ok(eligible)
}

pub async fn take_roll_call(ctx: &CommandContext<'_>, cmd: &TakeRollCall) -> Result<Plan, CommandError> {
    let lesson = load_lesson_for_roll_call(ctx, cmd.lesson).await?;
    let eligible = eligible_pupils(ctx, &lesson.state, &cmd.marks).await?;
    let events = lesson::take_roll_call(&lesson.state, &cmd.marks, ctx.actor_id(), &eligible)?;
    Ok(Plan::one(lesson.append(events)))
}

pub async fn amend_roll_call(ctx: &CommandContext<'_>, cmd: &AmendRollCall) -> Result<Plan, CommandError> {
    let lesson = load_lesson_for_roll_call(ctx, cmd.lesson).await?;
    let eligible = eligible_pupils(ctx, &lesson.state, &cmd.marks).await?;
    let events = lesson::amend_roll_call(&lesson.state, &cmd.marks, ctx.actor_id(), &eligible)?;
    Ok(Plan::one(lesson.append(events)))
}
