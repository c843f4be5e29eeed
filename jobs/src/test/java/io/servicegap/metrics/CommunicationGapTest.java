package io.servicegap.metrics;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.servicegap.config.Settings;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

class CommunicationGapTest extends MetricFixtures {

  /**
   * All orders placed in May 2026; as_of 2026-05-31.
   * O1 exactly on time, in full, charged as quoted.
   * O2 30 h late, in full, charged 110 on a quote of 100.
   * O3 on time, 3 of 5 delivered, no charge yet.
   * O4 cancelled: never counted.
   * O5 open, promised after as_of: pending, not counted.
   * O6 open, promised 05-20, nothing delivered: counted, neither on time nor in full.
   * O7 delivered on 06-02 — after as_of, so not yet delivered as the run sees it.
   * O8 (enterprise premium) 6 h late, in full, charged as quoted (1000).
   */
  private static Dataset<Row> transactions() {
    return frame(
        ORDERS_DDL,
        row("O1", "A1", ts("2026-05-01T10:00:00Z"), null, money("100"), money("100"), 5, 5, ts("2026-05-03T10:00:00Z"), null, ts("2026-05-03T10:00:00Z"), "delivered"),
        row("O2", "A1", ts("2026-05-01T10:00:00Z"), null, money("100"), money("110"), 5, 5, ts("2026-05-03T10:00:00Z"), null, ts("2026-05-04T16:00:00Z"), "delivered"),
        row("O3", "A1", ts("2026-05-01T10:00:00Z"), null, money("100"), null, 5, 3, ts("2026-05-03T10:00:00Z"), null, ts("2026-05-03T08:00:00Z"), "delivered"),
        row("O4", "A1", ts("2026-05-01T10:00:00Z"), null, money("100"), null, 5, null, ts("2026-05-03T10:00:00Z"), null, null, "cancelled"),
        row("O5", "A1", ts("2026-05-30T10:00:00Z"), null, money("100"), null, 5, null, ts("2026-06-05T10:00:00Z"), null, null, "open"),
        row("O6", "A1", ts("2026-05-15T10:00:00Z"), null, money("100"), null, 5, null, ts("2026-05-20T10:00:00Z"), null, null, "open"),
        row("O7", "A1", ts("2026-05-25T10:00:00Z"), null, money("100"), null, 5, 5, ts("2026-05-30T10:00:00Z"), null, ts("2026-06-02T10:00:00Z"), "delivered"),
        row("O8", "A2", ts("2026-05-08T10:00:00Z"), null, money("1000"), money("1000"), 1, 1, ts("2026-05-10T12:00:00Z"), null, ts("2026-05-10T18:00:00Z"), "delivered"));
  }

  @Test
  void promiseRatesOverEligibleOrders() {
    Dataset<Row> tidy = new CommunicationGap().measure(events(settings(), transactions(), noSurveys())).cache();
    Map<String, Row> all = metrics(tidy, "month", "2026-05-01", "ALL", "ALL", "ALL", "all/ALL");
    // eligible: O1 O2 O3 O6 O7 O8 = 6 (O4 cancelled, O5 pending)
    assertMetric(all, "on_time_rate", 2.0 / 6, 6); // O1, O3
    assertMetric(all, "in_full_rate", 3.0 / 6, 6); // O1, O2, O8
    assertMetric(all, "otif_rate", 1.0 / 6, 6); // O1
    assertMetric(all, "price_kept_rate", 2.0 / 3, 3); // charged: O1, O2, O8; kept: O1, O8
    assertMetric(all, "overcharge_ratio", 10.0 / 1200, 3); // (110 − 100) / (100 + 100 + 1000)
    assertMetric(all, "promise_kept_rate", 1.0 / 6, 6); // O1 (O3 is not in full)
    assertMetric(all, "lateness_hours_mean", (30.0 + 6.0) / 2, 2); // O2 30 h, O8 6 h
    assertPercentile(all, "lateness_hours_p90", 30.0, 2);
    assertNull(all.get("overcharge_ratio").getAs("ci_low"), "a ratio of sums has no interval");

    // Keys: O8 is enterprise × premium; the rest smb × budget. Phase is always delivery.
    Map<String, Row> smb = metrics(tidy, "month", "2026-05-01", "smb", "delivery", "budget", "all/ALL");
    assertMetric(smb, "on_time_rate", 2.0 / 5, 5);
    Map<String, Row> premium = metrics(tidy, "month", "2026-05-01", "ALL", "ALL", "premium", "all/ALL");
    assertMetric(premium, "on_time_rate", 0.0, 1);
    assertTrue(metrics(tidy, "month", "2026-05-01", "ALL", "pre_sale", "ALL", "all/ALL").isEmpty(), "orders are delivery-phase events");

    // Days and ISO weeks: O8 was ordered on Friday 2026-05-08, in the week of Monday 05-04.
    assertMetric(metrics(tidy, "day", "2026-05-08", "ALL", "ALL", "ALL", "all/ALL"), "on_time_rate", 0.0, 1);
    assertMetric(metrics(tidy, "week", "2026-05-04", "ALL", "ALL", "ALL", "all/ALL"), "on_time_rate", 0.0, 1); // O8 alone
    // O1 O2 O3 (Fri 05-01) fall in the week of Monday 04-27: April's partition, which a run whose
    // window starts on 05-01 does not own, so that week is not recomputed.
    assertTrue(metrics(tidy, "week", "2026-04-27", "ALL", "ALL", "ALL", "all/ALL").isEmpty(), "a week belongs to its Monday's month");
  }

