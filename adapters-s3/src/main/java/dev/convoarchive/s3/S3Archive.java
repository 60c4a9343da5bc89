package dev.convoarchive.s3;

import dev.convoarchive.domain.port.ArchiveMaintenance;
import dev.convoarchive.domain.port.ArchivedDocuments;
import dev.convoarchive.domain.port.BulkLoad;
import dev.convoarchive.domain.port.ConversationArchive;

/** An archive in an S3 bucket, in any storage variant, with the abilities every variant has. */
interface S3Archive extends ConversationArchive, ArchivedDocuments, ArchiveMaintenance, BulkLoad {}
