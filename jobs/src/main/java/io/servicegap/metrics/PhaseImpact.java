package io.servicegap.metrics;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import com.google.auto.service.AutoService;
import io.servicegap.config.Settings;
import io.servicegap.keys.EventKeys;
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
 * Which phase's experiences keep or lose customers: survey responses classed exceeded / met /
 * failed by their mean gap, and the retention of each class after the response.
 */
@AutoService(MetricFamily.class)
public final class PhaseImpact implements MetricFamily {
  public static final String GAP = "impact";
  public static final List<String> CLASSES = List.of("exceeded", "met", "failed");
  private static final String INSTANT_OF = "_instant_of"; // which kind of instant churn was measured after
  private static final String RESPONSE = "response";
  private static final String RECOVERY = "recovery";
  private static final String PROMISE = "promise";
  /** The instant churn is measured after. */
  static final String AT = "_at";

  @Override
  public String name() {
    return GAP;
  }

  @Override
  public Set<String> sources() {
    return Set.of("surveys", "transactions", "complaints", "price_changes");
  }

  /**
   * Churn after each survey response, each complaint recovered within its standard, and each
   * eligible order's promise falling due (the broken-promise penalty's retention).
   */
  static final EventKind CHURN_AFTER_INSTANTS = new EventKind("churn after instants", PhaseImpact::churnAfterInstants);

  private static StateSet responses() {
    StateSet set = StateSet.of(GAP, "impact/responses", CHURN_AFTER_INSTANTS).where(col(INSTANT_OF).equalTo(RESPONSE)).count("responses");
    for (String c : CLASSES) {
      Column inClass = col("class").equalTo(c);
      Column evaluable = inClass.and(col(Retention.EVALUABLE));
      set = set.count(c + "_responses", inClass)
          .count(c + "_evaluable", evaluable)
          .count(c + "_retained", evaluable.and(col(Retention.CHURNED).equalTo(false)))
          .figures(Figure.rate(c + "_response_share", c + "_responses", "responses"), Figure.rate("retention_" + c, c + "_retained", c + "_evaluable"));
    }
    return set.figures(
        Figure.difference("positive_impact", "retention_exceeded", "retention_met"),
        Figure.difference("negative_impact", "retention_met", "retention_failed"));
  }

  @Override
  public List<Headline> headlines() {
    return List.of(Headline.difference(GAP, "negative_impact", "retention_met", "retention_failed", false, true, "retention lost after failed experiences", "responses",
        false));
  }

  @Override
  public List<StateSet> stateSets(MeasuredEvents in) {
    return List.of(responses());
  }

  @Override
  public Dataset<Row> metrics(RolledStates rolled, MeasuredEvents in) {
    double z = in.z();
    List<Metric> metrics = new ArrayList<>();
    for (String c : CLASSES) {
      metrics.add(new Metric(c + "_response_share", Estimate.rate(col(c + "_responses"), col("responses"), z)));
    }
    for (String c : CLASSES) {
      metrics.add(new Metric("retention_" + c, retention(c, z)));
    }
    metrics.add(new Metric("positive_impact", Estimate.difference(retention("exceeded", z), retention("met", z))));
    metrics.add(new Metric("negative_impact", Estimate.difference(retention("met", z), retention("failed", z))));
    return MetricTable.tidy(rolled.of(responses()), GAP, "all", lit(GroupingSets.ALL), metrics);
  }

  /** Metrics of phase_impact carrying n and an interval, with what each tells. */
  public static final java.util.Map<String, String> WITH_INTERVALS = intervalMetrics();

  private static java.util.Map<String, String> intervalMetrics() {
    java.util.Map<String, String> m = new java.util.LinkedHashMap<>();
    for (String c : CLASSES) {
      m.put("retention_" + c, "Share of evaluable responses that " + c + " expectations whose account ordered again within servicegap.retention.churn-after-days.");
    }
    m.put("positive_impact", "retention_exceeded − retention_met: what exceeding expectations adds to retention (Newcombe interval).");
    m.put("negative_impact", "retention_met − retention_failed: what failing expectations costs in retention (Newcombe interval).");
    return java.util.Collections.unmodifiableMap(m);
  }

