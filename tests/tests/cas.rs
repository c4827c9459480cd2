//! End to end: the CAS 3.0 single sign-on, driven by an independent client library (PyPI
//! `python-cas`, in the virtual environment `scripts/test` prepares: `tests/cas/cas_e2e.py`). A
//! real login through the form, ticket validation with the attributes released, a replayed
//! ticket, a ticket for another service, a service not registered, `gateway`, `renew`, the JSON
//! format, an expired ticket, logout with single logout; and on PostgreSQL a ticket issued by one
//! server validated on a second one, once. Then the log: what the single sign-on appended. Also:
//! `RevokeSessions` ends the single sign-on session, the form refuses a missing anti-forgery
//! cookie and is throttled like the API login, and the ticket store hands a ticket out once under
//! concurrent validations.

use std::process::Command;

use ent_api::App;
use ent_tests::school::UAI;
use ent_tests::server::{TestServer, USER_PASSWORD};
use reqwest::StatusCode;
use serde_json::{Value, json};

/// The Python of the virtual environment with python-cas (`ENT_VENV`, default /var/tmp/ent-venv).
fn python() -> String {
    let venv = std::env::var("ENT_VENV").unwrap_or_else(|_| "/var/tmp/ent-venv".into());
    let python = format!("{venv}/bin/python");
    let probe = Command::new(&python).args(["-c", "import cas, requests"]).status();
    assert!(
        probe.is_ok_and(|s| s.success()),
        "{python} cannot import python-cas: run scripts/test (it installs the pinned python-cas into {venv})"
    );
    python
}

/// `/cas/login?service=…`.
fn login_url(s: &TestServer, service: &str) -> String {
    s.url(&format!("/cas/login?{}", serde_urlencoded::to_string([("service", service)]).expect("query")))
}

async fn stream_types(s: &TestServer, root: &str, stream: &str) -> Vec<String> {
    let (status, events) = s.get(Some(root), &format!("/api/v1/streams/{stream}"), None).await;
    assert_eq!(status, StatusCode::OK, "{events}");
    events.as_array().expect("events").iter().map(|e| e["type"].as_str().expect("type").to_string()).collect()
}

