-- Chatbot UI's chat tables, for convo-archive's tests.
--
-- Source: github.com/mckaywrigley/chatbot-ui, commit 81328b61d2a4ab597a7a057be70e785cf756d9f8,
-- supabase/migrations/20240108234540_setup.sql .. 20240108234550 (MIT licence, Copyright (c) 2024
-- Mckay Wrigley). This is a transcription written for these tests, not a copy: the tables, columns,
-- types, keys (with their ON DELETE actions), checks and updated_at triggers of the tables a chat
-- touches, as the migrations leave them. Left out: the vector columns of file_items (pgvector is not
-- in the embedded PostgreSQL), storage buckets and their policies, and the functions that call
-- Supabase Storage. Supabase's own auth.users and auth.uid() are stood in for below.

create extension if not exists "uuid-ossp";

create schema if not exists auth;
create table if not exists auth.users (id uuid primary key);
create or replace function auth.uid() returns uuid language sql stable as $$
  select nullif(current_setting('request.jwt.claim.sub', true), '')::uuid
$$;
-- Supabase's API role, as supabase-js's requests run through PostgREST.
do $$ begin
  create role authenticated nologin;
exception when duplicate_object then null;
end $$;
grant usage on schema auth to authenticated;

create or replace function update_updated_at_column() returns trigger as $$
begin
  new.updated_at = now();
  return new;
end;
$$ language plpgsql;

create table workspaces (
  id uuid primary key default uuid_generate_v4(),
  user_id uuid not null references auth.users(id) on delete cascade,
  created_at timestamptz not null default current_timestamp,
  updated_at timestamptz,
  sharing text not null default 'private',
  default_context_length integer not null,
  default_model text not null check (char_length(default_model) <= 1000),
  default_prompt text not null check (char_length(default_prompt) <= 100000),
  default_temperature real not null,
  description text not null check (char_length(description) <= 500),
  embeddings_provider text not null check (char_length(embeddings_provider) <= 1000),
  include_profile_context boolean not null,
  include_workspace_instructions boolean not null,
  instructions text not null check (char_length(instructions) <= 1500),
  is_home boolean not null default false,
  name text not null check (char_length(name) <= 100)
);

create table folders (
  id uuid primary key default uuid_generate_v4(),
  user_id uuid not null references auth.users(id) on delete cascade,
  workspace_id uuid not null references workspaces(id) on delete cascade,
  created_at timestamptz not null default current_timestamp,
  updated_at timestamptz,
  name text not null,
  description text not null,
  type text not null
);

create table files (
  id uuid primary key default uuid_generate_v4(),
  user_id uuid not null references auth.users(id) on delete cascade,
  folder_id uuid references folders(id) on delete set null,
  created_at timestamptz not null default current_timestamp,
  updated_at timestamptz,
  sharing text not null default 'private',
  description text not null check (char_length(description) <= 500),
  file_path text not null check (char_length(file_path) <= 1000),
  name text not null check (char_length(name) <= 100),
  size int not null,
  tokens int not null,
  type text not null check (char_length(type) <= 100)
);

create table file_items (
  id uuid primary key default uuid_generate_v4(),
  file_id uuid not null references files(id) on delete cascade,
  user_id uuid not null references auth.users(id) on delete cascade,
  created_at timestamptz not null default current_timestamp,
  updated_at timestamptz,
  sharing text not null default 'private',
  content text not null,
  tokens int not null
);

create table assistants (
  id uuid primary key default uuid_generate_v4(),
  user_id uuid not null references auth.users(id) on delete cascade,
  folder_id uuid references folders(id) on delete set null,
  created_at timestamptz not null default current_timestamp,
  updated_at timestamptz,
  sharing text not null default 'private',
  context_length int not null,
  description text not null check (char_length(description) <= 500),
  embeddings_provider text not null check (char_length(embeddings_provider) <= 1000),
  include_profile_context boolean not null,
  include_workspace_instructions boolean not null,
  model text not null check (char_length(model) <= 1000),
  name text not null check (char_length(name) <= 100),
  image_path text not null check (char_length(image_path) <= 1000),
  prompt text not null check (char_length(prompt) <= 100000),
  temperature real not null
);

create table chats (
  id uuid primary key default uuid_generate_v4(),
  user_id uuid not null references auth.users(id) on delete cascade,
  workspace_id uuid not null references workspaces(id) on delete cascade,
  assistant_id uuid references assistants(id) on delete cascade,
  folder_id uuid references folders(id) on delete set null,
  created_at timestamptz not null default current_timestamp,
  updated_at timestamptz,
  sharing text not null default 'private',
  context_length int not null,
  embeddings_provider text not null check (char_length(embeddings_provider) <= 1000),
  include_profile_context boolean not null,
  include_workspace_instructions boolean not null,
  model text not null check (char_length(model) <= 1000),
  name text not null check (char_length(name) <= 200),
  prompt text not null check (char_length(prompt) <= 100000),
  temperature real not null
);
create index idx_chats_user_id on chats (user_id);
create index idx_chats_workspace_id on chats (workspace_id);
alter table chats enable row level security;
create policy "Allow full access to own chats" on chats using (user_id = auth.uid()) with check (user_id = auth.uid());
create policy "Allow view access to non-private chats" on chats for select using (sharing <> 'private');
create trigger update_chats_updated_at before update on chats for each row execute procedure update_updated_at_column();

create table chat_files (
  user_id uuid not null references auth.users(id) on delete cascade,
  chat_id uuid not null references chats(id) on delete cascade,
  file_id uuid not null references files(id) on delete cascade,
  primary key (chat_id, file_id),
  created_at timestamptz not null default current_timestamp,
  updated_at timestamptz
);
create index idx_chat_files_chat_id on chat_files (chat_id);
alter table chat_files enable row level security;
create policy "Allow full access to own chat_files" on chat_files using (user_id = auth.uid())
  with check (user_id = auth.uid());
create trigger update_chat_files_updated_at before update on chat_files for each row
  execute procedure update_updated_at_column();

create table messages (
  id uuid primary key default uuid_generate_v4(),
  chat_id uuid not null references chats(id) on delete cascade,
  user_id uuid not null references auth.users(id) on delete cascade,
  created_at timestamptz not null default current_timestamp,
  updated_at timestamptz,
  content text not null check (char_length(content) <= 1000000),
  image_paths text[] not null,
  model text not null check (char_length(model) <= 1000),
  role text not null check (char_length(role) <= 1000),
  sequence_number int not null,
  constraint check_image_paths_length check (array_length(image_paths, 1) <= 16)
);
create index idx_messages_chat_id on messages (chat_id);
alter table messages enable row level security;
create policy "Allow full access to own messages" on messages using (user_id = auth.uid()) with check (user_id = auth.uid());
create trigger update_messages_updated_at before update on messages for each row
  execute procedure update_updated_at_column();

create table message_file_items (
  user_id uuid not null references auth.users(id) on delete cascade,
  message_id uuid not null references messages(id) on delete cascade,
  file_item_id uuid not null references file_items(id) on delete cascade,
  primary key (message_id, file_item_id),
  created_at timestamptz not null default current_timestamp,
  updated_at timestamptz
);
create index idx_message_file_items_message_id on message_file_items (message_id);
alter table message_file_items enable row level security;
create policy "Allow full access to own message_file_items" on message_file_items using (user_id = auth.uid())
  with check (user_id = auth.uid());
create trigger update_message_file_items_updated_at before update on message_file_items for each row
  execute procedure update_updated_at_column();

grant usage on schema public to authenticated;
grant select, insert, update, delete on all tables in schema public to authenticated;
