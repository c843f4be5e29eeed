package io.servicegap.keys;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.struct;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The 8 grouping sets of (segment, phase, price_tier): each row is copied once per set, with the
 * rolled-up keys replaced by the literal ALL. Applied to small, pre-aggregated states.
 */
public final class GroupingSets {
  public static final String ALL = "ALL";
  public static final List<String> KEYS = List.of("segment", "phase", "price_tier");
  /** The column each row's grouping set is exploded into: a physical plan's expansions are found by it. */
  public static final String SET_COLUMN = "_grouping_set";

  private GroupingSets() {}

  public static Dataset<Row> expand(Dataset<Row> rows) {
    return expand(rows, KEYS);
  }

  /** The grouping sets of some of the keys only (the others are left as they are). */
  public static Dataset<Row> expand(Dataset<Row> rows, List<String> over) {
    List<Column> sets = new ArrayList<>();
    for (int mask = 0; mask < 1 << over.size(); mask++) {
      List<Column> fields = new ArrayList<>();
      for (int k = 0; k < over.size(); k++) {
        boolean rolled = ((mask >> k) & 1) == 1;
        fields.add((rolled ? lit(ALL) : col(over.get(k))).as(over.get(k)));
      }
      sets.add(struct(fields.toArray(Column[]::new)));
    }
    // The sets are built as the first column, the only one the explode reads. Spark prunes a
    // generator's unread inputs by position; when the optimizer then dropped a key it found
    // constant (orders alone: all of the delivery phase), later positions shifted and the wrong
    // column was pruned. A first column's position does not move.
    // The keys are replaced in one step: each step analyses the whole plan again.
    Map<String, Column> keys = new LinkedHashMap<>();
    for (String c : over) {
      keys.put(c, col(SET_COLUMN + "." + c));
    }
    return rows.select(array(sets.toArray(Column[]::new)).as("_sets"), col("*"))
        .withColumn(SET_COLUMN, explode(col("_sets")))
        .withColumns(keys)
        .drop("_sets", SET_COLUMN);
  }

  /** Grain, period and the three keys: the key of every aggregate row. */
  public static List<String> reportKeys() {
    List<String> k = new ArrayList<>(List.of(Periods.GRAIN, Periods.PERIOD_START));
    k.addAll(KEYS);
    return k;
  }
}