async fn single_sign_on_with_a_third_party_client(kind: &str) {
    let s = TestServer::start(kind).await;
    let root = s.root().await;
    s.ok(&root, "CreateStructure", json!({"uai": UAI, "name": "Collège", "kind": "college"})).await;
    let class = s.ok(&root, "CreateClass", json!({"structure": UAI, "code": "4B", "level": "4e"})).await;
    let class_id = s.entity_id(&root, &class, "class_id").await;
    let (pupil, login, _) = s.user(&root, UAI, "eleve", None, "Léa", "Martin").await;
    let enrolled = s.ok(&root, "EnrolPupil", json!({"pupil": pupil, "class": class_id, "since": "2026-09-01"})).await;
    let (status, card) = s.get(Some(&root), &format!("/api/v1/users/{pupil}"), enrolled["position"].as_u64()).await;
    assert_eq!((status, card["class"]["code"].as_str()), (StatusCode::OK, Some("4B")), "{card}");

    // On PostgreSQL a second server on the same database (same master key).
    let other: Option<App> = if kind == "postgres" { Some(App::build(s.config.clone()).await.expect("second server")) } else { None };
    let other_url = other.as_ref().map_or_else(|| s.app.url(), |o| o.url());
    let config = json!({
        "base": s.app.url(),
        "other": other_url,
        "root": root,
        "login": login,
        "password": USER_PASSWORD,
        "attributes": {"login": login, "profile": "eleve", "structure": UAI, "classes": "4B"},
    });
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/cas/cas_e2e.py");
    let python = python();
    // Bounded: the script sleeps 11 s once (an expired ticket) and otherwise waits on the servers.
    let run = tokio::process::Command::new(python).arg(script).arg(config.to_string()).kill_on_drop(true).output();
    let output = tokio::time::timeout(std::time::Duration::from_secs(180), run)
        .await
        .expect("the CAS client script finishes within 3 minutes")
        .expect("run the CAS client script");
    let (stdout, stderr) = (String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    assert!(output.status.success(), "the CAS client script failed:\n{stdout}\n{stderr}");
    let observed: Value = serde_json::from_str(stdout.trim()).expect("the script's summary");
    assert_eq!(observed["user"], login.as_str());
    assert_eq!(observed["attributes"]["classes"], "4B");
    assert_eq!(observed["other_server"], kind == "postgres");
    assert!(observed["logouts"].as_u64().is_some_and(|n| n >= 1), "{observed}");

    // The log: the registrations, each validation in the pupil's stream (the access audit trail;
    // the three that validated: the first ticket, the JSON one, the one validated on the other
    // server), and the single sign-on session revoked by the logout.
    let types = stream_types(&s, &root, &format!("{UAI}/user/{pupil}")).await;
    assert_eq!(types.iter().filter(|t| *t == "CasTicketValidated").count(), 3, "{types:?}");
    assert_eq!(types.iter().filter(|t| *t == "SessionRevoked").count(), 1, "{types:?}");
    assert_eq!(types.iter().filter(|t| *t == "LoginFailed").count(), 1, "the wrong password went through the login path: {types:?}");
    let (status, services) = s.get(Some(&root), "/api/v1/admin/cas-services", None).await;
    assert_eq!(status, StatusCode::OK);
    let services = services.as_array().expect("registrations").clone();
    assert_eq!(services.len(), 2);

    // Unregistered: no more tickets for it.
    let app = services.iter().find(|r| r["attributes"].as_array().is_some_and(|a| !a.is_empty())).expect("the application");
    let pattern = app["url_pattern"].as_str().expect("pattern").to_string();
    let done = s.ok(&root, "UnregisterCasService", json!({"service_id": app["service_id"]})).await;
    let (_, services) = s.get(Some(&root), "/api/v1/admin/cas-services", done["position"].as_u64()).await;
    assert_eq!(services.as_array().map(Vec::len), Some(1));
    let resp = s.client.get(login_url(&s, &format!("{pattern}/callback"))).send().await.expect("login page");
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);
    // A second unregistration is refused, and appends nothing.
    let (status, _) = s.command(&root, "UnregisterCasService", json!({"service_id": app["service_id"]})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    // Only a platform administrator registers services.
    let token = s.login_user(&login).await;
    let (status, _) = s.command(&token, "RegisterCasService", json!({"name": "x", "url_pattern": "https://x.example/"})).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, body) = s.command(&root, "RegisterCasService", json!({"name": "x", "url_pattern": "x.example"})).await;
    assert_eq!((status, body["errors"][0]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("url_pattern")), "{body}");
    if let Some(other) = other {
        other.shutdown().await;
    }
}

#[tokio::test]
async fn single_sign_on_with_a_third_party_client_sqlite() {
    single_sign_on_with_a_third_party_client("sqlite").await;
}

#[tokio::test]
async fn single_sign_on_with_a_third_party_client_postgres() {
    single_sign_on_with_a_third_party_client("postgres").await;
}

