//! `CreateEvaluation`, `RecordGrade`, `RecordGrades`, `CorrectGrade`.

use ent_domain::Event;
use ent_domain::notes::EvaluationState;
use ent_domain::notes::commands::{CorrectGrade, CreateEvaluation, RecordGrade, RecordGrades};
use ent_domain::notes::evaluation as rules;

use super::revisions;
use crate::authorization::{actor_structure, require_teacher_or_direction};
use crate::context::{CommandContext, Plan, PlannedAppend};
use crate::error::CommandError;
use crate::loading::{load_structure, load_user_or_empty, uai_of};
use crate::store::ExpectedVersion;

pub async fn create_evaluation(ctx: &CommandContext<'_>, cmd: &CreateEvaluation) -> Result<Plan, CommandError> {
    let uai = actor_structure(ctx.actor)?;
    require_teacher_or_direction(ctx.actor, &uai, cmd.subject, cmd.class_or_group)?;
    let s = load_structure(ctx, &uai).await?;
    ctx.require_unused::<EvaluationState>(cmd.evaluation_id, "evaluation_id").await?;
    let id = ctx.chosen_id(cmd.evaluation_id, "evaluation");
    let events = rules::create_evaluation(&s.state, cmd, id)?;
    Ok(Plan::one(PlannedAppend { stream: EvaluationState::stream(&uai, id), expected: ExpectedVersion::NoStream, events })
        .with_created("evaluation_id", id))
}

/// Pupils whose bulletin a list of grade events touches, as (class, pupil).
fn touched(events: &[Event]) -> Vec<(uuid::Uuid, uuid::Uuid)> {
    events
        .iter()
        .filter_map(|e| match e {
            Event::GradeRecorded(g) => Some((g.class, g.pupil)),
            Event::GradeCorrected(g) => Some((g.class, g.pupil)),
            _ => None,
        })
        .collect()
}

pub async fn record_grade(ctx: &CommandContext<'_>, cmd: &RecordGrade) -> Result<Plan, CommandError> {
    let eval = ctx.load_by_id::<EvaluationState>(cmd.evaluation, "evaluation").await?;
    let uai = uai_of(&eval);
    require_teacher_or_direction(ctx.actor, &uai, eval.state.subject, eval.state.class_or_group)?;
    let s = load_structure(ctx, &uai).await?;
    let pupil = load_user_or_empty(ctx, cmd.pupil).await?;
    let events = rules::record_grade(&eval.state, &s.state, &pupil, cmd)?;
    let revised = revisions(ctx, &uai, eval.state.period, &touched(&events), "note ajoutée").await?;
    let mut plan = Plan::one(eval.append(events));
    plan.appends.extend(revised);
    Ok(plan)
}

pub async fn record_grades(ctx: &CommandContext<'_>, cmd: &RecordGrades) -> Result<Plan, CommandError> {
    let eval = ctx.load_by_id::<EvaluationState>(cmd.evaluation, "evaluation").await?;
    let uai = uai_of(&eval);
    require_teacher_or_direction(ctx.actor, &uai, eval.state.subject, eval.state.class_or_group)?;
    let s = load_structure(ctx, &uai).await?;
    let mut pupils = Vec::with_capacity(cmd.grades.len());
    for row in &cmd.grades {
        let mut p = load_user_or_empty(ctx, row.pupil).await?;
        p.user_id = row.pupil;
        pupils.push(p);
    }
    let events = rules::record_grades(&eval.state, &s.state, &pupils, cmd)?;
    let revised = revisions(ctx, &uai, eval.state.period, &touched(&events), "notes ajoutées").await?;
    let mut plan = Plan::one(eval.append(events));
    plan.appends.extend(revised);
    Ok(plan)
}

pub async fn correct_grade(ctx: &CommandContext<'_>, cmd: &CorrectGrade) -> Result<Plan, CommandError> {
    let eval = ctx.load_by_id::<EvaluationState>(cmd.evaluation, "evaluation").await?;
    let uai = uai_of(&eval);
    require_teacher_or_direction(ctx.actor, &uai, eval.state.subject, eval.state.class_or_group)?;
    let events = rules::correct_grade(&eval.state, cmd)?;
    let reason = format!("note corrigée : {}", cmd.reason.trim());
    let revised = revisions(ctx, &uai, eval.state.period, &touched(&events), &reason).await?;
    let mut plan = Plan::one(eval.append(events));
    plan.appends.extend(revised);
    Ok(plan)
}
