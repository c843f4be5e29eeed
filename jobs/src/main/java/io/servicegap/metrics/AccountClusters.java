package io.servicegap.metrics;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.element_at;
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
import io.servicegap.keys.AddedColumns;
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
  /** A figure while the sums are made: its number among the declared figures, and its subject. */
  private static final List<String> SUM_KEYS = List.of("figure", "subject");
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
   * @param share of accounts to read, in (0, 1]: the window's sums are taken over them
   * @param effectShare of accounts the design effects are measured on, in (0, share]: a part of
   *     those read, chosen by the same hash
   * @param window the findings window, or null
   * @param windowMetrics the metrics the findings test, the only ones summed per grouping set
   */
  public static Clusters measure(List<MetricFamily> families, MeasuredEvents all, double share, double effectShare, Window window, Set<String> windowMetrics) {
    // Every kind of event is an account's own (churn after an instant reads the account's next
    // order; an answer meets its own order), so a share of the accounts is drawn before the kinds
    // are derived, and derives them from that share alone.
    MeasuredEvents in = share < 1 ? ofShare(all, share) : all;
    Map<String, StateSet> sets = new LinkedHashMap<>();
    families.forEach(f -> f.stateSets(in).forEach(s -> sets.putIfAbsent(s.name(), s)));
    Map<EventKind, List<Column>> byKind = new LinkedHashMap<>();
    List<Figure> differences = new ArrayList<>();
    List<StateSet> differenceSets = new ArrayList<>();
    Map<String, Integer> numbers = new LinkedHashMap<>();
    List<Column> names = new ArrayList<>();
    List<Integer> tested = new ArrayList<>();
    Map<String, String> shapes = new LinkedHashMap<>();
    for (StateSet s : sets.values()) {
      for (Figure f : s.figures()) {
        shapes.put(f.metric(), f.shape().name());
        if (f.shape() == Figure.Shape.DIFFERENCE) {
          differences.add(f);
          differenceSets.add(s);
        } else {
          // A figure declared by several sets (compliance over every standard's events) is one figure.
          String name = gap(s, f) + "/" + f.metric() + "/" + subjectType(s, f);
          if (!numbers.containsKey(name)) {
            numbers.put(name, numbers.size() + 1);
            names.add(struct(lit(gap(s, f)).as("gap"), lit(f.metric()).as("metric"), lit(subjectType(s, f)).as("subject_type")));
            if (windowMetrics.contains(f.metric())) {
              tested.add(numbers.size());
            }
          }
          byKind.computeIfAbsent(s.kind(), k -> new ArrayList<>()).add(contribution(s, f, numbers.get(name)));
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
    // An account outside the design effects' share is read for the findings window's tested figures only.
    Column inEffects = effectShare >= share ? lit(true) : drawn(col(ACCOUNT), effectShare);
    Column kept = window == null ? inEffects
        : inEffects.or(col("_f.figure").isin(tested.toArray()).and(col(EventKeys.EVENT_DATE).between(lit(Date.valueOf(window.first())), lit(Date.valueOf(window.last())))));
    // Each account's day, read by the periods of every grain and by the findings window.
    Dataset<Row> days = in.shared().materialize("account_days", daily(rows.withColumn("in_effects", inEffects).filter(kept)));
    Column named = element_at(array(names.toArray(Column[]::new)), col("figure"));
    // Written once: each difference reads its two figures' effects, which would otherwise be
    // aggregated again from the account days for every difference.
    Dataset<Row> effects = in.shared().materialize("figure_effects", named(designEffects(perAccount(days.filter(col("in_effects")), in)), named));
    // One flat CASE over the metrics' names, not one nested per figure.
    Column shape = null;
    for (Map.Entry<String, String> m : shapes.entrySet()) {
      Column is = col("metric").equalTo(m.getKey());
      shape = shape == null ? when(is, lit(m.getValue())) : shape.when(is, lit(m.getValue()));
    }
    effects = effects.unionByName(differenceEffects(effects, differences, differenceSets))
        .withColumn("shape", shape == null ? lit(null).cast(DataTypes.StringType) : shape);
    Dataset<Row> windowSums = window == null ? null : named(windowSums(days, window, tested), named);
    return new Clusters(in.shared().materialize("design_effects", effects),
        windowSums == null ? null : in.shared().materialize("window_clusters", windowSums), share);
  }

  /** Whether an account is among a share of them, by a hash of its id: a smaller share's accounts are among a larger one's. */
  private static Column drawn(Column account, double share) {
    return pmod(xxhash64(account), lit(1_000_000L)).lt(Math.round(share * 1_000_000));
  }

  /** The events of a share of the accounts. */
  private static MeasuredEvents ofShare(MeasuredEvents in, double share) {
    java.util.function.UnaryOperator<Dataset<Row>> of = d -> d == null ? null : d.filter(drawn(col(ACCOUNT), share));
    return new MeasuredEvents(of.apply(in.orders()), of.apply(in.orderHistory()), of.apply(in.complaints()), of.apply(in.answers()),
        in.estimates(), in.settings(), in.run(), in.z(), in.shared());
  }

  /** gap, metric and subject_type in place of a figure's number, the first columns after the grain's. */
  private static Dataset<Row> named(Dataset<Row> rows, Column names) {
    List<Column> out = new ArrayList<>();
    for (String c : rows.columns()) {
      if (c.equals("figure")) {
        List.of("gap", "metric", "subject_type").forEach(k -> out.add(names.getField(k).as(k)));
      } else {
        out.add(col(c));
      }
    }
    return rows.select(out.toArray(Column[]::new));
  }

  /**
   * An event's part in a figure: its keys, numerator and denominator; null when it has none. The
   * figure is a number while the account sums are made: the rows are many, and narrow rows sort
   * faster.
   */
  private static Column contribution(StateSet s, Figure f, int number) {
    Column y = coalesce(s.sums().get(f.numerator()).cast(DataTypes.DoubleType), lit(0.0));
    if (f.less() != null) {
      y = y.minus(coalesce(s.sums().get(f.less()).cast(DataTypes.DoubleType), lit(0.0)));
    }
    Column n = coalesce(s.sums().get(f.denominator()).cast(DataTypes.DoubleType), lit(0.0));
    return when(s.where().and(n.gt(0)), struct(
        lit(number).as("figure"), subject(s, f).cast(DataTypes.StringType).as("subject"), y.as("y"), n.as("n")));
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

  private static List<Column> cellKeys() {
    List<Column> keys = new ArrayList<>(List.of(col(Periods.GRAIN), col(Periods.PERIOD_START)));
    GroupingSets.KEYS.forEach(k -> keys.add(col(k)));
    SUM_KEYS.forEach(k -> keys.add(col(k)));
    return keys;
  }

  /**
   * Each account's sums per day, finest key and figure, with its events' own sums of squares and
   * count: the periods of every grain then add these up, not the events (a response's answers,
   * given on one day, are one row here). The account is its id's 64-bit hash: a narrower key.
   */
  private static Dataset<Row> daily(Dataset<Row> rows) {
    Dataset<Row> flat = rows.select(
        xxhash64(col(ACCOUNT)).as(ACCOUNT), col("in_effects"), col(EventKeys.EVENT_DATE), col("segment"), col("phase"), col("price_tier"),
        col("_f.figure").as("figure"), col("_f.subject").as("subject"), col("_f.y").as("y"), col("_f.n").as("n"));
    List<Column> keys = new ArrayList<>(List.of(col(ACCOUNT), col("in_effects"), col(EventKeys.EVENT_DATE)));
    GroupingSets.KEYS.forEach(k -> keys.add(col(k)));
    SUM_KEYS.forEach(k -> keys.add(col(k)));
    return flat.groupBy(keys.toArray(Column[]::new)).agg(
        sum(col("y")).as("y"), sum(col("n")).as("n"),
        sum(col("y").multiply(col("y"))).as("event_yy"), sum(col("y").multiply(col("n"))).as("event_yn"),
        sum(col("n").multiply(col("n"))).as("event_nn"), count(lit(1)).as("events"));
  }

  /**
   * Each account's sums per period of every grain, finest key and figure: a day's are the day's
   * own; a week's or a month's add its days up.
   */
  private static Dataset<Row> perAccount(Dataset<Row> days, MeasuredEvents in) {
    Column date = col(EventKeys.EVENT_DATE);
    List<String> sums = List.of("y", "n", "event_yy", "event_yn", "event_nn", "events");
    List<Column> keys = cellKeys();
    keys.add(col(ACCOUNT));
    Dataset<Row> out = null;
    List<Column> periods = new ArrayList<>();
    for (Grain g : in.settings().grains()) {
      Column start = Periods.start(g, date);
      Column within = start.between(lit(Date.valueOf(in.run().firstPeriod(g))), lit(Date.valueOf(in.run().lastPeriod(g))));
      if (g == Grain.DAY) {
        List<Column> day = new ArrayList<>(List.of(lit(g.label()).as(Periods.GRAIN), date.as(Periods.PERIOD_START)));
        keys.subList(2, keys.size()).forEach(day::add);
        sums.forEach(c -> day.add(col(c)));
        out = days.filter(within).select(day.toArray(Column[]::new));
      } else {
        periods.add(when(within, struct(lit(g.label()).as(Periods.GRAIN), start.as(Periods.PERIOD_START))));
      }
    }
    if (!periods.isEmpty()) {
      Dataset<Row> longer = days.withColumn("_p", explode(array(periods.toArray(Column[]::new)))).filter(col("_p").isNotNull())
          .withColumns(AddedColumns.of(Periods.GRAIN, col("_p." + Periods.GRAIN), Periods.PERIOD_START, col("_p." + Periods.PERIOD_START)))
          .groupBy(keys.toArray(Column[]::new)).agg(
              sum(col("y")).as("y"), sum(col("n")).as("n"),
              sum(col("event_yy")).as("event_yy"), sum(col("event_yn")).as("event_yn"),
              sum(col("event_nn")).as("event_nn"), sum(col("events")).as("events"));
      out = out == null ? longer : out.unionByName(longer);
    }
    return out;
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
    SUM_KEYS.forEach(k -> keys.add(col(k)));
    // Six decimals: the sums' last bits follow the order partitions merge in, and a rerun (or a
    // run of fewer families, partitioned otherwise) must draw the same intervals.
    return cells.filter(col("accounts").geq(2))
        .select(col(Periods.GRAIN), col(Periods.PERIOD_START), col("figure"), col("subject"), between.as("between"), within.as("within"))
        .groupBy(keys.toArray(Column[]::new))
        .agg(sum(col("between")).as("between"), sum(col("within")).as("within"))
        .filter(col("within").gt(0))
        .select(col(Periods.GRAIN), col(Periods.PERIOD_START), col("figure"), col("subject"),
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
  private static Dataset<Row> windowSums(Dataset<Row> days, Window w, List<Integer> tested) {
    List<Column> keys = new ArrayList<>();
    GroupingSets.KEYS.forEach(k -> keys.add(col(k)));
    SUM_KEYS.forEach(k -> keys.add(col(k)));
    List<Column> perAccountKeys = new ArrayList<>(keys);
    perAccountKeys.add(col(ACCOUNT));
    Dataset<Row> window = days.filter(col("figure").isin(tested.toArray()).and(col(EventKeys.EVENT_DATE).between(lit(Date.valueOf(w.first())), lit(Date.valueOf(w.last())))))
        .groupBy(perAccountKeys.toArray(Column[]::new)).agg(sum(col("y")).as("y"), sum(col("n")).as("n"),
            sum(col("event_yy")).as("event_yy"), sum(col("event_yn")).as("event_yn"), sum(col("event_nn")).as("event_nn"), sum(col("events")).as("events"));
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
