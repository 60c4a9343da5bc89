-- convo-archive: the least-privileged database role the service needs, instead of postgres.
--
-- Print it for your tables' names with `java -jar convo-archive.jar print-sql service-role`, run it
-- once in the Supabase SQL editor as postgres, then give the role a password of your own:
--   alter role convo_archive_service with password '<a long random password>';
-- and point SUPABASE_DB_URL at it (behind Supabase's pooler the user is
-- convo_archive_service.<project-ref>). Running it again changes nothing.
--
-- What the role can do, and why:
--   - read, insert and delete the rows of every table of a conversation's tree (the conversation
--     table and every table that references it, directly or through others, ON DELETE CASCADE, NO
--     ACTION or RESTRICT, as the catalog has them when this runs): archive (read, then delete
--     leaf-first), restore (insert root-first);
--   - lock those rows (SELECT ... FOR UPDATE needs UPDATE on some column: it has it on each table's
--     first column only, and never updates one);
--   - move the sequences behind their ids past the ids a restore writes back (USAGE, UPDATE);
--   - read, lock and update the rows outside the tree whose reference into it is ON DELETE SET NULL
--     or SET DEFAULT: a restore puts the reference back;
--   - see every user's rows through row-level security (its own policies, for this role only);
--   - own its schema, where it keeps the per-file index and the sweeper's claims and migrates
--     them itself at start-up.
-- It cannot log in until you set its password, create anything outside its schema, or read any
-- other table of the app. Run it again after the app adds a table to the tree (describe-live shows
-- the tree, and warns about a table the service cannot read, insert or delete); tables tied in by
-- LIVE_UNDECLARED_KEYS need the same grants by hand.

do ${tag}
begin
  if not exists (select 1 from pg_roles where rolname = 'convo_archive_service') then
    create role convo_archive_service login noinherit;
  end if;
end
${tag};

create schema if not exists ${service_schema} authorization convo_archive_service;

do ${tag}
declare
  tree oid[];
  t oid;
  r record;
begin
  tree := ${tree_oids};
  foreach t in array tree loop
    execute format('grant usage on schema %I to convo_archive_service',
      (select n.nspname from pg_class c join pg_namespace n on n.oid = c.relnamespace where c.oid = t));
    execute format('grant select, insert, delete on %s to convo_archive_service', t::regclass);
    execute format('grant update (%I) on %s to convo_archive_service',
      (select attname from pg_attribute where attrelid = t and attnum > 0 and not attisdropped order by attnum limit 1),
      t::regclass);
    for r in select s.oid::regclass as sequence from pg_depend d join pg_class s on s.oid = d.objid and s.relkind = 'S'
        where d.classid = 'pg_class'::regclass and d.refobjid = t and d.deptype in ('a', 'i') loop
      execute format('grant usage, update on sequence %s to convo_archive_service', r.sequence);
    end loop;
    execute format('drop policy if exists convo_archive_service_all on %s', t::regclass);
    execute format('create policy convo_archive_service_all on %s for all to convo_archive_service '
      || 'using (true) with check (true)', t::regclass);
  end loop;
  for r in select distinct c.conrelid as relid from pg_constraint c
      where c.contype = 'f' and c.confdeltype in ('n', 'd') and c.confrelid = any (tree) and not c.conrelid = any (tree) loop
    execute format('grant usage on schema %I to convo_archive_service',
      (select n.nspname from pg_class c join pg_namespace n on n.oid = c.relnamespace where c.oid = r.relid));
    execute format('grant select, update on %s to convo_archive_service', r.relid::regclass);
    execute format('drop policy if exists convo_archive_service_all on %s', r.relid::regclass);
    execute format('create policy convo_archive_service_all on %s for all to convo_archive_service '
      || 'using (true) with check (true)', r.relid::regclass);
  end loop;
end
${tag};
