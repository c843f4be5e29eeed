package io.servicegap.metrics;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import com.google.auto.service.AutoService;
import io.servicegap.config.Settings;
import io.servicegap.keys.GroupingSets;
import io.servicegap.metrics.MetricTable.Metric;
import io.servicegap.stats.Estimate;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
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
@AutoService(MetricFamily.class)
public final class BrokenPromise implements MetricFamily {
  private static final List<String> PERCEPTION_STATES =
      List.of("kept_n", "kept_sum", "kept_sumsq", "broken_n", "broken_sum", "broken_sumsq");

  @Override
  public String name() {
    return PhaseImpact.GAP;
  }

  @Override
  public Set<String> sources() {
    return Set.of("transactions", "surveys");
  }

  /** Answers about an eligible order, with whether its promise was kept; orders of every age. */
  static final EventKind ANSWERS_AFTER_PROMISES = new EventKind("answers after promises", in -> {
    Dataset<Row> promises = CommunicationGap.promiseOutcomes(in.orderHistory(), in.settings().deliveryToleranceHours(), in.run().cutoff())
        .select(col("order_id").as("_order"), col("promise_kept"));
    return in.answers()
        .filter(col("order_id").isNotNull().and(col("perception").isNotNull()))
        .join(promises, col("order_id").equalTo(col("_order")))
        .drop("_order");
  });

  /**
   * The window's eligible orders, as instants churn is measured after: when the promise fell due,
   * with whether it was kept. Churn after them is read in the one sort of {@link
   * PhaseImpact#CHURN_AFTER_INSTANTS}.
   */
  static Dataset<Row> promiseInstants(MeasuredEvents in, List<Column> keys) {
    List<Column> kept = new ArrayList<>(keys);
    kept.add(col("promise_kept"));
    kept.add(col("settled_ts").as(PhaseImpact.AT));
    return CommunicationGap.promiseOutcomes(in.orders(), in.settings().deliveryToleranceHours(), in.run().cutoff()).select(kept.toArray(Column[]::new));
  }

  private static StateSet perception(Settings settings) {
    Column kept = col("promise_kept");
    Column p = col("perception");
    return StateSet.of(PhaseImpact.GAP, "impact/perception_after_promise", ANSWERS_AFTER_PROMISES)
        .per("dimension", col("dimension"))
        .count("kept_n", kept)
        .sum("kept_sum", when(kept, p))
        .sum("kept_sumsq", when(kept, p.multiply(p)))
        .count("broken_n", kept.unary_$bang())
        .sum("broken_sum", when(kept.unary_$bang(), p))
        .sum("broken_sumsq", when(kept.unary_$bang(), p.multiply(p)))
        .figures(perceptionFigures(null, null))
        .figures(perceptionFigures("element", CustomerGap.element(settings)))
        .figures(perceptionFigures("all", lit(GroupingSets.ALL)));
  }

  /** Perception after kept and broken promises and their difference, per dimension or rolled up. */
  private static Figure[] perceptionFigures(String subjectType, Column subject) {
    return java.util.stream.Stream.of(
            Figure.mean("perception_promise_kept", "kept_sum", "kept_n"),
            Figure.mean("perception_promise_broken", "broken_sum", "broken_n"),
            Figure.difference("broken_promise_penalty", "perception_promise_kept", "perception_promise_broken"))
        .map(f -> subjectType == null ? f : f.per(subjectType, subject))
        .toArray(Figure[]::new);
  }

  private static StateSet retention() {
    Column kept = col("promise_kept");
    Column retained = col(Retention.CHURNED).unary_$bang();
    return StateSet.of(PhaseImpact.GAP, "impact/retention_after_promise", PhaseImpact.CHURN_AFTER_INSTANTS)
        .where(PhaseImpact.isPromise().and(col(Retention.EVALUABLE)))
        .count("kept_orders", kept)
        .count("kept_retained", kept.and(retained))
        .count("broken_orders", kept.unary_$bang())
        .count("broken_retained", kept.unary_$bang().and(retained))
        .figures(
            Figure.rate("retention_promise_kept", "kept_retained", "kept_orders"),
            Figure.rate("retention_promise_broken", "broken_retained", "broken_orders"),
            Figure.difference("broken_promise_churn_lift", "retention_promise_kept", "retention_promise_broken"));
  }

  @Override
  public List<Headline> headlines() {
    return List.of(
        Headline.difference(PhaseImpact.GAP, "broken_promise_penalty", "perception_promise_kept", "perception_promise_broken", false, false,
            "perception after a broken promise, below a kept one's, by", "answers", true),
        Headline.difference(PhaseImpact.GAP, "broken_promise_churn_lift", "retention_promise_kept", "retention_promise_broken", false, true,
            "retention after a broken promise, below a kept one's, by", "orders", true));
  }

  @Override
  public List<StateSet> stateSets(MeasuredEvents in) {
    return List.of(perception(in.settings()), retention());
  }

  @Override
  public Dataset<Row> metrics(RolledStates rolled, MeasuredEvents in) {
    double z = in.z();
    Dataset<Row> byDimension = rolled.of(perception(in.settings()));
    List<String> elementKeys = new ArrayList<>(GroupingSets.reportKeys());
    elementKeys.add("element");
    Dataset<Row> byElement = RollupRunner.sumUp(byDimension.withColumn("element", CustomerGap.element(in.settings())), PERCEPTION_STATES, elementKeys);
    Dataset<Row> overall = RollupRunner.sumUp(byDimension, PERCEPTION_STATES, GroupingSets.reportKeys());
    List<Metric> metrics = perceptionMetrics(z);
    Column afterKept = Estimate.rate(col("kept_retained"), col("kept_orders"), z);
    Column afterBroken = Estimate.rate(col("broken_retained"), col("broken_orders"), z);
    return MetricTable.tidy(byDimension, PhaseImpact.GAP, "dimension", col("dimension"), metrics)
        .unionByName(MetricTable.tidy(byElement, PhaseImpact.GAP, "element", col("element"), metrics))
        .unionByName(MetricTable.tidy(overall, PhaseImpact.GAP, "all", lit(GroupingSets.ALL), metrics))
        .unionByName(MetricTable.tidy(rolled.of(retention()), PhaseImpact.GAP, "all", lit(GroupingSets.ALL), List.of(
            new Metric("retention_promise_kept", afterKept),
            new Metric("retention_promise_broken", afterBroken),
            new Metric("broken_promise_churn_lift", Estimate.difference(afterKept, afterBroken)))));
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
}
