package dev.convoarchive.s3;

import dev.convoarchive.domain.contract.ArchiveCatalogContract;
import dev.convoarchive.domain.model.ArchiveEntry;
import dev.convoarchive.domain.model.ConversationId;
import dev.convoarchive.domain.model.UserId;
import dev.convoarchive.domain.spi.ArchiveCatalog;
import dev.convoarchive.s3.cas.ObjectStore;
import dev.convoarchive.s3.cas.VersionedObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import software.amazon.awssdk.services.s3.S3Client;

/** The catalog contract on the S3 index: its index objects in the real bucket, the conversation objects stood in. */
class S3IndexCatalogContractTest extends ArchiveCatalogContract {

  private static final S3Client CLIENT = S3TestServer.newClient();

  @AfterAll
  static void closeClient() {
    CLIENT.close();
  }

  @Override
  protected ArchiveCatalog createCatalog(Map<String, ArchiveEntry> objects) {
    StoredConversations stored = new StoredConversations() {
      @Override
      public List<ConversationId> ids(UserId owner) {
        return entries(owner).stream().map(ArchiveEntry::id).toList();
      }

      @Override
      public boolean exists(UserId owner, ConversationId id) {
        return objects.containsKey(objectKey(owner, id));
      }

      @Override
      public List<ArchiveEntry> entries(UserId owner) {
        return objects.entrySet().stream().filter(e -> e.getKey().startsWith(owner + "/")).map(Map.Entry::getValue).toList();
      }
    };
    ObjectStore store = new ObjectStore(CLIENT, S3TestServer.BUCKET, true);
    return new S3IndexCatalog(stored, new ObjectKeys(S3TestServer.config().prefix()),
        new VersionedObject<>(store, ArchiveIndex.CODEC, S3ArchiveConfig.DEFAULT_MAX_ATTEMPTS, key -> {}));
  }
}
