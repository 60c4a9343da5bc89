package dev.convoarchive.s3;

/** Told about every conditional write that lost a race and is retried, so the service can count them. */
@FunctionalInterface
public interface ConflictListener {

  ConflictListener NONE = key -> {};

  void retrying(String key);
}
