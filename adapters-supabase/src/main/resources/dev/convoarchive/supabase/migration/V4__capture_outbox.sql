-- Deletes captured in the app's own transaction (print-sql capture): every deleted row of the
-- conversation table and of each table of its tree, as to_jsonb gave it. The sweeper builds each
-- deleted conversation from these rows, archives it, then removes them.
create table captured_rows (
  id            bigserial primary key,
  captured_at   timestamptz not null default clock_timestamp(),
  table_schema  text not null,
  table_name    text not null,
  is_root       boolean not null,
  -- the conversation's id and owner, on its own row (is_root) only
  conversation_id text collate "C",
  user_id       text collate "C",
  row           jsonb not null
);
create index captured_rows_roots on captured_rows (captured_at) where is_root;
create index captured_rows_conversation on captured_rows (conversation_id, user_id) where is_root;
-- A conversation's rows are found by their keys' values: containment (row @> {"chat_id": ...})
-- through this index, whatever the column; and the window's edits by age.
create index captured_rows_keys on captured_rows using gin (row jsonb_path_ops) where not is_root;
create index captured_rows_edits on captured_rows (captured_at) where not is_root;

-- Users removed (auth.users or the app's user table): their captured rows and their whole archive
-- are erased instead of archived (ACCOUNT_DELETION=erase).
create table deleted_users (
  user_id     text collate "C" primary key,
  deleted_at  timestamptz not null default clock_timestamp()
);

-- Never exposed: row-level security on, and no policy, so only the owner and the capture
-- triggers' function (security definer) reach them.
alter table captured_rows enable row level security;
alter table deleted_users enable row level security;
