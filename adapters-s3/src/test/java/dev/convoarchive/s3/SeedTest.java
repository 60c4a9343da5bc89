package dev.convoarchive.s3;

import static dev.convoarchive.domain.testing.Conversations.T0;
import static org.assertj.core.api.Assertions.assertThat;

import dev.convoarchive.domain.model.ArchiveEntry;
import dev.convoarchive.domain.model.ArchivedConversation;
import dev.convoarchive.domain.model.PageRequest;
import dev.convoarchive.domain.model.UserId;
import dev.convoarchive.domain.testing.Conversations;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.services.s3.S3Client;

/** A seeded archive is indistinguishable from one built conversation by conversation. */
class SeedTest {

  @ParameterizedTest
  @EnumSource(value = StorageVariant.class, mode = EnumSource.Mode.EXCLUDE, names = "PER_FILE_POSTGRES_INDEX")
  void aSeededArchiveReadsAndGrowsLikeAnyOther(StorageVariant variant) {
    try (S3Client client = S3TestServer.newClient()) {
      S3ArchiveConfig config = S3TestServer.config().withVariant(variant);
      UserId owner = UserId.random();
      List<ArchivedConversation> seeded = new ArrayList<>();
      for (int i = 0; i < 30; i++) {
        seeded.add(new ArchivedConversation(Conversations.sample(owner, 2), T0.plusSeconds(i)));
      }

      S3ArchiveModule.create(client, config, ConflictListener.NONE).load(owner, seeded);
      S3Archive archive = S3ArchiveModule.create(client, config, ConflictListener.NONE);
      ArchivedConversation added = new ArchivedConversation(Conversations.sample(owner, 1), T0.plusSeconds(99));
      assertThat(archive.store(added).created()).isTrue();

      assertThat(archive.list(owner, PageRequest.first(100)).items()).extracting(ArchiveEntry::id).hasSize(31)
          .first().isEqualTo(added.id());
      assertThat(archive.find(owner, seeded.get(7).id())).contains(seeded.get(7));
      assertThat(archive.reindex(owner)).isEqualTo(31);
    }
  }
}
