-- convo-archive: capture the app's deletes, in the app's own transaction.
--
-- Print it for your names with `java -jar convo-archive.jar print-sql capture`, and run it once
-- in the Supabase SQL editor as postgres (again after the app adds a table to a conversation's
-- tree: it is idempotent), after the service has started once. It adds nothing to the app's tables and no policy: an AFTER DELETE
-- row trigger on the conversation table and on every table of its tree (found from the foreign
-- keys now, plus the tables LIVE_UNDECLARED_KEYS names) copies each deleted row, as to_jsonb gives
-- it, into ${service_schema}.captured_rows. The app's delete then happens exactly as before, for
-- every role and in any order: children first in statements of their own, by cascade, or in one
-- statement. With SWEEPER=on the service archives each deleted conversation from there.
--
-- A trigger on the account table (${account_table}) records a removed user, whose captured rows
-- and archive are erased instead (ACCOUNT_DELETION).
--
-- convo-archive's own deletes (an archive through the API) set convo_archive.capture to off for
-- their transaction and are not captured. Anyone may set it: that only means their delete is not
-- archived; it shows or changes nothing more.

-- The outbox is convo-archive's own table (its schema's migration V4 creates it): start the
-- service once before running this script.
do ${tag}
begin
  if to_regclass(${captured_rows_literal}) is null then
    raise exception 'convo-archive: % does not exist yet; start convo-archive once (it creates its schema), then '
      'run this script again', ${captured_rows_literal};
  end if;
end
${tag};

create or replace function ${service_schema}.capture_delete() returns trigger
  language plpgsql security definer set search_path = '' as ${tag}
begin
  if current_setting('convo_archive.capture', true) is distinct from 'off' then
    insert into ${service_schema}.captured_rows (table_schema, table_name, is_root, conversation_id, user_id, row)
      values (tg_table_schema, tg_table_name, tg_nargs > 0, to_jsonb(old) ->> tg_argv[0], to_jsonb(old) ->> tg_argv[1],
        to_jsonb(old));
  end if;
  return null;
end
${tag};

create or replace function ${service_schema}.capture_user_delete() returns trigger
  language plpgsql security definer set search_path = '' as ${tag}
begin
  insert into ${service_schema}.deleted_users (user_id) values ((to_jsonb(old) ->> tg_argv[0]))
    on conflict (user_id) do update set deleted_at = excluded.deleted_at;
  return null;
end
${tag};

do ${tag}
declare
  tree oid[];
  t oid;
begin
  tree := ${tree_oids} || ${undeclared_tables};
  foreach t in array tree loop
    execute format('drop trigger if exists convo_archive_capture on %s', t::regclass);
    -- The conversation's own table passes its id and owner columns; the others nothing.
    execute format('create trigger convo_archive_capture after delete on %s for each row execute function '
      || '%I.capture_delete(%s)', t::regclass, ${service_schema_name},
      case when t = ${conversations_literal}::regclass::oid
        then format('%L, %L', ${conversations_id_name}, ${conversations_user_id_name}) else '' end);
  end loop;
  if to_regclass(${account_table_literal}) is not null then
    execute format('drop trigger if exists convo_archive_capture_user on %s', ${account_table_literal}::regclass);
    execute format('create trigger convo_archive_capture_user after delete on %s for each row execute function '
      || '%I.capture_user_delete(%L)', ${account_table_literal}::regclass, ${service_schema_name},
      ${account_column_literal});
  end if;
end
${tag};
