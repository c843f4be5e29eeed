package io.servicegap.metrics;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.unix_micros;
import static org.apache.spark.sql.functions.when;

import io.servicegap.keys.GroupingSets;
import io.servicegap.metrics.MetricTable.Metric;
import io.servicegap.stats.Estimate;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

/** Gap 4 — what sales promised (delivery time, quantity, price) against what was delivered. */
public final class CommunicationGap implements MetricFamily {
  public static final String GAP = "gap4";

  @Override
  public String name() {
    return GAP;
  }

  @Override
  public Dataset<Row> measure(MeasuredEvents in) {
    Dataset<Row> orders = promiseOutcomes(in.orders(), in.settings().deliveryToleranceHours(), in.run().cutoff());
    double z = in.z();
    Dataset<Row> states =
        StateRollup.rollUp(
            orders,
            List.of(
                count(lit(1)).as("eligible"),
                sum(StateRollup.count(col("on_time"))).as("on_time"),
                sum(StateRollup.count(col("in_full"))).as("in_full"),
                sum(StateRollup.count(col("on_time")).multiply(StateRollup.count(col("in_full")))).as("otif"),
                sum(StateRollup.count(col("priced"))).as("priced"),
                sum(StateRollup.count(col("price_kept"))).as("price_kept"),
                sum(col("overcharge_cents")).as("overcharge_cents"),
                sum(when(col("priced"), col("quoted_cents"))).as("quoted_priced_cents"),
                sum(StateRollup.count(col("promise_kept"))).as("promise_kept"),
                sum(StateRollup.count(col("late"))).as("late"),
                sum(col("lateness_hours")).as("lateness_sum"),
                sum(col("lateness_hours").multiply(col("lateness_hours"))).as("lateness_sumsq")),
            List.of(),
            in.settings(),
            in.run());
    Dataset<Row> rates =
        MetricTable.tidy(
            states,
            GAP,
            "all",
            lit(GroupingSets.ALL),
            List.of(
                new Metric("on_time_rate", Estimate.rate(col("on_time"), col("eligible"), z)),
                new Metric("in_full_rate", Estimate.rate(col("in_full"), col("eligible"), z)),
                new Metric("otif_rate", Estimate.rate(col("otif"), col("eligible"), z)),
                new Metric("price_kept_rate", Estimate.rate(col("price_kept"), col("priced"), z)),
                new Metric(
                    "overcharge_ratio",
                    Estimate.point(col("overcharge_cents").divide(col("quoted_priced_cents")), col("priced"))),
                new Metric("promise_kept_rate", Estimate.rate(col("promise_kept"), col("eligible"), z)),
                new Metric("lateness_hours_mean", Estimate.mean(col("lateness_sum"), col("lateness_sumsq"), col("late"), z))));
    return rates.unionByName(
        Percentiles.of(orders, col("lateness_hours"), Map.of("lateness_hours_p90", 0.9), GAP, "all", null, in.settings(), in.run()));
  }

  /**
   * Eligible orders (not cancelled; delivered, or their promised time has passed) and what each
   * kept of its promise; {@code settled_ts} is when the promise fell due (delivery, or the promised
   * time when nothing was delivered). Orders still open before their promised time are pending and dropped.
   */
  static Dataset<Row> promiseOutcomes(Dataset<Row> orders, double toleranceHours, java.sql.Timestamp cutoff) {
    Column delivered = col("delivered_ts").isNotNull();
    Column onTime = onTime(toleranceHours);
    Column inFull = inFull();
    Column priced = col("charged_amount").isNotNull().and(col("quoted_amount").isNotNull());
    Column priceKept = priced.and(col("charged_amount").leq(col("quoted_amount")));
    Column late = delivered.and(not(onTime));
    Column hoursLate = col("delivered_ts").cast(DataTypes.DoubleType).minus(col("promised_ts").cast(DataTypes.DoubleType)).divide(3600);
    Column quotedCents = Money.cents(col("quoted_amount"));
    return orders
        .filter(eligible(cutoff))
        .select(
            col("order_id"),
            col("account_id"),
            col("order_ts"),
            coalesce(col("delivered_ts"), col("promised_ts")).as("settled_ts"),
            col("segment"),
            col("phase"),
            col("price_tier"),
            col("event_date"),
            quotedCents.as("quoted_cents"),
            onTime.as("on_time"),
            inFull.as("in_full"),
            priced.as("priced"),
            priceKept.as("price_kept"),
            onTime.and(inFull).and(priceKept.or(not(priced))).as("promise_kept"),
            greatest(Money.cents(col("charged_amount")).minus(quotedCents), lit(0L)).as("overcharge_cents"),
            late.as("late"),
            when(late, hoursLate).as("lateness_hours"));
  }

  /** Not cancelled, and delivered or past its promised time by the cut-off: not pending. */
  static Column eligible(java.sql.Timestamp cutoff) {
    return col("status").notEqual("cancelled").and(col("delivered_ts").isNotNull().or(col("promised_ts").lt(lit(cutoff))));
  }

  /**
   * Delivered by the promised time plus the delivery tolerance. Compared as microseconds since the
   * epoch: adding an interval to a timestamp goes through the session time zone on every row.
   */
  static Column onTime(double toleranceHours) {
    Column deadline = unix_micros(col("promised_ts")).plus(Math.round(toleranceHours * 3_600_000_000d));
    return col("delivered_ts").isNotNull().and(unix_micros(col("delivered_ts")).leq(deadline));
  }

  /** Delivered with at least the quantity ordered. */
  static Column inFull() {
    return coalesce(col("delivered_ts").isNotNull().and(col("qty_delivered").geq(col("qty_ordered"))), lit(false));
  }
}
