//! End-to-end: accounts. The password policy wherever a password is set, `ChangePassword`;
//! failed logins slowed down then locked, `UnlockAccount`, an unknown login answered like a wrong
//! password; logout and `RevokeSessions` closing sessions at once.

use ent_tests::school::UAI;
use ent_tests::server::{TestServer, USER_PASSWORD};
use reqwest::StatusCode;
use std::time::Duration;

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
    assert_eq!(
        stream_types(&s, &root, &format!("{UAI}/user/{id}")).await,
        ["UserCreated", "PasswordSet", "PasswordSet", "LoginFailed", "LoginSucceeded"]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn password_policy_and_change_on_sqlite() {
    password_policy_and_change("sqlite").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn password_policy_and_change_on_postgres() {
    password_policy_and_change("postgres").await;
}

/// A login attempt: status, `Retry-After` (when present) and body.
async fn attempt(s: &TestServer, login: &str, password: &str) -> (StatusCode, Option<u64>, Value) {
    let response =
        s.client.post(s.url("/api/v1/auth/login")).json(&json!({"login": login, "password": password})).send().await.expect("request");
    let status = response.status();
    let retry_after = response.headers().get("retry-after").and_then(|v| v.to_str().ok()).and_then(|v| v.parse().ok());
    let body = response.json().await.expect("problem body");
    (status, retry_after, body)
}

/// Waits out the test configuration's delay (300 ms), then fails once.
async fn fail_after_delay(s: &TestServer, login: &str) -> (StatusCode, Value) {
    tokio::time::sleep(Duration::from_millis(350)).await;
    let (status, _, body) = attempt(s, login, "not-the-password-1").await;
    (status, body)
}

async fn failed_logins_are_slowed_down_then_locked(kind: &str) {
    let s = TestServer::start(kind).await;
    let root = s.root().await;
    s.ok(&root, "CreateStructure", json!({"uai": UAI, "name": "Collège", "kind": "college"})).await;
    let (teacher_id, login, _) = s.user(&root, UAI, "enseignant", None, "Marc", "Petit").await;
    let (adml_id, adml_login, _) = s.user(&root, UAI, "personnel", Some("administratif"), "Nadia", "Benali").await;
    s.ok(&root, "GrantAdmin", json!({"user": adml_id, "structure": UAI})).await;
    let (_, colleague_login, _) = s.user(&root, UAI, "enseignant", None, "Paul", "Durand").await;
    let adml = s.login(&adml_login, USER_PASSWORD).await;
    let colleague = s.login(&colleague_login, USER_PASSWORD).await;

    // An unknown login answers exactly like a wrong password.
    let unknown = attempt(&s, "nobody.here", "not-the-password-1").await;
    let wrong = attempt(&s, &login, "not-the-password-1").await;
    assert_eq!(unknown.0, StatusCode::UNAUTHORIZED);
    assert_eq!(unknown, wrong);

    // Five failures are free; the next attempt, even with the right password, waits.
    for _ in 0..4 {
        assert_eq!(attempt(&s, &login, "not-the-password-1").await.0, StatusCode::UNAUTHORIZED);
    }
    let (status, retry_after, body) = attempt(&s, &login, USER_PASSWORD).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
    assert_eq!(retry_after, Some(1), "the test delay (300 ms) rounds up to a second");
    assert_eq!(body["title"], "Too many attempts");
    // Another account is not slowed down.
    s.login(&adml_login, USER_PASSWORD).await;

    // After the delay the password is checked again; the 20th failure locks the account.
    for n in 6..20 {
        assert_eq!(fail_after_delay(&s, &login).await.0, StatusCode::UNAUTHORIZED, "failure {n}");
    }
    let (status, body) = fail_after_delay(&s, &login).await;
    assert_eq!((status, body["title"].as_str()), (StatusCode::FORBIDDEN, Some("Account locked")), "{body}");
    tokio::time::sleep(Duration::from_millis(350)).await;
    let (status, _, body) = attempt(&s, &login, USER_PASSWORD).await;
    assert_eq!((status, body["title"].as_str()), (StatusCode::FORBIDDEN, Some("Account locked")), "even the right password: {body}");
    assert!(body["detail"].as_str().unwrap_or_default().contains("administrator can unlock"), "{body}");

    // A colleague may not unlock it; the structure's ADML may, and the password works again.
    let (status, body) = s.command(&colleague, "UnlockAccount", json!({"user": teacher_id})).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    s.ok(&adml, "UnlockAccount", json!({"user": teacher_id})).await;
    let (status, body) = s.command(&adml, "UnlockAccount", json!({"user": teacher_id})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "not locked any more: {body}");
    s.login(&login, USER_PASSWORD).await;

    // A success after a failure ends the run, and says so in the log.
    assert_eq!(attempt(&s, &login, "not-the-password-1").await.0, StatusCode::UNAUTHORIZED);
    s.login(&login, USER_PASSWORD).await;

    let types = stream_types(&s, &root, &format!("{UAI}/user/{teacher_id}")).await;
    let count = |t: &str| types.iter().filter(|x| *x == t).count();
    assert_eq!(
        (count("LoginFailed"), count("AccountLocked"), count("AccountUnlocked"), count("LoginSucceeded")),
        (21, 1, 1, 1),
        "{types:?}"
    );
    let (_, events) = s.get(Some(&root), &format!("/api/v1/streams/{UAI}/user/{teacher_id}"), None).await;
    let locked = events.as_array().unwrap().iter().find(|e| e["type"] == "AccountLocked").expect("AccountLocked");
    assert_eq!((locked["actor"].as_str(), locked["payload"]["failures"].as_u64()), (Some("system"), Some(20)));

    let (_, metrics) = s.get(None, "/metrics", None).await;
    let metrics = metrics.as_str().expect("text").to_string();
    for line in [
        "ent_account_lockouts_total 1",
        "ent_login_attempts_total{outcome=\"throttled_account\"} 1",
        "ent_login_attempts_total{outcome=\"locked\"} 1",
        "ent_login_attempts_total{outcome=\"failed\"} 22",
    ] {
        assert!(metrics.contains(line), "{line} missing in {metrics}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn failed_logins_are_slowed_down_then_locked_on_sqlite() {
    failed_logins_are_slowed_down_then_locked("sqlite").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn failed_logins_are_slowed_down_then_locked_on_postgres() {
    failed_logins_are_slowed_down_then_locked("postgres").await;
}

async fn sessions_are_closed_at_once(kind: &str) {
    let s = TestServer::start(kind).await;
    let root = s.root().await;
    s.ok(&root, "CreateStructure", json!({"uai": UAI, "name": "Collège", "kind": "college"})).await;
    let (teacher_id, login, _) = s.user(&root, UAI, "enseignant", None, "Marc", "Petit").await;
    let (adml_id, adml_login, _) = s.user(&root, UAI, "personnel", Some("administratif"), "Nadia", "Benali").await;
    s.ok(&root, "GrantAdmin", json!({"user": adml_id, "structure": UAI})).await;
    let adml = s.login(&adml_login, USER_PASSWORD).await;
    let me = |token: String| {
        let s = &s;
        async move { s.get(Some(&token), "/api/v1/me", None).await.0 }
    };

    // A logout closes its own session at once, and only it.
    let (laptop, phone) = (s.login(&login, USER_PASSWORD).await, s.login(&login, USER_PASSWORD).await);
    let (status, body) = s.post_json(Some(&laptop), "/api/v1/auth/logout", &json!({})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body["session_id"].is_string(), "{body}");
    assert_eq!(me(laptop.clone()).await, StatusCode::UNAUTHORIZED);
    let (status, body) = s.post_json(Some(&laptop), "/api/v1/auth/logout", &json!({})).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
    assert!(body["detail"].as_str().unwrap_or_default().contains("session was closed"), "{body}");
    assert_eq!(me(phone.clone()).await, StatusCode::OK);

    // RevokeSessions: an ADML (not the user's colleague) closes every session; a new login works.
    let tablet = s.login(&login, USER_PASSWORD).await;
    let (status, _) = s.command(&phone, "RevokeSessions", json!({"user": adml_id})).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    s.ok(&adml, "RevokeSessions", json!({"user": teacher_id})).await;
    assert_eq!(me(phone).await, StatusCode::UNAUTHORIZED);
    assert_eq!(me(tablet).await, StatusCode::UNAUTHORIZED);
    assert_eq!(me(adml.clone()).await, StatusCode::OK, "other users keep their sessions");
    let fresh = s.login(&login, USER_PASSWORD).await;
    assert_eq!(me(fresh).await, StatusCode::OK, "a login after the revocation opens a valid session");

    let types = stream_types(&s, &root, &format!("{UAI}/user/{teacher_id}")).await;
    assert!(types.ends_with(&["SessionRevoked".to_string(), "SessionsRevoked".to_string()]), "{types:?}");
    let (_, metrics) = s.get(None, "/metrics", None).await;
    assert!(metrics.as_str().unwrap_or_default().contains("ent_logouts_total 1"), "{metrics}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sessions_are_closed_at_once_on_sqlite() {
    sessions_are_closed_at_once("sqlite").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sessions_are_closed_at_once_on_postgres() {
    sessions_are_closed_at_once("postgres").await;
}
