package io.servicegap.metrics;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import com.google.auto.service.AutoService;
import io.servicegap.config.Settings;
import io.servicegap.config.Settings.Standard;
import io.servicegap.keys.EventKeys;
import io.servicegap.keys.GroupingSets;
import io.servicegap.metrics.MetricTable.Metric;
import io.servicegap.stats.Estimate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

/**
 * Gap 3 — what was delivered against the business's own measurable standards ("orders processed
 * within 3 hours"), per standard and pooled over all standards.
 */
@AutoService(MetricFamily.class)
public final class StandardsGap implements MetricFamily {
  public static final String GAP = "gap3";

  /**
   * What each named standard measures: its events, and the span (or value) measured.
   *
   * @param promised an event's own deadline, whose span from start is its target; null: the
   *     configured target
   * @param verdict the source system's own kept-or-broken flag, read where present; or null
   */
  private record Measure(boolean onOrders, String start, String end, String seconds, String promised, String verdict) {}

  private static final Map<String, Measure> MEASURES =
      Map.of(
          "order-processing", new Measure(true, "order_ts", "processed_ts", null, null, null),
          "first-response", new Measure(false, "opened_ts", "first_response_ts", null, null, null),
          "resolution", new Measure(false, "opened_ts", "resolved_ts", null, null, null),
          "queue-wait", new Measure(false, null, null, "queue_wait_s", null, null),
          "case-promise", new Measure(false, "opened_ts", "resolved_ts", null, "due_ts", "sla_met"));

  @Override
  public String name() {
    return GAP;
  }

  @Override
  public Set<String> sources() {
    return Set.of("transactions", "complaints");
  }

  /** Compliance states of one standard, over the events it applies to. */
  private static StateSet compliance(Standard standard, MeasuredEvents in) {
    Measured m = measured(standard, in);
    return StateSet.of(GAP, GAP + "/" + standard.name(), m.kind())
        .where(m.applies())
        .per("standard", lit(standard.name()))
        .count("counted", m.counted())
        .count("breaches", m.breach())
        .sum("excess_sum", m.excess())
        .sum("excess_sumsq", m.excess().multiply(m.excess()))
        .count("excess_n", m.excess().isNotNull())
        .sum("value_sum", coalesce(m.value(), lit(0.0)))
        .sum("value_sumsq", coalesce(m.value().multiply(m.value()), lit(0.0)))
        .count("value_n", m.value().isNotNull())
        .figures(
            Figure.mean("value_mean", "value_sum", "value_n"),
            Figure.rate("compliance_rate", "counted", "counted").less("breaches"),
            Figure.rate("compliance_rate", "counted", "counted").less("breaches").overAll(),
            Figure.mean("excess_mean", "excess_sum", "excess_n"));
  }

  @Override
  public List<Headline> headlines() {
    return List.of(Headline.of(GAP, "compliance_rate", "standard", true, true, "of %s events within standard", "events")
        .shownAs("Share of counted events, over all standards, that met their standard."));
  }

  @Override
  public List<StateSet> stateSets(MeasuredEvents in) {
    return in.settings().standards().values().stream().map(s -> compliance(s, in)).toList();
  }

  @Override
  public List<Histogram> histograms(MeasuredEvents in) {
    Map<String, Double> percentiles = new LinkedHashMap<>();
    percentiles.put("value_p50", 0.5);
    percentiles.put("value_p90", 0.9);
    List<Histogram> histograms = new ArrayList<>();
    for (Standard s : in.settings().standards().values()) {
      Measured m = measured(s, in);
      histograms.add(new Histogram(GAP, GAP + "/" + s.name() + "/value", m.kind(), m.applies(), "standard", lit(s.name()), m.value(), percentiles));
    }
    return histograms;
  }

  @Override
  public Dataset<Row> metrics(RolledStates rolled, MeasuredEvents in) {
    Dataset<Row> byStandard = null;
    for (Standard s : in.settings().standards().values()) {
      Dataset<Row> rows = rolled.of(compliance(s, in));
      byStandard = byStandard == null ? rows : byStandard.unionByName(rows);
    }
    if (byStandard == null) {
      return MetricTable.empty();
    }
    double z = in.z();
    List<Metric> perStandard =
        List.of(
            new Metric("compliance_rate", Estimate.rate(col("counted").minus(col("breaches")), col("counted"), z)),
            new Metric("value_mean", Estimate.mean(col("value_sum"), col("value_sumsq"), col("value_n"), z)),
            new Metric("excess_mean", Estimate.mean(col("excess_sum"), col("excess_sumsq"), col("excess_n"), z)));
    Dataset<Row> pooled = RollupRunner.sumUp(byStandard, List.of("counted", "breaches"), GroupingSets.reportKeys());
    return MetricTable.tidy(byStandard, GAP, "standard", col("standard"), perStandard)
        .unionByName(MetricTable.tidy(pooled, GAP, "all", lit(GroupingSets.ALL), List.of(perStandard.get(0))));
  }

