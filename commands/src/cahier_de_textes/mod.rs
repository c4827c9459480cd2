//! Handlers of the cahier de textes: the teacher of the class/group and subject (or the
//! direction) writes; the direction stamps (visa).

use ent_domain::cahier_de_textes::commands::*;
use ent_domain::cahier_de_textes::entries::{self as rules, CahierState, HomeworkState, LessonState};

use crate::authorization::{actor_structure, require_direction, require_teacher_or_direction};
use crate::context::{CommandContext, Plan, PlannedAppend};
use crate::error::CommandError;
use crate::loading::{load_structure, load_user, uai_of};
use crate::store::ExpectedVersion;

pub async fn log_lesson(ctx: &CommandContext<'_>, cmd: &LogLesson) -> Result<Plan, CommandError> {
    let uai = actor_structure(ctx.actor)?;
    require_teacher_or_direction(ctx.actor, &uai, cmd.subject, cmd.class_or_group)?;
    let s = load_structure(ctx, &uai).await?;
    ctx.require_unused::<LessonState>(cmd.lesson_id, "lesson_id").await?;
    let id = ctx.chosen_id(cmd.lesson_id, "lesson");
    let events = rules::log_lesson(&s.state, cmd, id)?;
    Ok(Plan::one(PlannedAppend { stream: LessonState::stream(&uai, id), expected: ExpectedVersion::NoStream, events })
        .with_created("lesson_id", id))
}

pub async fn edit_lesson(ctx: &CommandContext<'_>, cmd: &EditLesson) -> Result<Plan, CommandError> {
    let lesson = ctx.load_by_id::<LessonState>(cmd.lesson, "lesson").await?;
    let current = lesson.state.created.as_ref().ok_or_else(|| CommandError::NotFound("lesson".into()))?;
    let uai = uai_of(&lesson);
    require_teacher_or_direction(ctx.actor, &uai, current.subject, current.class_or_group)?;
    let s = load_structure(ctx, &uai).await?;
    let events = rules::edit_lesson(&lesson.state, &s.state, cmd)?;
    Ok(Plan::one(lesson.append(events)))
}

pub async fn assign_homework(ctx: &CommandContext<'_>, cmd: &AssignHomework) -> Result<Plan, CommandError> {
    let uai = actor_structure(ctx.actor)?;
    require_teacher_or_direction(ctx.actor, &uai, cmd.subject, cmd.class_or_group)?;
    let s = load_structure(ctx, &uai).await?;
    ctx.require_unused::<HomeworkState>(cmd.homework_id, "homework_id").await?;
    let id = ctx.chosen_id(cmd.homework_id, "homework");
    let events = rules::assign_homework(&s.state, cmd, id)?;
    Ok(Plan::one(PlannedAppend { stream: HomeworkState::stream(&uai, id), expected: ExpectedVersion::NoStream, events })
        .with_created("homework_id", id))
}

pub async fn edit_homework(ctx: &CommandContext<'_>, cmd: &EditHomework) -> Result<Plan, CommandError> {
    let homework = ctx.load_by_id::<HomeworkState>(cmd.homework, "homework").await?;
    let current = homework.state.created.as_ref().ok_or_else(|| CommandError::NotFound("homework".into()))?;
    let uai = uai_of(&homework);
    require_teacher_or_direction(ctx.actor, &uai, current.subject, current.class_or_group)?;
    let s = load_structure(ctx, &uai).await?;
    let events = rules::edit_homework(&homework.state, &s.state, cmd)?;
    Ok(Plan::one(homework.append(events)))
}

pub async fn cancel_homework(ctx: &CommandContext<'_>, cmd: &CancelHomework) -> Result<Plan, CommandError> {
    let homework = ctx.load_by_id::<HomeworkState>(cmd.homework, "homework").await?;
    let current = homework.state.created.as_ref().ok_or_else(|| CommandError::NotFound("homework".into()))?;
    require_teacher_or_direction(ctx.actor, &uai_of(&homework), current.subject, current.class_or_group)?;
    let events = rules::cancel_homework(&homework.state, cmd)?;
    Ok(Plan::one(homework.append(events)))
}

/// The visa is given by the direction of the teacher's structure or by an inspector (a rectorat
/// user appointed inspector, who inspects every structure of the académie).
pub async fn visa_cahier(ctx: &CommandContext<'_>, cmd: &VisaCahier) -> Result<Plan, CommandError> {
    let teacher = load_user(ctx, cmd.teacher, "teacher").await?;
    if !ctx.actor.is_inspector() {
        require_direction(ctx.actor, &teacher.structure)?;
    }
    let s = load_structure(ctx, &teacher.structure).await?;
    let cahier = ctx.load::<CahierState>(CahierState::stream(&s.state.uai, cmd.class_or_group, cmd.subject)).await?;
    let events = rules::visa_cahier(&s.state, &teacher, cmd)?;
    Ok(Plan::one(cahier.append(events)))
}
