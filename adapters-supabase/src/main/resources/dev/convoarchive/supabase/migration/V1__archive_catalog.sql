-- convo-archive's own schema: the per-file layout's catalog of archived conversations.
-- Flyway runs this in the service's schema (ARCHIVE_DB_SCHEMA, default convo_archive), never in
-- public, so Supabase's REST API does not expose it. Ids are text in the "C" collation so that
-- the database orders them exactly as the service does (uuid or text ids of the chat tables alike).

create table archive_catalog (
  user_id         text collate "C" not null,
  conversation_id text collate "C" not null,
  title           text not null,
  message_count   integer not null,
  created_at      timestamptz not null,
  archived_at     timestamptz not null,
  size_bytes      bigint not null,
  primary key (user_id, conversation_id)
);

-- The listing: newest archived_at first, ties by id, paged by keyset.
create index archive_catalog_listing on archive_catalog (user_id, archived_at desc, conversation_id);

-- Row-level security on, with no policies: only roles that bypass RLS (the service's own
-- database user, the table owner) can read or write it.
alter table archive_catalog enable row level security;
