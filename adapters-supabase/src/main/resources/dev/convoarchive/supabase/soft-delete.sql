-- convo-archive: soft delete for an unchanged chat app (opt-in; undo with soft-delete-undo.sql).
--
-- After this script, a DELETE of a conversation by anyone but convo-archive's own move-out sets
-- deleted_at instead, and the app's users (the anon and authenticated roles Supabase's API uses)
-- no longer see that conversation or its messages. The sweeper (SWEEPER=on) then moves it to the
-- archive within seconds, and its move-out really deletes it. Deletes cascading from elsewhere
-- (a user removed from auth.users) still really delete.
--
-- Run it in the Supabase SQL editor as postgres, once; running it again changes nothing. The
-- ${...} names are filled in with your tables' names by
--   java -jar convo-archive.jar print-sql soft-delete
-- (from the LIVE_* and SWEEP_DELETED_COLUMN settings; schema.sql's names by default). It expects
-- RLS on (as Supabase apps have it); the policies below only narrow what the app's own allow.

alter table ${conversations} add column if not exists ${conversations.deleted_at} timestamptz;
create index if not exists ${deleted_at_index}
  on ${conversations} (${conversations.deleted_at}) where ${conversations.deleted_at} is not null;

-- SECURITY DEFINER, so that marking the row needs no UPDATE policy of the app's: the DELETE that
-- fired it already passed the app's own DELETE policy for this row. A trigger function cannot be
-- called through the API.
create or replace function ${schema}.convo_archive_soft_delete() returns trigger
  language plpgsql security definer set search_path = '' as $$
begin
  if current_setting('convo_archive.really_delete', true) = 'on' or pg_trigger_depth() > 1 then
    return old;  -- convo-archive's move-out, or a cascade: really delete
  end if;
  update ${conversations} set ${conversations.deleted_at} = now()
    where ${conversations.id} = old.${conversations.id} and ${conversations.deleted_at} is null;
  return null;   -- the row stays, marked; the DELETE reports it as not deleted
end
$$;

drop trigger if exists convo_archive_soft_delete on ${conversations};
create trigger convo_archive_soft_delete
  before delete on ${conversations}
  for each row execute function ${schema}.convo_archive_soft_delete();

-- Restrictive: combined with AND with the app's own policies, so it only ever hides.
drop policy if exists convo_archive_hide_deleted on ${conversations};
create policy convo_archive_hide_deleted on ${conversations}
  as restrictive for all to anon, authenticated
  using (${conversations.deleted_at} is null);

-- Messages of a hidden conversation are hidden too. The policy on conversations hides the very rows
-- this needs to see, so the look-up runs as its owner, in a schema the API does not expose.
create schema if not exists convo_archive_rls;
grant usage on schema convo_archive_rls to anon, authenticated;
create or replace function convo_archive_rls.conversation_deleted(conversation anyelement) returns boolean
  language sql stable security definer set search_path = '' as $$
  select exists (select 1 from ${conversations}
    where ${conversations.id} = conversation and ${conversations.deleted_at} is not null)
$$;
grant execute on function convo_archive_rls.conversation_deleted(anyelement) to anon, authenticated;

drop policy if exists convo_archive_hide_deleted on ${messages};
create policy convo_archive_hide_deleted on ${messages}
  as restrictive for all to anon, authenticated
  using (not convo_archive_rls.conversation_deleted(${messages.conversation_id}));
