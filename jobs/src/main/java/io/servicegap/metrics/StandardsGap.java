package io.servicegap.metrics;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.servicegap.config.Settings;
import io.servicegap.config.Settings.Standard;
import io.servicegap.keys.EventKeys;
import io.servicegap.keys.GroupingSets;
import io.servicegap.keys.KeyCodes;
import io.servicegap.metrics.MetricTable.Metric;
import io.servicegap.stats.Estimate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

/**
 * Gap 3 — what was delivered against the business's own measurable standards ("orders processed
 * within 3 hours"), per standard and pooled over all standards.
 */
public final class StandardsGap implements MetricFamily {
  public static final String GAP = "gap3";

  /**
   * What each named standard measures: its events, and the span (or value) measured.
   *
   * @param promised an event's own deadline, whose span from start is its target; null: the
   *     configured target
   */
  private record Measure(boolean onOrders, String start, String end, String seconds, String promised) {}

  private static final Map<String, Measure> MEASURES =
      Map.of(
          "order-processing", new Measure(true, "order_ts", "processed_ts", null, null),
          "first-response", new Measure(false, "opened_ts", "first_response_ts", null, null),
          "resolution", new Measure(false, "opened_ts", "resolved_ts", null, null),
          "queue-wait", new Measure(false, null, null, "queue_wait_s", null),
          "case-promise", new Measure(false, "opened_ts", "resolved_ts", null, "due_ts"));

  @Override
  public String name() {
    return GAP;
  }

  @Override
  public Dataset<Row> measure(MeasuredEvents in) {
    Dataset<Row> events = null;
    for (Standard s : in.settings().standards().values()) {
      Dataset<Row> e = standardEvents(s, in);
      events = events == null ? e : events.unionByName(e);
    }
    if (events == null) {
      return in.orders().sparkSession().createDataFrame(List.of(), MetricTable.schema());
    }
    double z = in.z();
    // One aggregate of the events at the finest keys, per standard and duration bin, feeds both the
    // compliance states and the percentiles' histogram; cached, since each reads other columns of
    // it and would otherwise scan and aggregate the orders and complaints again. Its keys stay
    // coded: both roll-ups group by the codes and decode their results.
    List<String> finest = new ArrayList<>(EventKeys.keys());
    finest.add("standard");
    finest.add(Percentiles.BIN);
    KeyCodes codes = KeyCodes.of(in.settings()).with("standard", List.copyOf(in.settings().standards().keySet()));
    Dataset<Row> binned =
        in.shared().cache(
            codes.aggregateCoded(
                events.withColumn(Percentiles.BIN, Percentiles.bin(col("value"), in.settings())),
                finest,
                List.of(
                    sum(StateRollup.count(col("counted"))).as("counted"),
                    sum(StateRollup.count(col("breach"))).as("breaches"),
                    sum(col("excess")).as("excess_sum"),
                    sum(col("excess").multiply(col("excess"))).as("excess_sumsq"),
                    sum(StateRollup.count(col("excess").isNotNull())).as("excess_n"),
                    count(lit(1)).as("events"))));
    Dataset<Row> byStandard =
        StateRollup.rollUp(
            binned,
            List.of("counted", "breaches", "excess_sum", "excess_sumsq", "excess_n").stream().map(s -> sum(col(s)).as(s)).toList(),
            List.of("standard"),
            codes,
            in.settings(),
            in.run());
    List<Metric> perStandard =
        List.of(
            new Metric("compliance_rate", Estimate.rate(col("counted").minus(col("breaches")), col("counted"), z)),
            new Metric("excess_mean", Estimate.mean(col("excess_sum"), col("excess_sumsq"), col("excess_n"), z)));
    Dataset<Row> pooled = StateRollup.sumUp(byStandard, List.of("counted", "breaches"), GroupingSets.reportKeys());
    Map<String, Double> percentiles = new LinkedHashMap<>();
    percentiles.put("value_p50", 0.5);
    percentiles.put("value_p90", 0.9);
    return MetricTable.tidy(byStandard, GAP, "standard", col("standard"), perStandard)
        .unionByName(MetricTable.tidy(pooled, GAP, "all", lit(GroupingSets.ALL), List.of(perStandard.get(0))))
        .unionByName(Percentiles.fromCounts(binned, sum(col("events")), percentiles, GAP, "standard", "standard", codes, in.settings(), in.run()));
  }

  /**
   * One row per event a standard applies to: its target (by tier), measured value when known,
   * and whether it counts and breaches. An event whose value is unknown counts as a breach once
   * its target has elapsed at the cut-off; before that it is pending and not counted.
   *
   * @param carry event columns kept besides the keys
   */
  static Dataset<Row> standardEvents(Standard standard, MeasuredEvents in, String... carry) {
    Measure m = MEASURES.get(standard.name());
    Dataset<Row> events = m.onOrders() ? in.orders().filter(col("status").notEqual("cancelled")) : in.complaints();
    if (!standard.categories().isEmpty()) {
      events = events.filter(col("category").isin(standard.categories().toArray()));
    }
    Column target = lit(standard.target());
    for (Map.Entry<String, Double> t : standard.tierTargets().entrySet()) {
      target = when(col("price_tier").equalTo(t.getKey()), lit(t.getValue())).otherwise(target);
    }
    if (m.promised() != null) {
      events = events.filter(col(m.promised()).isNotNull());
      target = hours(m.start(), m.promised(), standard, in.settings());
    }
    Column value;
    Column soFar;
    if (m.seconds() != null) {
      events = events.filter(col(m.seconds()).isNotNull());
      value = col(m.seconds()).cast(DataTypes.DoubleType);
      soFar = lit(null).cast(DataTypes.DoubleType);
    } else {
      String cutoff = "timestamp'" + in.run().cutoff().toInstant() + "'";
      value = hours(m.start(), m.end(), standard, in.settings());
      soFar = hours(m.start(), cutoff, standard, in.settings());
    }
    Column known = value.isNotNull();
    Column breach = when(known, value.gt(target)).otherwise(soFar.gt(target));
    List<Column> out = new ArrayList<>();
    EventKeys.keys().forEach(k -> out.add(col(k)));
    for (String c : carry) {
      out.add(col(c));
    }
    out.add(lit(standard.name()).as("standard"));
    out.add(value.as("value"));
    out.add(known.or(breach).as("counted"));
    out.add(breach.as("breach"));
    out.add(when(known.and(breach), value.minus(target)).as("excess"));
    return events.select(out.toArray(Column[]::new));
  }

  private static Column hours(String start, String end, Standard standard, Settings settings) {
    if (standard.businessClock()) {
      return BusinessClock.hoursBetween(start, end, settings.businessHours(), settings.timezone().getId());
    }
    return org.apache.spark.sql.functions.expr("(unix_micros(" + end + ") - unix_micros(" + start + ")) / 3600000000D");
  }

}
