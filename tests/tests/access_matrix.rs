//! The access matrix: every GET route of the API (enumerated from `ent_api::routes::all()`, so a
//! new route cannot be added without its row here) × every profile, against a school with one
//! thing of every service and a second school. Each cell is the status the profile gets reading
//! school A's resource; the rules are docs/domain.md's ("People and what they may see", "Reading:
//! who may, and what a refusal says"): a refused read of a named resource is a 404, like an
//! unknown id; 403 only where the route names no resource.

use std::collections::BTreeMap;

use ent_tests::school::School;
use ent_tests::server::{TestServer, USER_PASSWORD};
use serde_json::json;

/// The columns of the table.
const PROFILES: [&str; 10] =
    ["admin", "rectorat", "inspector", "direction", "cpe", "teacher", "pupil", "parent", "other_direction", "other_parent"];

/// Route pattern → the path read (with school A's ids) and the expected status per profile, in
/// the order of [`PROFILES`].
type Table = BTreeMap<&'static str, (String, [u16; 10])>;

struct Ids<'a> {
    a: &'a School,
    evaluation: uuid::Uuid,
    entry: uuid::Uuid,
    import: uuid::Uuid,
    lesson: uuid::Uuid,
    // Forums, blogs, news: a 6A category with a topic, a 6A blog with a published post, a
    // structure-wide news item.
    category: uuid::Uuid,
    topic: uuid::Uuid,
    post: uuid::Uuid,
    blog: uuid::Uuid,
    blog_post: uuid::Uuid,
    news: uuid::Uuid,
    // agenda
    school_event: uuid::Uuid,
    /// A bookable resource of school A (réservations).
    resource: uuid::Uuid,
    // ressources
    path: uuid::Uuid,
    /// A message from the teacher to the parent.
    message: uuid::Uuid,
    // Chat and visio.
    meeting: uuid::Uuid,
}

