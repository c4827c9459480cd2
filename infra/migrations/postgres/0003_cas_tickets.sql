-- Single sign-on (CAS): service tickets waiting for their validation, stored by their SHA-256
-- (a validation removes its row with DELETE … RETURNING: exactly one validation gets a ticket,
-- whichever server it reaches), and the services each single sign-on session validated a ticket
-- for, kept until the session's logout (single logout).
CREATE TABLE cas_tickets (
    hash TEXT PRIMARY KEY,
    service TEXT NOT NULL,
    service_id UUID NOT NULL,
    user_id UUID NOT NULL,
    session_id UUID NOT NULL,
    issued_at TIMESTAMPTZ NOT NULL,
    from_credentials BOOLEAN NOT NULL
);
CREATE INDEX cas_tickets_issued_at ON cas_tickets (issued_at);

CREATE TABLE cas_session_services (
    session_id UUID NOT NULL,
    service TEXT NOT NULL,
    service_id UUID NOT NULL,
    ticket TEXT NOT NULL,
    validated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (session_id, ticket)
);
