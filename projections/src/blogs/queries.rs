//! Blog queries and who may read them (docs/domain.md, "Blogs"): the published posts for the
//! blog's readers; a draft for its author; a submitted post for its author and the publishers;
//! a pending comment for its author and the publishers. Anything else is not found.

use ent_domain::Actor;
use ent_domain::blogs::events::{BlogCreated, BlogOwner};
use ent_domain::blogs::posts::{PostStatus, may_publish, may_read, may_write};
use ent_domain::reach::Reach;
use uuid::Uuid;

use super::NAME;
use super::fold::{BLOGS, POSTS, WHERE, blog_key, post_key};
use super::models::*;
use crate::error::QueryError;
use crate::names::Names;
use crate::reach::reach_of;
use crate::source::{StoreSource, get_as, list_as};
use crate::store::ReadModelStore;

fn src(store: &dyn ReadModelStore) -> StoreSource<'_> {
    StoreSource { store, projection: NAME }
}

fn rights_of(doc: &BlogDoc) -> BlogCreated {
    BlogCreated {
        blog_id: doc.id,
        structure: doc.structure.clone(),
        owner: doc.owner,
        title: doc.title.clone(),
        description: None,
        moderated_comments: doc.moderated_comments,
    }
}

/// Whether the reader may read the blog; fills in what they may do in it.
fn allowed(doc: &mut BlogDoc, actor: &Actor, reach: &Reach) -> bool {
    let rights = rights_of(doc);
    doc.reader_writes = may_write(&rights, actor);
    doc.reader_publishes = may_publish(&rights, actor);
    may_read(&rights, actor, reach)
}

fn name_blog(doc: &mut BlogDoc, names: &Names) {
    doc.owner_name = match doc.owner {
        BlogOwner::Structure => names.structure(),
        BlogOwner::Class { class } => names.class_or_group(class),
        BlogOwner::User { user } => names.person(user),
    };
}

fn me(actor: &Actor) -> Uuid {
    actor.user().map_or(Uuid::nil(), |u| u.user_id)
}

/// The post as this reader sees it (`None`: not shown to them).
fn visible(mut post: BlogPostDoc, blog: &BlogDoc, actor: &Actor) -> Option<BlogPostDoc> {
    let mine = post.author == me(actor);
    let shown = match post.status {
        PostStatus::Published => true,
        PostStatus::Submitted => mine || blog.reader_publishes,
        PostStatus::Draft => mine,
    };
    if !shown {
        return None;
    }
    if !blog.reader_publishes {
        post.comments.retain(|c| !c.pending || c.author == me(actor));
    }
    Some(post)
}

fn name_post(post: &mut BlogPostDoc, names: &Names) {
    post.author_name = names.person(post.author);
    for c in &mut post.comments {
        c.author_name = names.person(c.author);
    }
}

async fn readable_blog(store: &dyn ReadModelStore, actor: &Actor, id: Uuid, kind: &str) -> Result<BlogDoc, QueryError> {
    let at = get_as::<BlogWhere>(&src(store), WHERE, &id.to_string()).await?.ok_or_else(|| QueryError::not_found(kind))?;
    let mut doc =
        get_as::<BlogDoc>(&src(store), BLOGS, &blog_key(&at.structure, at.blog)).await?.ok_or_else(|| QueryError::not_found(kind))?;
    let reach = reach_of(store, actor).await?;
    if !allowed(&mut doc, actor, &reach) {
        return Err(QueryError::not_found(kind));
    }
    Ok(doc)
}

/// The blogs of the reader's structure they may read. Names no resource: someone of no
/// structure is refused (403).
pub async fn blogs(store: &dyn ReadModelStore, actor: &Actor) -> Result<Vec<BlogDoc>, QueryError> {
    let uai = actor
        .user()
        .map(|u| u.structure.clone())
        .ok_or_else(|| QueryError::Forbidden("blogs are read by members of a structure".into()))?;
    let reach = reach_of(store, actor).await?;
    let mut out: Vec<BlogDoc> = list_as::<BlogDoc>(&src(store), BLOGS, &format!("{uai}/"))
        .await?
        .into_iter()
        .filter_map(|mut b| allowed(&mut b, actor, &reach).then_some(b))
        .collect();
    let people = out.iter().filter_map(|b| if let BlogOwner::User { user } = b.owner { Some(user) } else { None });
    let names = Names::load(store, &uai, people.collect::<Vec<_>>()).await?;
    for b in &mut out {
        name_blog(b, &names);
    }
    out.sort_by(|a, b| a.title.cmp(&b.title));
    Ok(out)
}

/// A blog and the posts its reader sees: published ones newest first, then drafts and
/// submitted posts.
pub async fn blog(store: &dyn ReadModelStore, actor: &Actor, id: Uuid) -> Result<BlogPage, QueryError> {
    let mut blog = readable_blog(store, actor, id, "blog").await?;
    let mut posts: Vec<BlogPostDoc> =
        list_as::<BlogPostDoc>(&src(store), POSTS, &format!("{id}/")).await?.into_iter().filter_map(|p| visible(p, &blog, actor)).collect();
    posts.sort_by_key(|p| (p.status != PostStatus::Published, std::cmp::Reverse(p.published_at.unwrap_or(p.written_at))));
    let mut people: Vec<Uuid> = posts.iter().flat_map(|p| std::iter::once(p.author).chain(p.comments.iter().map(|c| c.author))).collect();
    if let BlogOwner::User { user } = blog.owner {
        people.push(user);
    }
    let names = Names::load(store, &blog.structure, people).await?;
    name_blog(&mut blog, &names);
    for p in &mut posts {
        name_post(p, &names);
    }
    Ok(BlogPage { blog, posts })
}

/// One post, as its reader sees it.
pub async fn post(store: &dyn ReadModelStore, actor: &Actor, id: Uuid) -> Result<BlogPostDoc, QueryError> {
    let blog = readable_blog(store, actor, id, "post").await?;
    let doc = get_as::<BlogPostDoc>(&src(store), POSTS, &post_key(blog.id, id)).await?.ok_or_else(|| QueryError::not_found("post"))?;
    let mut doc = visible(doc, &blog, actor).ok_or_else(|| QueryError::not_found("post"))?;
    let names = Names::load(store, &blog.structure, std::iter::once(doc.author).chain(doc.comments.iter().map(|c| c.author))).await?;
    name_post(&mut doc, &names);
    Ok(doc)
}
