//! The printable bulletin, read back by independent tools: `pdftotext -bbox-layout` (poppler)
//! gives every word with its box, lopdf the lines drawn. A long bulletin (12 subjects, long
//! accented appreciations) must keep every word, lay no word over another or over a rule, stay
//! inside the page and go on over numbered pages with the table header repeated.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::Command;

use chrono::{NaiveDate, TimeZone, Utc};
use ent_domain::notes::Mention;
use ent_projections::directory::PersonRef;
use ent_projections::notes::{AbsencesSummary, Bulletin, Named, PeriodRef, Publication, Revision, SubjectLine, pdf};
use uuid::Uuid;

const SENTENCES: [&str; 9] = [
    "Élève sérieuse et appliquée, qui participe volontiers à l’oral et fait preuve d’une réelle curiosité.",
    "Les résultats sont très satisfaisants ; il faut néanmoins approfondir l’apprentissage des leçons.",
    "Quelques difficultés en expression écrite : la rédaction des réponses doit être plus rigoureuse.",
    "Un trimestre encourageant, des progrès remarquables depuis la rentrée, à poursuivre avec énergie.",
    "Travail régulier et soigné ; l’écoute en classe est exemplaire et les devoirs sont rendus à l’heure.",
    "Ça manque parfois de concentration en fin d’heure, mais l’investissement personnel reste évident.",
    "Œuvre collective réussie lors du projet du trimestre : félicitations pour l’implication dans le groupe.",
    "Attention aux bavardages, qui nuisent à la qualité du travail fourni et à celui de la classe.",
    "Connaissances solides en géométrie ; les démonstrations gagneraient à être rédigées plus précisément.",
];

const SUBJECTS: [&str; 12] = [
    "Français",
    "Mathématiques",
    "Histoire-géographie et enseignement moral et civique",
    "Anglais LV1",
    "Espagnol LV2",
    "Sciences de la vie et de la Terre",
    "Physique-chimie",
    "Technologie",
    "Arts plastiques",
    "Éducation musicale",
    "Éducation physique et sportive",
    "Langues et cultures de l’Antiquité : latin",
];

fn named(code: &str, name: &str) -> Named {
    Named { id: Uuid::new_v4(), code: code.into(), name: name.into() }
}

fn appreciation(i: usize) -> String {
    (0..4 + i % 3).map(|k| SENTENCES[(i + k) % SENTENCES.len()]).collect::<Vec<_>>().join(" ")
}

fn long_bulletin() -> Bulletin {
    let subjects = SUBJECTS
        .iter()
        .enumerate()
        .map(|(i, name)| SubjectLine {
            subject: named(&format!("S{i}"), name),
            coefficient: [1.0, 2.0, 1.5][i % 3],
            pupil_average: Some(8.0 + i as f64 * 0.91),
            pupil_average_exact: None,
            class_average: Some(11.0 + i as f64 * 0.37),
            class_min: Some(4.25 + i as f64 * 0.2),
            class_max: Some(17.5 + i as f64 * 0.2),
            grades: 3 + i % 4,
            appreciation: Some(appreciation(i)),
            teachers: vec![PersonRef { id: Uuid::new_v4(), first_name: "Hélène".into(), last_name: format!("Professeure{i}") }],
        })
        .collect();
    let published = Utc.with_ymd_and_hms(2026, 12, 5, 16, 0, 0).single().expect("a date");
    Bulletin {
        structure: named("0750680G", "Collège Victor Hugo"),
        pupil: named("lea.martin", "Léa Martin"),
        class: named("6A", ""),
        period: PeriodRef {
            id: Uuid::new_v4(),
            name: "T1".into(),
            start: NaiveDate::from_ymd_opt(2026, 9, 1),
            end: NaiveDate::from_ymd_opt(2026, 11, 30),
        },
        subjects,
        general_average: Some(12.84),
        general_average_exact: None,
        council_appreciation: Some(format!("{} {} {}", SENTENCES[3], SENTENCES[0], SENTENCES[6])),
        mention: Some(Mention::Compliments),
        absences: AbsencesSummary { half_days: Some(3), justified_half_days: Some(2), unjustified_half_days: Some(1), lates: Some(2) },
        publication: Publication {
            published: true,
            published_at: Some(published),
            version: Some(2),
            changed_since_publication: true,
            revisions: vec![Revision { version: 2, at: published + chrono::Duration::days(2), reason: "note corrigée".into() }],
        },
        as_of: None,
    }
}

/// A word as `pdftotext -bbox-layout` places it (y grows downwards from the top of the page).
#[derive(Debug, Clone)]
struct Word {
    page: usize,
    x0: f64,
    y0: f64,
    x1: f64,
    y1: f64,
    text: String,
}

struct Page {
    width: f64,
    height: f64,
}

