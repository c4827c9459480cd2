//! Ressources queries and who may read them. Every reader belongs to the structure read: its
//! staff and teachers see its whole catalogue and every path; a pupil sees the resources and the
//! open paths of their class and groups; a parent, their children's (docs/domain.md, "Ressources
//! numériques & parcours"). A named path or pupil the caller may not read is not found; a list
//! naming nothing is forbidden to those who have none.

use chrono::NaiveDate;
use ent_domain::Actor;
use ent_domain::directory::{Level, Profile};
use ent_domain::ressources::events::{PathStep, ResourceSource};
use uuid::Uuid;

use super::fold::{MEMBERSHIPS, PATHS, key};
use super::models::*;
use super::{NAME, RESOURCES};
use crate::directory::{ClassRoster, UserCard};
use crate::error::QueryError;
use crate::names::{Names, actor_ids, person_name};
use crate::search::MAX_HITS;
use crate::source::{StoreSource, get_as, list_as};
use crate::store::ReadModelStore;

fn src(store: &dyn ReadModelStore) -> StoreSource<'_> {
    StoreSource { store, projection: NAME }
}

/// What the catalogue is filtered by.
#[derive(Debug, Clone, Default)]
pub struct CatalogueFilter {
    pub subject: Option<Uuid>,
    pub level: Option<Level>,
    /// Compared without regard to case.
    pub theme: Option<String>,
    /// Words searched in titles and descriptions (French full-text search).
    pub q: Option<String>,
}

/// Which classes and groups of its structure a reader sees: all of them, or these.
enum Audience {
    All,
    Of(Vec<Uuid>),
}

impl Audience {
    fn sees(&self, targets: &[Uuid]) -> bool {
        match self {
            Audience::All => true,
            Audience::Of(mine) => targets.iter().any(|t| mine.contains(t)),
        }
    }
}

async fn membership(store: &dyn ReadModelStore, pupil: Uuid) -> Result<Membership, QueryError> {
    Ok(get_as::<Membership>(&src(store), MEMBERSHIPS, &pupil.to_string()).await?.unwrap_or_default())
}

fn classes_of(m: &Membership) -> Vec<Uuid> {
    m.class.iter().chain(m.groups.iter()).copied().collect()
}

/// The structure of a reader of this service and what they see of it; `None` for anyone who
/// reads nothing here (platform-level users, the system).
async fn reader(store: &dyn ReadModelStore, actor: &Actor) -> Result<Option<(String, Audience)>, QueryError> {
    let Some(u) = actor.user() else { return Ok(None) };
    let uai = u.structure.clone();
    let audience = match u.profile {
        Some(Profile::Enseignant | Profile::Personnel) => Audience::All,
        Some(Profile::Eleve) => Audience::Of(classes_of(&membership(store, u.user_id).await?)),
        Some(Profile::Parent) => {
            let mut all = Vec::new();
            for child in &u.children {
                all.extend(classes_of(&membership(store, *child).await?));
            }
            Audience::Of(all)
        }
        _ => return Ok(None),
    };
    Ok(Some((uai, audience)))
}

fn named(ids: &[Uuid], name: impl Fn(Uuid) -> Option<String>) -> Vec<Named> {
    ids.iter().map(|id| Named { id: *id, name: name(*id) }).collect()
}

fn resource_view(d: ResourceDoc, names: &Names) -> ResourceView {
    ResourceView {
        id: d.id,
        subjects: named(&d.subjects, |id| names.subject(id)),
        published_to: named(&d.published_to, |id| names.class_or_group(id)),
        published_by_name: names.actor(&d.published_by),
        title: d.title,
        description: d.description,
        source: d.source,
        levels: d.levels,
        domain: d.domain,
        theme: d.theme,
        published_by: d.published_by,
        published_at: d.published_at,
    }
}

