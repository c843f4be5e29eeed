package io.servicegap.metrics;

import static org.apache.spark.sql.functions.abs;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.max_by;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.round;
import static org.apache.spark.sql.functions.sqrt;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.format_number;
import static org.apache.spark.sql.functions.format_string;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.sha2;
import static org.apache.spark.sql.functions.substring;
import static org.apache.spark.sql.functions.when;

import io.servicegap.config.Grain;
import io.servicegap.config.Settings;
import io.servicegap.keys.GroupingSets;
import io.servicegap.keys.RunKeys;
import io.servicegap.stats.Estimate;
import java.sql.Date;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;

/**
 * What to look at first (SPEC §4 "Findings"): key combinations whose headline figure, in the
 * latest complete period, is worse than the same figure for all customers with the two intervals
 * apart, or whose interval lies wholly on the wrong side of a configured target; and price changes
 * whose churn lift is above zero and above the untouched accounts'. Ranked by what is at stake:
 * the events affected times the size of the gap. Pure: gap_metrics and fee_impact rows in.
 */
public final class Findings {
  private Findings() {}

  /**
   * A headline figure: where it lives in gap_metrics, whether higher is better, and how a sentence
   * names it.
   *
   * @param what for a rate, what the share is of ("of orders on time and in full"); for a mean, what it measures
   * @param unit what n counts
   */
  record Headline(String gap, String metric, String subjectType, boolean higherIsBetter, boolean rate, String what, String unit) {}

  static final List<Headline> HEADLINES = List.of(
      new Headline("gap4", "otif_rate", "all", true, true, "of orders on time and in full", "orders"),
      new Headline("gap4", "promise_kept_rate", "all", true, true, "of orders kept every promise (time, quantity, price)", "orders"),
      new Headline("gap3", "compliance_rate", "standard", true, true, "of %s events within standard", "events"),
      new Headline("recovery", "resolution_rate", "all", true, true, "of complaints resolved", "complaints"),
      new Headline("gap5", "servqual_gap", "all", true, false, "perception minus expectation (servqual gap)", "answers"),
      new Headline("gap5", "gap_mean", "element", true, false, "perception minus expectation on %s", "answers"),
      new Headline("impact", "negative_impact", "all", false, true, "retention lost after failed experiences", "responses"),
      new Headline("impact", "broken_promise_penalty", "all", false, false, "perception after a broken promise, below a kept one's, by", "answers"),
      new Headline("impact", "broken_promise_churn_lift", "all", false, true, "retention after a broken promise, below a kept one's, by", "orders"));

  /** A headline that is one figure minus another, pooled from the two: rates or means. */
  record Difference(String minuend, String subtrahend, boolean rates) {}

  static final Map<String, Difference> DIFFERENCES = Map.of(
      "negative_impact", new Difference("retention_met", "retention_failed", true),
      "broken_promise_penalty", new Difference("perception_promise_kept", "perception_promise_broken", false),
      "broken_promise_churn_lift", new Difference("retention_promise_kept", "retention_promise_broken", true));

  /** Figures whose neutral value is 0: for all customers too, a finding when wholly beyond it. */
  private static final List<String> AGAINST_ZERO = List.of("broken_promise_penalty", "broken_promise_churn_lift");

  /**
   * @param metrics gap_metrics rows (every period the trend needs, at the findings grain)
   * @param feeImpact fee_impact rows of the run, or null
   */
  public static Dataset<Row> build(Dataset<Row> metrics, Dataset<Row> feeImpact, Settings settings, RunKeys run) {
    Settings.FindingRules rules = settings.findings();
    LocalDate latest = latestComplete(rules.grain(), run.asOf());
    LocalDate earliest = RunKeys.periodStart(rules.grain(), step(rules.grain(), latest, -(rules.periods() - 1)));
    double scale = settings.dimensions().values().stream().mapToDouble(d -> d.max() - d.min()).average().orElse(1.0);
    Dataset<Row> candidates = keyFindings(metrics, rules, latest, earliest, Estimate.z(settings.confidence()), scale);
    if (feeImpact != null) {
      candidates = candidates.unionByName(feeFindings(feeImpact, rules, latest));
    }
    return candidates
        .withColumn("rank", row_number().over(Window.orderBy(col("at_stake").desc(), col("finding_id"))).cast("int"))
        .filter(col("rank").leq(rules.max()))
        .withColumn("as_of", lit(Date.valueOf(run.asOf())))
        .withColumn("run_id", lit(run.runId()));
  }

