package io.servicegap.metrics;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Where the measuring pass keeps the rolled-up states every family reads. Materialized once, and
 * read back as a plan of their own: each family's few steps are then analysed against a scan,
 * not against the whole roll-up behind it (which made planning the run's slowest part).
 */
public final class SharedResults {
  private final String scratch;

  /** Results written as Parquet under {@code scratch} (removed with the run's staging area). */
  public SharedResults(String scratch) {
    this.scratch = scratch;
  }

  /** Results checkpointed in the executors' block stores: for tests, with no run folder. */
  public SharedResults() {
    this(null);
  }

  /** The rows, computed now and read back with no lineage. */
  Dataset<Row> materialize(String name, Dataset<Row> rows) {
    if (scratch == null) {
      return rows.localCheckpoint();
    }
    String path = scratch + "/" + name;
    rows.write().mode(org.apache.spark.sql.SaveMode.Overwrite).parquet(path);
    return rows.sparkSession().read().parquet(path);
  }
}
