package io.servicegap.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.servicegap.config.Settings;
import io.servicegap.keys.RunKeys;
import io.servicegap.stats.Estimate;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/** fee_impact on a hand-worked history: as_of 2026-06-30, a 30-day churn window. */
class FeeImpactTest extends MetricFixtures {
  private static final RunKeys JUNE = new RunKeys("test-run", LocalDate.parse("2026-06-30"), LocalDate.parse("2026-05-01"), java.time.ZoneOffset.UTC);
  private static final Settings SETTINGS = settings("servicegap.retention.churn-after-days = 30");

  private static Object[] order(String id, String account, String day, String charged, String status) {
    java.sql.Timestamp t = ts(day + "T00:00:00Z");
    return row(id, account, t, null, money(charged), money(charged), 1, 1, t, null, t, status);
  }

  private static Object[] orderAt(String id, String account, String instant, String charged) {
    java.sql.Timestamp t = ts(instant);
    return row(id, account, t, null, money(charged), money(charged), 1, 1, t, null, t, "delivered");
  }

  @Test
  void churnAfterAChangeAgainstOneWindowEarlierAndAgainstUntouchedAccounts() {
    Dataset<Row> accounts = frame(
        ACCOUNTS_DDL,
        row("B1", "smb", "budget"), row("B2", "consumer", "budget"), row("B3", "enterprise", "budget"),
        row("B4", "consumer", "budget"), row("B5", "consumer", "budget"), row("S1", "smb", "standard"), row("S2", "consumer", "standard"));
    Dataset<Row> transactions = frame(
        ORDERS_DDL,
        order("O1", "B1", "2026-04-01", "100", "delivered"),
        order("O2", "B1", "2026-05-01", "250", "delivered"),
        order("O3", "B2", "2026-04-10", "10", "delivered"),
        order("O4", "B2", "2026-05-10", "10", "delivered"),
        order("O5", "B2", "2026-06-01", "10", "delivered"),
        order("O6", "B3", "2026-03-01", "10", "delivered"),
        order("O7", "B4", "2026-05-14", "80", "cancelled"),
        order("O8", "B5", "2026-04-05", "10", "delivered"),
        order("O9", "S1", "2026-04-10", "10", "delivered"),
        order("O10", "S1", "2026-05-10", "10", "delivered"),
        order("O11", "S1", "2026-06-01", "10", "delivered"),
        order("O12", "S2", "2026-04-20", "10", "delivered"));
    Dataset<Row> changes = frame(
        "change_id string, effective_date date, price_tier string, segment string, change_pct double, description string",
        row("P1", java.sql.Date.valueOf("2026-05-15"), "budget", "*", 0.08, "budget fee"),
        row("P2", java.sql.Date.valueOf("2026-06-20"), "*", "smb", 0.05, "smb surcharge"),
        row("P3", java.sql.Date.valueOf("2026-08-01"), "*", "*", 0.10, "announced, not yet effective"));
    Dataset<Row> out = FeeImpact.build(changes, accounts, keyedOrders(transactions, accounts, JUNE), SETTINGS, JUNE, Estimate.z(0.95));
    Map<String, Row> byId = new HashMap<>();
    out.collectAsList().forEach(r -> byId.put(r.getAs("change_id"), r));
    assertEquals(2, byId.size(), "P3 is not yet effective");

    Row p1 = byId.get("P1");
    assertTrue(p1.<Boolean>getAs("evaluable"), "05-15 + 30 d = 06-14, before the cut-off");
    // Before: active at 04-15 (an order in (03-16, 04-15]): B1, B2, B5 (B3's 03-01 is too old).
    // In (04-15, 05-15]: B1 orders 05-01, B2 05-10, B5 nothing → churn 1/3.
    assertEquals(3L, (long) p1.getAs("accounts_before"));
    assertEquals(1 / 3.0, p1.<Double>getAs("churn_rate_before"), 1e-12);
    // After: active at 05-15: B1 (05-01), B2 (05-10), B4 (05-14, cancelled still counts as an
    // order). In (05-15, 06-14]: only B2 orders (06-01) → churn 2/3.
    assertEquals(3L, (long) p1.getAs("accounts_after"));
    assertEquals(2 / 3.0, p1.<Double>getAs("churn_rate_after"), 1e-12);
    assertEquals(2 / 3.0 - 1 / 3.0, p1.<Double>getAs("churn_lift"), 1e-12);
    assertTrue(p1.<Double>getAs("churn_lift_ci_low") < p1.<Double>getAs("churn_lift") && p1.<Double>getAs("churn_lift") < p1.<Double>getAs("churn_lift_ci_high"));
    // Control (standard tier): before, S1 active and retained → 0/1; after, S1 retained and S2
    // (04-20, nothing later) churned → 1/2.
    assertEquals(2L, (long) p1.getAs("control_accounts_after"));
    assertEquals(1 / 2.0 - 0.0, p1.<Double>getAs("control_churn_lift"), 1e-12);
    // Churned after: B1 (100 + 250 in the year before 05-15) and B4 (its only order cancelled: 0).
    assertEquals(new BigDecimal("350.00"), p1.getAs("revenue_at_risk"));
    assertTrue(p1.<Boolean>getAs("low_sample"));

    Row p2 = byId.get("P2");
    assertFalse(p2.<Boolean>getAs("evaluable"), "06-20 + 30 d is after the cut-off");
    // Before: smb accounts active at 05-21: B1 (05-01) and S1 (05-10); in (05-21, 06-20] only S1 orders.
    assertEquals(2L, (long) p2.getAs("accounts_before"));
    assertEquals(1 / 2.0, p2.<Double>getAs("churn_rate_before"), 1e-12);
    // After: active at 06-20: S1 (06-01) only; its churn is not known yet.
    assertEquals(1L, (long) p2.getAs("accounts_after"));
    assertNull(p2.getAs("churn_rate_after"));
    assertNull(p2.getAs("churn_lift"));
    assertNull(p2.getAs("revenue_at_risk"));
  }

