package io.servicegap.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.servicegap.PlanShape;
import java.math.BigDecimal;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/** account_scorecard on a hand-worked history; as_of 2026-05-31, trailing year from 2025-06-01. */
class AccountScorecardTest extends MetricFixtures {

  @Test
  void revenueRankBestAccountsAndAtRiskReasons() {
    Dataset<Row> accounts = frame(ACCOUNTS_DDL, row("A1", "smb", "budget"), row("A2", "enterprise", "premium"), row("A3", "consumer", "standard"));
    Dataset<Row> transactions = frame(
        ORDERS_DDL,
        // A1: 100 on time and in full; 250 charged on a 200 quote, late. Revenue 100 + 250 = 350.
        row("O1", "A1", ts("2026-05-01T10:00:00Z"), null, money("100"), money("100"), 1, 1, ts("2026-05-03T10:00:00Z"), null, ts("2026-05-02T10:00:00Z"), "delivered"),
        row("O2", "A1", ts("2026-05-20T10:00:00Z"), null, money("200"), money("250"), 1, 1, ts("2026-05-22T10:00:00Z"), null, ts("2026-05-25T10:00:00Z"), "delivered"),
        // A2: 1000 quoted, not yet charged (revenue counts the quote), last ordered 2026-02-01.
        row("O3", "A2", ts("2026-02-01T10:00:00Z"), null, money("1000"), null, 1, 1, ts("2026-02-03T10:00:00Z"), null, ts("2026-02-02T10:00:00Z"), "delivered"),
        // A3: one order, more than a year ago: no revenue in the trailing year.
        row("O4", "A3", ts("2025-01-10T10:00:00Z"), null, money("5000"), money("5000"), 1, 1, ts("2025-01-12T10:00:00Z"), null, ts("2025-01-11T10:00:00Z"), "delivered"));
    Dataset<Row> complaints = frame(
        COMPLAINTS_DDL,
        row("K1", "A1", null, ts("2026-05-05T08:00:00Z"), "post_sale", "billing", null, null, null, 1, false),
        row("K2", "A1", null, ts("2025-03-01T08:00:00Z"), "post_sale", "billing", null, ts("2025-03-02T08:00:00Z"), null, 1, false));
    Dataset<Row> surveys = frame(
        SURVEYS_DDL,
        row("R1", "A1", null, ts("2026-05-02T09:00:00Z"), "delivery", "reliability", 6.0, 5.0),
        row("R1", "A1", null, ts("2026-05-02T09:00:00Z"), "delivery", "empathy", 6.0, 5.0),
        row("R2", "A1", null, ts("2026-05-26T09:00:00Z"), "delivery", "reliability", 6.0, 4.0));
    Dataset<Row> card = AccountScorecard.build(
        accounts, keyedOrders(transactions, accounts, MAY), keyedComplaints(complaints, transactions, accounts, MAY),
        keyedAnswers(surveys, transactions, accounts, MAY), settings(), MAY);
    // The ranking and the count of accounts with revenue share one window over all accounts.
    assertEquals(1, PlanShape.windows(card), "one window operator for rank and count");
    Map<String, Row> byId = new HashMap<>();
    card.collectAsList().forEach(r -> byId.put(r.getAs("account_id"), r));

    Row a1 = byId.get("A1");
    assertEquals(new BigDecimal("350.00"), a1.getAs("revenue_365d"));
    assertEquals(2, (int) a1.getAs("revenue_rank"));
    assertFalse(a1.<Boolean>getAs("best_account"), "2 accounts with revenue × 0.2 → only the first is best");
    assertEquals(2L, (long) a1.getAs("orders_365d"));
    assertEquals(0.5, a1.<Double>getAs("otif_rate_365d"), 1e-12);
    assertEquals(1L, (long) a1.getAs("complaints_365d"), "K2 is older than a year");
    assertEquals(1L, (long) a1.getAs("open_complaints"), "K1 is unresolved, K2 resolved");
    assertEquals((-1 - 1 - 2) / 3.0, a1.<Double>getAs("mean_gap_365d"), 1e-12);
    assertEquals(11, (int) a1.getAs("days_since_last_order")); // 05-20 → 05-31
    assertEquals(List.of("open_complaints", "negative_gap"), a1.getList(a1.fieldIndex("at_risk_reasons")));
    assertTrue(a1.<Boolean>getAs("at_risk"));
    assertEquals("at_risk", a1.getAs("status"));

    Row a2 = byId.get("A2");
    assertEquals(new BigDecimal("1000.00"), a2.getAs("revenue_365d"));
    assertEquals(1, (int) a2.getAs("revenue_rank"));
    assertTrue(a2.<Boolean>getAs("best_account"));
    assertEquals(119, (int) a2.getAs("days_since_last_order")); // 02-01 → 05-31
    assertEquals(List.of("no_recent_order"), a2.getList(a2.fieldIndex("at_risk_reasons")));
    // No order in the 90 days before the cut-off: lost, not at risk.
    assertEquals("lapsed", a2.getAs("status"));
    assertFalse(a2.<Boolean>getAs("at_risk"));

    Row a3 = byId.get("A3");
    assertEquals(new BigDecimal("0.00"), a3.getAs("revenue_365d"));
    assertFalse(a3.<Boolean>getAs("best_account"));
    assertEquals(0L, (long) a3.getAs("orders_365d"));
    assertNull(a3.getAs("otif_rate_365d"));
    assertEquals(List.of("no_recent_order"), a3.getList(a3.fieldIndex("at_risk_reasons")));
  }

