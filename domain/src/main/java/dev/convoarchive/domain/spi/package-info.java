/**
 * A channel between two adapters, not a port of the use cases: the S3 adapter's per-file layout
 * keeps its catalog through {@link dev.convoarchive.domain.spi.ArchiveCatalog}, and the database
 * adapter may provide it ({@link dev.convoarchive.domain.spi.CatalogOfRecord}). No use case calls
 * these; they live in the domain so that neither adapter depends on the other, and so that one
 * contract suite ({@code ArchiveCatalogContract}) holds every implementation to the same rules.
 */
package dev.convoarchive.domain.spi;
