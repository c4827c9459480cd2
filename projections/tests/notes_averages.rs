//! Property: the averages the notes projection serves equal a direct recomputation from the
//! list of grades (BRIEF §2.3), for random classes, scales, coefficients and statuses, including
//! after random corrections.

use chrono::{NaiveDate, Utc};
use ent_domain::notes::events::{EvaluationCreated, GradeCorrected, GradeRecorded};
use ent_domain::notes::{GradeStatus, Hundredths};
use ent_domain::{Event, RecordedEvent};
use ent_projections::notes::{Names, NotesProjection, compute_bulletin};
use ent_projections::source::MemorySource;
use proptest::prelude::*;
use uuid::Uuid;

const UAI: &str = "0751234A";

/// A grade as generated: a value in hundredths (≤ scale × 100) or a status.
#[derive(Debug, Clone, Copy)]
enum G {
    Value(u32),
    Status(GradeStatus),
}

fn status() -> impl Strategy<Value = GradeStatus> {
    prop_oneof![Just(GradeStatus::Abs), Just(GradeStatus::Disp), Just(GradeStatus::Nr), Just(GradeStatus::Nn)]
}

/// A mark on a scale: mostly values, sometimes a status.
fn mark(scale: u32) -> impl Strategy<Value = G> {
    prop_oneof![4 => (0..=scale * 100).prop_map(G::Value), 1 => status().prop_map(G::Status)]
}

#[derive(Debug, Clone)]
struct Case {
    /// (scale, coefficient in hundredths) per evaluation.
    evaluations: Vec<(u32, u32)>,
    /// grades[e][p]: the first mark, then corrections in order.
    grades: Vec<Vec<Vec<G>>>,
    pupils: usize,
}

fn case() -> impl Strategy<Value = Case> {
    (1usize..6, prop::collection::vec((1u32..=100, 1u32..=500), 1..6)).prop_flat_map(|(pupils, evaluations)| {
        let per_eval: Vec<_> =
            evaluations.iter().map(|&(scale, _)| prop::collection::vec(prop::collection::vec(mark(scale), 1..4), pupils)).collect();
        (Just(pupils), Just(evaluations), per_eval).prop_map(|(pupils, evaluations, grades)| Case { evaluations, grades, pupils })
    })
}

fn recorded(position: u64, stream: &str, event: Event) -> RecordedEvent {
    let (event_type, schema_version, payload) = event.to_parts().expect("serialisable event");
    RecordedEvent {
        event_id: Uuid::now_v7(),
        stream: stream.to_string(),
        version: 0,
        position,
        event_type: event_type.to_string(),
        schema_version,
        recorded_at: Utc::now(),
        actor: "system".into(),
        structure: UAI.into(),
        correlation_id: Uuid::nil(),
        causation_id: Uuid::nil(),
        payload,
    }
}

fn parts(g: G) -> (Option<Hundredths>, Option<GradeStatus>) {
    match g {
        G::Value(v) => (Some(Hundredths(v)), None),
        G::Status(s) => (None, Some(s)),
    }
}

/// Σ(value/N × 20 × coef) / Σ coef, as an i128 fraction, straight from the final grades.
fn direct_average(case: &Case, pupil: usize) -> Option<(i128, i128)> {
    let lcm = case.evaluations.iter().fold(1i128, |l, &(n, _)| {
        let n = i128::from(n);
        let (mut a, mut b) = (l, n);
        while b != 0 {
            (a, b) = (b, a % b);
        }
        l / a * n
    });
    let (mut num, mut coefs) = (0i128, 0i128);
    for (e, &(scale, coef)) in case.evaluations.iter().enumerate() {
        if let Some(G::Value(v)) = case.grades[e][pupil].last() {
            num += i128::from(*v) * 20 * i128::from(coef) * (lcm / i128::from(scale));
            coefs += i128::from(coef);
        }
    }
    // value and coef are in hundredths: (num / (100 · 100 · lcm)) / (coefs / 100).
    (coefs > 0).then_some((num, 100 * lcm * coefs))
}

