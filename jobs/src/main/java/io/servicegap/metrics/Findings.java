package io.servicegap.metrics;

import static org.apache.spark.sql.functions.abs;
import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.format_number;
import static org.apache.spark.sql.functions.format_string;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.max_by;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.sha2;
import static org.apache.spark.sql.functions.sqrt;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.substring;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.servicegap.config.Grain;
import io.servicegap.config.Settings;
import io.servicegap.keys.AddedColumns;
import io.servicegap.keys.GroupingSets;
import io.servicegap.keys.RunKeys;
import io.servicegap.stats.Estimate;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;

/**
 * What to look at first (SPEC §4 "Findings"). Over the findings window (the last complete periods
 * of the findings grain), every key combination's headline figure is tested against the rest of
 * all customers (the customers outside the group), against its target where one is configured,
 * and, for figures whose neutral value is 0, against 0 for all customers; price changes are
 * tested against the accounts they did not touch. Every test's variance counts accounts, not
 * events ({@link AccountClusters}). The tests that pass Benjamini–Hochberg at
 * servicegap.findings.fdr are findings, ranked by the accounts the gap costs. Pure: gap_metrics,
 * fee_impact and the window's account sums in.
 */
public final class Findings {
  private Findings() {}

  /** The headline figures every family declares for the findings to test. */
  private static final List<Headline> HEADLINES = Families.headlines().stream().filter(Headline::tested).toList();

  private static final List<String> KEYS = List.of("segment", "phase", "price_tier", "gap", "metric", "subject_type", "subject");

  /** The metrics the findings test: the headlines, a difference as its two parts. */
  public static Set<String> testedMetrics() {
    Set<String> metrics = new LinkedHashSet<>();
    for (Headline h : HEADLINES) {
      if (h.isDifference()) {
        metrics.add(h.minuend());
        metrics.add(h.subtrahend());
      } else {
        metrics.add(h.metric());
      }
    }
    return metrics;
  }

  /** The days the findings pool: from the first of the window's periods to the end of the latest complete one. */
  public static AccountClusters.Window window(Settings settings, LocalDate asOf) {
    Settings.FindingRules rules = settings.findings();
    LocalDate latest = latestComplete(rules.grain(), asOf);
    LocalDate earliest = step(rules.grain(), latest, -(rules.periods() - 1));
    return new AccountClusters.Window(earliest, step(rules.grain(), latest, 1).minusDays(1));
  }

  /**
   * @param metrics gap_metrics rows (every period the window needs, at the findings grain)
   * @param feeImpact fee_impact rows of the run, or null
   * @param clusters the account sums over the findings window
   */
  public static Dataset<Row> build(Dataset<Row> metrics, Dataset<Row> feeImpact, AccountClusters.Clusters clusters, Settings settings, RunKeys run) {
    return chosen(tested(metrics, feeImpact, clusters, settings, run), settings, run);
  }

  /** The start of the latest period that ended by as_of. */
  public static LocalDate latestComplete(Grain grain, LocalDate asOf) {
    LocalDate start = RunKeys.periodStart(grain, asOf);
    return step(grain, start, 1).minusDays(1).isAfter(asOf) ? step(grain, start, -1) : start;
  }

  /** The start of the period {@code periods} away from the one starting at {@code start}. */
  public static LocalDate step(Grain grain, LocalDate start, int periods) {
    return switch (grain) {
      case DAY -> start.plusDays(periods);
      case WEEK -> start.plusWeeks(periods);
      case MONTH -> start.plusMonths(periods);
    };
  }

  /**
   * Every candidate comparison of the run, one row per test: its figure and n, the accounts
   * behind it, what it is compared with, a one-sided p_value (the chance of a figure this much
   * worse if the group were no different) and the Benjamini–Hochberg q_value over all of them.
   */
  public static Dataset<Row> tested(Dataset<Row> metrics, Dataset<Row> feeImpact, AccountClusters.Clusters clusters, Settings settings, RunKeys run) {
    Settings.FindingRules rules = settings.findings();
    double z = Estimate.z(settings.confidence());
    Dataset<Row> candidates = keyTests(metrics, clusters, settings, run, z);
    if (feeImpact != null) {
      candidates = candidates.unionByName(feeTests(feeImpact, rules, z));
    }
    return benjaminiHochberg(candidates);
  }

