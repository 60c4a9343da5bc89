/**
 * Compare-and-swap on S3 objects, free of archive logic: {@link dev.convoarchive.s3.cas.ObjectStore}
 * makes the handful of S3 calls the layouts need and turns S3's answers into the domain's
 * ({@code If-None-Match: *} and {@code If-Match} failures are empty results, outages are
 * {@code StorageUnavailableException}s); {@link dev.convoarchive.s3.cas.VersionedObject} runs the
 * read -> change -> conditional write loop with jittered backoff and in-process group commit,
 * learning whether a change did anything from what the change returns.
 *
 * <p>Only the S3 adapter uses this package (an ArchUnit rule keeps it so); its types are public
 * because the layouts live in the parent package.
 */
package dev.convoarchive.s3.cas;
