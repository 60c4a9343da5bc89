package dev.convoarchive.s3;

import dev.convoarchive.domain.port.ArchiveMaintenance;
import dev.convoarchive.domain.port.ArchivedDocuments;
import dev.convoarchive.domain.port.BulkLoad;
import dev.convoarchive.domain.port.ConversationArchive;

/** An archive in an S3 bucket, in either layout, with the abilities both layouts have. */
interface S3Archive extends ConversationArchive, ArchivedDocuments, ArchiveMaintenance, BulkLoad {}
