-- Vercel's ai-chatbot tables, for convo-archive's tests.
--
-- Source: github.com/vercel/ai-chatbot, commit 9d5d8a3ea7968522a37ab1cc145a6c0ef8a9dd2e,
-- lib/db/migrations/0000_keen_devos.sql .. 0008_flat_forgotten_one.sql (Apache License 2.0,
-- Copyright 2024 Vercel, Inc.). A transcription written for these tests, not a copy: the tables,
-- columns, types and keys as the nine Drizzle migrations leave them (the deprecated "Message" and
-- "Vote" tables included, since they still reference "Chat"). Every key is ON DELETE NO ACTION, and
-- the app deletes "Vote_v2", "Message_v2", "Stream", then "Chat", each as its own statement.

create table "User" (
  "id" uuid primary key default gen_random_uuid() not null,
  "email" varchar(64) not null,
  "password" varchar(64)
);

create table "Chat" (
  "id" uuid primary key default gen_random_uuid() not null,
  "createdAt" timestamp not null,
  "userId" uuid not null,
  "title" text not null,
  "visibility" varchar default 'private' not null
);

create table "Document" (
  "id" uuid default gen_random_uuid() not null,
  "createdAt" timestamp not null,
  "title" text not null,
  "content" text,
  "userId" uuid not null,
  "text" varchar default 'text' not null,
  constraint "Document_id_createdAt_pk" primary key ("id", "createdAt")
);

create table "Suggestion" (
  "id" uuid default gen_random_uuid() not null,
  "documentId" uuid not null,
  "documentCreatedAt" timestamp not null,
  "originalText" text not null,
  "suggestedText" text not null,
  "description" text,
  "isResolved" boolean default false not null,
  "userId" uuid not null,
  "createdAt" timestamp not null,
  constraint "Suggestion_id_pk" primary key ("id")
);

create table "Message" (
  "id" uuid primary key default gen_random_uuid() not null,
  "chatId" uuid not null,
  "role" varchar not null,
  "content" json not null,
  "createdAt" timestamp not null
);

create table "Vote" (
  "chatId" uuid not null,
  "messageId" uuid not null,
  "isUpvoted" boolean not null,
  constraint "Vote_chatId_messageId_pk" primary key ("chatId", "messageId")
);

create table "Message_v2" (
  "id" uuid primary key default gen_random_uuid() not null,
  "chatId" uuid not null,
  "role" varchar not null,
  "parts" json not null,
  "attachments" json not null,
  "createdAt" timestamp not null
);

create table "Vote_v2" (
  "chatId" uuid not null,
  "messageId" uuid not null,
  "isUpvoted" boolean not null,
  constraint "Vote_v2_chatId_messageId_pk" primary key ("chatId", "messageId")
);

create table "Stream" (
  "id" uuid default gen_random_uuid() not null,
  "chatId" uuid not null,
  "createdAt" timestamp not null,
  constraint "Stream_id_pk" primary key ("id")
);

alter table "Chat" add constraint "Chat_userId_User_id_fk" foreign key ("userId") references "public"."User"("id")
  on delete no action on update no action;
alter table "Suggestion" add constraint "Suggestion_userId_User_id_fk" foreign key ("userId")
  references "public"."User"("id") on delete no action on update no action;
alter table "Suggestion" add constraint "Suggestion_documentId_documentCreatedAt_Document_id_createdAt_fk"
  foreign key ("documentId", "documentCreatedAt") references "public"."Document"("id", "createdAt")
  on delete no action on update no action;
alter table "Document" add constraint "Document_userId_User_id_fk" foreign key ("userId")
  references "public"."User"("id") on delete no action on update no action;
alter table "Message" add constraint "Message_chatId_Chat_id_fk" foreign key ("chatId") references "public"."Chat"("id")
  on delete no action on update no action;
alter table "Vote" add constraint "Vote_chatId_Chat_id_fk" foreign key ("chatId") references "public"."Chat"("id")
  on delete no action on update no action;
alter table "Vote" add constraint "Vote_messageId_Message_id_fk" foreign key ("messageId")
  references "public"."Message"("id") on delete no action on update no action;
alter table "Message_v2" add constraint "Message_v2_chatId_Chat_id_fk" foreign key ("chatId")
  references "public"."Chat"("id") on delete no action on update no action;
alter table "Vote_v2" add constraint "Vote_v2_chatId_Chat_id_fk" foreign key ("chatId") references "public"."Chat"("id")
  on delete no action on update no action;
alter table "Vote_v2" add constraint "Vote_v2_messageId_Message_v2_id_fk" foreign key ("messageId")
  references "public"."Message_v2"("id") on delete no action on update no action;
alter table "Stream" add constraint "Stream_chatId_Chat_id_fk" foreign key ("chatId") references "public"."Chat"("id")
  on delete no action on update no action;
