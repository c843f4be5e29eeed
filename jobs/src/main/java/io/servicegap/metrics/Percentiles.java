package io.servicegap.metrics;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.log1p;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.pow;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.xxhash64;

import io.servicegap.config.Settings;
import io.servicegap.keys.GroupingSets;
import io.servicegap.keys.KeyCodes;
import io.servicegap.metrics.MetricTable.Metric;
import io.servicegap.run.RunKeys;
import io.servicegap.stats.Estimate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;

/**
 * Percentiles of non-negative durations from log-scale histograms. Bin counts are additive, so
 * they are counted once at the finest keys and rolled up by summing, like every other state —
 * the raw events are never copied per period and grouping set. With resolution r
 * (servicegap.stats.percentile-resolution) a value v falls in bin floor(ln(1 + v) / ln(1 + r)),
 * reported as the bin's geometric centre: the reported percentile is within {@link
 * #errorBound(double)} × (1 + true value) of the exact nearest-rank percentile.
 */
public final class Percentiles {
  private Percentiles() {}

  /** (1 + resolution)^½ − 1: half a bin, relative to 1 + value. */
  public static double errorBound(double resolution) {
    return Math.sqrt(1 + resolution) - 1;
  }

  /**
   * @param percentiles metric name → percentile in (0, 1]
   * @param subjectKey column naming the subject (e.g. standard), or null for subject ALL
   */
  public static Dataset<Row> of(
      Dataset<Row> events, Column value, Map<String, Double> percentiles, String gap, String subjectType, String subjectKey, Settings settings, RunKeys run) {
    Dataset<Row> binned = events.withColumn(BIN, bin(value, settings));
    return fromCounts(binned, count(lit(1)), percentiles, gap, subjectType, subjectKey, KeyCodes.of(settings), settings, run);
  }

  /** The bin column of rows binned by {@link #bin}. */
  public static final String BIN = "_bin";

  /** The histogram bin of a value: null for an unknown value (never bin 0). */
  public static Column bin(Column value, Settings settings) {
    return when(value.isNotNull(), floor(log1p(greatest(value, lit(0.0))).divide(Math.log1p(settings.percentileResolution()))).cast("int"));
  }

  /**
   * {@link #of} over rows already binned ({@link #BIN}, at the finest keys or finer): {@code count}
   * sums to the number of values in each row's bin; rows without a bin are left out.
   *
   * @param codes the key vocabularies the histogram's sums group by (with the subject's, if known)
   */
  public static Dataset<Row> fromCounts(
      Dataset<Row> binned, Column count, Map<String, Double> percentiles, String gap, String subjectType, String subjectKey,
      KeyCodes codes, Settings settings, RunKeys run) {
    List<String> extra = subjectKey == null ? List.of() : List.of(subjectKey);
    double resolution = settings.percentileResolution();
    List<String> binKeys = new ArrayList<>(extra);
    binKeys.add(BIN);
    Dataset<Row> histogram = StateRollup.rollUpCounts(binned.filter(col(BIN).isNotNull()), List.of(count.as("_count")), binKeys, codes, settings, run);

    List<String> reportKeys = new ArrayList<>(GroupingSets.reportKeys());
    reportKeys.addAll(extra);
    List<Column> group = codes.columns(reportKeys).stream().map(k -> col(k)).toList();
    // A hash of the group leads the window's sort: its prefix then orders nearly every pair of
    // rows, where the keys themselves (the grain first) would be compared in full.
    List<Column> hashed = new ArrayList<>(List.of(col("_group")));
    hashed.addAll(group);
    var byGroup = Window.partitionBy(hashed.toArray(Column[]::new));
    Dataset<Row> cumulative =
        histogram
            .withColumn("_group", xxhash64(group.toArray(Column[]::new)))
            .withColumn("_below", sum(col("_count")).over(byGroup.orderBy(col(BIN)).rowsBetween(Window.unboundedPreceding(), Window.currentRow())))
            .withColumn("_n", sum(col("_count")).over(byGroup));
    List<Column> aggs = new ArrayList<>();
    aggs.add(max(col("_n")).as("_n"));
    List<Metric> metrics = new ArrayList<>();
    int i = 0;
    for (Map.Entry<String, Double> p : percentiles.entrySet()) {
      Column bin = min(when(col("_below").geq(col("_n").multiply(p.getValue())), col(BIN)));
      aggs.add(pow(lit(1 + resolution), bin.plus(0.5)).minus(1).as("_p" + i));
      metrics.add(new Metric(p.getKey(), Estimate.point(col("_p" + i), col("_n"))));
      i++;
    }
    Dataset<Row> result =
        codes.decode(cumulative.groupBy(hashed.toArray(Column[]::new)).agg(aggs.get(0), aggs.subList(1, aggs.size()).toArray(Column[]::new)));
    return MetricTable.tidy(result, gap, subjectType, subjectKey == null ? lit(GroupingSets.ALL) : col(subjectKey), metrics);
  }
}
