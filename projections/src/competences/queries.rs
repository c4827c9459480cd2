//! Booklet queries: a pupil's booklet and its export (the pupil, their parents, their teachers,
//! the staff) and the class overview of a framework (the class's teachers and the staff). Rights
//! are checked against the pupil's or the class's structure; what the caller may not read is
//! answered as not found.

use std::collections::{BTreeMap, BTreeSet};

use chrono::Utc;
use ent_domain::Actor;
use ent_domain::competences::types::level_label;
use ent_domain::competences::{FrameworkDef, FrameworkKind, builtin};
use ent_domain::directory::Profile;
use uuid::Uuid;

use super::NAME;
use super::fold::{BOOKLETS, FRAMEWORKS};
use super::models::*;
use crate::directory::{ClassRoster, StructureTree, UserCard};
use crate::error::QueryError;
use crate::names::{Names, actor_ids, person_name};
use crate::notes::PupilSubjectDoc;
use crate::source::{StoreSource, get_as, list_as};
use crate::store::ReadModelStore;

fn src(store: &dyn ReadModelStore) -> StoreSource<'_> {
    StoreSource { store, projection: NAME }
}

fn dir(store: &dyn ReadModelStore) -> StoreSource<'_> {
    StoreSource { store, projection: crate::directory::NAME }
}

/// The frameworks of a structure: the built-in ones and those it defined.
async fn frameworks(store: &dyn ReadModelStore, uai: &str) -> Result<Vec<FrameworkDef>, QueryError> {
    let mut all = builtin::all();
    all.extend(list_as::<FrameworkDef>(&src(store), FRAMEWORKS, &format!("{uai}/")).await?);
    Ok(all)
}

async fn pupil_card(store: &dyn ReadModelStore, actor: &Actor, pupil: Uuid) -> Result<UserCard, QueryError> {
    let card = get_as::<UserCard>(&dir(store), "user", &pupil.to_string())
        .await?
        .filter(|c| c.profile == Profile::Eleve)
        .ok_or_else(|| QueryError::not_found("pupil"))?;
    let allowed = actor.is_staff_of(&card.structure)
        || actor.user().is_some_and(|u| {
            u.user_id == pupil
                || u.children.contains(&pupil)
                || (u.profile == Some(Profile::Enseignant) && card.class.as_ref().is_some_and(|c| u.teaches_class(c.id)))
        });
    if allowed { Ok(card) } else { Err(QueryError::not_found("pupil")) }
}

fn percent(part: usize, total: usize) -> f64 {
    if total == 0 { 0.0 } else { (part as f64 * 1000.0 / total as f64).round() / 10.0 }
}

fn certifications(frameworks: &[FrameworkDef], doc: &BookletDoc) -> Vec<CertificationProgress> {
    let validated: BTreeSet<(&str, &str)> = doc.validations.iter().map(|v| (v.framework.as_str(), v.item.as_str())).collect();
    frameworks
        .iter()
        .filter(|f| f.kind == FrameworkKind::Certification)
        .map(|f| {
            let domains: Vec<DomainProgress> = f
                .domains
                .iter()
                .map(|d| {
                    let done = d.items.iter().filter(|i| validated.contains(&(f.code.as_str(), i.code.as_str()))).count();
                    DomainProgress {
                        code: d.code.clone(),
                        name: d.name.clone(),
                        validated: done,
                        total: d.items.len(),
                        percent: percent(done, d.items.len()),
                    }
                })
                .collect();
            let (done, total) = domains.iter().fold((0, 0), |(a, b), d| (a + d.validated, b + d.total));
            CertificationProgress {
                framework: f.code.clone(),
                name: f.name.clone(),
                validated: done,
                total,
                percent: percent(done, total),
                domains,
            }
        })
        .collect()
}

fn label(frameworks: &[FrameworkDef], framework: &str, item: &str) -> (String, String) {
    frameworks
        .iter()
        .find(|f| f.code == framework)
        .and_then(|f| f.item(item))
        .map(|(d, i)| (d.code.clone(), i.label.clone()))
        .unwrap_or_default()
}

/// The latest positioning of each (framework, item, period).
fn latest(frameworks: &[FrameworkDef], doc: &BookletDoc, names: &Names) -> Vec<LatestLevel> {
    let mut by_key: BTreeMap<(String, String, Uuid), &Positioning> = BTreeMap::new();
    for p in &doc.positionings {
        by_key.insert((p.framework.clone(), p.item.clone(), p.period), p);
    }
    by_key
        .into_values()
        .map(|p| LatestLevel {
            framework: p.framework.clone(),
            item: p.item.clone(),
            label: label(frameworks, &p.framework, &p.item).1,
            period: p.period,
            period_name: names.period(p.period),
            level: p.level,
            level_label: level_label(p.level).to_string(),
            at: p.at,
        })
        .collect()
}

/// The competency booklet of a pupil.
pub async fn booklet(store: &dyn ReadModelStore, actor: &Actor, pupil: Uuid) -> Result<CompetencyBooklet, QueryError> {
    let card = pupil_card(store, actor, pupil).await?;
    let doc = get_as::<BookletDoc>(&src(store), BOOKLETS, &pupil.to_string()).await?.unwrap_or(BookletDoc {
        structure: card.structure.clone(),
        pupil,
        ..Default::default()
    });
    let frameworks = frameworks(store, &card.structure).await?;
    let names = Names::load(store, &card.structure, actor_ids(doc.positionings.iter().map(|p| p.author.as_str()))).await?;
    let mut history = doc.positionings.clone();
    for p in &mut history {
        p.period_name = names.period(p.period);
        p.author_name = names.actor(&p.author);
    }
    Ok(CompetencyBooklet {
        pupil,
        pupil_name: person_name(&card.first_name, &card.last_name),
        structure_name: names.structure(),
        structure: card.structure,
        latest: latest(&frameworks, &doc, &names),
        certifications: certifications(&frameworks, &doc),
        end_of_cycle: doc.end_of_cycle,
        history,
    })
}

