package io.servicegap.metrics;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.struct;

import io.servicegap.keys.GroupingSets;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;

/**
 * Turns rows of rolled-up states into tidy gap_metrics rows: one row per metric, with its value,
 * n and interval (see {@link io.servicegap.stats.Estimate}).
 */
public final class MetricTable {
  /** gap_metrics columns a family produces, before the run adds low_sample, as_of and run_id. */
  public static final List<String> COLUMNS =
      List.of("grain", "period_start", "segment", "phase", "price_tier", "gap", "metric", "subject_type", "subject", "value", "n", "ci_low", "ci_high");

  private MetricTable() {}

  /** The schema of {@link #COLUMNS}, for a family with nothing to measure. */
  public static StructType schema() {
    return StructType.fromDDL(
        "grain string, period_start date, segment string, phase string, price_tier string, gap string, metric string, "
            + "subject_type string, subject string, value double, n bigint, ci_low double, ci_high double");
  }

  /** No rows, with the columns of {@link #COLUMNS}. */
  public static Dataset<Row> empty() {
    return org.apache.spark.sql.SparkSession.active().createDataFrame(List.of(), schema());
  }

  /** A named metric of one subject; {@code estimate} is an Estimate struct over the state columns. */
  public record Metric(String name, Column estimate) {}

  /**
   * @param subjectType all, dimension, element or standard
   * @param subject the subject's name column (lit("ALL") for subject type all)
   */
  public static Dataset<Row> tidy(Dataset<Row> states, String gap, String subjectType, Column subject, List<Metric> metrics) {
    List<Column> rows = new ArrayList<>();
    for (Metric m : metrics) {
      rows.add(struct(lit(m.name()).as("metric"), m.estimate().as("e")));
    }
    List<Column> out = new ArrayList<>();
    GroupingSets.reportKeys().forEach(k -> out.add(col(k)));
    out.add(lit(gap).as("gap"));
    out.add(col("_m.metric").as("metric"));
    out.add(lit(subjectType).as("subject_type"));
    out.add(subject.as("subject"));
    out.add(col("_m.e.value").as("value"));
    out.add(col("_m.e.n").as("n"));
    out.add(col("_m.e.ci_low").as("ci_low"));
    out.add(col("_m.e.ci_high").as("ci_high"));
    return states
        .withColumn("_m", explode(array(rows.toArray(Column[]::new))))
        .select(out.toArray(Column[]::new))
        .filter(col("n").gt(0).and(col("value").isNotNull()));
  }
}
