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
 * Folds the families' declared states into one roll-up, and their histograms into another. Each
 * kind of event is read once per roll-up: every event contributes one row per state set it meets,
 * its values in the slot columns the sets share ({@link StateSlots}), or one row per histogram
 * whose value it has, with only a count; those rows are summed at the finest keys (day × segment
 * × phase × tier × set × subject, and the bin). The finest sums of every kind then go through one
 * period expansion and one grouping-set expansion together. Each family reads its own rows of the
 * states ({@link RolledStates}); percentiles are read off the bins. Bins are kept apart because
 * they are most of the rows (nearly every case a bin of its own at the day grain) and need no
 * slot but their count.
 */
public final class RollupRunner {
  static final String SET = "_set";
  static final String SUBJECT = "_subject";
  static final String BIN = "_bin";
  static final String COUNT = "_count";
  private static final String PART = "_part";

  private RollupRunner() {}

  /** Every family's tidy rows, from one roll-up of all their states (materialized once) and one of their histograms. */
  public static Dataset<Row> measure(List<MetricFamily> families, MeasuredEvents in) {
    Rollup rollup = rollUp(families, in);
    Dataset<Row> states = rollup.states() == null ? null : in.shared().materialize("rolled_states", rollup.states());
    RolledStates rolled = new RolledStates(states, rollup.slots(), histograms(families, in), rollup.bins(), in);
    List<Dataset<Row>> parts = new ArrayList<>();
    Dataset<Row> percentiles = rolled.percentiles();
    if (percentiles != null) {
      parts.add(percentiles);
    }
    for (MetricFamily f : families) {
      parts.add(f.metrics(rolled, in));
    }
    return parts.isEmpty() ? MetricTable.empty() : unionPairwise(parts);
  }

  /**
   * The parts' union, built in pairs: each union analyses both its sides again, so adding one
   * part at a time to a growing union would analyse the first parts once per part.
   */
  private static Dataset<Row> unionPairwise(List<Dataset<Row>> parts) {
    List<Dataset<Row>> level = parts;
    while (level.size() > 1) {
      List<Dataset<Row>> next = new ArrayList<>();
      for (int i = 0; i < level.size(); i += 2) {
        next.add(i + 1 < level.size() ? level.get(i).unionByName(level.get(i + 1)) : level.get(i));
      }
      level = next;
    }
    return level.get(0);
  }

  /** The roll-up of every family's states and histograms, as plans: nothing runs. */
  static Rollup rollUp(List<MetricFamily> families, MeasuredEvents in) {
    return rollUp(families, in, UnaryOperator.identity());
  }

  /**
   * The rolled-up states (a set declared by two families once) and where each set's states sit in
   * them, both null when no set is declared; and the histograms' rolled-up bin counts, null when
   * no histogram is declared.
   */
  record Rollup(Dataset<Row> states, StateSlots slots, Dataset<Row> bins) {}

  /** {@link #rollUp} over only the events of each kind that {@code part} keeps (for the merge law). */
  static Rollup rollUp(List<MetricFamily> families, MeasuredEvents in, UnaryOperator<Dataset<Row>> part) {
    Map<String, StateSet> sets = new LinkedHashMap<>();
    for (MetricFamily f : families) {
      f.stateSets(in).forEach(s -> sets.putIfAbsent(s.name(), s));
    }
    List<Histogram> histograms = histograms(families, in);
    Dataset<Row> bins = histograms.isEmpty() ? null : bins(histograms, in, part);
    if (sets.isEmpty()) {
      return new Rollup(null, null, bins);
    }
    Map<EventKind, List<StateSet>> byKind = new LinkedHashMap<>();
    sets.values().forEach(s -> byKind.computeIfAbsent(s.kind(), k -> new ArrayList<>()).add(s));
    Map<EventKind, Dataset<Row>> computed = new LinkedHashMap<>();
    StateSlots.Builder layout = new StateSlots.Builder();
    for (Map.Entry<EventKind, List<StateSet>> kind : byKind.entrySet()) {
      Dataset<Row> values = computed(part.apply(kind.getKey().events().apply(in)), kind.getValue());
      computed.put(kind.getKey(), values);
      List<StateSet> parts = kind.getValue();
      for (int i = 0; i < parts.size(); i++) {
        for (String state : parts.get(i).sums().keySet()) {
          layout.place(parts.get(i).name(), state, values.schema().apply(value(i, state)).dataType());
        }
      }
    }
    StateSlots slots = layout.build();
    Dataset<Row> finest = null;
    for (Map.Entry<EventKind, List<StateSet>> kind : byKind.entrySet()) {
      Dataset<Row> sums = finestSums(computed.get(kind.getKey()), kind.getValue(), slots);
      finest = finest == null ? sums : finest.unionByName(sums);
    }
    return new Rollup(rolledUp(finest, slots.names(), stateKeys(), in), slots, bins);
  }

  private static List<Histogram> histograms(List<MetricFamily> families, MeasuredEvents in) {
    List<Histogram> histograms = new ArrayList<>();
    families.forEach(f -> histograms.addAll(f.histograms(in)));
    return histograms;
  }

  /**
   * Finest sums to every grain's periods, then to every grouping set. Days to periods, then
   * periods to grouping sets: 3 + 8 copies of each row instead of 3 × 8. Shuffled once, by grain
   * and period, which both later sums keep.
   */
  private static Dataset<Row> rolledUp(Dataset<Row> finest, List<String> sums, List<String> keys, MeasuredEvents in) {
    Dataset<Row> byPeriod = Periods.expand(finest, EventKeys.EVENT_DATE, in.settings().grains(), in.run())
        .repartition(col(Periods.GRAIN), col(Periods.PERIOD_START));
    return sumUp(GroupingSets.expand(sumUp(byPeriod, sums, keys)), sums, keys);
  }