  /** The start of the latest period that ended by as_of. */
  public static LocalDate latestComplete(Grain grain, LocalDate asOf) {
    LocalDate start = RunKeys.periodStart(grain, asOf);
    return step(grain, start, 1).minusDays(1).isAfter(asOf) ? step(grain, start, -1) : start;
  }

  private static LocalDate step(Grain grain, LocalDate start, int periods) {
    return switch (grain) {
      case DAY -> start.plusDays(periods);
      case WEEK -> start.plusWeeks(periods);
      case MONTH -> start.plusMonths(periods);
    };
  }

  /**
   * @param scale the answer scale's width: a mean's gap as a share of it weighs like a rate's
   */
  private static Dataset<Row> keyFindings(Dataset<Row> metrics, Settings.FindingRules rules, LocalDate latest, LocalDate earliest, double z, double scale) {
    // A difference of two figures (negative_impact, the broken-promise penalty) pools from them:
    // the periods of each part are pooled, then the parts subtracted.
    Column headline = lit(false);
    for (Headline h : HEADLINES) {
      if (!DIFFERENCES.containsKey(h.metric())) {
        headline = headline.or(col("gap").equalTo(h.gap()).and(col("metric").equalTo(h.metric())).and(col("subject_type").equalTo(h.subjectType())));
      }
    }
    Column ratePooled = lit(true);
    for (Headline h : HEADLINES) {
      ratePooled = when(col("gap").equalTo(h.gap()).and(col("metric").equalTo(h.metric())), lit(h.rate())).otherwise(ratePooled);
    }
    for (Difference d : DIFFERENCES.values()) {
      Column part = col("gap").equalTo("impact").and(col("metric").isin(d.minuend(), d.subtrahend())).and(col("subject_type").equalTo("all"));
      headline = headline.or(part);
      ratePooled = when(col("metric").isin(d.minuend(), d.subtrahend()), lit(d.rates())).otherwise(ratePooled);
    }
    Dataset<Row> figures = metrics
        .filter(col("grain").equalTo(rules.grain().label()).and(headline))
        .filter(col("period_start").between(lit(Date.valueOf(earliest)), lit(Date.valueOf(latest))));

    // Additive states of each period's figure, so the periods pool exactly: a rate's successes;
    // a mean's sum and sum of squares, its spread read back from its normal interval.
    Column spread = when(col("n").geq(2).and(col("ci_high").isNotNull()), col("ci_high").minus(col("ci_low")).divide(2 * z).multiply(sqrt(col("n").cast("double"))))
        .otherwise(lit(0.0));
    Column nd = col("n").cast("double");
    List<Column> keys = List.of(col("segment"), col("phase"), col("price_tier"), col("gap"), col("subject"));
    Dataset<Row> pooled = figures
        .withColumn("_rate", ratePooled)
        .groupBy(concat(keys, List.of(col("metric"), col("_rate"))).toArray(Column[]::new))
        .agg(
            sum(col("n")).as("n_all"),
            round(sum(col("value").multiply(nd)), 0).as("successes"),
            sum(col("value").multiply(nd)).as("value_sum"),
            sum(nd.minus(1).multiply(spread).multiply(spread).plus(nd.multiply(col("value")).multiply(col("value")))).as("value_sumsq"),
            max_by(Estimate.of(col("value"), col("n"), col("ci_low"), col("ci_high")), col("period_start")).as("latest"),
            max(col("period_start")).as("latest_seen"));
    Column rateEstimate = Estimate.rate(col("successes"), col("n_all"), z);
    Column meanEstimate = Estimate.mean(col("value_sum"), col("value_sumsq"), col("n_all"), z);
    Dataset<Row> states = pooled.withColumn("e", when(col("_rate"), rateEstimate).otherwise(meanEstimate));
    // Each figure is its own group; a difference's two parts share one, whose estimate is the
    // difference of theirs (and whose latest period is the subtrahend's). One aggregate, where a
    // join per difference would read the states once per part.
    Column figure = col("metric");
    Column isSubtrahend = lit(false);
    for (Map.Entry<String, Difference> d : DIFFERENCES.entrySet()) {
      figure = when(col("metric").isin(d.getValue().minuend(), d.getValue().subtrahend()), lit(d.getKey())).otherwise(figure);
      isSubtrahend = isSubtrahend.or(col("metric").equalTo(d.getValue().subtrahend()));
    }
    Column isDifference = col("metric").isin(DIFFERENCES.keySet().toArray());
    Column e = when(isDifference, Estimate.difference(col("e_a"), col("e_b"))).otherwise(col("e_a"));
    Dataset<Row> windowFigures = states
        .withColumn("_subtrahend", isSubtrahend)
        .groupBy(concat(keys, List.of(figure.as("metric"))).toArray(Column[]::new))
        .agg(
            first(when(not(col("_subtrahend")), col("e")), true).as("e_a"),
            first(when(col("_subtrahend"), col("e")), true).as("e_b"),
            count(when(not(col("_subtrahend")), 1)).as("_firsts"),
            count(when(col("_subtrahend"), 1)).as("_seconds"),
            first(when(not(col("_subtrahend")), col("latest")), true).as("a_latest"),
            first(when(col("_subtrahend"), col("latest")), true).as("b_latest"),
            coalesce(first(when(col("_subtrahend"), col("latest_seen")), true), first(col("latest_seen"), true)).as("latest_seen"))
        // A difference needs both of its parts.
        .filter(not(isDifference).or(col("_firsts").gt(0).and(col("_seconds").gt(0))))
        .withColumn("latest", when(isDifference, Estimate.difference(col("a_latest"), col("b_latest"))).otherwise(col("a_latest")))
        .withColumn("e", e)
        .select(concat(keys, List.of(col("metric"), col("e.value").as("value"), col("e.n").as("n"), col("e.ci_low").as("ci_low"), col("e.ci_high").as("ci_high"),
            col("latest.value").as("latest_value"), col("latest.ci_low").as("latest_ci_low"), col("latest.ci_high").as("latest_ci_high"), col("latest_seen")))
            .toArray(Column[]::new))
        .filter(col("n").gt(0).and(col("value").isNotNull()));
    Column higherOut = lit(true);
    Column rateOut = lit(true);
    Column whatOut = lit(null).cast("string");
    Column unitOut = lit(null).cast("string");
    for (Headline h : HEADLINES) {
      Column is = col("gap").equalTo(h.gap()).and(col("metric").equalTo(h.metric()));
      higherOut = when(is, lit(h.higherIsBetter())).otherwise(higherOut);
      rateOut = when(is, lit(h.rate())).otherwise(rateOut);
      whatOut = when(is, h.what().contains("%s") ? format_string(h.what(), col("subject")) : lit(h.what())).otherwise(whatOut);
      unitOut = when(is, lit(h.unit())).otherwise(unitOut);
    }
    windowFigures = windowFigures.withColumn("higher_is_better", higherOut).withColumn("is_rate", rateOut).withColumn("what", whatOut).withColumn("unit", unitOut);

    Column sign = when(col("higher_is_better"), lit(1.0)).otherwise(lit(-1.0));
    Column targetValue = lit(null).cast("double");
    for (Map.Entry<String, Double> t : rules.targets().entrySet()) {
      targetValue = when(col("metric").equalTo(t.getKey()), lit(t.getValue())).otherwise(targetValue);
    }
    // Worse with the intervals apart: the figure's best bound is worse than the parent's worst.
    Column apart = when(col("higher_is_better"), col("ci_high").lt(col("parent_ci_low"))).otherwise(col("ci_low").gt(col("parent_ci_high")));
    Column beyondTarget = when(col("higher_is_better"), col("ci_high").lt(col("target"))).otherwise(col("ci_low").gt(col("target")));
    Column enough = col("n").geq(rules.minSample()).and(col("parent_n").geq(rules.minSample()));
    // The trend: the latest period's figure against the whole window's, steady while the window's
    // figure lies within the latest period's own interval. The pooled interval would not do: it
    // narrows with every period pooled, so at large n a month's sampling noise would read as a
    // change. Steady too without a figure or an interval in the latest period.
    Column withinLatest = col("value").between(col("latest_ci_low"), col("latest_ci_high"));
    Column change = col("latest_value").minus(col("value")).multiply(sign);
    Column trend = when(col("latest_seen").notEqual(lit(Date.valueOf(latest))).or(col("latest_value").isNull()).or(coalesce(withinLatest, lit(true))), lit("steady"))
        .when(change.lt(0), lit("worsening")).otherwise(lit("improving"));

    Column allCustomers = col("segment").equalTo(GroupingSets.ALL).and(col("phase").equalTo(GroupingSets.ALL)).and(col("price_tier").equalTo(GroupingSets.ALL));
    // Each figure's parent, the same figure for all customers, read over its (gap, metric,
    // subject) rather than joined: one pass over the figures.
    org.apache.spark.sql.expressions.WindowSpec family = Window.partitionBy(col("gap"), col("metric"), col("subject"));
    Dataset<Row> withParents = windowFigures.select(col("*"),
        max(when(allCustomers, col("value"))).over(family).as("parent_value"),
        max(when(allCustomers, col("n"))).over(family).as("parent_n"),
        max(when(allCustomers, col("ci_low"))).over(family).as("parent_ci_low"),
        max(when(allCustomers, col("ci_high"))).over(family).as("parent_ci_high"));
    Column keyed = not(allCustomers).and(col("parent_n").isNotNull()).and(enough).and(coalesce(apart, lit(false)).or(coalesce(beyondTarget, lit(false))));
    // The broken-promise penalty of all customers is a finding in itself when its interval lies
    // wholly above zero: its parent is the neutral value.
    Column againstZero = allCustomers.and(col("metric").isin(AGAINST_ZERO.toArray())).and(col("ci_low").gt(0)).and(col("n").geq(rules.minSample()));
    Dataset<Row> found = withParents
        .withColumn("target", targetValue)
        .filter(keyed.or(againstZero))
        .withColumn("target", when(not(allCustomers).and(beyondTarget), col("target")))
        .withColumn("parent_value", when(allCustomers, lit(0.0)).otherwise(col("parent_value")))
        .withColumn("parent_n", when(not(allCustomers), col("parent_n")))
        .withColumn("parent_ci_low", when(not(allCustomers), col("parent_ci_low")))
        .withColumn("parent_ci_high", when(not(allCustomers), col("parent_ci_high")))
        .withColumn("trend", trend)
        .withColumn("at_stake", col("n").multiply(abs(col("value").minus(col("parent_value")))).divide(when(col("is_rate"), lit(1.0)).otherwise(lit(scale))));
    // A finding explained by a broader one is the broader one: (smb, post_sale) within the interval
    // of (ALL, post_sale), or (smb, delivery, budget) repeating (smb, ALL, budget) because every
    // order is of the delivery phase. Dropped when a finding of the same figure with a subset of
    // its keys has an overlapping interval.
    Column keyCount = when(col("segment").notEqual(GroupingSets.ALL), 1).otherwise(0)
        .plus(when(col("phase").notEqual(GroupingSets.ALL), 1).otherwise(0))
        .plus(when(col("price_tier").notEqual(GroupingSets.ALL), 1).otherwise(0));
    Dataset<Row> counted = found.withColumn("_keys", keyCount).cache();
    Dataset<Row> broader = counted.select(col("gap").as("b_gap"), col("metric").as("b_metric"), col("subject").as("b_subject"), col("segment").as("b_segment"),
        col("phase").as("b_phase"), col("price_tier").as("b_price_tier"), col("_keys").as("b_keys"), col("ci_low").as("b_low"), col("ci_high").as("b_high"));
    Column within = col("b_gap").equalTo(col("gap")).and(col("b_metric").equalTo(col("metric"))).and(col("b_subject").equalTo(col("subject")))
        .and(col("b_keys").lt(col("_keys")))
        .and(col("b_segment").equalTo(GroupingSets.ALL).or(col("b_segment").equalTo(col("segment"))))
        .and(col("b_phase").equalTo(GroupingSets.ALL).or(col("b_phase").equalTo(col("phase"))))
        .and(col("b_price_tier").equalTo(GroupingSets.ALL).or(col("b_price_tier").equalTo(col("price_tier"))))
        .and(col("b_low").leq(col("ci_high"))).and(col("ci_low").leq(col("b_high")));
    Dataset<Row> once = counted.join(broader, within, "left_anti");
    return once.select(
        id(lit(rules.grain().label()), col("segment"), col("phase"), col("price_tier"), col("gap"), col("metric"), col("subject")).as("finding_id"),
        lit(rules.grain().label()).as("grain"), lit(Date.valueOf(latest)).as("period_start"), col("segment"), col("phase"), col("price_tier"), col("gap"), col("metric"),
        col("subject"), col("value"), col("n"), col("ci_low"), col("ci_high"), col("parent_value"), col("parent_n"), col("parent_ci_low"),
        col("parent_ci_high"), col("target"), col("trend"), col("at_stake"), sentence(rules.grain(), earliest, latest).as("sentence"));
  }

