//! Averages exactly as BRIEF §2.3, in exact rational arithmetic; rounding only for display.
//!
//! Subject average of a pupil = Σ(value/N × 20 × coef) / Σ coef over the evaluations where the
//! pupil has a value (statuses count nowhere). General average = Σ(subject average × subject
//! coefficient) / Σ subject coefficients. Class average, min and max are taken over the subject
//! averages of the pupils of the class.

use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::{ToPrimitive, Zero};

use super::types::{Hundredths, Mark};

/// An exact average.
pub type Exact = BigRational;

/// One grade as averages see it: the mark, the evaluation's scale `/N` and its coefficient.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WeightedMark {
    pub mark: Mark,
    pub scale: u32,
    pub coefficient: Hundredths,
}

fn ratio(num: u64, den: u64) -> Exact {
    BigRational::new(BigInt::from(num), BigInt::from(den))
}

/// The subject average on /20, or `None` when the pupil has no value in that subject.
pub fn subject_average<'a>(marks: impl IntoIterator<Item = &'a WeightedMark>) -> Option<Exact> {
    let marks: Vec<&WeightedMark> = marks.into_iter().filter(|m| matches!(m.mark, Mark::Value(_)) && m.scale > 0).collect();
    if marks.is_empty() {
        return None;
    }
    subject_average_i128(&marks)
        .map(|(n, d)| BigRational::new_raw(BigInt::from(n), BigInt::from(d)))
        .or_else(|| subject_average_big(&marks))
}

/// The subject average in [`to_text`] form, `None` when the pupil has no value in that subject;
/// the same text as `to_text(&subject_average(..)?)`, without big-integer arithmetic when the
/// sums fit in `i128` (always, for real grades).
pub fn subject_average_text<'a>(marks: impl IntoIterator<Item = &'a WeightedMark>) -> Option<String> {
    let marks: Vec<&WeightedMark> = marks.into_iter().filter(|m| matches!(m.mark, Mark::Value(_)) && m.scale > 0).collect();
    if marks.is_empty() {
        return None;
    }
    match subject_average_i128(&marks) {
        Some((n, d)) => Some(format!("{n}/{d}")),
        None => subject_average_big(&marks).as_ref().map(to_text),
    }
}

/// Fast path: one common denominator in `i128` (None on overflow, then the big path runs).
/// avg = Σ(v·20·c·(L/N)) / (100·L·Σc), with v and c in hundredths and L the lcm of the scales.
/// Returns the reduced numerator and denominator.
fn subject_average_i128(marks: &[&WeightedMark]) -> Option<(i128, i128)> {
    let lcm = marks.iter().try_fold(1i128, |l, m| lcm_i128(l, i128::from(m.scale)))?;
    let (mut num, mut coefs) = (0i128, 0i128);
    for m in marks {
        let Mark::Value(v) = m.mark else { continue };
        let term = i128::from(v.0).checked_mul(20)?.checked_mul(i128::from(m.coefficient.0))?.checked_mul(lcm / i128::from(m.scale))?;
        num = num.checked_add(term)?;
        coefs = coefs.checked_add(i128::from(m.coefficient.0))?;
    }
    if coefs == 0 {
        return None;
    }
    let den = lcm.checked_mul(100)?.checked_mul(coefs)?;
    // Reduce in i128 (cheap); the caller builds the rational as is: BigRational::new would
    // reduce again with big-integer arithmetic, which dominated the cost of folding a grade.
    let g = gcd_i128(num, den).max(1);
    Some((num / g, den / g))
}

/// The same sum in arbitrary precision.
fn subject_average_big(marks: &[&WeightedMark]) -> Option<Exact> {
    let mut weighted = Exact::zero();
    let mut coefficients = Exact::zero();
    for m in marks {
        let Mark::Value(v) = m.mark else { continue };
        let coef = ratio(u64::from(m.coefficient.0), 100);
        // value/N × 20, with value in hundredths.
        weighted += ratio(u64::from(v.0) * 20, u64::from(m.scale) * 100) * &coef;
        coefficients += coef;
    }
    (!coefficients.is_zero()).then(|| weighted / coefficients)
}

fn gcd_i128(mut a: i128, mut b: i128) -> i128 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a.abs()
}

fn lcm_i128(a: i128, b: i128) -> Option<i128> {
    let g = gcd_i128(a, b);
    if g == 0 { Some(0) } else { (a / g).checked_mul(b) }
}

/// The general average over subject averages with their subject coefficients (default 1).
pub fn general_average<'a>(subjects: impl IntoIterator<Item = (&'a Exact, Hundredths)>) -> Option<Exact> {
    let mut weighted = Exact::zero();
    let mut coefficients = Exact::zero();
    for (avg, coef) in subjects {
        let c = ratio(u64::from(coef.0), 100);
        weighted += avg * &c;
        coefficients += c;
    }
    (!coefficients.is_zero()).then(|| weighted / coefficients)
}

/// Class average, minimum and maximum of a set of pupil averages.
#[derive(Debug, Clone, PartialEq)]
pub struct ClassStats {
    pub average: Exact,
    pub min: Exact,
    pub max: Exact,
    pub pupils: usize,
}

