-- Idempotency as payment APIs do it: each stored command result keeps who sent it and a
-- fingerprint of the request (command type, SHA-256 of the canonical payload, expected version).
-- The stored result answers only the same actor with the same request.
ALTER TABLE commands ADD COLUMN actor TEXT;
ALTER TABLE commands ADD COLUMN fingerprint TEXT;
-- Rows stored before this migration: the actor is the one of their first event (every command
-- appends at least one event, stamped with its actor); their fingerprint stays NULL, and such a
-- row answers its actor whatever the request (what was asked is unknown), and nobody else.
UPDATE commands SET actor = (SELECT e.actor FROM events e WHERE e.event_id = json_extract(commands.result, '$.event_ids[0]'));
