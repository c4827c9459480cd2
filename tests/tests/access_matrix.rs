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
    // The CAS protocol is not read with a token: the form, a validation failure, the logout page.
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

    // Chat and visio.
    s.ok(&a.teacher, "OpenChatRoom", json!({"class_or_group": a.class_a})).await;
    s.ok(&a.teacher, "PostChatMessage", json!({"room": a.class_a, "body": "Bonjour"})).await;
    let r = s
        .ok(&a.teacher, "ScheduleMeeting", json!({"structure": a.uai, "title": "Rencontre", "from": "2026-12-03T17:00:00Z", "to": "2026-12-03T18:00:00Z", "participants": [a.pupil_a1, a.parent_id], "join_url": "https://meet.jit.si/rencontre"}))
        .await;
    let meeting = TestServer::created_id(&r);
    let at = at.max(r["position"].as_u64());
    let ids = Ids { a: &a, evaluation: activity.evaluation, entry: activity.entry, import, lesson: activity.lesson, meeting };
    let table = table(&ids);
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