/// The catalogue of the reader's structure, as far as they see it: filtered by subject, level and
/// theme, and, with `q`, by a full-text search of titles and descriptions (best matches first;
/// newest first otherwise).
pub async fn catalogue(store: &dyn ReadModelStore, actor: &Actor, filter: &CatalogueFilter) -> Result<Vec<ResourceView>, QueryError> {
    let Some((uai, audience)) = reader(store, actor).await? else {
        return Err(QueryError::Forbidden("the catalogue is read by the members of a structure".into()));
    };
    let prefix = key(&uai, "");
    let q = filter.q.as_deref().map(str::trim).filter(|q| !q.is_empty());
    let docs: Vec<ResourceDoc> = match q {
        Some(q) => {
            let keys = store.search(NAME, RESOURCES, q, MAX_HITS).await?;
            let keys: Vec<&String> = keys.iter().filter(|k| k.starts_with(&prefix)).collect();
            let source = src(store);
            let found = futures::future::try_join_all(keys.iter().map(|k| get_as::<ResourceDoc>(&source, RESOURCES, k))).await?;
            found.into_iter().flatten().collect()
        }
        None => {
            let mut all = list_as::<ResourceDoc>(&src(store), RESOURCES, &prefix).await?;
            all.sort_by_key(|d| std::cmp::Reverse((d.published_at, d.id)));
            all
        }
    };
    let theme = filter.theme.as_deref().map(|t| t.trim().to_lowercase()).filter(|t| !t.is_empty());
    let kept: Vec<ResourceDoc> = docs
        .into_iter()
        .filter(|d| !d.unpublished && audience.sees(&d.published_to))
        .filter(|d| filter.subject.is_none_or(|s| d.subjects.contains(&s)))
        .filter(|d| filter.level.is_none_or(|l| d.levels.contains(&l)))
        .filter(|d| theme.as_ref().is_none_or(|t| d.theme.as_ref().is_some_and(|x| x.to_lowercase() == *t)))
        .collect();
    let names = Names::load(store, &uai, actor_ids(kept.iter().map(|d| d.published_by.as_str()))).await?;
    Ok(kept.into_iter().map(|d| resource_view(d, &names)).collect())
}

/// The directory card of a pupil; any other id is not found.
async fn pupil_card(store: &dyn ReadModelStore, pupil: Uuid) -> Result<UserCard, QueryError> {
    let dir = StoreSource { store, projection: crate::directory::NAME };
    get_as::<UserCard>(&dir, "user", &pupil.to_string())
        .await?
        .filter(|c| c.profile == Profile::Eleve)
        .ok_or_else(|| QueryError::not_found("pupil"))
}

fn step_text(step: &PathStep) -> (String, String, Option<Uuid>) {
    match step {
        PathStep::Resource { resource, title } => ("resource".into(), title.clone(), Some(*resource)),
        PathStep::Instruction { text } => ("instruction".into(), text.clone(), None),
    }
}

/// A pupil's learning paths (of their class and groups) with their progress: x of n steps done
/// and the next step. The pupil and their parents see the paths that are open on `today`; the
/// staff and the pupil's teachers see every one.
pub async fn pupil_paths(store: &dyn ReadModelStore, actor: &Actor, pupil: Uuid, today: NaiveDate) -> Result<Vec<PupilPath>, QueryError> {
    let card = pupil_card(store, pupil).await?;
    let m = membership(store, pupil).await?;
    let mine = classes_of(&m);
    let family = actor.user().is_some_and(|u| u.user_id == pupil || (u.profile == Some(Profile::Parent) && u.children.contains(&pupil)));
    let teacher = actor.user().is_some_and(|u| {
        u.structure == card.structure && u.profile == Some(Profile::Enseignant) && mine.iter().any(|c| u.teaches_class(*c))
    });
    let staff = actor.user().is_some_and(|u| u.structure == card.structure) && actor.is_staff_of(&card.structure);
    if !family && !teacher && !staff {
        return Err(QueryError::not_found("pupil"));
    }
    let mut paths: Vec<PathDoc> = list_as::<PathDoc>(&src(store), PATHS, &key(&card.structure, ""))
        .await?
        .into_iter()
        .filter(|p| mine.contains(&p.assigned_to) && (!family || p.opens_on <= today))
        .collect();
    paths.sort_by_key(|p| (p.due_on.is_none(), p.due_on, p.opens_on, p.id));
    let names = Names::load(store, &card.structure, actor_ids(paths.iter().map(|p| p.author.as_str()))).await?;
    let mut out = Vec::with_capacity(paths.len());
    for p in paths {
        let done = p.progress.get(&pupil).cloned().unwrap_or_default();
        let mut steps = Vec::with_capacity(p.steps.len());
        for (i, step) in p.steps.iter().enumerate() {
            let index = i as u32;
            let (kind, text, resource) = step_text(step);
            let url = match resource {
                Some(r) => {
                    get_as::<ResourceDoc>(&src(store), RESOURCES, &key(&p.structure, r)).await?.filter(|d| !d.unpublished).and_then(|d| {
                        match d.source {
                            ResourceSource::Url { url } => Some(url),
                            ResourceSource::File { .. } => None,
                        }
                    })
                }
                None => None,
            };
            let done_on = done.iter().find(|d| d.step == index).map(|d| d.on);
            steps.push(PupilStep { index, kind, text, resource, url, done_on });
        }
        out.push(PupilPath {
            id: p.id,
            title: p.title,
            mode: p.mode,
            assigned_to: Named { id: p.assigned_to, name: names.class_or_group(p.assigned_to) },
            opens_on: p.opens_on,
            due_on: p.due_on,
            author_name: names.actor(&p.author),
            done: steps.iter().filter(|s| s.done_on.is_some()).count(),
            total: steps.len(),
            next_step: steps.iter().find(|s| s.done_on.is_none()).map(|s| s.index),
            steps,
        });
    }
    Ok(out)
}

