package dev.convoarchive.http.support;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.TreeMap;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/** Everything stored, bucket and database, in a form two moments can be compared by. */
public record StorageSnapshot(TreeMap<String, String> objects, String rows) {

  public static StorageSnapshot take(S3Client s3) {
    TreeMap<String, String> objects = new TreeMap<>();
    List<S3Object> all = s3.listObjectsV2Paginator(b -> b.bucket(TestStores.BUCKET)).contents().stream().toList();
    all.forEach(o -> objects.put(o.key(), o.eTag()));
    try (Connection connection = TestStores.pool().getConnection(); Statement statement = connection.createStatement();
        ResultSet result = statement.executeQuery(
            "select (select count(*) from conversations) || ':' || (select count(*) from messages) || ':' "
                + "|| coalesce((select md5(string_agg(id::text || user_id::text || coalesce(title, ''), ',' order by id)) from conversations), '') "
                + "|| ':' || coalesce((select md5(string_agg(id::text || content, ',' order by id)) from messages), '')"
                // The service's own catalog, where the PostgreSQL index keeps its rows.
                + "|| ':' || coalesce((select md5(string_agg(user_id || conversation_id || title || archived_at::text, ','"
                + " order by user_id, conversation_id)) from convo_archive.archive_catalog), '')")) {
      result.next();
      return new StorageSnapshot(objects, result.getString(1));
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
