package io.servicegap.ingest;

import java.util.List;
import java.util.Optional;

/**
 * The contract of one input source.
 *
 * @param key columns whose values identify a row; duplicates keep the latest {@code updated_ts}
 * @param scaledColumns numbers that must lie within the scale of the row's dimension
 * @param oneOfRequired at least one of these must be present (empty: no such rule)
 */
public record SourceSpec(
    String name,
    String description,
    List<ColumnSpec> columns,
    List<String> key,
    List<String> scaledColumns,
    List<String> oneOfRequired) {

  public static final String VERSION_COLUMN = "updated_ts";

  public Optional<ColumnSpec> column(String name) {
    return columns.stream().filter(c -> c.name().equals(name)).findFirst();
  }

  public boolean versioned() {
    return column(VERSION_COLUMN).isPresent();
  }

  /** What the source's references bring along from the rows they name, in column order. */
  public List<ColumnSpec.Carried> carried() {
    return columns.stream().flatMap(c -> c.carried().stream()).toList();
  }

  public List<String> requiredColumns() {
    return columns.stream().filter(ColumnSpec::required).map(ColumnSpec::name).toList();
  }
}
