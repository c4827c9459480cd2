-- Single sign-on (CAS): service tickets waiting for their validation, stored by their SHA-256
-- (a validation removes its row with DELETE … RETURNING: exactly one validation gets a ticket),
-- and the services each single sign-on session validated a ticket for, kept until the
-- session's logout (single logout). Times are RFC 3339 UTC text, as elsewhere.
CREATE TABLE cas_tickets (
    hash TEXT PRIMARY KEY,
    service TEXT NOT NULL,
    service_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    session_id TEXT NOT NULL,
    issued_at TEXT NOT NULL,
    from_credentials INTEGER NOT NULL
);
CREATE INDEX cas_tickets_issued_at ON cas_tickets (issued_at);

CREATE TABLE cas_session_services (
    session_id TEXT NOT NULL,
    service TEXT NOT NULL,
    service_id TEXT NOT NULL,
    ticket TEXT NOT NULL,
    PRIMARY KEY (session_id, ticket)
);
