package dev.convoarchive.bench;

import com.zaxxer.hikari.HikariDataSource;
import dev.convoarchive.domain.model.ArchiveEntry;
import dev.convoarchive.domain.model.ArchivedConversation;
import dev.convoarchive.domain.model.Conversation;
import dev.convoarchive.domain.model.ConversationId;
import dev.convoarchive.domain.model.Message;
import dev.convoarchive.domain.model.Role;
import dev.convoarchive.domain.model.StoreResult;
import dev.convoarchive.domain.model.UserId;
import dev.convoarchive.domain.search.SearchMode;
import dev.convoarchive.domain.search.SearchQuery;
import dev.convoarchive.domain.search.SearchRequest;
import dev.convoarchive.domain.search.SearchText;
import dev.convoarchive.supabase.SupabaseDatabase;
import dev.convoarchive.supabase.SupabaseDbConfig;
import dev.convoarchive.supabase.live.IdType;
import dev.convoarchive.supabase.live.LiveTables;
import dev.convoarchive.supabase.live.PostgresLiveConversations;
import dev.convoarchive.supabase.store.PostgresArchiveCatalog;
import dev.convoarchive.supabase.store.PostgresSearch;
import dev.convoarchive.supabase.store.SearchDocuments;
import dev.convoarchive.supabase.store.ServiceSchema;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

/**
 * The search scenario (issue 24): one user with 100, 1,000 and 5,000 archived conversations of
 * chat-like text, searched through the PostgreSQL index. For each size: search p50 and p95 over a
 * mix of queries, the bytes the search documents add to the catalog (table, TOAST and indexes,
 * against the same catalog kept with SEARCH=off) beside the bytes the conversations' live rows
 * took (schema.sql's tables with their indexes), and what keeping the document adds to an
 * archive's catalog write (p50 with documents against p50 without).
 */
final class SearchBench {

  /** One size's figures. */
  record Run(int conversations, int queries, Stats searchMillis, double documentBytesPerConversation, double textBytes,
      double vectorBytes, double ginBytes, double liveBytesPerConversation, Stats recordMillisWith, Stats recordMillisWithout,
      double hitsPerPage) {

    double addedArchiveMillis() {
      return recordMillisWith.p50() - recordMillisWithout.p50();
    }

    double documentShare() {
      return documentBytesPerConversation / liveBytesPerConversation;
    }

    /** The share of the live rows' bytes that the text kept for snippets takes alone. */
    double textShare() {
      return textBytes / liveBytesPerConversation;
    }
  }

  static final int WARM_UP_QUERIES = 50;
  static final int TIMED_QUERIES = 300;
  static final int PAGE = 20;

  private final ChatText text = new ChatText(24);
  private final int warmUp;
  private final int timed;

  SearchBench() {
    this(WARM_UP_QUERIES, TIMED_QUERIES);
  }

  /** With {@code warmUp} untimed and {@code timed} timed queries per size (a quick run asks fewer). */
  SearchBench(int warmUp, int timed) {
    this.warmUp = warmUp;
    this.timed = timed;
  }

  List<Run> run(SupabaseDbConfig database, List<Integer> sizes) throws Exception {
    List<Run> runs = new ArrayList<>();
    for (int size : sizes) {
      runs.add(run(database, size));
    }
    return runs;
  }