  /**
   * Status at the edges of the churn window: the cut-off is 2026-06-01T00:00Z and the window 90
   * days, so it opens at 2026-03-03T00:00Z, exclusive (churn after t counts orders in (t, t + 90 d]).
   */
  @Test
  void statusAtTheEdgesOfTheChurnWindow() {
    Dataset<Row> accounts = frame(ACCOUNTS_DDL, row("B1", "smb", "budget"), row("B2", "smb", "budget"), row("B3", "smb", "budget"), row("B4", "smb", "budget"));
    Dataset<Row> transactions = frame(
        ORDERS_DDL,
        // B1: last order exactly when the window opens: outside it, lapsed.
        row("E1", "B1", ts("2026-03-03T00:00:00Z"), null, money("10"), money("10"), 1, 1, ts("2026-03-04T00:00:00Z"), null, ts("2026-03-03T12:00:00Z"), "delivered"),
        // B2: one second later: inside, active; 89 days without an order > 60: at risk.
        row("E2", "B2", ts("2026-03-03T00:00:01Z"), null, money("10"), money("10"), 1, 1, ts("2026-03-04T00:00:00Z"), null, ts("2026-03-03T12:00:00Z"), "delivered"),
        // B3: ordered on the last day and delivered on time: active, no reason.
        row("E3", "B3", ts("2026-05-31T10:00:00Z"), null, money("10"), money("10"), 1, 1, ts("2026-05-31T20:00:00Z"), null, ts("2026-05-31T18:00:00Z"), "delivered"));
    // B4 never ordered: lapsed.
    Dataset<Row> card = AccountScorecard.build(
        accounts, keyedOrders(transactions, accounts, MAY), keyedComplaints(frame(COMPLAINTS_DDL), transactions, accounts, MAY),
        keyedAnswers(frame(SURVEYS_DDL), transactions, accounts, MAY), settings(), MAY);
    Map<String, String> status = new HashMap<>();
    Map<String, Boolean> atRisk = new HashMap<>();
    card.collectAsList().forEach(r -> {
      status.put(r.getAs("account_id"), r.getAs("status"));
      atRisk.put(r.getAs("account_id"), r.getAs("at_risk"));
    });
    assertEquals(Map.of("B1", "lapsed", "B2", "at_risk", "B3", "active", "B4", "lapsed"), status);
    assertEquals(Map.of("B1", false, "B2", true, "B3", false, "B4", false), atRisk);
  }
}
