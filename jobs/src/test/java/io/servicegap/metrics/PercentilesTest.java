package io.servicegap.metrics;

import static org.apache.spark.sql.functions.lit;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.servicegap.PlanShape;
import io.servicegap.SparkTestBase;
import io.servicegap.config.Settings;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

class PercentilesTest extends SparkTestBase {
  private static final Settings SETTINGS = settings("servicegap.stats.percentile-resolution = 0.1");
  private static final String BINS_DDL =
      "grain string, period_start date, segment string, phase string, price_tier string, _set string, _subject string, _bin int, _count bigint";

  private static Histogram histogram(String name, double... ranks) {
    Map<String, Double> percentiles = new LinkedHashMap<>();
    for (double p : ranks) {
      percentiles.put(name + "_p" + Math.round(p * 100), p);
    }
    return new Histogram("gap4", name, null, lit(true), "all", null, lit(0.0), percentiles);
  }

  private static Object[] bin(String segment, String set, int bin, long count) {
    return row("month", java.sql.Date.valueOf("2026-05-01"), segment, "ALL", "ALL", set, null, bin, count);
  }

  /** A bin's reported value: its geometric centre, (1 + r)^(bin + ½) − 1. */
  private static double centre(int bin) {
    return Math.pow(1.1, bin + 0.5) - 1;
  }

  /**
   * Hours late of smb: bins 0 (3 values), 2 (1), 5 (4), 9 (2); n = 10, cumulative 3, 4, 8, 10.
   * p10: rank 1 → bin 0. p40: rank 4 is reached exactly at bin 2 (3 + 1), so bin 2, not 5.
   * p50: rank 5 → bin 5 (8 ≥ 5, and 4 < 5). p90: rank 9 → bin 9. p100: rank 10 → bin 9.
   * The same keys' other histogram (one bin, 7: two values) is read on its own: every rank → bin 7.
   * enterprise: one value in bin 4 → every rank → bin 4.
   */
  @Test
  void eachPercentileIsTheFirstBinWhoseCumulativeCountReachesItsRank() {
    Dataset<Row> bins = frame(BINS_DDL,
        bin("smb", "late", 5, 4), bin("smb", "late", 0, 3), bin("smb", "late", 9, 2), bin("smb", "late", 2, 1),
        bin("smb", "wait", 7, 2),
        bin("enterprise", "late", 4, 1));
    List<Histogram> histograms = List.of(histogram("late", 0.1, 0.4, 0.5, 0.9, 1.0), histogram("wait", 0.5, 0.9));
    Dataset<Row> percentiles = Percentiles.read(bins, histograms, SETTINGS);
    assertEquals(1, PlanShape.windows(percentiles), "one window operator for both sums");
    Map<String, Row> read = new HashMap<>();
    for (Row r : percentiles.collectAsList()) {
      read.put(r.<String>getAs("segment") + "/" + r.getAs("metric"), r);
    }
    assertEquals(12, read.size(), read.keySet().toString()); // smb: 5 + 2; enterprise: late's 5 (no values of wait)
    assertPercentile(read.get("smb/late_p10"), 0, 10);
    assertPercentile(read.get("smb/late_p40"), 2, 10);
    assertPercentile(read.get("smb/late_p50"), 5, 10);
    assertPercentile(read.get("smb/late_p90"), 9, 10);
    assertPercentile(read.get("smb/late_p100"), 9, 10);
    assertPercentile(read.get("smb/wait_p50"), 7, 2);
    assertPercentile(read.get("smb/wait_p90"), 7, 2);
    for (String p : List.of("p10", "p40", "p50", "p90", "p100")) {
      assertPercentile(read.get("enterprise/late_" + p), 4, 1);
    }
  }

  private static void assertPercentile(Row r, int bin, long n) {
    assertEquals(centre(bin), r.<Double>getAs("value"), 1e-12, r.toString());
    assertEquals(n, r.<Long>getAs("n"), r.toString());
    assertEquals("ALL", r.getAs("subject"));
  }
}
