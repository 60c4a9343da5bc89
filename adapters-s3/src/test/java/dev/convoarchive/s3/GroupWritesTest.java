package dev.convoarchive.s3;

import static dev.convoarchive.domain.testing.Conversations.T0;
import static org.assertj.core.api.Assertions.assertThat;

import dev.convoarchive.domain.error.StorageUnavailableException;
import dev.convoarchive.domain.model.ArchiveEntry;
import dev.convoarchive.domain.model.StoreResult;
import dev.convoarchive.domain.model.Stored;
import dev.convoarchive.domain.testing.Conversations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * A group's writes run at once and are bounded in time: the live rows of the group stay locked
 * while they run, so one that hangs counts as failed when the group's time is up, and the others
 * are answered as they came.
 */
class GroupWritesTest {

  private static StoreResult written(int i) {
    return new StoreResult(new ArchiveEntry(Conversations.newId(), "t" + i, 1, T0, T0, 10), true);
  }

  @Test
  void aWriteNotDoneInTheGroupsTimeFailsAndTheOthersAreAnsweredInOrder() {
    CountDownLatch never = new CountDownLatch(1);
    IllegalStateException broken = new IllegalStateException("connection reset");
    List<StoreResult> results = new ArrayList<>();
    List<Supplier<StoreResult>> writes = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      StoreResult result = written(i);
      results.add(result);
      int index = i;
      writes.add(() -> {
        if (index == 1) {
          try {
            never.await(30, TimeUnit.SECONDS); // hangs, as a PUT to a store that stopped answering does
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
        if (index == 3) {
          throw broken;
        }
        return result;
      });
    }
    long started = System.nanoTime();

    List<Stored> stored = PerFileArchive.atOnce(writes, Duration.ofMillis(300));

    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
    assertThat(stored).hasSize(5);
    assertThat(stored.get(0).result()).contains(results.get(0));
    assertThat(stored.get(1).failure()).get().isInstanceOf(StorageUnavailableException.class)
        .extracting(Throwable::getMessage).asString().contains("not written within 300 ms");
    assertThat(stored.get(2).result()).contains(results.get(2));
    assertThat(stored.get(3).failure()).contains(broken);
    assertThat(stored.get(4).result()).contains(results.get(4));
  }
}
