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
import org.apache.commons.math3.distribution.NormalDistribution;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/**
 * Findings on hand-made gap_metrics and account sums of April and May 2026 (as_of 2026-05-31):
 * the variances, p-values, Benjamini–Hochberg q-values and intervals worked out here, Φ from
 * Commons Math.
 */
class FindingsTest extends MetricFixtures {
  private static final String METRICS_DDL =
      "grain string, period_start date, segment string, phase string, price_tier string, gap string, metric string, subject_type string, "
          + "subject string, value double, n bigint, ci_low double, ci_high double";
  private static final String SUMS_DDL =
      "segment string, phase string, price_tier string, gap string, metric string, subject_type string, subject string, y double, n double, "
          + "yy double, yn double, nn double, accounts bigint, event_yy double, event_yn double, event_nn double, events bigint";
  private static final String FEE_DDL =
      "change_id string, effective_date date, price_tier string, segment string, evaluable boolean, accounts_before bigint, churn_rate_before double, "
          + "accounts_after bigint, churn_rate_after double, churn_lift double, churn_lift_ci_low double, churn_lift_ci_high double, "
          + "control_accounts_after bigint, control_churn_lift double, control_churn_lift_ci_low double, control_churn_lift_ci_high double";
  private static final double Z = Estimate.z(0.95);
  private static final NormalDistribution NORMAL = new NormalDistribution();

  /** A month's OTIF row with an interval of ± 0.1 (the trend reads its spread from it). */
  private static Object[] otif(String month, String segment, String tier, double value, long n) {
    return row("month", Date.valueOf(month), segment, "ALL", tier, "gap4", "otif_rate", "all", "ALL", value, n, value - 0.1, value + 0.1);
  }

  private static Object[] sums(String segment, String tier, String metric, double y, double n, double yy, double yn, double nn, long accounts,
      double eventYy, double eventYn, double eventNn, long events) {
    String gap = metric.equals("otif_rate") ? "gap4" : "impact";
    return row(segment, "ALL", tier, gap, metric, "all", "ALL", y, n, yy, yn, nn, accounts, eventYy, eventYn, eventNn, events);
  }

  private static AccountClusters.Clusters clusters(Object[]... rows) {
    return new AccountClusters.Clusters(null, frame(SUMS_DDL, rows), 1.0);
  }

  private static Map<String, Row> byKeys(Dataset<Row> rows) {
    Map<String, Row> m = new HashMap<>();
    rows.collectAsList().forEach(r -> m.put(r.getAs("segment") + "/" + r.getAs("phase") + "/" + r.getAs("price_tier"), r));
    return m;
  }

