-- convo-archive: stop capturing the app's deletes (undoes print-sql capture). Deletes already
-- captured stay in ${service_schema}.captured_rows until the sweeper has archived them.

do ${tag}
declare
  r record;
begin
  for r in select t.tgrelid::regclass as rel, t.tgname from pg_trigger t
      where t.tgname in ('convo_archive_capture', 'convo_archive_capture_user') and not t.tgisinternal loop
    execute format('drop trigger if exists %I on %s', r.tgname, r.rel);
  end loop;
end
${tag};

drop function if exists ${service_schema}.capture_delete();
drop function if exists ${service_schema}.capture_user_delete();
