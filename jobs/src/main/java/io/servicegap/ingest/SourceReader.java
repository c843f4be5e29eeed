package io.servicegap.ingest;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.input_file_name;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.monotonically_increasing_id;

import io.servicegap.config.Settings.SourceSettings;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.Set;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/** Reads one configured source as it is, keeping every line, even those it cannot split. */
public final class SourceReader {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(SourceReader.class);
  private final SparkSession spark;

  public SourceReader(SparkSession spark) {
    this.spark = spark;
  }

  public RawSource read(SourceSettings in, SourceSpec spec) {
    try {
      return in.configured() && in.mapped() ? readMapped(in, spec) : readUnchecked(in, spec);
    } catch (InputException e) {
      throw e;
    } catch (Exception e) { // Spark's own SparkException is checked, thrown unchecked from Scala
      throw unreadable(in, e);
    }
  }

  /**
   * Names the source, format and path of an input Spark could not read, with the root cause. A
   * failure of the engine itself while reading or validating (memory above all) is no fault of
   * the input and is not reported as one.
   */
  static RuntimeException unreadable(SourceSettings in, Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
      if (EngineFailure.isEngineFailure(root)) {
        return new EngineFailure(in.name(), root, e);
      }
    }
    if (EngineFailure.isEngineFailure(e)) {
      return new EngineFailure(in.name(), e, e);
    }
    String what = in.path() != null ? in.format() + " input at " + in.path() : "its sql query over the raw inputs";
    return new InputException(in.name() + ": cannot read " + what + ": " + root.getClass().getSimpleName() + ": " + root.getMessage(), e);
  }

  /**
   * The export a mapped source reads, with its own column names, lazily: the query's result, or
   * its files (CSV as text, keeping unreadable lines). Without data files: null.
   */
  public Dataset<Row> export(SourceSettings in) {
    if (in.sql() != null) {
      return spark.sql(in.sql());
    }
    if (!hasDataFiles(in)) {
      return null;
    }
    return switch (in.format()) {
      case "csv" -> readCsv(in);
      case "json" -> reader(in).option("primitivesAsString", "true").json(in.path());
      default -> reader(in).parquet(in.path());
    };
  }

  /**
   * One raw input, as it is, for the sources' queries: files (CSV values as text, so every value
   * reaches validation as the export wrote it), a JDBC table or query, or a catalog table.
   */
  public Dataset<Row> raw(io.servicegap.config.Settings.RawInput in) {
    return switch (in.format()) {
      case "jdbc" -> spark.read().format("jdbc").options(in.options()).load();
      case "table" -> spark.table(in.table());
      case "csv" -> {
        List<String> columns = csvColumns(in.name(), in.path(), in.options());
        yield spark.read().options(in.options()).option("header", hasHeader(in.options())).schema(textSchema(columns, false)).csv(in.path());
      }
      case "json" -> spark.read().options(in.options()).option("primitivesAsString", "true").json(in.path());
      default -> spark.read().options(in.options()).parquet(in.path());
    };
  }

  private RawSource readMapped(SourceSettings in, SourceSpec spec) {
    Dataset<Row> export = export(in);
    if (export == null) {
      RawSource empty = readUnchecked(in, spec);
      return new RawSource(in.name(), in.origin(), empty.rows(), empty.columns());
    }
    return mapped(export, in, spec);
  }

  /** An export shaped by its source's mapping, as validation reads it. */
  static RawSource mapped(Dataset<Row> export, SourceSettings in, SourceSpec spec) {
    ExportMapping.Mapped m = ExportMapping.apply(export, in, spec);
    Column file = in.sql() != null ? lit(null).cast(DataTypes.StringType) : input_file_name();
    Dataset<Row> rows = m.rows().withColumn(RawSource.SOURCE_FILE, file).withColumn(RawSource.READ_SEQ, monotonically_increasing_id());
    return new RawSource(in.name(), in.origin(), rows, m.columns(), m.exportColumns(), m.lostValues(), m.leftOut());
  }

  private RawSource readUnchecked(SourceSettings in, SourceSpec spec) {
    Dataset<Row> rows;
    if (!in.configured() || !hasDataFiles(in)) { // a source declared absent reads as an empty one
      rows = spark.createDataFrame(List.of(), textSchema(spec.columns().stream().map(ColumnSpec::name).toList(), false));
    } else {
      rows = switch (in.format()) {
        case "csv" -> readCsv(in);
        case "json" -> reader(in).option("primitivesAsString", "true").json(in.path());
        default -> reader(in).parquet(in.path());
      };
    }
    List<Column> projected = new ArrayList<>();
    List<String> names = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (String c : rows.columns()) {
      String lower = c.toLowerCase(Locale.ROOT).trim();
      if (c.equals(RawSource.CORRUPT)) {
        projected.add(col(quoted(c)));
      } else if (seen.add(lower)) {
        projected.add(col(quoted(c)).as(lower));
        names.add(lower);
      } else {
        throw new InputException(in.name() + " (" + in.path() + "): column '" + lower + "' appears twice");
      }
    }
    for (String required : spec.requiredColumns()) {
      if (!names.contains(required)) {
        String headerless = "csv".equals(in.format()) && !hasHeader(in.options())
            ? " (the file has no header row: name the contract's columns by position in the source's columns mapping, e.g. " + required + " = _c0)"
            : "";
        throw new InputException(
            in.name() + " (" + in.path() + "): required column '" + required + "' is missing; found columns "
                + names + headerless);
      }
    }
    Dataset<Row> raw =
        rows.select(projected.toArray(Column[]::new))
            .withColumn(RawSource.SOURCE_FILE, input_file_name())
            .withColumn(RawSource.READ_SEQ, monotonically_increasing_id());
    if (!Arrays.asList(raw.columns()).contains(RawSource.CORRUPT)) {
      raw = raw.withColumn(RawSource.CORRUPT, lit(null).cast(DataTypes.StringType));
    }
    return new RawSource(in.name(), in.path(), raw, List.copyOf(names));
  }

  /**
   * The header decides the columns (without one, Spark's names by position: _c0, _c1, …); every
   * value is read as text so nothing fails at read.
   */
  private Dataset<Row> readCsv(SourceSettings in) {
    boolean header = hasHeader(in.options());
    List<String> names = csvColumns(in.name(), in.path(), in.options());
    return reader(in)
        .option("header", header)
        .option("mode", "PERMISSIVE")
        .option("columnNameOfCorruptRecord", RawSource.CORRUPT)
        .schema(textSchema(names, true))
        .csv(in.path());
  }

  /** A CSV input's column names: its header's, or _c0, _c1, … by position without one. */
  private List<String> csvColumns(String input, String path, Map<String, String> options) {
    boolean header = hasHeader(options);
    List<String> names = List.of(spark.read().options(options).option("header", header).option("inferSchema", "false").csv(path).schema().fieldNames());
    for (int i = 0; header && i < names.size(); i++) {
      if (names.get(i).equals("_c" + i)) {
        // Spark warns of it for every file it reads (logged at error only); one line says it here.
        LOG.warn("{}: column {} of the CSV header has no name; it is read as _c{}", input, i + 1, i);
      }
    }
    return names;
  }

  /** A CSV file has a header row unless its options say header = false (Spark's option names ignore case). */
  static boolean hasHeader(Map<String, String> options) {
    return options.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase("header")).map(e -> !e.getValue().trim().equalsIgnoreCase("false"))
        .findFirst().orElse(true);
  }

  private DataFrameReader reader(SourceSettings in) {
    return spark.read().options(in.options());
  }

  private static StructType textSchema(List<String> names, boolean withCorrupt) {
    List<StructField> fields = new ArrayList<>();
    for (String n : names) {
      fields.add(DataTypes.createStructField(n, DataTypes.StringType, true));
    }
    if (withCorrupt) {
      fields.add(DataTypes.createStructField(RawSource.CORRUPT, DataTypes.StringType, true));
    }
    return DataTypes.createStructType(fields);
  }

  private static String quoted(String name) {
    return "`" + name.replace("`", "``") + "`";
  }

  /** Whether a path, folder or glob holds any data file; an existing empty folder is an empty source. */
  private boolean hasDataFiles(SourceSettings in) {
    Path path = new Path(in.path());
    try {
      FileSystem fs = path.getFileSystem(spark.sparkContext().hadoopConfiguration());
      FileStatus[] matches = fs.globStatus(path);
      if (matches == null || matches.length == 0) {
        throw new InputException(in.name() + ": input path not found: " + in.path());
      }
      for (FileStatus m : matches) {
        if (!m.isDirectory()) {
          return true;
        }
        var it = fs.listFiles(m.getPath(), true);
        while (it.hasNext()) {
          if (visible(it.next().getPath(), m.getPath())) {
            return true;
          }
        }
      }
      return false;
    } catch (IOException e) {
      throw new InputException(in.name() + ": cannot list input path " + in.path() + ": " + e.getMessage(), e);
    }
  }

  /** Skips _SUCCESS, .crc and other hidden files anywhere below the folder. */
  private static boolean visible(Path file, Path root) {
    for (Path p = file; p != null && !p.equals(root); p = p.getParent()) {
      String n = p.getName();
      if (n.startsWith("_") || n.startsWith(".")) {
        return false;
      }
    }
    return true;
  }
}
