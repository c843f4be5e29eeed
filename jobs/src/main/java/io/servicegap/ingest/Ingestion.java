package io.servicegap.ingest;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;

import io.servicegap.config.Settings;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.DataFrameWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads and validates every configured source in dependency order. Each source is read once: its
 * verdicts are written to the run's scratch folder as Parquet and counted as they are written, then
 * quarantined and accepted from that copy. (A scratch copy rather than a cache: later plans stay small, scans are
 * column-pruned, and inputs larger than memory spill nowhere.)
 */
public final class Ingestion {
  private static final Logger LOG = LoggerFactory.getLogger(Ingestion.class);

  private final SparkSession spark;
  private final Settings settings;
  private final String scratch;

  /** @param scratch a folder private to this run, removed by the caller afterwards */
  public Ingestion(SparkSession spark, Settings settings, String scratch) {
    this.spark = spark;
    this.settings = settings;
    this.scratch = scratch;
  }

  /**
   * Accepted rows per source (the contract's columns and what their references carry), quarantined
   * rows of all sources, and the counts that reconcile them.
   */
  public record Result(Map<String, Dataset<Row>> accepted, Dataset<Row> quarantine, List<SourceCounts> counts, Map<String, Long> rawRows) {
    public boolean has(String source) {
      return accepted.containsKey(source);
    }

    public Dataset<Row> rows(String source) {
      return accepted.get(source);
    }
  }

  /** Every configured source. */
  public Result ingest() {
    return ingest(InputContract.ALL.stream().map(SourceSpec::name).collect(java.util.stream.Collectors.toSet()));
  }

  /**
   * The configured sources among {@code wanted}, with the sources they refer to.
   *
   * @param wanted source names; those a wanted source references are read too
   */
  public Result ingest(java.util.Set<String> wanted) {
    java.util.Set<String> reading = withReferencedSources(wanted);
    SourceReader reader = new SourceReader(spark);
    Map<String, Long> rawRows = new LinkedHashMap<>();
    RawInputs.registerAndCheck(spark, settings).forEach((name, rows) -> {
      spark.sparkContext().setJobDescription("count raw input " + name);
      rawRows.put(name, rows.count());
      LOG.info("raw input {}: {} rows", name, rawRows.get(name));
    });
    Map<String, Dataset<Row>> accepted = new LinkedHashMap<>();
    List<Dataset<Row>> quarantines = new ArrayList<>();
    List<SourceCounts> counts = new ArrayList<>();
    for (SourceSpec spec : InputContract.ALL) {
      Settings.SourceSettings in = settings.input(spec.name());
      if (!in.configured() && in.required()) {
        LOG.info("source {}: not configured, skipped", spec.name());
        continue;
      }
      if (!reading.contains(spec.name())) {
        LOG.info("source {}: read by no metric family of this run, skipped", spec.name());
        continue;
      }
      long started = System.nanoTime();
      spark.sparkContext().setJobDescription("ingest " + spec.name());
      RawSource raw = reader.read(in, spec);
      // Counted while written: the write's observed metrics, not another pass over the copy.
      org.apache.spark.sql.Observation tally = new org.apache.spark.sql.Observation("verdicts of " + spec.name());
      Dataset<Row> verdicts = materialize(SourceValidation.validate(raw, spec, settings, accepted).observe(tally, COUNTED.get(0), COUNTED.subList(1, COUNTED.size()).toArray(Column[]::new)), in, spec);
      long leftOut = 0;
      if (raw.leftOut() != null) {
        spark.sparkContext().setJobDescription("count rows " + spec.name() + ".where leaves out");
        leftOut = raw.leftOut().count();
      }
      SourceCounts c = counts(observed(tally), in, leftOut);
      counts.add(c);
      List<Column> kept = new ArrayList<>();
      spec.columns().forEach(x -> kept.add(col(x.name())));
      spec.carried().forEach(a -> kept.add(col(a.name())));
      accepted.put(spec.name(), verdicts.filter(col(SourceValidation.REASON).isNull()).select(kept.toArray(Column[]::new)));
      quarantines.add(
          verdicts
              .filter(col(SourceValidation.REASON).isNotNull())
              .select(
                  lit(spec.name()).as("source"),
                  col(SourceValidation.REASON).as("reason"),
                  col(SourceValidation.COLUMN).as("column_name"),
                  col(SourceValidation.RECORD).as("record"),
                  col(RawSource.SOURCE_FILE).as("source_file")));
      LOG.info(
          "source {}{}: read {} rows, accepted {}, quarantined {} {}, left out by where {} in {} ms",
          spec.name(), in.configured() ? "" : " (declared absent: empty)", c.read(), c.accepted(), c.quarantined(), c.quarantinedByReason(), c.leftOut(),
          (System.nanoTime() - started) / 1_000_000);
    }
    Dataset<Row> quarantine = quarantines.stream().reduce(Dataset::unionAll).orElseThrow();
    return new Result(accepted, quarantine, counts, rawRows);
  }

