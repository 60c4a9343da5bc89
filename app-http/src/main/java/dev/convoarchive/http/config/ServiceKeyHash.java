package dev.convoarchive.http.config;

import dev.convoarchive.domain.error.InvalidInputException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * The SHA-256 hash of a service key, as configured ({@code sha256:<64 hex digits>}). Only hashes
 * are configured, so the configuration, its backups and its logs never hold a usable key. A plain
 * hash suffices because keys are random 256-bit strings, not passwords that could be guessed.
 */
public record ServiceKeyHash(byte[] sha256) {

  public static final String KEY_PREFIX = "ca_service_";
  private static final Pattern FORM = Pattern.compile("sha256:[0-9a-fA-F]{64}");

  public ServiceKeyHash {
    sha256 = sha256.clone();
  }

  @Override
  public byte[] sha256() {
    return sha256.clone();
  }

  public static ServiceKeyHash parse(String text) {
    if (!FORM.matcher(text).matches()) {
      throw new InvalidInputException("SERVICE_KEY_HASHES", "each entry must be sha256:<64 hex digits> "
          + "(`java -jar convo-archive.jar service-key` prints a key and its hash); got "
          + InvalidInputException.quote(text.length() > 12 ? text.substring(0, 12) + "..." : text));
    }
    return new ServiceKeyHash(HexFormat.of().parseHex(text.substring("sha256:".length())));
  }

  /** The hash of a key as presented. */
  public static ServiceKeyHash of(String key) {
    return new ServiceKeyHash(digest(key));
  }

  /** A new random key: {@value #KEY_PREFIX} and 43 base64url characters (256 bits). */
  public static String newKey() {
    byte[] random = new byte[32];
    new SecureRandom().nextBytes(random);
    return KEY_PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(random);
  }

  static byte[] digest(String key) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }

  /** Compared in time that does not depend on where the bytes differ. */
  public boolean matches(ServiceKeyHash presented) {
    return MessageDigest.isEqual(sha256, presented.sha256);
  }

  @Override
  public String toString() {
    return "sha256:" + HexFormat.of().formatHex(sha256);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof ServiceKeyHash hash && MessageDigest.isEqual(sha256, hash.sha256);
  }

  @Override
  public int hashCode() {
    return java.util.Arrays.hashCode(sha256);
  }
}
