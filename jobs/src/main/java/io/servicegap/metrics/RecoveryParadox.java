package io.servicegap.metrics;

import static org.apache.spark.sql.functions.add_months;
import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.date_add;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lead;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.servicegap.config.Grain;
import io.servicegap.config.Settings;
import io.servicegap.keys.EventKeys;
import io.servicegap.keys.GroupingSets;
import io.servicegap.keys.JoinKeys;
import io.servicegap.keys.Periods;
import io.servicegap.metrics.MetricTable.Metric;
import io.servicegap.run.RunKeys;
import io.servicegap.stats.Estimate;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.sql.types.DataTypes;

/**
 * The recovery paradox: do accounts whose complaint was resolved within the resolution standard
 * stay as well as (or better than) accounts that had nothing to complain about? Part of the
 * impact family (it needs churn), reported under gap recovery.
 */
public final class RecoveryParadox implements MetricFamily {
  private static final String STANDARD = "resolution";

  @Override
  public String name() {
    return PhaseImpact.GAP;
  }

  @Override
  public Dataset<Row> measure(MeasuredEvents in) {
    Settings.Standard resolution = in.settings().standards().get(STANDARD);
    if (resolution == null) {
      return in.orders().sparkSession().createDataFrame(List.of(), MetricTable.schema());
    }
    int days = in.settings().retention().churnAfterDays();
    // Each complaint resolved within its standard counts once, from the moment it was resolved.
    Dataset<Row> recovered =
        StandardsGap.standardEvents(resolution, in, "account_id", "resolved_ts")
            .filter(col("resolved_ts").isNotNull().and(col("breach").equalTo(false)));
    Dataset<Row> recoveredStates =
        StateRollup.rollUp(
            Retention.churnAfter(recovered, "resolved_ts", in.orderHistory(), days, in.run().cutoff()),
            retentionStates("recovered"),
            List.of(),
            in.settings().grains(),
            in.run());
    Dataset<Row> joined =
        recoveredStates.join(
            uncomplained(in, days),
            JoinKeys.of(Periods.GRAIN, Periods.PERIOD_START, "segment", "price_tier"),
            "left");
    double z = in.z();
    Column afterRecovery = Estimate.rate(col("recovered_retained"), col("recovered_evaluable"), z);
    Column withoutComplaint = Estimate.rate(col("uncomplained_retained"), col("uncomplained_evaluable"), z);
    return MetricTable.tidy(
        joined,
        RecoveryGap.GAP,
        "all",
        lit(GroupingSets.ALL),
        List.of(
            new Metric("retention_after_recovery", afterRecovery),
            new Metric("retention_without_complaint", withoutComplaint),
            new Metric("recovery_paradox", Estimate.difference(afterRecovery, withoutComplaint))));
  }

  /**
   * Accounts that ordered in a period and opened no complaint in it, churn measured from the
   * period's end; per grain, period, segment and tier (the phase key does not apply: ALL).
   */
  private static Dataset<Row> uncomplained(MeasuredEvents in, int days) {
    Dataset<Row> perKeys = uncomplainedByKeys(in.orders(), in.complaints(), days, in.settings().grains(), in.settings().priceTiers(), in.run());
    List<String> keys = List.of(Periods.GRAIN, Periods.PERIOD_START, "segment", "price_tier");
    return StateRollup.sumUp(GroupingSets.expand(perKeys, List.of("segment", "price_tier")), List.of("uncomplained_evaluable", "uncomplained_retained"), keys);
  }