  /** The keys of a rolled-up state row: grain, period, the three report keys, set and subject. */
  static List<String> stateKeys() {
    List<String> keys = new ArrayList<>(GroupingSets.reportKeys());
    keys.addAll(List.of(SET, SUBJECT));
    return keys;
  }

  /** The keys of a rolled-up bin row: a state row's, and the bin. */
  static List<String> binKeys() {
    List<String> keys = stateKeys();
    keys.add(BIN);
    return keys;
  }

  private static List<String> finest(List<String> rolledKeys) {
    List<String> keys = new ArrayList<>(EventKeys.keys());
    keys.addAll(rolledKeys.subList(GroupingSets.reportKeys().size(), rolledKeys.size()));
    return keys;
  }

  /**
   * Every set's condition, subject and values, computed once per event in one projection that
   * the exploded rows then only reference.
   */
  private static Dataset<Row> computed(Dataset<Row> events, List<StateSet> sets) {
    List<Column> computed = new ArrayList<>();
    EventKeys.keys().forEach(k -> computed.add(col(k)));
    for (int i = 0; i < sets.size(); i++) {
      StateSet s = sets.get(i);
      computed.add(s.where().as("_w" + i));
      computed.add(subject(s.subject()).as("_s" + i));
      for (Map.Entry<String, Column> v : s.sums().entrySet()) {
        computed.add(v.getValue().as(value(i, v.getKey())));
      }
    }
    return events.select(computed.toArray(Column[]::new));
  }

  private static Column subject(Column subject) {
    return (subject == null ? lit(null) : subject).cast(DataTypes.StringType);
  }

  /**
   * One scan of a kind's events: each event becomes one row per set it meets, its set's values in
   * their slots (null in the others), summed at the finest keys.
   */
  private static Dataset<Row> finestSums(Dataset<Row> values, List<StateSet> sets, StateSlots slots) {
    List<Column> contributions = new ArrayList<>();
    for (int i = 0; i < sets.size(); i++) {
      StateSet s = sets.get(i);
      List<Column> fields = new ArrayList<>(List.of(lit(s.name()).as(SET), col("_s" + i).as(SUBJECT)));
      Map<String, String> placed = new LinkedHashMap<>();
      for (String state : s.sums().keySet()) {
        placed.put(slots.of(s.name(), state), value(i, state));
      }
      for (String slot : slots.names()) {
        Column v = placed.containsKey(slot) ? col(placed.get(slot)) : lit(null);
        fields.add(v.cast(slots.type(slot)).as(slot));
      }
      contributions.add(when(col("_w" + i), struct(fields.toArray(Column[]::new))));
    }
    return sumUp(exploded(values, contributions), slots.names(), finest(stateKeys()));
  }

  /**
   * Every histogram's bin counts, rolled up like the states: each kind's events read once, one
   * narrow row (set, subject, bin) per histogram whose value an event has, counted at the finest
   * keys.
   */
  private static Dataset<Row> bins(List<Histogram> histograms, MeasuredEvents in, UnaryOperator<Dataset<Row>> part) {
    Map<EventKind, List<Histogram>> byKind = new LinkedHashMap<>();
    histograms.forEach(h -> byKind.computeIfAbsent(h.kind(), k -> new ArrayList<>()).add(h));
    Dataset<Row> finest = null;
    for (Map.Entry<EventKind, List<Histogram>> kind : byKind.entrySet()) {
      List<Column> computed = new ArrayList<>();
      EventKeys.keys().forEach(k -> computed.add(col(k)));
      List<Column> contributions = new ArrayList<>();
      List<Histogram> of = kind.getValue();
      for (int i = 0; i < of.size(); i++) {
        Histogram h = of.get(i);
        computed.add(h.where().and(h.value().isNotNull()).as("_w" + i));
        computed.add(subject(h.subject()).as("_s" + i));
        computed.add(Percentiles.bin(h.value(), in.settings()).as("_b" + i));
        contributions.add(when(col("_w" + i), struct(lit(h.name()).as(SET), col("_s" + i).as(SUBJECT), col("_b" + i).as(BIN))));
      }
      Dataset<Row> values = part.apply(kind.getKey().events().apply(in)).select(computed.toArray(Column[]::new));
      Dataset<Row> counts = exploded(values, contributions).withColumn(COUNT, lit(1L));
      Dataset<Row> sums = sumUp(counts, List.of(COUNT), finest(binKeys()));
      finest = finest == null ? sums : finest.unionByName(sums);
    }
    return rolledUp(finest, List.of(COUNT), binKeys(), in);
  }

  /** The event keys and the fields of each contribution an event makes, one row per contribution. */
  private static Dataset<Row> exploded(Dataset<Row> values, List<Column> contributions) {
    List<Column> select = new ArrayList<>();
    EventKeys.keys().forEach(k -> select.add(col(k)));
    select.add(explode(array(contributions.toArray(Column[]::new))).as(PART));
    List<Column> flat = new ArrayList<>();
    EventKeys.keys().forEach(k -> flat.add(col(k)));
    flat.add(col(PART + ".*"));
    return values.select(select.toArray(Column[]::new)).filter(col(PART).isNotNull()).select(flat.toArray(Column[]::new));
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
