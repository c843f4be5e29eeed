package io.servicegap.metrics;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sqrt;

import com.google.auto.service.AutoService;
import io.servicegap.keys.GroupingSets;
import io.servicegap.keys.JoinKeys;
import io.servicegap.metrics.MetricTable.Metric;
import io.servicegap.stats.Estimate;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** Recovery — how complaints are handled: volume, resolution, first contact, reopening, speed, satisfaction. */
@AutoService(MetricFamily.class)
public final class RecoveryGap implements MetricFamily {
  public static final String GAP = "recovery";

  @Override
  public String name() {
    return GAP;
  }

  @Override
  public Set<String> sources() {
    return Set.of("transactions", "complaints", "surveys");
  }

  private static StateSet complaints() {
    Column resolved = col("resolved_ts").isNotNull();
    return StateSet.of(GAP, "recovery/complaints", EventKind.COMPLAINTS)
        .count("complaints")
        .count("resolved", resolved)
        .count("first_contact", resolved.and(col("contacts").equalTo(1)).and(col("reopened").equalTo(false)))
        .count("reopened", resolved.and(col("reopened")))
        .figures(
            Figure.rate("resolution_rate", "resolved", "complaints"),
            Figure.rate("first_contact_resolution_rate", "first_contact", "resolved"),
            Figure.rate("reopen_rate", "reopened", "resolved"));
  }

  /** Orders placed in any status. */
  private static StateSet orders() {
    return StateSet.of(GAP, "recovery/orders", EventKind.ORDERS).count("orders");
  }

  /** Perception after a complaint: answers linked to one, of the recovery element's dimensions. */
  private static StateSet satisfaction(MeasuredEvents in) {
    Column p = col("perception");
    return StateSet.of(GAP, "recovery/satisfaction", EventKind.ANSWERS)
        .where(col("complaint_id").isNotNull().and(p.isNotNull()).and(CustomerGap.element(in.settings()).equalTo("recovery")))
        .count("answers")
        .sum("perception_sum", p)
        .sum("perception_sumsq", p.multiply(p))
        .figures(Figure.mean("recovery_satisfaction", "perception_sum", "answers"));
  }

  @Override
  public List<Headline> headlines() {
    return List.of(Headline.of(GAP, "resolution_rate", "all", true, true, "of complaints resolved", "complaints").shownAs("Share of complaints resolved."),
        Headline.shown(GAP, "complaints_per_1000_orders", false, false, "Complaints per 1,000 orders placed."));
  }

  @Override
  public List<StateSet> stateSets(MeasuredEvents in) {
    return List.of(complaints(), orders(), satisfaction(in));
  }

  @Override
  public List<Histogram> histograms(MeasuredEvents in) {
    return List.of(
        new Histogram(GAP, "recovery/first_response", EventKind.COMPLAINTS, lit(true), "all", null, hours("first_response_ts"), Map.of("first_response_hours_p50", 0.5)),
        new Histogram(GAP, "recovery/resolution", EventKind.COMPLAINTS, lit(true), "all", null, hours("resolved_ts"), Map.of("resolution_hours_p50", 0.5)));
  }

  @Override
  public Dataset<Row> metrics(RolledStates rolled, MeasuredEvents in) {
    double z = in.z();
    // Orders counted for every phase of the same segment, tier and period.
    Dataset<Row> orders = rolled.of(orders()).filter(col("phase").equalTo(GroupingSets.ALL)).drop("phase");
    Dataset<Row> states = rolled.of(complaints()).join(orders, JoinKeys.of("grain", "period_start", "segment", "price_tier"), "left");
    Column perThousand = col("complaints").divide(col("orders")).multiply(1000);
    Column poissonHalf = lit(z).multiply(sqrt(col("complaints"))).divide(col("orders")).multiply(1000);
    Dataset<Row> rates =
        MetricTable.tidy(
            states, GAP, "all", lit(GroupingSets.ALL),
            List.of(
                new Metric("complaints_per_1000_orders", Estimate.of(perThousand, col("orders"), perThousand.minus(poissonHalf), perThousand.plus(poissonHalf))),
                new Metric("resolution_rate", Estimate.rate(col("resolved"), col("complaints"), z)),
                new Metric("first_contact_resolution_rate", Estimate.rate(col("first_contact"), col("resolved"), z)),
                new Metric("reopen_rate", Estimate.rate(col("reopened"), col("resolved"), z))));
    return rates.unionByName(MetricTable.tidy(rolled.of(satisfaction(in)), GAP, "all", lit(GroupingSets.ALL),
        List.of(new Metric("recovery_satisfaction", Estimate.mean(col("perception_sum"), col("perception_sumsq"), col("answers"), z)))));
  }

  private static Column hours(String end) {
    return expr("(unix_micros(" + end + ") - unix_micros(opened_ts)) / 3600000000D");
  }

}
