package io.servicegap.ingest;

import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * An input as read, before validation: its own columns (lower-cased names), plus
 * {@link #READ_SEQ} (read order, for duplicate ties), {@link #SOURCE_FILE} and, for text formats,
 * {@link #CORRUPT} (a line the reader could not split into the header's columns).
 */
public record RawSource(String source, String path, Dataset<Row> rows, List<String> columns) {
  public static final String READ_SEQ = "_read_seq";
  public static final String SOURCE_FILE = "_source_file";
  public static final String CORRUPT = "_corrupt_record";
}
