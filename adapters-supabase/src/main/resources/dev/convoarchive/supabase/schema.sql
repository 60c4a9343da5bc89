-- convo-archive: the live conversations of a chat app, in the common Supabase shape.
-- Paste into the Supabase SQL editor, or let local mode load it. On Supabase, consider adding
-- "references auth.users (id) on delete cascade" to user_id and row-level security policies.
-- convo-archive also works when the id columns are text instead of uuid.

create table if not exists conversations (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null,
  title text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create index if not exists conversations_user_id_idx on conversations (user_id);

create table if not exists messages (
  id uuid primary key default gen_random_uuid(),
  conversation_id uuid not null references conversations (id) on delete cascade,
  role text not null check (role in ('user', 'assistant', 'system', 'tool')),
  content text not null default '',
  metadata jsonb not null default '{}'::jsonb,
  created_at timestamptz not null default now()
);

create index if not exists messages_conversation_id_idx on messages (conversation_id, created_at, id);
