package io.servicegap.metrics;

import static org.apache.spark.sql.functions.add_months;
import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.date_add;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lag;
import static org.apache.spark.sql.functions.lead;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.when;

import com.google.auto.service.AutoService;
import io.servicegap.config.Grain;
import io.servicegap.config.Settings;
import io.servicegap.keys.EventKeys;
import io.servicegap.keys.GroupingSets;
import io.servicegap.keys.JoinKeys;
import io.servicegap.keys.Periods;
import io.servicegap.metrics.MetricTable.Metric;
import io.servicegap.keys.RunKeys;
import io.servicegap.stats.Estimate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.sql.types.DataTypes;

/**
 * The recovery paradox: do accounts whose complaint was resolved within the resolution standard
 * stay as well as (or better than) accounts that had nothing to complain about? Part of the
 * impact family (it needs churn), reported under gap recovery.
 */
@AutoService(MetricFamily.class)
public final class RecoveryParadox implements MetricFamily {
  private static final String STANDARD = "resolution";
  private static final String TIME = Retention.TIME;
  private static final String KIND = Retention.KIND; // 0 an order, 1 a complaint
  private static final String NEXT_ORDER = "_next_order";
  private static final String SECOND_TIME_AFTER = "_second_time_after";
  private static final String LAST_COMPLAINT = "_last_complaint";
  private static final String NEXT_COMPLAINT = "_next_complaint";

  @Override
  public String name() {
    return PhaseImpact.GAP;
  }

  @Override
  public Set<String> sources() {
    return Set.of("transactions", "complaints");
  }

  private static StateSet recovered() {
    Column evaluable = col(Retention.EVALUABLE);
    return StateSet.of(PhaseImpact.GAP, "impact/recovered", PhaseImpact.CHURN_AFTER_INSTANTS)
        .where(PhaseImpact.isRecovery())
        .count("recovered_evaluable", evaluable)
        .count("recovered_retained", evaluable.and(col(Retention.CHURNED).equalTo(false)))
        .figures(
            Figure.rate("retention_after_recovery", "recovered_retained", "recovered_evaluable").under(RecoveryGap.GAP),
            Figure.difference("recovery_paradox", "retention_after_recovery", "retention_without_complaint").under(RecoveryGap.GAP));
  }

  @Override
  public List<StateSet> stateSets(MeasuredEvents in) {
    return in.settings().standards().containsKey(STANDARD) ? List.of(recovered()) : List.of();
  }

