package io.servicegap.metrics;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashMap;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/** The shared churn definition at its edges; a 30-day window, cut-off 2026-06-01T00:00Z. */
class RetentionTest extends MetricFixtures {
  private static final int WINDOW = 30;

  @Test
  void churnAfterAnInstantAtTheWindowsEdges() {
    Dataset<Row> orders = frame(
        "account_id string, order_ts timestamp",
        row("A1", ts("2026-03-01T10:00:00Z")),
        row("A1", ts("2026-03-31T10:00:00Z")),
        row("A1", ts("2026-05-20T00:00:00Z")),
        row("A2", ts("2026-01-15T00:00:00Z"))); // A2: one order only; A3: none
    Dataset<Row> instants = frame(
        "id string, account_id string, t timestamp",
        // at an order: that order is at-or-before, not after; the next is exactly t + 30 d → retained
        row("at-order", "A1", ts("2026-03-01T10:00:00Z")),
        // a second later the next order is 2026-05-20, after t + 30 d (2026-04-30T10:00:01) → churned
        row("gap", "A1", ts("2026-03-31T10:00:01Z")),
        // t + 30 d = 2026-06-09 is after the cut-off: not evaluable, though an order follows
        row("too-recent", "A1", ts("2026-05-10T00:00:00Z")),
        // t + 30 d = 2026-06-01T00:00 is the cut-off itself: evaluable; 2026-05-20 follows → retained
        row("edge-evaluable", "A1", ts("2026-05-02T00:00:00Z")),
        // an account's only order: nothing after it → churned
        row("only-order", "A2", ts("2026-01-15T00:00:00Z")),
        // 30 d after that only order, with none since → churned
        row("long-after-last", "A2", ts("2026-02-14T00:00:00Z")),
        row("never-ordered", "A3", ts("2026-04-01T00:00:00Z")));
    Dataset<Row> out = Retention.churnAfter(instants, "t", orders, WINDOW, MAY.cutoff());
    assertEquals(instants.count(), out.count(), "one row per instant, none per order");
    Map<String, Row> byId = new HashMap<>();
    out.collectAsList().forEach(r -> byId.put(r.getAs("id"), r));

    assertOutcome(byId.get("at-order"), true, false);
    assertEquals(ts("2026-03-31T10:00:00Z"), byId.get("at-order").getAs(Retention.NEXT_ORDER));
    assertOutcome(byId.get("gap"), true, true);
    assertOutcome(byId.get("too-recent"), false, null);
    assertOutcome(byId.get("edge-evaluable"), true, false);
    assertOutcome(byId.get("only-order"), true, true);
    assertOutcome(byId.get("long-after-last"), true, true);
    assertOutcome(byId.get("never-ordered"), true, true);
  }

  @Test
  void anOrderInAWindowIsAfterItsStartAndAtOrBeforeItsEnd() {
    Dataset<Row> orders = frame(
        "id string, order_ts timestamp",
        row("at-start", ts("2026-03-01T00:00:00Z")),
        row("just-after-start", ts("2026-03-01T00:00:01Z")),
        row("at-end", ts("2026-03-31T00:00:00Z")),
        row("just-after-end", ts("2026-03-31T00:00:01Z")));
    Column t = lit(ts("2026-03-01T00:00:00Z"));
    Map<String, Boolean> in = new HashMap<>();
    orders.select(col("id"), Retention.orderedIn(col("order_ts"), t, Retention.windowEnd(t, WINDOW))).collectAsList()
        .forEach(r -> in.put(r.getString(0), r.getBoolean(1)));
    assertEquals(Map.of("at-start", false, "just-after-start", true, "at-end", true, "just-after-end", false), in);
  }

  private static void assertOutcome(Row r, boolean evaluable, Boolean churned) {
    String id = r.getAs("id");
    assertEquals(evaluable, r.<Boolean>getAs(Retention.EVALUABLE), id + " evaluable");
    assertEquals(churned, r.<Boolean>getAs(Retention.CHURNED), id + " churned");
  }
}
