//! End-to-end: news (actualités) through HTTP — the audience, the window that opens and closes
//! with time alone (no event), pinned items first, withdrawal, sanitised bodies — on both
//! backends.

use std::time::Duration;

use chrono::{DateTime, SecondsFormat, Utc};
use ent_tests::school::School;
use ent_tests::server::TestServer;
use reqwest::StatusCode;
use serde_json::{Value, json};

fn ts(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

fn titles(feed: &Value) -> Vec<String> {
    feed.as_array().map(|f| f.iter().map(|n| n["title"].as_str().unwrap_or_default().to_string()).collect()).unwrap_or_default()
}

async fn feed(s: &TestServer, token: &str, at: Option<DateTime<Utc>>, p: Option<u64>) -> (StatusCode, Vec<String>) {
    let path = match at {
        Some(at) => format!("/api/v1/news/feed?at={}", ts(at).replace('+', "%2B")),
        None => "/api/v1/news/feed".to_string(),
    };
    let (status, body) = s.get(Some(token), &path, p).await;
    (status, titles(&body))
}

/// The types of the events appended after `position`.
async fn events_after(s: &TestServer, root: &str, position: u64) -> Vec<String> {
    let (status, events) = s.get(Some(root), &format!("/api/v1/events?after={position}&limit=1000"), None).await;
    assert_eq!(status, StatusCode::OK, "{events}");
    events.as_array().map(|e| e.iter().map(|e| e["type"].as_str().unwrap_or_default().to_string()).collect()).unwrap_or_default()
}

async fn news_flow(kind: &str) {
    let s = TestServer::start(kind).await;
    let sc = School::create(&s).await;
    let now = Utc::now();
    let hour = chrono::Duration::hours(1);
    let news = |title: &str, audience: Value, from: DateTime<Utc>, until: Option<DateTime<Utc>>, pinned: bool| {
        json!({"structure": sc.uai, "title": title, "body": "<p>Bienvenue</p>", "audience": audience,
            "publish_from": ts(from), "publish_until": until.map(ts), "pinned": pinned})
    };

    // Staff publish; a teacher does not.
    let (status, _) = s.command(&sc.teacher, "PublishNews", news("x", json!({"kind": "structure"}), now, None, false)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, body) = s.command(&sc.head, "PublishNews", news("x", json!({"kind": "structure"}), now, Some(now - hour), false)).await;
    assert_eq!((status, body["errors"][0]["field"].clone()), (StatusCode::UNPROCESSABLE_ENTITY, json!("publish_until")));
    s.ok(&sc.head, "PublishNews", news("Portes ouvertes", json!({"kind": "structure"}), now + hour, Some(now + hour * 2), false)).await;
    s.ok(&sc.head, "PublishNews", news("Sortie 6B", json!({"kind": "classes", "classes": [sc.class_b]}), now - hour, None, false)).await;
    s.ok(&sc.head, "PublishNews", news("Cantine", json!({"kind": "structure"}), now - hour * 2, None, false)).await;
    let mut parents_only = news("Réunion parents 6A", json!({"kind": "classes", "classes": [sc.class_a]}), now - hour, None, false);
    parents_only["profiles"] = json!(["parent"]);
    s.ok(&sc.head, "PublishNews", parents_only).await;
    let mut dirty = news("Rentrée", json!({"kind": "structure"}), now - hour * 3, None, true);
    dirty["body"] =
        json!("<p>Bonne rentrée<script>alert(1)</script><img src=x onerror=\"alert(1)\"><a href=\"javascript:alert(1)\">lien</a></p>");
    let r = s.ok(&sc.head, "PublishNews", dirty).await;
    let pinned = TestServer::created_id(&r);
    let p = r["position"].as_u64();

    // The pupil's feed: their audience inside its window, pinned first.
    let (status, items) = feed(&s, &sc.pupil_a1_token, None, p).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(items, ["Rentrée", "Cantine"]);
    let (_, items) = feed(&s, &sc.parent, None, p).await;
    assert_eq!(items, ["Rentrée", "Réunion parents 6A", "Cantine"]);
    let (status, item) = s.get(Some(&sc.pupil_a1_token), &format!("/api/v1/news/items/{pinned}"), p).await;
    assert_eq!(status, StatusCode::OK, "{item}");
    let body = item["body"].as_str().unwrap_or_default().to_lowercase();
    assert!(!body.contains("script") && !body.contains("onerror") && !body.contains("javascript:"), "{body}");
    assert_eq!(item["author_name"], "Claire Proviseur");

    // The staff read the feed at another time: the window of "Portes ouvertes" holds only then.
    let (_, items) = feed(&s, &sc.head, Some(now + hour + hour / 2), p).await;
    assert_eq!(items, ["Rentrée", "Portes ouvertes", "Cantine"]);
    let (_, items) = feed(&s, &sc.head, Some(now + hour * 3), p).await;
    assert_eq!(items, ["Rentrée", "Cantine"]);
    let (_, items) = feed(&s, &sc.head, Some(now - chrono::Duration::minutes(150)), p).await;
    assert_eq!(items, ["Rentrée"]);
    let (status, _) = feed(&s, &sc.pupil_a1_token, Some(now + hour + hour / 2), p).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "only the staff read the feed at another time");
    let (status, _) = s.get(Some(&sc.head), "/api/v1/news/feed?at=demain", p).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    // Withdrawn: out of every feed; not found for readers, listed for the staff.
    let r = s.ok(&sc.head, "WithdrawNews", json!({"news": pinned, "reason": "erreur"})).await;
    let p = r["position"].as_u64();
    let (_, items) = feed(&s, &sc.pupil_a1_token, None, p).await;
    assert_eq!(items, ["Cantine"]);
    let (status, _) = s.get(Some(&sc.pupil_a1_token), &format!("/api/v1/news/items/{pinned}"), p).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, all) = s.get(Some(&sc.head), &format!("/api/v1/structures/{}/news", sc.uai), p).await;
    assert_eq!((status, all.as_array().map(Vec::len)), (StatusCode::OK, Some(5)));
    let (status, _) = s.get(Some(&sc.teacher), &format!("/api/v1/structures/{}/news", sc.uai), p).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // Time alone: an item appears at `publish_from` and leaves at `publish_until`, while the log
    // does not move.
    let from = Utc::now() + chrono::Duration::seconds(4);
    let until = from + chrono::Duration::seconds(3);
    let r = s.ok(&sc.head, "PublishNews", news("Flash", json!({"kind": "structure"}), from, Some(until), false)).await;
    let p = r["position"].as_u64();
    let (_, items) = feed(&s, &sc.pupil_a1_token, None, p).await;
    if Utc::now() < from {
        assert!(!items.contains(&"Flash".to_string()), "not before its window");
    }
    let deadline = until + chrono::Duration::seconds(20);
    let mut seen_at = None;
    loop {
        let asked = Utc::now();
        let (_, items) = feed(&s, &sc.pupil_a1_token, None, None).await;
        let shown = items.contains(&"Flash".to_string());
        match (shown, seen_at) {
            (true, None) => {
                assert!(asked + chrono::Duration::milliseconds(500) >= from, "shown before its window");
                seen_at = Some(asked);
            }
            (false, Some(_)) => {
                assert!(Utc::now() >= until, "gone before the end of its window");
                break;
            }
            _ => {}
        }
        assert!(Utc::now() < deadline, "the item did not come and go with time (seen at {seen_at:?})");
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    assert!(seen_at.is_some(), "the item appeared");
    let after = events_after(&s, &sc.root, p.unwrap_or_default()).await;
    assert!(!after.iter().any(|t| t.starts_with("News")), "no news event was appended meanwhile: {after:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn news_window_on_sqlite() {
    news_flow("sqlite").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn news_window_on_postgres() {
    news_flow("postgres").await;
}
