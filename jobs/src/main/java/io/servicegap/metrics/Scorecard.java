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
 * pivoted from gap_metrics rows (subject ALL) so the two tables can never disagree. The headlines
 * are the ones the families declare as shown ({@link Headline#shown()}).
 */
public final class Scorecard {
  /** The columns: every family's shown headline, read from its subject ALL row. */
  public static final List<Headline> HEADLINES = Families.headlines().stream().filter(Headline::shown).toList();

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
