//! The command API as a product, end to end through HTTP against SQLite and PostgreSQL:
//! idempotency keyed by actor and request; a hot aggregate without spurious conflicts.

use ent_api::App;
use ent_domain::directory::StructureState;
use ent_tests::hot::create_classes_concurrently;
use ent_tests::server::TestServer;
use reqwest::StatusCode;
use serde_json::{Value, json};
use uuid::Uuid;

const UAI: &str = "0751234A";

async fn events_count(s: &TestServer, root: &str) -> usize {
    let (status, events) = s.get(Some(root), "/api/v1/events?after=0&limit=1000", None).await;
    assert_eq!(status, StatusCode::OK);
    events.as_array().unwrap().len()
}

fn fields(body: &Value) -> Vec<String> {
    body["errors"].as_array().map(|e| e.iter().map(|x| x["field"].as_str().unwrap_or_default().to_string()).collect()).unwrap_or_default()
}

/// Same `command_id`: the same actor with the same request gets the stored result; the same
/// actor with another request gets a 422 naming `command_id`; another actor gets exactly that
/// same answer, with nothing of the first request, and nothing is appended.
async fn idempotency_is_per_actor_and_request(kind: &str) {
    let s = TestServer::start(kind).await;
    let root = s.root().await;
    s.ok(&root, "CreateStructure", json!({"uai": UAI, "name": "Collège", "kind": "college"})).await;
    let (_, teacher_login, _) = s.user(&root, UAI, "enseignant", None, "Sophie", "Bernard").await;
    let teacher = s.login_user(&teacher_login).await;

    let command_id = Uuid::new_v4();
    let envelope = json!({"command_id": command_id, "type": "CreateSubject", "payload": {"structure": UAI, "code": "SVT", "name": "SVT"}});
    let (status, first) = s.envelope(&root, envelope.clone()).await;
    assert_eq!(status, StatusCode::OK, "{first}");
    let before = events_count(&s, &root).await;

    // The same request again, keys in another order: the stored result.
    let reordered = json!({"payload": {"name": "SVT", "code": "SVT", "structure": UAI}, "type": "CreateSubject", "command_id": command_id});
    let (status, again) = s.envelope(&root, reordered).await;
    assert_eq!((status, &again), (StatusCode::OK, &first));

    // Same actor, another payload, another type, or an expected_version: refused, naming command_id.
    let mut collisions = Vec::new();
    for other in [
        json!({"command_id": command_id, "type": "CreateSubject", "payload": {"structure": UAI, "code": "SVT2", "name": "SVT"}}),
        json!({"command_id": command_id, "type": "CreateClass", "payload": {"structure": UAI, "code": "6A", "level": "6e"}}),
        json!({"command_id": command_id, "type": "CreateSubject", "expected_version": 2, "payload": {"structure": UAI, "code": "SVT", "name": "SVT"}}),
    ] {
        let (status, body) = s.envelope(&root, other).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(fields(&body), ["command_id"]);
        collisions.push(body);
    }

    // Another actor replaying the first envelope: the very same answer as a collision, before
    // any authorization, and nothing of the first result.
    let (status, body) = s.envelope(&teacher, envelope).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body, collisions[0]);
    let text = body.to_string();
    assert!(["stream", "position", "event_ids", "current_version"].iter().all(|k| body.get(k).is_none()), "{body}");
    assert!(!text.contains(first["stream"].as_str().unwrap()) && !text.contains(first["event_ids"][0].as_str().unwrap()));

    assert_eq!(events_count(&s, &root).await, before);
    // The owner still gets the stored result.
    let (status, again) = s
        .envelope(
            &root,
            json!({"command_id": command_id, "type": "CreateSubject", "payload": {"structure": UAI, "code": "SVT", "name": "SVT"}}),
        )
        .await;
    assert_eq!((status, again), (StatusCode::OK, first));
}