  private Run run(SupabaseDbConfig database, int size) throws Exception {
    String suffix = "_" + size + "_" + Long.toHexString(System.nanoTime() & 0xffffff);
    try (HikariDataSource pool = SupabaseDatabase.pool(database.withPoolSize(4))) {
      UserId owner = UserId.random();
      List<Conversation> conversations = new ArrayList<>();
      for (int i = 0; i < size; i++) {
        conversations.add(text.conversation(owner, i));
      }
      double live = liveBytes(database, "search_live" + suffix, conversations);

      String with = "search_with" + suffix;
      String without = "search_off" + suffix;
      ServiceSchema.migrate(pool, with);
      ServiceSchema.migrate(pool, without);
      PostgresArchiveCatalog indexed = new PostgresArchiveCatalog(pool, with, SearchDocuments.DEFAULT);
      PostgresArchiveCatalog plain = new PostgresArchiveCatalog(pool, without,
          new SearchDocuments(SearchMode.OFF, SearchDocuments.DEFAULT_CONFIG));
      List<Double> recordWith = new ArrayList<>();
      List<Double> recordWithout = new ArrayList<>();
      Instant archivedAt = SampleData.EPOCH;
      for (Conversation conversation : conversations) {
        archivedAt = archivedAt.plusSeconds(60);
        ArchivedConversation archived = new ArchivedConversation(conversation, archivedAt);
        // In turn, so that both see the same machine at the same time.
        recordWithout.add(record(plain, archived));
        recordWith.add(record(indexed, archived));
      }
      Statements.execute(pool, "vacuum analyze " + with + ".archive_catalog");
      Statements.execute(pool, "vacuum analyze " + without + ".archive_catalog");
      double documents = (size(pool, with + ".archive_catalog") - size(pool, without + ".archive_catalog")) / size;

      double[] parts = parts(pool, with);
      PostgresSearch search = new PostgresSearch(pool, with, SearchDocuments.DEFAULT);
      Random random = new Random(size);
      List<Double> millis = new ArrayList<>();
      long hits = 0;
      for (int i = 0; i < warmUp + timed; i++) {
        SearchQuery query = SearchQuery.parse(text.query(random, conversations));
        long started = System.nanoTime();
        int found = search.search(owner, new SearchRequest(query, PAGE, null)).items().size();
        if (i >= warmUp) {
          millis.add((System.nanoTime() - started) / 1e6);
          hits += found;
        }
      }
      for (String schema : List.of(with, without)) {
        Statements.execute(pool, "drop schema " + schema + " cascade");
      }
      return new Run(size, timed, Stats.of(millis), documents, parts[0], parts[1], parts[2], live,
          Stats.of(recordWith.subList(5, size)), Stats.of(recordWithout.subList(5, size)), (double) hits / timed);
    }
  }

