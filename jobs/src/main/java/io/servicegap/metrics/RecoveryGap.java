package io.servicegap.metrics;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sqrt;
import static org.apache.spark.sql.functions.sum;

import io.servicegap.keys.GroupingSets;
import io.servicegap.keys.JoinKeys;
import io.servicegap.metrics.MetricTable.Metric;
import io.servicegap.stats.Estimate;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** Recovery — how complaints are handled: volume, resolution, first contact, reopening, speed, satisfaction. */
public final class RecoveryGap implements MetricFamily {
  public static final String GAP = "recovery";

  @Override
  public String name() {
    return GAP;
  }

  @Override
  public Dataset<Row> measure(MeasuredEvents in) {
    double z = in.z();
    Column resolved = col("resolved_ts").isNotNull();
    Dataset<Row> complaints =
        StateRollup.rollUp(
            in.complaints(),
            List.of(
                count(lit(1)).as("complaints"),
                sum(StateRollup.count(resolved)).as("resolved"),
                sum(StateRollup.count(resolved.and(col("contacts").equalTo(1)).and(col("reopened").equalTo(false)))).as("first_contact"),
                sum(StateRollup.count(resolved.and(col("reopened")))).as("reopened")),
            List.of(),
            in.settings(),
            in.run());
    // Orders placed in any status, counted for every phase of the same segment, tier and period.
    Dataset<Row> orders =
        StateRollup.rollUp(in.orders(), List.of(count(lit(1)).as("orders")), List.of(), in.settings(), in.run())
            .filter(col("phase").equalTo(GroupingSets.ALL))
            .drop("phase");
    Dataset<Row> states =
        complaints.join(orders, JoinKeys.of("grain", "period_start", "segment", "price_tier"), "left");
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

    Dataset<Row> recoveryAnswers =
        in.answers()
            .filter(col("complaint_id").isNotNull().and(col("perception").isNotNull()))
            .filter(CustomerGap.element(in.settings()).equalTo("recovery"));
    Dataset<Row> satisfaction =
        StateRollup.rollUp(
            recoveryAnswers,
            List.of(count(lit(1)).as("answers"), sum(col("perception")).as("perception_sum"), sum(col("perception").multiply(col("perception"))).as("perception_sumsq")),
            List.of(),
            in.settings(),
            in.run());
    return rates
        .unionByName(MetricTable.tidy(satisfaction, GAP, "all", lit(GroupingSets.ALL),
            List.of(new Metric("recovery_satisfaction", Estimate.mean(col("perception_sum"), col("perception_sumsq"), col("answers"), z)))))
        .unionByName(Percentiles.of(in.complaints(), hours("first_response_ts"), Map.of("first_response_hours_p50", 0.5), GAP, "all", null, in.settings(), in.run()))
        .unionByName(Percentiles.of(in.complaints(), hours("resolved_ts"), Map.of("resolution_hours_p50", 0.5), GAP, "all", null, in.settings(), in.run()));
  }

  private static Column hours(String end) {
    return expr("(unix_micros(" + end + ") - unix_micros(opened_ts)) / 3600000000D");
  }

}
