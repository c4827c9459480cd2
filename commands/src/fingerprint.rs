//! The fingerprint of a request, stored with its result: a `command_id` sent again is answered
//! with the stored result only when the fingerprint (and the actor) match.

use serde_json::Value;
use sha2::{Digest, Sha256};

/// Hex SHA-256 of `command_type`, the canonical JSON of `payload` and `expected_version`.
pub fn fingerprint(command_type: &str, payload: &Value, expected_version: Option<u64>) -> String {
    let mut canonical = String::new();
    write_canonical(&mut canonical, payload);
    let mut hasher = Sha256::new();
    hasher.update(command_type.as_bytes());
    hasher.update([0]);
    hasher.update(canonical.as_bytes());
    hasher.update([0]);
    hasher.update(expected_version.map_or_else(|| "-".to_string(), |v| v.to_string()).as_bytes());
    hex(&hasher.finalize())
}

/// Hex SHA-256 of arbitrary parts (appends the system makes without an envelope).
pub fn fingerprint_parts<'a>(parts: impl IntoIterator<Item = &'a [u8]>) -> String {
    let mut hasher = Sha256::new();
    for p in parts {
        hasher.update((p.len() as u64).to_le_bytes());
        hasher.update(p);
    }
    hex(&hasher.finalize())
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// JSON with object keys sorted at every level and no insignificant whitespace, whatever the
/// map implementation serde_json was built with.
pub fn write_canonical(out: &mut String, value: &Value) {
    match value {
        Value::Object(map) => {
            let mut entries: Vec<_> = map.iter().collect();
            entries.sort_by(|a, b| a.0.cmp(b.0));
            out.push('{');
            for (i, (k, v)) in entries.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Value::String(k.clone()).to_string());
                out.push(':');
                write_canonical(out, v);
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, v) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_canonical(out, v);
            }
            out.push(']');
        }
        scalar => out.push_str(&scalar.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn key_order_does_not_change_the_fingerprint() {
        let a: Value = serde_json::from_str(r#"{"b": 1, "a": {"y": [1, 2], "x": null}}"#).unwrap();
        let b: Value = serde_json::from_str(r#"{"a": {"x": null, "y": [1, 2]}, "b": 1}"#).unwrap();
        assert_eq!(fingerprint("T", &a, None), fingerprint("T", &b, None));
    }

    #[test]
    fn type_payload_and_expected_version_each_change_the_fingerprint() {
        let p = json!({"code": "6A"});
        let base = fingerprint("CreateClass", &p, None);
        assert_ne!(base, fingerprint("CreateGroup", &p, None));
        assert_ne!(base, fingerprint("CreateClass", &json!({"code": "6B"}), None));
        assert_ne!(base, fingerprint("CreateClass", &p, Some(0)));
        assert_eq!(base.len(), 64);
    }
}
