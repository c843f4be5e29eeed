package io.servicegap.run;

import io.servicegap.output.OutputTables;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * A table a run will write, as planned: the rows it is built from (given what the run has staged
 * before it), the partitions it owns, and the tables it derives from.
 *
 * @param stage the name of its stage in logs and the manifest
 * @param rows its rows, built when the executor stages it (a derived table reads staged ones)
 * @param owns the published partitions (partition column → value) this run replaces
 * @param whenEmpty the partition its schema is written to when it has no rows
 * @param derivedFrom tables it is computed from: with no staged rows in one, it is not written
 */
public record PlannedTable(
    OutputTables.Table table,
    String stage,
    Function<Staged, Dataset<Row>> rows,
    Predicate<Map<String, String>> owns,
    List<String> whenEmpty,
    List<OutputTables.Table> derivedFrom) {

  /** What the executor has staged so far in the run. */
  public interface Staged {
    boolean hasRows(OutputTables.Table table);

    Dataset<Row> read(OutputTables.Table table);
  }
}
