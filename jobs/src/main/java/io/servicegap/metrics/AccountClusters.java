package io.servicegap.metrics;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.sqrt;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.xxhash64;

import io.servicegap.config.Grain;
import io.servicegap.keys.EventKeys;
import io.servicegap.keys.GroupingSets;
import io.servicegap.keys.Periods;
import io.servicegap.stats.Estimate;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

/**
 * The account as the unit of independence. One account's orders, cases and answers are
 * correlated, so an interval that counts events as independent is too narrow. For every declared
 * {@link Figure} this sums each account's numerator and denominator per period and finest key
 * (segment × phase × tier), and from them:
 *
 * <ul>
 *   <li>a design effect per figure and period of each grain: the linearised (ratio-estimator)
 *       variance with accounts as clusters over the variance with events as units, pooled over the
 *       period's finest keys, never below 1. gap_metrics intervals are widened by it
 *       ({@link #widen}); a period's intervals depend on its own events only, so a backfill or a
 *       rerun draws them alike;
 *   <li>over the findings window, per key combination of all 8 grouping sets: the sums of the
 *       cluster-robust variance and the number of accounts, which the findings test reads.
 * </ul>
 *
 * On a large history it reads a share of the accounts (all their events), chosen by a hash of
 * the account id: a design effect is a property of the figure, measured well on a few thousand
 * accounts.
 */
public final class AccountClusters {
  /** The grain of the findings window's one period. */
  public static final String WINDOW = "window";

  static final List<String> FIGURE_KEYS = List.of("gap", "metric", "subject_type", "subject");
  private static final String ACCOUNT = "account_id";

  private AccountClusters() {}

  /**
   * @param designEffects grain, period_start, gap, metric, subject_type, subject, design_effect and
   *     the figure's shape (a {@link Figure.Shape} name)
   * @param window over the findings window, per segment, phase, price tier (with ALL) and figure:
   *     the sums {@code y}, {@code n}, the per-account sums of squares {@code yy}, {@code yn},
   *     {@code nn}, {@code accounts}, and the per-event ones ({@code event_yy}, {@code event_yn},
   *     {@code event_nn}, {@code events}), all over the accounts read; null without a window
   * @param share the share of accounts read (1 unless the history is large)
   */
  public record Clusters(Dataset<Row> designEffects, Dataset<Row> window, double share) {}

  /** The findings window: its first day and its last. */
  public record Window(LocalDate first, LocalDate last) {}

  /**
   * @param share of accounts to read, in (0, 1]
   * @param window the findings window, or null
   * @param windowMetrics the metrics the findings test, the only ones summed per grouping set
   */
  public static Clusters measure(List<MetricFamily> families, MeasuredEvents all, double share, Window window, Set<String> windowMetrics) {
    // Every kind of event is an account's own (churn after an instant reads the account's next
    // order; an answer meets its own order), so a share of the accounts is drawn before the kinds
    // are derived, and derives them from that share alone.
    MeasuredEvents in = share < 1 ? ofShare(all, share) : all;
    Map<String, StateSet> sets = new LinkedHashMap<>();
    families.forEach(f -> f.stateSets(in).forEach(s -> sets.putIfAbsent(s.name(), s)));
    Map<EventKind, List<Column>> byKind = new LinkedHashMap<>();
    List<Figure> differences = new ArrayList<>();
    List<StateSet> differenceSets = new ArrayList<>();
    Column shape = lit(null).cast(DataTypes.StringType);
    for (StateSet s : sets.values()) {
      for (Figure f : s.figures()) {
        shape = when(col("metric").equalTo(f.metric()), lit(f.shape().name())).otherwise(shape);
        if (f.shape() == Figure.Shape.DIFFERENCE) {
          differences.add(f);
          differenceSets.add(s);
        } else {
          byKind.computeIfAbsent(s.kind(), k -> new ArrayList<>()).add(contribution(s, f));
        }
      }
    }
    if (byKind.isEmpty()) {
      return new Clusters(null, null, share);
    }
    Dataset<Row> rows = null;
    for (Map.Entry<EventKind, List<Column>> kind : byKind.entrySet()) {
      Dataset<Row> events = kind.getKey().events().apply(in);
      List<Column> select = new ArrayList<>(List.of(col(ACCOUNT), col(EventKeys.EVENT_DATE)));
      GroupingSets.KEYS.forEach(k -> select.add(col(k)));
      select.add(explode(array(kind.getValue().toArray(Column[]::new))).as("_f"));
      Dataset<Row> exploded = events.select(select.toArray(Column[]::new)).filter(col("_f").isNotNull());
      rows = rows == null ? exploded : rows.unionByName(exploded);
    }
    Dataset<Row> perAccount = in.shared().materialize("account_clusters", perAccount(inPeriods(daily(rows), in, window)));
    Dataset<Row> effects = designEffects(perAccount);
    effects = effects.unionByName(differenceEffects(effects, differences, differenceSets)).withColumn("shape", shape);
    Dataset<Row> windowSums = window == null ? null : windowSums(perAccount, windowMetrics);
    return new Clusters(in.shared().materialize("design_effects", effects),
        windowSums == null ? null : in.shared().materialize("window_clusters", windowSums), share);
  }