/// A revocation of the user's sessions (`RevokeSessions`) ends the single sign-on session too:
/// the cookie no longer gives tickets.
async fn revoking_sessions_ends_the_single_sign_on(kind: &str) {
    let s = TestServer::start(kind).await;
    let root = s.root().await;
    s.ok(&root, "CreateStructure", json!({"uai": UAI, "name": "Collège", "kind": "college"})).await;
    let (pupil, login, _) = s.user(&root, UAI, "eleve", None, "Léa", "Martin").await;
    let r = s.ok(&root, "RegisterCasService", json!({"name": "App", "url_pattern": "http://127.0.0.1:9/app"})).await;
    s.get(Some(&root), "/api/v1/admin/cas-services", r["position"].as_u64()).await;
    let service = "http://127.0.0.1:9/app/cb";
    let browser = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("client");
    let form = browser.get(login_url(&s, service)).send().await.expect("form");
    let cookie =
        form.headers().get("set-cookie").and_then(|v| v.to_str().ok()).expect("form cookie").split(';').next().expect("pair").to_string();
    let page = form.text().await.expect("page");
    let lt = page.split("name=\"lt\" value=\"").nth(1).and_then(|r| r.split('"').next()).expect("lt").to_string();
    // Without the form's cookie the submission is refused (anti-forgery).
    let forged = browser
        .post(s.url("/cas/login"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(
            serde_urlencoded::to_string([
                ("username", login.as_str()),
                ("password", USER_PASSWORD),
                ("lt", lt.as_str()),
                ("service", service),
            ])
            .expect("form"),
        )
        .send()
        .await
        .expect("post");
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);
    let answer = browser
        .post(s.url("/cas/login"))
        .header("cookie", &cookie)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(
            serde_urlencoded::to_string([
                ("username", login.as_str()),
                ("password", USER_PASSWORD),
                ("lt", lt.as_str()),
                ("service", service),
            ])
            .expect("form"),
        )
        .send()
        .await
        .expect("post");
    assert_eq!(answer.status(), StatusCode::SEE_OTHER);
    let session = answer
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("ent_cas_tgc="))
        .and_then(|c| c.split(';').next())
        .expect("session cookie")
        .to_string();
    let sso = browser.get(login_url(&s, service)).header("cookie", &session).send().await.expect("sso");
    assert_eq!(sso.status(), StatusCode::FOUND, "the session gives tickets");
    s.ok(&root, "RevokeSessions", json!({"user": pupil})).await;
    let sso = browser.get(login_url(&s, service)).header("cookie", &session).send().await.expect("sso");
    assert_eq!(sso.status(), StatusCode::OK, "the form again: the session was revoked");
}

#[tokio::test]
async fn revoking_sessions_ends_the_single_sign_on_sqlite() {
    revoking_sessions_ends_the_single_sign_on("sqlite").await;
}

#[tokio::test]
async fn revoking_sessions_ends_the_single_sign_on_postgres() {
    revoking_sessions_ends_the_single_sign_on("postgres").await;
}

/// The ticket store: of many concurrent validations of one ticket — on PostgreSQL through two
/// backends (two servers' pools) — exactly one gets it; the session's single logout list is
/// handed out once; tickets issued long ago are dropped at the next issue.
async fn a_ticket_is_consumed_exactly_once(kind: &str) {
    use ent_commands::cas::{PendingTicket, SloEntry, ticket_hash};
    let db = ent_tests::TestDb::of_kind(kind).await;
    let (one, two) = (db.open().await, db.open().await);
    let now = chrono::Utc::now();
    let pending = |issued_at| PendingTicket {
        service: "https://a.example/cb".into(),
        service_id: uuid::Uuid::new_v4(),
        user_id: uuid::Uuid::new_v4(),
        session_id: uuid::Uuid::new_v4(),
        issued_at,
        from_credentials: true,
    };
    let ticket = pending(now);
    one.cas_tickets.issue(&ticket_hash("ST-1"), &ticket, now - chrono::Duration::minutes(1)).await.expect("issue");
    let attempts = (0..16).map(|i| {
        let store = if i % 2 == 0 { one.cas_tickets.clone() } else { two.cas_tickets.clone() };
        tokio::spawn(async move { store.consume(&ticket_hash("ST-1")).await.expect("consume") })
    });
    let got: Vec<_> = futures::future::join_all(attempts).await.into_iter().filter_map(|r| r.expect("join")).collect();
    assert_eq!(got.len(), 1, "exactly one validation gets the ticket");
    assert_eq!(got[0].service, ticket.service);
    assert_eq!(got[0].issued_at.timestamp_micros(), ticket.issued_at.timestamp_micros());
    assert!(got[0].from_credentials);

    // Old tickets are dropped when the next one is issued.
    one.cas_tickets
        .issue(&ticket_hash("ST-old"), &pending(now - chrono::Duration::hours(1)), now - chrono::Duration::hours(2))
        .await
        .expect("issue");
    two.cas_tickets.issue(&ticket_hash("ST-new"), &pending(now), now - chrono::Duration::minutes(1)).await.expect("issue");
    assert!(one.cas_tickets.consume(&ticket_hash("ST-old")).await.expect("consume").is_none(), "dropped");
    assert!(one.cas_tickets.consume(&ticket_hash("ST-new")).await.expect("consume").is_some());

    // Single logout: what a session validated, handed out once.
    let session = uuid::Uuid::new_v4();
    let entry = SloEntry { service: "https://a.example/cb".into(), service_id: uuid::Uuid::new_v4(), ticket: "ST-2".into() };
    one.cas_tickets.remember(session, &entry).await.expect("remember");
    two.cas_tickets.remember(session, &entry).await.expect("remembered once");
    assert_eq!(two.cas_tickets.forget_session(session).await.expect("forget"), vec![entry]);
    assert!(one.cas_tickets.forget_session(session).await.expect("forget").is_empty());
}