/// A client retrying while its first request is still in flight: every copy gets the one result.
async fn concurrent_copies_of_one_command_get_one_result(kind: &str) {
    let s = TestServer::start(kind).await;
    let root = s.root().await;
    s.ok(&root, "CreateStructure", json!({"uai": UAI, "name": "Collège", "kind": "college"})).await;
    let envelope = json!({"command_id": Uuid::new_v4(), "type": "CreateClass", "payload": {"structure": UAI, "code": "6A", "level": "6e"}});
    let before = events_count(&s, &root).await;
    let mut tasks = Vec::new();
    for _ in 0..8 {
        let (client, url, token, body) = (s.client.clone(), s.url("/api/v1/commands"), root.clone(), envelope.clone());
        tasks.push(tokio::spawn(async move {
            let resp = client.post(url).bearer_auth(token).json(&body).send().await.unwrap();
            (resp.status(), resp.json::<Value>().await.unwrap())
        }));
    }
    let mut bodies = Vec::new();
    for t in tasks {
        let (status, body) = t.await.unwrap();
        assert_eq!(status, StatusCode::OK, "{body}");
        bodies.push(body);
    }
    assert!(bodies.iter().all(|b| *b == bodies[0]), "{bodies:?}");
    assert_eq!(events_count(&s, &root).await, before + 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_copies_of_one_command_get_one_result_on_sqlite() {
    concurrent_copies_of_one_command_get_one_result("sqlite").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_copies_of_one_command_get_one_result_on_postgres() {
    concurrent_copies_of_one_command_get_one_result("postgres").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn idempotency_is_per_actor_and_request_on_sqlite() {
    idempotency_is_per_actor_and_request("sqlite").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn idempotency_is_per_actor_and_request_on_postgres() {
    idempotency_is_per_actor_and_request("postgres").await;
}

/// The classes of structure `uai`, folded from its stream in the database.
async fn classes_in_store(s: &TestServer, uai: &str) -> usize {
    let backend = s.db.open().await;
    let loaded = ent_commands::context::load::<StructureState>(backend.events.as_ref(), StructureState::stream(uai)).await.expect("load");
    loaded.state.classes.len()
}

/// 32 clients × 40 `CreateClass` on one structure, without `expected_version`, spread over the
/// given servers: every command succeeds, and the structure then has every class.
async fn hot_structure(s: &TestServer, extra: &[&App]) {
    let root = s.root().await;
    s.ok(&root, "CreateStructure", json!({"uai": UAI, "name": "Collège", "kind": "college"})).await;
    let mut urls = vec![s.app.url()];
    urls.extend(extra.iter().map(|a| a.url()));
    let run = create_classes_concurrently(&urls, &root, UAI, 32, 40).await;
    assert_eq!((run.successes, run.failed()), (1280, 0), "failures: {:?}", run.failures);
    assert_eq!(classes_in_store(s, UAI).await, 1280);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn hot_structure_never_conflicts_on_sqlite() {
    let s = TestServer::start("sqlite").await;
    hot_structure(&s, &[]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn hot_structure_never_conflicts_on_postgres() {
    let s = TestServer::start("postgres").await;
    hot_structure(&s, &[]).await;
}

/// Two server processes (two `App`s on one PostgreSQL database): the per-stream lock of each
/// process does not see the other's writers; the bounded retries absorb those conflicts.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn hot_structure_never_conflicts_across_two_servers_on_postgres() {
    let s = TestServer::start("postgres").await;
    let second = App::build(s.config.clone()).await.expect("second server");
    hot_structure(&s, &[&second]).await;
    second.shutdown().await;
}

/// Creating commands return the ids they created, accept a client-chosen id, and refuse a
/// client-chosen id already in use with a 422 naming the field.
async fn ids_on_creation(kind: &str) {
    let s = TestServer::start(kind).await;
    let root = s.root().await;
    s.ok(&root, "CreateStructure", json!({"uai": UAI, "name": "Collège", "kind": "college"})).await;

    // A generated id is returned, and it is the one in the event.
    let r = s.ok(&root, "CreateClass", json!({"structure": UAI, "code": "6A", "level": "6e"})).await;
    let generated = Uuid::parse_str(r["created"]["class_id"].as_str().expect("created.class_id")).unwrap();
    assert_eq!(generated, s.entity_id(&root, &r, "class_id").await);

    // A client-chosen id is used, returned, and returned again on replay.
    let chosen = Uuid::new_v4();
    let envelope = json!({"command_id": Uuid::new_v4(), "type": "CreateClass", "payload": {"structure": UAI, "code": "6B", "level": "6e", "class_id": chosen}});
    let (status, r) = s.envelope(&root, envelope.clone()).await;
    assert_eq!(status, StatusCode::OK, "{r}");
    assert_eq!(r["created"], json!({"class_id": chosen}));
    assert_eq!(s.entity_id(&root, &r, "class_id").await, chosen);
    assert_eq!(s.envelope(&root, envelope).await.1["created"], json!({"class_id": chosen}));

    // The same id again (another command), or a group taking a class's id: 422 naming the field.
    for (command_type, payload, field) in [
        ("CreateClass", json!({"structure": UAI, "code": "6C", "level": "6e", "class_id": chosen}), "class_id"),
        ("CreateGroup", json!({"structure": UAI, "code": "G1", "name": "Latin", "members": [], "group_id": generated}), "group_id"),
    ] {
        let (status, body) = s.command(&root, command_type, payload).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(fields(&body), [field]);
    }

    // Users: the id of their own stream.
    let user_id = Uuid::new_v4();
    let user = json!({"structure": UAI, "profile": "enseignant", "first_name": "Sophie", "last_name": "Bernard", "user_id": user_id});
    let r = s.ok(&root, "CreateUser", user.clone()).await;
    assert_eq!(r["created"], json!({"user_id": user_id}));
    assert_eq!(TestServer::created_id(&r), user_id);
    let (status, body) = s.command(&root, "CreateUser", user).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(fields(&body), ["user_id"]);

    // A command that creates nothing carries no `created`.
    let r = s.ok(&root, "DeactivateUser", json!({"user": user_id, "reason": "départ"})).await;
    assert!(r.get("created").is_none(), "{r}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn ids_on_creation_on_sqlite() {
    ids_on_creation("sqlite").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn ids_on_creation_on_postgres() {
    ids_on_creation("postgres").await;
}