#[rustfmt::skip]
fn table(ids: &Ids) -> Table {
    let a = ids.a;
    let (uai, class, pupil, t1, maths, teacher) = (&a.uai, a.class_a, a.pupil_a1, a.t1, a.maths, a.teacher_id);
    let (evaluation, entry, import) = (ids.evaluation, ids.entry, ids.import);
    let mut t = Table::new();
    let mut row = |pattern: &'static str, path: String, expect: [u16; 10]| {
        assert!(t.insert(pattern, (path, expect)).is_none(), "two rows for {pattern}");
    };
    //                                                                                             admin rect  insp  dir   cpe   teach pupil parnt oDir  oPar
    row("/health", "/health".into(),                                                                [200, 200, 200, 200, 200, 200, 200, 200, 200, 200]);
    row("/ready", "/ready".into(),                                                                  [200, 200, 200, 200, 200, 200, 200, 200, 200, 200]);
    row("/metrics", "/metrics".into(),                                                              [200, 200, 200, 200, 200, 200, 200, 200, 200, 200]);
    row("/api/openapi.json", "/api/openapi.json".into(),                                            [200, 200, 200, 200, 200, 200, 200, 200, 200, 200]);
    row("/api/v1/me", "/api/v1/me".into(),                                                          [200, 200, 200, 200, 200, 200, 200, 200, 200, 200]);
    row("/api/v1/me/children", "/api/v1/me/children".into(),                                        [403, 403, 403, 403, 403, 403, 403, 200, 403, 200]);
    row("/api/v1/me/classes", "/api/v1/me/classes".into(),                                          [403, 403, 403, 403, 403, 200, 403, 403, 403, 403]);
    row("/api/v1/me/today", "/api/v1/me/today".into(),                                              [403, 403, 403, 403, 403, 403, 200, 200, 403, 200]);
    row("/api/v1/structures/{uai}", format!("/api/v1/structures/{uai}"),                            [200, 404, 404, 200, 200, 200, 200, 200, 404, 404]);
    row("/api/v1/structures/{uai}/imports/{import_id}/report.csv", format!("/api/v1/structures/{uai}/imports/{import}/report.csv"), [200, 404, 404, 200, 404, 404, 404, 404, 404, 404]);
    row("/api/v1/classes/{id}/roster", format!("/api/v1/classes/{class}/roster"),                   [200, 404, 404, 200, 200, 200, 404, 404, 404, 404]);
    row("/api/v1/users/{id}", format!("/api/v1/users/{pupil}"),                                     [200, 404, 404, 200, 200, 200, 200, 200, 404, 404]);
    row("/api/v1/pupils/{id}/absences", format!("/api/v1/pupils/{pupil}/absences"),                 [200, 404, 404, 200, 200, 200, 200, 200, 404, 404]);
    row("/api/v1/pupils/{id}/discipline", format!("/api/v1/pupils/{pupil}/discipline"),             [404, 404, 404, 200, 200, 200, 200, 200, 404, 404]);
    row("/api/v1/classes/{id}/absences", format!("/api/v1/classes/{class}/absences?date=2026-10-05"), [200, 404, 404, 200, 200, 200, 404, 404, 404, 404]);
    row("/api/v1/teachers/{teacher}/lessons", format!("/api/v1/teachers/{teacher}/lessons?date=2026-10-05"), [200, 404, 404, 200, 200, 200, 404, 404, 404, 404]);
    row("/api/v1/lessons/{id}", format!("/api/v1/lessons/{}", ids.lesson),                           [200, 404, 404, 200, 200, 200, 404, 404, 404, 404]);
    row("/api/v1/notifications", "/api/v1/notifications".into(),                                    [200, 200, 200, 200, 200, 200, 200, 200, 200, 200]);
    row("/api/v1/vie-scolaire/{uai}/dashboard", format!("/api/v1/vie-scolaire/{uai}/dashboard?date=2026-10-05"), [404, 404, 404, 200, 200, 404, 404, 404, 404, 404]);
    row("/api/v1/vie-scolaire/{uai}/absenteeism", format!("/api/v1/vie-scolaire/{uai}/absenteeism?month=2026-10"), [404, 404, 404, 200, 200, 404, 404, 404, 404, 404]);
    row("/api/v1/vie-scolaire/{uai}/register", format!("/api/v1/vie-scolaire/{uai}/register"),      [404, 404, 404, 200, 200, 404, 404, 404, 404, 404]);
    row("/api/v1/vie-scolaire/{uai}/sanctions/audit", format!("/api/v1/vie-scolaire/{uai}/sanctions/audit"), [200, 404, 404, 404, 404, 404, 404, 404, 404, 404]);
    row("/api/v1/bulletins/{pupil}/{period}", format!("/api/v1/bulletins/{pupil}/{t1}"),            [200, 404, 404, 200, 200, 200, 200, 200, 404, 404]);
    row("/api/v1/grades/{evaluation}/{pupil}/history", format!("/api/v1/grades/{evaluation}/{pupil}/history"), [200, 404, 404, 200, 200, 200, 200, 200, 404, 404]);
    row("/api/v1/classes/{id}/grades", format!("/api/v1/classes/{class}/grades?period={t1}"),       [200, 404, 404, 200, 200, 200, 404, 404, 404, 404]);
    row("/api/v1/pupils/{pupil}/grades", format!("/api/v1/pupils/{pupil}/grades?period={t1}"),      [200, 404, 404, 200, 200, 200, 200, 200, 404, 404]);
    row("/api/v1/cahier/{class_or_group}/{subject}", format!("/api/v1/cahier/{class}/{maths}"),     [200, 404, 200, 200, 200, 200, 200, 200, 404, 404]);
    row("/api/v1/cahier/entries/{id}/history", format!("/api/v1/cahier/entries/{entry}/history"),   [200, 404, 200, 200, 200, 200, 200, 200, 404, 404]);
    row("/api/v1/pupils/{pupil}/homework", format!("/api/v1/pupils/{pupil}/homework?from=2026-10-01"), [200, 404, 404, 200, 200, 404, 200, 200, 404, 404]);
    row("/api/v1/teachers/{teacher}/cahier", format!("/api/v1/teachers/{teacher}/cahier"),          [200, 404, 200, 200, 200, 200, 404, 404, 404, 404]);
    row("/api/v1/cahiers", "/api/v1/cahiers".into(),                                                [200, 403, 200, 403, 403, 403, 403, 403, 403, 403]);
    row("/api/v1/structures/{uai}/bulletin-publications", format!("/api/v1/structures/{uai}/bulletin-publications"), [200, 404, 404, 200, 200, 404, 404, 404, 404, 404]);
    row("/api/v1/booklets/{pupil}", format!("/api/v1/booklets/{pupil}"),                            [200, 404, 404, 200, 200, 200, 200, 200, 404, 404]);
    row("/api/v1/classes/{id}/competencies", format!("/api/v1/classes/{class}/competencies?framework=socle"), [200, 404, 404, 200, 200, 200, 404, 404, 404, 404]);
    row("/api/v1/indicators/structures/{uai}", format!("/api/v1/indicators/structures/{uai}"),      [200, 404, 404, 200, 404, 404, 404, 404, 404, 404]);
    row("/api/v1/indicators/academie", "/api/v1/indicators/academie".into(),                        [200, 200, 200, 403, 403, 403, 403, 403, 403, 403]);
    row("/api/v1/events", "/api/v1/events?limit=5".into(),                                          [200, 403, 403, 403, 403, 403, 403, 403, 403, 403]);
    row("/api/v1/streams/{*stream}", format!("/api/v1/streams/{uai}/structure/{uai}"),              [200, 403, 403, 403, 403, 403, 403, 403, 403, 403]);
    row("/api/v1/admin/projections", "/api/v1/admin/projections".into(),                            [200, 403, 403, 403, 403, 403, 403, 403, 403, 403]);
    row("/api/v1/admin/cas-services", "/api/v1/admin/cas-services".into(),                          [200, 403, 403, 403, 403, 403, 403, 403, 403, 403]);
    // Réservations (and the structure's closed days).
    let resource = ids.resource;
    row("/api/v1/structures/{uai}/resources", format!("/api/v1/structures/{uai}/resources"),        [200, 404, 404, 200, 200, 200, 404, 404, 404, 404]);
    row("/api/v1/resources/{resource}/calendar", format!("/api/v1/resources/{resource}/calendar?week=2026-W41"), [200, 404, 404, 200, 200, 200, 404, 404, 404, 404]);
    row("/api/v1/me/bookings", "/api/v1/me/bookings".into(),                                        [200, 200, 200, 200, 200, 200, 200, 200, 200, 200]);
    row("/api/v1/structures/{uai}/bookings/pending", format!("/api/v1/structures/{uai}/bookings/pending"), [200, 404, 404, 200, 200, 200, 404, 404, 404, 404]);
    row("/api/v1/structures/{uai}/occupancy", format!("/api/v1/structures/{uai}/occupancy?week=2026-W41"), [200, 404, 404, 200, 404, 404, 404, 404, 404, 404]);
    row("/api/v1/structures/{uai}/closed-days", format!("/api/v1/structures/{uai}/closed-days"),    [200, 404, 404, 200, 200, 200, 200, 200, 404, 404]);
    // ressources: readers belong to the structure read; the catalogue names none (403 for the others).
    row("/api/v1/resources", "/api/v1/resources?q=fractions".into(),                               [403, 403, 403, 200, 200, 200, 200, 200, 200, 200]);
    row("/api/v1/pupils/{pupil}/learning-paths", format!("/api/v1/pupils/{pupil}/learning-paths"),  [404, 404, 404, 200, 200, 200, 200, 200, 404, 404]);
    row("/api/v1/learning-paths", "/api/v1/learning-paths".into(),                                  [403, 403, 403, 200, 200, 200, 403, 403, 200, 403]);
    row("/api/v1/learning-paths/{path}/progress", format!("/api/v1/learning-paths/{}/progress", ids.path), [404, 404, 404, 200, 200, 200, 404, 404, 404, 404]);
    // The CAS protocol is not read with a token: the form, a validation failure, the logout page.
    // Forums, blogs, news (actualités).
    let (category, topic, post, blog, blog_post, news) = (ids.category, ids.topic, ids.post, ids.blog, ids.blog_post, ids.news);
    row("/api/v1/forums", "/api/v1/forums".into(),                                                  [200, 200, 200, 200, 200, 200, 200, 200, 200, 200]);
    row("/api/v1/forums/categories/{category}", format!("/api/v1/forums/categories/{category}"),    [200, 404, 404, 200, 200, 200, 200, 404, 404, 404]);
    row("/api/v1/forums/topics/{topic}", format!("/api/v1/forums/topics/{topic}"),                  [200, 404, 404, 200, 200, 200, 200, 404, 404, 404]);
    row("/api/v1/forums/topics/{topic}/posts/{post}/history", format!("/api/v1/forums/topics/{topic}/posts/{post}/history"), [200, 404, 404, 200, 200, 200, 200, 404, 404, 404]);
    row("/api/v1/blogs", "/api/v1/blogs".into(),                                                    [200, 200, 200, 200, 200, 200, 200, 200, 200, 200]);
    row("/api/v1/blogs/{blog}", format!("/api/v1/blogs/{blog}"),                                    [200, 404, 404, 200, 200, 200, 200, 200, 404, 404]);
    row("/api/v1/blog-posts/{post}", format!("/api/v1/blog-posts/{blog_post}"),                     [200, 404, 404, 200, 200, 200, 200, 200, 404, 404]);
    row("/api/v1/news/feed", "/api/v1/news/feed".into(),                                            [200, 200, 200, 200, 200, 200, 200, 200, 200, 200]);
    row("/api/v1/news/items/{news}", format!("/api/v1/news/items/{news}"),                          [200, 404, 404, 200, 200, 200, 200, 200, 404, 404]);
    row("/api/v1/structures/{uai}/news", format!("/api/v1/structures/{uai}/news"),                  [200, 404, 404, 200, 200, 404, 404, 404, 404, 404]);
    // Messagerie: one's own mailbox; a message for its sender and recipients only; the
    // communication rules for the ADML (here: the platform administrator).
    let message = ids.message;
    row("/api/v1/messagerie/mailbox", "/api/v1/messagerie/mailbox".into(),                          [200, 200, 200, 200, 200, 200, 200, 200, 200, 200]);
    row("/api/v1/messagerie/folders/{folder}", "/api/v1/messagerie/folders/inbox".into(),           [200, 200, 200, 200, 200, 200, 200, 200, 200, 200]);
    row("/api/v1/messagerie/messages/{id}", format!("/api/v1/messagerie/messages/{message}"),       [404, 404, 404, 404, 404, 200, 404, 200, 404, 404]);
    row("/api/v1/messagerie/messages/{id}/thread", format!("/api/v1/messagerie/messages/{message}/thread"), [404, 404, 404, 404, 404, 200, 404, 200, 404, 404]);
    row("/api/v1/messagerie/search", "/api/v1/messagerie/search?q=sortie".into(),                   [200, 200, 200, 200, 200, 200, 200, 200, 200, 200]);
    row("/api/v1/messagerie/lists", "/api/v1/messagerie/lists".into(),                              [200, 200, 200, 200, 200, 200, 200, 200, 200, 200]);
    row("/api/v1/structures/{uai}/communication-rules", format!("/api/v1/structures/{uai}/communication-rules"), [200, 404, 404, 404, 404, 404, 404, 404, 404, 404]);
    // Chat and visio: class 6A's room (its id is the class's); a meeting of the teacher with A1 and her parent.
    row("/api/v1/chat/rooms", "/api/v1/chat/rooms".into(),                                          [200, 200, 200, 200, 200, 200, 200, 200, 200, 200]);
    row("/api/v1/chat/rooms/{room}/messages", format!("/api/v1/chat/rooms/{class}/messages"),       [404, 404, 404, 200, 200, 200, 200, 404, 404, 404]);
    row("/api/v1/chat/rooms/{room}/live", format!("/api/v1/chat/rooms/{class}/live"),               [404, 404, 404, 400, 400, 400, 400, 404, 404, 404]);
    row("/api/v1/visio/meetings", "/api/v1/visio/meetings".into(),                                  [200, 200, 200, 200, 200, 200, 200, 200, 200, 200]);
    row("/api/v1/visio/meetings/{meeting}", format!("/api/v1/visio/meetings/{}", ids.meeting),      [200, 404, 404, 200, 404, 200, 200, 200, 404, 404]);
    row("/api/v1/users/{user}/meetings", format!("/api/v1/users/{teacher}/meetings?from=2026-12-01T00:00:00Z&to=2026-12-31T00:00:00Z"), [404, 404, 404, 404, 404, 200, 404, 404, 404, 404]);
    row("/cas/login", "/cas/login".into(),                                                          [200, 200, 200, 200, 200, 200, 200, 200, 200, 200]);
    row("/cas/serviceValidate", "/cas/serviceValidate".into(),                                      [200, 200, 200, 200, 200, 200, 200, 200, 200, 200]);
    row("/cas/p3/serviceValidate", "/cas/p3/serviceValidate".into(),                                [200, 200, 200, 200, 200, 200, 200, 200, 200, 200]);
    row("/cas/logout", "/cas/logout".into(),                                                        [200, 200, 200, 200, 200, 200, 200, 200, 200, 200]);
    // agenda: a pupil's agenda (their own, their parent's child, their structure's staff); the feed
    // with an unknown token; one's own feeds (users of a structure); the school events (the staff).
    row("/api/v1/agenda", format!("/api/v1/agenda?pupil={pupil}&from=2026-10-05&to=2026-10-11"),   [200, 404, 404, 200, 200, 404, 200, 200, 404, 404]);
    row("/api/v1/agenda.ics", format!("/api/v1/agenda.ics?token={}", "0".repeat(96)),               [404, 404, 404, 404, 404, 404, 404, 404, 404, 404]);
    row("/api/v1/agenda/feeds", "/api/v1/agenda/feeds".into(),                                      [403, 403, 403, 200, 200, 200, 200, 200, 200, 200]);
    row("/api/v1/structures/{uai}/school-events", format!("/api/v1/structures/{uai}/school-events"), [200, 404, 404, 200, 200, 404, 404, 404, 404, 404]);
    row("/api/v1/structures/{uai}/school-events/{id}", format!("/api/v1/structures/{uai}/school-events/{}", ids.school_event), [200, 404, 404, 200, 200, 404, 404, 404, 404, 404]);
    t
}

