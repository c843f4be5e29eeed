package io.servicegap.metrics;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Small intermediate results that several families read within the one measuring plan, cached so
 * they are computed once: each reader uses different columns, and Spark's column pruning would
 * otherwise give every reader its own scan and aggregation of the events. Freed when measuring ends.
 */
public final class SharedResults implements AutoCloseable {
  private final List<Dataset<Row>> cached = new ArrayList<>();

  /** The rows, cached for this measuring pass; an equal plan asked for twice is cached once. */
  public Dataset<Row> cache(Dataset<Row> rows) {
    for (Dataset<Row> c : cached) {
      if (c.queryExecution().analyzed().sameResult(rows.queryExecution().analyzed())) {
        return c;
      }
    }
    cached.add(rows.cache());
    return rows;
  }

  @Override
  public void close() {
    cached.forEach(d -> d.unpersist(false));
    cached.clear();
  }
}
