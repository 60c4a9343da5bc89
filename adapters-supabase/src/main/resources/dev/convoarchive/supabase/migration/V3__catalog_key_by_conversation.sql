-- The primary key led by user_id let the planner answer a listing page by reading every row of
-- the user through it and sorting them, whenever its statistics said the user had few rows (after
-- a bulk load, or for any user missing from the most-common-values list): measured, 5,001 rows
-- read and sorted for each page of a user with 5,000 conversations, 2.5-7 ms instead of 0.1.
-- Led by conversation_id, the key serves the lookups of one conversation as before and cannot
-- serve "user_id = ?", so a listing always walks archive_catalog_listing in order and stops
-- after one page.
alter table archive_catalog drop constraint archive_catalog_pkey;
alter table archive_catalog add primary key (conversation_id, user_id);