  /** The events of a share of the accounts, chosen by a hash of the account id. */
  private static MeasuredEvents ofShare(MeasuredEvents in, double share) {
    java.util.function.UnaryOperator<Dataset<Row>> drawn =
        d -> d == null ? null : d.filter(pmod(xxhash64(col(ACCOUNT)), lit(1_000_000L)).lt(Math.round(share * 1_000_000)));
    return new MeasuredEvents(drawn.apply(in.orders()), drawn.apply(in.orderHistory()), drawn.apply(in.complaints()), drawn.apply(in.answers()),
        in.estimates(), in.settings(), in.run(), in.z(), in.shared());
  }

  /** An event's part in a figure: its keys, numerator and denominator; null when it has none. */
  private static Column contribution(StateSet s, Figure f) {
    Column y = coalesce(s.sums().get(f.numerator()).cast(DataTypes.DoubleType), lit(0.0));
    if (f.less() != null) {
      y = y.minus(coalesce(s.sums().get(f.less()).cast(DataTypes.DoubleType), lit(0.0)));
    }
    Column n = coalesce(s.sums().get(f.denominator()).cast(DataTypes.DoubleType), lit(0.0));
    return when(s.where().and(n.gt(0)), struct(
        lit(gap(s, f)).as("gap"), lit(f.metric()).as("metric"), lit(subjectType(s, f)).as("subject_type"),
        subject(s, f).cast(DataTypes.StringType).as("subject"), y.as("y"), n.as("n")));
  }

  private static String gap(StateSet s, Figure f) {
    return f.gap() != null ? f.gap() : s.family();
  }

  private static String subjectType(StateSet s, Figure f) {
    return f.subjectType() != null ? f.subjectType() : s.subjectKey() != null ? s.subjectKey() : "all";
  }

  private static Column subject(StateSet s, Figure f) {
    return f.subject() != null ? f.subject() : s.subject() != null ? s.subject() : lit(GroupingSets.ALL);
  }

  /** Each contribution once per period of the run's grains it falls in, and once for the findings window. */
  private static Dataset<Row> inPeriods(Dataset<Row> rows, MeasuredEvents in, Window window) {
    List<Column> periods = new ArrayList<>();
    Column date = col(EventKeys.EVENT_DATE);
    for (Grain g : in.settings().grains()) {
      Column start = Periods.start(g, date);
      Column within = start.between(lit(Date.valueOf(in.run().firstPeriod(g))), lit(Date.valueOf(in.run().lastPeriod(g))));
      periods.add(when(within, struct(lit(g.label()).as(Periods.GRAIN), start.as(Periods.PERIOD_START))));
    }
    if (window != null) {
      Column within = date.between(lit(Date.valueOf(window.first())), lit(Date.valueOf(window.last())));
      periods.add(when(within, struct(lit(WINDOW).as(Periods.GRAIN), lit(Date.valueOf(window.first())).as(Periods.PERIOD_START))));
    }
    return rows.withColumn("_p", explode(array(periods.toArray(Column[]::new)))).filter(col("_p").isNotNull());
  }

  private static List<Column> cellKeys() {
    List<Column> keys = new ArrayList<>(List.of(col(Periods.GRAIN), col(Periods.PERIOD_START)));
    GroupingSets.KEYS.forEach(k -> keys.add(col(k)));
    FIGURE_KEYS.forEach(k -> keys.add(col(k)));
    return keys;
  }

