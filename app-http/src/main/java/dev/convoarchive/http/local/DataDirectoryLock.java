package dev.convoarchive.http.local;

import dev.convoarchive.http.config.ConfigException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * Local mode's hold on its data directory: one instance at a time, since two would share the
 * embedded PostgreSQL's files and the S3 store's. The operating system drops the lock when the
 * process ends, however it ends, so a crash leaves nothing to clean up.
 */
final class DataDirectoryLock implements AutoCloseable {

  static final String FILE = "convo-archive.lock";

  private final FileChannel channel;
  private final FileLock lock;

  private DataDirectoryLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  /** Takes the lock, or refuses naming the process that holds it. */
  static DataDirectoryLock take(Path data) throws IOException {
    Path file = data.resolve(FILE);
    FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    FileLock lock;
    try {
      lock = channel.tryLock();
    } catch (OverlappingFileLockException heldInThisProcess) {
      lock = null;
    }
    if (lock == null) {
      channel.close();
      String holder = Files.readString(file, StandardCharsets.UTF_8).strip();
      throw new ConfigException(List.of("DATA_DIR: " + data + " is in use by another convo-archive in local mode"
          + (holder.isEmpty() ? "" : " (process " + holder + ")") + "; stop that one first, or set DATA_DIR to another folder"));
    }
    channel.truncate(0);
    channel.write(ByteBuffer.wrap(Long.toString(ProcessHandle.current().pid()).getBytes(StandardCharsets.UTF_8)));
    channel.force(false);
    return new DataDirectoryLock(channel, lock);
  }

  @Override
  public void close() throws IOException {
    lock.release();
    channel.close();
  }
}
