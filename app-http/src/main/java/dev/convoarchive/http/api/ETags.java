package dev.convoarchive.http.api;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;

/** Strong entity tags of answers, and If-None-Match as RFC 9110 section 13.1.2 reads it. */
final class ETags {

  private ETags() {}

  /**
   * A strong ETag for a stored document's {@code version} sent in {@code coding}: the first 128
   * bits of their SHA-256, base64url, quoted (a gzip and an inflated answer are different bytes).
   */
  static String of(String version, String coding) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest((version + "/" + coding).getBytes(StandardCharsets.UTF_8));
      return '"' + Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(digest, 16)) + '"';
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }

  /**
   * True when {@code ifNoneMatch} (absent, "*", or a comma-separated list of tags) names {@code
   * etag}; the weak comparison applies, so W/"x" names "x".
   */
  static boolean matches(String ifNoneMatch, String etag) {
    if (ifNoneMatch == null || ifNoneMatch.isBlank()) {
      return false;
    }
    if (ifNoneMatch.trim().equals("*")) {
      return true;
    }
    for (String tag : ifNoneMatch.split(",")) {
      String trimmed = tag.trim();
      if (trimmed.startsWith("W/")) {
        trimmed = trimmed.substring(2);
      }
      if (trimmed.equals(etag)) {
        return true;
      }
    }
    return false;
  }
}
