-- Full-text search over the documents of searchable read-model collections
-- (ent_projections::search::SEARCHABLE), kept by the document writer in the same transaction as
-- the documents and the checkpoint, per generation: a `tsvector` of the French configuration over
-- the unaccented text (so "évaluation" finds "evaluations"), with a GIN index.
CREATE EXTENSION IF NOT EXISTS unaccent;
CREATE TABLE read_model_search (
    name       TEXT    NOT NULL,
    generation INTEGER NOT NULL,
    collection TEXT    NOT NULL,
    key        TEXT COLLATE "C" NOT NULL,
    terms      TSVECTOR NOT NULL,
    PRIMARY KEY (name, generation, collection, key)
);
CREATE INDEX read_model_search_terms ON read_model_search USING GIN (terms);
