package dev.convoarchive.bench;

import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Module;
import com.google.inject.multibindings.OptionalBinder;
import dev.convoarchive.domain.port.BulkLoad;
import dev.convoarchive.domain.port.ConversationArchive;
import dev.convoarchive.http.wiring.Resources;
import dev.convoarchive.s3.ConflictListener;
import dev.convoarchive.s3.S3ArchiveConfig;
import dev.convoarchive.s3.S3ArchiveModule;
import dev.convoarchive.supabase.SupabaseDbConfig;
import dev.convoarchive.supabase.SupabaseModule;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;

/**
 * One "machine": the archive exactly as the service builds it (the adapters' modules, with an S3
 * client and, for the PostgreSQL index, a connection pool of its own), its S3 requests seen by the
 * bench's interceptors.
 */
record Machine(Injector injector, AtomicLong casRetries) implements AutoCloseable {

  /** Builds machines on one endpoint and database with one set of credentials and interceptors. */
  record Factory(AwsCredentialsProvider credentials, List<ExecutionInterceptor> interceptors, SupabaseDbConfig database) {
    Machine start(S3ArchiveConfig config) {
      AtomicLong retries = new AtomicLong();
      ConflictListener conflicts = key -> retries.incrementAndGet();
      List<Module> modules = new ArrayList<>(List.of(new S3ArchiveModule(config), S3ArchiveModule.withCredentials(credentials),
          S3ArchiveModule.withInterceptors(interceptors),
          binder -> OptionalBinder.newOptionalBinder(binder, ConflictListener.class).setBinding().toInstance(conflicts)));
      if (config.variant().needsDatabaseCatalog()) {
        modules.add(new SupabaseModule(database));
      }
      return new Machine(Guice.createInjector(modules), retries);
    }
  }

  ConversationArchive archive() {
    return injector.getInstance(ConversationArchive.class);
  }

  BulkLoad bulk() {
    return injector.getInstance(BulkLoad.class);
  }

  @Override
  public void close() {
    Resources.closeAll(injector);
  }
}