async fn every_read_route_for_every_profile(kind: &str) {
    let s = TestServer::start(kind).await;
    let a = School::create(&s).await;
    let b = School::create_in(&s, "0931234B", "Collège Victor Hugo").await;
    let activity = a.activity(&s).await;
    let root = &a.root;
    let (_, cpe_login, _) = s.user(root, &a.uai, "personnel", Some("cpe"), "Marc", "Conseiller").await;
    let mut tokens = BTreeMap::new();
    tokens.insert("admin", root.clone());
    s.ok(
        root,
        "CreateRectoratUser",
        json!({"first_name": "Rémi", "last_name": "Recteur", "login": "remi.recteur", "password": USER_PASSWORD}),
    )
    .await;
    tokens.insert("rectorat", s.login("remi.recteur", USER_PASSWORD).await);
    let r = s
        .ok(root, "CreateRectoratUser", json!({"first_name": "Inès", "last_name": "Inspectrice", "login": "ines.inspectrice", "password": USER_PASSWORD, "inspector": true}))
        .await;
    tokens.insert("inspector", s.login("ines.inspectrice", USER_PASSWORD).await);
    tokens.insert("direction", a.head.clone());
    tokens.insert("cpe", s.login_user(&cpe_login).await);
    tokens.insert("teacher", a.teacher.clone());
    tokens.insert("pupil", a.pupil_a1_token.clone());
    tokens.insert("parent", a.parent.clone());
    tokens.insert("other_direction", b.head.clone());
    tokens.insert("other_parent", b.parent.clone());
    let at = r["position"].as_u64().max(Some(activity.position));
    let imported = s
        .client
        .post(s.url(&format!("/api/v1/structures/{}/imports?kind=pupils", a.uai)))
        .bearer_auth(root)
        .header("content-type", "text/csv")
        .body("INE;NOM;PRENOM;DATE_NAISSANCE;DIVISION\n123456789AB;Roux;Jade;01/02/2014;6A\n")
        .send()
        .await
        .expect("import");
    let imported: serde_json::Value = imported.json().await.expect("import report");
    let import = imported["import_id"].as_str().and_then(|id| uuid::Uuid::parse_str(id).ok()).expect("import id");
    let at = at.max(imported["position"].as_u64());
    // agenda
    let event = s
        .ok(&a.head, "CreateSchoolEvent", json!({"structure": a.uai, "title": "Conseil de classe", "from": "2026-10-06T17:00:00", "to": "2026-10-06T18:00:00", "audience": {"kind": "classes", "ids": [a.class_a]}}))
        .await;
    let at = at.max(event["position"].as_u64());

    let r = s.ok(&a.teacher, "CreateForumCategory", json!({"name": "Vie de la 6A", "class": a.class_a})).await;
    let category = TestServer::created_id(&r);
    let r = s.ok(&a.pupil_a1_token, "OpenTopic", json!({"category": category, "title": "Sortie", "body": "<p>Qui vient ?</p>"})).await;
    let topic = TestServer::created_id(&r);
    let post = uuid::Uuid::parse_str(r["created"]["post_id"].as_str().expect("post_id")).expect("uuid");
    let r = s.ok(&a.teacher, "CreateBlog", json!({"owner": {"kind": "class", "class": a.class_a}, "title": "Blog de la 6A"})).await;
    let blog = TestServer::created_id(&r);
    let r = s.ok(&a.teacher, "WriteBlogPost", json!({"blog": blog, "title": "Bienvenue", "body": "<p>Bonjour</p>"})).await;
    let blog_post = TestServer::created_id(&r);
    s.ok(&a.teacher, "PublishBlogPost", json!({"post": blog_post})).await;
    let r = s
        .ok(&a.head, "PublishNews", json!({"structure": a.uai, "title": "Rentrée", "body": "<p>Bonne rentrée</p>", "audience": {"kind": "structure"}, "publish_from": "2026-01-01T00:00:00Z"}))
        .await;
    let news = TestServer::created_id(&r);
    let at = at.max(r["position"].as_u64());
    let hours = json!([{"day": "monday", "ranges": [{"start": "08:00", "end": "18:00"}]}]);
    let defined = s
        .ok(
            &a.head,
            "DefineBookableResource",
            json!({"structure": a.uai, "code": "B12", "name": "Salle B12", "kind": "salle", "opening_hours": hours}),
        )
        .await;
    let resource = defined["created"]["resource_id"].as_str().and_then(|id| uuid::Uuid::parse_str(id).ok()).expect("resource id");
    let booked = s
        .ok(
            &a.teacher,
            "BookResource",
            json!({"resource": resource, "from": "2026-10-05T09:00:00", "to": "2026-10-05T10:00:00", "purpose": "Cours"}),
        )
        .await;
    let at = at.max(booked["position"].as_u64());

    // ressources: a resource of 6A and a path for 6A.
    let r = s
        .ok(&a.teacher, "PublishResource", json!({"structure": a.uai, "title": "Les fractions", "url": "https://www.lumni.fr/video/fractions", "published_to": [a.class_a]}))
        .await;
    let published = TestServer::created_id(&r);
    let r = s
        .ok(&a.teacher, "CreateLearningPath", json!({"title": "Fractions", "assigned_to": a.class_a, "opens_on": "2026-09-01", "mode": "standard", "steps": [{"kind": "resource", "resource": published}]}))
        .await;
    let path = TestServer::created_id(&r);
    let at = at.max(r["position"].as_u64());
    let sent = s
        .ok(&a.teacher, "SendMessage", json!({"to": [{"kind": "user", "id": a.parent_id}], "subject": "Sortie", "body": "<p>Jeudi</p>"}))
        .await;
    let message = TestServer::created_id(&sent);
    let at = at.max(sent["position"].as_u64());

    // Chat and visio.
    s.ok(&a.teacher, "OpenChatRoom", json!({"class_or_group": a.class_a})).await;
    s.ok(&a.teacher, "PostChatMessage", json!({"room": a.class_a, "body": "Bonjour"})).await;
    let r = s
        .ok(&a.teacher, "ScheduleMeeting", json!({"structure": a.uai, "title": "Rencontre", "from": "2026-12-03T17:00:00Z", "to": "2026-12-03T18:00:00Z", "participants": [a.pupil_a1, a.parent_id], "join_url": "https://meet.jit.si/rencontre"}))
        .await;
    let meeting = TestServer::created_id(&r);
    let at = at.max(r["position"].as_u64());
    let ids = Ids {
        a: &a,
        evaluation: activity.evaluation,
        entry: activity.entry,
        import,
        lesson: activity.lesson,
        category,
        topic,
        post,
        blog,
        blog_post,
        news,
        school_event: ent_tests::server::TestServer::created_id(&event),
        resource,
        path,
        message,
        meeting,
    };
    let mut table = table(&ids);
    // Espace de travail: a file of the teacher's, shared with 6A to read.
    let (file, shared_at) = espace_file(&s, &a).await;
    let at = at.max(shared_at);
    espace_rows(&mut table, file);
    let mut missing = Vec::new();
    let mut wrong = Vec::new();
    let routes: Vec<_> = ent_api::routes::all().into_iter().filter(|r| r.method == reqwest::Method::GET).collect();
    for route in &routes {
        let Some((path, expect)) = table.get(route.path) else {
            missing.push(route.path);
            continue;
        };
        for (i, profile) in PROFILES.iter().enumerate() {
            let (status, body) = s.get(Some(&tokens[profile]), path, at).await;
            if status.as_u16() != expect[i] {
                wrong.push(format!(
                    "{path} as {profile}: {status} (expected {}) {}",
                    expect[i],
                    body.to_string().chars().take(160).collect::<String>()
                ));
            }
        }
    }
    assert!(missing.is_empty(), "GET routes without a row in the access matrix: {missing:?}");
    let stale: Vec<_> = table.keys().filter(|k| !routes.iter().any(|r| r.path == **k)).collect();
    assert!(stale.is_empty(), "rows for routes that no longer exist: {stale:?}");
    assert!(wrong.is_empty(), "{} cells differ:\n{}", wrong.len(), wrong.join("\n"));
}