/// The statistics of the class in one subject, `None` when nobody has an average.
pub fn class_stats<'a>(averages: impl IntoIterator<Item = &'a Exact>) -> Option<ClassStats> {
    let averages: Vec<&Exact> = averages.into_iter().collect();
    if averages.is_empty() {
        return None;
    }
    let n = averages.len();
    let min = (*averages.iter().min()?).clone();
    let max = (*averages.iter().max()?).clone();
    let sum = sum_i128(&averages).unwrap_or_else(|| averages.iter().fold(Exact::zero(), |s, a| s + *a));
    Some(ClassStats { average: sum / ratio(n as u64, 1), min, max, pupils: n })
}

/// Fast path of a sum of fractions over one common denominator in `i128`.
fn sum_i128(values: &[&Exact]) -> Option<Exact> {
    let parts: Vec<(i128, i128)> = values.iter().map(|v| Some((v.numer().to_i128()?, v.denom().to_i128()?))).collect::<Option<_>>()?;
    let lcm = parts.iter().try_fold(1i128, |l, (_, d)| lcm_i128(l, *d))?;
    let num = parts.iter().try_fold(0i128, |s, (n, d)| s.checked_add(n.checked_mul(lcm / d)?))?;
    Some(BigRational::new(BigInt::from(num), BigInt::from(lcm)))
}

/// Rounds to 2 decimals (half away from zero), for display only.
pub fn display(avg: &Exact) -> f64 {
    let hundredths = (avg * ratio(100, 1)).round();
    hundredths.to_integer().to_f64().unwrap_or(f64::NAN) / 100.0
}

/// Exact text form `numerator/denominator`, for storage in read models.
pub fn to_text(avg: &Exact) -> String {
    format!("{}/{}", avg.numer(), avg.denom())
}

/// Parses [`to_text`]'s output.
pub fn from_text(text: &str) -> Option<Exact> {
    let (n, d) = text.split_once('/')?;
    let (n, d): (BigInt, BigInt) = (n.parse().ok()?, d.parse().ok()?);
    (!d.is_zero()).then(|| BigRational::new(n, d))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::notes::types::GradeStatus;

    fn v(value: u32, scale: u32, coef: u32) -> WeightedMark {
        WeightedMark { mark: Mark::Value(Hundredths(value)), scale, coefficient: Hundredths(coef) }
    }

    #[test]
    fn subject_average_weights_values_on_twenty_by_coefficient() {
        // 15/20 coef 1, 8/10 coef 2 (= 16/20): (15 + 32) / 3 = 15.666…
        let marks = [v(1500, 20, 100), v(800, 10, 200)];
        let avg = subject_average(&marks).unwrap();
        assert_eq!(avg, ratio(47, 3));
        assert_eq!(display(&avg), 15.67);
    }

    #[test]
    fn statuses_count_in_no_average() {
        let abs = WeightedMark { mark: Mark::Status(GradeStatus::Abs), scale: 20, coefficient: Hundredths(500) };
        let marks = [v(1000, 20, 100), abs];
        assert_eq!(subject_average(&marks).unwrap(), ratio(10, 1));
        assert_eq!(subject_average(&[abs]), None);
    }

    #[test]
    fn general_average_uses_subject_coefficients() {
        let (a, b) = (ratio(12, 1), ratio(18, 1));
        let g = general_average([(&a, Hundredths(100)), (&b, Hundredths(200))]).unwrap();
        assert_eq!(g, ratio(16, 1));
    }

    #[test]
    fn class_stats_are_average_min_and_max_of_pupil_averages() {
        let avgs = [ratio(10, 1), ratio(14, 1), ratio(9, 1)];
        let s = class_stats(&avgs).unwrap();
        assert_eq!((s.average, s.min, s.max, s.pupils), (ratio(11, 1), ratio(9, 1), ratio(14, 1), 3));
    }

    #[test]
    fn fast_and_arbitrary_precision_paths_agree() {
        let marks = [v(1733, 17, 133), v(4999, 97, 250), v(0, 3, 1), v(999, 10, 7)];
        let refs: Vec<&WeightedMark> = marks.iter().collect();
        let (n, d) = subject_average_i128(&refs).unwrap();
        assert_eq!(Some(BigRational::new_raw(BigInt::from(n), BigInt::from(d))), subject_average_big(&refs));
        assert_eq!(subject_average_text(&marks), subject_average_big(&refs).as_ref().map(to_text));
        let avgs = [ratio(47, 3), ratio(91, 7), ratio(5, 11)];
        let refs: Vec<&Exact> = avgs.iter().collect();
        assert_eq!(sum_i128(&refs).unwrap(), ratio(47, 3) + ratio(91, 7) + ratio(5, 11));
    }

    #[test]
    fn averages_are_exact_and_round_only_for_display() {
        // Three thirds: a float sum would drift; the exact one does not.
        let avg = subject_average(&[v(1000, 30, 100), v(1000, 30, 100), v(1000, 30, 100)]).unwrap();
        assert_eq!(to_text(&avg), "20/3");
        assert_eq!(subject_average_text(&[v(1000, 30, 100), v(1000, 30, 100), v(1000, 30, 100)]).as_deref(), Some("20/3"));
        assert_eq!(from_text(&to_text(&avg)), Some(avg.clone()));
        assert_eq!(display(&avg), 6.67);
    }
}
