package io.servicegap.metrics;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.servicegap.config.Settings;
import io.servicegap.stats.Estimate;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The design effect and the widened intervals, worked out by hand on four smb × budget accounts
 * with unequal numbers of events in May 2026.
 *
 * <p>Orders (all delivered in full, charged as quoted): A 4 orders, 1 on time; B 2, both on time;
 * C 1, on time; D 3, none on time. OTIF 4 / 10, r = 0.4.
 *
 * <p>Survey answers on reliability (perception − expectation): A −2, −1, −3; B 1; C 0, 2;
 * D −1, −1, 0, 0. Mean gap −5 / 10, r = −0.5.
 */
class AccountClustersTest extends MetricFixtures {
  private static final double Z = Estimate.z(0.95);
  private static Dataset<Row> widened;
  private static AccountClusters.Clusters clusters;

  @BeforeAll
  static void measure() {
    Dataset<Row> accounts = frame(ACCOUNTS_DDL, row("A", "smb", "budget"), row("B", "smb", "budget"), row("C", "smb", "budget"), row("D", "smb", "budget"));
    List<Object[]> orders = new ArrayList<>();
    addOrders(orders, "A", 4, 1);
    addOrders(orders, "B", 2, 2);
    addOrders(orders, "C", 1, 1);
    addOrders(orders, "D", 3, 0);
    List<Object[]> answers = new ArrayList<>();
    addAnswers(answers, "A", -2, -1, -3);
    addAnswers(answers, "B", 1);
    addAnswers(answers, "C", 0, 2);
    addAnswers(answers, "D", -1, -1, 0, 0);
    Settings s = settings("servicegap.grains = [month]");
    MeasuredEvents in = events(s, MAY, accounts, frame(ORDERS_DDL, orders.toArray(Object[][]::new)), frame(COMPLAINTS_DDL),
        frame(SURVEYS_DDL, answers.toArray(Object[][]::new)), null);
    List<MetricFamily> families = List.of(new CommunicationGap(), new CustomerGap());
    clusters = AccountClusters.measure(families, in, 1.0, 1.0, new AccountClusters.Window(LocalDate.parse("2026-05-01"), LocalDate.parse("2026-05-31")),
        Set.of("otif_rate"));
    widened = AccountClusters.widen(RollupRunner.measure(families, in), clusters.designEffects(), in.z()).cache();
  }

  /** {@code onTime} of {@code count} orders of an account on time, the rest 5 h late, on days of their own. */
  private static void addOrders(List<Object[]> orders, String account, int count, int onTime) {
    for (int i = 0; i < count; i++) {
      String day = String.format("2026-05-%02d", 2 + orders.size());
      String promised = day + "T12:00:00Z";
      String delivered = i < onTime ? day + "T11:00:00Z" : day + "T17:00:00Z";
      orders.add(row("O" + orders.size(), account, ts(day + "T08:00:00Z"), null, money("10"), money("10"), 1, 1, ts(promised), null, ts(delivered), "delivered"));
    }
  }

  private static void addAnswers(List<Object[]> answers, String account, double... gaps) {
    for (double g : gaps) {
      answers.add(row("R" + answers.size(), account, null, ts(String.format("2026-05-%02dT09:00:00Z", 2 + answers.size())), "delivery", "reliability", 5.0, 5.0 + g));
    }
  }

  private static double designEffect(String metric, String subjectType, String subject) {
    return clusters.designEffects()
        .filter(col("grain").equalTo("month").and(col("metric").equalTo(metric)).and(col("subject_type").equalTo(subjectType)).and(col("subject").equalTo(subject)))
        .first().<Double>getAs("design_effect");
  }

