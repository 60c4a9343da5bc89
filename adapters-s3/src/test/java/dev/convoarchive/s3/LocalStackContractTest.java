package dev.convoarchive.s3;

import dev.convoarchive.domain.contract.ConversationArchiveContract;
import dev.convoarchive.domain.port.ConversationArchive;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.testcontainers.containers.localstack.LocalStackContainer;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.utility.DockerImageName;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The archive contract on LocalStack's S3, a second, independent S3 implementation. It needs
 * Docker and is reported as skipped where there is none.
 */
@Testcontainers(disabledWithoutDocker = true)
class LocalStackContractTest {

  private static final String BUCKET = "convo-archive-localstack";

  @Container
  static final LocalStackContainer LOCALSTACK =
      new LocalStackContainer(DockerImageName.parse("localstack/localstack:4.4")).withServices(LocalStackContainer.Service.S3);

  private static S3Client client;
  private static S3ArchiveConfig config;

  @BeforeAll
  static void connect() {
    config = S3ArchiveConfig.forBucket(BUCKET).withEndpoint(LOCALSTACK.getEndpoint(), true);
    client = S3Clients.create(config, StaticCredentialsProvider.create(
        AwsBasicCredentials.create(LOCALSTACK.getAccessKey(), LOCALSTACK.getSecretKey())), List.of());
    client.createBucket(b -> b.bucket(BUCKET));
  }

  @Nested
  class PerFile extends ConversationArchiveContract {
    @Override
    protected ConversationArchive createArchive() {
      return S3ArchiveModule.create(client, config.withVariant(StorageVariant.PER_FILE_S3_INDEX), ConflictListener.NONE);
    }
  }

  @Nested
  class SingleFile extends ConversationArchiveContract {
    @Override
    protected ConversationArchive createArchive() {
      return S3ArchiveModule.create(client, config.withVariant(StorageVariant.SINGLE_FILE), ConflictListener.NONE);
    }
  }
}
