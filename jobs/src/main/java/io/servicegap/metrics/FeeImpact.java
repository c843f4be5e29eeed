package io.servicegap.metrics;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.servicegap.config.Settings;
import io.servicegap.keys.JoinKeys;
import io.servicegap.run.RunKeys;
import io.servicegap.stats.Estimate;
import java.sql.Date;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

/**
 * fee_impact: per price change, the churn of the accounts it touched (active on the effective
 * date, in its tier and segment) in the window after it, against the same measure one window
 * earlier, and against the accounts it did not touch over the same two windows.
 */
public final class FeeImpact {
  private static final String ANY = "*";

  private FeeImpact() {}

  /**
   * @param changes accepted price_changes
   * @param orders keyed orders placed by the cut-off, any age
   */
  public static Dataset<Row> build(Dataset<Row> changes, Dataset<Row> accounts, Dataset<Row> orders, Settings settings, RunKeys run, double z) {
    int days = settings.retention().churnAfterDays();
    Date asOf = Date.valueOf(run.asOf());
    Dataset<Row> effective = changes.filter(col("effective_date").leq(lit(asOf)));
    Column touched =
        col("c.price_tier").equalTo(ANY).or(col("c.price_tier").equalTo(col("a.price_tier")))
            .and(col("c.segment").equalTo(ANY).or(col("c.segment").equalTo(col("a.segment"))));
    Column after = col("effective_date").cast(DataTypes.TimestampType);
    // Every account against every change (changes are few): touched or in the control group.
    Dataset<Row> pairs =
        accounts.alias("a").crossJoin(effective.alias("c"))
            .select(col("c.change_id"), col("a.account_id"), touched.as("touched"), after.as("after_ts"));
    Dataset<Row> instants =
        pairs.withColumn("window", lit("after")).withColumn("instant", col("after_ts"))
            .unionByName(pairs.withColumn("window", lit("before")).withColumn("instant", Retention.windowEnd(col("after_ts"), -days)));
    Dataset<Row> active =
        Retention.churnAfter(instants, "instant", orders, days, run.cutoff())
            .filter(Retention.activeAt(col("instant"), days));
    Dataset<Row> withRevenue = active.join(trailingRevenue(orders, effective), JoinKeys.of("change_id", "account_id"), "left");

    List<Column> states = new ArrayList<>();
    for (String group : List.of("touched", "control")) {
      Column inGroup = group.equals("touched") ? col("touched") : col("touched").equalTo(false);
      for (String w : List.of("before", "after")) {
        Column counted = inGroup.and(col("window").equalTo(w));
        states.add(sum(StateRollup.count(counted)).as(group + "_" + w + "_active"));
        states.add(sum(StateRollup.count(counted.and(col(Retention.CHURNED)))).as(group + "_" + w + "_churned"));
      }
    }
    states.add(sum(when(col("touched").and(col("window").equalTo("after")).and(col(Retention.CHURNED)), col("revenue_365d"))).as("revenue_at_risk"));
    Dataset<Row> perChange = withRevenue.groupBy("change_id").agg(states.get(0), states.subList(1, states.size()).toArray(Column[]::new));

    // The window before always closed by the cut-off; the one after may still be open.
    Column evaluable = Retention.windowEnd(col("effective_date").cast(DataTypes.TimestampType), days).leq(lit(run.cutoff()));
    Column before = churn("touched_before", lit(true), z);
    Column afterChurn = churn("touched_after", evaluable, z);
    Column lift = Estimate.difference(afterChurn, before);
    Column controlLift = Estimate.difference(churn("control_after", evaluable, z), churn("control_before", lit(true), z));
    long minSample = settings.minSample();
    return effective.join(perChange, JoinKeys.of("change_id"), "left")
        .na().fill(0L, new String[] {"touched_before_active", "touched_after_active", "control_before_active", "control_after_active",
            "touched_before_churned", "touched_after_churned", "control_before_churned", "control_after_churned"})
        .select(
            col("change_id"), col("effective_date"), col("price_tier"), col("segment"), col("change_pct"), col("description"),
            evaluable.as("evaluable"),
            col("touched_before_active").as("accounts_before"),
            before.getField("value").as("churn_rate_before"), before.getField("ci_low").as("churn_rate_before_ci_low"), before.getField("ci_high").as("churn_rate_before_ci_high"),
            col("touched_after_active").as("accounts_after"),
            afterChurn.getField("value").as("churn_rate_after"), afterChurn.getField("ci_low").as("churn_rate_after_ci_low"), afterChurn.getField("ci_high").as("churn_rate_after_ci_high"),
            lift.getField("value").as("churn_lift"), lift.getField("ci_low").as("churn_lift_ci_low"), lift.getField("ci_high").as("churn_lift_ci_high"),
            col("control_after_active").as("control_accounts_after"),
            controlLift.getField("value").as("control_churn_lift"), controlLift.getField("ci_low").as("control_churn_lift_ci_low"), controlLift.getField("ci_high").as("control_churn_lift_ci_high"),
            when(evaluable, coalesce(col("revenue_at_risk"), lit(0)).cast("decimal(18,2)")).as("revenue_at_risk"),
            coalesce(lift.getField("n"), lit(0L)).lt(minSample).as("low_sample"),
            lit(Date.valueOf(run.asOf())).as("as_of"),
            lit(run.runId()).as("run_id"));
  }

  /** Churn rate of active accounts over one window, null while the window is still open. */
  private static Column churn(String prefix, Column evaluable, double z) {
    return Estimate.rate(col(prefix + "_churned"), when(evaluable, col(prefix + "_active")), z);
  }

  /** Per change and account: revenue (charged, else quoted; not cancelled) of the 365 days before the change. */
  private static Dataset<Row> trailingRevenue(Dataset<Row> orders, Dataset<Row> changes) {
    Column start = Retention.windowEnd(col("c.effective_date").cast(DataTypes.TimestampType), -365);
    Column end = col("c.effective_date").cast(DataTypes.TimestampType);
    return orders.alias("o")
        .filter(col("status").notEqual("cancelled"))
        .join(changes.alias("c"), col("o.order_ts").geq(start).and(col("o.order_ts").lt(end)))
        .groupBy(col("c.change_id"), col("o.account_id"))
        .agg(sum(coalesce(col("o.charged_amount"), col("o.quoted_amount"))).as("revenue_365d"));
  }
}
