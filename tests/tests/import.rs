//! End-to-end: the rentrée import and activation codes (docs/domain.md, "Rentrée import",
//! "Activation codes"). A pupils file of 500 rows of which 7 are bad; the same file again; next
//! week's file (a class change, a departure); guardians and teachers files; activation with a
//! good, a used, an expired and a wrong code (throttled); a password reset by the ADML; the slips
//! of a class read back with poppler's `pdftotext`.

use std::process::Command;

use ent_tests::school::UAI;
use ent_tests::server::{TestServer, USER_PASSWORD};
use reqwest::StatusCode;
use serde_json::{Value, json};
use uuid::Uuid;

const FIRST: [&str; 20] = [
    "Léa", "Hugo", "Inès", "Louis", "Chloé", "Jules", "Emma", "Noah", "Manon", "Adam", "Jade", "Arthur", "Lina", "Gabriel", "Zoé",
    "Raphaël", "Alice", "Nathan", "Rose", "Tom",
];
const LAST: [&str; 25] = [
    "Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau", "Simon", "Laurent", "Lefèvre",
    "Michel", "Garcia", "David", "Bertrand", "Roux", "Vincent", "Fournier", "Morel", "Girard", "André", "Mercier", "Dupont",
];
const HEADER: &str = "INE;NOM;PRENOM;DATE_NAISSANCE;DIVISION";

/// A structure with classes 6A, 6B, 5A, subjects MATHS and FRANCAIS, and an ADML; (root, adml).
async fn structure(s: &TestServer) -> (String, String, Vec<(String, Uuid)>) {
    let root = s.root().await;
    s.ok(&root, "CreateStructure", json!({"uai": UAI, "name": "Collège Jean Moulin", "kind": "college"})).await;
    let mut classes = Vec::new();
    for (code, level) in [("6A", "6e"), ("6B", "6e"), ("5A", "5e")] {
        let r = s.ok(&root, "CreateClass", json!({"structure": UAI, "code": code, "level": level})).await;
        classes.push((code.to_string(), s.entity_id(&root, &r, "class_id").await));
    }
    for (code, name) in [("MATHS", "Mathématiques"), ("FRANCAIS", "Français")] {
        s.ok(&root, "CreateSubject", json!({"structure": UAI, "code": code, "name": name})).await;
    }
    let (adml_id, adml_login, _) = s.user(&root, UAI, "personnel", Some("administratif"), "Nadia", "Benali").await;
    s.ok(&root, "GrantAdmin", json!({"user": adml_id, "structure": UAI})).await;
    let adml = s.login(&adml_login, USER_PASSWORD).await;
    (root, adml, classes)
}

/// Row `i` of the pupils file: a unique INE and name, class by `i`.
fn pupil_row(i: usize, class: &str) -> String {
    format!("{:09}AB;{};{};{:02}/{:02}/2014;{class}", i, LAST[(i / 20) % 25], FIRST[i % 20], 1 + i % 28, 1 + i % 12)
}

fn class_of(i: usize) -> &'static str {
    ["6A", "6B", "5A"][i % 3]
}

/// The 500-row file: 493 good rows and 7 bad ones, by line number (the header is line 1).
fn pupils_file() -> (String, Vec<(u32, &'static str, &'static str)>) {
    let mut lines = vec![HEADER.to_string()];
    let mut bad = Vec::new();
    for i in 0..500 {
        let line = (i + 2) as u32;
        let row = match i {
            10 => {
                bad.push((line, "INE", "missing field INE"));
                ";Sans;Identifiant;01/01/2014;6A".to_string()
            }
            50 => {
                bad.push((line, "NOM", "missing field NOM"));
                format!("{:09}AB;;{};01/01/2014;6A", i, FIRST[0])
            }
            100 => {
                bad.push((line, "DATE_NAISSANCE", "bad date"));
                format!("{:09}AB;Petit;Noé;31/02/2014;6A", i)
            }
            150 => {
                bad.push((line, "DATE_NAISSANCE", "bad date"));
                format!("{:09}AB;Petit;Noé;2014/13/45;6A", i)
            }
            200 => {
                bad.push((line, "DIVISION", "unknown class"));
                format!("{:09}AB;Petit;Noé;01/01/2014;4Z", i)
            }
            250 => {
                bad.push((line, "INE", "duplicate id"));
                pupil_row(3, "6A")
            }
            300 => {
                bad.push((line, "DIVISION", "missing field DIVISION"));
                format!("{:09}AB;Petit;Noé;01/01/2014;", i)
            }
            _ => pupil_row(i, class_of(i)),
        };
        lines.push(row);
    }
    (lines.join("\n") + "\n", bad)
}

