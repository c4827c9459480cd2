-- The event log. Positions are assigned by the single writer inside its write transaction, so
-- they are committed in order and a reader of "position > p" never skips a later commit.
CREATE TABLE events (
    position       INTEGER PRIMARY KEY,
    event_id       TEXT    NOT NULL UNIQUE,
    stream         TEXT    NOT NULL,
    version        INTEGER NOT NULL,
    event_type     TEXT    NOT NULL,
    schema_version INTEGER NOT NULL,
    recorded_at    TEXT    NOT NULL,
    actor          TEXT    NOT NULL,
    structure      TEXT    NOT NULL,
    correlation_id TEXT    NOT NULL,
    causation_id   TEXT    NOT NULL,
    payload        TEXT    NOT NULL,
    UNIQUE (stream, version)
);

-- Current version of every stream, and the index that finds an aggregate by its id.
CREATE TABLE streams (
    stream       TEXT PRIMARY KEY,
    aggregate    TEXT    NOT NULL,
    aggregate_id TEXT    NOT NULL,
    version      INTEGER NOT NULL
);
CREATE INDEX streams_by_aggregate ON streams (aggregate, aggregate_id);

-- Idempotency: the result of every committed command.
CREATE TABLE commands (
    command_id  TEXT PRIMARY KEY,
    result      TEXT NOT NULL,
    recorded_at TEXT NOT NULL
);

-- Values kept beside the log, never in it (password hashes, signing keys, data keys).
CREATE TABLE secrets (
    key        TEXT PRIMARY KEY,
    value      TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

-- Read models: documents per projection and generation, with the generation's checkpoint.
CREATE TABLE projections (
    name              TEXT PRIMARY KEY,
    active_generation INTEGER NOT NULL
);
CREATE TABLE projection_checkpoints (
    name       TEXT    NOT NULL,
    generation INTEGER NOT NULL,
    position   INTEGER NOT NULL,
    updated_at TEXT    NOT NULL,
    PRIMARY KEY (name, generation)
);
CREATE TABLE read_models (
    name       TEXT    NOT NULL,
    generation INTEGER NOT NULL,
    collection TEXT    NOT NULL,
    key        TEXT    NOT NULL,
    doc        TEXT    NOT NULL,
    PRIMARY KEY (name, generation, collection, key)
) WITHOUT ROWID;