#[tokio::test]
async fn a_ticket_is_consumed_exactly_once_sqlite() {
    a_ticket_is_consumed_exactly_once("sqlite").await;
}

#[tokio::test]
async fn a_ticket_is_consumed_exactly_once_postgres() {
    a_ticket_is_consumed_exactly_once("postgres").await;
}

/// The form takes the login path of `POST /api/v1/auth/login`: failures through it count for the
/// account, and past the free ones both answer 429 with `Retry-After` — the form as a page.
async fn the_form_is_throttled_like_the_api_login(kind: &str) {
    let s = TestServer::start(kind).await;
    let root = s.root().await;
    s.ok(&root, "CreateStructure", json!({"uai": UAI, "name": "Collège", "kind": "college"})).await;
    let (_, login, _) = s.user(&root, UAI, "eleve", None, "Léa", "Martin").await;
    let browser = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("client");
    let attempt = || async {
        let form = browser.get(s.url("/cas/login")).send().await.expect("form");
        let cookie =
            form.headers().get("set-cookie").and_then(|v| v.to_str().ok()).and_then(|c| c.split(';').next()).expect("cookie").to_string();
        let page = form.text().await.expect("page");
        let lt = page.split("name=\"lt\" value=\"").nth(1).and_then(|r| r.split('"').next()).expect("lt").to_string();
        let body = serde_urlencoded::to_string([("username", login.as_str()), ("password", "not-the-password-1"), ("lt", lt.as_str())])
            .expect("form");
        browser
            .post(s.url("/cas/login"))
            .header("cookie", cookie)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
            .await
            .expect("post")
    };
    for _ in 0..5 {
        assert_eq!(attempt().await.status(), StatusCode::UNAUTHORIZED);
    }
    let throttled = attempt().await;
    assert_eq!(throttled.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(throttled.headers().contains_key("retry-after"));
    assert!(throttled.headers()["content-type"].to_str().is_ok_and(|c| c.starts_with("text/html")), "a page, not a problem");
    assert!(throttled.text().await.expect("page").contains("essais infructueux"));
    let (status, _) = s.post_json(None, "/api/v1/auth/login", &json!({"login": login, "password": USER_PASSWORD})).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "the same account throttle");
}

#[tokio::test]
async fn the_form_is_throttled_like_the_api_login_sqlite() {
    the_form_is_throttled_like_the_api_login("sqlite").await;
}

#[tokio::test]
async fn the_form_is_throttled_like_the_api_login_postgres() {
    the_form_is_throttled_like_the_api_login("postgres").await;
}
