-- The event log. Positions are assigned under a transaction-scoped advisory lock, so they are
-- committed in order and a reader of "position > p" never skips a later commit.
CREATE TABLE events (
    position       BIGINT      PRIMARY KEY,
    event_id       UUID        NOT NULL UNIQUE,
    stream         TEXT        NOT NULL,
    version        BIGINT      NOT NULL,
    event_type     TEXT        NOT NULL,
    schema_version INTEGER     NOT NULL,
    recorded_at    TIMESTAMPTZ NOT NULL,
    actor          TEXT        NOT NULL,
    structure      TEXT        NOT NULL,
    correlation_id UUID        NOT NULL,
    causation_id   UUID        NOT NULL,
    payload        JSONB       NOT NULL,
    UNIQUE (stream, version)
);

CREATE TABLE streams (
    stream       TEXT PRIMARY KEY,
    aggregate    TEXT   NOT NULL,
    aggregate_id TEXT   NOT NULL,
    version      BIGINT NOT NULL
);
CREATE INDEX streams_by_aggregate ON streams (aggregate, aggregate_id);

CREATE TABLE commands (
    command_id  UUID PRIMARY KEY,
    result      JSONB       NOT NULL,
    recorded_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE secrets (
    key        TEXT PRIMARY KEY,
    value      TEXT        NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE projections (
    name              TEXT PRIMARY KEY,
    active_generation INTEGER NOT NULL
);
CREATE TABLE projection_checkpoints (
    name       TEXT        NOT NULL,
    generation INTEGER     NOT NULL,
    position   BIGINT      NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (name, generation)
);
CREATE TABLE read_models (
    name       TEXT    NOT NULL,
    generation INTEGER NOT NULL,
    collection TEXT    NOT NULL,
    key        TEXT COLLATE "C" NOT NULL,
    doc        JSONB   NOT NULL,
    PRIMARY KEY (name, generation, collection, key)
);
