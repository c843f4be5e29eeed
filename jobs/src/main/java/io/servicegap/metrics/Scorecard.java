package io.servicegap.metrics;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.when;

import io.servicegap.keys.GroupingSets;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * gap_scorecard: one wide row per report key with the headline figure of each gap and its n,
 * pivoted from gap_metrics rows (subject ALL) so the two tables can never disagree.
 */
public final class Scorecard {
  /** A headline: the gap_metrics row it is taken from, and what it tells. */
  public record Headline(String gap, String metric, String meaning) {
    public String column() {
      return gap + "_" + metric;
    }
  }

  public static final List<Headline> HEADLINES =
      List.of(
          new Headline("gap1", "knowledge_gap", "Management's estimate of customer expectation minus customers' actual expectation (weighted over dimensions)."),
          new Headline("gap1", "self_assessment_gap", "Management's rating of its own service minus customers' perception; positive = self-assessment delusion."),
          new Headline("gap2", "uncovered_complaint_share", "Share of complaints whose category no service standard covers."),
          new Headline("gap3", "compliance_rate", "Share of counted events, over all standards, that met their standard."),
          new Headline("gap4", "otif_rate", "Share of eligible orders delivered on time and in full."),
          new Headline("gap4", "promise_kept_rate", "Share of eligible orders on time, in full and at the quoted price."),
          new Headline("gap5", "servqual_gap", "Weighted mean of perceived minus expected quality over dimensions."),
          new Headline("recovery", "resolution_rate", "Share of complaints resolved."),
          new Headline("recovery", "complaints_per_1000_orders", "Complaints per 1,000 orders placed."));

  private Scorecard() {}

  public static Dataset<Row> wide(Dataset<Row> gapMetrics) {
    List<Column> aggs = new ArrayList<>();
    for (Headline h : HEADLINES) {
      Column is = col("gap").equalTo(h.gap()).and(col("metric").equalTo(h.metric()));
      aggs.add(max(when(is, col("value"))).as(h.column()));
      aggs.add(max(when(is, col("n"))).as(h.column() + "_n"));
    }
    aggs.add(first(col("as_of")).as("as_of"));
    aggs.add(first(col("run_id")).as("run_id"));
    return gapMetrics
        .filter(col("subject_type").equalTo("all"))
        .groupBy(GroupingSets.reportKeys().stream().map(k -> col(k)).toArray(Column[]::new))
        .agg(aggs.get(0), aggs.subList(1, aggs.size()).toArray(Column[]::new));
  }
}
