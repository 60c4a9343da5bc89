-- convo-archive: retires the soft-delete kit (soft-delete.sql of earlier versions), the last step
-- of the upgrade to the capture kit. Print it for your names with
-- `java -jar convo-archive.jar print-sql soft-delete-undo`, after `print-sql capture` has run.
--
-- It removes the trigger that turned the app's deletes into marks, so deletes really delete again
-- and the capture kit copies them. Conversations still marked deleted stay hidden (the policies
-- stay) until the sweeper has archived them: with SWEEPER=on it takes them first. Run this script
-- again once `select count(*) from ${conversations} where ${conversations.deleted_at} is not null`
-- is 0; it then removes the policies and the index too. The column stays; drop it yourself if you
-- like (the last line, commented out).

drop trigger if exists convo_archive_soft_delete on ${conversations};
drop function if exists ${schema}.convo_archive_soft_delete();

do ${tag}
begin
  if exists (select 1 from information_schema.columns where table_schema = ${schema_literal}
      and table_name = ${conversations_name_literal} and column_name = ${deleted_at_name_literal}) then
    execute format('select 1 from %s where %I is not null limit 1', ${conversations_literal}, ${deleted_at_name_literal});
    if found then
      raise notice 'convo-archive: conversations marked deleted remain; the policies that hide them stay until the '
        'sweeper has archived them: run this script again then';
      return;
    end if;
  end if;
  drop schema if exists convo_archive_rls cascade;
  execute format('drop policy if exists convo_archive_hide_deleted on %s', ${conversations_literal});
  if ${messages_literal} is not null and to_regclass(${messages_literal}) is not null then
    execute format('drop policy if exists convo_archive_hide_deleted on %s', ${messages_literal});
  end if;
  execute format('drop index if exists %I.%I', ${schema_literal}, ${deleted_at_index_literal});
end
${tag};
-- alter table ${conversations} drop column ${conversations.deleted_at};
