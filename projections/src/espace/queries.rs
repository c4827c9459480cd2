//! Workspace queries and who may read them: a user reads their own workspace and trash; a file
//! is read by its owner and by the users, classes and groups it is shared with (not while it is
//! in the trash). What the caller may not read is answered as not found.

use ent_domain::Actor;
use ent_domain::espace::commands::{Grantee, GranteeKind, Rights};
use uuid::Uuid;

use super::NAME;
use super::fold::{BLOBS, FILES, MEMBERSHIPS, SHARED, WORKSPACES, grantee_key};
use super::models::*;
use crate::error::QueryError;
use crate::names::Names;
use crate::source::{StoreSource, get_as};
use crate::store::ReadModelStore;

fn src(store: &dyn ReadModelStore) -> StoreSource<'_> {
    StoreSource { store, projection: NAME }
}

/// The caller as a workspace owner: a user of a structure (403 for anyone else: the workspace
/// read names no resource).
fn own_user(actor: &Actor) -> Result<Uuid, QueryError> {
    match actor.user() {
        Some(u) if !actor.is_platform_admin() => Ok(u.user_id),
        _ => Err(QueryError::Forbidden("only users of a structure have a workspace".into())),
    }
}

async fn workspace_doc(store: &dyn ReadModelStore, owner: Uuid) -> Result<Option<WorkspaceDoc>, QueryError> {
    get_as::<WorkspaceDoc>(&src(store), WORKSPACES, &owner.to_string()).await
}

/// The grantees the caller is: themself, their class, the classes and groups they teach, their
/// groups (from the directory's groups).
pub async fn grantees(store: &dyn ReadModelStore, actor: &Actor) -> Result<Vec<Grantee>, QueryError> {
    let Some(u) = actor.user() else { return Ok(Vec::new()) };
    let groups = get_as::<GroupMembership>(&src(store), MEMBERSHIPS, &u.user_id.to_string()).await?.unwrap_or_default();
    Ok(grantees_of(actor, &groups.groups))
}

/// A user, their class, the classes and groups they teach, their groups (the command side
/// decides `write` rights on the same list).
fn grantees_of(actor: &Actor, groups: &[Uuid]) -> Vec<Grantee> {
    let Some(u) = actor.user() else { return Vec::new() };
    let mut out = vec![Grantee { kind: GranteeKind::User, id: u.user_id }];
    if let Some((class, _)) = u.class {
        out.push(Grantee { kind: GranteeKind::Class, id: class });
    }
    for a in &u.assignments {
        out.push(Grantee { kind: GranteeKind::Class, id: a.class_or_group });
        out.push(Grantee { kind: GranteeKind::Group, id: a.class_or_group });
    }
    out.extend(groups.iter().map(|g| Grantee { kind: GranteeKind::Group, id: *g }));
    out
}

fn access_of(file: &FileEntry, grantees: &[Grantee]) -> Option<Access> {
    let mut best = None;
    for s in &file.shares {
        if grantees.contains(&s.with) {
            match s.rights {
                Rights::Write => return Some(Access::Write),
                Rights::Read => best = Some(Access::Read),
            }
        }
    }
    best
}

/// Fills in the names of the people, classes and groups a file is shared with.
fn name_shares(file: &mut FileEntry, names: &Names) {
    for s in &mut file.shares {
        s.name = match s.with.kind {
            GranteeKind::User => names.person(s.with.id),
            _ => names.class_or_group(s.with.id),
        };
    }
}

fn share_people(files: &[FileEntry]) -> Vec<Uuid> {
    files.iter().flat_map(|f| f.shares.iter()).filter(|s| s.with.kind == GranteeKind::User).map(|s| s.with.id).collect()
}

/// The caller's workspace: folders, files outside the trash (by name) and the quota.
pub async fn workspace(store: &dyn ReadModelStore, actor: &Actor, quota: u64) -> Result<WorkspaceView, QueryError> {
    let owner = own_user(actor)?;
    let doc = workspace_doc(store, owner).await?.unwrap_or_default();
    let in_trash = doc.files.iter().filter(|f| f.purge_after.is_some()).map(|f| f.size).sum();
    let mut files: Vec<FileEntry> = doc.files.into_iter().filter(|f| f.purge_after.is_none()).collect();
    let uai = actor.user().map(|u| u.structure.clone()).unwrap_or_default();
    let names = Names::load(store, &uai, share_people(&files)).await?;
    for f in &mut files {
        name_shares(f, &names);
    }
    Ok(WorkspaceView { owner, folders: doc.folders, files, quota: QuotaUsage { used: doc.used, quota, in_trash } })
}