  /**
   * Each test's Benjamini–Hochberg q-value over all of them (m tests, ranked by p):
   * q_i = min over j ≥ i of p_j · m / j, at most 1. A test passes at rate α when q ≤ α.
   */
  static Dataset<Row> benjaminiHochberg(Dataset<Row> candidates) {
    WindowSpec all = Window.partitionBy(lit(1));
    Column rank = row_number().over(all.orderBy(col("p_value"), col("finding_id"), col("test")));
    // A running minimum from the largest p down.
    return candidates
        .withColumns(AddedColumns.of("_m", count(lit(1)).over(all), "_rank", rank))
        .withColumn("_raw", least(lit(1.0), col("p_value").multiply(col("_m")).divide(col("_rank"))))
        .withColumn("q_value", min(col("_raw")).over(all.orderBy(col("_rank").desc()).rowsBetween(Window.unboundedPreceding(), Window.currentRow())))
        .drop("_m", "_rank", "_raw");
  }

  private static Dataset<Row> keyTests(Dataset<Row> metrics, AccountClusters.Clusters clusters, Settings settings, RunKeys run, double z) {
    Settings.FindingRules rules = settings.findings();
    LocalDate latest = latestComplete(rules.grain(), run.asOf());
    LocalDate earliest = step(rules.grain(), latest, -(rules.periods() - 1));
    double scale = settings.dimensions().values().stream().mapToDouble(d -> d.max() - d.min()).average().orElse(1.0);
    Column headline = lit(false);
    for (Headline h : HEADLINES) {
      Column metric = h.isDifference() ? col("metric").isin(h.minuend(), h.subtrahend()) : col("metric").equalTo(h.metric());
      headline = headline.or(col("gap").equalTo(h.gap()).and(metric).and(col("subject_type").equalTo(h.subjectType())));
    }
    Column nd = col("n").cast("double");
    Column se = col("ci_high").minus(col("ci_low")).divide(2 * z);
    Column earlier = col("period_start").lt(lit(Date.valueOf(latest)));
    Dataset<Row> pooled = metrics
        .filter(col("grain").equalTo(rules.grain().label()).and(headline))
        .filter(col("period_start").between(lit(Date.valueOf(earliest)), lit(Date.valueOf(latest))))
        .groupBy(KEYS.stream().map(k -> col(k)).toArray(Column[]::new))
        .agg(
            sum(col("n")).as("n"),
            sum(col("value").multiply(nd)).divide(sum(nd)).as("value"),
            max_by(struct(col("value").as("value"), se.as("se")), col("period_start")).as("_latest"),
            max(col("period_start")).as("_latest_seen"),
            sum(when(earlier, col("value").multiply(nd))).divide(sum(when(earlier, nd))).as("earlier_value"),
            sum(when(earlier, nd.multiply(nd).multiply(se).multiply(se))).divide(sum(when(earlier, nd)).multiply(sum(when(earlier, nd)))).as("earlier_var"))
        .withColumns(AddedColumns.of(
            "latest_value", when(col("_latest_seen").equalTo(lit(Date.valueOf(latest))), col("_latest.value")),
            "latest_se", when(col("_latest_seen").equalTo(lit(Date.valueOf(latest))), col("_latest.se"))))
        .drop("_latest", "_latest_seen");
    Dataset<Row> sums = clusters.window().select(
        col("segment"), col("phase"), col("price_tier"), col("gap"), col("metric"), col("subject_type"), col("subject"),
        col("y"), col("n").as("cn"), col("yy"), col("yn"), col("nn"), col("accounts"), col("event_yy"), col("event_yn"), col("event_nn"), col("events"));
    Dataset<Row> joined = pooled.join(sums, io.servicegap.keys.JoinKeys.of(KEYS.toArray(String[]::new)), "left");

    // The rest of all customers: all customers' sums less the group's.
    Column allCustomers = col("segment").equalTo(GroupingSets.ALL).and(col("phase").equalTo(GroupingSets.ALL)).and(col("price_tier").equalTo(GroupingSets.ALL));
    WindowSpec figure = Window.partitionBy(col("gap"), col("metric"), col("subject_type"), col("subject"));
    List<String> additive = List.of("n", "y", "cn", "yy", "yn", "nn", "accounts", "event_yy", "event_yn", "event_nn", "events");
    // Every added column in one step: each withColumn would analyse the whole plan again.
    Map<String, Column> rest = new LinkedHashMap<>();
    rest.put("_parent_value", max(when(allCustomers, col("value"))).over(figure));
    for (String a : additive) {
      rest.put("rest_" + a, max(when(allCustomers, col(a))).over(figure).minus(col(a)));
    }
    Dataset<Row> withRest = joined.withColumns(rest);
    double share = clusters.share();
    Column target = lit(null).cast("double");
    for (Map.Entry<String, Double> t : rules.targets().entrySet()) {
      target = when(col("metric").equalTo(t.getKey()), lit(t.getValue())).otherwise(target);
    }
    // The figure's own spread draws its interval. A test reads the spread around the value it
    // supposes (all customers' figure, or the target), and never less than all customers' spread
    // per event would give a group of its size: a group with no failures at all is not certain.
    Column own = col("y").divide(col("cn"));
    Column restOwn = col("rest_y").divide(col("rest_cn"));
    Column supposed = col("_parent_y").divide(col("_parent_cn"));
    // Two steps: the second reads the first's columns; the accounts are scaled after every variance has read them.
    Dataset<Row> parts = withRest
        .withColumns(AddedColumns.of(
            "_parent_y", col("rest_y").plus(col("y")),
            "_parent_cn", col("rest_cn").plus(col("cn")),
            "var", variance(own, groupSums(""), share),
            "_unit", max(when(allCustomers, variance(own, groupSums(""), share).multiply(col("cn")))).over(figure),
            "rest_value", col("_parent_value").multiply(col("rest_n").plus(col("n"))).minus(col("value").multiply(col("n"))).divide(col("rest_n")),
            "rest_var", variance(restOwn, groupSums("rest_"), share)))
        .withColumns(AddedColumns.of(
            "test_var", greatest(variance(supposed, groupSums(""), share), col("_unit").divide(col("cn"))),
            "target_var", greatest(variance(coalesce(target, own), groupSums(""), share), col("var")),
            "rest_test_var", greatest(variance(supposed, groupSums("rest_"), share), col("_unit").divide(col("rest_cn"))),
            "accounts", col("accounts").divide(share),
            "rest_accounts", col("rest_accounts").divide(share)));

    // A difference's figure and variances from its two parts (their covariance, from accounts in
    // both, is left out: it only narrows the difference's spread).
    Column figureName = col("metric");
    Column isSubtrahend = lit(false);
    List<String> differences = new ArrayList<>();
    List<String> neutralZero = new ArrayList<>();
    for (Headline h : HEADLINES) {
      if (h.isDifference()) {
        figureName = when(col("gap").equalTo(h.gap()).and(col("metric").isin(h.minuend(), h.subtrahend())), lit(h.metric())).otherwise(figureName);
        isSubtrahend = isSubtrahend.or(col("gap").equalTo(h.gap()).and(col("metric").equalTo(h.subtrahend())));
        differences.add(h.metric());
      }
      if (h.againstZero()) {
        neutralZero.add(h.metric());
      }
    }
    List<String> fields = List.of("value", "n", "var", "test_var", "target_var", "accounts", "rest_value", "rest_n", "rest_var", "rest_test_var",
        "latest_value", "latest_se", "earlier_value", "earlier_var");
    Column part = struct(fields.stream().map(f -> col(f)).toArray(Column[]::new));
    List<Column> figureKeys = new ArrayList<>(List.of(col("segment"), col("phase"), col("price_tier"), col("gap"), figureName.as("metric"), col("subject_type"), col("subject")));
    Dataset<Row> paired = parts.withColumns(AddedColumns.of("_part", part, "_subtrahend", isSubtrahend))
        .groupBy(figureKeys.toArray(Column[]::new))
        .agg(first(when(not(col("_subtrahend")), col("_part")), true).as("a"), first(when(col("_subtrahend"), col("_part")), true).as("b"));
    Column isDifference = col("metric").isin(differences.toArray());
    Dataset<Row> figures = paired
        .filter(col("a").isNotNull().and(not(isDifference).or(col("b").isNotNull())))
        .select(col("segment"), col("phase"), col("price_tier"), col("gap"), col("metric"), col("subject_type"), col("subject"),
            combined(isDifference, "value", true).as("value"),
            when(isDifference, least(col("a.n"), col("b.n"))).otherwise(col("a.n")).as("n"),
            combined(isDifference, "var", false).as("var"),
            combined(isDifference, "test_var", false).as("test_var"),
            col("a.target_var").as("target_var"),
            when(isDifference, greatest(col("a.accounts"), col("b.accounts"))).otherwise(col("a.accounts")).as("accounts"),
            combined(isDifference, "rest_value", true).as("rest_value"),
            when(isDifference, least(col("a.rest_n"), col("b.rest_n"))).otherwise(col("a.rest_n")).as("rest_n"),
            combined(isDifference, "rest_var", false).as("rest_var"),
            combined(isDifference, "rest_test_var", false).as("rest_test_var"),
            combined(isDifference, "latest_value", true).as("latest_value"),
            when(isDifference, sqrt(col("a.latest_se").multiply(col("a.latest_se")).plus(col("b.latest_se").multiply(col("b.latest_se")))))
                .otherwise(col("a.latest_se")).as("latest_se"),
            combined(isDifference, "earlier_value", true).as("earlier_value"),
            combined(isDifference, "earlier_var", false).as("earlier_var"));

    Column higher = lit(true);
    Column rate = lit(true);
    Column what = lit(null).cast("string");
    Column unit = lit(null).cast("string");
    for (Headline h : HEADLINES) {
      Column is = col("gap").equalTo(h.gap()).and(col("metric").equalTo(h.metric()));
      higher = when(is, lit(h.higherIsBetter())).otherwise(higher);
      rate = when(is, lit(h.rate())).otherwise(rate);
      what = when(is, h.what().contains("%s") ? format_string(h.what(), col("subject")) : lit(h.what())).otherwise(what);
      unit = when(is, lit(h.unit())).otherwise(unit);
    }
    Column simpleRate = col("is_rate").and(not(isDifference));
    Dataset<Row> described = figures
        .withColumns(AddedColumns.of("higher_is_better", higher, "is_rate", rate, "what", what, "unit", unit, "_target", target))
        .withColumns(AddedColumns.of(
            "_e", interval(col("value"), col("n"), col("var"), simpleRate, z),
            "_r", interval(col("rest_value"), col("rest_n"), col("rest_var"), simpleRate, z)));
    Column sign = when(col("higher_is_better"), lit(1.0)).otherwise(lit(-1.0));
    Column enough = col("n").geq(rules.minSample());
    Column divisor = when(col("is_rate"), lit(1.0)).otherwise(lit(scale));

    // A figure's tests (against the rest, its target, zero) as one explode: one plan, not three unioned.
    Column againstRest = when(not(allCustomers).and(enough).and(col("rest_n").geq(rules.minSample())).and(col("test_var").plus(col("rest_test_var")).gt(0)),
        test("rest", Estimate.normalCdf(sign.multiply(col("value").minus(col("rest_value"))).divide(sqrt(col("test_var").plus(col("rest_test_var"))))),
            col("rest_value"), lit(null).cast("double")));
    Column againstTarget = when(col("_target").isNotNull().and(enough).and(col("target_var").gt(0)),
        test("target", Estimate.normalCdf(sign.multiply(col("value").minus(col("_target"))).divide(sqrt(col("target_var")))), col("_target"), col("_target")));
    Column againstZero = when(allCustomers.and(col("metric").isin(neutralZero.toArray())).and(enough).and(col("var").gt(0)),
        test("zero", Estimate.normalCdf(sign.multiply(col("value")).divide(sqrt(col("var")))), lit(0.0), lit(null).cast("double")));
    Dataset<Row> tests = described.withColumn("_test", explode(array(againstRest, againstTarget, againstZero)))
        .filter(col("_test").isNotNull())
        .withColumns(AddedColumns.of("test", col("_test.test"), "p_value", col("_test.p_value"), "_reference", col("_test._reference"), "target", col("_test.target")));
    Column againstOthers = col("test").notEqual("zero").and(not(allCustomers));
    return tests.select(
        id(lit(rules.grain().label()), col("segment"), col("phase"), col("price_tier"), col("gap"), col("metric"), col("subject")).as("finding_id"),
        col("test"), col("segment"), col("phase"), col("price_tier"), col("gap"), col("metric"), col("subject"),
        col("value"), col("n"), col("_e.ci_low").as("ci_low"), col("_e.ci_high").as("ci_high"),
        org.apache.spark.sql.functions.round(col("accounts")).cast("long").as("n_accounts"),
        when(againstOthers, col("rest_value")).when(col("test").equalTo("zero"), lit(0.0)).as("parent_value"),
        when(againstOthers, col("rest_n")).cast("long").as("parent_n"),
        when(againstOthers, col("_r.ci_low")).as("parent_ci_low"),
        when(againstOthers, col("_r.ci_high")).as("parent_ci_high"),
        col("target"), col("p_value"),
        col("accounts").multiply(abs(col("value").minus(col("_reference")))).divide(divisor).as("at_stake"),
        col("higher_is_better"), col("is_rate"), col("what"), col("unit"),
        col("latest_value"), col("latest_se"), col("earlier_value"), col("earlier_var"),
        lit(null).cast("string").as("fee_sentence"));
  }

