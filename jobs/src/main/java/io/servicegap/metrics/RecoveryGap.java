package io.servicegap.metrics;

import static org.apache.spark.sql.functions.coalesce;
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

  /** What complaints can be read by besides all of them: what a case is about, and how it came in. */
  private static final List<String> BREAKDOWNS = List.of("category", "channel");

  /** The breakdowns the run's complaints have a column for. */
  private static List<String> breakdowns(MeasuredEvents in) {
    if (in.complaints() == null) {
      return List.of();
    }
    List<String> columns = java.util.Arrays.asList(in.complaints().columns());
    return BREAKDOWNS.stream().filter(columns::contains).toList();
  }

  /** The complaints' states of all of them (subject null) or per category or channel. */
  private static StateSet complaints(String per) {
    Column resolved = col("resolved_ts").isNotNull();
    Column firstResponse = hours("first_response_ts");
    Column resolution = hours("resolved_ts");
    StateSet set = StateSet.of(GAP, per == null ? "recovery/complaints" : "recovery/complaints/" + per, EventKind.COMPLAINTS);
    if (per != null) {
      set = set.where(col(per).isNotNull()).per(per, col(per));
    }
    return set
        .count("complaints")
        .count("resolved", resolved)
        .count("first_contact", resolved.and(col("contacts").equalTo(1)).and(col("reopened").equalTo(false)))
        .count("reopened", resolved.and(col("reopened")))
        .sum("first_response_sum", coalesce(firstResponse, lit(0.0)))
        .sum("first_response_sumsq", coalesce(firstResponse.multiply(firstResponse), lit(0.0)))
        .count("first_response_n", firstResponse.isNotNull())
        .sum("resolution_sum", coalesce(resolution, lit(0.0)))
        .sum("resolution_sumsq", coalesce(resolution.multiply(resolution), lit(0.0)))
        .count("resolution_n", resolution.isNotNull())
        .figures(
            Figure.rate("resolution_rate", "resolved", "complaints"),
            Figure.rate("first_contact_resolution_rate", "first_contact", "resolved"),
            Figure.rate("reopen_rate", "reopened", "resolved"),
            Figure.mean("first_response_hours_mean", "first_response_sum", "first_response_n"),
            Figure.mean("resolution_hours_mean", "resolution_sum", "resolution_n"));
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
    List<StateSet> sets = new java.util.ArrayList<>(List.of(complaints(null), orders(), satisfaction(in)));
    breakdowns(in).forEach(b -> sets.add(complaints(b)));
    return sets;
  }

  @Override
  public List<Histogram> histograms(MeasuredEvents in) {
    List<Histogram> out = new java.util.ArrayList<>(List.of(
        new Histogram(GAP, "recovery/first_response", EventKind.COMPLAINTS, lit(true), "all", null, hours("first_response_ts"), Map.of("first_response_hours_p50", 0.5)),
        new Histogram(GAP, "recovery/resolution", EventKind.COMPLAINTS, lit(true), "all", null, hours("resolved_ts"), Map.of("resolution_hours_p50", 0.5))));
    for (String b : breakdowns(in)) {
      out.add(new Histogram(GAP, "recovery/first_response/" + b, EventKind.COMPLAINTS, col(b).isNotNull(), b, col(b), hours("first_response_ts"),
          Map.of("first_response_hours_p50", 0.5)));
      out.add(new Histogram(GAP, "recovery/resolution/" + b, EventKind.COMPLAINTS, col(b).isNotNull(), b, col(b), hours("resolved_ts"),
          Map.of("resolution_hours_p50", 0.5)));
    }
    return out;
  }

  @Override
  public Dataset<Row> metrics(RolledStates rolled, MeasuredEvents in) {
    double z = in.z();
    // Orders counted for every phase of the same segment, tier and period.
    Dataset<Row> orders = rolled.of(orders()).filter(col("phase").equalTo(GroupingSets.ALL)).drop("phase");
    Dataset<Row> out = handling(rolled.of(complaints(null)), orders, "all", lit(GroupingSets.ALL), z);
    for (String b : breakdowns(in)) {
      out = out.unionByName(handling(rolled.of(complaints(b)), orders, b, col(b), z));
    }
    return out.unionByName(MetricTable.tidy(rolled.of(satisfaction(in)), GAP, "all", lit(GroupingSets.ALL),
        List.of(new Metric("recovery_satisfaction", Estimate.mean(col("perception_sum"), col("perception_sumsq"), col("answers"), z)))));
  }

  /** How complaints were handled, of all of them or per subject: complaints per 1,000 orders of the same keys, rates and mean times. */
  private static Dataset<Row> handling(Dataset<Row> complaints, Dataset<Row> orders, String subjectType, Column subject, double z) {
    Dataset<Row> states = complaints.join(orders, JoinKeys.of("grain", "period_start", "segment", "price_tier"), "left");
    Column perThousand = col("complaints").divide(col("orders")).multiply(1000);
    Column poissonHalf = lit(z).multiply(sqrt(col("complaints"))).divide(col("orders")).multiply(1000);
    return MetricTable.tidy(
        states, GAP, subjectType, subject,
        List.of(
            new Metric("complaints_per_1000_orders", Estimate.of(perThousand, col("orders"), perThousand.minus(poissonHalf), perThousand.plus(poissonHalf))),
            new Metric("resolution_rate", Estimate.rate(col("resolved"), col("complaints"), z)),
            new Metric("first_contact_resolution_rate", Estimate.rate(col("first_contact"), col("resolved"), z)),
            new Metric("reopen_rate", Estimate.rate(col("reopened"), col("resolved"), z)),
            new Metric("first_response_hours_mean", Estimate.mean(col("first_response_sum"), col("first_response_sumsq"), col("first_response_n"), z)),
            new Metric("resolution_hours_mean", Estimate.mean(col("resolution_sum"), col("resolution_sumsq"), col("resolution_n"), z))));
  }

  private static Column hours(String end) {
    return expr("(unix_micros(" + end + ") - unix_micros(opened_ts)) / 3600000000D");
  }

}
