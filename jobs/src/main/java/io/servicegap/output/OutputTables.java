package io.servicegap.output;

import java.util.List;

/** The output tables: grain, partitioning and every column, declared once for writer and docs. */
public final class OutputTables {
  private OutputTables() {}

  public record OutputColumn(String name, String type, String description) {}

  public record Table(String name, String grain, List<String> partitionBy, List<OutputColumn> columns) {
    public List<String> columnNames() {
      return columns.stream().map(OutputColumn::name).toList();
    }
  }

  private static OutputColumn c(String name, String type, String description) {
    return new OutputColumn(name, type, description);
  }

  public static final Table GAP_METRICS =
      new Table(
          "gap_metrics",
          "One row per grain × period × segment × phase × price_tier × gap × metric × subject: one value per row.",
          List.of("grain", "period_start"),
          List.of(
              c("segment", "string", "Customer segment, or ALL when rolled up."),
              c("phase", "string", "Journey phase (pre_sale, delivery, post_sale), or ALL."),
              c("price_tier", "string", "Price tier, or ALL."),
              c("gap", "string", "Metric family: gap4 (communication), gap5 (customer)."),
              c("metric", "string", "Metric name, as in docs/metrics.md."),
              c("subject_type", "string", "What the metric is about: all, dimension or element."),
              c("subject", "string", "The dimension or element name, or ALL for subject_type all."),
              c("value", "double", "The metric's value (a rate in [0, 1], a mean, hours or a ratio)."),
              c("n", "bigint", "Denominator or sample size behind the value."),
              c("ci_low", "double", "Lower bound of the confidence interval (Wilson for rates, normal for means); null where none applies."),
              c("ci_high", "double", "Upper bound of the confidence interval; null where none applies."),
              c("low_sample", "boolean", "n is below servicegap.stats.min-sample."),
              c("as_of", "date", "The run's as_of date: events up to its end are counted."),
              c("run_id", "string", "Run that wrote the row; its manifest is _runs/<run_id>.json."),
              c("grain", "string", "Period length: day, week (ISO, from Monday) or month. Partition column."),
              c("period_start", "date", "First day of the period. Partition column.")));

  public static final Table QUARANTINE =
      new Table(
          "quarantine",
          "One row per rejected input row.",
          List.of("run_date", "source"),
          List.of(
              c("reason", "string", "PARSE_ERROR, MISSING_REQUIRED, BAD_VALUE, OUT_OF_RANGE, BAD_ORDER_OF_TIMES, UNKNOWN_REFERENCE, DUPLICATE_KEY or RESERVED_VALUE."),
              c("column_name", "string", "The column at fault: _record for a line that could not be split into columns; two names joined by a vertical bar when one of them was required."),
              c("record", "string", "The original row as text (JSON of its columns, or the raw line)."),
              c("source_file", "string", "File the row was read from."),
              c("as_of", "date", "The run's as_of date."),
              c("run_id", "string", "Run that rejected the row."),
              c("run_date", "date", "The run's as_of date. Partition column."),
              c("source", "string", "Input source of the row. Partition column.")));

  public static final List<Table> ALL = List.of(GAP_METRICS, QUARANTINE);
}