  /** One test of a figure: what it is compared with, its p-value, the value compared with and the target. */
  private static Column test(String name, Column pValue, Column reference, Column target) {
    return struct(lit(name).as("test"), pValue.as("p_value"), reference.cast("double").as("_reference"), target.cast("double").as("target"));
  }

  /** A difference's field is the minuend's less the subtrahend's (a variance: their sum); another figure's is its own. */
  private static Column combined(Column isDifference, String field, boolean subtract) {
    Column a = col("a." + field);
    Column b = col("b." + field);
    return when(isDifference, subtract ? a.minus(b) : a.plus(b)).otherwise(a);
  }

  /** The window's sums of a group ({@code prefix} "") or of its rest ("rest_"), in the order {@link #variance} takes them. */
  private static Column[] groupSums(String prefix) {
    return java.util.stream.Stream.of("y", "cn", "yy", "yn", "nn", "accounts", "event_yy", "event_yn", "event_nn", "events")
        .map(c -> col(prefix + c)).toArray(Column[]::new);
  }

  /**
   * The variance of a ratio estimate Σy / Σn, from the spread of its parts around {@code r}: the
   * larger of the one between accounts (linearised, G / (G − 1)) and the one between events, each
   * over (Σn)². {@code sums}: y, n, Σ y_a², Σ y_a n_a, Σ n_a², G, then the events' three sums of
   * squares and E. {@code share}: the share of accounts the sums were read from, which scales the
   * variance back to all of them.
   */
  static Column variance(Column r, Column[] sums, double share) {
    Column n = sums[1];
    Column g = sums[5].cast("double");
    Column e = sums[9].cast("double");
    Column between = when(g.geq(2), AccountClusters.residualSquares(sums[2], sums[3], sums[4], r).multiply(g).divide(g.minus(1)));
    Column within = when(e.geq(2), AccountClusters.residualSquares(sums[6], sums[7], sums[8], r).multiply(e).divide(e.minus(1)));
    return greatest(coalesce(between, lit(0.0)), coalesce(within, lit(0.0))).multiply(share).divide(n.multiply(n));
  }