/// Posts a file to the import endpoint.
async fn import(s: &TestServer, token: &str, kind: &str, csv: &str) -> (StatusCode, Value) {
    let resp = s
        .client
        .post(s.url(&format!("/api/v1/structures/{UAI}/imports?kind={kind}")))
        .bearer_auth(token)
        .header("content-type", "text/csv")
        .body(csv.to_string())
        .send()
        .await
        .expect("request");
    let status = resp.status();
    (status, resp.json().await.expect("JSON"))
}

async fn import_ok(s: &TestServer, token: &str, kind: &str, csv: &str) -> Value {
    let (status, body) = import(s, token, kind, csv).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body
}

async fn stream_types(s: &TestServer, root: &str, stream: &str) -> Vec<String> {
    let (status, events) = s.get(Some(root), &format!("/api/v1/streams/{stream}"), None).await;
    assert_eq!(status, StatusCode::OK, "{events}");
    events.as_array().expect("events").iter().map(|e| e["type"].as_str().expect("type").to_string()).collect()
}

/// Events after `position` in the whole log (as the platform administrator).
async fn events_after(s: &TestServer, root: &str, position: u64) -> Vec<Value> {
    let (status, events) = s.get(Some(root), &format!("/api/v1/events?after={position}&limit=1000"), None).await;
    assert_eq!(status, StatusCode::OK, "{events}");
    events.as_array().expect("events").clone()
}

/// The user id of the account created for `external_id` by an import's report.
fn created(report: &Value, external_id: &str) -> Uuid {
    let person = report["report"]["created"].as_array().expect("created").iter().find(|p| p["external_id"] == external_id);
    Uuid::parse_str(person.expect("created person")["user_id"].as_str().expect("id")).expect("uuid")
}

fn code_of(report: &Value, user: Uuid) -> (&str, &str) {
    let c = report["activation_codes"].as_array().expect("codes").iter().find(|c| c["user_id"] == user.to_string()).expect("code");
    (c["login"].as_str().expect("login"), c["code"].as_str().expect("code"))
}

