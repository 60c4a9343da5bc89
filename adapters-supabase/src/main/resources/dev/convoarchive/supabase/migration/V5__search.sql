-- Search in the archive: each archived conversation's title and message text as a search
-- document, in its own catalog row, so that archive, restore and erase write and remove the two
-- in one transaction. search_vector is null until a conversation is indexed (those archived
-- before this migration: rebuild-index fills them in); search_config is the text-search
-- configuration it was built with (SEARCH_CONFIG), so that a change of it is found and redone.
alter table archive_catalog
  add column search_text text,
  add column search_vector tsvector,
  add column search_config text;

create index archive_catalog_search on archive_catalog using gin (search_vector);
-- rebuild-index finds what it has left to index without reading the whole table each time.
create index archive_catalog_unindexed on archive_catalog (user_id, conversation_id) where search_vector is null;
