package io.servicegap.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.servicegap.config.Settings;
import io.servicegap.stats.Estimate;
import java.sql.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/** Findings on hand-made gap_metrics of May 2026 (as_of 2026-05-31), intervals worked out here. */
class FindingsTest extends MetricFixtures {
  private static final String METRICS_DDL =
      "grain string, period_start date, segment string, phase string, price_tier string, gap string, metric string, subject_type string, "
          + "subject string, value double, n bigint, ci_low double, ci_high double";
  private static final double Z = Estimate.z(0.95);

  /** Wilson's interval, written out: (p + z²/2n ± z √(p(1−p)/n + z²/4n²)) / (1 + z²/n). */
  private static double[] wilson(double successes, double n) {
    double p = successes / n;
    double z2 = Z * Z;
    double center = (p + z2 / (2 * n)) / (1 + z2 / n);
    double half = Z * Math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n);
    return new double[] {center - half, center + half};
  }

  private static Object[] otif(String segment, String phase, String tier, double value, long n) {
    double[] ci = wilson(value * n, n);
    return row("month", Date.valueOf("2026-05-01"), segment, phase, tier, "gap4", "otif_rate", "all", "ALL", value, n, ci[0], ci[1]);
  }

  private static Map<String, Row> byKeys(Dataset<Row> findings) {
    Map<String, Row> m = new HashMap<>();
    findings.collectAsList().forEach(r -> m.put(r.getAs("segment") + "/" + r.getAs("phase") + "/" + r.getAs("price_tier"), r));
    return m;
  }

  @Test
  void worseBeyondTheIntervalsOrBeyondATargetWithEnoughSampleOnBothSides() {
    Settings s = settings("servicegap.findings { periods = 1, min-sample = 30, targets { otif_rate = 0.9 } }");
    Dataset<Row> metrics = frame(METRICS_DDL,
        // All customers: 850 of 1000.
        otif("ALL", "ALL", "ALL", 0.85, 1000),
        // 60 of 100: worse, and its interval ends below the parent's.
        otif("smb", "ALL", "budget", 0.6, 100),
        // The same figure under one more key (every order is of the delivery phase): the same finding.
        otif("smb", "delivery", "budget", 0.6, 100),
        // 42 of 50: worse, but the intervals overlap and its interval reaches the 90 % target.
        otif("smb", "ALL", "premium", 0.84, 50),
        // 10 of 20: far worse, but below the minimum sample.
        otif("enterprise", "ALL", "budget", 0.5, 20),
        // 328 of 400: within the parent's interval, but wholly below the 90 % target.
        otif("enterprise", "ALL", "premium", 0.82, 400));
    Map<String, Row> found = byKeys(Findings.build(metrics, null, s, MAY));
    assertEquals(java.util.Set.of("smb/ALL/budget", "enterprise/ALL/premium"), found.keySet());

    double[] parent = wilson(850, 1000);
    double[] smb = wilson(60, 100);
    assertTrue(smb[1] < parent[0], "the case is what it claims: " + smb[1] + " < " + parent[0]);
    Row worse = found.get("smb/ALL/budget");
    assertEquals(0.6, worse.<Double>getAs("value"), 1e-12);
    assertEquals(100L, worse.<Long>getAs("n"));
    assertEquals(smb[0], worse.<Double>getAs("ci_low"), 1e-9);
    assertEquals(smb[1], worse.<Double>getAs("ci_high"), 1e-9);
    assertEquals(0.85, worse.<Double>getAs("parent_value"), 1e-12);
    assertEquals(1000L, worse.<Long>getAs("parent_n"));
    assertEquals(parent[0], worse.<Double>getAs("parent_ci_low"), 1e-9);
    assertEquals(0.9, worse.<Double>getAs("target"), 1e-12, "it breaks the 90 % target too");
    // At stake: 100 orders × (0.85 − 0.60) = 25; the target finding 400 × (0.85 − 0.82) = 12.
    assertEquals(25.0, worse.<Double>getAs("at_stake"), 1e-9);
    assertEquals(1, (int) worse.<Integer>getAs("rank"));
    assertEquals("smb · budget: 60 % of orders on time and in full in 2026-05 (" + Math.round(smb[0] * 100) + "–" + Math.round(smb[1] * 100)
        + " %, 100 orders), against 85 % for all customers, target 90 %", worse.getAs("sentence"));

    Row target = found.get("enterprise/ALL/premium");
    double[] ent = wilson(328, 400);
    assertTrue(ent[1] >= parent[0] && ent[1] < 0.9, "within the parent's interval, below the target");
    assertEquals(0.9, target.<Double>getAs("target"), 1e-12);
    assertEquals(12.0, target.<Double>getAs("at_stake"), 1e-9);
    assertEquals(2, (int) target.<Integer>getAs("rank"));
    String targetSentence = target.getAs("sentence");
    assertTrue(targetSentence.endsWith(", target 90 %"), targetSentence);

    // Stable ids: the same keys and metric give the same id in another run, other keys another.
    Map<String, Row> again = byKeys(Findings.build(metrics, null, s, MAY));
    assertEquals(worse.<String>getAs("finding_id"), again.get("smb/ALL/budget").getAs("finding_id"));
    assertNotEquals(worse.<String>getAs("finding_id"), target.getAs("finding_id"));
  }

  @Test
  void thePeriodsPoolAndTheTrendComparesTheLatestOne() {
    // March, April and May: 20 of 40 each month for smb · budget (60 of 120 pooled), against 85 %
    // of 1000 a month for all customers; May alone is 10 of 40. Each month carries its own Wilson
    // interval, as gap_metrics does.
    Settings s = settings("servicegap.findings { periods = 3, min-sample = 30 }");
    List<Object[]> rows = new java.util.ArrayList<>();
    for (String month : List.of("2026-03-01", "2026-04-01", "2026-05-01")) {
      double successes = month.equals("2026-05-01") ? 10 : 20;
      double[] own = wilson(successes, 40);
      double[] all = wilson(850, 1000);
      rows.add(row("month", Date.valueOf(month), "ALL", "ALL", "ALL", "gap4", "otif_rate", "all", "ALL", 0.85, 1000L, all[0], all[1]));
      rows.add(row("month", Date.valueOf(month), "smb", "ALL", "budget", "gap4", "otif_rate", "all", "ALL", successes / 40, 40L, own[0], own[1]));
    }
    Row f = Findings.build(frame(METRICS_DDL, rows.toArray(Object[][]::new)), null, s, MAY).first();
    double[] pooled = wilson(20 + 20 + 10, 120);
    assertEquals(50 / 120.0, f.<Double>getAs("value"), 1e-12);
    assertEquals(120L, f.<Long>getAs("n"));
    assertEquals(pooled[0], f.<Double>getAs("ci_low"), 1e-9, "intervals come from the pooled counts, not the periods' own");
    assertEquals(3000L, f.<Long>getAs("parent_n"));
    // May's own interval, Wilson of 10 of 40, is about 0.142 to 0.404: the pooled 0.417 lies
    // above it, and lower is worse for a rate.
    double[] may = wilson(10, 40);
    assertTrue(may[1] < 50 / 120.0, "the case is what it claims: " + may[1]);
    assertEquals("worsening", f.getAs("trend"));
    assertEquals(Date.valueOf("2026-05-01"), f.getAs("period_start"));
    String pooledSentence = f.getAs("sentence");
    assertTrue(pooledSentence.contains("from 2026-03 to 2026-05"), pooledSentence);
  }

  @Test
  void aLargeSamplesMonthlyNoiseIsSteady() {
    // Twelve months of 100 000 orders for smb · budget, 55 000 on time and in full in each but
    // May. The pooled interval is only about ±0.0009 wide (1.96 √(0.55 × 0.45 / 1 200 000)), so
    // either May below lies outside it; the trend reads May's own interval, ±0.0031.
    // May 54 600: pooled 659 600 / 1 200 000 = 0.54967, May's interval 0.5429 to 0.5491 lies
    // wholly below it: worsening. May 54 800: pooled 0.54983, May's interval 0.5449 to 0.5511
    // holds it: steady, where the pooled interval would have said worsening.
    Settings s = settings("servicegap.findings { periods = 12, min-sample = 30 }");
    for (double may : new double[] {54_600, 54_800}) {
      List<Object[]> rows = new java.util.ArrayList<>();
      for (int i = 0; i < 12; i++) {
        Date month = Date.valueOf(java.time.LocalDate.parse("2025-06-01").plusMonths(i));
        double successes = i == 11 ? may : 55_000;
        double[] own = wilson(successes, 100_000);
        double[] all = wilson(800_000, 1_000_000);
        rows.add(row("month", month, "ALL", "ALL", "ALL", "gap4", "otif_rate", "all", "ALL", 0.8, 1_000_000L, all[0], all[1]));
        rows.add(row("month", month, "smb", "ALL", "budget", "gap4", "otif_rate", "all", "ALL", successes / 100_000, 100_000L, own[0], own[1]));
      }
      Row f = Findings.build(frame(METRICS_DDL, rows.toArray(Object[][]::new)), null, s, MAY).first();
      double pooledValue = (11 * 55_000 + may) / 1_200_000;
      double[] pooled = wilson(11 * 55_000 + may, 1_200_000);
      double[] latest = wilson(may, 100_000);
      assertEquals(pooledValue, f.<Double>getAs("value"), 1e-12);
      assertTrue(may / 100_000 < pooled[0], "May lies outside the pooled interval: " + pooled[0]);
      boolean inside = latest[0] <= pooledValue && pooledValue <= latest[1];
      assertEquals(may == 54_800, inside, "the case is what it claims: " + latest[0] + " to " + latest[1] + " against " + pooledValue);
      assertEquals(inside ? "steady" : "worsening", f.getAs("trend"), "May " + may);
    }
  }

  private static Object[] retention(String segment, String metric, double value, long n) {
    double[] ci = wilson(value * n, n);
    return row("month", Date.valueOf("2026-05-01"), segment, "ALL", "ALL", "impact", metric, "all", "ALL", value, n, ci[0], ci[1]);
  }

  /** Newcombe's interval of a − b from the two Wilson intervals, written out. */
  private static double[] newcombe(double a, double[] aCi, double b, double[] bCi) {
    double d = a - b;
    return new double[] {d - Math.sqrt(Math.pow(a - aCi[0], 2) + Math.pow(bCi[1] - b, 2)), d + Math.sqrt(Math.pow(aCi[1] - a, 2) + Math.pow(b - bCi[0], 2))};
  }

  @Test
  void aDifferenceIsPooledFromItsTwoPartsAndNeedsBoth() {
    Settings s = settings("servicegap.findings { periods = 1, min-sample = 30 }");
    Dataset<Row> metrics = frame(METRICS_DDL,
        // All customers: retained after 800 of 1000 kept promises and 300 of 500 broken ones.
        retention("ALL", "retention_promise_kept", 0.8, 1000),
        retention("ALL", "retention_promise_broken", 0.6, 500),
        // Enterprise: 360 of 400 after kept, 30 of 100 after broken.
        retention("enterprise", "retention_promise_kept", 0.9, 400),
        retention("enterprise", "retention_promise_broken", 0.3, 100),
        // smb has only one part: no difference, so no figure at all.
        retention("smb", "retention_promise_kept", 0.5, 100));
    Map<String, Row> found = byKeys(Findings.build(metrics, null, s, MAY));
    assertEquals(java.util.Set.of("ALL/ALL/ALL", "enterprise/ALL/ALL"), found.keySet());

    // All customers: a lift wholly above zero is a finding against zero; n is the smaller part.
    double[] all = newcombe(0.8, wilson(800, 1000), 0.6, wilson(300, 500));
    Row whole = found.get("ALL/ALL/ALL");
    assertEquals("broken_promise_churn_lift", whole.getAs("metric"));
    assertEquals(0.2, whole.<Double>getAs("value"), 1e-12);
    assertEquals(500L, whole.<Long>getAs("n"));
    assertEquals(all[0], whole.<Double>getAs("ci_low"), 1e-9);
    assertEquals(all[1], whole.<Double>getAs("ci_high"), 1e-9);
    assertEquals(0.0, whole.<Double>getAs("parent_value"), 1e-12);
    assertNull(whole.<Long>getAs("parent_n"));
    assertEquals("steady", whole.getAs("trend"));
    // At stake: 500 × |0.2 − 0| = 100, against enterprise's 100 × |0.6 − 0.2| = 40.
    assertEquals(100.0, whole.<Double>getAs("at_stake"), 1e-9);
    assertEquals(1, (int) whole.<Integer>getAs("rank"));

    // Enterprise: lower is better, and its interval lies wholly above all customers'.
    double[] ent = newcombe(0.9, wilson(360, 400), 0.3, wilson(30, 100));
    assertTrue(ent[0] > all[1], "the case is what it claims: " + ent[0] + " > " + all[1]);
    Row worse = found.get("enterprise/ALL/ALL");
    assertEquals(0.6, worse.<Double>getAs("value"), 1e-12);
    assertEquals(100L, worse.<Long>getAs("n"));
    assertEquals(ent[0], worse.<Double>getAs("ci_low"), 1e-9);
    assertEquals(0.2, worse.<Double>getAs("parent_value"), 1e-12);
    assertEquals(500L, worse.<Long>getAs("parent_n"));
    assertEquals(all[1], worse.<Double>getAs("parent_ci_high"), 1e-9);
    assertEquals(40.0, worse.<Double>getAs("at_stake"), 1e-9);
    assertEquals(2, (int) worse.<Integer>getAs("rank"));
  }

  @Test
  void aPriceChangeWhoseChurnRoseBeyondTheUntouchedAccounts() {
    Settings s = settings();
    Dataset<Row> fee = frame(
        "change_id string, effective_date date, price_tier string, segment string, evaluable boolean, accounts_before bigint, churn_rate_before double, "
            + "accounts_after bigint, churn_rate_after double, churn_lift double, churn_lift_ci_low double, churn_lift_ci_high double, "
            + "control_accounts_after bigint, control_churn_lift double, control_churn_lift_ci_low double, control_churn_lift_ci_high double",
        // Lift 0.5 (0.3 to 0.65) against the control's 0.02 (−0.1 to 0.12): a finding; at stake
        // 40 accounts × (0.5 − 0.02) = 19.2.
        row("P1", Date.valueOf("2026-01-01"), "budget", "*", true, 40L, 0.2, 40L, 0.7, 0.5, 0.3, 0.65, 120L, 0.02, -0.1, 0.12),
        // Lift 0.1 (−0.05 to 0.25): its interval reaches the control's: none.
        row("P2", Date.valueOf("2026-01-01"), "premium", "*", true, 40L, 0.2, 40L, 0.3, 0.1, -0.05, 0.25, 120L, 0.0, -0.1, 0.1),
        // Not evaluable yet: none.
        row("P3", Date.valueOf("2026-05-01"), "budget", "*", false, 40L, 0.2, 40L, null, null, null, null, 120L, null, null, null));
    List<Row> found = Findings.build(frame(METRICS_DDL), fee, s, MAY).collectAsList();
    assertEquals(1, found.size());
    Row f = found.get(0);
    assertEquals("P1", f.getAs("subject"));
    assertEquals("budget", f.getAs("price_tier"));
    assertEquals("ALL", f.getAs("segment"));
    assertEquals(19.2, f.<Double>getAs("at_stake"), 1e-9);
    String feeSentence = f.getAs("sentence");
    assertTrue(feeSentence.startsWith("price change P1 (budget, from 2026-01-01): churn among the accounts it touched rose from 20 % to 70 %"), feeSentence);
  }
}
