//! Full-text search over read-model documents. A collection is declared *searchable* here with
//! the text fields of its documents to index; the store's document writer keeps a search index
//! of those fields in the same transaction as the documents and the checkpoint (so a crash never
//! leaves them apart), per generation (so a rebuild fills its own index and the swap replaces
//! both at once). Queries ask [`crate::ReadModelStore::search`] for the keys of matching
//! documents of the active generation, then read and filter the documents as usual.
//!
//! The index is French: SQLite's FTS5 indexes the [`index_terms`] of the text (accents removed,
//! plurals reduced, see [`french_term`]); PostgreSQL a `tsvector` of the `french` configuration
//! over the unaccented text. Either way "évaluation" finds "Les evaluations".

use serde_json::Value;

/// A collection whose documents are indexed for full-text search.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SearchableCollection {
    pub projection: &'static str,
    pub collection: &'static str,
    /// Top-level string fields of each document, indexed together.
    pub fields: &'static [&'static str],
}

/// Every searchable collection.
pub const SEARCHABLE: &[SearchableCollection] = &[
    // ressources: the catalogue, by title and description.
    SearchableCollection {
        projection: crate::ressources::NAME,
        collection: crate::ressources::RESOURCES,
        fields: &["title", "description"],
    },
];

/// The declaration of `projection`'s `collection`, if it is searchable.
pub fn searchable(projection: &str, collection: &str) -> Option<&'static SearchableCollection> {
    SEARCHABLE.iter().find(|c| c.projection == projection && c.collection == collection)
}

/// Most keys a search returns.
pub const MAX_HITS: usize = 1_000;

impl SearchableCollection {
    /// The text to index of a document (its JSON text): its fields, one per line. A document
    /// that is not JSON indexes nothing.
    pub fn text_of(&self, doc: &str) -> String {
        let Ok(Value::Object(map)) = serde_json::from_str::<Value>(doc) else { return String::new() };
        self.fields.iter().filter_map(|f| map.get(*f).and_then(Value::as_str)).collect::<Vec<_>>().join("\n")
    }
}

/// Removes the accents of a lowercase Latin letter (`é` → `e`, `œ` → `oe`); other characters
/// are kept.
fn unaccent(c: char, out: &mut String) {
    let plain = match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' => 'a',
        'ç' => 'c',
        'è' | 'é' | 'ê' | 'ë' => 'e',
        'ì' | 'í' | 'î' | 'ï' => 'i',
        'ñ' => 'n',
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' => 'o',
        'ù' | 'ú' | 'û' | 'ü' => 'u',
        'ý' | 'ÿ' => 'y',
        'œ' => return out.push_str("oe"),
        'æ' => return out.push_str("ae"),
        other => other,
    };
    out.push(plain);
}

/// One word reduced to its index form: lowercase, without accents, its plural (`-s`, `-x`,
/// `-aux` → `-al`) and final `-e` removed — a light stemmer, so that "évaluation",
/// "evaluations" and "Évaluations" meet, "journaux" finds "journal", "exercice" finds
/// "exercices", without the over-reach of a full stemmer on short words.
pub fn french_term(word: &str) -> String {
    let mut w = String::with_capacity(word.len());
    for c in word.chars().flat_map(char::to_lowercase) {
        unaccent(c, &mut w);
    }
    let len = w.chars().count();
    if len > 4 && w.ends_with("aux") {
        w.truncate(w.len() - 3);
        w.push_str("al");
    } else if len > 3 && (w.ends_with('s') || w.ends_with('x')) && !w.ends_with("ss") {
        w.pop();
    }
    if w.chars().count() > 4 && w.ends_with('e') {
        w.pop();
    }
    w
}

/// The words of a text (letters and digits; `l'évaluation` is `l` and `évaluation`).
fn words(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty())
}

/// What SQLite's FTS5 indexes for a text: its [`french_term`]s, separated by spaces.
pub fn index_terms(text: &str) -> String {
    words(text).map(french_term).collect::<Vec<_>>().join(" ")
}

/// An FTS5 query for what a user typed: every term must appear (each quoted, so the user's text
/// is never FTS5 syntax). `None` when it has no word.
pub fn fts5_query(typed: &str) -> Option<String> {
    let terms: Vec<String> = words(typed).map(french_term).map(|t| format!("\"{}\"", t.replace('"', ""))).collect();
    if terms.is_empty() { None } else { Some(terms.join(" ")) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accents_case_and_plurals_meet_in_one_term() {
        for w in ["évaluation", "Évaluations", "evaluations", "EVALUATION"] {
            assert_eq!(french_term(w), "evaluation", "{w}");
        }
        assert_eq!(french_term("journaux"), french_term("journal"));
        assert_eq!(french_term("exercices"), french_term("exercice"));
        assert_eq!(french_term("jeux"), "jeu");
        assert_eq!(french_term("bus"), "bus", "short words keep their s");
        assert_eq!(french_term("classe"), french_term("classes"));
    }

    #[test]
    fn search_text_is_never_query_syntax() {
        assert_eq!(fts5_query("l'évaluation \"des\" OR NEAR(x)").as_deref(), Some("\"l\" \"evaluation\" \"des\" \"or\" \"near\" \"x\""));
        assert_eq!(fts5_query("  -- ; "), None);
    }

    #[test]
    fn searchable_documents_index_their_declared_fields() {
        let c = searchable(crate::ressources::NAME, crate::ressources::RESOURCES).expect("the catalogue is searchable");
        let text = c.text_of(r#"{"title": "Les evaluations", "description": "Fractions", "theme": "ignoré"}"#);
        assert_eq!(text, "Les evaluations\nFractions");
        assert_eq!(index_terms(&text), "les evaluation fraction");
        assert_eq!(c.text_of("not json"), "");
        assert!(searchable(crate::ressources::NAME, "path").is_none());
    }
}
