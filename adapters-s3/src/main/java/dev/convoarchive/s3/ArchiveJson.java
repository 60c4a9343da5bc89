package dev.convoarchive.s3;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.convoarchive.domain.error.DamagedArchiveException;
import dev.convoarchive.domain.model.ArchivedConversation;
import dev.convoarchive.domain.model.ArchivedDocument;
import dev.convoarchive.domain.model.ConversationId;
import dev.convoarchive.domain.model.Role;
import dev.convoarchive.domain.model.UserId;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Map;
import java.util.function.Function;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * The JSON form of everything stored: ids and roles as plain strings, instants as ISO-8601, unknown
 * fields ignored on read so that newer writers do not break older readers.
 */
final class ArchiveJson {

  static final ObjectMapper MAPPER = JsonMapper.builder()
      .addModule(new JavaTimeModule())
      .addModule(domainModule())
      .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
      // Decimals of the app's extra columns come back exactly as archived.
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      // An empty map (no metadata, no extra columns) is left out: documents stay as before.
      .withConfigOverride(Map.class, o -> o.setInclude(JsonInclude.Value.construct(JsonInclude.Include.NON_EMPTY, null)))
      .build();

  private ArchiveJson() {}

  private static SimpleModule domainModule() {
    SimpleModule module = new SimpleModule("convo-archive-domain");
    asString(module, UserId.class, UserId::toString, UserId::parse);
    asString(module, ConversationId.class, ConversationId::value, ConversationId::of);
    asString(module, Role.class, Role::wireName, Role::parse);
    ConversationFormat.register(module);
    return module;
  }

  private static <T> void asString(SimpleModule module, Class<T> type, Function<T, String> write, Function<String, T> read) {
    module.addSerializer(type, new JsonSerializer<T>() {
      @Override
      public void serialize(T value, JsonGenerator gen, SerializerProvider serializers) throws IOException {
        gen.writeString(write.apply(value));
      }
    });
    module.addDeserializer(type, new JsonDeserializer<T>() {
      @Override
      public T deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
        return read.apply(p.getValueAsString());
      }
    });
  }

  /** Serializes {@code value}, gzipped when asked. */
  static byte[] encode(Object value, boolean gzipped) {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      if (gzipped) {
        try (GZIPOutputStream gzip = new GZIPOutputStream(bytes)) {
          MAPPER.writeValue(gzip, value);
        }
      } else {
        MAPPER.writeValue(bytes, value);
      }
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The conversation's document encoded afresh (for what is not stored as one: format 1, the
   * single file), its version a hash of the bytes.
   */
  static ArchivedDocument document(ArchivedConversation archived) {
    byte[] bytes = encode(archived, false);
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(bytes);
      String version = "sha256-" + Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
      return new ArchivedDocument(version, false, bytes.length, new ByteArrayInputStream(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }

  /** True when the bytes start with the gzip magic number (JSON never starts with byte 0x1f). */
  static boolean gzipped(byte[] head) {
    return head.length >= 2 && (head[0] & 0xff) == 0x1f && (head[1] & 0xff) == 0x8b;
  }

  /** Up to {@code n} bytes of the JSON that {@code head} (the start of a stored object) begins; fewer when it is cut short. */
  static byte[] plainHead(byte[] head, int n) {
    if (!gzipped(head)) {
      return head;
    }
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(head))) {
      return in.readNBytes(n);
    } catch (IOException e) {
      return new byte[0]; // cut short inside the gzip header or first block: the caller decodes instead
    }
  }

  /** Reads a stored object; what cannot be decoded is a {@link DamagedArchiveException} naming the key. */
  static <T> T decode(String key, byte[] bytes, Class<T> type) {
    try (InputStream in = plain(new ByteArrayInputStream(bytes))) {
      return MAPPER.readValue(in, type);
    } catch (IOException | RuntimeException e) {
      throw new DamagedArchiveException(key, e);
    }
  }

  /**
   * The JSON inside {@code raw}, gunzipped when it starts with the gzip magic number. Sniffing the
   * bytes instead of trusting Content-Encoding reads both forms whatever a proxy did to headers;
   * JSON never starts with byte 0x1f.
   */
  static InputStream plain(InputStream raw) throws IOException {
    PushbackInputStream in = new PushbackInputStream(raw, 2);
    byte[] head = in.readNBytes(2);
    in.unread(head);
    if (gzipped(head)) {
      return new GZIPInputStream(in, 64 * 1024);
    }
    return in;
  }
}
