package io.servicegap.metrics;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.unix_micros;
import static org.apache.spark.sql.functions.when;

import com.google.auto.service.AutoService;
import io.servicegap.keys.GroupingSets;
import io.servicegap.metrics.MetricTable.Metric;
import io.servicegap.stats.Estimate;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

/** Gap 4 — what sales promised (delivery time, quantity, price) against what was delivered. */
@AutoService(MetricFamily.class)
public final class CommunicationGap implements MetricFamily {
  public static final String GAP = "gap4";

  @Override
  public String name() {
    return GAP;
  }

  @Override
  public Set<String> sources() {
    return Set.of("transactions");
  }

  /** Every eligible order's promise: what it kept of time, quantity and price, and by how much it was late or overcharged. */
  static StateSet promises(MeasuredEvents in) {
    Column onTime = onTime(in.settings().deliveryToleranceHours());
    Column inFull = inFull();
    Column priced = priced();
    Column late = late(onTime);
    Column lateness = when(late, hoursLate());
    return StateSet.of(GAP, GAP, EventKind.ORDERS)
        .where(eligible(in.run().cutoff()))
        .count("eligible")
        .count("on_time", onTime)
        .count("in_full", inFull)
        .count("otif", onTime.and(inFull))
        .count("priced", priced)
        .count("price_kept", priceKept())
        .sum("overcharge_cents", overchargeCents())
        .sum("quoted_priced_cents", when(priced, Money.cents(col("quoted_amount"))))
        .count("promise_kept", promiseKept(onTime, inFull))
        .count("late", late)
        .sum("lateness_sum", lateness)
        .sum("lateness_sumsq", lateness.multiply(lateness))
        .figures(
            Figure.rate("on_time_rate", "on_time", "eligible"),
            Figure.rate("in_full_rate", "in_full", "eligible"),
            Figure.rate("otif_rate", "otif", "eligible"),
            Figure.rate("price_kept_rate", "price_kept", "priced"),
            Figure.rate("promise_kept_rate", "promise_kept", "eligible"),
            Figure.mean("lateness_hours_mean", "lateness_sum", "late"));
  }

  @Override
  public List<StateSet> stateSets(MeasuredEvents in) {
    return List.of(promises(in));
  }

  @Override
  public List<Headline> headlines() {
    return List.of(
        Headline.of(GAP, "otif_rate", "all", true, true, "of orders on time and in full", "orders").shownAs("Share of eligible orders delivered on time and in full."),
        Headline.of(GAP, "promise_kept_rate", "all", true, true, "of orders kept every promise (time, quantity, price)", "orders")
            .shownAs("Share of eligible orders on time, in full and at the quoted price."));
  }

  @Override
  public List<Histogram> histograms(MeasuredEvents in) {
    Column late = late(onTime(in.settings().deliveryToleranceHours()));
    return List.of(new Histogram(GAP, "gap4/lateness", EventKind.ORDERS, eligible(in.run().cutoff()).and(late), "all", null, hoursLate(),
        Map.of("lateness_hours_p90", 0.9)));
  }

  @Override
  public Dataset<Row> metrics(RolledStates rolled, MeasuredEvents in) {
    double z = in.z();
    return MetricTable.tidy(
        rolled.of(promises(in)),
        GAP,
        "all",
        lit(GroupingSets.ALL),
        List.of(
            new Metric("on_time_rate", Estimate.rate(col("on_time"), col("eligible"), z)),
            new Metric("in_full_rate", Estimate.rate(col("in_full"), col("eligible"), z)),
            new Metric("otif_rate", Estimate.rate(col("otif"), col("eligible"), z)),
            new Metric("price_kept_rate", Estimate.rate(col("price_kept"), col("priced"), z)),
            new Metric("overcharge_ratio", Estimate.point(col("overcharge_cents").divide(col("quoted_priced_cents")), col("priced"))),
            new Metric("promise_kept_rate", Estimate.rate(col("promise_kept"), col("eligible"), z)),
            new Metric("lateness_hours_mean", Estimate.mean(col("lateness_sum"), col("lateness_sumsq"), col("late"), z))));
  }

  /**
   * Eligible orders (not cancelled; delivered, or their promised time has passed) and what each
   * kept of its promise; {@code settled_ts} is when the promise fell due (delivery, or the promised
   * time when nothing was delivered). Orders still open before their promised time are pending and dropped.
   */
  static Dataset<Row> promiseOutcomes(Dataset<Row> orders, double toleranceHours, java.sql.Timestamp cutoff) {
    Column onTime = onTime(toleranceHours);
    Column inFull = inFull();
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
            promiseKept(onTime, inFull).as("promise_kept"));
  }

  private static Column priced() {
    return col("charged_amount").isNotNull().and(col("quoted_amount").isNotNull());
  }

  private static Column priceKept() {
    return priced().and(col("charged_amount").leq(col("quoted_amount")));
  }

  /** On time, in full, and charged no more than quoted where both amounts are known. */
  private static Column promiseKept(Column onTime, Column inFull) {
    return onTime.and(inFull).and(priceKept().or(not(priced())));
  }

  private static Column overchargeCents() {
    return greatest(Money.cents(col("charged_amount")).minus(Money.cents(col("quoted_amount"))), lit(0L));
  }

  /** Delivered, but not on time. */
  private static Column late(Column onTime) {
    return col("delivered_ts").isNotNull().and(not(onTime));
  }

  private static Column hoursLate() {
    return col("delivered_ts").cast(DataTypes.DoubleType).minus(col("promised_ts").cast(DataTypes.DoubleType)).divide(3600);
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