  @Test
  void deliveryToleranceMovesTheOnTimeLine() {
    Dataset<Row> tidy = new CommunicationGap().measure(events(settings("servicegap.standards.delivery.tolerance-hours = 6"), transactions(), noSurveys()));
    Map<String, Row> all = metrics(tidy, "month", "2026-05-01", "ALL", "ALL", "ALL", "all/ALL");
    // O8 arrived exactly 6 h after its promise: on time within 6 h of tolerance. O2 (30 h) stays late.
    assertMetric(all, "on_time_rate", 3.0 / 6, 6);
    assertMetric(all, "lateness_hours_mean", 30.0, 1);
  }

  @Test
  void everyIntervalContainsItsValueAndRatesStayWithinZeroAndOne() {
    Dataset<Row> tidy = new CommunicationGap().measure(events(settings(), transactions(), noSurveys()));
    assertEquals(0, tidy.filter(col("metric").endsWith("_rate").and(col("value").lt(0).or(col("value").gt(1)))).count());
    assertEquals(0, tidy.filter(col("ci_low").gt(col("value")).or(col("ci_high").lt(col("value")))).count());
    assertFalse(tidy.filter(col("metric").endsWith("_rate")).filter(col("ci_low").isNull()).count() > 0, "rates carry intervals");
  }

  @Test
  void percentilesAreReadFromBinsOfTheConfiguredWidth() {
    double exact = 30.0; // lateness p90: O2 30 h, O8 6 h
    for (double resolution : new double[] {0.001, 0.5}) {
      Settings s = settings("servicegap.stats.percentile-resolution = " + resolution);
      Map<String, Row> all = metrics(new CommunicationGap().measure(events(s, transactions(), noSurveys())), "month", "2026-05-01", "ALL", "ALL", "ALL", "all/ALL");
      assertPercentile(all, "lateness_hours_p90", exact, 2, resolution);
      // The centre of the bin holding 30 h: bins are powers of 1 + resolution in 1 + value.
      double bin = Math.floor(Math.log(1 + exact) / Math.log(1 + resolution));
      assertEquals(Math.pow(1 + resolution, bin + 0.5) - 1, all.get("lateness_hours_p90").<Double>getAs("value"), 1e-9);
    }
  }

  /** A percentile: within the default histogram's stated bound of the exact nearest-rank value. */
  static void assertPercentile(Map<String, Row> metrics, String name, double exact, long n) {
    assertPercentile(metrics, name, exact, n, settings().percentileResolution());
  }

  static void assertPercentile(Map<String, Row> metrics, String name, double exact, long n, double resolution) {
    Row r = metrics.get(name);
    if (r == null) {
      throw new AssertionError("no " + name + " among " + metrics.keySet());
    }
    assertEquals(exact, r.<Double>getAs("value"), Percentiles.errorBound(resolution) * (1 + exact), name);
    assertEquals(n, r.<Long>getAs("n"), name + " n");
  }

  static void assertMetric(Map<String, Row> metrics, String name, double value, long n) {
    Row r = metrics.get(name);
    if (r == null) {
      throw new AssertionError("no " + name + " among " + metrics.keySet());
    }
    assertEquals(value, r.<Double>getAs("value"), 1e-9, name);
    assertEquals(n, r.<Long>getAs("n"), name + " n");
  }
}
