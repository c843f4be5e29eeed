package io.servicegap.metrics;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.servicegap.keys.EventKeys;
import io.servicegap.keys.GroupingSets;
import io.servicegap.keys.Periods;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

/**
 * Folds the families' declared states into one roll-up. Each kind of event is read once: every
 * event contributes one row per state set (and histogram) it meets, its values in the slot
 * columns the sets share ({@link StateSlots}), and those rows are summed at the finest keys
 * (day × segment × phase × tier × set × subject × bin). The finest sums of every kind then go
 * through one period expansion and one grouping-set expansion together, and each family reads
 * its own rows of the result ({@link RolledStates}).
 */
public final class RollupRunner {
  static final String SET = "_set";
  static final String SUBJECT = "_subject";
  static final String BIN = "_bin";
  static final String COUNT = "_count";
  private static final String PART = "_part";

  private RollupRunner() {}

  /** Every family's tidy rows, from one roll-up of all their states, materialized once. */
  public static Dataset<Row> measure(List<MetricFamily> families, MeasuredEvents in) {
    List<Histogram> histograms = histograms(families, in);
    Rollup rollup = fold(families, in, UnaryOperator.identity());
    Dataset<Row> states = rollup == null ? null : in.shared().materialize("rolled_states", rollup.states());
    RolledStates rolled = new RolledStates(states, rollup == null ? null : rollup.slots(), histograms, in);
    Dataset<Row> all = rolled.percentiles();
    for (MetricFamily f : families) {
      Dataset<Row> rows = f.metrics(rolled, in);
      all = all == null ? rows : all.unionByName(rows);
    }
    return all != null ? all : MetricTable.empty();
  }

  /**
   * The roll-up of every family's state sets (a set declared by two families once) and
   * histograms, as a plan: nothing runs. Null when the families declare nothing.
   */
  static Dataset<Row> rollUp(List<MetricFamily> families, MeasuredEvents in) {
    return rollUp(families, in, UnaryOperator.identity());
  }

  /** {@link #rollUp} over only the events of each kind that {@code part} keeps (for the merge law). */
  static Dataset<Row> rollUp(List<MetricFamily> families, MeasuredEvents in, UnaryOperator<Dataset<Row>> part) {
    Rollup r = fold(families, in, part);
    return r == null ? null : r.states();
  }

  /** The rolled-up rows, and where each set's states sit in them. */
  record Rollup(Dataset<Row> states, StateSlots slots) {}

  private static Rollup fold(List<MetricFamily> families, MeasuredEvents in, UnaryOperator<Dataset<Row>> part) {
    Map<String, StateSet> sets = new LinkedHashMap<>();
    for (MetricFamily f : families) {
      f.stateSets(in).forEach(s -> sets.putIfAbsent(s.name(), s));
    }
    return fold(List.copyOf(sets.values()), histograms(families, in), in, part);
  }

  private static List<Histogram> histograms(List<MetricFamily> families, MeasuredEvents in) {
    List<Histogram> histograms = new ArrayList<>();
    families.forEach(f -> histograms.addAll(f.histograms(in)));
    return histograms;
  }

  /** One contribution an event makes: to a state set, or to a histogram's bins. */
  private record Part(String name, Column where, Column subject, Column bin, Map<String, Column> values) {}

  private static Rollup fold(List<StateSet> sets, List<Histogram> histograms, MeasuredEvents in, UnaryOperator<Dataset<Row>> part) {
    Map<EventKind, List<Part>> byKind = new LinkedHashMap<>();
    for (StateSet s : sets) {
      byKind.computeIfAbsent(s.kind(), k -> new ArrayList<>()).add(new Part(s.name(), s.where(), s.subject(), null, s.sums()));
    }
    for (Histogram h : histograms) {
      Column bin = Percentiles.bin(h.value(), in.settings());
      byKind.computeIfAbsent(h.kind(), k -> new ArrayList<>())
          .add(new Part(h.name(), h.where().and(h.value().isNotNull()), h.subject(), bin, Map.of(COUNT, lit(1L))));
    }
    if (byKind.isEmpty()) {
      return null;
    }
    Map<EventKind, Dataset<Row>> computed = new LinkedHashMap<>();
    StateSlots.Builder layout = new StateSlots.Builder();
    for (Map.Entry<EventKind, List<Part>> kind : byKind.entrySet()) {
      Dataset<Row> values = computed(part.apply(kind.getKey().events().apply(in)), kind.getValue());
      computed.put(kind.getKey(), values);
      List<Part> parts = kind.getValue();
      for (int i = 0; i < parts.size(); i++) {
        for (String state : parts.get(i).values().keySet()) {
          layout.place(parts.get(i).name(), state, values.schema().apply(value(i, state)).dataType());
        }
      }
    }
    StateSlots slots = layout.build();
    Dataset<Row> finest = null;
    for (Map.Entry<EventKind, List<Part>> kind : byKind.entrySet()) {
      Dataset<Row> sums = finestSums(computed.get(kind.getKey()), kind.getValue(), slots);
      finest = finest == null ? sums : finest.unionByName(sums);
    }
    // Days to periods, then periods to grouping sets: 3 + 8 copies of each row instead of 3 × 8.
    // Shuffled once, by grain and period, which both later sums keep.
    List<String> keys = rolledKeys();
    Dataset<Row> byPeriod = Periods.expand(finest, EventKeys.EVENT_DATE, in.settings().grains(), in.run())
        .repartition(col(Periods.GRAIN), col(Periods.PERIOD_START));
    Dataset<Row> periods = sumUp(byPeriod, slots.names(), keys);
    return new Rollup(sumUp(GroupingSets.expand(periods), slots.names(), keys), slots);
  }

