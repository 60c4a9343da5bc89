-- convo-archive: undoes soft-delete.sql. Deletes by the app really delete again, at once.
--
-- The deleted_at column stays, with whatever the sweeper has not archived yet: run the sweeper
-- (or `convo-archive sweep --once`) first to move those out, or drop the column yourself
-- afterwards (the last line, commented out) to make them visible to the app again.

drop policy if exists convo_archive_hide_deleted on public.messages;
drop schema if exists convo_archive_rls cascade;
drop policy if exists convo_archive_hide_deleted on public.conversations;
drop trigger if exists convo_archive_soft_delete on public.conversations;
drop function if exists public.convo_archive_soft_delete();
drop index if exists public.conversations_deleted_at_idx;
-- alter table public.conversations drop column deleted_at;
