package io.servicegap.keys;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.sql.Column;

/**
 * Columns to add or replace in one Dataset.withColumns step, in the order given. A plan built one
 * withColumn at a time is analysed whole again at every step, which on the job's larger plans
 * costs more than running them on small inputs.
 */
public final class AddedColumns {
  private AddedColumns() {}

  /** Name, column, name, column, …: new columns are appended in this order. */
  public static Map<String, Column> of(Object... nameThenColumn) {
    if (nameThenColumn.length % 2 != 0) {
      throw new IllegalArgumentException("a name and a column each: " + nameThenColumn.length + " arguments");
    }
    Map<String, Column> m = new LinkedHashMap<>();
    for (int i = 0; i < nameThenColumn.length; i += 2) {
      m.put((String) nameThenColumn[i], (Column) nameThenColumn[i + 1]);
    }
    return m;
  }
}