  private static <T> List<T> concat(List<T> a, List<T> b) {
    List<T> all = new java.util.ArrayList<>(a);
    all.addAll(b);
    return all;
  }

  /** Same keys and metric, same id, run after run. */
  private static Column id(Column... parts) {
    return substring(sha2(concat_ws("|", parts), 256), 1, 16);
  }

  /** "smb · budget: 61 % of orders on time and in full in 2026-09 (57–65 %, 412 orders), against 88 % for all customers". */
  private static Column sentence(Grain grain, LocalDate earliest, LocalDate latest) {
    Column named = concat_ws(" · ",
        when(col("segment").notEqual(GroupingSets.ALL), col("segment")),
        when(col("phase").notEqual(GroupingSets.ALL), col("phase")),
        when(col("price_tier").notEqual(GroupingSets.ALL), col("price_tier")));
    Column keys = when(named.equalTo(""), lit("all customers")).otherwise(named);
    String first = grain == Grain.MONTH ? earliest.toString().substring(0, 7) : earliest.toString();
    String last = grain == Grain.MONTH ? latest.toString().substring(0, 7) : latest.toString();
    Column period = lit(first.equals(last) ? "in " + last : "from " + first + " to " + last);
    Column pct = format_number(col("value").multiply(100), 0);
    Column rateText = format_string("%s: %s %% %s %s (%s–%s %%, %s %s), against %s %% for all customers",
        keys, pct, col("what"), period, format_number(col("ci_low").multiply(100), 0), format_number(col("ci_high").multiply(100), 0),
        format_number(col("n"), 0), col("unit"), format_number(col("parent_value").multiply(100), 0));
    Column meanText = format_string("%s: %s %s points %s (%s to %s, %s %s), against %s for all customers",
        keys, col("what"), format_number(col("value"), 2), period, format_number(col("ci_low"), 2), format_number(col("ci_high"), 2),
        format_number(col("n"), 0), col("unit"), format_number(col("parent_value"), 2));
    Column impactText = format_string("%s: %s points of retention lost after failed experiences %s (%s to %s, %s %s), against %s for all customers",
        keys, format_number(col("value").multiply(100), 0), period, format_number(col("ci_low").multiply(100), 0),
        format_number(col("ci_high").multiply(100), 0), format_number(col("n"), 0), col("unit"), format_number(col("parent_value").multiply(100), 0));
    Column against = when(col("parent_n").isNotNull(), format_string(", against %s for all customers",
        when(col("is_rate"), format_string("%s points", format_number(col("parent_value").multiply(100), 0))).otherwise(format_number(col("parent_value"), 2))))
        .otherwise(lit(""));
    Column penaltyText = format_string("%s: perception %s points lower after a broken promise than after a kept one %s (%s to %s, %s answers)%s",
        keys, format_number(col("value"), 2), period, format_number(col("ci_low"), 2), format_number(col("ci_high"), 2), format_number(col("n"), 0), against);
    Column churnText = format_string("%s: retention %s points lower after a broken promise than after a kept one %s (%s to %s, %s orders)%s",
        keys, format_number(col("value").multiply(100), 0), period, format_number(col("ci_low").multiply(100), 0),
        format_number(col("ci_high").multiply(100), 0), format_number(col("n"), 0), against);
    Column text = when(col("metric").equalTo("negative_impact"), impactText)
        .when(col("metric").equalTo("broken_promise_penalty"), penaltyText)
        .when(col("metric").equalTo("broken_promise_churn_lift"), churnText)
        .when(col("is_rate"), rateText).otherwise(meanText);
    Column target = when(col("target").isNotNull(), when(col("is_rate"), format_string(", target %s %%", format_number(col("target").multiply(100), 0)))
        .otherwise(format_string(", target %s", format_number(col("target"), 2)))).otherwise(lit(""));
    return org.apache.spark.sql.functions.concat(text, target);
  }

