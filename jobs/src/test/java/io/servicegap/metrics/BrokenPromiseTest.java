package io.servicegap.metrics;

import static io.servicegap.metrics.CommunicationGapTest.assertMetric;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.servicegap.keys.RunKeys;
import io.servicegap.stats.Estimate;
import java.time.LocalDate;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/** The broken-promise penalty on hand-worked histories. */
class BrokenPromiseTest extends MetricFixtures {

  /**
   * May 2026, all smb budget (A1). K1 and K2 delivered before their promise; B1 and B2 after it;
   * C1 cancelled (not eligible). Answers about reliability: 6 and 5 after the kept promises
   * (mean 5.5, variance 0.5), 3 and 2 after the broken ones (mean 2.5, variance 0.5); 7 about the
   * cancelled order and 1 about no order, neither counted.
   */
  @Test
  void perceptionAfterKeptAndBrokenPromises() {
    Dataset<Row> orders = frame(ORDERS_DDL,
        row("K1", "A1", ts("2026-05-01T10:00:00Z"), null, money("10"), money("10"), 1, 1, ts("2026-05-03T10:00:00Z"), null, ts("2026-05-02T10:00:00Z"), "delivered"),
        row("K2", "A1", ts("2026-05-04T10:00:00Z"), null, money("10"), money("10"), 1, 1, ts("2026-05-06T10:00:00Z"), null, ts("2026-05-05T10:00:00Z"), "delivered"),
        row("B1", "A1", ts("2026-05-07T10:00:00Z"), null, money("10"), money("10"), 1, 1, ts("2026-05-09T10:00:00Z"), null, ts("2026-05-11T10:00:00Z"), "delivered"),
        row("B2", "A1", ts("2026-05-10T10:00:00Z"), null, money("10"), money("10"), 1, 1, ts("2026-05-12T10:00:00Z"), null, ts("2026-05-14T10:00:00Z"), "delivered"),
        row("C1", "A1", ts("2026-05-12T10:00:00Z"), null, money("10"), null, 1, null, ts("2026-05-14T10:00:00Z"), null, null, "cancelled"));
    Dataset<Row> answers = frame(SURVEYS_DDL,
        row("R1", "A1", "K1", ts("2026-05-20T09:00:00Z"), "delivery", "reliability", 6.0, 6.0),
        row("R2", "A1", "K2", ts("2026-05-20T09:00:00Z"), "delivery", "reliability", 6.0, 5.0),
        row("R3", "A1", "B1", ts("2026-05-20T09:00:00Z"), "delivery", "reliability", 6.0, 3.0),
        row("R4", "A1", "B2", ts("2026-05-20T09:00:00Z"), "delivery", "reliability", 6.0, 2.0),
        row("R5", "A1", "C1", ts("2026-05-20T09:00:00Z"), "delivery", "reliability", 6.0, 7.0),
        row("R6", "A1", null, ts("2026-05-20T09:00:00Z"), "delivery", "reliability", 6.0, 1.0));
    Dataset<Row> tidy = new BrokenPromise().measure(events(settings(), orders, answers)).cache();
    double z = Estimate.z(0.95);
    double half = z * Math.sqrt(0.5 / 2); // each mean: z · s / √n
    for (String subject : new String[] {"dimension/reliability", "element/promise", "all/ALL"}) {
      Map<String, Row> m = metrics(tidy, "month", "2026-05-01", "ALL", "ALL", "ALL", subject);
      assertMetric(m, "perception_promise_kept", 5.5, 2);
      assertMetric(m, "perception_promise_broken", 2.5, 2);
      Row penalty = m.get("broken_promise_penalty");
      assertEquals(3.0, penalty.<Double>getAs("value"), 1e-12, subject);
      assertEquals(2L, penalty.<Long>getAs("n"));
      // The difference of two normal means: half-widths add in quadrature.
      assertEquals(3.0 - Math.sqrt(2) * half, penalty.<Double>getAs("ci_low"), 1e-9, subject);
      assertEquals(3.0 + Math.sqrt(2) * half, penalty.<Double>getAs("ci_high"), 1e-9, subject);
    }
    // Keyed by the answers' own keys: smb · delivery · budget holds the same figures.
    assertMetric(metrics(tidy, "month", "2026-05-01", "smb", "delivery", "budget", "all/ALL"), "broken_promise_penalty", 3.0, 2);
  }

