package io.servicegap.keys;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.struct;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

/**
 * The 8 grouping sets of (segment, phase, price_tier): each row is copied once per set, with the
 * rolled-up keys replaced by ALL — the literal, or for a key coded by {@link KeyCodes} the code
 * {@link KeyCodes#ALL_CODE} with no other text. Applied to small, pre-aggregated states.
 */
public final class GroupingSets {
  public static final String ALL = "ALL";
  public static final List<String> KEYS = List.of("segment", "phase", "price_tier");

  private GroupingSets() {}

  public static Dataset<Row> expand(Dataset<Row> rows) {
    return expand(rows, KEYS);
  }

  /** The grouping sets of some of the keys only (the others are left as they are). */
  public static Dataset<Row> expand(Dataset<Row> rows, List<String> over) {
    List<String> present = Arrays.asList(rows.columns());
    // Each key's columns (a coded key has two) with their rolled-up values, and whose they are.
    List<String> columns = new ArrayList<>();
    List<Column> rolledUp = new ArrayList<>();
    List<Integer> keyOf = new ArrayList<>();
    for (int k = 0; k < over.size(); k++) {
      String key = over.get(k);
      if (present.contains(KeyCodes.code(key))) {
        columns.addAll(List.of(KeyCodes.code(key), KeyCodes.other(key)));
        rolledUp.addAll(List.of(lit(KeyCodes.ALL_CODE), lit(null).cast(DataTypes.StringType)));
        keyOf.addAll(List.of(k, k));
      } else {
        columns.add(key);
        rolledUp.add(lit(ALL));
        keyOf.add(k);
      }
    }
    List<Column> sets = new ArrayList<>();
    for (int mask = 0; mask < 1 << over.size(); mask++) {
      List<Column> fields = new ArrayList<>();
      for (int c = 0; c < columns.size(); c++) {
        boolean rolled = ((mask >> keyOf.get(c)) & 1) == 1;
        fields.add((rolled ? rolledUp.get(c) : col(columns.get(c))).as(columns.get(c)));
      }
      sets.add(struct(fields.toArray(Column[]::new)));
    }
    Dataset<Row> out = rows.withColumn("_set", explode(array(sets.toArray(Column[]::new))));
    for (String c : columns) {
      out = out.withColumn(c, col("_set." + c));
    }
    return out.drop("_set");
  }

  /** Grain, period and the three keys: the key of every aggregate row. */
  public static List<String> reportKeys() {
    List<String> k = new ArrayList<>(List.of(Periods.GRAIN, Periods.PERIOD_START));
    k.addAll(KEYS);
    return k;
  }
}
