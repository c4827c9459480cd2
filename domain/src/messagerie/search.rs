//! Full-text search in French over messages, the simplest correct way: subject and body are cut
//! into normalised terms (HTML tags dropped, lower case, accents folded, a simple French plural
//! stemming), and a query matches a message when each of its terms begins a term of the message.

/// The normalised terms of a text (HTML tags dropped), deduplicated and sorted.
pub fn terms(text: &str) -> Vec<String> {
    let mut out: Vec<String> = tokens(&strip_tags(text)).collect();
    out.sort();
    out.dedup();
    out
}

/// Whether a message whose [`terms`] are `doc_terms` (sorted) matches `query`: every query term
/// begins one of them. An empty query matches nothing.
pub fn matches(doc_terms: &[String], query: &str) -> bool {
    let q: Vec<String> = tokens(query).collect();
    !q.is_empty()
        && q.iter().all(|t| {
            let i = doc_terms.partition_point(|d| d.as_str() < t.as_str());
            doc_terms.get(i).is_some_and(|d| d.starts_with(t.as_str()))
        })
}

fn strip_tags(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => {
                in_tag = true;
                out.push(' ');
            }
            '>' if in_tag => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.replace("&nbsp;", " ").replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&#39;", "'")
}

fn fold(c: char) -> char {
    match c {
        'à' | 'â' | 'ä' | 'á' | 'ã' => 'a',
        'ç' => 'c',
        'é' | 'è' | 'ê' | 'ë' => 'e',
        'î' | 'ï' | 'í' | 'ì' => 'i',
        'ô' | 'ö' | 'ó' | 'ò' | 'õ' => 'o',
        'ù' | 'û' | 'ü' | 'ú' => 'u',
        'ÿ' => 'y',
        'ñ' => 'n',
        c => c,
    }
}

fn stem(word: String) -> String {
    // Plural forms: "réunions" → "reunion", "travaux" → "travau" (as "travail" is not reached,
    // both singular and plural of regular nouns meet).
    if word.chars().count() > 3 && (word.ends_with('s') || word.ends_with('x')) {
        let mut w = word;
        w.pop();
        w
    } else {
        word
    }
}

fn tokens(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(|w| {
        let folded: String = w.chars().flat_map(char::to_lowercase).map(fold).collect();
        let folded = folded.replace('œ', "oe").replace('æ', "ae");
        stem(folded)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_folds_case_accents_and_plurals() {
        let t = terms("<p>Réunion des <b>Parents</b> d'élèves</p>");
        assert!(matches(&t, "reunion"));
        assert!(matches(&t, "RÉUNIONS parent"));
        assert!(matches(&t, "élève"));
        assert!(matches(&t, "reu"), "a prefix");
        assert!(!matches(&t, "conseil"));
        assert!(!matches(&t, "  "));
        assert!(!t.iter().any(|w| w == "b" || w == "p"), "tag names are not text: {t:?}");
    }
}