async fn pupils_import(kind: &str) {
    let s = TestServer::start(kind).await;
    let (root, adml, classes) = structure(&s).await;
    let (file, bad) = pupils_file();

    // A teacher is not an administrator of the structure.
    let (_, teacher_login, _) = s.user(&root, UAI, "enseignant", None, "Marc", "Petit").await;
    let teacher = s.login(&teacher_login, USER_PASSWORD).await;
    let (status, _) = import(&s, &teacher, "pupils", &file).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, body) = import(&s, &adml, "pupil", &file).await;
    assert_eq!((status, body["errors"][0]["field"].as_str()), (StatusCode::BAD_REQUEST, Some("kind")), "{body}");

    let (status, body) = import(&s, &adml, "pupils", "INE;NOM\n123456789AB;Martin\n").await;
    assert_eq!((status, body["errors"][0]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("csv")), "{body}");
    let before = events_after(&s, &root, 0).await.len() as u64;

    let first = import_ok(&s, &adml, "pupils", &file).await;
    let appended = events_after(&s, &root, before).await;
    assert_eq!(appended.first().map(|e| e["type"].as_str()), Some(Some("DirectoryImported")), "the refused file appended nothing");
    let counts = &first["report"]["counts"];
    assert_eq!(
        (counts["rows"].as_u64(), counts["accepted"].as_u64(), counts["rejected"].as_u64(), counts["created"].as_u64()),
        (Some(500), Some(493), Some(7), Some(493)),
        "{counts}"
    );
    let rejected: Vec<(u32, String, String)> = first["report"]["rejected"]
        .as_array()
        .expect("rejected")
        .iter()
        .map(|r| {
            (r["line"].as_u64().unwrap_or(0) as u32, r["field"].as_str().unwrap_or("").into(), r["reason"].as_str().unwrap_or("").into())
        })
        .collect();
    assert_eq!(rejected.len(), 7);
    for ((line, field, reason), (want_line, want_field, want_reason)) in rejected.iter().zip(&bad) {
        assert_eq!((line, field.as_str()), (want_line, *want_field), "{reason}");
        assert!(reason.starts_with(want_reason), "line {line}: {reason}");
    }
    assert_eq!(first["activation_codes"].as_array().map(Vec::len), Some(493));
    let position = first["position"].as_u64().expect("position");

    // The report as CSV.
    let import_id = first["import_id"].as_str().expect("import id");
    let (status, csv) = s.get_bytes(&adml, &format!("/api/v1/structures/{UAI}/imports/{import_id}/report.csv"), None).await;
    assert_eq!(status, StatusCode::OK);
    let csv = String::from_utf8(csv).expect("UTF-8");
    let lines: Vec<&str> = csv.lines().collect();
    assert!(lines[0].contains("500 rows, 493 accepted, 7 rejected"), "{csv}");
    assert_eq!(lines[1], "line;id;column;reason");
    assert_eq!(lines.len(), 2 + 7);
    assert!(lines[2].starts_with("12;;INE;missing field INE"), "{csv}");
    assert!(lines[7].starts_with("252;000000003AB;INE;duplicate id"), "{csv}");
    let (status, _) = s.get_bytes(&teacher, &format!("/api/v1/structures/{UAI}/imports/{import_id}/report.csv"), None).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "only the structure's administrators read its reports");

    // A pupil created by the import: its events, its class.
    let lea = created(&first, "000000000AB");
    assert_eq!(
        stream_types(&s, &root, &format!("{UAI}/user/{lea}")).await,
        ["UserCreated", "UserImported", "PupilEnrolled", "ActivationCodeIssued"]
    );
    let (status, card) = s.get(Some(&root), &format!("/api/v1/users/{lea}"), Some(position)).await;
    assert_eq!(status, StatusCode::OK, "{card}");
    assert_eq!(card["login"], "lea.martin");

    // The same file again: nothing appended, the same report.
    let again = import_ok(&s, &adml, "pupils", &file).await;
    assert_eq!(again["unchanged"], true, "{again}");
    assert_eq!(again["import_id"], first["import_id"]);
    assert_eq!(again["activation_codes"].as_array().map(Vec::len), Some(0));
    assert!(events_after(&s, &root, position).await.is_empty(), "no new event");

    // Next week: pupil 1 moves from 6B to 5A, pupil 2 left; the bad rows are still bad.
    let next: String = file
        .lines()
        .filter(|l| !l.starts_with("000000002AB"))
        .map(|l| if l.starts_with("000000001AB") { pupil_row(1, "5A") } else { l.to_string() })
        .collect::<Vec<_>>()
        .join("\n");
    let second = import_ok(&s, &adml, "pupils", &next).await;
    let counts = &second["report"]["counts"];
    assert_eq!(
        (counts["created"].as_u64(), counts["updated"].as_u64(), counts["deactivated"].as_u64(), counts["unchanged"].as_u64()),
        (Some(0), Some(1), Some(1), Some(491)),
        "{counts}"
    );
    let moved = created(&first, "000000001AB");
    let left = created(&first, "000000002AB");
    assert_eq!(stream_types(&s, &root, &format!("{UAI}/user/{moved}")).await.last().map(String::as_str), Some("PupilEnrolled"));
    assert_eq!(stream_types(&s, &root, &format!("{UAI}/user/{left}")).await.last().map(String::as_str), Some("UserDeactivated"));
    let (_, card) = s.get(Some(&root), &format!("/api/v1/users/{moved}"), second["position"].as_u64()).await;
    let class_5a = classes.iter().find(|(c, _)| c == "5A").map(|(_, id)| id.to_string());
    assert_eq!(card["class"]["id"].as_str().map(str::to_string), class_5a, "{card}");
    // Only the accounts the import manages are deactivated: the ADML and the teacher are not.
    let (_, card) = s.get(Some(&root), &format!("/api/v1/users/{left}"), second["position"].as_u64()).await;
    assert_eq!(card["active"], false, "{card}");
    s.login(&teacher_login, USER_PASSWORD).await;

    // The first file again: pupil 2 is back (reactivated), pupil 1 back in 6B.
    let third = import_ok(&s, &adml, "pupils", &file).await;
    let counts = &third["report"]["counts"];
    assert_eq!((counts["updated"].as_u64(), counts["deactivated"].as_u64()), (Some(2), Some(0)), "{counts}");
    assert_eq!(third["report"]["reactivated"], json!([left]));
    let (_, card) = s.get(Some(&root), &format!("/api/v1/users/{left}"), third["position"].as_u64()).await;
    assert_eq!(card["active"], true, "{card}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn pupils_import_on_sqlite() {
    pupils_import("sqlite").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn pupils_import_on_postgres() {
    pupils_import("postgres").await;
}

async fn activate(s: &TestServer, login: &str, code: &str, password: &str) -> (StatusCode, Option<u64>, Value) {
    let response = s
        .client
        .post(s.url("/api/v1/auth/activate"))
        .json(&json!({"login": login, "code": code, "new_password": password}))
        .send()
        .await
        .expect("request");
    let status = response.status();
    let retry_after = response.headers().get("retry-after").and_then(|v| v.to_str().ok()).and_then(|v| v.parse().ok());
    (status, retry_after, response.json().await.expect("JSON body"))
}

async fn guardians_teachers_and_activation(kind: &str) {
    let s = TestServer::start(kind).await;
    let (root, adml, classes) = structure(&s).await;
    let pupils = format!("{HEADER}\n{}\n{}\n{}\n", pupil_row(0, "6A"), pupil_row(1, "6A"), pupil_row(2, "6B"));
    let pupils = import_ok(&s, &adml, "pupils", &pupils).await;
    let (lea, hugo, ines) = (created(&pupils, "000000000AB"), created(&pupils, "000000001AB"), created(&pupils, "000000002AB"));

    // Guardians: one with two children, a row naming an unknown pupil, a bad e-mail.
    let guardians = "ID_RESPONSABLE;NOM;PRENOM;INE_ELEVE;LIEN;EMAIL;TELEPHONE\n\
                     R1;Martin;Anne;000000000AB;mère;anne.martin@example.org;06 12 34 56 78\n\
                     R1;Martin;Anne;000000001AB;mère;anne.martin@example.org;06 12 34 56 78\n\
                     R2;Dubois;Marc;999999999ZZ;père;;\n\
                     R3;Petit;Luc;000000002AB;père;luc-at-example;\n";
    let report = import_ok(&s, &adml, "guardians", guardians).await;
    let counts = &report["report"]["counts"];
    assert_eq!((counts["created"].as_u64(), counts["rejected"].as_u64()), (Some(1), Some(2)), "{report}");
    let reasons: Vec<(u64, &str)> = report["report"]["rejected"]
        .as_array()
        .expect("rejected")
        .iter()
        .map(|r| (r["line"].as_u64().unwrap_or(0), r["field"].as_str().unwrap_or("")))
        .collect();
    assert_eq!(reasons, [(4, "INE_ELEVE"), (5, "EMAIL")]);
    let anne = created(&report, "R1");
    assert_eq!(
        stream_types(&s, &root, &format!("{UAI}/user/{anne}")).await,
        ["UserCreated", "UserImported", "ContactDetailsSet", "ParentLinked", "ParentLinked", "ActivationCodeIssued"]
    );
    // Next week, Anne's third child and a new number: one account updated.
    let guardians2 = "ID_RESPONSABLE;NOM;PRENOM;INE_ELEVE;LIEN;EMAIL;TELEPHONE\n\
                      R1;Martin;Anne;000000000AB;mère;anne.martin@example.org;07 00 00 00 00\n\
                      R1;Martin;Anne;000000001AB;mère;anne.martin@example.org;07 00 00 00 00\n\
                      R1;Martin;Anne;000000002AB;mère;anne.martin@example.org;07 00 00 00 00\n";
    let report2 = import_ok(&s, &adml, "guardians", guardians2).await;
    assert_eq!(report2["report"]["counts"]["updated"].as_u64(), Some(1), "{report2}");
    assert_eq!(stream_types(&s, &root, &format!("{UAI}/user/{anne}")).await[6..], ["ParentLinked", "ContactDetailsSet"]);

    // Activation of Anne's account with her code: then she logs in and sees her three children.
    let (anne_login, anne_code) = code_of(&report, anne);
    let (status, _, body) = activate(&s, anne_login, &anne_code.to_lowercase().replace('-', " "), "court").await;
    assert_eq!((status, body["errors"][0]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("new_password")), "{body}");
    let (status, _, body) = activate(&s, anne_login, anne_code, "trois pommes vertes du verger").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let token = s.login(anne_login, "trois pommes vertes du verger").await;
    let (status, children) = s.get(Some(&token), "/api/v1/me/children", report2["position"].as_u64()).await;
    assert_eq!((status, children.as_array().map(Vec::len)), (StatusCode::OK, Some(3)), "{children}");
    // A used code is refused like a wrong one.
    let (status, _, body) = activate(&s, anne_login, anne_code, "quatre poires jaunes du verger").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
    let (status, _, wrong) = activate(&s, "nobody.here", anne_code, "quatre poires jaunes du verger").await;
    assert_eq!((status, &wrong["detail"]), (StatusCode::UNAUTHORIZED, &body["detail"]), "an unknown login answers the same");

    // An expired code: the clock is an input, so the attempt is made 91 days from now.
    let (lea_login, lea_code) = code_of(&pupils, lea);
    let later = chrono::Utc::now() + chrono::Duration::days(91);
    let outcome = ent_commands::directory::attempt_activation(
        &s.app.state.handler,
        &s.app.state.account_throttle,
        lea_login,
        lea_code,
        "trois pommes vertes du verger",
        later,
    )
    .await
    .expect("attempt");
    assert!(matches!(outcome, ent_commands::directory::ActivationOutcome::Refused), "{outcome:?}");
    // A wrong code: refused, then throttled like logins (429 with Retry-After past 5 failures).
    let (hugo_login, hugo_code) = code_of(&pupils, hugo);
    let wrong_code = if hugo_code.starts_with('A') { "BBBBB-BBBBB" } else { "AAAAA-AAAAA" };
    for _ in 0..5 {
        let (status, _, _) = activate(&s, hugo_login, wrong_code, "trois pommes vertes du verger").await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    let (status, retry_after, _) = activate(&s, hugo_login, hugo_code, "trois pommes vertes du verger").await;
    assert_eq!((status, retry_after), (StatusCode::TOO_MANY_REQUESTS, Some(1)), "the right code waits out the delay too");
    tokio::time::sleep(std::time::Duration::from_millis(350)).await;
    let (status, _, body) = activate(&s, hugo_login, hugo_code, "trois pommes vertes du verger").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let hugo_events = stream_types(&s, &root, &format!("{UAI}/user/{hugo}")).await;
    assert_eq!(hugo_events.iter().filter(|t| *t == "LoginFailed").count(), 5, "{hugo_events:?}");
    assert_eq!(hugo_events.last().map(String::as_str), Some("PasswordSet"));

    // The ADML resets Hugo's password: a new code, answered once.
    let envelope = json!({"command_id": Uuid::new_v4(), "type": "IssueActivationCode", "payload": {"user": hugo}});
    let (status, issued) = s.envelope(&adml, envelope.clone()).await;
    assert_eq!(status, StatusCode::OK, "{issued}");
    let new_code = issued["activation_codes"][0]["code"].as_str().expect("code").to_string();
    let (status, replay) = s.envelope(&adml, envelope).await;
    assert_eq!((status, replay.get("activation_codes")), (StatusCode::OK, None), "the code is not kept: {replay}");
    let (status, _) = s.command(&token, "IssueActivationCode", json!({"user": hugo})).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "a parent cannot reset an account");
    let (status, _, body) = activate(&s, hugo_login, &new_code, "cinq cerises rouges du jardin").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    s.login(hugo_login, "cinq cerises rouges du jardin").await;

    // The slips of 6A: fresh codes for its pupils (Léa; Hugo only with include_activated) and
    // their guardians; Léa's code of the import no longer works, the slip's does.
    let class_6a = classes.iter().find(|(c, _)| c == "6A").map(|(_, id)| *id).expect("6A");
    let resp =
        s.client.post(s.url(&format!("/api/v1/classes/{class_6a}/activation-slips"))).bearer_auth(&adml).send().await.expect("request");
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(resp.headers().get("content-type").and_then(|v| v.to_str().ok()), Some("application/pdf"));
    let text = pdf_text(&resp.bytes().await.expect("PDF"));
    assert!(text.contains("Espace numérique de travail — Collège Jean Moulin"), "{text}");
    assert!(text.contains(&format!("Identifiant : {lea_login}")), "{text}");
    assert!(!text.contains(&format!("Identifiant : {hugo_login}")), "Hugo is activated: {text}");
    assert!(!text.contains(&format!("Identifiant : {anne_login}")), "Anne is activated: {text}");
    let slip_code = text
        .lines()
        .skip_while(|l| !l.contains(&format!("Identifiant : {lea_login}")))
        .find_map(|l| l.trim().strip_prefix("Code d'activation : "))
        .expect("Léa's code on her slip")
        .trim()
        .to_string();
    let (status, _, _) = activate(&s, lea_login, lea_code, "trois pommes vertes du verger").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "the import's code was replaced");
    let (status, _, body) = activate(&s, lea_login, &slip_code, "trois pommes vertes du verger").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let _ = ines;

    // Teachers (STS-style): one row per subject; an unknown subject is reported.
    let teachers = "ID_STS;NOM;PRENOM;MATIERE;DIVISIONS\n\
                    T1;Bernard;Sophie;MATHS;6A,6B\n\
                    T1;Bernard;Sophie;FRANCAIS;5A\n\
                    T2;Leroy;Paul;LATIN;6A\n";
    let report = import_ok(&s, &adml, "teachers", teachers).await;
    assert_eq!(
        (report["report"]["counts"]["created"].as_u64(), report["report"]["rejected"][0]["field"].as_str()),
        (Some(1), Some("MATIERE")),
        "{report}"
    );
    let sophie = created(&report, "T1");
    let types = stream_types(&s, &root, &format!("{UAI}/user/{sophie}")).await;
    assert_eq!(types.iter().filter(|t| *t == "TeacherAssigned").count(), 3, "{types:?}");
    let again = import_ok(&s, &adml, "teachers", teachers).await;
    assert_eq!(again["unchanged"], true, "{again}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn guardians_teachers_and_activation_on_sqlite() {
    guardians_teachers_and_activation("sqlite").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn guardians_teachers_and_activation_on_postgres() {
    guardians_teachers_and_activation("postgres").await;
}

/// The text of a PDF, by poppler's `pdftotext` (reading order).
fn pdf_text(pdf: &[u8]) -> String {
    let dir = std::env::temp_dir().join(format!("ent-slips-{}", Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let file = dir.join("slips.pdf");
    std::fs::write(&file, pdf).expect("write the PDF");
    let out = Command::new("pdftotext").arg("-layout").arg(&file).arg("-").output().expect("pdftotext (poppler-utils) is installed");
    let _ = std::fs::remove_dir_all(&dir);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).expect("UTF-8")
}
