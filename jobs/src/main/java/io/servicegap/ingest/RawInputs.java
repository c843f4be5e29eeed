package io.servicegap.ingest;

import io.servicegap.config.ConfigurationException;
import io.servicegap.config.Settings;
import io.servicegap.config.Settings.RawInput;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The raw inputs of a run, registered as views for the sources' queries, and the start-up check of
 * every mapping (SPEC §2b): all mistakes listed at once, before any row is read.
 */
public final class RawInputs {
  private RawInputs() {}

  /**
   * Registers every raw input as a view of its name (lazily: files are listed and CSV headers
   * read, no rows), then checks every mapped source against the columns it would read.
   *
   * @return the registered raw inputs, by name
   * @throws ConfigurationException listing every mapping mistake
   * @throws InputException a raw input that cannot be opened at all
   */
  public static Map<String, Dataset<Row>> registerAndCheck(SparkSession spark, Settings settings) {
    SourceReader reader = new SourceReader(spark);
    Map<String, Dataset<Row>> views = new LinkedHashMap<>();
    for (RawInput in : settings.raw().values()) {
      Dataset<Row> rows;
      try {
        rows = reader.raw(in);
      } catch (Exception e) { // AnalysisException (path not found), SQLException from the driver
        throw new InputException(
            settings.secrets().redact("raw input " + in.name() + ": cannot open " + in.format() + " " + in.origin() + ": " + rootMessage(e)), e);
      }
      rows.createOrReplaceTempView(in.name());
      views.put(in.name(), rows);
    }
    List<String> problems = new ArrayList<>();
    for (SourceSpec spec : InputContract.ALL) {
      Settings.SourceSettings in = settings.input(spec.name());
      if (in == null || !in.configured() || !in.mapped()) {
        continue;
      }
      Dataset<Row> export;
      try {
        export = reader.export(in);
      } catch (InputException e) {
        throw e;
      } catch (Exception e) { // AnalysisException: a query that does not parse, or names what does not exist
        if (!(e instanceof org.apache.spark.sql.AnalysisException)) {
          throw e;
        }
        problems.add("servicegap.inputs." + spec.name() + ".sql: " + ExportMapping.firstLine(e.getMessage()) + " (raw inputs: " + String.join(", ", views.keySet()) + ")");
        continue;
      }
      if (export != null) {
        problems.addAll(ExportMapping.problems(export, in, spec));
      }
    }
    if (!problems.isEmpty()) {
      throw new ConfigurationException(problems.stream().map(settings.secrets()::redact).toList());
    }
    return views;
  }

  /** The innermost cause of a failure: its class and the first line of its message. */
  public static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getClass().getSimpleName() + ": " + ExportMapping.firstLine(root.getMessage());
  }
}