/// The caller's quota: bytes used (the trash included) out of `quota`.
pub async fn quota_usage(store: &dyn ReadModelStore, actor: &Actor, quota: u64) -> Result<QuotaUsage, QueryError> {
    let owner = own_user(actor)?;
    let doc = workspace_doc(store, owner).await?.unwrap_or_default();
    let in_trash = doc.files.iter().filter(|f| f.purge_after.is_some()).map(|f| f.size).sum();
    Ok(QuotaUsage { used: doc.used, quota, in_trash })
}

/// The caller's trash, the files whose purge comes first first.
pub async fn trash(store: &dyn ReadModelStore, actor: &Actor) -> Result<Vec<FileEntry>, QueryError> {
    let owner = own_user(actor)?;
    let doc = workspace_doc(store, owner).await?.unwrap_or_default();
    let mut files: Vec<FileEntry> = doc.files.into_iter().filter(|f| f.purge_after.is_some()).collect();
    files.sort_by_key(|f| (f.purge_after, f.id));
    Ok(files)
}

/// The files shared with the caller, directly or through their class or groups, by name.
pub async fn shared_with_me(store: &dyn ReadModelStore, actor: &Actor) -> Result<Vec<FileView>, QueryError> {
    own_user(actor)?;
    let grantees = grantees(store, actor).await?;
    let mut pairs: Vec<(Uuid, Uuid)> = Vec::new();
    for g in &grantees {
        if let Some(list) = get_as::<SharedList>(&src(store), SHARED, &grantee_key(g)).await? {
            pairs.extend(list.files);
        }
    }
    pairs.sort_unstable();
    pairs.dedup();
    let mut out = Vec::new();
    let mut owners: Vec<Uuid> = pairs.iter().map(|(o, _)| *o).collect();
    owners.dedup();
    for owner in owners {
        let Some(doc) = workspace_doc(store, owner).await? else { continue };
        for f in doc.files.iter().filter(|f| f.purge_after.is_none() && pairs.contains(&(owner, f.id))) {
            if let Some(access) = access_of(f, &grantees) {
                out.push(FileView { file: f.clone(), structure: doc.structure.clone(), owner, owner_name: None, access });
            }
        }
    }
    let uai = actor.user().map(|u| u.structure.clone()).unwrap_or_default();
    let names = Names::load(store, &uai, out.iter().map(|v| v.owner)).await?;
    for v in &mut out {
        v.owner_name = names.person(v.owner);
        // Whom else it is shared with is the owner's business.
        v.file.shares.clear();
    }
    out.sort_by(|a, b| a.file.name.cmp(&b.file.name).then(a.file.id.cmp(&b.file.id)));
    Ok(out)
}

/// A file the caller may read: its metadata, owner and the caller's access (owner, write, read).
/// Anyone else, and anyone but its owner while it is in the trash, gets not found. This is the
/// check every download makes when it is asked, and what other services (a resource that
/// publishes a workspace file) call.
pub async fn readable_file(store: &dyn ReadModelStore, actor: &Actor, id: Uuid) -> Result<FileView, QueryError> {
    let not_found = || QueryError::not_found("file");
    let r = get_as::<FileRef>(&src(store), FILES, &id.to_string()).await?.ok_or_else(not_found)?;
    let doc = workspace_doc(store, r.owner).await?.ok_or_else(not_found)?;
    let mut file = doc.files.into_iter().find(|f| f.id == id).ok_or_else(not_found)?;
    let is_owner = actor.user().is_some_and(|u| u.user_id == r.owner);
    let access = if is_owner {
        Access::Owner
    } else if file.purge_after.is_some() || actor.user().is_none_or(|u| u.structure != r.structure) {
        return Err(not_found());
    } else {
        access_of(&file, &grantees(store, actor).await?).ok_or_else(not_found)?
    };
    let mut people = share_people(std::slice::from_ref(&file));
    people.push(r.owner);
    let names = Names::load(store, &r.structure, people).await?;
    if is_owner {
        name_shares(&mut file, &names);
    } else {
        file.shares.clear();
    }
    Ok(FileView { file, structure: r.structure, owner: r.owner, owner_name: names.person(r.owner), access })
}

/// How many files (the trash included) have this content.
pub async fn blob_references(store: &dyn ReadModelStore, sha256: &str) -> Result<u64, QueryError> {
    Ok(get_as::<BlobRefs>(&src(store), BLOBS, sha256).await?.map_or(0, |b| b.files))
}