  /** Per conversation: the stored text and tsvector (as stored, compressed or not) and the GIN index's share. */
  private static double[] parts(HikariDataSource pool, String schema) throws Exception {
    try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement();
        ResultSet row = statement.executeQuery("select avg(pg_column_size(search_text)), avg(pg_column_size(search_vector)), "
            + "pg_relation_size('" + schema + ".archive_catalog_search') / count(*)::float8 from " + schema + ".archive_catalog")) {
      row.next();
      return new double[] {row.getDouble(1), row.getDouble(2), row.getDouble(3)};
    }
  }

  /** The catalog write of one archive (the object write is not part of it: both catalogs skip it alike). */
  private static double record(PostgresArchiveCatalog catalog, ArchivedConversation archived) {
    long started = System.nanoTime();
    catalog.record(archived.owner(), archived.id(), SearchText.of(archived.conversation()),
        () -> new StoreResult(ArchiveEntry.of(archived, 10_000), true));
    return (System.nanoTime() - started) / 1e6;
  }

  /** The bytes per conversation of its rows in schema.sql's tables (with TOAST and indexes), in a schema of its own. */
  private static double liveBytes(SupabaseDbConfig database, String schema, List<Conversation> conversations) throws Exception {
    SupabaseDbConfig live = database.withSchema(schema);
    SupabaseDatabase.applySchema(live, IdType.UUID);
    try (HikariDataSource pool = SupabaseDatabase.pool(live.withPoolSize(4))) {
      PostgresLiveConversations store = PostgresLiveConversations.on(pool, schema, LiveTables.DEFAULT);
      conversations.forEach(store::restore);
      Statements.execute(pool, "vacuum analyze " + schema + ".conversations");
      Statements.execute(pool, "vacuum analyze " + schema + ".messages");
      double bytes = size(pool, schema + ".conversations") + size(pool, schema + ".messages");
      Statements.execute(pool, "drop schema " + schema + " cascade");
      return bytes / conversations.size();
    }
  }

  private static double size(HikariDataSource pool, String table) throws Exception {
    try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement();
        ResultSet row = statement.executeQuery("select pg_total_relation_size('" + table + "')")) {
      row.next();
      return row.getLong(1);
    }
  }

  /** The scenario's table with each target's verdict. */
  static String table(List<Run> runs) {
    StringBuilder md = new StringBuilder("| archived conversations | search p50 (p95) ms | hits per page (mean) "
        + "| document bytes per conversation (text / tsvector / GIN) | live rows' bytes per conversation | document / live "
        + "| catalog write p50 with / without document (ms) |\n|---:|---:|---:|---:|---:|---:|---:|\n");
    for (Run run : runs) {
      md.append(String.format(Locale.ROOT, "| %,d | %.1f (%.1f) | %.1f | %,.0f (%,.0f / %,.0f / %,.0f) | %,.0f | %.0f%% "
          + "| %.2f / %.2f (+%.2f) |%n",
          run.conversations(), run.searchMillis().p50(), run.searchMillis().p95(), run.hitsPerPage(),
          run.documentBytesPerConversation(),
          run.textBytes(), run.vectorBytes(), run.ginBytes(), run.liveBytesPerConversation(), 100 * run.documentShare(),
          run.recordMillisWith().p50(), run.recordMillisWithout().p50(), run.addedArchiveMillis()));
    }
    if (runs.isEmpty()) {
      return md.toString();
    }
    Run smallest = runs.get(0);
    Run largest = runs.get(runs.size() - 1);
    double flat = largest.searchMillis().p50() / smallest.searchMillis().p50();
    Run worst = runs.stream().max(java.util.Comparator.comparingDouble(Run::documentShare)).orElseThrow();
    double worstShare = worst.documentShare();
    double worstAdded = runs.stream().mapToDouble(Run::addedArchiveMillis).max().orElseThrow();
    md.append("\n| target | measured | verdict |\n|---|---|---|\n")
        .append(String.format(Locale.ROOT, "| search p50 at most 50 ms at %,d | %.1f ms | %s |%n", largest.conversations(),
            largest.searchMillis().p50(), largest.searchMillis().p50() <= 50 ? "PASS" : "MISS"))
        .append(String.format(Locale.ROOT, "| flat within 1.5x from %,d to %,d | %.2fx; %.1f ms a hit shown at %,d, %.1f at %,d "
            + "(snippets are cut per hit, and pages hold %.1f hits at %,d against %.1f at %,d) | %s |%n",
            smallest.conversations(), largest.conversations(), flat, perHit(smallest), smallest.conversations(), perHit(largest),
            largest.conversations(), smallest.hitsPerPage(), smallest.conversations(), largest.hitsPerPage(),
            largest.conversations(), flat <= 1.5 ? "PASS" : "MISS"))
        .append(String.format(Locale.ROOT, "| the document at most 15%% of the live rows' bytes | %.0f%% (largest share, at %,d); "
            + "the text kept for snippets alone is %.0f%% | %s |%n",
            100 * worstShare, worst.conversations(), 100 * worst.textShare(), worstShare <= 0.15 ? "PASS" : "MISS"))
        .append(String.format(Locale.ROOT, "| an archive's catalog write at most 2 ms slower at p50 | +%.2f ms (largest) | %s |%n",
            worstAdded, worstAdded <= 2 ? "PASS" : "MISS"));
    return md.toString();
  }

  /** Search p50 over the mean hits a page showed: what each hit shown costs, snippet included. */
  private static double perHit(Run run) {
    return run.searchMillis().p50() / Math.max(1, run.hitsPerPage());
  }

  /**
   * Chat-like text: words drawn from a lexicon of 20,000 made-up words by Zipf's law (the few
   * common words of any language are most of its text, and most words are rare), in sentences
   * and messages of varied length, so that a search document holds as many distinct words as a
   * real conversation's would.
   */
  static final class ChatText {
    private static final String[] SYLLABLES = ("ka ri to me na su lo pe vi da an el or is un ba co de fi gu ha je "
        + "ku la mo ne pi qu ra se ti vo wa xe yo za").split(" ");
    private final String[] lexicon = new String[20_000];
    private final double[] cumulative = new double[lexicon.length];
    private final Random random;

    ChatText(long seed) {
      random = new Random(seed);
      java.util.Set<String> seen = new java.util.HashSet<>();
      for (int i = 0; i < lexicon.length; ) {
        StringBuilder word = new StringBuilder();
        int syllables = 1 + (i < 200 ? random.nextInt(2) : 1 + random.nextInt(3));
        for (int s = 0; s < syllables; s++) {
          word.append(SYLLABLES[random.nextInt(SYLLABLES.length)]);
        }
        if (seen.add(word.toString())) {
          lexicon[i++] = word.toString();
        }
      }
      double total = 0;
      for (int rank = 0; rank < lexicon.length; rank++) {
        total += 1 / Math.pow(rank + 1, 1.07);
        cumulative[rank] = total;
      }
      for (int rank = 0; rank < lexicon.length; rank++) {
        cumulative[rank] /= total;
      }
    }

    String word(Random from) {
      int at = java.util.Arrays.binarySearch(cumulative, from.nextDouble());
      return lexicon[Math.min(lexicon.length - 1, at < 0 ? -at - 1 : at)];
    }

    private String sentence(int words) {
      StringBuilder sentence = new StringBuilder();
      for (int i = 0; i < words; i++) {
        String word = word(random);
        sentence.append(i == 0 ? Character.toUpperCase(word.charAt(0)) + word.substring(1) : " " + word);
      }
      return sentence.append(random.nextInt(5) == 0 ? "?" : ".").toString();
    }

    Conversation conversation(UserId owner, int index) {
      List<Message> messages = new ArrayList<>();
      for (int m = 0; m < 10; m++) {
        StringBuilder content = new StringBuilder();
        int sentences = m % 2 == 0 ? 1 + random.nextInt(3) : 3 + random.nextInt(10);
        for (int s = 0; s < sentences; s++) {
          content.append(s == 0 ? "" : " ").append(sentence(5 + random.nextInt(16)));
        }
        messages.add(new Message(UUID.randomUUID().toString(), m % 2 == 0 ? Role.USER : Role.ASSISTANT, content.toString(),
            SampleData.EPOCH.plusSeconds(index * 100L + m), Map.of("tokens", content.length() / 4)));
      }
      String title = sentence(3 + random.nextInt(4));
      return new Conversation(ConversationId.of(UUID.randomUUID().toString()), owner, title.substring(0, title.length() - 1),
          SampleData.EPOCH.plusSeconds(index * 100L), SampleData.EPOCH.plusSeconds(index * 100L + 10), messages);
    }

    /** A query as people type one: a word (60%), two words (20%), or a phrase from a conversation (20%). */
    String query(Random from, List<Conversation> conversations) {
      int kind = from.nextInt(10);
      if (kind < 6) {
        return lexicon[50 + from.nextInt(2000)];
      }
      if (kind < 8) {
        return lexicon[50 + from.nextInt(2000)] + " " + lexicon[50 + from.nextInt(2000)];
      }
      Conversation c = conversations.get(from.nextInt(conversations.size()));
      List<String> words = SearchQuery.words(c.messages().get(from.nextInt(c.messages().size())).content());
      int at = from.nextInt(Math.max(1, words.size() - 1));
      return "\"" + String.join(" ", words.subList(at, Math.min(words.size(), at + 2))) + "\"";
    }
  }
}