  /**
   * A standard measured on each event: the events it applies to, its measured value when known,
   * and whether the event counts and breaches. An event whose value is unknown counts as a breach
   * once its target has elapsed at the cut-off; before that it is pending and not counted.
   *
   * @param excess value − target of a known breach, else null
   */
  private record Measured(EventKind kind, Column applies, Column value, Column counted, Column breach, Column excess) {}

  private static Measured measured(Standard standard, MeasuredEvents in) {
    Measure m = MEASURES.get(standard.name());
    Column applies = m.onOrders() ? col("status").notEqual("cancelled") : lit(true);
    if (!standard.categories().isEmpty()) {
      applies = applies.and(col("category").isin(standard.categories().toArray()));
    }
    Column target = lit(standard.target());
    for (Map.Entry<String, Double> t : standard.tierTargets().entrySet()) {
      target = when(col("price_tier").equalTo(t.getKey()), lit(t.getValue())).otherwise(target);
    }
    // A source system's own verdict, where the export has one, decides kept or broken; a case
    // with a verdict and no deadline is still counted (a breach resolved within its first minute).
    Dataset<Row> events = m.onOrders() ? in.orders() : in.complaints();
    boolean hasVerdict = m.verdict() != null && events != null && java.util.Arrays.asList(events.columns()).contains(m.verdict());
    Column verdict = hasVerdict ? col(m.verdict()) : lit(null).cast(DataTypes.BooleanType);
    if (m.promised() != null) {
      applies = applies.and(col(m.promised()).isNotNull().or(verdict.isNotNull()));
      target = hours(m.start(), m.promised(), standard, in.settings());
    }
    Column value;
    Column soFar;
    if (m.seconds() != null) {
      applies = applies.and(col(m.seconds()).isNotNull());
      value = col(m.seconds()).cast(DataTypes.DoubleType);
      soFar = lit(null).cast(DataTypes.DoubleType);
    } else {
      String cutoff = "timestamp'" + in.run().cutoff().toInstant() + "'";
      value = hours(m.start(), m.end(), standard, in.settings());
      soFar = hours(m.start(), cutoff, standard, in.settings());
    }
    Column known = value.isNotNull();
    Column byTime = when(known, value.gt(target)).otherwise(soFar.gt(target));
    Column breach = when(verdict.isNotNull(), verdict.unary_$bang()).otherwise(byTime);
    Column counted = verdict.isNotNull().or(known).or(byTime);
    return new Measured(m.onOrders() ? EventKind.ORDERS : EventKind.COMPLAINTS, applies, value, counted, breach,
        when(known.and(value.gt(target)).and(breach), value.minus(target)));
  }

  /**
   * One row per event a standard applies to, with its keys, measured value, and whether it counts
   * and breaches ({@link #measured}).
   *
   * @param carry event columns kept besides the keys
   */
  static Dataset<Row> standardEvents(Standard standard, MeasuredEvents in, String... carry) {
    Measured m = measured(standard, in);
    List<Column> out = new ArrayList<>();
    EventKeys.keys().forEach(k -> out.add(col(k)));
    for (String c : carry) {
      out.add(col(c));
    }
    out.add(lit(standard.name()).as("standard"));
    out.add(m.value().as("value"));
    out.add(m.counted().as("counted"));
    out.add(m.breach().as("breach"));
    out.add(m.excess().as("excess"));
    return m.kind().events().apply(in).filter(m.applies()).select(out.toArray(Column[]::new));
  }

  private static Column hours(String start, String end, Standard standard, Settings settings) {
    if (standard.businessClock()) {
      return BusinessClock.hoursBetween(start, end, settings.businessHours(), settings.timezone().getId());
    }
    return org.apache.spark.sql.functions.expr("(unix_micros(" + end + ") - unix_micros(" + start + ")) / 3600000000D");
  }

}