  /**
   * A figure's interval from its variance: a rate's Wilson interval at the effective sample
   * p(1 − p) / variance (never more than n); otherwise value ± z·√variance.
   */
  private static Column interval(Column value, Column n, Column variance, Column isRate, double z) {
    Column effective = when(variance.gt(0), least(n.cast("double"), value.multiply(lit(1.0).minus(value)).divide(variance))).otherwise(n.cast("double"));
    Column wilson = Estimate.rate(value.multiply(effective), effective, z);
    Column half = sqrt(variance).multiply(z);
    return when(isRate, struct(wilson.getField("ci_low").as("ci_low"), wilson.getField("ci_high").as("ci_high")))
        .otherwise(struct(value.minus(half).as("ci_low"), value.plus(half).as("ci_high")));
  }

  /**
   * The findings: tests that pass Benjamini–Hochberg at the configured rate, one per key
   * combination and figure (its strongest test), less those a broader finding of the same figure
   * explains, with their trend, ranked by what is at stake.
   */
  public static Dataset<Row> chosen(Dataset<Row> tested, Settings settings, RunKeys run) {
    Settings.FindingRules rules = settings.findings();
    LocalDate latest = latestComplete(rules.grain(), run.asOf());
    LocalDate earliest = step(rules.grain(), latest, -(rules.periods() - 1));
    Dataset<Row> passed = tested.filter(col("q_value").leq(rules.fdr()))
        .withColumn("_strongest", row_number().over(Window.partitionBy(col("finding_id")).orderBy(col("p_value"), col("test"))))
        .filter(col("_strongest").equalTo(1))
        .drop("_strongest");
    // A finding explained by a broader one is the broader one: (smb, post_sale) within the interval
    // of (ALL, post_sale), or (smb, delivery, budget) repeating (smb, ALL, budget) because every
    // order is of the delivery phase. Dropped when a finding of the same figure with a subset of
    // its keys has an overlapping interval.
    Column keyCount = when(col("segment").notEqual(GroupingSets.ALL), 1).otherwise(0)
        .plus(when(col("phase").notEqual(GroupingSets.ALL), 1).otherwise(0))
        .plus(when(col("price_tier").notEqual(GroupingSets.ALL), 1).otherwise(0));
    Dataset<Row> counted = passed.withColumn("_keys", keyCount).cache();
    Dataset<Row> broader = counted.select(col("gap").as("b_gap"), col("metric").as("b_metric"), col("subject").as("b_subject"), col("segment").as("b_segment"),
        col("phase").as("b_phase"), col("price_tier").as("b_price_tier"), col("_keys").as("b_keys"), col("ci_low").as("b_low"), col("ci_high").as("b_high"));
    Column within = col("b_gap").equalTo(col("gap")).and(col("b_metric").equalTo(col("metric"))).and(col("b_subject").equalTo(col("subject")))
        .and(col("b_keys").lt(col("_keys")))
        .and(col("b_segment").equalTo(GroupingSets.ALL).or(col("b_segment").equalTo(col("segment"))))
        .and(col("b_phase").equalTo(GroupingSets.ALL).or(col("b_phase").equalTo(col("phase"))))
        .and(col("b_price_tier").equalTo(GroupingSets.ALL).or(col("b_price_tier").equalTo(col("price_tier"))))
        .and(col("b_low").leq(col("ci_high"))).and(col("ci_low").leq(col("b_high")));
    Dataset<Row> once = counted.join(broader, within, "left_anti");

    // The trend: the latest period against the window's earlier ones, a two-sided test whose
    // p-values pass Benjamini–Hochberg among the findings' trends at the same rate.
    Column trendZ = col("latest_value").minus(col("earlier_value")).divide(sqrt(col("latest_se").multiply(col("latest_se")).plus(col("earlier_var"))));
    WindowSpec all = Window.partitionBy(lit(1));
    Dataset<Row> trended = once
        .withColumn("_trend_p", when(trendZ.isNotNull().and(not(trendZ.isNaN())), Estimate.normalCdf(abs(trendZ).multiply(-1)).multiply(2)))
        .withColumns(AddedColumns.of(
            "_trend_m", count(col("_trend_p")).over(all),
            "_trend_rank", when(col("_trend_p").isNotNull(), row_number().over(all.orderBy(col("_trend_p").asc_nulls_last(), col("finding_id"))))))
        .withColumn("_trend_raw", least(lit(1.0), col("_trend_p").multiply(col("_trend_m")).divide(col("_trend_rank"))))
        .withColumn("_trend_q", min(col("_trend_raw")).over(all.orderBy(col("_trend_p").desc_nulls_first(), col("finding_id").desc())
            .rowsBetween(Window.unboundedPreceding(), Window.currentRow())));
    Column sign = when(col("higher_is_better"), lit(1.0)).otherwise(lit(-1.0));
    Column trend = when(coalesce(col("_trend_q").leq(rules.fdr()), lit(false)),
            when(col("latest_value").minus(col("earlier_value")).multiply(sign).lt(0), lit("worsening")).otherwise(lit("improving")))
        .otherwise(lit("steady"));
    return trended
        .withColumn("trend", trend)
        .withColumn("rank", row_number().over(all.orderBy(col("at_stake").desc(), col("finding_id"))).cast("int"))
        .filter(col("rank").leq(rules.max()))
        .select(
            col("finding_id"), col("rank"), lit(rules.grain().label()).as("grain"), lit(Date.valueOf(latest)).as("period_start"),
            col("segment"), col("phase"), col("price_tier"), col("gap"), col("metric"), col("subject"), col("value"), col("n"), col("ci_low"), col("ci_high"),
            col("n_accounts"), col("parent_value"), col("parent_n"), col("parent_ci_low"), col("parent_ci_high"), col("target"), col("p_value"), col("q_value"),
            col("trend"), col("at_stake"), coalesce(col("fee_sentence"), sentence(rules.grain(), earliest, latest)).as("sentence"),
            lit(Date.valueOf(run.asOf())).as("as_of"), lit(run.runId()).as("run_id"));
  }

