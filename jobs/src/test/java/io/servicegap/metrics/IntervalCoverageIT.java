package io.servicegap.metrics;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.servicegap.config.Settings;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/**
 * The intervals hold their coverage when accounts differ. 1,000 segments of 12 accounts draw from
 * one distribution: each account has 1 to 19 orders in May 2026 and its own lateness, 0 to 40 %
 * uniformly (20 % on average, so every segment's true on-time rate is 80 %). The 95 % intervals of
 * the month's on-time rate, widened by the design effect, hold 80 % for 93–97 % of the segments;
 * the intervals over orders alone do not.
 */
class IntervalCoverageIT extends MetricFixtures {
  private static final double TRUE_ON_TIME = 0.8;

  @Test
  void ninetyFivePercentIntervalsHoldTheTrueValueForNinetyFivePercentOfGroups() {
    compilePlans(true);
    Dataset<Row> accounts = spark.range(12_000).select(
        expr("format_string('A%05d', id)").as("account_id"),
        expr("format_string('g%03d', id % 1000)").as("segment"),
        expr("'budget'").as("price_tier"),
        // Lateness 0 to 0.4, and 1 to 19 orders, drawn from the account id.
        expr("0.4 * (pmod(xxhash64(id, 'lateness'), 1000000) / 1000000.0)").as("_late"),
        expr("1 + cast(pmod(xxhash64(id, 'orders'), 19) as int)").as("_orders"));
    Dataset<Row> orders = accounts
        .withColumn("_k", expr("explode(sequence(1, _orders))"))
        .withColumn("_u", expr("pmod(xxhash64(account_id, _k, 'late'), 1000000) / 1000000.0"))
        .withColumn("order_ts", expr("timestamp'2026-05-01 08:00:00' + make_dt_interval(cast(pmod(xxhash64(account_id, _k, 'day'), 28) as int), 0, 0, 0)"))
        .withColumn("promised_ts", expr("order_ts + interval 2 days"))
        .select(
            expr("concat(account_id, '-', _k)").as("order_id"), col("account_id"), col("order_ts"), expr("cast(null as string)").as("price_tier"),
            expr("cast(10 as decimal(18,2))").as("quoted_amount"), expr("cast(10 as decimal(18,2))").as("charged_amount"),
            expr("1").as("qty_ordered"), expr("1").as("qty_delivered"), col("promised_ts"), expr("cast(null as timestamp)").as("processed_ts"),
            expr("if(_u < _late, promised_ts + interval 5 hours, promised_ts - interval 1 hour)").as("delivered_ts"), expr("'delivered'").as("status"));
    Settings s = settings("servicegap.grains = [month]");
    MeasuredEvents in = events(s, MAY, accounts.select("account_id", "segment", "price_tier"), orders, frame(COMPLAINTS_DDL), noSurveys(), null);
    List<MetricFamily> families = List.of(new CommunicationGap());
    Dataset<Row> events = RollupRunner.measure(families, in).filter(col("metric").equalTo("on_time_rate").and(col("phase").equalTo("delivery"))
        .and(col("price_tier").equalTo("budget")).and(col("segment").startsWith("g"))).cache();
    AccountClusters.Clusters clusters = AccountClusters.measure(families, in, 1.0, 1.0, null, Set.of());
    Dataset<Row> widened = AccountClusters.widen(events, clusters.designEffects(), in.z());

    long groups = events.count();
    double overOrders = covered(events) / (double) groups;
    double overAccounts = covered(widened) / (double) groups;
    assertTrue(groups == 1000, groups + " segments");
    assertTrue(overAccounts >= 0.93 && overAccounts <= 0.97, "intervals that count accounts hold the true rate for " + overAccounts + " of the segments");
    assertTrue(overOrders < 0.90, "intervals over orders alone hold it for " + overOrders + ": too narrow");
    System.out.printf("coverage of 95 %% intervals: %.3f counting accounts, %.3f over orders alone%n", overAccounts, overOrders);
  }

  private static long covered(Dataset<Row> rows) {
    return rows.filter(col("ci_low").leq(TRUE_ON_TIME).and(col("ci_high").geq(TRUE_ON_TIME))).count();
  }
}