  /**
   * phase_impact: one wide row per report key, pivoted from the staged gap_metrics rows of gap
   * impact so the two can never disagree.
   */
  public static Dataset<Row> wide(Dataset<Row> gapMetrics, long minSample) {
    List<Column> aggs = new ArrayList<>();
    Column isShare = col("metric").equalTo("exceeded_response_share");
    aggs.add(max(when(isShare, col("n"))).as("responses"));
    for (String c : CLASSES) {
      aggs.add(max(when(col("metric").equalTo(c + "_response_share"), col("value"))).as(c + "_response_share"));
    }
    for (String m : WITH_INTERVALS.keySet()) {
      Column is = col("metric").equalTo(m);
      aggs.add(max(when(is, col("value"))).as(m));
      aggs.add(max(when(is, col("n"))).as(m + "_n"));
      aggs.add(max(when(is, col("ci_low"))).as(m + "_ci_low"));
      aggs.add(max(when(is, col("ci_high"))).as(m + "_ci_high"));
    }
    aggs.add(org.apache.spark.sql.functions.first(col("as_of")).as("as_of"));
    aggs.add(org.apache.spark.sql.functions.first(col("run_id")).as("run_id"));
    Column thin = org.apache.spark.sql.functions.coalesce(
        org.apache.spark.sql.functions.least(col("positive_impact_n"), col("negative_impact_n")), org.apache.spark.sql.functions.lit(0L));
    // Only this table's own figures: other families of the impact gap (the broken-promise penalty)
    // are keyed more widely and would add rows with none of them.
    List<String> own = new ArrayList<>(WITH_INTERVALS.keySet());
    CLASSES.forEach(c -> own.add(c + "_response_share"));
    return gapMetrics
        .filter(col("gap").equalTo(GAP).and(col("metric").isin(own.toArray())))
        .groupBy(GroupingSets.reportKeys().stream().map(k -> col(k)).toArray(Column[]::new))
        .agg(aggs.get(0), aggs.subList(1, aggs.size()).toArray(Column[]::new))
        .withColumn("low_sample", thin.lt(minSample));
  }

  private static Column retention(String responseClass, double z) {
    return Estimate.rate(col(responseClass + "_retained"), col(responseClass + "_evaluable"), z);
  }

  /**
   * The instants the impact family measures retention after, in one sort of the window's orders
   * for all of them (the next order after an instant in the window lies in it too): survey
   * responses with their class, complaints resolved within their standard, and eligible orders'
   * promises with whether each was kept.
   */
  private static Dataset<Row> churnAfterInstants(MeasuredEvents in) {
    List<Column> kept = new ArrayList<>(List.of(col("account_id")));
    EventKeys.keys().forEach(k -> kept.add(col(k)));
    Dataset<Row> instants = responses(in.answers(), in.settings().retention())
        .select(concat(kept, col("class"), col("submitted_ts").as(AT), lit(RESPONSE).as(INSTANT_OF)));
    Dataset<Row> recovered = RecoveryParadox.recovered(in);
    if (recovered != null) {
      instants = instants.unionByName(recovered.select(concat(kept, col("resolved_ts").as(AT), lit(RECOVERY).as(INSTANT_OF))), true);
    }
    instants = instants.unionByName(BrokenPromise.promiseInstants(in, kept).withColumn(INSTANT_OF, lit(PROMISE)), true);
    int days = in.settings().retention().churnAfterDays();
    return Retention.churnAfter(instants, AT, in.orders(), days, in.run().cutoff());
  }

  /** Churn after a complaint recovered within its standard: rows of {@link #CHURN_AFTER_INSTANTS}. */
  static Column isRecovery() {
    return col(INSTANT_OF).equalTo(RECOVERY);
  }

  /** Churn after an eligible order's promise fell due: rows of {@link #CHURN_AFTER_INSTANTS}. */
  static Column isPromise() {
    return col(INSTANT_OF).equalTo(PROMISE);
  }

  private static Column[] concat(List<Column> first, Column... more) {
    List<Column> all = new ArrayList<>(first);
    all.addAll(List.of(more));
    return all.toArray(Column[]::new);
  }

  /**
   * One row per survey response with its keys, submission time, mean gap over the dimensions it
   * answered with both scores, and its class.
   */
  static Dataset<Row> responses(Dataset<Row> answers, Settings.Retention r) {
    List<Column> keys = new ArrayList<>(List.of(col("response_id"), col("account_id")));
    EventKeys.keys().forEach(k -> keys.add(col(k)));
    Column gap = avg(col("perception").minus(col("expectation")));
    return answers
        .filter(col("expectation").isNotNull().and(col("perception").isNotNull()))
        .groupBy(keys.toArray(Column[]::new))
        .agg(gap.as("mean_gap"), max(col("submitted_ts")).as("submitted_ts"))
        .withColumn("class",
            when(col("mean_gap").gt(r.exceededAbove()), lit("exceeded"))
                .when(col("mean_gap").lt(r.failedBelow()), lit("failed"))
                .otherwise(lit("met")));
  }
}
