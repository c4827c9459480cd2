//! Value types of the notes service: two-decimal quantities, grade statuses, mentions.

use std::fmt;

use schemars::JsonSchema;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::DomainError;

/// A non-negative quantity with at most two decimals (a grade value, a coefficient), kept as an
/// integer number of hundredths so that no arithmetic on it ever rounds. On the wire it is a
/// JSON number (`12.5`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Hundredths(pub u32);

impl Hundredths {
    /// `n` as a whole number of units.
    pub const fn units(n: u32) -> Self {
        Hundredths(n * 100)
    }

    /// Parses a decimal number that must have at most two decimals and lie in `[0, max]`.
    pub fn parse(field: &str, value: f64, max: Hundredths) -> Result<Self, DomainError> {
        if !value.is_finite() || value < 0.0 {
            return Err(DomainError::field(field, "must be a number ≥ 0"));
        }
        let scaled = value * 100.0;
        let rounded = scaled.round();
        if (scaled - rounded).abs() > 1e-6 {
            return Err(DomainError::field(field, "at most 2 decimals"));
        }
        if rounded > f64::from(max.0) {
            return Err(DomainError::field(field, format!("must be at most {max}")));
        }
        Ok(Hundredths(rounded as u32))
    }

    /// The value as a float, for display and JSON only.
    pub fn as_f64(self) -> f64 {
        f64::from(self.0) / 100.0
    }
}

impl fmt::Display for Hundredths {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_multiple_of(100) { write!(f, "{}", self.0 / 100) } else { write!(f, "{}.{:02}", self.0 / 100, self.0 % 100) }
    }
}

impl Serialize for Hundredths {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_f64(self.as_f64())
    }
}

impl<'de> Deserialize<'de> for Hundredths {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = f64::deserialize(d)?;
        Hundredths::parse("value", v, Hundredths(u32::MAX / 2)).map_err(serde::de::Error::custom)
    }
}

impl JsonSchema for Hundredths {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Hundredths".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({"type": "number", "minimum": 0, "description": "a number with at most 2 decimals"})
    }
}

/// A grade that is not a value (BRIEF §2.3): it counts in no average.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
pub enum GradeStatus {
    /// Absent.
    Abs,
    /// Dispensé.
    Disp,
    /// Non rendu (not handed in).
    #[serde(rename = "NR")]
    Nr,
    /// Non noté (not graded).
    #[serde(rename = "NN")]
    Nn,
}

/// What a pupil got on an evaluation: a value on the evaluation's scale, or a status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Mark {
    Value(Hundredths),
    Status(GradeStatus),
}

impl Mark {
    /// Exactly one of `value` and `status`, the value checked against the scale `/scale`.
    pub fn parse(field_prefix: &str, value: Option<f64>, status: Option<GradeStatus>, scale: u32) -> Result<Mark, DomainError> {
        let name = |f: &str| if field_prefix.is_empty() { f.to_string() } else { format!("{field_prefix}.{f}") };
        match (value, status) {
            (Some(v), None) => Ok(Mark::Value(Hundredths::parse(&name("value"), v, Hundredths::units(scale))?)),
            (None, Some(s)) => Ok(Mark::Status(s)),
            (Some(_), Some(_)) => Err(DomainError::field(name("status"), "give either a value or a status, not both")),
            (None, None) => Err(DomainError::field(name("value"), "a value or a status is required")),
        }
    }

    /// The (value, status) pair events carry.
    pub fn parts(self) -> (Option<Hundredths>, Option<GradeStatus>) {
        match self {
            Mark::Value(v) => (Some(v), None),
            Mark::Status(s) => (None, Some(s)),
        }
    }

    /// Rebuilds a mark from the pair events carry.
    pub fn from_parts(value: Option<Hundredths>, status: Option<GradeStatus>) -> Mark {
        match (value, status) {
            (Some(v), _) => Mark::Value(v),
            (None, Some(s)) => Mark::Status(s),
            (None, None) => Mark::Status(GradeStatus::Nn),
        }
    }
}

/// Class-council mention on a bulletin.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Mention {
    Felicitations,
    Compliments,
    Encouragements,
    AvertissementTravail,
    AvertissementConduite,
}

impl Mention {
    /// The French label printed on a bulletin.
    pub fn label(self) -> &'static str {
        match self {
            Mention::Felicitations => "Félicitations",
            Mention::Compliments => "Compliments",
            Mention::Encouragements => "Encouragements",
            Mention::AvertissementTravail => "Avertissement travail",
            Mention::AvertissementConduite => "Avertissement conduite",
        }
    }
}

/// Largest coefficient accepted for an evaluation or a subject.
pub const MAX_COEFFICIENT: Hundredths = Hundredths::units(100);

/// Parses a coefficient: > 0, at most 2 decimals, at most [`MAX_COEFFICIENT`].
pub fn parse_coefficient(field: &str, value: f64) -> Result<Hundredths, DomainError> {
    let c = Hundredths::parse(field, value, MAX_COEFFICIENT)?;
    if c.0 == 0 { Err(DomainError::field(field, "must be greater than 0")) } else { Ok(c) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hundredths_display_and_json_round_trip() {
        assert_eq!(Hundredths(1250).to_string(), "12.50");
        assert_eq!(Hundredths(1200).to_string(), "12");
        let json = serde_json::to_string(&Hundredths(1575)).unwrap();
        assert_eq!(json, "15.75");
        assert_eq!(serde_json::from_str::<Hundredths>(&json).unwrap(), Hundredths(1575));
    }

    #[test]
    fn grade_statuses_use_their_french_abbreviations() {
        assert_eq!(serde_json::to_string(&GradeStatus::Nr).unwrap(), "\"NR\"");
        assert_eq!(serde_json::from_str::<GradeStatus>("\"Abs\"").unwrap(), GradeStatus::Abs);
    }
}