  /** The wanted sources and, transitively, the sources their columns refer to. */
  static java.util.Set<String> withReferencedSources(java.util.Set<String> wanted) {
    java.util.Set<String> all = new java.util.TreeSet<>(wanted);
    boolean grew = true;
    while (grew) {
      grew = false;
      for (SourceSpec spec : InputContract.ALL) {
        if (all.contains(spec.name())) {
          for (ColumnSpec c : spec.columns()) {
            if (c.referencedSource() != null) {
              grew |= all.add(c.referencedSource());
            }
          }
        }
      }
    }
    return all;
  }

  /** The one pass over an input: a read failure here is the source's fault, so name it. */
  private Dataset<Row> materialize(Dataset<Row> verdicts, Settings.SourceSettings in, SourceSpec spec) {
    String path = scratch + "/" + in.name();
    try {
      // Dictionaries only for the text attributes (segment, tier, status, the file...), which take
      // few values: ids, times and amounts are nearly all distinct, and trying a dictionary on them
      // first doubled the cost of this write (10 M orders: 20 s → 12 s on 2 cores) for no faster scan.
      // No page checksums either: this run alone reads the copy, and Parquet readers verify them
      // only when asked to (parquet.page.verify-checksum.enabled, off), so they were never read.
      DataFrameWriter<Row> writer = verdicts.write().mode(SaveMode.Overwrite)
          .option("parquet.enable.dictionary", "false")
          .option("parquet.page.write-checksum.enabled", "false");
      for (String c : fewValued(verdicts, spec)) {
        writer = writer.option("parquet.enable.dictionary#" + c, "true");
      }
      writer.parquet(path);
    } catch (Exception e) { // Spark's own SparkException is checked, thrown unchecked from Scala
      throw SourceReader.unreadable(in, e);
    }
    return spark.read().parquet(path);
  }

  /** Text columns other than identifiers (the key, references) and the quarantined record. */
  private static List<String> fewValued(Dataset<Row> verdicts, SourceSpec spec) {
    List<String> names = new ArrayList<>();
    for (StructField f : verdicts.schema().fields()) {
      boolean id = spec.key().contains(f.name()) || spec.column(f.name()).map(c -> c.references() != null).orElse(false);
      if (f.dataType().equals(DataTypes.StringType) && !id && !f.name().equals(SourceValidation.RECORD)) {
        names.add(f.name());
      }
    }
    return names;
  }

  /** The verdicts counted: every row, and the rows of each reason. */
  private static final List<Column> COUNTED = counted();

  private static List<Column> counted() {
    List<Column> c = new ArrayList<>();
    c.add(count(lit(1)).as("read"));
    for (Reason r : Reason.values()) {
      c.add(count(org.apache.spark.sql.functions.when(col(SourceValidation.REASON).equalTo(r.name()), 1)).as(r.name()));
    }
    return List.copyOf(c);
  }

  /** The metrics observed while the verdicts were written (the write has finished: they are there). */
  private static Map<String, Object> observed(org.apache.spark.sql.Observation tally) {
    try {
      return tally.getAsJava();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while reading the verdicts' counts", e);
    }
  }

  private static SourceCounts counts(Map<String, Object> counted, Settings.SourceSettings in, long leftOut) {
    long read = ((Number) counted.get("read")).longValue();
    Map<String, Long> reasons = new TreeMap<>();
    for (Reason r : Reason.values()) {
      long n = ((Number) counted.get(r.name())).longValue();
      if (n > 0) {
        reasons.put(r.name(), n);
      }
    }
    long quarantined = reasons.values().stream().mapToLong(Long::longValue).sum();
    return new SourceCounts(in.name(), in.origin(), read, read - quarantined, reasons, leftOut);
  }
}