  @Override
  public Dataset<Row> metrics(RolledStates rolled, MeasuredEvents in) {
    if (!in.settings().standards().containsKey(STANDARD)) {
      return MetricTable.empty();
    }
    int days = in.settings().retention().churnAfterDays();
    Dataset<Row> joined =
        rolled.of(recovered()).join(
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
   * Complaints resolved within the resolution standard, each once, from the moment it was
   * resolved; null when no resolution standard is configured.
   */
  static Dataset<Row> recovered(MeasuredEvents in) {
    Settings.Standard resolution = in.settings().standards().get(STANDARD);
    if (resolution == null) {
      return null;
    }
    return StandardsGap.standardEvents(resolution, in, "account_id", "resolved_ts")
        .filter(col("resolved_ts").isNotNull().and(col("breach").equalTo(false)));
  }

  /**
   * Accounts that ordered in a period and opened no complaint in it, churn measured from the
   * period's end; per grain, period, segment and tier (the phase key does not apply: ALL).
   */
  private static Dataset<Row> uncomplained(MeasuredEvents in, int days) {
    Dataset<Row> perKeys = uncomplainedByKeys(in.orders(), in.complaints(), days, in.settings().grains(), in.settings().priceTiers(), in.run());
    List<String> keys = List.of(Periods.GRAIN, Periods.PERIOD_START, "segment", "price_tier");
    return RollupRunner.sumUp(GroupingSets.expand(perKeys, List.of("segment", "price_tier")), List.of("uncomplained_evaluable", "uncomplained_retained"), keys);
  }

  /**
   * The baseline's states before grouping sets. Churn after a period's end, by the one definition
   * of {@link Retention}, from one sort of each account's orders and complaints, without grouping
   * orders into account-periods: a period's last order stands for it. That row's neighbours in
   * time order tell the rest: the next order (the first after the period or, when it falls exactly
   * on the period's end, the next distinct order time after it), the latest complaint before it
   * and the first after it, and the latest order date of each tier.
   *
   * @param orders keyed orders of the run's window placed by the cut-off (later periods hold none)
   * @param tiers the price tiers orders can have (servicegap.price-tiers)
   */
  static Dataset<Row> uncomplainedByKeys(Dataset<Row> orders, Dataset<Row> complaints, int days, List<Grain> grains, List<String> tiers, RunKeys run) {
    // A complaint counts by its date: placed at its date's midnight, after any order at that instant.
    Dataset<Row> activity =
        orders.select(col("account_id"), col("segment"), col("price_tier"), col("order_ts").as(TIME), col(EventKeys.EVENT_DATE), lit(0).as(KIND))
            .unionByName(complaints.select(
                col("account_id"), col("segment"), lit(null).cast(DataTypes.StringType).as("price_tier"),
                col(EventKeys.EVENT_DATE).cast(DataTypes.TimestampType).as(TIME), col(EventKeys.EVENT_DATE), lit(1).as(KIND)));
    WindowSpec byTime = Retention.byAccountInTime();
    WindowSpec upToHere = byTime.rowsBetween(Window.unboundedPreceding(), Window.currentRow());
    Column isOrder = col(KIND).equalTo(0);
    Column complaintDate = when(isOrder.unary_$bang(), col(EventKeys.EVENT_DATE));
    List<Column> neighbours = new java.util.ArrayList<>(List.of(
        col("*"),
        lead(when(isOrder, col(TIME)), 1, null, true).over(byTime).as(NEXT_ORDER),
        lag(col(TIME), 1).over(byTime).as("_previous"),
        max(complaintDate).over(upToHere).as(LAST_COMPLAINT),
        lead(complaintDate, 1, null, true).over(byTime).as(NEXT_COMPLAINT)));
    for (int i = 0; i < tiers.size(); i++) {
      Column tierDate = when(isOrder.and(col("price_tier").equalTo(tiers.get(i))), col(EventKeys.EVENT_DATE));
      neighbours.add(max(tierDate).over(upToHere).as(tierDate(i)));
    }
    // The first order at each distinct time: the second such after a period's last order is the
    // first order strictly after the next order's time.
    Column newTime = when(isOrder.and(col("_previous").isNull().or(col("_previous").lt(col(TIME)))), col(TIME));
    Dataset<Row> periods =
        Retention.withAccountHash(activity).select(neighbours.toArray(Column[]::new)) // one select: one window operator
            .withColumn(SECOND_TIME_AFTER, lead(newTime, 2, null, true).over(byTime))
            .filter(isOrder);
    // Each grain's period bounds as columns of their own, computed once per order: inside the
    // exploded structs below every use would evaluate its date arithmetic again. Each bound is
    // added for every grain in one step: each step analyses the whole plan again.
    Map<String, Column> starts = new LinkedHashMap<>();
    Map<String, Column> ends = new LinkedHashMap<>();
    Map<String, Column> endTimes = new LinkedHashMap<>();
    Map<String, Column> instants = new LinkedHashMap<>();
    Map<String, Column> windowEnds = new LinkedHashMap<>();
    for (Grain g : grains) {
      starts.put(start(g), Periods.start(g, col(EventKeys.EVENT_DATE)));
      ends.put(end(g), switch (g) {
        case DAY -> date_add(col(start(g)), 1);
        case WEEK -> date_add(col(start(g)), 7);
        case MONTH -> add_months(col(start(g)), 1);
      });
      endTimes.put(endTime(g), col(end(g)).cast(DataTypes.TimestampType));
      instants.put(instant(g), least(col(endTime(g)), lit(run.cutoff())));
      windowEnds.put(windowEnd(g), Retention.windowEnd(col(instant(g)), days));
    }
    periods = periods.withColumns(starts).withColumns(ends).withColumns(endTimes).withColumns(instants).withColumns(windowEnds);
    periods = periods
            .withColumn("_period", explode(array(grains.stream().map(g -> periodOfOrder(g, tiers.size(), run)).toArray(Column[]::new))))
            .filter(col("_period.counted"));
    List<Column> sums = new java.util.ArrayList<>();
    List<Column> byTier = new java.util.ArrayList<>();
    for (int i = 0; i < tiers.size(); i++) {
      Column inTier = col("_period.tier" + i);
      sums.add(count(when(inTier, 1)).as("_periods" + i));
      sums.add(count(when(inTier.and(col("_period.evaluable")), 1)).as("_evaluable" + i));
      sums.add(count(when(inTier.and(col("_period.retained")), 1)).as("_retained" + i));
      byTier.add(struct(lit(tiers.get(i)).as("price_tier"), col("_periods" + i).as("periods"),
          col("_evaluable" + i).as("evaluable"), col("_retained" + i).as("retained")));
    }
    // Summed per tier flag, then one row per tier that had a period: the sum runs over account-periods once.
    return periods
        .groupBy(col("_period.grain").as(Periods.GRAIN), col("_period.start").as(Periods.PERIOD_START), col("segment"))
        .agg(sums.get(0), sums.subList(1, sums.size()).toArray(Column[]::new))
        .withColumn("_tier", explode(array(byTier.toArray(Column[]::new))))
        .filter(col("_tier.periods").gt(0))
        .select(col(Periods.GRAIN), col(Periods.PERIOD_START), col("segment"), col("_tier.price_tier").as("price_tier"),
            col("_tier.evaluable").as("uncomplained_evaluable"), col("_tier.retained").as("uncomplained_retained"));
  }

  /**
   * For an order of {@link #uncomplainedByKeys}, its period of grain {@code g}: whether the order
   * stands for an uncomplained period of the run's window (it is the period's last order), the
   * period's churn states, and a flag per tier the period had an order in.
   */
  private static Column periodOfOrder(Grain g, int tierCount, RunKeys run) {
    Column start = col(start(g));
    Column next = col(NEXT_ORDER);
    Column inWindow = start.between(lit(java.sql.Date.valueOf(run.firstPeriod(g))), lit(java.sql.Date.valueOf(run.lastPeriod(g))));
    Column last = next.isNull().or(next.geq(col(endTime(g))));
    Column complained = coalesce(col(LAST_COMPLAINT).geq(start), lit(false)).or(coalesce(col(NEXT_COMPLAINT).lt(col(end(g))), lit(false)));
    Column firstAfter = when(next.equalTo(col(instant(g))), col(SECOND_TIME_AFTER)).otherwise(next);
    Column windowEnd = col(windowEnd(g));
    Column evaluable = windowEnd.leq(lit(run.cutoff()));
    List<Column> fields = new java.util.ArrayList<>(List.of(
        lit(g.label()).as("grain"),
        start.as("start"),
        inWindow.and(last).and(complained.unary_$bang()).as("counted"),
        evaluable.as("evaluable"),
        evaluable.and(firstAfter.isNotNull()).and(firstAfter.leq(windowEnd)).as("retained")));
    for (int i = 0; i < tierCount; i++) {
      fields.add(coalesce(col(tierDate(i)).geq(start), lit(false)).as("tier" + i));
    }
    return struct(fields.toArray(Column[]::new));
  }

  private static String start(Grain g) {
    return "_start_" + g.label();
  }

  private static String end(Grain g) {
    return "_end_" + g.label();
  }

  private static String endTime(Grain g) {
    return "_end_time_" + g.label();
  }

  /** When churn after the period is judged: its end, or the cut-off for a period still open. */
  private static String instant(Grain g) {
    return "_instant_" + g.label();
  }

  private static String windowEnd(Grain g) {
    return "_window_end_" + g.label();
  }

  private static String tierDate(int i) {
    return "_tier_date" + i;
  }
}