  /**
   * Each account's sums per day, finest key and figure, with its events' own sums of squares and
   * count: the periods of every grain then add these up, not the events (a response's answers,
   * given on one day, are one row here).
   */
  private static Dataset<Row> daily(Dataset<Row> rows) {
    Dataset<Row> flat = rows.select(
        col(ACCOUNT), col(EventKeys.EVENT_DATE), col("segment"), col("phase"), col("price_tier"), col("_f.gap").as("gap"), col("_f.metric").as("metric"),
        col("_f.subject_type").as("subject_type"), col("_f.subject").as("subject"), col("_f.y").as("y"), col("_f.n").as("n"));
    List<Column> keys = new ArrayList<>(List.of(col(ACCOUNT), col(EventKeys.EVENT_DATE)));
    GroupingSets.KEYS.forEach(k -> keys.add(col(k)));
    FIGURE_KEYS.forEach(k -> keys.add(col(k)));
    return flat.groupBy(keys.toArray(Column[]::new)).agg(
        sum(col("y")).as("y"), sum(col("n")).as("n"),
        sum(col("y").multiply(col("y"))).as("event_yy"), sum(col("y").multiply(col("n"))).as("event_yn"),
        sum(col("n").multiply(col("n"))).as("event_nn"), count(lit(1)).as("events"));
  }

  /** Each account's sums per period (of every grain, and the findings window), finest key and figure. */
  private static Dataset<Row> perAccount(Dataset<Row> daily) {
    List<Column> keys = cellKeys();
    keys.add(col(ACCOUNT));
    Dataset<Row> flat = daily.withColumn(Periods.GRAIN, col("_p." + Periods.GRAIN)).withColumn(Periods.PERIOD_START, col("_p." + Periods.PERIOD_START));
    return flat.groupBy(keys.toArray(Column[]::new)).agg(
        sum(col("y")).as("y"), sum(col("n")).as("n"),
        sum(col("event_yy")).as("event_yy"), sum(col("event_yn")).as("event_yn"),
        sum(col("event_nn")).as("event_nn"), sum(col("events")).as("events"));
  }

  /**
   * Σ (y − r·n)² with r = Σy / Σn, from the sums of squares: the spread of a ratio estimate's
   * parts around it, over accounts or over events.
   */
  static Column residualSquares(Column yy, Column yn, Column nn, Column r) {
    return greatest(lit(0.0), yy.minus(r.multiply(yn).multiply(2)).plus(r.multiply(r).multiply(nn)));
  }

  /**
   * Per figure and period of a grain: the variance between accounts over the variance between
   * events, each with its small-sample factor (G / (G − 1), E / (E − 1)), summed over the period's
   * finest keys with two accounts or more, never below 1.
   */
  private static Dataset<Row> designEffects(Dataset<Row> perAccount) {
    Dataset<Row> cells = perAccount.groupBy(cellKeys().toArray(Column[]::new)).agg(
        sum(col("y")).as("sum_y"), sum(col("n")).as("sum_n"),
        sum(col("y").multiply(col("y"))).as("account_yy"), sum(col("y").multiply(col("n"))).as("account_yn"),
        sum(col("n").multiply(col("n"))).as("account_nn"),
        sum(col("event_yy")).as("event_yy"), sum(col("event_yn")).as("event_yn"), sum(col("event_nn")).as("event_nn"),
        count(lit(1)).as("accounts"), sum(col("events")).as("events"));
    Column r = col("sum_y").divide(col("sum_n"));
    Column g = col("accounts").cast(DataTypes.DoubleType);
    Column e = col("events").cast(DataTypes.DoubleType);
    Column between = residualSquares(col("account_yy"), col("account_yn"), col("account_nn"), r).multiply(g).divide(g.minus(1));
    Column within = residualSquares(col("event_yy"), col("event_yn"), col("event_nn"), r).multiply(e).divide(e.minus(1));
    List<Column> keys = new ArrayList<>(List.of(col(Periods.GRAIN), col(Periods.PERIOD_START)));
    FIGURE_KEYS.forEach(k -> keys.add(col(k)));
    // Six decimals: the sums' last bits follow the order partitions merge in, and a rerun (or a
    // run of fewer families, partitioned otherwise) must draw the same intervals.
    return cells.filter(col("accounts").geq(2))
        .select(col(Periods.GRAIN), col(Periods.PERIOD_START), col("gap"), col("metric"), col("subject_type"), col("subject"), between.as("between"),
            within.as("within"))
        .groupBy(keys.toArray(Column[]::new))
        .agg(sum(col("between")).as("between"), sum(col("within")).as("within"))
        .filter(col("within").gt(0))
        .select(col(Periods.GRAIN), col(Periods.PERIOD_START), col("gap"), col("metric"), col("subject_type"), col("subject"),
            org.apache.spark.sql.functions.round(greatest(lit(1.0), col("between").divide(col("within"))), 6).as("design_effect"));
  }

