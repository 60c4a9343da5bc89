package dev.convoarchive.supabase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.convoarchive.domain.error.InvalidInputException;
import dev.convoarchive.supabase.live.IdType;
import dev.convoarchive.supabase.live.LiveTables;
import dev.convoarchive.supabase.live.PostgresLiveConversations;
import org.junit.jupiter.api.Test;

class SupabaseDbConfigTest {

  @Test
  void readsTheDirectConnectionUrlSupabaseShows() {
    SupabaseDbConfig config = SupabaseDbConfig.fromUrl(
        "postgres://postgres:p%40ss%3Aw0rd@db.abcdefgh.supabase.co:5432/postgres?sslmode=require");

    assertThat(config.jdbcUrl()).isEqualTo("jdbc:postgresql://db.abcdefgh.supabase.co:5432/postgres?sslmode=require");
    assertThat(config.user()).isEqualTo("postgres");
    assertThat(config.password()).isEqualTo("p@ss:w0rd");
    assertThat(config.preparedStatements()).isTrue();
    assertThat(config.toString()).doesNotContain("p@ss");
  }

  @Test
  void turnsPreparedStatementsOffBehindTheTransactionPooler() {
    SupabaseDbConfig pooled = SupabaseDbConfig.fromUrl(
        "postgresql://postgres.abcdefgh:secret@aws-0-eu-central-1.pooler.supabase.com:6543/postgres");
    assertThat(pooled.preparedStatements()).isFalse();
    assertThat(pooled.user()).isEqualTo("postgres.abcdefgh");

    assertThat(SupabaseDbConfig.fromUrl("jdbc:postgresql://h:6543/postgres?user=u&password=p").preparedStatements()).isFalse();
  }

  @Test
  void keepsJdbcUrlsAsGiven() {
    String url = "jdbc:postgresql://localhost:5432/app?user=u&password=secret";
    SupabaseDbConfig config = SupabaseDbConfig.fromUrl(url);
    assertThat(config.jdbcUrl()).isEqualTo(url);
    assertThat(config.toString()).doesNotContain("secret");
  }

  @Test
  void refusesWhatIsNotAPostgresUrl() {
    for (String bad : new String[] {"", "mysql://h/db", "https://abcdefgh.supabase.co", "postgres://", "postgres://u:p w@h/db"}) {
      assertThatThrownBy(() -> SupabaseDbConfig.fromUrl(bad)).as(bad)
          .isInstanceOf(InvalidInputException.class).hasMessageContaining("SUPABASE_DB_URL");
    }
  }

  @Test
  void theAppsSchemaMayBeAnyNameSinceItIsAlwaysQuoted() {
    SupabaseDbConfig config = SupabaseDbConfig.fromUrl("postgres://u:p@h:5432/db");
    assertThat(config.withSchema("chat_app").schema()).isEqualTo("chat_app");
    assertThat(config.withSchema("Chat \"App\" $1").schema()).isEqualTo("Chat \"App\" $1");
    for (String bad : new String[] {"", "x".repeat(64), "a\nb"}) {
      assertThatThrownBy(() -> config.withSchema(bad)).as(bad).isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("LIVE_SCHEMA");
    }
    assertThatThrownBy(() -> config.withServiceSchema("public")).isInstanceOf(InvalidInputException.class);
  }

  @Test
  void startUpFailsClearlyWhenTheTablesAreMissing() {
    assertThatThrownBy(() -> PostgresLiveConversations.on(TestDatabase.pool(IdType.UUID), "no_such_schema"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("table no_such_schema.conversations not found (LIVE_CONVERSATIONS_TABLE")
        .hasMessageContaining("LIVE_SCHEMA")
        .hasMessageContaining("schema.sql");
  }

  /**
   * Names are always quoted into SQL, so any name PostgreSQL keeps is taken as written, and none
   * can break out of its quotes; none only where a column may be missing.
   */
  @Test
  void tableAndColumnNamesAreTakenAsWrittenAndQuoted() {
    LiveTables chats = LiveTables.DEFAULT.with(LiveTables.Part.CONVERSATIONS_TABLE, "Chats_2024");
    assertThat(chats.name(LiveTables.Part.CONVERSATIONS_TABLE)).contains("Chats_2024");
    LiveTables odd = LiveTables.DEFAULT.with(LiveTables.Part.CONVERSATIONS_TABLE, "Chat \"Rooms\" $1; drop table x");
    assertThat(odd.sql(LiveTables.Part.CONVERSATIONS_TABLE)).isEqualTo("\"Chat \"\"Rooms\"\" $1; drop table x\"");
    assertThat(LiveTables.DEFAULT.with(LiveTables.Part.MESSAGES_METADATA, "none").name(LiveTables.Part.MESSAGES_METADATA))
        .isEmpty();
    for (String bad : new String[] {"", "a".repeat(64), "chats\nx", "chats\u0000"}) {
      assertThatThrownBy(() -> LiveTables.DEFAULT.with(LiveTables.Part.CONVERSATIONS_TABLE, bad))
          .isInstanceOf(InvalidInputException.class).hasMessageContaining("LIVE_CONVERSATIONS_TABLE");
    }
    assertThatThrownBy(() -> LiveTables.DEFAULT.with(LiveTables.Part.CONVERSATIONS_ID, "none"))
        .hasMessageContaining("LIVE_CONVERSATIONS_ID");
  }
}
