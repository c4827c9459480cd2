//! A pupil's livret de compétences as the family sees it: the latest level reached on each item,
//! the end-of-cycle assessments, the certifications' progress (`competences::queries::booklet`).

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;

use super::family::french_date;
use super::page::{PortalError, Shell, parse_id, render};
use super::session::SignedIn;
use crate::state::AppState;

pub struct LevelView {
    pub item: String,
    pub label: String,
    pub level: u8,
    pub level_label: String,
    pub period: String,
}

pub struct FrameworkView {
    pub name: String,
    pub levels: Vec<LevelView>,
}

pub struct CycleView {
    pub composante: String,
    pub level_label: String,
    pub cycle: u8,
    pub at: String,
}

pub struct CertificationView {
    pub name: String,
    pub validated: usize,
    pub total: usize,
    pub percent: u32,
}

#[derive(Template)]
#[template(path = "booklet.html")]
struct BookletPage {
    shell: Shell,
    pupil_href: String,
    pupil_name: String,
    frameworks: Vec<FrameworkView>,
    cycles: Vec<CycleView>,
    certifications: Vec<CertificationView>,
}

/// `GET /eleves/{pupil}/livret`.
pub async fn page(State(state): State<AppState>, who: SignedIn, Path(pupil): Path<String>) -> Result<Response, PortalError> {
    let pupil = parse_id(&pupil)?;
    let b = ent_projections::competences::queries::booklet(state.backend.read_models.as_ref(), &who.actor, pupil).await?;
    let mut frameworks: Vec<FrameworkView> = Vec::new();
    for l in &b.latest {
        let view = LevelView {
            item: l.item.clone(),
            label: l.label.clone(),
            level: l.level,
            level_label: l.level_label.clone(),
            period: l.period_name.clone().unwrap_or_default(),
        };
        match frameworks.iter_mut().find(|f| f.name == l.framework) {
            Some(f) => f.levels.push(view),
            None => frameworks.push(FrameworkView { name: l.framework.clone(), levels: vec![view] }),
        }
    }
    let cycles = b
        .end_of_cycle
        .iter()
        .map(|c| CycleView {
            composante: c.composante.clone(),
            level_label: c.level_label.clone(),
            cycle: c.cycle,
            at: french_date(c.at.date_naive()),
        })
        .collect();
    let certifications = b
        .certifications
        .iter()
        .map(|c| CertificationView {
            name: c.name.clone(),
            validated: c.validated,
            total: c.total,
            percent: c.percent.round().clamp(0.0, 100.0) as u32,
        })
        .collect();
    let page = BookletPage {
        shell: who.shell(format!("Livret de compétences — {}", b.pupil_name), b.structure_name.clone()),
        pupil_href: format!("/eleves/{pupil}"),
        pupil_name: b.pupil_name.clone(),
        frameworks,
        cycles,
        certifications,
    };
    Ok(render(&page))
}