  @Test
  void aRatesIntervalIsWilsonsAtTheSampleTheAccountsAreWorth() {
    // Account residuals y − r·n: A 1 − 1.6 = −0.6, B 2 − 0.8 = 1.2, C 1 − 0.4 = 0.6, D 0 − 1.2 = −1.2;
    // squares 0.36 + 1.44 + 0.36 + 1.44 = 3.6, × G/(G − 1) = 4/3: 4.8.
    // Events: 4 on time at (1 − 0.4)², 6 late at 0.4²: 1.44 + 0.96 = 2.4, × E/(E − 1) = 10/9: 2.6667.
    double deff = 4.8 / (2.4 * 10 / 9);
    assertEquals(1.8, deff, 1e-12);
    // Design effects are kept to six decimals, so reruns draw identical intervals.
    assertEquals(deff, designEffect("otif_rate", "all", "ALL"), 1e-6);
    // Wilson's interval at n = 10 / 1.8 = 5.56 orders' worth, p = 0.4.
    double n = 10 / deff;
    double p = 0.4;
    double z2 = Z * Z;
    double center = (p + z2 / (2 * n)) / (1 + z2 / n);
    double half = Z * Math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n);
    for (String[] keys : List.of(new String[] {"smb", "delivery", "budget"}, new String[] {"ALL", "ALL", "ALL"})) {
      Row otif = metrics(widened, "month", "2026-05-01", keys[0], keys[1], keys[2], "all/ALL").get("otif_rate");
      assertEquals(0.4, otif.<Double>getAs("value"), 1e-12);
      assertEquals(10L, otif.<Long>getAs("n"), "n still counts orders");
      assertEquals(center - half, otif.<Double>getAs("ci_low"), 1e-9);
      assertEquals(center + half, otif.<Double>getAs("ci_high"), 1e-9);
    }
  }

  @Test
  void aMeansIntervalIsTheLinearisedVarianceBetweenAccounts() {
    // Account residuals y − r·n with r = −0.5: A −6 + 1.5 = −4.5, B 1 + 0.5 = 1.5, C 2 + 1 = 3, D −2 + 2 = 0;
    // squares 20.25 + 2.25 + 9 + 0 = 31.5, × 4/3 = 42. The mean's variance: 42 / 10² = 0.42.
    // Events: Σ (g + 0.5)² = 8.75 (A) + 2.25 (B) + 6.5 (C) + 1 (D) = 18.5, × 10/9.
    double deff = 42 / (18.5 * 10 / 9);
    assertEquals(deff, designEffect("gap_mean", "dimension", "reliability"), 1e-6);
    Row gap = metrics(widened, "month", "2026-05-01", "ALL", "ALL", "ALL", "dimension/reliability").get("gap_mean");
    assertEquals(-0.5, gap.<Double>getAs("value"), 1e-12);
    assertEquals(-0.5 - Z * Math.sqrt(0.42), gap.<Double>getAs("ci_low"), 1e-6);
    assertEquals(-0.5 + Z * Math.sqrt(0.42), gap.<Double>getAs("ci_high"), 1e-6);
    // Against the interval over events, s² / n = (18.5 / 9) / 10: √(design effect) times as wide.
    double eventHalf = Z * Math.sqrt(18.5 / 9 / 10);
    assertEquals(Math.sqrt(deff), (gap.<Double>getAs("ci_high") - gap.<Double>getAs("ci_low")) / 2 / eventHalf, 1e-6);
  }

  @Test
  void theWindowsSumsPerGroupingSetCountAccounts() {
    Map<String, Row> byKeys = new java.util.HashMap<>();
    clusters.window().collectAsList().forEach(r -> byKeys.put(r.getAs("segment") + "/" + r.getAs("phase") + "/" + r.getAs("price_tier"), r));
    assertEquals(8, byKeys.size(), "every grouping set of the one finest key");
    Row all = byKeys.get("ALL/ALL/ALL");
    assertEquals(4L, all.<Long>getAs("accounts"));
    assertEquals(4.0, all.<Double>getAs("y"), 1e-12);
    assertEquals(10.0, all.<Double>getAs("n"), 1e-12);
    assertEquals(1 + 4 + 1 + 0, all.<Double>getAs("yy"), 1e-12); // Σ y_a²
    assertEquals(4 + 4 + 1 + 0, all.<Double>getAs("yn"), 1e-12); // Σ y_a n_a
    assertEquals(16 + 4 + 1 + 9, all.<Double>getAs("nn"), 1e-12); // Σ n_a²
    assertEquals(10L, all.<Long>getAs("events"));
  }
}
