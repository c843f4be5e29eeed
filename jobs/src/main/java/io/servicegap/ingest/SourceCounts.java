package io.servicegap.ingest;

import java.util.Map;

/**
 * How many rows a source had, and where each went.
 *
 * @param path where the rows came from (a path, "sql"), or null for a source declared absent
 * @param leftOut rows of the export its {@code where} left out: counted, not read into the source
 */
public record SourceCounts(String source, String path, long read, long accepted, Map<String, Long> quarantinedByReason, long leftOut) {
  public long quarantined() {
    return quarantinedByReason.values().stream().mapToLong(Long::longValue).sum();
  }

  public double rejectRatio() {
    return read == 0 ? 0.0 : (double) quarantined() / read;
  }

  public boolean reconciles() {
    return accepted + quarantined() == read;
  }
}
