-- LobeChat's conversation tables, for convo-archive's tests.
--
-- Source: github.com/lobehub/lobe-chat, packages/database/src/schemas/topic.ts (commit
-- 284309f2f8f5d85e0b8d1db6b2516ec592d08a75), message.ts (commit 0ce02d7cc2fa8e1e988b3f818d83af0a4490ff00)
-- and _helpers.ts (commit 2f6062bc74c74da8bc1880bc3cb82c51583eac88); LobeHub Community License. A
-- transcription of the Drizzle schema written for these tests, not a copy: every table a topic owns
-- (topics, threads, messages and the message_* tables, topic_documents) with its columns, types and
-- keys as the schema declares them. The tables they reference outside a topic (users, sessions,
-- agents, files, chunks, embeddings, documents) are reduced to their keys and a few columns;
-- embeddings' vector column is left out (pgvector is not in the embedded PostgreSQL). Ids are text
-- made by the app (Clerk's user ids such as user_2abc..., "tpc_...", "msg_...").

create table users (
  id text primary key,
  username text unique,
  email text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  accessed_at timestamptz not null default now()
);

create table sessions (
  id text primary key,
  slug varchar(100) not null,
  title text,
  user_id text not null references users(id) on delete cascade,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  accessed_at timestamptz not null default now()
);

create table chat_groups (
  id text primary key,
  title text,
  user_id text not null references users(id) on delete cascade,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  accessed_at timestamptz not null default now()
);

create table agents (
  id text primary key,
  title varchar(255),
  user_id text not null references users(id) on delete cascade,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  accessed_at timestamptz not null default now()
);

create table files (
  id text primary key,
  user_id text not null references users(id) on delete cascade,
  file_type varchar(255) not null,
  name text not null,
  size integer not null,
  url text not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  accessed_at timestamptz not null default now()
);

create table chunks (
  id uuid primary key default gen_random_uuid(),
  text text,
  user_id text references users(id) on delete cascade,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  accessed_at timestamptz not null default now()
);

create table embeddings (
  id uuid primary key default gen_random_uuid(),
  chunk_id uuid unique references chunks(id) on delete cascade,
  model text,
  user_id text references users(id) on delete cascade
);

create table documents (
  id varchar(255) primary key,
  title text,
  content text,
  user_id text not null references users(id) on delete cascade,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  accessed_at timestamptz not null default now()
);

create table topics (
  id text primary key,
  title text,
  favorite boolean default false,
  session_id text references sessions(id) on delete cascade,
  group_id text references chat_groups(id) on delete cascade,
  user_id text not null references users(id) on delete cascade,
  client_id text,
  history_summary text,
  metadata jsonb,
  accessed_at timestamptz not null default now(),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create unique index topics_client_id_user_id_unique on topics (client_id, user_id);

create table threads (
  id text primary key,
  title text,
  type text not null,
  status text default 'active',
  topic_id text not null references topics(id) on delete cascade,
  source_message_id text not null,
  parent_thread_id text references threads(id) on delete set null,
  client_id text,
  user_id text not null references users(id) on delete cascade,
  last_active_at timestamptz default now(),
  accessed_at timestamptz not null default now(),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create unique index threads_client_id_user_id_unique on threads (client_id, user_id);

create table messages (
  id text primary key,
  role text not null,
  content text,
  reasoning jsonb,
  search jsonb,
  metadata jsonb,
  model text,
  provider text,
  favorite boolean default false,
  error jsonb,
  tools jsonb,
  trace_id text,
  observation_id text,
  client_id text,
  user_id text not null references users(id) on delete cascade,
  session_id text references sessions(id) on delete cascade,
  topic_id text references topics(id) on delete cascade,
  thread_id text references threads(id) on delete cascade,
  parent_id text references messages(id) on delete set null,
  quota_id text references messages(id) on delete set null,
  agent_id text references agents(id) on delete set null,
  accessed_at timestamptz not null default now(),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index messages_created_at_idx on messages (created_at);
create unique index message_client_id_user_unique on messages (client_id, user_id);
create index messages_topic_id_idx on messages (topic_id);
create index messages_parent_id_idx on messages (parent_id);
create index messages_quota_id_idx on messages (quota_id);

create table message_plugins (
  id text primary key references messages(id) on delete cascade,
  tool_call_id text,
  type text default 'default',
  api_name text,
  arguments text,
  identifier text,
  state jsonb,
  error jsonb,
  client_id text,
  user_id text not null references users(id) on delete cascade
);
create unique index message_plugins_client_id_user_id_unique on message_plugins (client_id, user_id);

create table message_tts (
  id text primary key references messages(id) on delete cascade,
  content_md5 text,
  file_id text references files(id) on delete cascade,
  voice text,
  client_id text,
  user_id text not null references users(id) on delete cascade
);
create unique index message_tts_client_id_user_id_unique on message_tts (client_id, user_id);

create table message_translates (
  id text primary key references messages(id) on delete cascade,
  content text,
  "from" text,
  "to" text,
  client_id text,
  user_id text not null references users(id) on delete cascade
);
create unique index message_translates_client_id_user_id_unique on message_translates (client_id, user_id);

create table messages_files (
  file_id text not null references files(id) on delete cascade,
  message_id text not null references messages(id) on delete cascade,
  user_id text not null references users(id) on delete cascade,
  primary key (file_id, message_id)
);

create table message_queries (
  id uuid primary key default gen_random_uuid(),
  message_id text not null references messages(id) on delete cascade,
  rewrite_query text,
  user_query text,
  client_id text,
  user_id text not null references users(id) on delete cascade,
  embeddings_id uuid references embeddings(id) on delete set null
);
create unique index message_queries_client_id_user_id_unique on message_queries (client_id, user_id);

create table message_query_chunks (
  id text references messages(id) on delete cascade,
  query_id uuid references message_queries(id) on delete cascade,
  chunk_id uuid references chunks(id) on delete cascade,
  similarity numeric(6, 5),
  user_id text not null references users(id) on delete cascade,
  primary key (chunk_id, id, query_id)
);

create table message_chunks (
  message_id text references messages(id) on delete cascade,
  chunk_id uuid references chunks(id) on delete cascade,
  user_id text not null references users(id) on delete cascade,
  primary key (chunk_id, message_id)
);

create table topic_documents (
  document_id text not null references documents(id) on delete cascade,
  topic_id text not null references topics(id) on delete cascade,
  user_id text not null references users(id) on delete cascade,
  created_at timestamptz not null default now(),
  primary key (document_id, topic_id)
);
