package dev.convoarchive.s3;

import dev.convoarchive.domain.error.InvalidInputException;
import dev.convoarchive.domain.model.UserId;
import dev.convoarchive.domain.spi.ArchiveCatalog;
import dev.convoarchive.s3.cas.ObjectStore;
import dev.convoarchive.s3.cas.VersionedObject;
import java.time.Clock;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The ways the service can store archives in S3, each with everything that is its own: how the
 * configuration names it, what it needs from the store and the database, where a user's objects
 * start, and how its archive is built. The start-up probe, {@code check-storage}, the wiring, the
 * tests and the bench go through {@link #values()}; adding a variant is one archive class, one
 * constant here and one nested contract test.
 *
 * <p>The configuration names a variant by {@code ARCHIVE_STRATEGY} and, where the strategy has a
 * choice of index, {@code ARCHIVE_INDEX}.
 */
public enum StorageVariant {

  /** One object per conversation, listed by a table in the database. The default. */
  PER_FILE_POSTGRES_INDEX("per-file", "postgres", "per-file (PostgreSQL index)", true, null) {
    @Override
    S3Archive create(Parts parts) {
      ArchiveCatalog catalog = parts.databaseCatalog().orElseThrow(() -> new IllegalStateException(
          "ARCHIVE_INDEX=postgres needs the database's catalog; install the Supabase module, or set ARCHIVE_INDEX=s3"));
      return new PerFileArchive(new ConversationObjects(parts.store(), parts.keys()), catalog, parts.store(), Clock.systemUTC());
    }

    @Override
    String userObjects(ObjectKeys keys, UserId owner) {
      return keys.userFolder(owner);
    }
  },

  /** One object per conversation, listed by a {@code _metadata.json} object per user. */
  PER_FILE_S3_INDEX("per-file", "s3", "per-file (S3 index)", false,
      "two machines archiving for one user at once could drop a conversation from the user's index") {
    @Override
    S3Archive create(Parts parts) {
      ConversationObjects objects = new ConversationObjects(parts.store(), parts.keys());
      ArchiveCatalog catalog = new S3IndexCatalog(objects, parts.keys(), parts.versioned(ArchiveIndex.CODEC));
      return new PerFileArchive(objects, catalog, parts.store(), Clock.systemUTC());
    }

    @Override
    String userObjects(ObjectKeys keys, UserId owner) {
      return keys.userFolder(owner);
    }
  },

  /** One object per user holding every conversation, rewritten on every change. */
  SINGLE_FILE("single-file", null, "single-file", false,
      "two machines changing one user's file at once could drop a conversation") {
    @Override
    S3Archive create(Parts parts) {
      return new SingleFileArchive(parts.store(), parts.keys(), parts.versioned(UserFile.CODEC));
    }

    @Override
    String userObjects(ObjectKeys keys, UserId owner) {
      return keys.userFile(owner);
    }
  };

  /** What building an archive may take; the database's catalog is there when the service has one. */
  record Parts(ObjectStore store, ObjectKeys keys, S3ArchiveConfig config, ConflictListener conflicts,
      Optional<ArchiveCatalog> databaseCatalog) {

    <S> VersionedObject<S> versioned(VersionedObject.Codec<S> codec) {
      return new VersionedObject<>(store, codec, config.maxAttempts(), conflicts::retrying);
    }
  }

  private final String strategy;
  private final Optional<String> index;
  private final String label;
  private final boolean needsDatabaseCatalog;
  /** What a store without atomic conditional writes costs this variant; empty when it needs none. */
  private final Optional<String> withoutConditionalWrites;

  StorageVariant(String strategy, String index, String label, boolean needsDatabaseCatalog, String withoutConditionalWrites) {
    this.strategy = strategy;
    this.index = Optional.ofNullable(index);
    this.label = label;
    this.needsDatabaseCatalog = needsDatabaseCatalog;
    this.withoutConditionalWrites = Optional.ofNullable(withoutConditionalWrites);
  }

  /** Builds this variant's archive. */
  abstract S3Archive create(Parts parts);

  /** Where all of the owner's objects start: a folder, or a file. */
  abstract String userObjects(ObjectKeys keys, UserId owner);

  /** Where all of the owner's objects start under {@code prefix}, for measuring and inspecting them. */
  public String userObjects(String prefix, UserId owner) {
    return userObjects(new ObjectKeys(prefix), owner);
  }

  /** The variant used when nothing is configured. */
  public static StorageVariant byDefault() {
    return PER_FILE_POSTGRES_INDEX;
  }

  /**
   * The variant {@code ARCHIVE_STRATEGY} and {@code ARCHIVE_INDEX} name; unset, each takes its
   * default (the first variant of the strategy). An unknown value is refused with the valid ones.
   */
  public static StorageVariant configured(Optional<String> strategy, Optional<String> index) {
    String chosen = strategy.orElse(byDefault().strategy);
    if (Stream.of(values()).noneMatch(v -> v.strategy.equals(chosen))) {
      throw new InvalidInputException("ARCHIVE_STRATEGY", "must be one of " + names(v -> Optional.of(v.strategy))
          + "; got " + InvalidInputException.quote(chosen));
    }
    if (index.isPresent() && Stream.of(values()).noneMatch(v -> v.index.equals(index))) {
      throw new InvalidInputException("ARCHIVE_INDEX", "must be one of " + names(v -> v.index)
          + "; got " + InvalidInputException.quote(index.get()));
    }
    // A strategy without a choice of index (single-file) takes none, whatever ARCHIVE_INDEX says.
    return Stream.of(values()).filter(v -> v.strategy.equals(chosen))
        .filter(v -> index.isEmpty() || v.index.isEmpty() || v.index.equals(index))
        .findFirst().orElseThrow();
  }

  private static String names(Function<StorageVariant, Optional<String>> name) {
    return Arrays.stream(values()).map(name).flatMap(Optional::stream).distinct().collect(Collectors.joining(", "));
  }

  /** The {@code ARCHIVE_STRATEGY} value: {@code per-file} or {@code single-file}. */
  public String strategy() {
    return strategy;
  }

  /** The {@code ARCHIVE_INDEX} value, for a strategy that has a choice of index. */
  public Optional<String> index() {
    return index;
  }

  /** For people: {@code per-file (PostgreSQL index)}. */
  public String label() {
    return label;
  }

  /** For file names and logs: {@code per-file-postgres}, {@code per-file-s3}, {@code single-file}. */
  public String shortName() {
    return strategy + index.map(i -> "-" + i).orElse("");
  }

  /** As the configuration spells it: {@code per-file with ARCHIVE_INDEX=s3}, {@code single-file}. */
  public String describe() {
    return strategy + index.map(i -> " with ARCHIVE_INDEX=" + i).orElse("");
  }

  /**
   * True when correctness rests on the store deciding {@code If-None-Match}/{@code If-Match}
   * atomically. The PostgreSQL index orders writes itself and needs none.
   */
  public boolean needsConditionalWrites() {
    return withoutConditionalWrites.isPresent();
  }

  /** What a store that does not keep conditional writes costs this variant. */
  public Optional<String> withoutConditionalWrites() {
    return withoutConditionalWrites;
  }

  /** True when the variant keeps its catalog in the database (and so needs the Supabase module's). */
  public boolean needsDatabaseCatalog() {
    return needsDatabaseCatalog;
  }

  /** This variant's archive on {@code store}, laid out under the configured prefix. */
  S3Archive archive(ObjectStore store, S3ArchiveConfig config, ConflictListener conflicts, Optional<ArchiveCatalog> databaseCatalog) {
    return create(new Parts(store, new ObjectKeys(config.prefix()), config, Objects.requireNonNull(conflicts), databaseCatalog));
  }
}
