-- convo-archive: soft delete for an unchanged chat app (opt-in; undo with soft-delete-undo.sql).
--
-- After this script, a DELETE of a conversation by anyone but convo-archive's own move-out sets
-- deleted_at instead, and the app's users (the anon and authenticated roles Supabase's API uses)
-- no longer see that conversation or its messages. The sweeper (SWEEPER=on) then moves it to the
-- archive within seconds, and its move-out really deletes it. Deletes cascading from elsewhere
-- (a user removed from auth.users) still really delete.
--
-- Run it in the Supabase SQL editor as postgres, once; running it again changes nothing.
-- It expects the tables in public, named conversations and messages, with RLS on (as Supabase
-- apps have it); the policies below only narrow what the app's own policies allow.

alter table public.conversations add column if not exists deleted_at timestamptz;
create index if not exists conversations_deleted_at_idx
  on public.conversations (deleted_at) where deleted_at is not null;

-- SECURITY DEFINER, so that marking the row needs no UPDATE policy of the app's: the DELETE that
-- fired it already passed the app's own DELETE policy for this row. A trigger function cannot be
-- called through the API.
create or replace function public.convo_archive_soft_delete() returns trigger
  language plpgsql security definer set search_path = '' as $$
begin
  if current_setting('convo_archive.really_delete', true) = 'on' or pg_trigger_depth() > 1 then
    return old;  -- convo-archive's move-out, or a cascade: really delete
  end if;
  update public.conversations set deleted_at = now() where id = old.id and deleted_at is null;
  return null;   -- the row stays, marked; the DELETE reports it as not deleted
end
$$;

drop trigger if exists convo_archive_soft_delete on public.conversations;
create trigger convo_archive_soft_delete
  before delete on public.conversations
  for each row execute function public.convo_archive_soft_delete();

-- Restrictive: combined with AND with the app's own policies, so it only ever hides.
drop policy if exists convo_archive_hide_deleted on public.conversations;
create policy convo_archive_hide_deleted on public.conversations
  as restrictive for all to anon, authenticated
  using (deleted_at is null);

-- Messages of a hidden conversation are hidden too. The policy on conversations hides the very rows
-- this needs to see, so the look-up runs as its owner, in a schema the API does not expose.
create schema if not exists convo_archive_rls;
grant usage on schema convo_archive_rls to anon, authenticated;
create or replace function convo_archive_rls.conversation_deleted(conversation anyelement) returns boolean
  language sql stable security definer set search_path = '' as $$
  select exists (select 1 from public.conversations where id = conversation and deleted_at is not null)
$$;
grant execute on function convo_archive_rls.conversation_deleted(anyelement) to anon, authenticated;

drop policy if exists convo_archive_hide_deleted on public.messages;
create policy convo_archive_hide_deleted on public.messages
  as restrictive for all to anon, authenticated
  using (not convo_archive_rls.conversation_deleted(conversation_id));
