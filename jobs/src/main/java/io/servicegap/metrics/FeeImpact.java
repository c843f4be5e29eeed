package io.servicegap.metrics;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.servicegap.config.Settings;
import io.servicegap.keys.AddedColumns;
import io.servicegap.keys.JoinKeys;
import io.servicegap.keys.RunKeys;
import io.servicegap.stats.Estimate;
import java.sql.Date;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
    // Every account against every change (changes are few): touched or in the control group.
    Dataset<Row> pairs =
        accounts.alias("a").crossJoin(effective.alias("c")).select(col("c.change_id"), col("a.account_id"), touched.as("touched"));
    Dataset<Row> withOrders =
        pairs.join(aroundChanges(orders, effective, days), JoinKeys.of("change_id", "account_id"), "left")
            .withColumns(missingAs(lit(false), "active_before", "retained_before", "active_after", "retained_after"))
            .withColumns(AddedColumns.of(
                "churned_before", col("active_before").and(col("retained_before").equalTo(false)),
                "churned_after", col("active_after").and(col("retained_after").equalTo(false))));

    List<Column> states = new ArrayList<>();
    for (String group : List.of("touched", "control")) {
      Column inGroup = group.equals("touched") ? col("touched") : col("touched").equalTo(false);
      for (String w : List.of("before", "after")) {
        states.add(count(when(inGroup.and(col("active_" + w)), 1)).as(group + "_" + w + "_active"));
        states.add(count(when(inGroup.and(col("churned_" + w)), 1)).as(group + "_" + w + "_churned"));
      }
    }
    states.add(sum(when(col("touched").and(col("churned_after")), col("revenue_cents"))).as("revenue_at_risk_cents"));
    Dataset<Row> perChange = withOrders.groupBy("change_id").agg(states.get(0), states.subList(1, states.size()).toArray(Column[]::new));

    // The window before always closed by the cut-off; the one after may still be open.
    Column evaluable = Retention.windowEnd(col("effective_date").cast(DataTypes.TimestampType), days).leq(lit(run.cutoff()));
    Column before = churn("touched_before", lit(true), z);
    Column afterChurn = churn("touched_after", evaluable, z);
    Column lift = Estimate.difference(afterChurn, before);
    Column controlLift = Estimate.difference(churn("control_after", evaluable, z), churn("control_before", lit(true), z));
    long minSample = settings.minSample();
    return effective.join(perChange, JoinKeys.of("change_id"), "left")
        .withColumns(missingAs(lit(0L), "touched_before_active", "touched_after_active", "control_before_active", "control_after_active",
            "touched_before_churned", "touched_after_churned", "control_before_churned", "control_after_churned"))
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
            when(evaluable, Money.fromCents(coalesce(col("revenue_at_risk_cents"), lit(0L)))).as("revenue_at_risk"),
            coalesce(lift.getField("n"), lit(0L)).lt(minSample).as("low_sample"),
            lit(Date.valueOf(run.asOf())).as("as_of"),
            lit(run.runId()).as("run_id"));
  }

  /**
   * The columns with a null (no row on a left join's right side) replaced by {@code value}: one
   * step, where na().fill re-resolves and re-analyses the whole plan.
   */
  private static Map<String, Column> missingAs(Column value, String... names) {
    Map<String, Column> filled = new LinkedHashMap<>();
    for (String n : names) {
      filled.put(n, coalesce(col(n), value));
    }
    return filled;
  }

  /** Churn rate of active accounts over one window, null while the window is still open. */
  private static Column churn(String prefix, Column evaluable, double z) {
    return Estimate.rate(col(prefix + "_churned"), when(evaluable, col(prefix + "_active")), z);
  }

  /**
   * Per change and account with an order around it, in one pass over the orders: whether it was
   * active on the effective date t (an order in (t − window, t]) and retained after it (an order in
   * (t, t + window]), the same one window earlier, and its revenue (charged, else quoted; not
   * cancelled) of the 365 days before t. This is {@link Retention}'s churn, evaluated at two known
   * instants per change without sorting the orders.
   */
  private static Dataset<Row> aroundChanges(Dataset<Row> orders, Dataset<Row> changes, int days) {
    // Each change's instants computed once on the few changes, not on every order they meet:
    // calendar arithmetic goes through the session time zone.
    Column t = col("effective_date").cast(DataTypes.TimestampType);
    Column before = Retention.windowEnd(t, -days);
    Column beforeStart = Retention.windowEnd(before, -days);
    Column yearBefore = Retention.windowEnd(t, -365);
    Dataset<Row> instants =
        changes.select(
            col("change_id"),
            t.as("t"),
            before.as("before"),
            beforeStart.as("before_start"),
            Retention.windowEnd(before, days).as("before_end"),
            Retention.windowEnd(t, days).as("after_end"),
            yearBefore.as("year_before"),
            least(beforeStart, yearBefore).as("earliest"));
    Column ts = col("o.order_ts");
    Column revenue =
        when(col("o.status").notEqual("cancelled").and(ts.geq(col("c.year_before"))).and(ts.lt(col("c.t"))), Money.cents(coalesce(col("o.charged_amount"), col("o.quoted_amount"))));
    return orders.alias("o")
        .join(broadcast(instants.alias("c")), ts.gt(col("c.earliest")).and(ts.leq(col("c.after_end"))))
        .groupBy(col("c.change_id"), col("o.account_id"))
        .agg(
            max(Retention.orderedIn(ts, col("c.before_start"), col("c.before"))).as("active_before"),
            max(Retention.orderedIn(ts, col("c.before"), col("c.before_end"))).as("retained_before"),
            max(Retention.orderedIn(ts, col("c.before"), col("c.t"))).as("active_after"),
            max(Retention.orderedIn(ts, col("c.t"), col("c.after_end"))).as("retained_after"),
            sum(revenue).as("revenue_cents"));
  }
}