/// Whether a member of the structure teaches or runs the path: the staff (the direction, CPE…),
/// its author, a teacher of its class or group.
fn runs_path(actor: &Actor, p: &PathDoc) -> bool {
    let Some(u) = actor.user() else { return false };
    if u.structure != p.structure {
        return false;
    }
    actor.is_staff_of(&p.structure)
        || (u.profile == Some(Profile::Enseignant) && (u.user_id.to_string() == p.author || u.teaches_class(p.assigned_to)))
}

fn summary(p: &PathDoc, names: &Names) -> PathSummary {
    let total = p.steps.len();
    PathSummary {
        id: p.id,
        title: p.title.clone(),
        mode: p.mode,
        assigned_to: Named { id: p.assigned_to, name: names.class_or_group(p.assigned_to) },
        opens_on: p.opens_on,
        due_on: p.due_on,
        steps: total,
        author: p.author.clone(),
        author_name: names.actor(&p.author),
        finished_by: p.progress.values().filter(|d| d.len() >= total).count(),
    }
}

/// The learning paths a teacher runs (theirs and those of their classes and groups), or all of
/// the structure's for its staff, newest opening first; anyone else is refused (403: the list
/// names no resource).
pub async fn learning_paths(store: &dyn ReadModelStore, actor: &Actor) -> Result<Vec<PathSummary>, QueryError> {
    let uai = match actor.user() {
        Some(u) if matches!(u.profile, Some(Profile::Enseignant | Profile::Personnel)) => u.structure.clone(),
        _ => return Err(QueryError::Forbidden("the list of learning paths is for teachers and staff".into())),
    };
    let mut paths: Vec<PathDoc> =
        list_as::<PathDoc>(&src(store), PATHS, &key(&uai, "")).await?.into_iter().filter(|p| runs_path(actor, p)).collect();
    paths.sort_by_key(|p| std::cmp::Reverse((p.opens_on, p.created_at, p.id)));
    let names = Names::load(store, &uai, actor_ids(paths.iter().map(|p| p.author.as_str()))).await?;
    Ok(paths.iter().map(|p| summary(p, &names)).collect())
}

/// The teacher's progress table of a path: the pupils of its class or group (and anyone who did
/// a step of it) × its steps, names next to ids.
pub async fn path_progress(store: &dyn ReadModelStore, actor: &Actor, path: Uuid) -> Result<ClassProgress, QueryError> {
    let Some(uai) = actor.user().map(|u| u.structure.clone()) else { return Err(QueryError::not_found("path")) };
    let p = get_as::<PathDoc>(&src(store), PATHS, &key(&uai, path)).await?.ok_or_else(|| QueryError::not_found("path"))?;
    if !runs_path(actor, &p) {
        return Err(QueryError::not_found("path"));
    }
    let dir = StoreSource { store, projection: crate::directory::NAME };
    let roster = get_as::<ClassRoster>(&dir, "roster", &p.assigned_to.to_string()).await?;
    let mut names = Names::load(store, &uai, actor_ids([p.author.as_str()])).await?;
    let mut pupils: Vec<(Uuid, Option<String>)> = Vec::new();
    if let Some(r) = &roster {
        names.add_roster(r);
        let mut members = r.members.clone();
        members.sort_by(|a, b| (&a.last_name, &a.first_name).cmp(&(&b.last_name, &b.first_name)));
        pupils.extend(members.iter().map(|m| (m.id, Some(person_name(&m.first_name, &m.last_name)))));
    }
    let others: Vec<Uuid> = p.progress.keys().filter(|id| !pupils.iter().any(|(p, _)| p == *id)).copied().collect();
    names.add_people(store, others.iter().copied()).await?;
    pupils.extend(others.iter().map(|id| (*id, names.person(*id))));
    let total = p.steps.len();
    let mut done_per_step = vec![0; total];
    let rows = pupils
        .into_iter()
        .map(|(pupil, pupil_name)| {
            let done = p.progress.get(&pupil).cloned().unwrap_or_default();
            let steps: Vec<Option<NaiveDate>> = (0..total as u32).map(|i| done.iter().find(|d| d.step == i).map(|d| d.on)).collect();
            for (i, s) in steps.iter().enumerate() {
                if s.is_some() {
                    done_per_step[i] += 1;
                }
            }
            ProgressRow { pupil, pupil_name, done: steps.iter().filter(|s| s.is_some()).count(), steps }
        })
        .collect();
    Ok(ClassProgress { path: summary(&p, &names), step_titles: p.steps.iter().map(|s| step_text(s).1).collect(), rows, done_per_step })
}