  /** The keys of a rolled-up row: grain, period, the three report keys, set, subject and bin. */
  static List<String> rolledKeys() {
    List<String> keys = new ArrayList<>(GroupingSets.reportKeys());
    keys.addAll(List.of(SET, SUBJECT, BIN));
    return keys;
  }

  private static List<String> finestKeys() {
    List<String> keys = new ArrayList<>(EventKeys.keys());
    keys.addAll(List.of(SET, SUBJECT, BIN));
    return keys;
  }

  /**
   * Every part's condition, subject, bin and values, computed once per event in one projection
   * that the exploded rows then only reference.
   */
  private static Dataset<Row> computed(Dataset<Row> events, List<Part> parts) {
    List<Column> computed = new ArrayList<>();
    EventKeys.keys().forEach(k -> computed.add(col(k)));
    for (int i = 0; i < parts.size(); i++) {
      Part p = parts.get(i);
      computed.add(p.where().as("_w" + i));
      computed.add((p.subject() == null ? lit(null) : p.subject()).cast(DataTypes.StringType).as("_s" + i));
      computed.add((p.bin() == null ? lit(null) : p.bin()).cast(DataTypes.IntegerType).as("_b" + i));
      for (Map.Entry<String, Column> v : p.values().entrySet()) {
        computed.add(v.getValue().as(value(i, v.getKey())));
      }
    }
    return events.select(computed.toArray(Column[]::new));
  }

  /**
   * One scan of a kind's events: each event becomes one row per part it meets, its part's values
   * in their slots (null in the others), summed at the finest keys.
   */
  private static Dataset<Row> finestSums(Dataset<Row> values, List<Part> parts, StateSlots slots) {
    List<Column> contributions = new ArrayList<>();
    for (int i = 0; i < parts.size(); i++) {
      Part p = parts.get(i);
      List<Column> fields = new ArrayList<>(List.of(lit(p.name()).as(SET), col("_s" + i).as(SUBJECT), col("_b" + i).as(BIN)));
      Map<String, String> placed = new LinkedHashMap<>();
      for (String state : p.values().keySet()) {
        placed.put(slots.of(p.name(), state), value(i, state));
      }
      for (String slot : slots.names()) {
        Column v = placed.containsKey(slot) ? col(placed.get(slot)) : lit(null);
        fields.add(v.cast(slots.type(slot)).as(slot));
      }
      contributions.add(when(col("_w" + i), struct(fields.toArray(Column[]::new))));
    }
    List<Column> select = new ArrayList<>();
    EventKeys.keys().forEach(k -> select.add(col(k)));
    select.add(explode(array(contributions.toArray(Column[]::new))).as(PART));
    List<Column> flat = new ArrayList<>();
    EventKeys.keys().forEach(k -> flat.add(col(k)));
    flat.add(col(PART + ".*"));
    Dataset<Row> rows = values.select(select.toArray(Column[]::new)).filter(col(PART).isNotNull()).select(flat.toArray(Column[]::new));
    return sumUp(rows, slots.names(), finestKeys());
  }

  private static String value(int part, String column) {
    return "_v" + part + column;
  }

  /** Sums states over the given keys. */
  static Dataset<Row> sumUp(Dataset<Row> rows, List<String> stateNames, List<String> keys) {
    List<Column> sums = stateNames.stream().map(s -> sum(col(s)).as(s)).toList();
    return rows.groupBy(keys.stream().map(k -> col(k)).toArray(Column[]::new))
        .agg(sums.get(0), sums.subList(1, sums.size()).toArray(Column[]::new));
  }
}
