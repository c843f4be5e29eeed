package io.servicegap.metrics;

import static org.apache.spark.sql.functions.add_months;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.date_add;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.servicegap.config.Settings;
import io.servicegap.keys.EventKeys;
import io.servicegap.keys.GroupingSets;
import io.servicegap.keys.JoinKeys;
import io.servicegap.keys.Periods;
import io.servicegap.metrics.MetricTable.Metric;
import io.servicegap.stats.Estimate;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

/**
 * The recovery paradox: do accounts whose complaint was resolved within the resolution standard
 * stay as well as (or better than) accounts that had nothing to complain about? Part of the
 * impact family (it needs churn), reported under gap recovery.
 */
public final class RecoveryParadox implements MetricFamily {
  private static final String STANDARD = "resolution";

  @Override
  public String name() {
    return PhaseImpact.GAP;
  }

  @Override
  public Dataset<Row> measure(MeasuredEvents in) {
    Settings.Standard resolution = in.settings().standards().get(STANDARD);
    if (resolution == null) {
      return in.orders().sparkSession().createDataFrame(List.of(), MetricTable.schema());
    }
    int days = in.settings().retention().churnAfterDays();
    // Each complaint resolved within its standard counts once, from the moment it was resolved.
    Dataset<Row> recovered =
        StandardsGap.standardEvents(resolution, in, "account_id", "resolved_ts")
            .filter(col("resolved_ts").isNotNull().and(col("breach").equalTo(false)));
    Dataset<Row> recoveredStates =
        StateRollup.rollUp(
            Retention.churnAfter(recovered, "resolved_ts", in.orderHistory(), days, in.run().cutoff()),
            retentionStates("recovered"),
            List.of(),
            in.settings().grains(),
            in.run());
    Dataset<Row> joined =
        recoveredStates.join(
            uncomplained(in, days),
            JoinKeys.of(Periods.GRAIN, Periods.PERIOD_START, "segment", "price_tier"),
            "left");
    double z = in.z();
    Column afterRecovery = Estimate.rate(col("recovered_retained"), col("recovered_evaluable"), z);
    Column withoutComplaint = Estimate.rate(col("uncomplained_retained"), col("uncomplained_evaluable"), z);
    return MetricTable.tidy(
        joined,
        RecoveryGap.GAP,
        "all",
        lit(GroupingSets.ALL),
        List.of(
            new Metric("retention_after_recovery", afterRecovery),
            new Metric("retention_without_complaint", withoutComplaint),
            new Metric("recovery_paradox", Estimate.difference(afterRecovery, withoutComplaint))));
  }

  /**
   * Accounts that ordered in a period and opened no complaint in it, churn measured from the
   * period's end; per grain, period, segment and tier (the phase key does not apply: ALL).
   */
  private static Dataset<Row> uncomplained(MeasuredEvents in, int days) {
    Dataset<Row> ordered =
        Periods.expand(in.orders().select("account_id", "segment", "price_tier", EventKeys.EVENT_DATE), EventKeys.EVENT_DATE, in.settings().grains(), in.run())
            .distinct();
    Dataset<Row> complained =
        Periods.expand(in.complaints().select("account_id", EventKeys.EVENT_DATE), EventKeys.EVENT_DATE, in.settings().grains(), in.run())
            .distinct();
    Column periodEnd =
        when(col(Periods.GRAIN).equalTo("day"), date_add(col(Periods.PERIOD_START), 1))
            .when(col(Periods.GRAIN).equalTo("week"), date_add(col(Periods.PERIOD_START), 7))
            .otherwise(add_months(col(Periods.PERIOD_START), 1));
    Dataset<Row> instants =
        ordered.join(complained, JoinKeys.of("account_id", Periods.GRAIN, Periods.PERIOD_START), "left_anti")
            .withColumn("period_end", least(periodEnd.cast(DataTypes.TimestampType), lit(in.run().cutoff())));
    List<Column> states = retentionStates("uncomplained");
    Dataset<Row> perKeys =
        Retention.churnAfter(instants, "period_end", in.orderHistory(), days, in.run().cutoff())
            .groupBy(Periods.GRAIN, Periods.PERIOD_START, "segment", "price_tier")
            .agg(states.get(0), states.get(1));
    List<String> keys = List.of(Periods.GRAIN, Periods.PERIOD_START, "segment", "price_tier");
    return StateRollup.sumUp(GroupingSets.expand(perKeys, List.of("segment", "price_tier")), List.of("uncomplained_evaluable", "uncomplained_retained"), keys);
  }

  private static List<Column> retentionStates(String group) {
    Column evaluable = col(Retention.EVALUABLE);
    return List.of(
        sum(StateRollup.count(evaluable)).as(group + "_evaluable"),
        sum(StateRollup.count(evaluable.and(col(Retention.CHURNED).equalTo(false)))).as(group + "_retained"));
  }
}
