package io.servicegap.ingest;

import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * An input as read, before validation: its contract columns (lower-cased names), plus
 * {@link #READ_SEQ} (read order, for duplicate ties), {@link #SOURCE_FILE} and, for text formats,
 * {@link #CORRUPT} (a line the reader could not split into the header's columns).
 *
 * <p>A mapped source (SPEC §2b) also carries the export's own columns, as {@link #exportColumn},
 * so a rejected row is quarantined as the export had it.
 *
 * @param exportColumns the export's own column names, in order; empty for a source in the contract's layout
 * @param lostValues contract column → a boolean column, true where its mapping expression gave no
 *     value although every column it reads had one
 * @param leftOut the rows the source's {@code where} left out, or null without a where
 */
public record RawSource(
    String source, String path, Dataset<Row> rows, List<String> columns, List<String> exportColumns, Map<String, String> lostValues, Dataset<Row> leftOut) {
  public static final String READ_SEQ = "_read_seq";
  public static final String SOURCE_FILE = "_source_file";
  public static final String CORRUPT = "_corrupt_record";

  public RawSource(String source, String path, Dataset<Row> rows, List<String> columns) {
    this(source, path, rows, columns, List.of(), Map.of(), null);
  }

  /** The name the i-th export column is carried under. */
  public static String exportColumn(int i) {
    return "_export_" + i;
  }
}
