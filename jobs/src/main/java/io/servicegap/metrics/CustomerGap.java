package io.servicegap.metrics;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sqrt;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import com.google.auto.service.AutoService;
import io.servicegap.config.Settings;
import io.servicegap.keys.GroupingSets;
import io.servicegap.metrics.MetricTable.Metric;
import io.servicegap.stats.Estimate;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Gap 5 — perceived minus expected quality, per SERVQUAL dimension, per experience element
 * (promise, recovery, personnel, value) and as the weighted servqual_gap.
 */
@AutoService(MetricFamily.class)
public final class CustomerGap implements MetricFamily {
  public static final String GAP = "gap5";
  private static final List<String> STATES =
      List.of("answers", "expectation_n", "perception_n", "expectation_sum", "expectation_sumsq", "perception_sum", "perception_sumsq", "gap_sum", "gap_sumsq", "exceeded", "met", "failed");

  @Override
  public String name() {
    return GAP;
  }

  @Override
  public Set<String> sources() {
    return Set.of("surveys");
  }

  @Override
  public List<Headline> headlines() {
    return List.of(
        Headline.of(GAP, "servqual_gap", "all", true, false, "perception minus expectation (servqual gap)", "answers")
            .shownAs("Weighted mean of perceived minus expected quality over dimensions."),
        Headline.of(GAP, "gap_mean", "element", true, false, "perception minus expectation on %s", "answers"));
  }

  @Override
  public List<StateSet> stateSets(MeasuredEvents in) {
    return List.of(dimensionStates(in.settings()));
  }

  @Override
  public Dataset<Row> metrics(RolledStates rolled, MeasuredEvents in) {
    Dataset<Row> byDimension = rolled.of(dimensionStates(in.settings()));
    double z = in.z();
    List<String> elementKeys = new ArrayList<>(GroupingSets.reportKeys());
    elementKeys.add("element");
    Dataset<Row> byElement = RollupRunner.sumUp(byDimension.withColumn("element", element(in.settings())), STATES, elementKeys);
    return MetricTable.tidy(byDimension, GAP, "dimension", col("dimension"), perSubject(z))
        .unionByName(MetricTable.tidy(byElement, GAP, "element", col("element"), perSubject(z)))
        .unionByName(servqual(byDimension, in.settings(), z));
  }

  /**
   * Additive states per dimension: counts, sums and sums of squares of expectation and of
   * perception over the answers that have each (a perception-only rating counts), and of the gap,
   * with exceeded/met/failed counts, over the answers ({@code answers}) that have both. Shared
   * with Gap 1.
   */
  static StateSet dimensionStates(Settings settings) {
    Column gap = col("perception").minus(col("expectation"));
    return StateSet.of(GAP, "gap5/dimension", EventKind.ANSWERS)
        .per("dimension", col("dimension"))
        .count("answers", gap.isNotNull())
        .count("expectation_n", col("expectation").isNotNull())
        .count("perception_n", col("perception").isNotNull())
        .sum("expectation_sum", col("expectation"))
        .sum("expectation_sumsq", col("expectation").multiply(col("expectation")))
        .sum("perception_sum", col("perception"))
        .sum("perception_sumsq", col("perception").multiply(col("perception")))
        .sum("gap_sum", gap)
        .sum("gap_sumsq", gap.multiply(gap))
        .count("exceeded", gap.gt(0))
        .count("met", gap.equalTo(0))
        .count("failed", gap.lt(0))
        .figures(subjectFigures(null, null))
        .figures(subjectFigures("element", element(settings)))
        // servqual_gap weighs the dimensions' means; its answers cluster as the mean gap over all of them.
        .figures(Figure.mean("servqual_gap", "gap_sum", "answers").overAll())
        .figures(
            Figure.mean("knowledge_gap", "expectation_sum", "expectation_n").under(KnowledgeGap.GAP),
            Figure.mean("self_assessment_gap", "perception_sum", "perception_n").under(KnowledgeGap.GAP));
  }

  /** The per-subject figures, per dimension or per element. */
  private static Figure[] subjectFigures(String subjectType, Column subject) {
    return java.util.stream.Stream.of(
            Figure.mean("expectation_mean", "expectation_sum", "expectation_n"),
            Figure.mean("perception_mean", "perception_sum", "perception_n"),
            Figure.mean("gap_mean", "gap_sum", "answers"),
            Figure.rate("exceeded_share", "exceeded", "answers"),
            Figure.rate("met_share", "met", "answers"),
            Figure.rate("failed_share", "failed", "answers"))
        .map(f -> subjectType == null ? f : f.per(subjectType, subject))
        .toArray(Figure[]::new);
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
