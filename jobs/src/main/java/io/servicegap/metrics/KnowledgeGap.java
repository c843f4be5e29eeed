package io.servicegap.metrics;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max_by;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import com.google.auto.service.AutoService;
import io.servicegap.ingest.Vocabulary;
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
 * Gap 1 — what management believes against what customers say: knowledge_gap (estimated minus
 * actual customer expectation) and the self-assessment delusion (the business's rating of its own
 * service minus customers' perception), per dimension and weighted over dimensions.
 */
@AutoService(MetricFamily.class)
public final class KnowledgeGap implements MetricFamily {
  public static final String GAP = "gap1";

  @Override
  public String name() {
    return GAP;
  }

  @Override
  public List<Headline> headlines() {
    return List.of(
        Headline.shown(GAP, "knowledge_gap", false, false,
            "Management's estimate of customer expectation minus customers' actual expectation (weighted over dimensions)."),
        Headline.shown(GAP, "self_assessment_gap", false, false,
            "Management's rating of its own service minus customers' perception; positive = self-assessment delusion."));
  }

  @Override
  public Set<String> sources() {
    return Set.of("surveys", "management_estimates");
  }

  @Override
  public List<StateSet> stateSets(MeasuredEvents in) {
    return List.of(CustomerGap.dimensionStates(in.settings()));
  }

  @Override
  public Dataset<Row> metrics(RolledStates rolled, MeasuredEvents in) {
    if (in.estimates().isEmpty()) {
      return MetricTable.empty();
    }
    Dataset<Row> beliefs = applicableEstimates(rolled.of(CustomerGap.dimensionStates(in.settings())), in.estimates().get());
    double z = in.z();
    Column expectations = col("expectation_n");
    Column perceptions = col("perception_n");
    Column expectation = Estimate.mean(col("expectation_sum"), col("expectation_sumsq"), expectations, z);
    Column perception = Estimate.mean(col("perception_sum"), col("perception_sumsq"), perceptions, z);
    Dataset<Row> perDimension =
        MetricTable.tidy(
            beliefs, GAP, "dimension", col("dimension"),
            List.of(
                new Metric("knowledge_gap", believedMinus(col("expected_score"), expectation)),
                new Metric("self_assessment_gap", believedMinus(col("self_score"), perception))));
    Column w = CustomerGap.weight(in.settings());
    Dataset<Row> overall =
        beliefs
            .withColumn("w", w)
            .groupBy(GroupingSets.reportKeys().stream().map(k -> col(k)).toArray(Column[]::new))
            .agg(
                weightedMean(col("expected_score").minus(col("expectation_sum").divide(expectations))).as("knowledge"),
                weightedMean(col("self_score").minus(col("perception_sum").divide(perceptions))).as("self_assessment"),
                sum(when(col("expected_score").isNotNull(), expectations)).as("knowledge_n"),
                sum(when(col("self_score").isNotNull(), perceptions)).as("self_n"));
    return perDimension.unionByName(
        MetricTable.tidy(
            overall, GAP, "all", lit(GroupingSets.ALL),
            List.of(
                new Metric("knowledge_gap", Estimate.point(col("knowledge"), col("knowledge_n"))),
                new Metric("self_assessment_gap", Estimate.point(col("self_assessment"), col("self_n"))))));
  }

  /**
   * The estimate that applies to each rolled-up dimension row: a row for the exact segment and
   * phase first, then one for the segment and any phase, any segment and the phase, then * and *.
   * Rolled-up keys (ALL) match only *.
   */
  static Dataset<Row> applicableEstimates(Dataset<Row> states, Dataset<Row> estimates) {
    Dataset<Row> e =
        estimates.select(
            col("segment").as("e_segment"), col("phase").as("e_phase"), col("dimension").as("e_dimension"), col("expected_score"), col("self_score"));
    Column any = lit(Vocabulary.ANY);
    Column matches =
        col("dimension").equalTo(col("e_dimension"))
            .and(col("e_segment").equalTo(col("segment")).or(col("e_segment").equalTo(any)))
            .and(col("e_phase").equalTo(col("phase")).or(col("e_phase").equalTo(any)));
    Column specificity = when(col("e_segment").notEqual(any), 2).otherwise(0).plus(when(col("e_phase").notEqual(any), 1).otherwise(0));
    List<Column> keys = new ArrayList<>();
    for (String c : states.columns()) {
      keys.add(col(c));
    }
    // Estimates are unique per segment, phase and dimension, so both picks come from one row; two
    // picks of doubles keep this a hash aggregate (a picked struct would sort every row).
    return states.join(e, matches)
        .groupBy(keys.toArray(Column[]::new))
        .agg(max_by(col("expected_score"), specificity).as("expected_score"), max_by(col("self_score"), specificity).as("self_score"));
  }

  /** A believed score minus a customer mean, with the mean's interval turned around. */
  private static Column believedMinus(Column believed, Column mean) {
    return Estimate.of(believed.minus(mean.getField("value")), mean.getField("n"), believed.minus(mean.getField("ci_high")), believed.minus(mean.getField("ci_low")));
  }

  private static Column weightedMean(Column value) {
    return sum(when(value.isNotNull(), col("w").multiply(value))).divide(sum(when(value.isNotNull(), col("w"))));
  }
}
