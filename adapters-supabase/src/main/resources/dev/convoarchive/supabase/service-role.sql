-- convo-archive: the least-privileged database role the service needs, instead of postgres.
--
-- Print it for your tables' names with `java -jar convo-archive.jar print-sql service-role`, run it
-- once in the Supabase SQL editor as postgres, then give the role a password of your own:
--   alter role convo_archive_service with password '<a long random password>';
-- and point SUPABASE_DB_URL at it (behind Supabase's pooler the user is
-- convo_archive_service.<project-ref>). Running it again changes nothing.
--
-- What the role can do, and why:
--   - read, insert and delete the app's conversations and insert its messages: archive (read, then
--     delete; the messages go by the foreign key's cascade), restore (insert);
--   - lock a conversation row (SELECT ... FOR UPDATE needs UPDATE on some column: it has it on the
--     id column only, and never updates anything);
--   - see every user's rows through row-level security (its own policies, for this role only);
--   - own its schema, where it keeps the per-file index and the sweeper's claims and migrates
--     them itself at start-up.
-- It cannot log in until you set its password, create anything outside its schema, or read any
-- other table of the app.

do $$
begin
  if not exists (select 1 from pg_roles where rolname = 'convo_archive_service') then
    create role convo_archive_service login noinherit;
  end if;
end
$$;

create schema if not exists ${service_schema} authorization convo_archive_service;

grant usage on schema ${schema} to convo_archive_service;
grant select, insert, delete on ${conversations} to convo_archive_service;
grant update (${conversations.id}) on ${conversations} to convo_archive_service;
grant select, insert on ${messages} to convo_archive_service;

drop policy if exists convo_archive_service_all on ${conversations};
create policy convo_archive_service_all on ${conversations}
  for all to convo_archive_service using (true) with check (true);
drop policy if exists convo_archive_service_all on ${messages};
create policy convo_archive_service_all on ${messages}
  for all to convo_archive_service using (true) with check (true);
