package dev.convoarchive.domain.model;

import java.util.Comparator;

/** An archive entry with its owner: what a pass across every owner's archive (retention) walks. */
public record OwnedEntry(UserId owner, ArchiveEntry entry) {

  /** Oldest archive first, then by owner and id: the order retention erases in. */
  public static final Comparator<OwnedEntry> OLDEST_FIRST = Comparator.comparing((OwnedEntry e) -> e.entry().archivedAt())
      .thenComparing(e -> e.owner().toString()).thenComparing(e -> e.entry().id().value());
}