  /**
   * Price changes whose churn lift is above zero and above the untouched accounts', both beyond
   * their intervals, with enough accounts: at stake, the accounts lost beyond the baseline.
   */
  private static Dataset<Row> feeFindings(Dataset<Row> fee, Settings.FindingRules rules, LocalDate latest) {
    Column control = coalesce(col("control_churn_lift_ci_high"), lit(0.0));
    Column higherThanControl = col("churn_lift_ci_low").gt(org.apache.spark.sql.functions.greatest(lit(0.0), control));
    Column n = org.apache.spark.sql.functions.least(col("accounts_before"), col("accounts_after"));
    Column sentence = format_string(
        "price change %s (%s%s, from %s): churn among the accounts it touched rose from %s %% to %s %% (+%s points, %s to %s), against %s points for the accounts it did not touch",
        col("change_id"), col("price_tier").as("t"), when(col("segment").notEqual("*"), format_string(" · %s", col("segment"))).otherwise(lit("")),
        col("effective_date").cast("string"), format_number(col("churn_rate_before").multiply(100), 0), format_number(col("churn_rate_after").multiply(100), 0),
        format_number(col("churn_lift").multiply(100), 0), format_number(col("churn_lift_ci_low").multiply(100), 0),
        format_number(col("churn_lift_ci_high").multiply(100), 0), format_number(coalesce(col("control_churn_lift"), lit(0.0)).multiply(100), 0));
    return fee
        .filter(col("evaluable").and(n.geq(rules.minSample())).and(higherThanControl))
        .select(
            id(lit("fee"), col("change_id")).as("finding_id"),
            lit(rules.grain().label()).as("grain"),
            lit(Date.valueOf(latest)).as("period_start"),
            when(col("segment").equalTo("*"), lit(GroupingSets.ALL)).otherwise(col("segment")).as("segment"),
            lit(GroupingSets.ALL).as("phase"),
            when(col("price_tier").equalTo("*"), lit(GroupingSets.ALL)).otherwise(col("price_tier")).as("price_tier"),
            lit("impact").as("gap"), lit("churn_lift").as("metric"), col("change_id").as("subject"),
            col("churn_lift").as("value"), col("accounts_after").as("n"), col("churn_lift_ci_low").as("ci_low"), col("churn_lift_ci_high").as("ci_high"),
            col("control_churn_lift").as("parent_value"), col("control_accounts_after").as("parent_n"),
            col("control_churn_lift_ci_low").as("parent_ci_low"), col("control_churn_lift_ci_high").as("parent_ci_high"),
            lit(null).cast("double").as("target"), lit("steady").as("trend"),
            col("accounts_after").multiply(col("churn_lift").minus(coalesce(col("control_churn_lift"), lit(0.0)))).as("at_stake"),
            sentence.as("sentence"));
  }
}