  /**
   * The baseline's states before grouping sets. Churn after a period's end, by the one definition
   * of {@link Retention}, without sorting every order against every period end: the first order
   * after a period is the first order of the account's next period with orders (or, when that
   * period starts exactly at the instant, its first order after its start, else the first order of
   * the period after it). One shuffle of orders and complaints by account, one sort of
   * account-periods.
   *
   * @param orders keyed orders of the run's window placed by the cut-off (later periods hold none)
   * @param tiers the price tiers orders can have (servicegap.price-tiers): a period's tiers are
   *     one flag each, which keeps the aggregation a hash aggregate of fixed-width values
   */
  static Dataset<Row> uncomplainedByKeys(Dataset<Row> orders, Dataset<Row> complaints, int days, List<Grain> grains, List<String> tiers, RunKeys run) {
    Dataset<Row> activity =
        orders.select(col("account_id"), col("segment"), col("price_tier"), col("order_ts"), col(EventKeys.EVENT_DATE), lit(0).as("_complaint"))
            .unionByName(complaints.select(
                col("account_id"), col("segment"), lit(null).cast(DataTypes.StringType).as("price_tier"),
                lit(null).cast(DataTypes.TimestampType).as("order_ts"), col(EventKeys.EVENT_DATE), lit(1).as("_complaint")))
            .repartition(col("account_id")); // every later step is per account: no further shuffle
    List<Column> states = periodStates(tiers);
    Dataset<Row> periods =
        Periods.expand(activity, EventKeys.EVENT_DATE, grains, run)
            .groupBy(col("account_id"), col("segment"), col(Periods.GRAIN), col(Periods.PERIOD_START))
            .agg(states.get(0), states.subList(1, states.size()).toArray(Column[]::new))
            .filter(col("_first").isNotNull());
    WindowSpec next = Window.partitionBy(col("account_id"), col(Periods.GRAIN)).orderBy(col(Periods.PERIOD_START));
    Column instant = least(periodEnd().cast(DataTypes.TimestampType), lit(run.cutoff()));
    Column firstAfter =
        when(lead(col(Periods.PERIOD_START), 1).over(next).cast(DataTypes.TimestampType).equalTo(instant),
                coalesce(lead(col("_first_after_start"), 1).over(next), lead(col("_first"), 2).over(next)))
            .otherwise(lead(col("_first"), 1).over(next));
    Column windowEnd = Retention.windowEnd(col("_instant"), days);
    Column evaluable = windowEnd.leq(lit(run.cutoff()));
    Column retained = evaluable.and(col("_first_after").isNotNull()).and(col("_first_after").leq(windowEnd));
    return periods
        .withColumn("_instant", instant)
        .withColumn("_first_after", firstAfter)
        .filter(col("_complained").equalTo(0))
        .withColumn("price_tier", explode(array(tierNames(tiers).toArray(Column[]::new))))
        .filter(col("price_tier").isNotNull())
        .groupBy(Periods.GRAIN, Periods.PERIOD_START, "segment", "price_tier")
        .agg(sum(StateRollup.count(evaluable)).as("uncomplained_evaluable"), sum(StateRollup.count(retained)).as("uncomplained_retained"));
  }

  /** Per account-period: complained at all, first order, first order after its first midnight, a flag per tier. */
  private static List<Column> periodStates(List<String> tiers) {
    Column start = col(Periods.PERIOD_START).cast(DataTypes.TimestampType);
    List<Column> aggs = new java.util.ArrayList<>(List.of(
        max(col("_complaint")).as("_complained"),
        min(col("order_ts")).as("_first"),
        min(when(col("order_ts").gt(start), col("order_ts"))).as("_first_after_start")));
    for (int i = 0; i < tiers.size(); i++) {
      aggs.add(max(when(col("price_tier").equalTo(tiers.get(i)), true)).as("_tier" + i));
    }
    return aggs;
  }

  /** Per period, the name of each tier it had an order in, else null. */
  private static List<Column> tierNames(List<String> tiers) {
    List<Column> names = new java.util.ArrayList<>();
    for (int i = 0; i < tiers.size(); i++) {
      names.add(when(col("_tier" + i), lit(tiers.get(i))));
    }
    return names;
  }

  /** The first instant after a period, as a date. */
  private static Column periodEnd() {
    return when(col(Periods.GRAIN).equalTo("day"), date_add(col(Periods.PERIOD_START), 1))
        .when(col(Periods.GRAIN).equalTo("week"), date_add(col(Periods.PERIOD_START), 7))
        .otherwise(add_months(col(Periods.PERIOD_START), 1));
  }

  private static List<Column> retentionStates(String group) {
    Column evaluable = col(Retention.EVALUABLE);
    return List.of(
        sum(StateRollup.count(evaluable)).as(group + "_evaluable"),
        sum(StateRollup.count(evaluable.and(col(Retention.CHURNED).equalTo(false)))).as(group + "_retained"));
  }
}
