package io.servicegap.metrics;

import static io.servicegap.metrics.CommunicationGapTest.assertMetric;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

class CustomerGapTest extends MetricFixtures {

  /**
   * Account A1 is smb × budget. Gaps (perception − expectation):
   * R1 reliability 6→4 (−2), R1 empathy 5→6 (+1), R2 reliability 5→5 (0), R2 tangibles 4→6 (+2).
   * R3 has no perception (not counted); R4 is after as_of (not counted).
   * R5 is about order O1, whose own tier is premium: it counts under premium.
   */
  private static Dataset<Row> surveys() {
    return frame(
        SURVEYS_DDL,
        row("R1", "A1", null, ts("2026-05-02T09:00:00Z"), "delivery", "reliability", 6.0, 4.0),
        row("R1", "A1", null, ts("2026-05-02T09:00:00Z"), "delivery", "empathy", 5.0, 6.0),
        row("R2", "A1", null, ts("2026-05-03T09:00:00Z"), "delivery", "reliability", 5.0, 5.0),
        row("R2", "A1", null, ts("2026-05-03T09:00:00Z"), "delivery", "tangibles", 4.0, 6.0),
        row("R3", "A1", null, ts("2026-05-03T09:00:00Z"), "delivery", "assurance", 6.0, null),
        row("R4", "A1", null, ts("2026-06-03T09:00:00Z"), "delivery", "reliability", 7.0, 1.0),
        row("R5", "A1", "O1", ts("2026-05-04T09:00:00Z"), "post_sale", "value", 5.0, 5.5));
  }

  private static Dataset<Row> orders() {
    return frame(ORDERS_DDL, row("O1", "A1", ts("2026-05-01T10:00:00Z"), "premium", money("100"), null, 1, null, ts("2026-05-02T10:00:00Z"), null, null, "open"));
  }

  @Test
  void dimensionElementAndServqualFigures() {
    Dataset<Row> tidy = new CustomerGap().measure(events(settings(), orders(), surveys())).cache();
    Map<String, Row> reliability = metrics(tidy, "month", "2026-05-01", "smb", "delivery", "budget", "dimension/reliability");
    assertMetric(reliability, "expectation_mean", (6 + 5) / 2.0, 2);
    assertMetric(reliability, "perception_mean", (4 + 5) / 2.0, 2);
    assertMetric(reliability, "gap_mean", (-2 + 0) / 2.0, 2);
    assertMetric(reliability, "exceeded_share", 0.0, 2);
    assertMetric(reliability, "met_share", 1 / 2.0, 2);
    assertMetric(reliability, "failed_share", 1 / 2.0, 2);
    // gap_mean's interval: gaps −2, 0: s² = ((4 + 0) − (−2)²/2) / 1 = 2, half-width z·sqrt(2/2)
    assertEquals(-1 - 1.959964, reliability.get("gap_mean").<Double>getAs("ci_low"), 1e-5);

    // promise element = reliability + tangibles: gaps −2, 0, +2
    Map<String, Row> promise = metrics(tidy, "month", "2026-05-01", "smb", "delivery", "budget", "element/promise");
    assertMetric(promise, "gap_mean", 0.0, 3);
    assertMetric(promise, "expectation_mean", (6 + 5 + 4) / 3.0, 3);
    assertMetric(promise, "exceeded_share", 1 / 3.0, 3);
    assertMetric(promise, "failed_share", 1 / 3.0, 3);
    assertMetric(metrics(tidy, "month", "2026-05-01", "smb", "delivery", "budget", "element/personnel"), "gap_mean", 1.0, 1);

    // servqual_gap, equal weights: mean of dimension gap_means (−1, +1, +2) = 2/3, over 4 answers
    Map<String, Row> all = metrics(tidy, "month", "2026-05-01", "smb", "delivery", "budget", "all/ALL");
    assertMetric(all, "servqual_gap", 2.0 / 3, 4);

    // R5 is keyed by its order's tier (premium), in its own phase.
    assertMetric(metrics(tidy, "month", "2026-05-01", "smb", "post_sale", "premium", "dimension/value"), "gap_mean", 0.5, 1);
    assertMetric(metrics(tidy, "month", "2026-05-01", "ALL", "ALL", "ALL", "dimension/value"), "gap_mean", 0.5, 1);
  }

  @Test
  void servqualUsesConfiguredWeights() {
    Dataset<Row> tidy =
        new CustomerGap().measure(events(settings("servicegap.dimension-settings.reliability.weight = 2"), orders(), surveys()));
    // (2·(−1) + 1·1 + 1·2) / (2 + 1 + 1) = 0.25
    assertMetric(metrics(tidy, "month", "2026-05-01", "smb", "delivery", "budget", "all/ALL"), "servqual_gap", 0.25, 4);
  }
}
