package io.servicegap.metrics;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import com.google.auto.service.AutoService;
import io.servicegap.config.Settings.Standard;
import io.servicegap.keys.GroupingSets;
import io.servicegap.metrics.MetricTable.Metric;
import io.servicegap.stats.Estimate;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Gap 2 — customer pain no service standard covers: the share of complaints whose category no
 * standard names. Pain with no standard is pain nobody measures.
 */
@AutoService(MetricFamily.class)
public final class CoverageGap implements MetricFamily {
  public static final String GAP = "gap2";

  @Override
  public String name() {
    return GAP;
  }

  @Override
  public List<Headline> headlines() {
    return List.of(Headline.shown(GAP, "uncovered_complaint_share", false, true, "Share of complaints whose category no service standard covers."));
  }

  @Override
  public Set<String> sources() {
    return Set.of("complaints");
  }

  private static StateSet coverage(MeasuredEvents in) {
    Set<String> covered = new LinkedHashSet<>();
    for (Standard s : in.settings().standards().values()) {
      covered.addAll(s.categories());
    }
    Column uncovered = covered.isEmpty() ? lit(true) : col("category").isin(covered.toArray()).unary_$bang();
    return StateSet.of(GAP, GAP, EventKind.COMPLAINTS).count("complaints").count("uncovered", uncovered)
        .figures(Figure.rate("uncovered_complaint_share", "uncovered", "complaints"));
  }

  @Override
  public List<StateSet> stateSets(MeasuredEvents in) {
    return List.of(coverage(in));
  }

  @Override
  public Dataset<Row> metrics(RolledStates rolled, MeasuredEvents in) {
    return MetricTable.tidy(
        rolled.of(coverage(in)), GAP, "all", lit(GroupingSets.ALL),
        List.of(new Metric("uncovered_complaint_share", Estimate.rate(col("uncovered"), col("complaints"), in.z()))));
  }
}
