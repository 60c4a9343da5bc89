package dev.convoarchive.bench;

import dev.convoarchive.s3.StorageVariant;
import java.util.List;
import java.util.Map;

/** Every figure a run produces; written as JSON and CSV, and summarized in the Markdown report. */
record Results(Params params, List<OpSample> samples, List<OpSummary> summaries, List<Concurrency> concurrency,
    List<Growth> growth, List<FailedUpload> failedUploads, List<Cost> costs, List<Overhead> overhead,
    List<SweepBench.Run> sweeps, SweepBench.Footprint footprint, List<SearchBench.Run> searches,
    BackfillBench.Result backfill) {

  record Params(String endpoint, boolean embedded, double rttMillis, double bandwidthMbps, List<Integer> sizes, int repeats,
      List<Integer> writers, int archivesPerWriter, int growthMonths, int archivesPerMonth, double putPricePer1000,
      double getPricePer1000, double storagePricePerGbMonth, int costUsers, int costArchivesPerUserMonth,
      long conversationJsonBytes, String machine, String command, int singleFileMaxSize, String database,
      double overheadWarmUpSeconds, double warmUpSeconds) {}

  /** One timed operation. */
  record OpSample(StorageVariant variant, int archiveSize, String operation, double millis, int requests,
      Map<String, Integer> requestsByOperation, long bytesUp, long bytesDown, long allocatedBytes) {}

  /** The repeated samples of one operation at one archive size. */
  record OpSummary(StorageVariant variant, int archiveSize, String operation, Stats millis, double medianRequests,
      double medianPuts, double medianGets, double medianBytesUp, double medianBytesDown, double medianAllocatedBytes,
      long storedBytes) {}

  record Concurrency(StorageVariant variant, String users, int writers, int acknowledged, int found, int lost, double archivesPerSecond,
      Stats millis, long casRetries, int refusedAsContended, double cpuBusy) {}

  record Growth(StorageVariant variant, int month, int conversations, long largestObjectBytes, long totalStoredBytes, Stats archiveMillis) {}

  /**
   * One path of the service-overhead scenario: the service over HTTP or the direct call, at one
   * client (latency, allocation per call) or many (calls per second).
   */
  record Overhead(String network, String operation, String path, int clients, int calls, double perSecond, Stats millis,
      double allocatedBytesPerCall, double cpuMillisPerCall) {}

  record FailedUpload(StorageVariant variant, int archiveSize, long bytesInFailedUpload, long bytesUpToRetry, int conversationsLost) {}

  record Cost(StorageVariant variant, int users, int archivesPerUserMonth, double puts, double gets, long storedBytesPerUser,
      double requestDollars, double storageDollars, double totalDollars) {}
}
