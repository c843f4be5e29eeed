package io.servicegap.metrics;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sqrt;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.servicegap.config.Settings;
import io.servicegap.keys.GroupingSets;
import io.servicegap.keys.KeyCodes;
import io.servicegap.metrics.MetricTable.Metric;
import io.servicegap.stats.Estimate;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Gap 5 — perceived minus expected quality, per SERVQUAL dimension, per experience element
 * (promise, recovery, personnel, value) and as the weighted servqual_gap.
 */
public final class CustomerGap implements MetricFamily {
  public static final String GAP = "gap5";
  private static final List<String> STATES =
      List.of("answers", "expectation_n", "perception_n", "expectation_sum", "expectation_sumsq", "perception_sum", "perception_sumsq", "gap_sum", "gap_sumsq", "exceeded", "met", "failed");

  @Override
  public String name() {
    return GAP;
  }

  @Override
  public Dataset<Row> measure(MeasuredEvents in) {
    Dataset<Row> byDimension = dimensionStates(in);
    double z = in.z();
    List<String> elementKeys = new ArrayList<>(GroupingSets.reportKeys());
    elementKeys.add("element");
    Dataset<Row> byElement = StateRollup.sumUp(byDimension.withColumn("element", element(in.settings())), STATES, elementKeys);
    return MetricTable.tidy(byDimension, GAP, "dimension", col("dimension"), perSubject(z))
        .unionByName(MetricTable.tidy(byElement, GAP, "element", col("element"), perSubject(z)))
        .unionByName(servqual(byDimension, in.settings(), z));
  }

  /**
   * Additive states per report key and dimension: counts, sums and sums of squares of expectation
   * and of perception over the answers that have each (a perception-only rating counts), and of
   * the gap, with exceeded/met/failed counts, over the answers ({@code answers}) that have both.
   * Shared with Gap 1 and servqual_gap: computed once per run.
   */
  static Dataset<Row> dimensionStates(MeasuredEvents in) {
    Dataset<Row> answers = in.answers().withColumn("gap", col("perception").minus(col("expectation")));
    Dataset<Row> byDimension =
        StateRollup.rollUp(
            answers,
            List.of(
                sum(StateRollup.count(col("gap").isNotNull())).as("answers"),
                sum(StateRollup.count(col("expectation").isNotNull())).as("expectation_n"),
                sum(StateRollup.count(col("perception").isNotNull())).as("perception_n"),
                sum(col("expectation")).as("expectation_sum"),
                sum(col("expectation").multiply(col("expectation"))).as("expectation_sumsq"),
                sum(col("perception")).as("perception_sum"),
                sum(col("perception").multiply(col("perception"))).as("perception_sumsq"),
                sum(col("gap")).as("gap_sum"),
                sum(col("gap").multiply(col("gap"))).as("gap_sumsq"),
                sum(StateRollup.count(col("gap").gt(0))).as("exceeded"),
                sum(StateRollup.count(col("gap").equalTo(0))).as("met"),
                sum(StateRollup.count(col("gap").lt(0))).as("failed")),
            List.of("dimension"),
            KeyCodes.of(in.settings()).with("dimension", List.copyOf(in.settings().dimensions().keySet())),
            in.settings(),
            in.run());
    return in.shared().cache(byDimension);
  }

  private static List<Metric> perSubject(double z) {
    Column n = col("answers");
    return List.of(
        new Metric("expectation_mean", Estimate.mean(col("expectation_sum"), col("expectation_sumsq"), col("expectation_n"), z)),
        new Metric("perception_mean", Estimate.mean(col("perception_sum"), col("perception_sumsq"), col("perception_n"), z)),
        new Metric("gap_mean", Estimate.mean(col("gap_sum"), col("gap_sumsq"), n, z)),
        new Metric("exceeded_share", Estimate.rate(col("exceeded"), n, z)),
        new Metric("met_share", Estimate.rate(col("met"), n, z)),
        new Metric("failed_share", Estimate.rate(col("failed"), n, z)));
  }

  /**
   * Weighted mean of the per-dimension gap_means over the dimensions present (with answers that
   * have both scores). Its interval treats
   * the dimensions' means as independent: var = Σ (w/W)² · s²/n.
   */
  private static Dataset<Row> servqual(Dataset<Row> byDimension, Settings settings, double z) {
    Column w = weight(settings);
    Column n = col("answers").cast("double");
    Column mean = col("gap_sum").divide(n);
    Column variance = when(col("answers").geq(2), col("gap_sumsq").minus(col("gap_sum").multiply(col("gap_sum")).divide(n)).divide(n.minus(1)));
    Dataset<Row> combined =
        byDimension
            .withColumn("w", w)
            .filter(col("w").gt(0).and(col("answers").gt(0)))
            .groupBy(GroupingSets.reportKeys().stream().map(k -> col(k)).toArray(Column[]::new))
            .agg(
                sum(col("w").multiply(mean)).as("weighted_gap"),
                sum(col("w")).as("total_weight"),
                sum(col("w").multiply(col("w")).multiply(variance).divide(n)).as("weighted_var"),
                count(when(variance.isNull(), 1)).as("no_variance"),
                sum(col("answers")).as("answers"));
    Column value = col("weighted_gap").divide(col("total_weight"));
    Column half = when(col("no_variance").equalTo(0), lit(z).multiply(sqrt(col("weighted_var"))).divide(col("total_weight")));
    return MetricTable.tidy(
        combined, GAP, "all", lit(GroupingSets.ALL), List.of(new Metric("servqual_gap", Estimate.of(value, col("answers"), value.minus(half), value.plus(half)))));
  }

  static Column element(Settings settings) {
    Column e = lit(null).cast("string");
    for (Settings.Dimension d : settings.dimensions().values()) {
      e = when(col("dimension").equalTo(d.name()), lit(d.element())).otherwise(e);
    }
    return e;
  }

  static Column weight(Settings settings) {
    Column w = lit(0.0);
    for (Settings.Dimension d : settings.dimensions().values()) {
      w = when(col("dimension").equalTo(d.name()), lit(d.weight())).otherwise(w);
    }
    return w;
  }
}
