-- convo-archive: undoes soft-delete.sql. Deletes by the app really delete again, at once.
--
-- Print it for your tables' names with `java -jar convo-archive.jar print-sql soft-delete-undo`.
--
-- The deleted_at column stays, with whatever the sweeper has not archived yet: run the sweeper
-- (or `convo-archive sweep --once`) first to move those out, or drop the column yourself
-- afterwards (the last line, commented out) to make them visible to the app again.

drop policy if exists convo_archive_hide_deleted on ${messages};
drop schema if exists convo_archive_rls cascade;
drop policy if exists convo_archive_hide_deleted on ${conversations};
drop trigger if exists convo_archive_soft_delete on ${conversations};
drop function if exists ${schema}.convo_archive_soft_delete();
drop index if exists ${schema}.${deleted_at_index};
-- alter table ${conversations} drop column ${conversations.deleted_at};