  /**
   * Why a run has no findings, in a line for its summary and report: no complete period in the
   * window, too few events or accounts for any test, or nothing beyond chance.
   */
  public static String whyNone(Dataset<Row> metrics, Dataset<Row> tested, Settings settings, RunKeys run) {
    Settings.FindingRules rules = settings.findings();
    LocalDate latest = latestComplete(rules.grain(), run.asOf());
    LocalDate earliest = step(rules.grain(), latest, -(rules.periods() - 1));
    boolean anyFigure = !metrics.filter(col("grain").equalTo(rules.grain().label())
        .and(col("period_start").between(lit(Date.valueOf(earliest)), lit(Date.valueOf(latest))))).isEmpty();
    if (!anyFigure) {
      return String.format("no findings: the %s periods from %s to %s, the complete ones before as_of %s, hold no figures",
          rules.grain().label(), earliest, latest, run.asOf());
    }
    long tests = tested.count();
    if (tests == 0) {
      return String.format("no findings: too few events or accounts, no figure has %d events on both sides of a comparison", rules.minSample());
    }
    return String.format("no findings: nothing beyond chance, none of the %,d comparisons passes Benjamini–Hochberg at a false discovery rate of %s",
        tests, rules.fdr());
  }

  /** Same keys and metric, same id, run after run. */
  private static Column id(Column... parts) {
    return substring(sha2(concat_ws("|", parts), 256), 1, 16);
  }

