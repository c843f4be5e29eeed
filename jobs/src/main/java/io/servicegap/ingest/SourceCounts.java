package io.servicegap.ingest;

import java.util.Map;

/** How many rows a source had, and where each went. */
public record SourceCounts(String source, String path, long read, long accepted, Map<String, Long> quarantinedByReason) {
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
