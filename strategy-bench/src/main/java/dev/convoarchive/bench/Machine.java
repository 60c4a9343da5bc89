package dev.convoarchive.bench;

import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Key;
import com.google.inject.TypeLiteral;
import com.google.inject.multibindings.OptionalBinder;
import dev.convoarchive.domain.port.BulkLoad;
import dev.convoarchive.domain.port.ConversationArchive;
import dev.convoarchive.s3.ConflictListener;
import dev.convoarchive.s3.S3ArchiveConfig;
import dev.convoarchive.s3.S3ArchiveModule;
import java.util.List;
import java.util.Set;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;

/**
 * One "machine": the archive exactly as the service builds it (the S3 adapter's module, with a
 * client of its own), its requests seen by the bench's interceptors.
 */
record Machine(Injector injector) implements AutoCloseable {

  /** Builds machines on one endpoint with one set of credentials and interceptors. */
  record Factory(AwsCredentialsProvider credentials, List<ExecutionInterceptor> interceptors) {
    Machine start(S3ArchiveConfig config, ConflictListener conflicts) {
      return new Machine(Guice.createInjector(new S3ArchiveModule(config), S3ArchiveModule.withCredentials(credentials),
          S3ArchiveModule.withInterceptors(interceptors),
          binder -> OptionalBinder.newOptionalBinder(binder, ConflictListener.class).setBinding().toInstance(conflicts)));
    }
  }

  ConversationArchive archive() {
    return injector.getInstance(ConversationArchive.class);
  }

  BulkLoad bulk() {
    return injector.getInstance(BulkLoad.class);
  }

  @Override
  public void close() throws Exception {
    for (AutoCloseable resource : List.copyOf(injector.getInstance(Key.get(new TypeLiteral<Set<AutoCloseable>>() {})))) {
      resource.close();
    }
  }
}
