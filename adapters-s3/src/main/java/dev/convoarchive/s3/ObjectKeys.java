package dev.convoarchive.s3;

import dev.convoarchive.domain.model.ConversationId;
import dev.convoarchive.domain.model.UserId;
import java.util.Optional;

/**
 * Every object key the layouts use, computed here and nowhere else:
 *
 * <ul>
 *   <li>per-file conversation: {@code {prefix}/{userId}/{conversationId}.json}
 *   <li>per-file index: {@code {prefix}/{userId}/_metadata.json} (the leading {@code _} means no
 *       conversation id can name it)
 *   <li>single-file: {@code {prefix}/{userId}.json}
 * </ul>
 *
 * Which of them a variant uses for a user's objects, {@link StorageVariant#userObjects} says.
 */
public final class ObjectKeys {

  static final String INDEX_NAME = "_metadata.json";
  private static final String SUFFIX = ".json";

  private final String prefix;

  ObjectKeys(String prefix) {
    this.prefix = prefix;
  }

  /** True for a per-file index object (not a conversation). */
  public static boolean isIndex(String key) {
    return key.endsWith("/" + INDEX_NAME);
  }

  /** Where every user's objects start: the folders (per-file) and files (single-file) of all users. */
  String root() {
    return prefix + "/";
  }

  /**
   * The owner a per-file user folder ({@code {prefix}/{userId}/}) or single-file key
   * ({@code {prefix}/{userId}.json}) belongs to, or empty for anything else under the prefix.
   */
  Optional<UserId> ownerOf(String folderOrFile) {
    if (!folderOrFile.startsWith(root())) {
      return Optional.empty();
    }
    String name = folderOrFile.substring(root().length());
    if (name.endsWith("/")) {
      name = name.substring(0, name.length() - 1);
    } else if (name.endsWith(SUFFIX)) {
      name = name.substring(0, name.length() - SUFFIX.length());
    } else {
      return Optional.empty();
    }
    try {
      return Optional.of(UserId.parse(name));
    } catch (RuntimeException notAUser) {
      return Optional.empty(); // _probe/, _check/ and other service folders
    }
  }

  String userFolder(UserId owner) {
    return prefix + "/" + owner + "/";
  }

  String conversation(UserId owner, ConversationId id) {
    return userFolder(owner) + id.value() + SUFFIX;
  }

  String index(UserId owner) {
    return userFolder(owner) + INDEX_NAME;
  }

  String userFile(UserId owner) {
    return prefix + "/" + owner + SUFFIX;
  }

  /**
   * The conversation a key in the owner's folder names, or empty for anything else there (the
   * index, objects in sub-folders such as the probe's, other files).
   */
  Optional<ConversationId> conversationIn(UserId owner, String key) {
    String folder = userFolder(owner);
    if (!key.startsWith(folder) || !key.endsWith(SUFFIX) || key.indexOf('/', folder.length()) >= 0 || isIndex(key)) {
      return Optional.empty();
    }
    String name = key.substring(folder.length(), key.length() - SUFFIX.length());
    try {
      return Optional.of(ConversationId.of(name));
    } catch (RuntimeException notAnId) {
      return Optional.empty();
    }
  }
}