  /**
   * Retention after the promise fell due, as of 2026-05-31 with a 90-day window. A1: K1 (Jan 5,
   * kept) and K3 (Jan 20, kept), then a cancelled order on Feb 1: retained after both. A2: B1
   * (promised Jan 7, delivered Jan 10: broken), nothing after: churned. A3: K2 (Jan 10, kept),
   * nothing after: churned. A4: B2 (Jan 12, broken), then a cancelled order on Mar 1: retained.
   * Kept: 2 of 3 retained; broken: 1 of 2.
   */
  @Test
  void retentionAfterKeptAndBrokenPromises() {
    Dataset<Row> accounts = frame(ACCOUNTS_DDL, row("A1", "smb", "budget"), row("A2", "smb", "budget"), row("A3", "smb", "budget"), row("A4", "smb", "budget"));
    Dataset<Row> orders = frame(ORDERS_DDL,
        row("K1", "A1", ts("2026-01-05T10:00:00Z"), null, money("10"), money("10"), 1, 1, ts("2026-01-07T10:00:00Z"), null, ts("2026-01-06T10:00:00Z"), "delivered"),
        row("K3", "A1", ts("2026-01-20T10:00:00Z"), null, money("10"), money("10"), 1, 1, ts("2026-01-22T10:00:00Z"), null, ts("2026-01-21T10:00:00Z"), "delivered"),
        row("X1", "A1", ts("2026-02-01T10:00:00Z"), null, money("10"), null, 1, null, ts("2026-02-03T10:00:00Z"), null, null, "cancelled"),
        row("B1", "A2", ts("2026-01-05T10:00:00Z"), null, money("10"), money("10"), 1, 1, ts("2026-01-07T10:00:00Z"), null, ts("2026-01-10T10:00:00Z"), "delivered"),
        row("K2", "A3", ts("2026-01-10T10:00:00Z"), null, money("10"), money("10"), 1, 1, ts("2026-01-12T10:00:00Z"), null, ts("2026-01-11T10:00:00Z"), "delivered"),
        row("B2", "A4", ts("2026-01-12T10:00:00Z"), null, money("10"), money("10"), 1, 1, ts("2026-01-14T10:00:00Z"), null, ts("2026-01-16T10:00:00Z"), "delivered"),
        row("X2", "A4", ts("2026-03-01T10:00:00Z"), null, money("10"), null, 1, null, ts("2026-03-03T10:00:00Z"), null, null, "cancelled"));
    RunKeys run = new RunKeys("test-run", LocalDate.parse("2026-05-31"), LocalDate.parse("2026-01-01"), java.time.ZoneOffset.UTC);
    Dataset<Row> tidy = new BrokenPromise().measure(events(settings(), run, accounts, orders, frame(COMPLAINTS_DDL), noSurveys(), null));
    Map<String, Row> january = metrics(tidy, "month", "2026-01-01", "ALL", "ALL", "ALL", "all/ALL");
    assertMetric(january, "retention_promise_kept", 2 / 3.0, 3);
    assertMetric(january, "retention_promise_broken", 1 / 2.0, 2);
    Row lift = january.get("broken_promise_churn_lift");
    assertEquals(2 / 3.0 - 1 / 2.0, lift.<Double>getAs("value"), 1e-12);
    assertEquals(2L, lift.<Long>getAs("n"), "the smaller group");
    assertFalse(january.containsKey("broken_promise_penalty"), "no answers, no perception figures");
  }
}
