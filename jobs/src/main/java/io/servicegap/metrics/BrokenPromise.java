package io.servicegap.metrics;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.servicegap.keys.GroupingSets;
import io.servicegap.keys.KeyCodes;
import io.servicegap.metrics.MetricTable.Metric;
import io.servicegap.stats.Estimate;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The broken-promise penalty (Gap 4 × Gap 5, and retention): what customers say, and do, after an
 * order whose promise was kept against one whose promise was broken. Over survey answers linked
 * to an eligible order: mean perception after kept and after broken promises, per dimension,
 * element and in all, and their difference; over evaluable eligible orders: retention after the
 * promise fell due (delivery, or the promised time when nothing was delivered), kept against
 * broken, and the difference. Keyed like every figure: answers by their own keys and date, orders
 * by theirs.
 */
public final class BrokenPromise implements MetricFamily {
  private static final List<String> PERCEPTION_STATES =
      List.of("kept_n", "kept_sum", "kept_sumsq", "broken_n", "broken_sum", "broken_sumsq");

  @Override
  public String name() {
    return PhaseImpact.GAP;
  }

  @Override
  public Dataset<Row> measure(MeasuredEvents in) {
    double tolerance = in.settings().deliveryToleranceHours();
    double z = in.z();
    // An answer of the window may be about an order placed before it: promises of every age.
    Dataset<Row> promises = CommunicationGap.promiseOutcomes(in.orderHistory(), tolerance, in.run().cutoff()).select("order_id", "promise_kept");
    Dataset<Row> outcomes = CommunicationGap.promiseOutcomes(in.orders(), tolerance, in.run().cutoff());
    return perception(in, promises, z).unionByName(retention(in, outcomes, z));
  }

  private static Dataset<Row> perception(MeasuredEvents in, Dataset<Row> promises, double z) {
    Dataset<Row> answers = in.answers()
        .filter(col("order_id").isNotNull().and(col("perception").isNotNull()))
        .join(promises.select(col("order_id").as("_order"), col("promise_kept")), col("order_id").equalTo(col("_order")))
        .drop("_order");
    Column kept = col("promise_kept");
    Column p = col("perception");
    List<Column> states = List.of(
        sum(StateRollup.count(kept)).as("kept_n"),
        sum(when(kept, p)).as("kept_sum"),
        sum(when(kept, p.multiply(p))).as("kept_sumsq"),
        sum(StateRollup.count(kept.unary_$bang())).as("broken_n"),
        sum(when(kept.unary_$bang(), p)).as("broken_sum"),
        sum(when(kept.unary_$bang(), p.multiply(p))).as("broken_sumsq"));
    Dataset<Row> byDimension = StateRollup.rollUp(answers, states, List.of("dimension"),
        KeyCodes.of(in.settings()).with("dimension", List.copyOf(in.settings().dimensions().keySet())), in.settings(), in.run());
    List<String> elementKeys = new ArrayList<>(GroupingSets.reportKeys());
    elementKeys.add("element");
    Dataset<Row> byElement = StateRollup.sumUp(byDimension.withColumn("element", CustomerGap.element(in.settings())), PERCEPTION_STATES, elementKeys);
    Dataset<Row> overall = StateRollup.sumUp(byDimension, PERCEPTION_STATES, GroupingSets.reportKeys());
    List<Metric> metrics = perceptionMetrics(z);
    return MetricTable.tidy(byDimension, PhaseImpact.GAP, "dimension", col("dimension"), metrics)
        .unionByName(MetricTable.tidy(byElement, PhaseImpact.GAP, "element", col("element"), metrics))
        .unionByName(MetricTable.tidy(overall, PhaseImpact.GAP, "all", lit(GroupingSets.ALL), metrics));
  }

  private static List<Metric> perceptionMetrics(double z) {
    Column kept = Estimate.mean(col("kept_sum"), col("kept_sumsq"), col("kept_n"), z);
    Column broken = Estimate.mean(col("broken_sum"), col("broken_sumsq"), col("broken_n"), z);
    return List.of(
        new Metric("perception_promise_kept", kept),
        new Metric("perception_promise_broken", broken),
        // Normal means: the difference of their symmetric intervals is the normal one.
        new Metric("broken_promise_penalty", Estimate.difference(kept, broken)));
  }

  private static Dataset<Row> retention(MeasuredEvents in, Dataset<Row> outcomes, double z) {
    int days = in.settings().retention().churnAfterDays();
    Dataset<Row> churn = Retention.churnAfter(outcomes, "settled_ts", in.orders(), days, in.run().cutoff())
        .filter(col(Retention.EVALUABLE));
    Column kept = col("promise_kept");
    Column retained = col(Retention.CHURNED).unary_$bang();
    Dataset<Row> states = StateRollup.rollUp(churn, List.of(
            sum(StateRollup.count(kept)).as("kept_orders"),
            sum(StateRollup.count(kept.and(retained))).as("kept_retained"),
            sum(StateRollup.count(kept.unary_$bang())).as("broken_orders"),
            sum(StateRollup.count(kept.unary_$bang().and(retained))).as("broken_retained")),
        List.of(), in.settings(), in.run());
    Column afterKept = Estimate.rate(col("kept_retained"), col("kept_orders"), z);
    Column afterBroken = Estimate.rate(col("broken_retained"), col("broken_orders"), z);
    return MetricTable.tidy(states, PhaseImpact.GAP, "all", lit(GroupingSets.ALL), List.of(
        new Metric("retention_promise_kept", afterKept),
        new Metric("retention_promise_broken", afterBroken),
        new Metric("broken_promise_churn_lift", Estimate.difference(afterKept, afterBroken))));
  }
}