  /**
   * "smb · budget: 61 % of orders on time and in full in 2026-09 (57–65 %, 412 orders from 96
   * accounts), against 88 % for the other customers".
   */
  private static Column sentence(Grain grain, LocalDate earliest, LocalDate latest) {
    Column named = concat_ws(" · ",
        when(col("segment").notEqual(GroupingSets.ALL), col("segment")),
        when(col("phase").notEqual(GroupingSets.ALL), col("phase")),
        when(col("price_tier").notEqual(GroupingSets.ALL), col("price_tier")));
    Column keys = when(named.equalTo(""), lit("all customers")).otherwise(named);
    String first = grain == Grain.MONTH ? earliest.toString().substring(0, 7) : earliest.toString();
    String last = grain == Grain.MONTH ? latest.toString().substring(0, 7) : latest.toString();
    Column period = lit(first.equals(last) ? "in " + last : "from " + first + " to " + last);
    Column sample = format_string("%s %s from %s accounts", format_number(col("n"), 0), col("unit"), format_number(col("n_accounts"), 0));
    Column points = col("metric").isin("negative_impact", "broken_promise_churn_lift");
    Column rateText = format_string("%s: %s %% %s %s (%s–%s %%, %s)",
        keys, format_number(col("value").multiply(100), 0), col("what"), period, format_number(col("ci_low").multiply(100), 0),
        format_number(col("ci_high").multiply(100), 0), sample);
    Column meanText = format_string("%s: %s %s points %s (%s to %s, %s)",
        keys, col("what"), format_number(col("value"), 2), period, format_number(col("ci_low"), 2), format_number(col("ci_high"), 2), sample);
    Column impactText = format_string("%s: %s points of retention lost after failed experiences %s (%s to %s, %s)",
        keys, format_number(col("value").multiply(100), 0), period, format_number(col("ci_low").multiply(100), 0),
        format_number(col("ci_high").multiply(100), 0), sample);
    Column penaltyText = format_string("%s: perception %s points lower after a broken promise than after a kept one %s (%s to %s, %s)",
        keys, format_number(col("value"), 2), period, format_number(col("ci_low"), 2), format_number(col("ci_high"), 2), sample);
    Column churnText = format_string("%s: retention %s points lower after a broken promise than after a kept one %s (%s to %s, %s)",
        keys, format_number(col("value").multiply(100), 0), period, format_number(col("ci_low").multiply(100), 0),
        format_number(col("ci_high").multiply(100), 0), sample);
    Column text = when(col("metric").equalTo("negative_impact"), impactText)
        .when(col("metric").equalTo("broken_promise_penalty"), penaltyText)
        .when(col("metric").equalTo("broken_promise_churn_lift"), churnText)
        .when(col("is_rate"), rateText).otherwise(meanText);
    Column parent = when(points, format_string("%s points", format_number(col("parent_value").multiply(100), 0)))
        .when(col("is_rate"), format_string("%s %%", format_number(col("parent_value").multiply(100), 0)))
        .otherwise(format_number(col("parent_value"), 2));
    Column against = when(col("parent_n").isNotNull(), format_string(", against %s for the other customers", parent)).otherwise(lit(""));
    Column target = when(col("target").isNotNull(), when(col("is_rate"), format_string(", target %s %%", format_number(col("target").multiply(100), 0)))
        .otherwise(format_string(", target %s", format_number(col("target"), 2)))).otherwise(lit(""));
    return org.apache.spark.sql.functions.concat(text, against, target);
  }

