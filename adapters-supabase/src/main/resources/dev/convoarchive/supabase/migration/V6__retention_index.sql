-- Retention at scale: the entries archived before a cutoff, across every owner, oldest first, in
-- batches, by this index instead of a walk of every owner's listing (ARCHIVE_RETENTION).
create index archive_catalog_archived on archive_catalog (archived_at, user_id, conversation_id);