  /** Wilson's interval, written out: (p + z²/2n ± z √(p(1−p)/n + z²/4n²)) / (1 + z²/n). */
  private static double[] wilson(double p, double n) {
    double z2 = Z * Z;
    double center = (p + z2 / (2 * n)) / (1 + z2 / n);
    double half = Z * Math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n);
    return new double[] {center - half, center + half};
  }

  /**
   * smb · budget: 60 % OTIF over April and May (70 % of 50, then 50 % of 50), against 80 % of 1,000
   * for all customers; enterprise · premium 78 % of 200. Each is tested against the other customers.
   */
  @Test
  void aGroupAgainstTheRestOfAllCustomersWithVariancesThatCountAccounts() {
    Settings s = settings("servicegap.findings { periods = 2, min-sample = 30 }");
    Dataset<Row> metrics = frame(METRICS_DDL,
        otif("2026-04-01", "ALL", "ALL", 0.8, 500), otif("2026-05-01", "ALL", "ALL", 0.8, 500),
        otif("2026-04-01", "smb", "budget", 0.7, 50), otif("2026-05-01", "smb", "budget", 0.5, 50),
        otif("2026-04-01", "enterprise", "premium", 0.78, 100), otif("2026-05-01", "enterprise", "premium", 0.78, 100));
    AccountClusters.Clusters sums = clusters(
        // 200 accounts of 5 orders.
        sums("ALL", "ALL", "otif_rate", 800, 1000, 3500, 4000, 5000, 200, 800, 800, 1000, 1000),
        // 20 accounts of 5 orders, 60 on time; Σ y_a² = 220.
        sums("smb", "budget", "otif_rate", 60, 100, 220, 300, 500, 20, 60, 60, 100, 100),
        // 40 accounts of 5 orders, 156 on time; Σ y_a² = 700.
        sums("enterprise", "premium", "otif_rate", 156, 200, 700, 780, 1000, 40, 156, 156, 200, 200));
    Dataset<Row> tested = Findings.tested(metrics, null, sums, s, MAY);
    Map<String, Row> tests = byKeys(tested);
    assertEquals(java.util.Set.of("smb/ALL/budget", "enterprise/ALL/premium"), tests.keySet(), "all customers has no rest to be compared with");

    // smb · budget: r = 0.6; between accounts 220 − 2·0.6·300 + 0.36·500 = 40, × 20/19, over 100²: its interval's variance.
    double var = 40.0 * 20 / 19 / (100.0 * 100);
    // Between events: 60 − 72 + 36 = 24, × 100/99: smaller, so the accounts' variance counts.
    assertTrue(24.0 * 100 / 99 < 40.0 * 20 / 19);
    // The test supposes the group no different from all customers, 0.8: its spread around 0.8,
    // 220 − 2·0.8·300 + 0.64·500 = 60, × 20/19 (events: 60 − 96 + 64 = 28, smaller); the rest's,
    // 740 of 900 orders, 180 accounts: 3280 − 2·0.8·3700 + 0.64·4500 = 240, × 180/179 (events 132).
    // Never less than all customers' spread per order would give: around 0.8, 3500 − 2·0.8·4000 +
    // 0.64·5000 = 300, × 200/199, over 1000 orders: 0.3015 per order; for the rest's 900 orders
    // 0.3015 / 900, more than its own 240 × 180/179 / 900².
    double perOrder = 300.0 * 200 / 199 / 1000;
    double testVar = Math.max(60.0 * 20 / 19 / (100.0 * 100), perOrder / 100);
    double restVar = Math.max(240.0 * 180 / 179 / (900.0 * 900), perOrder / 900);
    assertEquals(perOrder / 900, restVar, 1e-15);
    double r = 740.0 / 900;
    double p = NORMAL.cumulativeProbability((0.6 - r) / Math.sqrt(testVar + restVar));
    Row smb = tests.get("smb/ALL/budget");
    assertEquals(p, smb.<Double>getAs("p_value"), 1e-12);
    assertEquals(r, smb.<Double>getAs("parent_value"), 1e-12);
    assertEquals(900L, smb.<Long>getAs("parent_n"));

    // enterprise · premium, 0.78 of 200 from 40 accounts: 700 − 2·0.8·780 + 0.64·1000 = 92, × 40/39;
    // the rest, 644 of 800 from 160: 2800 − 2·0.8·3220 + 0.64·4000 = 208, × 160/159.
    double rEnt = 644.0 / 800;
    double pEnt = NORMAL.cumulativeProbability((0.78 - rEnt)
        / Math.sqrt(Math.max(92.0 * 40 / 39 / (200.0 * 200), perOrder / 200) + Math.max(208.0 * 160 / 159 / (800.0 * 800), perOrder / 800)));
    assertEquals(pEnt, tests.get("enterprise/ALL/premium").<Double>getAs("p_value"), 1e-12);
    // Benjamini–Hochberg over the two tests: q = p · 2 / 1 for the smaller, p · 2 / 2 for the larger.
    assertTrue(p < pEnt);
    assertEquals(Math.min(1, 2 * p), smb.<Double>getAs("q_value"), 1e-12);
    assertEquals(Math.min(1, pEnt), tests.get("enterprise/ALL/premium").<Double>getAs("q_value"), 1e-12);
    assertTrue(2 * p < 0.05 && pEnt > 0.05, "the case is what it claims: " + 2 * p + ", " + pEnt);

    Map<String, Row> found = byKeys(Findings.build(metrics, null, sums, s, MAY));
    assertEquals(java.util.Set.of("smb/ALL/budget"), found.keySet());
    Row f = found.get("smb/ALL/budget");
    assertEquals(0.6, f.<Double>getAs("value"), 1e-12);
    assertEquals(100L, f.<Long>getAs("n"));
    assertEquals(20L, f.<Long>getAs("n_accounts"));
    // Its interval: Wilson's at the orders its accounts are worth, p(1 − p) / variance = 0.24 / var = 57.
    double[] ci = wilson(0.6, 0.24 / var);
    assertEquals(57.0, 0.24 / var, 1e-9);
    assertEquals(ci[0], f.<Double>getAs("ci_low"), 1e-9);
    assertEquals(ci[1], f.<Double>getAs("ci_high"), 1e-9);
    // At stake: 20 accounts × (0.822 − 0.6) = 4.44.
    assertEquals(20 * (r - 0.6), f.<Double>getAs("at_stake"), 1e-9);
    // The trend: May 0.5 against April 0.7, each ± 0.1 (se 0.1 / z): z = −0.2 / √(2 (0.1 / z)²) = −2.77,
    // p = 0.0056, the only trend tested: worsening.
    double trendZ = -0.2 / Math.sqrt(2 * Math.pow(0.1 / Z, 2));
    assertTrue(2 * NORMAL.cumulativeProbability(trendZ) < 0.05);
    assertEquals("worsening", f.getAs("trend"));
    assertEquals("smb · budget: 60 % of orders on time and in full from 2026-04 to 2026-05 (" + Math.round(ci[0] * 100) + "–" + Math.round(ci[1] * 100)
        + " %, 100 orders from 20 accounts), against 82 % for the other customers", f.getAs("sentence"));
    // Stable ids: the same keys and metric give the same id, other keys another.
    assertEquals(f.<String>getAs("finding_id"), byKeys(Findings.build(metrics, null, sums, s, MAY)).get("smb/ALL/budget").getAs("finding_id"));
    assertNotEquals(f.<String>getAs("finding_id"), tests.get("enterprise/ALL/premium").getAs("finding_id"));
  }

  /**
   * Perception 5.5 after 200 answers to kept promises (40 accounts of 5) and 4.5 after 50 to broken
   * ones (10 accounts of 2 and 10 of 3): the broken-promise penalty of all customers, 1 point,
   * tested against none.
   */
  @Test
  void aDifferenceTakesTheVarianceOfBothParts() {
    Settings s = settings("servicegap.findings { periods = 1, min-sample = 30 }");
    Dataset<Row> metrics = frame(METRICS_DDL,
        row("month", Date.valueOf("2026-05-01"), "ALL", "ALL", "ALL", "impact", "perception_promise_kept", "all", "ALL", 5.5, 200L, 5.3, 5.7),
        row("month", Date.valueOf("2026-05-01"), "ALL", "ALL", "ALL", "impact", "perception_promise_broken", "all", "ALL", 4.5, 50L, 4.1, 4.9));
    AccountClusters.Clusters sums = clusters(
        // Kept: y_a = 27.5 + d_a with Σ d_a = 0, Σ d_a² = 250: Σ y_a² = 40 · 27.5² + 250 = 30500.
        sums("ALL", "ALL", "perception_promise_kept", 1100, 200, 30500, 5500, 1000, 40, 6200, 1100, 200, 200),
        // Broken: y_a = 4.5 n_a + d_a, Σ d_a n_a = 0, Σ d_a² = 40: Σ y_a² = 20.25 · 130 + 40 = 2672.5, Σ y_a n_a = 4.5 · 130.
        sums("ALL", "ALL", "perception_promise_broken", 225, 50, 2672.5, 585, 130, 20, 1050, 225, 50, 50));
    // Kept: 30500 − 11 · 5500 + 30.25 · 1000 = 250, × 40/39, over 200². Broken: 2672.5 − 9 · 585 + 20.25 · 130 = 40, × 20/19, over 50².
    double kept = 250.0 * 40 / 39 / (200.0 * 200);
    double broken = 40.0 * 20 / 19 / (50.0 * 50);
    // Their events' spreads are smaller: kept 6200 − 12100 + 6050 = 150 × 200/199; broken 1050 − 2025 + 1012.5 = 37.5 × 50/49.
    assertTrue(150.0 * 200 / 199 < 250.0 * 40 / 39 && 37.5 * 50 / 49 < 40.0 * 20 / 19);
    double se = Math.sqrt(kept + broken);
    List<Row> found = Findings.build(metrics, null, sums, s, MAY).collectAsList();
    assertEquals(1, found.size());
    Row f = found.get(0);
    assertEquals("broken_promise_penalty", f.getAs("metric"));
    assertEquals(1.0, f.<Double>getAs("value"), 1e-12);
    assertEquals(50L, f.<Long>getAs("n"), "the smaller part");
    assertEquals(40L, f.<Long>getAs("n_accounts"), "the larger part's accounts");
    assertEquals(1.0 - Z * se, f.<Double>getAs("ci_low"), 1e-9);
    assertEquals(1.0 + Z * se, f.<Double>getAs("ci_high"), 1e-9);
    // Higher is worse: p = Φ(−1 / se); the only test, so q = p.
    assertEquals(NORMAL.cumulativeProbability(-1.0 / se), f.<Double>getAs("p_value"), 1e-9);
    assertEquals(f.<Double>getAs("p_value"), f.<Double>getAs("q_value"), 1e-15);
    assertEquals(0.0, f.<Double>getAs("parent_value"), 1e-12);
    assertNull(f.getAs("parent_n"));
    // At stake: 40 accounts × 1 point over the 1–7 scale's 6 points.
    assertEquals(40.0 / 6, f.<Double>getAs("at_stake"), 1e-9);
    assertEquals("steady", f.getAs("trend"), "one period: no trend to test");
    String sentence = f.getAs("sentence");
    assertTrue(sentence.startsWith("all customers: perception 1.00 points lower after a broken promise than after a kept one in 2026-05 ("), sentence);
    assertTrue(sentence.endsWith(", 50 answers from 40 accounts)"), sentence);
  }

  /**
   * Many comparisons, none beyond chance: six segments each a little below the rest, all with
   * p-values above 0.05 / 6 · rank. Benjamini–Hochberg keeps none, though two would pass alone.
   */
  @Test
  void benjaminiHochbergHoldsManyComparisonsToTheFalseDiscoveryRate() {
    Settings s = settings("servicegap.findings { periods = 1, min-sample = 30 }");
    Dataset<Row> tested = frame(
        "finding_id string, test string, p_value double",
        row("a", "rest", 0.02), row("b", "rest", 0.03), row("c", "rest", 0.2), row("d", "rest", 0.4), row("e", "rest", 0.6), row("f", "rest", 0.9));
    // q_i = min over j ≥ i of p_j · 6 / j: a 0.12 (0.02 · 6 / 1 = 0.12, 0.03 · 6 / 2 = 0.09: 0.09), b 0.09, c 0.4, d 0.6, e 0.72, f 0.9.
    Map<String, Double> q = new HashMap<>();
    Findings.benjaminiHochberg(tested).collectAsList().forEach(r -> q.put(r.getAs("finding_id"), r.getAs("q_value")));
    assertEquals(0.09, q.get("a"), 1e-12);
    assertEquals(0.09, q.get("b"), 1e-12);
    assertEquals(0.4, q.get("c"), 1e-12);
    assertEquals(0.6, q.get("d"), 1e-12);
    assertEquals(0.72, q.get("e"), 1e-12);
    assertEquals(0.9, q.get("f"), 1e-12);
    assertTrue(q.values().stream().allMatch(v -> v > s.findings().fdr()));
  }

  @Test
  void aPriceChangeWhoseChurnRoseBeyondTheUntouchedAccounts() {
    Settings s = settings();
    Dataset<Row> fee = frame(FEE_DDL,
        // Lift 0.5 (0.3 to 0.65) against the control's 0.02 (−0.1 to 0.12).
        row("P1", Date.valueOf("2026-01-01"), "budget", "*", true, 40L, 0.2, 40L, 0.7, 0.5, 0.3, 0.65, 120L, 0.02, -0.1, 0.12),
        // Lift 0.1 (−0.05 to 0.25) against 0 (−0.1 to 0.1): not beyond chance.
        row("P2", Date.valueOf("2026-01-01"), "premium", "*", true, 40L, 0.2, 40L, 0.3, 0.1, -0.05, 0.25, 120L, 0.0, -0.1, 0.1),
        // Not evaluable yet: not tested.
        row("P3", Date.valueOf("2026-05-01"), "budget", "*", false, 40L, 0.2, 40L, null, null, null, null, 120L, null, null, null));
    AccountClusters.Clusters none = clusters();
    Map<String, Row> tests = new HashMap<>();
    Findings.tested(frame(METRICS_DDL), fee, none, s, MAY).collectAsList().forEach(r -> tests.put(r.getAs("subject"), r));
    assertEquals(java.util.Set.of("P1", "P2"), tests.keySet());
    // P1: (0.5 − 0.02) / √((0.35 / 2z)² + (0.22 / 2z)²); P2: 0.1 / √((0.3 / 2z)² + (0.2 / 2z)²).
    double p1 = NORMAL.cumulativeProbability(-0.48 / Math.hypot(0.35 / (2 * Z), 0.22 / (2 * Z)));
    double p2 = NORMAL.cumulativeProbability(-0.1 / Math.hypot(0.3 / (2 * Z), 0.2 / (2 * Z)));
    assertEquals(p1, tests.get("P1").<Double>getAs("p_value"), 1e-12);
    assertEquals(p2, tests.get("P2").<Double>getAs("p_value"), 1e-12);
    List<Row> found = Findings.build(frame(METRICS_DDL), fee, none, s, MAY).collectAsList();
    assertEquals(1, found.size());
    Row f = found.get(0);
    assertEquals("P1", f.getAs("subject"));
    assertEquals("budget", f.getAs("price_tier"));
    assertEquals("ALL", f.getAs("segment"));
    assertEquals(40L, f.<Long>getAs("n_accounts"));
    // At stake: 40 accounts × (0.5 − 0.02) = 19.2 accounts lost beyond the baseline.
    assertEquals(19.2, f.<Double>getAs("at_stake"), 1e-9);
    String sentence = f.getAs("sentence");
    assertTrue(sentence.startsWith("price change P1 (budget, from 2026-01-01): churn among the 40 accounts it touched rose from 20 % to 70 %"), sentence);
  }

  @Test
  void anEmptyListSaysWhy() {
    Settings s = settings("servicegap.findings { periods = 1, min-sample = 30 }");
    AccountClusters.Clusters none = clusters();
    Dataset<Row> noFigures = frame(METRICS_DDL);
    String why = Findings.whyNone(noFigures, Findings.tested(noFigures, null, none, s, MAY), s, MAY);
    assertTrue(why.contains("hold no figures"), why);
    Dataset<Row> thin = frame(METRICS_DDL, otif("2026-05-01", "ALL", "ALL", 0.8, 40), otif("2026-05-01", "smb", "budget", 0.6, 20));
    why = Findings.whyNone(thin, Findings.tested(thin, null, none, s, MAY), s, MAY);
    assertTrue(why.contains("too few events or accounts"), why);
    Dataset<Row> tested = frame("finding_id string, test string, p_value double, q_value double", row("a", "rest", 0.3, 0.6), row("b", "rest", 0.5, 0.6));
    why = Findings.whyNone(thin, tested, s, MAY);
    assertEquals("no findings: nothing beyond chance, none of the 2 comparisons passes Benjamini–Hochberg at a false discovery rate of 0.05", why);
  }
}