/// How the pupils of a class stand on each item of a framework (latest positioning, in
/// `period` when given).
pub async fn class_overview(
    store: &dyn ReadModelStore,
    actor: &Actor,
    class: Uuid,
    framework: &str,
    period: Option<Uuid>,
) -> Result<ClassOverview, QueryError> {
    let roster = get_as::<ClassRoster>(&dir(store), "roster", &class.to_string()).await?.ok_or_else(|| QueryError::not_found("class"))?;
    let teaches = actor.user().is_some_and(|u| u.structure == roster.structure && u.teaches_class(class));
    if !teaches && !actor.is_staff_of(&roster.structure) {
        return Err(QueryError::not_found("class"));
    }
    let names = Names::load(store, &roster.structure, []).await?;
    let period_name = match period {
        Some(period) => Some(names.period(period).ok_or_else(|| QueryError::not_found("period"))?),
        None => None,
    };
    let frameworks = frameworks(store, &roster.structure).await?;
    let def = frameworks.iter().find(|f| f.code == framework).ok_or_else(|| QueryError::not_found("framework"))?;
    let mut booklets = Vec::new();
    for m in &roster.members {
        booklets.push(get_as::<BookletDoc>(&src(store), BOOKLETS, &m.id.to_string()).await?.unwrap_or_default());
    }
    let items = def
        .items()
        .map(|(d, i)| {
            let mut levels: BTreeMap<String, usize> = (1..=4).map(|l| (l.to_string(), 0)).collect();
            let (mut positioned, mut validated) = (0, 0);
            for b in &booklets {
                let last = b
                    .positionings
                    .iter()
                    .rev()
                    .find(|p| p.framework == def.code && p.item == i.code && period.is_none_or(|x| x == p.period));
                if let Some(p) = last {
                    positioned += 1;
                    *levels.entry(p.level.to_string()).or_default() += 1;
                }
                if b.validations.iter().any(|v| v.framework == def.code && v.item == i.code) {
                    validated += 1;
                }
            }
            ItemOverview {
                domain: d.code.clone(),
                item: i.code.clone(),
                label: i.label.clone(),
                levels,
                positioned,
                validated,
                pupils: booklets.len(),
            }
        })
        .collect();
    Ok(ClassOverview { class, class_name: names.class_or_group(class), framework: def.code.clone(), period, period_name, items })
}

/// The booklet export (format `ent-livret`, version 1, see docs/exports.md).
pub async fn export(store: &dyn ReadModelStore, actor: &Actor, pupil: Uuid) -> Result<BookletExport, QueryError> {
    let card = pupil_card(store, actor, pupil).await?;
    let doc = get_as::<BookletDoc>(&src(store), BOOKLETS, &pupil.to_string()).await?.unwrap_or_default();
    let frameworks = frameworks(store, &card.structure).await?;
    let tree = get_as::<StructureTree>(&dir(store), "structure", &card.structure).await?;
    let notes = StoreSource { store, projection: crate::notes::NAME };
    let mut periods = Vec::new();
    let mut all_periods = Vec::new();
    for (year, ps) in tree.iter().flat_map(|t| t.periods.iter()) {
        for p in &ps.periods {
            all_periods.push((year.clone(), p.clone()));
        }
    }
    for (year, p) in all_periods {
        let positionings: Vec<ExportPositioning> = doc
            .positionings
            .iter()
            .filter(|x| x.period == p.period_id)
            .map(|x| {
                let (domain, label) = label(&frameworks, &x.framework, &x.item);
                ExportPositioning {
                    framework: x.framework.clone(),
                    domain,
                    item: x.item.clone(),
                    label,
                    level: x.level,
                    level_label: level_label(x.level).to_string(),
                    evidence: x.evidence,
                    comment: x.comment.clone(),
                    date: x.at,
                }
            })
            .collect();
        let subjects: Vec<PupilSubjectDoc> = list_as(&notes, "pupil_subject", &format!("{}/{pupil}/", p.period_id)).await?;
        let appreciations: Vec<ExportAppreciation> = subjects
            .into_iter()
            .filter_map(|s| {
                let name =
                    tree.as_ref().and_then(|t| t.subjects.iter().find(|x| x.id == s.subject)).map(|x| x.name.clone()).unwrap_or_default();
                s.appreciation.map(|text| ExportAppreciation { subject: name, text })
            })
            .collect();
        if positionings.is_empty() && appreciations.is_empty() {
            continue;
        }
        periods.push(ExportPeriod {
            id: p.period_id,
            name: p.name.clone(),
            school_year: year,
            start: p.start,
            end: p.end,
            positionings,
            appreciations,
        });
    }
    Ok(BookletExport {
        format: "ent-livret".into(),
        format_version: 1,
        generated_at: Utc::now(),
        structure: ExportStructure { uai: card.structure.clone(), name: tree.as_ref().map(|t| t.name.clone()).unwrap_or_default() },
        pupil: ExportPupil {
            id: pupil,
            first_name: card.first_name.clone(),
            last_name: card.last_name.clone(),
            class: card.class.as_ref().map(|c| c.code.clone()),
        },
        periods,
        certifications: certifications(&frameworks, &doc),
        end_of_cycle: doc.end_of_cycle,
    })
}
