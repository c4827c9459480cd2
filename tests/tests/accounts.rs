//! End-to-end: accounts. The password policy wherever a password is set, `ChangePassword`.

use ent_tests::school::UAI;
use ent_tests::server::{TestServer, USER_PASSWORD};
use reqwest::StatusCode;
use serde_json::{Value, json};

/// The fields a problem names, with the message of the first.
fn field_and_message(body: &Value) -> (String, String) {
    let error = &body["errors"][0];
    (error["field"].as_str().unwrap_or_default().to_string(), error["message"].as_str().unwrap_or_default().to_string())
}

/// The types of the events of one stream, read through the audit API.
async fn stream_types(s: &TestServer, root: &str, stream: &str) -> Vec<String> {
    let (status, events) = s.get(Some(root), &format!("/api/v1/streams/{stream}"), None).await;
    assert_eq!(status, StatusCode::OK, "{events}");
    events.as_array().expect("events").iter().map(|e| e["type"].as_str().expect("type").to_string()).collect()
}

async fn password_policy_and_change(kind: &str) {
    let s = TestServer::start(kind).await;
    let root = s.root().await;
    s.ok(&root, "CreateStructure", json!({"uai": UAI, "name": "Collège", "kind": "college"})).await;

    // CreateUser: each rule answers 422 naming `password` with the reason.
    let create = |password: &str| json!({"structure": UAI, "profile": "enseignant", "first_name": "Élodie", "last_name": "Lefèvre", "password": password});
    for (password, reason) in [
        ("Court-1", "too short"),
        ("elodie-2026-maths", "must not contain the first or last name"),
        ("LEFEVRE-maths-2026", "must not contain the first or last name"),
        ("xx-elodie.lefevre-1", "must not contain the login"),
        ("Azertyuiop123", "too common"),
    ] {
        let (status, body) = s.command(&root, "CreateUser", create(password)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{password}: {body}");
        let (field, message) = field_and_message(&body);
        assert_eq!(field, "password", "{body}");
        assert!(message.starts_with(reason), "{password}: {message}");
    }
    // A passphrase is accepted.
    s.ok(&root, "CreateUser", create("cheval agrafe pile correcte")).await;
    s.login("elodie.lefevre", "cheval agrafe pile correcte").await;

    // CreateRectoratUser applies the same policy.
    let (status, body) = s
        .command(
            &root,
            "CreateRectoratUser",
            json!({"first_name": "Inès", "last_name": "Garnier", "login": "ines.garnier", "password": "INES-garnier-99"}),
        )
        .await;
    assert_eq!((status, field_and_message(&body).0.as_str()), (StatusCode::UNPROCESSABLE_ENTITY, "password"), "{body}");

    // ChangePassword: the current one must be proven, the new one follows the policy.
    let (id, login, _) = s.user(&root, UAI, "enseignant", None, "Marc", "Petit").await;
    let token = s.login(&login, USER_PASSWORD).await;
    let change = |current: &str, new: &str| json!({"current": current, "new": new});
    let (status, body) = s.command(&token, "ChangePassword", change("not-my-password-1", "Trois-pommes-vertes")).await;
    assert_eq!((status, field_and_message(&body).0.as_str()), (StatusCode::UNPROCESSABLE_ENTITY, "current"), "{body}");
    for (new, reason) in
        [("court", "too short"), ("marc-petit-2026", "must not contain the first or last name"), ("Motdepasse2026", "too common")]
    {
        let (status, body) = s.command(&token, "ChangePassword", change(USER_PASSWORD, new)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{new}: {body}");
        let (field, message) = field_and_message(&body);
        assert_eq!(field, "new", "{body}");
        assert!(message.starts_with(reason), "{new}: {message}");
    }
    s.ok(&token, "ChangePassword", change(USER_PASSWORD, "Trois-pommes-vertes")).await;
    let (status, _) = s.post_json(None, "/api/v1/auth/login", &json!({"login": login, "password": USER_PASSWORD})).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "the old password no longer works");
    s.login(&login, "Trois-pommes-vertes").await;
    assert_eq!(stream_types(&s, &root, &format!("{UAI}/user/{id}")).await, ["UserCreated", "PasswordSet", "PasswordSet"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn password_policy_and_change_on_sqlite() {
    password_policy_and_change("sqlite").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn password_policy_and_change_on_postgres() {
    password_policy_and_change("postgres").await;
}
