package io.servicegap.metrics;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.log1p;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.pow;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.xxhash64;

import io.servicegap.config.Settings;
import io.servicegap.keys.GroupingSets;
import io.servicegap.stats.Estimate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;

/**
 * Percentiles of non-negative durations from log-scale histograms ({@link Histogram}). Bin counts
 * are additive, so they are counted at the finest keys and rolled up by summing, like every other
 * state — the raw events are never copied per period and grouping set. With resolution r
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

  /** The histogram bin of a value: null for an unknown value (never bin 0). */
  public static Column bin(Column value, Settings settings) {
    return when(value.isNotNull(), floor(log1p(greatest(value, lit(0.0))).divide(Math.log1p(settings.percentileResolution()))).cast("int"));
  }

  /**
   * Every histogram's percentiles, as tidy rows, in one pass over the rolled-up bin counts: one
   * window (cumulative counts per report key, histogram and subject, in bin order) and one
   * aggregate of the rows where a percentile's rank is crossed.
   *
   * @param bins rolled-up rows with a bin ({@link RollupRunner#binKeys()} and the count)
   */
  static Dataset<Row> read(Dataset<Row> bins, List<Histogram> histograms, Settings settings) {
    double resolution = settings.percentileResolution();
    List<Column> group = new ArrayList<>();
    GroupingSets.reportKeys().forEach(k -> group.add(col(k)));
    group.add(col(RollupRunner.SET));
    group.add(col(RollupRunner.SUBJECT));
    // A hash of the group leads the window's sort: its prefix then orders nearly every pair of
    // rows, where the keys themselves (the grain first) would be compared in full.
    List<Column> hashed = new ArrayList<>(List.of(col("_group")));
    hashed.addAll(group);
    var inBinOrder = Window.partitionBy(hashed.toArray(Column[]::new)).orderBy(col(RollupRunner.BIN));
    Column count = col(RollupRunner.COUNT);
    // Both sums over the one ordering, so that one window operator computes them in one pass.
    Dataset<Row> cumulative =
        bins.withColumn("_group", xxhash64(group.toArray(Column[]::new)))
            .select(col("*"),
                sum(count).over(inBinOrder.rowsBetween(Window.unboundedPreceding(), Window.currentRow())).as("_below"),
                sum(count).over(inBinOrder.rowsBetween(Window.unboundedPreceding(), Window.unboundedFollowing())).as("_n"));
    List<Column> aggs = new ArrayList<>();
    aggs.add(max(col("_n")).as("_n"));
    // A percentile's bin is where the cumulative count first reaches its rank: the one row of the
    // group whose count crosses it. Only those rows reach the aggregate, a few per group.
    Column crossing = lit(false);
    int i = 0;
    for (Histogram h : histograms) {
      for (Map.Entry<String, Double> p : h.percentiles().entrySet()) {
        Column rank = col("_n").multiply(p.getValue());
        Column reached = col(RollupRunner.SET).equalTo(h.name()).and(col("_below").geq(rank));
        crossing = crossing.or(reached.and(col("_below").minus(count).lt(rank)));
        Column bin = min(when(reached, col(RollupRunner.BIN)));
        aggs.add(pow(lit(1 + resolution), bin.plus(0.5)).minus(1).as("_p" + i++));
      }
    }
    Dataset<Row> result = cumulative.filter(crossing)
        .groupBy(hashed.toArray(Column[]::new)).agg(aggs.get(0), aggs.subList(1, aggs.size()).toArray(Column[]::new));
    // One explode for every histogram's metrics: a row of one histogram has nulls for the
    // others', which the tidy rows leave out. (A filter per histogram would be pushed below the
    // window and give each histogram a window of its own.)
    List<Column> metrics = new ArrayList<>();
    i = 0;
    for (Histogram h : histograms) {
      Column subject = h.subject() == null ? lit(GroupingSets.ALL) : col(RollupRunner.SUBJECT);
      for (String name : h.percentiles().keySet()) {
        metrics.add(struct(lit(h.gap()).as("gap"), lit(name).as("metric"), lit(h.subjectType()).as("subject_type"), subject.as("subject"),
            Estimate.point(col("_p" + i++), col("_n")).as("e")));
      }
    }
    List<Column> out = new ArrayList<>();
    GroupingSets.reportKeys().forEach(k -> out.add(col(k)));
    for (String c : List.of("gap", "metric", "subject_type", "subject")) {
      out.add(col("_m." + c).as(c));
    }
    for (String c : List.of("value", "n", "ci_low", "ci_high")) {
      out.add(col("_m.e." + c).as(c));
    }
    Dataset<Row> tidy = result.withColumn("_m", explode(array(metrics.toArray(Column[]::new))))
        .select(out.toArray(Column[]::new))
        .filter(col("n").gt(0).and(col("value").isNotNull()));
    return tidy;
  }
}
