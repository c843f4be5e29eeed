package io.servicegap.metrics;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.percentile_approx;

import io.servicegap.config.Settings;
import io.servicegap.keys.EventKeys;
import io.servicegap.keys.GroupingSets;
import io.servicegap.keys.Periods;
import io.servicegap.metrics.MetricTable.Metric;
import io.servicegap.run.RunKeys;
import io.servicegap.stats.Estimate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Percentile metrics. Percentiles do not add up, so these roll the events themselves (only the
 * columns needed) to every period and grouping set. Spark's percentile_approx with accuracy
 * {@link #ACCURACY}: the returned value's rank is within n/ACCURACY of the exact rank.
 */
public final class Percentiles {
  public static final int ACCURACY = 10_000;

  private Percentiles() {}

  /**
   * @param percentiles metric name → percentile in (0, 1)
   * @param subjectKey column naming the subject (e.g. standard), or null for subject ALL
   */
  public static Dataset<Row> of(
      Dataset<Row> events, Column value, Map<String, Double> percentiles, String gap, String subjectType, String subjectKey, Settings settings, RunKeys run) {
    List<Column> keep = new ArrayList<>();
    EventKeys.keys().forEach(k -> keep.add(col(k)));
    if (subjectKey != null) {
      keep.add(col(subjectKey));
    }
    keep.add(value.as("_value"));
    Dataset<Row> rows =
        GroupingSets.expand(Periods.expand(events.select(keep.toArray(Column[]::new)).filter(col("_value").isNotNull()), EventKeys.EVENT_DATE, settings.grains(), run));
    List<Column> keys = new ArrayList<>();
    GroupingSets.reportKeys().forEach(k -> keys.add(col(k)));
    if (subjectKey != null) {
      keys.add(col(subjectKey));
    }
    List<Column> aggs = new ArrayList<>();
    aggs.add(count(lit(1)).as("_n"));
    List<Metric> metrics = new ArrayList<>();
    int i = 0;
    for (Map.Entry<String, Double> p : percentiles.entrySet()) {
      aggs.add(percentile_approx(col("_value"), lit(p.getValue()), lit(ACCURACY)).as("_p" + i));
      metrics.add(new Metric(p.getKey(), Estimate.point(col("_p" + i), col("_n"))));
      i++;
    }
    Dataset<Row> agg = rows.groupBy(keys.toArray(Column[]::new)).agg(aggs.get(0), aggs.subList(1, aggs.size()).toArray(Column[]::new));
    return MetricTable.tidy(agg, gap, subjectType, subjectKey == null ? lit(GroupingSets.ALL) : col(subjectKey), metrics);
  }
}
