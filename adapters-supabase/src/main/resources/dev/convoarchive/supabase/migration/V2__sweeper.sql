-- The sweeper's state, next to the catalog in the service's own schema.

-- Leases: which instance is archiving which conversation, and until when. A claim is taken with
-- FOR NO KEY UPDATE SKIP LOCKED on the chat table's row, so two instances never take the same
-- conversation; a crashed instance's claims lapse at claimed_until and another takes them.
create table sweep_claims (
  conversation_id text collate "C" primary key,
  user_id         text collate "C" not null,
  claimed_by      text not null,
  claimed_until   timestamptz not null
);

-- When a conversation was last restored: cold tiering counts inactivity from then, so a restored
-- conversation is not swept again until it has been inactive for the whole period once more.
create table restored_conversations (
  conversation_id text collate "C" primary key,
  user_id         text collate "C" not null,
  restored_at     timestamptz not null
);

alter table sweep_claims enable row level security;
alter table restored_conversations enable row level security;
