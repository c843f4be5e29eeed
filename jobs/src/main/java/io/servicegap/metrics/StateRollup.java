package io.servicegap.metrics;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.sum;

import io.servicegap.config.Settings;
import io.servicegap.keys.EventKeys;
import io.servicegap.keys.GroupingSets;
import io.servicegap.keys.KeyCodes;
import io.servicegap.keys.Periods;
import io.servicegap.run.RunKeys;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Aggregates events to additive states at the finest keys (day × segment × phase × tier × extra
 * keys) in one pass, then rolls that small result up to every period and grouping set by summing.
 */
public final class StateRollup {
  private StateRollup() {}

  /**
   * @param states aggregations over events, each aliased with its state name; every state must be
   *     additive (a count or a sum)
   * @param extraKeys subject keys kept at every level (e.g. dimension)
   */
  public static Dataset<Row> rollUp(Dataset<Row> events, List<Column> states, List<String> extraKeys, Settings settings, RunKeys run) {
    return rollUp(events, states, extraKeys, KeyCodes.of(settings), settings, run);
  }

  /** {@link #rollUp} with the events' keys grouped by these codes (with those of extra keys). */
  public static Dataset<Row> rollUp(
      Dataset<Row> events, List<Column> states, List<String> extraKeys, KeyCodes codes, Settings settings, RunKeys run) {
    Dataset<Row> daily = daily(events, states, extraKeys, codes);
    Dataset<Row> periods = GroupingSets.expand(Periods.expand(daily, EventKeys.EVENT_DATE, settings.grains(), run));
    return codes.decode(sumUp(periods, stateNames(daily, extraKeys, codes), codes.columns(withKeys(extraKeys))));
  }

  /**
   * {@link #rollUp} for count states, in two steps: days to periods, then periods to grouping
   * sets. Hashing 3 + 8 copies of each row instead of 3 × 8 pays where the finest rows are many
   * (histograms); counts are exact in any order, so the result is the same. The keys stay coded
   * ({@link KeyCodes#columns}), for the caller to group the result further and decode once.
   *
   * <p>The rows are shuffled once, by grain and period, which every later grouping keeps: both
   * sums, and any window or grouping of the result by its report keys, then run where the rows
   * are. (Grouping sets multiply the rows eightfold; shuffled by all keys, as the sums alone would
   * be, a histogram crossed the network three times, the largest copy before its sum.)
   */
  public static Dataset<Row> rollUpCounts(
      Dataset<Row> events, List<Column> counts, List<String> extraKeys, KeyCodes codes, Settings settings, RunKeys run) {
    Dataset<Row> daily = daily(events, counts, extraKeys, codes);
    List<String> states = stateNames(daily, extraKeys, codes);
    List<String> periodKeys = new ArrayList<>(List.of(Periods.GRAIN, Periods.PERIOD_START));
    periodKeys.addAll(GroupingSets.KEYS);
    periodKeys.addAll(extraKeys);
    Dataset<Row> byPeriod = Periods.expand(daily, EventKeys.EVENT_DATE, settings.grains(), run).repartition(col(Periods.GRAIN), col(Periods.PERIOD_START));
    Dataset<Row> periods = sumUp(byPeriod, states, codes.columns(periodKeys));
    return sumUp(GroupingSets.expand(periods), states, codes.columns(withKeys(extraKeys)));
  }

  /** Sums states over the given keys (the roll-up of an already rolled set to coarser subjects). */
  public static Dataset<Row> sumUp(Dataset<Row> rows, List<String> stateNames, List<String> keys) {
    List<Column> sums = stateNames.stream().map(s -> sum(col(s)).as(s)).toList();
    return rows.groupBy(keys.stream().map(k -> col(k)).toArray(Column[]::new))
        .agg(sums.get(0), sums.subList(1, sums.size()).toArray(Column[]::new));
  }

  /** 1 where the condition holds, else 0: summed, a count of events meeting it. */
  public static Column count(Column condition) {
    return org.apache.spark.sql.functions.when(condition, 1L).otherwise(0L);
  }

  private static List<String> withKeys(List<String> extraKeys) {
    List<String> keys = new ArrayList<>(GroupingSets.reportKeys());
    keys.addAll(extraKeys);
    return keys;
  }

  /** States at the finest keys (day × segment × phase × tier × extra keys), the keys left coded. */
  private static Dataset<Row> daily(Dataset<Row> events, List<Column> states, List<String> extraKeys, KeyCodes codes) {
    return codes.aggregateCoded(events, finest(extraKeys), states);
  }

  private static List<String> finest(List<String> extraKeys) {
    List<String> finest = new ArrayList<>(EventKeys.keys());
    finest.addAll(extraKeys);
    return finest;
  }

  private static List<String> stateNames(Dataset<Row> daily, List<String> extraKeys, KeyCodes codes) {
    int keyCount = codes.columns(finest(extraKeys)).size();
    return Arrays.asList(daily.columns()).subList(keyCount, daily.columns().length);
  }
}
