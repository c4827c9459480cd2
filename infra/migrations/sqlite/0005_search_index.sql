-- Full-text search over the documents of searchable read-model collections
-- (ent_projections::search::SEARCHABLE), kept by the document writer in the same transaction as
-- the documents and the checkpoint, per generation. `read_model_search_keys` gives each indexed
-- document a row id; `read_model_search` (FTS5) holds its terms under that row id. The terms are
-- already lowercased, unaccented and reduced by ent_projections::search::index_terms; the
-- tokenizer removes diacritics too, so text indexed without that step still matches.
CREATE TABLE read_model_search_keys (
    id         INTEGER PRIMARY KEY,
    name       TEXT    NOT NULL,
    generation INTEGER NOT NULL,
    collection TEXT    NOT NULL,
    key        TEXT    NOT NULL
);
CREATE UNIQUE INDEX read_model_search_keys_by_address ON read_model_search_keys (name, generation, collection, key);
CREATE VIRTUAL TABLE read_model_search USING fts5(terms, tokenize = 'unicode61 remove_diacritics 2');
