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
    List<Column> sets = new ArrayList<>();
    List<String> columns = new ArrayList<>();
    for (int mask = 0; mask < 1 << over.size(); mask++) {
      List<Column> keys = new ArrayList<>();
      for (int k = 0; k < over.size(); k++) {
        String key = over.get(k);
        boolean rolled = ((mask >> k) & 1) == 1;
        if (present.contains(KeyCodes.code(key))) {
          String code = KeyCodes.code(key);
          String other = KeyCodes.other(key);
          keys.add(rolled ? lit(KeyCodes.ALL_CODE).as(code) : col(code).as(code));
          keys.add(rolled ? lit(null).cast(DataTypes.StringType).as(other) : col(other).as(other));
          if (mask == 0) {
            columns.add(code);
            columns.add(other);
          }
        } else {
          keys.add(rolled ? lit(ALL).as(key) : col(key).as(key));
          if (mask == 0) {
            columns.add(key);
          }
        }
      }
      sets.add(struct(keys.toArray(Column[]::new)));
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