fn exact(text: &str) -> (i128, i128) {
    let (n, d) = text.split_once('/').expect("n/d");
    (n.parse().expect("numerator fits i128"), d.parse().expect("denominator fits i128"))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]
    #[test]
    fn projection_averages_equal_a_direct_recomputation_after_corrections(case in case()) {
        let (class, subject, period) = (Uuid::new_v4(), Uuid::new_v4(), Uuid::new_v4());
        let pupils: Vec<Uuid> = (0..case.pupils).map(|_| Uuid::new_v4()).collect();
        let mut events = Vec::new();
        let mut position = 0;
        let mut push = |stream: &str, e: Event, events: &mut Vec<RecordedEvent>| {
            position += 1;
            events.push(recorded(position, stream, e));
        };
        let mut eval_ids = Vec::new();
        for (i, &(scale, coef)) in case.evaluations.iter().enumerate() {
            let id = Uuid::new_v4();
            eval_ids.push(id);
            let stream = format!("{UAI}/evaluation/{id}");
            push(&stream, Event::EvaluationCreated(EvaluationCreated {
                evaluation_id: id, structure: UAI.into(), class_or_group: class, subject, period,
                date: NaiveDate::from_ymd_opt(2026, 10, 1 + i as u32).unwrap(), title: format!("E{i}"),
                coefficient: Hundredths(coef), scale,
            }), &mut events);
        }
        // First every first grade, then the corrections, round by round (interleaved evaluations).
        let rounds = case.grades.iter().flatten().map(Vec::len).max().unwrap_or(0);
        for round in 0..rounds {
            for (e, per_pupil) in case.grades.iter().enumerate() {
                let stream = format!("{UAI}/evaluation/{}", eval_ids[e]);
                for (p, history) in per_pupil.iter().enumerate() {
                    let Some(&g) = history.get(round) else { continue };
                    let (value, status) = parts(g);
                    let event = if round == 0 {
                        Event::GradeRecorded(GradeRecorded { evaluation: eval_ids[e], pupil: pupils[p], class, value, status })
                    } else {
                        Event::GradeCorrected(GradeCorrected { evaluation: eval_ids[e], pupil: pupils[p], class, value, status, reason: "correction".into() })
                    };
                    push(&stream, event, &mut events);
                }
            }
        }
        let src = MemorySource::fold(&NotesProjection, &events).unwrap();
        let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
        let names = Names { structure: None, pupil: None, class: None };
        let mut expected_averages = Vec::new();
        let mut bulletins = Vec::new();
        for (p, pupil) in pupils.iter().enumerate() {
            let b = rt.block_on(compute_bulletin(&src, &names, *pupil, period, None)).unwrap().expect("bulletin");
            let line = &b.subjects[0];
            let expected = direct_average(&case, p);
            match (expected, &line.pupil_average_exact) {
                (Some((n, d)), Some(text)) => {
                    let (pn, pd) = exact(text);
                    prop_assert_eq!(n * pd, pn * d, "pupil {} exact average", p);
                    expected_averages.push(n as f64 / d as f64);
                    // Only one subject, coefficient 1: the general average is the subject average.
                    prop_assert_eq!(b.general_average_exact.as_deref(), Some(text.as_str()));
                }
                (None, None) => prop_assert_eq!(b.general_average, None),
                (e, got) => prop_assert!(false, "pupil {}: expected {:?}, projection {:?}", p, e, got),
            }
            let graded = case.evaluations.iter().enumerate().filter(|(e, _)| matches!(case.grades[*e][p].last(), Some(G::Value(_)))).count();
            prop_assert_eq!(line.grades, graded);
            bulletins.push(b);
        }
        let line = &bulletins[0].subjects[0];
        if expected_averages.is_empty() {
            prop_assert_eq!(line.class_average, None);
        } else {
            let mean = expected_averages.iter().sum::<f64>() / expected_averages.len() as f64;
            let min = expected_averages.iter().cloned().fold(f64::INFINITY, f64::min);
            let max = expected_averages.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
            for (got, want) in [(line.class_average, mean), (line.class_min, min), (line.class_max, max)] {
                let got = got.expect("class statistic");
                prop_assert!((got - want).abs() <= 0.005 + 1e-9, "class statistic {} vs {}", got, want);
            }
        }
    }
}
