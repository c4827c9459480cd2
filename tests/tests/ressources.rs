//! End-to-end: the ressources service through HTTP (publishing, the catalogue and its French
//! full-text search, learning paths and progress, who sees what), and the search index staying
//! consistent with the documents across a failed commit and a rebuild.

use chrono::{Days, Utc};
use ent_projections::ressources::{NAME, RESOURCES, RessourcesProjection};
use ent_projections::{DocKey, DocWrite};
use ent_tests::school::School;
use ent_tests::server::TestServer;
use reqwest::StatusCode;
use serde_json::{Value, json};

fn titles(list: &Value) -> Vec<String> {
    let mut t: Vec<String> =
        list.as_array().map(|l| l.iter().filter_map(|r| r["title"].as_str().map(String::from)).collect()).unwrap_or_default();
    t.sort();
    t
}

async fn ressources_flow(kind: &str) {
    let s = TestServer::start(kind).await;
    let sc = School::create(&s).await;
    let lumni = json!({"structure": sc.uai, "title": "Les evaluations de fractions", "description": "Une vidéo Lumni pour réviser avant le contrôle.",
        "url": "https://www.lumni.fr/video/les-fractions", "subjects": [sc.maths], "levels": ["6e"], "domain": "Nombres et calculs", "theme": "Fractions",
        "published_to": [sc.class_a]});
    let r = s.ok(&sc.teacher, "PublishResource", lumni.clone()).await;
    let fractions = TestServer::created_id(&r);
    // A teacher publishes only to the classes and groups they teach.
    let mut elsewhere = lumni.clone();
    elsewhere["published_to"] = json!([sc.class_b]);
    let (status, _) = s.command(&sc.teacher, "PublishResource", elsewhere).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // Links are http(s) only; a file must be one of the publisher's workspace.
    let mut script = lumni.clone();
    script["url"] = json!("javascript:alert(1)");
    let (status, body) = s.command(&sc.teacher, "PublishResource", script).await;
    assert_eq!((status, body["errors"][0]["field"].clone()), (StatusCode::UNPROCESSABLE_ENTITY, json!("url")), "{body}");
    let mut file = lumni.clone();
    file.as_object_mut().map(|o| o.remove("url"));
    file["file"] = json!(uuid::Uuid::new_v4());
    let (status, body) = s.command(&sc.teacher, "PublishResource", file.clone()).await;
    assert_eq!((status, body["errors"][0]["field"].clone()), (StatusCode::UNPROCESSABLE_ENTITY, json!("file")), "{body}");
    // A file of the teacher's workspace: publishing it shares it with 6A to read, in the same
    // append, so a pupil of 6A downloads it.
    let upload =
        s.client.put(s.url("/api/v1/files?name=fractions.txt")).bearer_auth(&sc.teacher).body("1/2 + 1/4").send().await.expect("upload");
    assert_eq!(upload.status(), StatusCode::OK);
    let uploaded: serde_json::Value = upload.json().await.expect("upload result");
    let file_id = uploaded["created"]["file_id"].clone();
    let (status, _) = s
        .get(
            Some(&sc.pupil_a1_token),
            &format!("/api/v1/files/{}/content", file_id.as_str().unwrap_or_default()),
            uploaded["position"].as_u64(),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "not shared yet");
    let mut workspace_file = file.clone();
    workspace_file["file"] = file_id.clone();
    workspace_file["title"] = json!("Fiche de fractions");
    let r = s.ok(&sc.teacher, "PublishResource", workspace_file).await;
    let (status, content) = s
        .get_bytes(&sc.pupil_a1_token, &format!("/api/v1/files/{}/content", file_id.as_str().unwrap_or_default()), r["position"].as_u64())
        .await;
    assert_eq!((status, content.as_slice()), (StatusCode::OK, b"1/2 + 1/4".as_slice()));
    s.ok(&sc.teacher, "UnpublishResource", json!({"resource": TestServer::created_id(&r)})).await;
    // The direction publishes anywhere in its structure.
    s.ok(&sc.head, "PublishResource", json!({"structure": sc.uai, "title": "Dictées du latin", "description": "Exercices d'orthographe",
        "url": "https://eduscol.education.fr/latin", "subjects": [sc.french], "levels": ["6e"], "theme": "Orthographe", "published_to": [sc.group]})).await;
    let r = s
        .ok(
            &sc.head,
            "PublishResource",
            json!({"structure": sc.uai, "title": "Évaluation de géométrie 6B", "url": "https://eduscol.education.fr/geometrie",
        "subjects": [sc.maths], "published_to": [sc.class_b]}),
        )
        .await;
    let of_6b = TestServer::created_id(&r);
    let p = r["position"].as_u64();

    // French full-text search: "évaluation" finds "Les evaluations …"; a pupil sees only what is
    // published to their class and groups (not 6B's).
    let (status, found) = s.get(Some(&sc.pupil_a1_token), "/api/v1/resources?q=évaluation", p).await;
    assert_eq!(status, StatusCode::OK, "{found}");
    assert_eq!(titles(&found), ["Les evaluations de fractions"]);
    assert_eq!(found[0]["subjects"][0]["name"], "Mathématiques");
    assert_eq!(found[0]["published_to"][0]["name"], "6A");
    assert_eq!(found[0]["published_by_name"], "Sophie Bernard");
    let (_, all) = s.get(Some(&sc.pupil_a1_token), "/api/v1/resources", p).await;
    assert_eq!(titles(&all), ["Dictées du latin", "Les evaluations de fractions"]);
    let (_, staff) = s.get(Some(&sc.head), "/api/v1/resources?q=EVALUATIONS", p).await;
    assert_eq!(titles(&staff), ["Les evaluations de fractions", "Évaluation de géométrie 6B"]);
    let (_, parent) = s.get(Some(&sc.parent), "/api/v1/resources", p).await;
    assert_eq!(titles(&parent), ["Dictées du latin", "Les evaluations de fractions"], "a parent sees their child's");
    // Filters.
    let (_, by_subject) = s.get(Some(&sc.pupil_a1_token), &format!("/api/v1/resources?subject={}", sc.french), p).await;
    assert_eq!(titles(&by_subject), ["Dictées du latin"]);
    let (_, by_theme) = s.get(Some(&sc.pupil_a1_token), "/api/v1/resources?theme=fractions&level=6e", p).await;
    assert_eq!(titles(&by_theme), ["Les evaluations de fractions"]);
    let (_, none) = s.get(Some(&sc.pupil_a1_token), &format!("/api/v1/resources?q=évaluation&subject={}", sc.french), p).await;
    assert_eq!(titles(&none), Vec::<String>::new());
    let (_, words) = s.get(Some(&sc.pupil_a1_token), "/api/v1/resources?q=orthographe%20exercice", p).await;
    assert_eq!(titles(&words), ["Dictées du latin"], "every word, in the title or the description, plural or not");
    let (status, body) = s.get(Some(&sc.pupil_a1_token), "/api/v1/resources?level=sixième", p).await;
    assert_eq!((status, body["errors"][0]["field"].clone()), (StatusCode::BAD_REQUEST, json!("level")), "{body}");
    let (status, _) = s.get(Some(&sc.root), "/api/v1/resources", p).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "a platform administrator belongs to no structure's catalogue");

    // Learning paths.
    let today = Utc::now().date_naive();
    let yesterday = today.checked_sub_days(Days::new(1)).expect("date");
    let later = today.checked_add_days(Days::new(5)).expect("date");
    let path = json!({"title": "Les fractions en classe inversée", "assigned_to": sc.class_a, "opens_on": yesterday, "due_on": later, "mode": "classe_inversee",
        "steps": [{"kind": "resource", "resource": fractions}, {"kind": "instruction", "text": "Faire les exercices 1 à 3 p. 42"}]});
    let r = s.ok(&sc.teacher, "CreateLearningPath", path.clone()).await;
    let path_id = TestServer::created_id(&r);
    let mut not_theirs = path.clone();
    not_theirs["steps"] = json!([{"kind": "resource", "resource": of_6b}]);
    let (status, body) = s.command(&sc.head, "CreateLearningPath", not_theirs).await;
    assert_eq!((status, body["errors"][0]["field"].clone()), (StatusCode::UNPROCESSABLE_ENTITY, json!("steps[0].resource")), "{body}");
    let mut not_open = path.clone();
    not_open["opens_on"] = json!(later);
    not_open["mode"] = json!("standard");
    not_open["title"] = json!("Pour la semaine prochaine");
    let r = s.ok(&sc.teacher, "CreateLearningPath", not_open).await;
    let later_path = TestServer::created_id(&r);

    // A pupil marks steps done: once, only when the path is open, only their own paths.
    let r = s.ok(&sc.pupil_a1_token, "CompleteStep", json!({"path": path_id, "step": 0})).await;
    let (status, body) = s.command(&sc.pupil_a1_token, "CompleteStep", json!({"path": path_id, "step": 0})).await;
    assert_eq!((status, body["errors"][0]["field"].clone()), (StatusCode::UNPROCESSABLE_ENTITY, json!("step")), "{body}");
    let (status, _) = s.command(&sc.pupil_a1_token, "CompleteStep", json!({"path": later_path, "step": 0})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "not open yet");
    let (status, _) = s.command(&sc.teacher, "CompleteStep", json!({"path": path_id, "step": 1})).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let p = r["position"].as_u64();

    // The pupil's paths with progress (x of n, next step); unopened paths are not shown to them.
    let mine = format!("/api/v1/pupils/{}/learning-paths", sc.pupil_a1);
    let (status, paths) = s.get(Some(&sc.pupil_a1_token), &mine, p).await;
    assert_eq!(status, StatusCode::OK, "{paths}");
    assert_eq!(paths.as_array().map(Vec::len), Some(1), "{paths}");
    assert_eq!((paths[0]["done"].clone(), paths[0]["total"].clone(), paths[0]["next_step"].clone()), (json!(1), json!(2), json!(1)));
    assert_eq!(paths[0]["steps"][0]["url"], "https://www.lumni.fr/video/les-fractions");
    assert_eq!(paths[0]["assigned_to"]["name"], "6A");
    let (status, theirs) = s.get(Some(&sc.parent), &mine, p).await;
    assert_eq!((status, theirs.as_array().map(Vec::len)), (StatusCode::OK, Some(1)));
    let (status, all) = s.get(Some(&sc.teacher), &mine, p).await;
    assert_eq!((status, all.as_array().map(Vec::len)), (StatusCode::OK, Some(2)), "the teacher sees the paths still to open");
    let (status, _) = s.get(Some(&sc.parent), &format!("/api/v1/pupils/{}/learning-paths", sc.pupil_a2), p).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // The teacher's list and progress table: pupils × steps, names next to ids.
    let (status, list) = s.get(Some(&sc.teacher), "/api/v1/learning-paths", p).await;
    assert_eq!((status, list.as_array().map(Vec::len)), (StatusCode::OK, Some(2)), "{list}");
    let table_path = format!("/api/v1/learning-paths/{path_id}/progress");
    let (status, table) = s.get(Some(&sc.teacher), &table_path, p).await;
    assert_eq!(status, StatusCode::OK, "{table}");
    assert_eq!(table["done_per_step"], json!([1, 0]));
    assert_eq!(table["step_titles"], json!(["Les evaluations de fractions", "Faire les exercices 1 à 3 p. 42"]));
    let lea = table["rows"].as_array().and_then(|rows| rows.iter().find(|r| r["pupil"] == json!(sc.pupil_a1))).cloned().expect("Léa's row");
    assert_eq!((lea["pupil_name"].clone(), lea["done"].clone()), (json!("Léa Martin"), json!(1)));
    assert_eq!(table["rows"].as_array().map(Vec::len), Some(2), "the two pupils of 6A");
    let (status, _) = s.get(Some(&sc.pupil_a1_token), &table_path, p).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = s.get(Some(&sc.pupil_a1_token), "/api/v1/learning-paths", p).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // Search results before and after a failed rebuild and a rebuild are the same.
    let queries = ["évaluation", "fraction", "latin", "orthographe", "video"];
    let mut before = Vec::new();
    for q in queries {
        before.push(titles(&s.get(Some(&sc.head), &format!("/api/v1/resources?q={q}"), p).await.1));
    }
    let b = s.db.open().await;
    b.read_models.fail_next_commits(1);
    assert!(ent_projections::rebuild(b.feed.as_ref(), b.read_models.as_ref(), &RessourcesProjection, |_, _| {}).await.is_err());
    // A commit that fails before COMMIT leaves neither a document nor its index entry.
    let generation = b.read_models.active_generation(NAME).await.expect("generation");
    let checkpoint = b.read_models.checkpoint(NAME, generation).await.expect("checkpoint");
    let key = format!("{}/{}", sc.uai, uuid::Uuid::new_v4());
    let doc = json!({"title": "Zygomorphe", "description": ""}).to_string();
    b.read_models.fail_next_commits(1);
    assert!(
        b.read_models
            .commit(NAME, generation, checkpoint, checkpoint, vec![DocWrite::Put(DocKey::new(RESOURCES, &key), doc)])
            .await
            .is_err()
    );
    assert_eq!(b.read_models.search(NAME, RESOURCES, "zygomorphe", 10).await.expect("search"), Vec::<String>::new());
    assert_eq!(b.read_models.get(NAME, RESOURCES, &key).await.expect("get"), None);
    let (status, report) = s.post_json(Some(&sc.root), &format!("/api/v1/admin/projections/{NAME}/rebuild"), &json!({})).await;
    assert_eq!(status, StatusCode::OK, "{report}");
    for (q, expected) in queries.iter().zip(&before) {
        let (_, after) = s.get(Some(&sc.head), &format!("/api/v1/resources?q={q}"), p).await;
        assert_eq!(&titles(&after), expected, "{q}");
    }
    assert_eq!(before[0], ["Les evaluations de fractions", "Évaluation de géométrie 6B"]);

    // Withdrawn: out of the catalogue and its search, the path's step keeps its title without a link.
    let r = s.ok(&sc.teacher, "UnpublishResource", json!({"resource": fractions})).await;
    let (_, found) = s.get(Some(&sc.pupil_a1_token), "/api/v1/resources?q=évaluation", r["position"].as_u64()).await;
    assert_eq!(titles(&found), Vec::<String>::new());
    let (_, paths) = s.get(Some(&sc.pupil_a1_token), &mine, r["position"].as_u64()).await;
    assert_eq!(
        (paths[0]["steps"][0]["text"].clone(), paths[0]["steps"][0]["url"].clone()),
        (json!("Les evaluations de fractions"), Value::Null)
    );
    let (status, _) = s.command(&sc.teacher, "UnpublishResource", json!({"resource": of_6b})).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "published to a class the teacher does not teach");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn ressources_flow_on_sqlite() {
    ressources_flow("sqlite").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn ressources_flow_on_postgres() {
    ressources_flow("postgres").await;
}
