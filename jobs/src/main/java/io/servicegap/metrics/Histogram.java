package io.servicegap.metrics;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.sql.Column;

/**
 * Percentiles of a non-negative duration a family reports: the runner counts its values in
 * log-scale bins (additive, so rolled up like every state) and reads each percentile off the
 * rolled-up counts ({@link RollupRunner}). Events with no value are left out.
 *
 * @param name unique in a run
 * @param subjectType the gap_metrics subject type of its rows (all, or standard)
 * @param subject the subject of each event, or null for subject ALL
 * @param percentiles metric name → percentile in (0, 1]
 */
public record Histogram(String gap, String name, EventKind kind, Column where, String subjectType, Column subject, Column value, Map<String, Double> percentiles) {
  public Histogram {
    percentiles = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(percentiles));
  }
}