  /**
   * Each evaluable price change with enough accounts: its churn lift against the untouched
   * accounts' (or 0 without them), one-sided, from the two intervals. Accounts are the units
   * here already. At stake: the accounts lost beyond the baseline.
   */
  private static Dataset<Row> feeTests(Dataset<Row> fee, Settings.FindingRules rules, double z) {
    Column control = coalesce(col("control_churn_lift"), lit(0.0));
    Column seLift = col("churn_lift_ci_high").minus(col("churn_lift_ci_low")).divide(2 * z);
    Column seControl = coalesce(col("control_churn_lift_ci_high").minus(col("control_churn_lift_ci_low")).divide(2 * z), lit(0.0));
    Column spread = sqrt(seLift.multiply(seLift).plus(seControl.multiply(seControl)));
    Column n = least(col("accounts_before"), col("accounts_after"));
    Column sentence = format_string(
        "price change %s (%s%s, from %s): churn among the %s accounts it touched rose from %s %% to %s %% (+%s points, %s to %s), against %s points for the accounts it did not touch",
        col("change_id"), col("price_tier"), when(col("segment").notEqual("*"), format_string(" · %s", col("segment"))).otherwise(lit("")),
        col("effective_date").cast("string"), format_number(col("accounts_after"), 0), format_number(col("churn_rate_before").multiply(100), 0),
        format_number(col("churn_rate_after").multiply(100), 0), format_number(col("churn_lift").multiply(100), 0),
        format_number(col("churn_lift_ci_low").multiply(100), 0), format_number(col("churn_lift_ci_high").multiply(100), 0),
        format_number(control.multiply(100), 0));
    return fee
        .filter(col("evaluable").and(n.geq(rules.minSample())).and(spread.gt(0)))
        .select(
            id(lit("fee"), col("change_id")).as("finding_id"),
            lit("control").as("test"),
            when(col("segment").equalTo("*"), lit(GroupingSets.ALL)).otherwise(col("segment")).as("segment"),
            lit(GroupingSets.ALL).as("phase"),
            when(col("price_tier").equalTo("*"), lit(GroupingSets.ALL)).otherwise(col("price_tier")).as("price_tier"),
            lit("impact").as("gap"), lit("churn_lift").as("metric"), col("change_id").as("subject"),
            col("churn_lift").as("value"), col("accounts_after").cast("long").as("n"), col("churn_lift_ci_low").as("ci_low"), col("churn_lift_ci_high").as("ci_high"),
            col("accounts_after").cast("long").as("n_accounts"),
            col("control_churn_lift").as("parent_value"), col("control_accounts_after").cast("long").as("parent_n"),
            col("control_churn_lift_ci_low").as("parent_ci_low"), col("control_churn_lift_ci_high").as("parent_ci_high"),
            lit(null).cast("double").as("target"),
            Estimate.normalCdf(col("churn_lift").minus(control).divide(spread).multiply(-1)).as("p_value"),
            col("accounts_after").multiply(col("churn_lift").minus(control)).as("at_stake"),
            lit(false).as("higher_is_better"), lit(true).as("is_rate"), lit(null).cast("string").as("what"), lit("accounts").as("unit"),
            lit(null).cast("double").as("latest_value"), lit(null).cast("double").as("latest_se"),
            lit(null).cast("double").as("earlier_value"), lit(null).cast("double").as("earlier_var"),
            sentence.as("fee_sentence"));
  }
}