#[tokio::test]
async fn every_read_route_for_every_profile_sqlite() {
    every_read_route_for_every_profile("sqlite").await;
}

#[tokio::test]
async fn every_read_route_for_every_profile_postgres() {
    every_read_route_for_every_profile("postgres").await;
}

/// Espace de travail: the teacher uploads a file and shares it with class 6A (to read); returns
/// its id and the position to read at.
async fn espace_file(s: &TestServer, a: &School) -> (uuid::Uuid, Option<u64>) {
    let resp = s.client.put(s.url("/api/v1/files?name=cours.txt")).bearer_auth(&a.teacher).body("Bonjour").send().await.expect("upload");
    let r: serde_json::Value = resp.json().await.expect("upload result");
    let file = r["created"]["file_id"].as_str().and_then(|id| uuid::Uuid::parse_str(id).ok()).expect("file id");
    let r = s.ok(&a.teacher, "ShareFile", json!({"file": file, "with": {"kind": "class", "id": a.class_a}, "rights": "read"})).await;
    (file, r["position"].as_u64())
}

/// The workspace's reads: one's own workspace (403 for a platform administrator, who has none:
/// the read names no resource); a file for its owner and those it is shared with, 404 for anyone
/// else, the direction included (a workspace is personal).
#[rustfmt::skip]
fn espace_rows(t: &mut Table, file: uuid::Uuid) {
    let mut row = |pattern: &'static str, path: String, expect: [u16; 10]| {
        assert!(t.insert(pattern, (path, expect)).is_none(), "two rows for {pattern}");
    };
    //                                                                                             admin rect  insp  dir   cpe   teach pupil parnt oDir  oPar
    row("/api/v1/workspace", "/api/v1/workspace".into(),                                            [403, 200, 200, 200, 200, 200, 200, 200, 200, 200]);
    row("/api/v1/workspace/quota", "/api/v1/workspace/quota".into(),                                [403, 200, 200, 200, 200, 200, 200, 200, 200, 200]);
    row("/api/v1/workspace/trash", "/api/v1/workspace/trash".into(),                                [403, 200, 200, 200, 200, 200, 200, 200, 200, 200]);
    row("/api/v1/workspace/shared", "/api/v1/workspace/shared".into(),                              [403, 200, 200, 200, 200, 200, 200, 200, 200, 200]);
    row("/api/v1/files/{id}", format!("/api/v1/files/{file}"),                                      [404, 404, 404, 404, 404, 200, 200, 404, 404, 404]);
    row("/api/v1/files/{id}/content", format!("/api/v1/files/{file}/content"),                      [404, 404, 404, 404, 404, 200, 200, 404, 404, 404]);
}