fn attribute(tag: &str, name: &str) -> f64 {
    let start = tag.find(&format!("{name}=\"")).unwrap_or_else(|| panic!("no {name} in {tag}")) + name.len() + 2;
    let end = start + tag[start..].find('"').expect("closing quote");
    tag[start..end].parse().expect("a number")
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&apos;", "'").replace("&amp;", "&")
}

/// Pages and words of `pdf`, read by poppler's `pdftotext -bbox-layout`.
fn words(pdf: &[u8]) -> (Vec<Page>, Vec<Word>) {
    let dir = std::env::temp_dir().join(format!("ent-bulletin-pdf-{}", Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let file: PathBuf = dir.join("bulletin.pdf");
    std::fs::write(&file, pdf).expect("write the PDF");
    let out = Command::new("pdftotext")
        .arg("-bbox-layout")
        .arg(&file)
        .arg("-")
        .output()
        .unwrap_or_else(|e| panic!("pdftotext (Debian package poppler-utils, which scripts/test installs) could not run: {e}"));
    std::fs::remove_dir_all(&dir).ok();
    assert!(out.status.success(), "pdftotext failed: {}", String::from_utf8_lossy(&out.stderr));
    let html = String::from_utf8(out.stdout).expect("UTF-8");
    let mut pages = Vec::new();
    let mut words = Vec::new();
    for chunk in html.split("<page ").skip(1) {
        let tag = &chunk[..chunk.find('>').expect("page tag")];
        pages.push(Page { width: attribute(tag, "width"), height: attribute(tag, "height") });
        for w in chunk.split("<word ").skip(1) {
            let close = w.find('>').expect("word tag");
            let tag = &w[..close];
            let text = &w[close + 1..w.find("</word>").expect("end of word")];
            words.push(Word {
                page: pages.len(),
                x0: attribute(tag, "xMin"),
                y0: attribute(tag, "yMin"),
                x1: attribute(tag, "xMax"),
                y1: attribute(tag, "yMax"),
                text: unescape(text),
            });
        }
    }
    (pages, words)
}

/// A straight line from one point to another (PDF coordinates, y upwards).
type Segment = ((f64, f64), (f64, f64));

/// Straight lines stroked on each page, read by lopdf.
fn rules(pdf: &[u8]) -> BTreeMap<usize, Vec<Segment>> {
    let doc = lopdf::Document::load_mem(pdf).expect("a valid PDF");
    let mut all = BTreeMap::new();
    for (n, id) in doc.get_pages() {
        let content = lopdf::content::Content::decode(&doc.get_page_content(id)).expect("content");
        let mut segments = Vec::new();
        let mut at = (0.0, 0.0);
        for op in content.operations {
            let number = |i: usize| op.operands[i].as_float().map(f64::from).expect("a number");
            match op.operator.as_str() {
                "m" => at = (number(0), number(1)),
                "l" => {
                    let to = (number(0), number(1));
                    segments.push((at, to));
                    at = to;
                }
                _ => {}
            }
        }
        all.insert(n as usize, segments);
    }
    all
}

fn overlap(a0: f64, a1: f64, b0: f64, b1: f64) -> f64 {
    a1.min(b1) - a0.max(b0)
}

#[test]
fn a_long_bulletin_is_laid_out_on_numbered_pages_without_overlaps() {
    let bulletin = long_bulletin();
    let pdf = pdf::render(&bulletin);
    let (pages, words) = words(&pdf);

    // Several pages, numbered, the table header on each.
    assert!(pages.len() >= 2, "{} page(s)", pages.len());
    for (i, page) in pages.iter().enumerate() {
        assert!((page.width - 595.0).abs() < 1.0 && (page.height - 842.0).abs() < 1.0, "A4");
        let on_page: Vec<&str> = words.iter().filter(|w| w.page == i + 1).map(|w| w.text.as_str()).collect();
        let footer = format!("Page {} / {}", i + 1, pages.len());
        assert!(on_page.join(" ").contains(&footer), "{footer:?} not on page {}", i + 1);
        assert!(on_page.contains(&"Matière") && on_page.contains(&"Coef."), "no table header on page {}", i + 1);
    }

    // Nothing outside the page (nor in its outer 20 points).
    for w in &words {
        let page = &pages[w.page - 1];
        assert!(w.x0 >= 20.0 && w.y0 >= 20.0 && w.x1 <= page.width - 20.0 && w.y1 <= page.height - 20.0, "{w:?} off the page");
    }

    // No word over another.
    for (i, a) in words.iter().enumerate() {
        for b in words[i + 1..].iter().filter(|b| b.page == a.page) {
            let overlaps = overlap(a.x0, a.x1, b.x0, b.x1) > 0.5 && overlap(a.y0, a.y1, b.y0, b.y1) > 0.5;
            assert!(!overlaps, "{a:?} overlaps {b:?}");
        }
    }

    // Rules keep clear of words: word boxes stop at the capitals' height and the descenders'
    // depth, accents and parentheses reach beyond, so a rule must pass 2 points away.
    for (page, segments) in rules(&pdf) {
        let height = pages[page - 1].height;
        for ((x0, y0), (x1, y1)) in segments {
            let (x0, x1) = (x0.min(x1), x0.max(x1));
            let (top, bottom) = (height - y0.max(y1), height - y0.min(y1));
            assert!(x0 == x1 || top == bottom, "a slanted rule on page {page}");
            for w in words.iter().filter(|w| w.page == page) {
                let too_close = if top == bottom {
                    overlap(x0, x1, w.x0, w.x1) > 0.0 && overlap(top, top, w.y0 - 2.0, w.y1 + 2.0) >= 0.0
                } else {
                    overlap(top, bottom, w.y0, w.y1) > 0.0 && overlap(x0, x0, w.x0 - 2.0, w.x1 + 2.0) >= 0.0
                };
                assert!(!too_close, "the rule ({x0}, {top})–({x1}, {bottom}) on page {page} touches {w:?}");
            }
        }
    }

    // The header row stands above the first subject's row.
    let header = words.iter().find(|w| w.text == "Matière").expect("table header");
    let first = words.iter().find(|w| w.text == "Français").expect("first subject");
    assert!(first.y0 >= header.y1, "first subject row {first:?} not below the header {header:?}");

    // Every word of every subject name and appreciation, in order, in its column.
    let column_of = |title: &str| words.iter().find(|w| w.page == 1 && w.text == title).map(|w| w.x0 - 1.0).expect(title);
    let (subject_x, coefficient_x, appreciation_x) = (column_of("Matière"), column_of("Coef."), column_of("Appréciation"));
    let column_text = |from: f64, to: f64| {
        let mut in_column: Vec<&Word> = words.iter().filter(|w| w.x0 >= from && w.x1 <= to).collect();
        in_column.sort_by(|a, b| (a.page, a.y0, a.x0).partial_cmp(&(b.page, b.y0, b.x0)).expect("numbers"));
        in_column.iter().map(|w| w.text.as_str()).collect::<Vec<_>>().join(" ")
    };
    let subjects = column_text(subject_x, coefficient_x);
    let appreciations = column_text(appreciation_x, 595.0);
    for s in &bulletin.subjects {
        assert!(subjects.contains(&s.subject.name), "{:?} not in the subject column: {subjects}", s.subject.name);
        for t in &s.teachers {
            let name = format!("{} {}", t.first_name, t.last_name);
            assert!(subjects.contains(&name), "teacher {name:?} not in the subject column: {subjects}");
        }
        let text = s.appreciation.as_deref().unwrap_or_default();
        assert!(text.len() > 300);
        assert!(appreciations.contains(text), "appreciation of {} not found whole, in order: {appreciations}", s.subject.name);
    }

    // The rest of the bulletin.
    let all = words.iter().map(|w| w.text.as_str()).collect::<Vec<_>>().join(" ");
    for expected in [
        "Collège Victor Hugo",
        "UAI 0750680G",
        "Bulletin scolaire",
        "1er trimestre",
        "du 01/09/2026 au 30/11/2026",
        "Élève : Léa Martin",
        "Classe : 6A",
        "Publié le 05/12/2026 — version 2",
        "Modifié le 07/12/2026 : note corrigée",
        "Moyenne générale 12,84",
        "Mention : Compliments",
        "Absences : 3 demi-journées (dont 2 justifiées, 1 non justifiée)",
        "Retards : 2",
        "15,28",
    ] {
        assert!(all.contains(expected), "{expected:?} not in the PDF: {all}");
    }
    assert!(all.contains(bulletin.council_appreciation.as_deref().unwrap_or_default()), "council appreciation");
}

#[test]
fn a_short_bulletin_holds_on_one_page() {
    let mut bulletin = long_bulletin();
    bulletin.subjects.truncate(4);
    for s in &mut bulletin.subjects {
        s.appreciation = Some("Bon trimestre.".into());
    }
    bulletin.publication =
        Publication { published: false, published_at: None, version: None, changed_since_publication: false, revisions: vec![] };
    bulletin.absences = AbsencesSummary::default();
    let (pages, words) = words(&pdf::render(&bulletin));
    assert_eq!(pages.len(), 1);
    let all = words.iter().map(|w| w.text.as_str()).collect::<Vec<_>>().join(" ");
    for expected in ["Non publié — document de travail", "Page 1 / 1", "Absences et retards : non repris"] {
        assert!(all.contains(expected), "{expected:?} not in the PDF: {all}");
    }
}