  /** A difference widens as the more clustered of its two figures, per grain and subject. */
  private static Dataset<Row> differenceEffects(Dataset<Row> effects, List<Figure> differences, List<StateSet> sets) {
    Dataset<Row> out = effects.limit(0);
    for (int i = 0; i < differences.size(); i++) {
      Figure d = differences.get(i);
      String gap = gap(sets.get(i), d);
      Dataset<Row> parts = effects.filter(col("gap").equalTo(gap).and(col("subject_type").equalTo(subjectType(sets.get(i), d)))
          .and(col("metric").isin(d.numerator(), d.denominator())));
      out = out.unionByName(parts.groupBy(col(Periods.GRAIN), col(Periods.PERIOD_START), col("gap"), col("subject_type"), col("subject"))
          .agg(max(col("design_effect")).as("design_effect"))
          .select(col(Periods.GRAIN), col(Periods.PERIOD_START), col("gap"), lit(d.metric()).as("metric"), col("subject_type"), col("subject"),
              col("design_effect")));
    }
    return out;
  }

  /**
   * Over the findings window, per key combination of the 8 grouping sets and figure: the sums and
   * the per-account sums of squares, an account's contributions to several finest keys summed first.
   */
  private static Dataset<Row> windowSums(Dataset<Row> perAccount, Set<String> metrics) {
    Dataset<Row> window = perAccount.filter(col(Periods.GRAIN).equalTo(WINDOW).and(col("metric").isin(metrics.toArray())))
        .select(col(ACCOUNT), col("segment"), col("phase"), col("price_tier"), col("gap"), col("metric"), col("subject_type"), col("subject"), col("y"), col("n"),
            col("event_yy"), col("event_yn"), col("event_nn"), col("events"));
    List<Column> keys = new ArrayList<>();
    GroupingSets.KEYS.forEach(k -> keys.add(col(k)));
    FIGURE_KEYS.forEach(k -> keys.add(col(k)));
    List<Column> perAccountKeys = new ArrayList<>(keys);
    perAccountKeys.add(col(ACCOUNT));
    return GroupingSets.expand(window)
        .groupBy(perAccountKeys.toArray(Column[]::new)).agg(sum(col("y")).as("y"), sum(col("n")).as("n"),
            sum(col("event_yy")).as("event_yy"), sum(col("event_yn")).as("event_yn"), sum(col("event_nn")).as("event_nn"), sum(col("events")).as("events"))
        .groupBy(keys.toArray(Column[]::new)).agg(
            sum(col("y")).as("y"), sum(col("n")).as("n"),
            sum(col("y").multiply(col("y"))).as("yy"), sum(col("y").multiply(col("n"))).as("yn"), sum(col("n").multiply(col("n"))).as("nn"),
            count(lit(1)).as("accounts"),
            sum(col("event_yy")).as("event_yy"), sum(col("event_yn")).as("event_yn"), sum(col("event_nn")).as("event_nn"), sum(col("events")).as("events"));
  }

  /**
   * gap_metrics rows with their intervals widened by their figure's design effect in their period:
   * a rate's Wilson interval drawn at n / design effect, a mean's or a difference's half-widths
   * times √(design effect). Rows of no declared figure are left as they are.
   */
  public static Dataset<Row> widen(Dataset<Row> metrics, Dataset<Row> designEffects, double z) {
    if (designEffects == null) {
      return metrics;
    }
    Dataset<Row> effects = designEffects.select(col(Periods.GRAIN), col(Periods.PERIOD_START), col("gap"), col("metric"), col("subject_type"), col("subject"),
        col("design_effect").as("_deff"), col("shape").as("_shape"));
    Dataset<Row> joined = metrics.join(broadcast(effects),
        io.servicegap.keys.JoinKeys.of(Periods.GRAIN, Periods.PERIOD_START, "gap", "metric", "subject_type", "subject"), "left");
    Column d = coalesce(col("_deff"), lit(1.0));
    Column nEffective = col("n").cast(DataTypes.DoubleType).divide(d);
    Column wilson = Estimate.rate(col("value").multiply(nEffective), nEffective, z);
    Column widened = col("_deff").isNotNull().and(col("ci_low").isNotNull());
    Column isRate = col("_shape").equalTo(Figure.Shape.RATE.name());
    Column low = when(widened.and(isRate), wilson.getField("ci_low"))
        .when(widened, col("value").minus(col("value").minus(col("ci_low")).multiply(sqrt(d))))
        .otherwise(col("ci_low"));
    Column high = when(widened.and(isRate), wilson.getField("ci_high"))
        .when(widened, col("value").plus(col("ci_high").minus(col("value")).multiply(sqrt(d))))
        .otherwise(col("ci_high"));
    return joined.withColumn("ci_low", low).withColumn("ci_high", high).select(metrics.columns()[0], java.util.Arrays.copyOfRange(metrics.columns(), 1, metrics.columns().length));
  }
}
