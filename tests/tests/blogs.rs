//! End-to-end: blogs through HTTP — the workflow draft → submitted → published, moderated
//! comments, who reads what, sanitised bodies — on both backends.

use ent_tests::school::School;
use ent_tests::server::TestServer;
use reqwest::StatusCode;
use serde_json::{Value, json};

const DIRTY: &str = "<h2>Au musée</h2><p>Nous avons vu <em>La Joconde</em>.<script>document.location='https://evil.example'</script><img src=x onerror=\"alert(1)\"><a href=\"javascript:alert(1)\">photos</a></p>";

fn assert_clean(body: &Value) {
    let body = body.as_str().expect("body");
    for bad in ["<script", "onerror", "javascript:", "evil.example"] {
        assert!(!body.to_lowercase().contains(bad), "{bad} left in {body}");
    }
}

fn statuses(page: &Value) -> Vec<String> {
    page["posts"].as_array().map(|p| p.iter().map(|p| p["status"].as_str().unwrap_or_default().to_string()).collect()).unwrap_or_default()
}

async fn blog_workflow(kind: &str) {
    let s = TestServer::start(kind).await;
    let sc = School::create(&s).await;
    let (b1, b1_login, _) = s.user(&sc.root, &sc.uai, "eleve", None, "Jules", "Roux").await;
    s.ok(&sc.root, "EnrolPupil", json!({"pupil": b1, "class": sc.class_b, "since": "2026-09-01"})).await;
    let other = s.login_user(&b1_login).await;

    // The class blog: its teacher creates it, comments are moderated.
    let (status, _) =
        s.command(&sc.pupil_a1_token, "CreateBlog", json!({"owner": {"kind": "class", "class": sc.class_a}, "title": "x"})).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let r = s
        .ok(
            &sc.teacher,
            "CreateBlog",
            json!({"owner": {"kind": "class", "class": sc.class_a}, "title": "Le blog de la 6A", "moderated_comments": true}),
        )
        .await;
    let blog = TestServer::created_id(&r);

    // A pupil writes a draft: not published by them, not by a teacher before it is submitted.
    let r = s.ok(&sc.pupil_a1_token, "WriteBlogPost", json!({"blog": blog, "title": "Sortie au Louvre", "body": DIRTY})).await;
    let post = TestServer::created_id(&r);
    let (status, _) = s.command(&sc.pupil_a1_token, "PublishBlogPost", json!({"post": post})).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "pupils do not publish");
    let (status, _) = s.command(&sc.teacher, "PublishBlogPost", json!({"post": post})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "a pupil's draft is submitted first");
    let (status, _) = s.command(&other, "WriteBlogPost", json!({"blog": blog, "title": "x", "body": "y"})).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "a pupil of another class does not write here");
    let r = s.ok(&sc.pupil_a1_token, "EditBlogPost", json!({"post": post, "title": "Sortie au Louvre (jeudi)"})).await;
    let p = r["position"].as_u64();
    let (_, page) = s.get(Some(&sc.parent), &format!("/api/v1/blogs/{blog}"), p).await;
    assert_eq!(statuses(&page), Vec::<String>::new(), "a draft is its author's");
    let (_, page) = s.get(Some(&sc.pupil_a1_token), &format!("/api/v1/blogs/{blog}"), p).await;
    assert_eq!(statuses(&page), ["draft"]);
    assert_clean(&page["posts"][0]["body"]);
    assert_eq!(page["posts"][0]["title"], "Sortie au Louvre (jeudi)");

    // Submitted once, then published by the class's teacher, once.
    s.ok(&sc.pupil_a1_token, "SubmitBlogPost", json!({"post": post})).await;
    let (status, _) = s.command(&sc.pupil_a1_token, "SubmitBlogPost", json!({"post": post})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, _) = s.command(&sc.pupil_a1_token, "EditBlogPost", json!({"post": post, "title": "Autre"})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "a submitted post is not changed");
    let r = s.ok(&sc.teacher, "PublishBlogPost", json!({"post": post})).await;
    let (status, _) = s.command(&sc.head, "PublishBlogPost", json!({"post": post})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "published once");
    let p = r["position"].as_u64();

    // Readers: the class's pupils and parents; not another class's pupils (404 like an unknown id).
    let (status, page) = s.get(Some(&sc.parent), &format!("/api/v1/blogs/{blog}"), p).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert_eq!(statuses(&page), ["published"]);
    assert_eq!(page["blog"]["owner_name"], "6A");
    assert_eq!(page["posts"][0]["author_name"], "Léa Martin");
    assert_clean(&page["posts"][0]["body"]);
    let (status, _) = s.get(Some(&other), &format!("/api/v1/blogs/{blog}"), p).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = s.get(Some(&other), &format!("/api/v1/blog-posts/{post}"), p).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, listed) = s.get(Some(&other), "/api/v1/blogs", p).await;
    assert_eq!(listed, json!([]));

    // Comments: pending until a publisher approves them; sanitised.
    let r = s.ok(&sc.parent, "CommentBlogPost", json!({"post": post, "body": "<p>Bravo !<script>x</script></p>"})).await;
    let comment = r["created"]["comment_id"].as_str().expect("comment_id").to_string();
    let (status, _) = s.command(&other, "CommentBlogPost", json!({"post": post, "body": "Salut"})).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let p = r["position"].as_u64();
    let (_, seen) = s.get(Some(&sc.pupil_a1_token), &format!("/api/v1/blog-posts/{post}"), p).await;
    assert_eq!(seen["comments"], json!([]), "a pending comment is not shown to readers");
    let (_, seen) = s.get(Some(&sc.parent), &format!("/api/v1/blog-posts/{post}"), p).await;
    assert_eq!((seen["comments"][0]["pending"].clone(), seen["comments"][0]["body"].clone()), (json!(true), json!("<p>Bravo !</p>")));
    let (status, _) = s.command(&sc.pupil_a1_token, "ApproveBlogComment", json!({"post": post, "comment": comment})).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let r = s.ok(&sc.teacher, "ApproveBlogComment", json!({"post": post, "comment": comment})).await;
    let (_, seen) = s.get(Some(&sc.pupil_a1_token), &format!("/api/v1/blog-posts/{post}"), r["position"].as_u64()).await;
    assert_eq!(seen["comments"][0]["author_name"], "Anne Martin");
    assert_eq!(seen["comments"][0]["pending"], false);

    // A teacher's own draft is published without submission; a submitted post can go back.
    let r = s.ok(&sc.teacher, "WriteBlogPost", json!({"blog": blog, "title": "Conseils", "body": "<p>Révisez</p>"})).await;
    s.ok(&sc.teacher, "PublishBlogPost", json!({"post": TestServer::created_id(&r)})).await;
    let r = s.ok(&sc.pupil_a1_token, "WriteBlogPost", json!({"blog": blog, "title": "Brouillon", "body": "<p>à finir</p>"})).await;
    let second = TestServer::created_id(&r);
    s.ok(&sc.pupil_a1_token, "SubmitBlogPost", json!({"post": second})).await;
    let r = s.ok(&sc.teacher, "ReturnBlogPost", json!({"post": second, "reason": "à compléter"})).await;
    let (_, page) = s.get(Some(&sc.teacher), &format!("/api/v1/blogs/{blog}"), r["position"].as_u64()).await;
    assert_eq!(statuses(&page), ["published", "published"], "a returned draft is its author's again");
    assert_eq!(page["blog"]["published_posts"], 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn blog_workflow_on_sqlite() {
    blog_workflow("sqlite").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn blog_workflow_on_postgres() {
    blog_workflow("postgres").await;
}