  /**
   * Orders exactly on the windows' edges of a change effective 2026-05-15 (t), 30-day windows:
   * activity at an instant looks at (instant − 30 d, instant], churn after it at (instant, instant
   * + 30 d]; the window before is the same one 30 days earlier (t − 30 d = 04-15).
   */
  @Test
  void ordersOnTheWindowsEdges() {
    Dataset<Row> accounts = frame(
        ACCOUNTS_DDL,
        row("E1", "smb", "budget"), row("E2", "smb", "budget"), row("E3", "smb", "budget"), row("E4", "smb", "budget"), row("E5", "smb", "standard"));
    Dataset<Row> transactions = frame(
        ORDERS_DDL,
        orderAt("O1", "E1", "2026-04-15T00:00:00Z", "3"), // at t − 30 d: active before (no order by t: churned); not active at t
        orderAt("O2", "E2", "2026-05-15T00:00:00Z", "500"), // at t: active at t, not after it → churned; outside the year before t
        orderAt("O3", "E3", "2026-05-01T00:00:00Z", "10"),
        orderAt("O4", "E3", "2026-06-14T00:00:00Z", "10"), // exactly t + 30 d: retained
        orderAt("O5", "E4", "2026-04-20T00:00:00Z", "40"),
        orderAt("O6", "E4", "2026-06-14T00:00:01Z", "7"), // a second past t + 30 d: churned
        orderAt("O7", "E5", "2026-04-15T00:00:01Z", "10"), // control: not active at 04-15, active at t, churned
        orderAt("O8", "E5", "2026-05-15T00:00:00Z", "10"));
    Dataset<Row> changes = frame(
        "change_id string, effective_date date, price_tier string, segment string, change_pct double, description string",
        row("P1", java.sql.Date.valueOf("2026-05-15"), "budget", "*", 0.08, "budget fee"));
    Row p1 = FeeImpact.build(changes, accounts, keyedOrders(transactions, accounts, JUNE), SETTINGS, JUNE, Estimate.z(0.95)).first();
    assertEquals(1L, (long) p1.getAs("accounts_before")); // E1
    assertEquals(1.0, p1.<Double>getAs("churn_rate_before"), 1e-12);
    assertEquals(3L, (long) p1.getAs("accounts_after")); // E2, E3, E4
    assertEquals(2 / 3.0, p1.<Double>getAs("churn_rate_after"), 1e-12); // E2, E4
    assertEquals(2 / 3.0 - 1.0, p1.<Double>getAs("churn_lift"), 1e-12);
    assertEquals(1L, (long) p1.getAs("control_accounts_after")); // E5
    assertNull(p1.getAs("control_churn_lift"), "no control account was active one window earlier");
    // Churned after: E2 (its order at t is not in [t − 365 d, t)) and E4 (40; 7 came after t).
    assertEquals(new BigDecimal("40.00"), p1.getAs("revenue_at_risk"));
  }
}
