package dev.convoarchive.domain.contract;

import dev.convoarchive.domain.model.ArchiveEntry;
import dev.convoarchive.domain.spi.ArchiveCatalog;
import dev.convoarchive.domain.testing.InMemoryArchiveCatalog;
import java.util.Map;

class InMemoryArchiveCatalogTest extends ArchiveCatalogContract {
  @Override
  protected ArchiveCatalog createCatalog(Map<String, ArchiveEntry> objects) {
    return new InMemoryArchiveCatalog();
  }
}
