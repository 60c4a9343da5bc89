-- What a chat app adds to a Supabase project (whose API roles supabase-roles.sql creates), for the
-- tests: row-level security on the chat tables so that a user sees only their own (as Chatbot UI's
-- policies do).
grant usage on schema public to anon, authenticated;
grant select, insert, update, delete on public.conversations, public.messages to authenticated;

create or replace function public.test_uid() returns uuid language sql stable as $$
  select nullif(current_setting('request.jwt.claims', true)::json ->> 'sub', '')::uuid
$$;

alter table public.conversations enable row level security;
alter table public.messages enable row level security;
create policy own_conversations on public.conversations for all to authenticated
  using (user_id = public.test_uid()) with check (user_id = public.test_uid());
create policy own_messages on public.messages for all to authenticated
  using (exists (select 1 from public.conversations c where c.id = conversation_id and c.user_id = public.test_uid()));
