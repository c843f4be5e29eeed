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
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads and validates every configured source in dependency order. Each source is read once:
 * its verdicts are persisted, then counted, quarantined and accepted from the same copy.
 */
public final class Ingestion {
  private static final Logger LOG = LoggerFactory.getLogger(Ingestion.class);

  /** Quarantine rows, before the run's keys are added. */
  public static final List<String> QUARANTINE_COLUMNS = List.of("source", "reason", "column_name", "record", "source_file");

  private final SparkSession spark;
  private final Settings settings;

  public Ingestion(SparkSession spark, Settings settings) {
    this.spark = spark;
    this.settings = settings;
  }

  /** Accepted rows per source, quarantined rows of all sources, and the counts that reconcile them. */
  public record Result(Map<String, Dataset<Row>> accepted, Dataset<Row> quarantine, List<SourceCounts> counts) {
    public boolean has(String source) {
      return accepted.containsKey(source);
    }

    public Dataset<Row> rows(String source) {
      return accepted.get(source);
    }
  }

  public Result ingest() {
    SourceReader reader = new SourceReader(spark);
    Map<String, Dataset<Row>> accepted = new LinkedHashMap<>();
    List<Dataset<Row>> quarantines = new ArrayList<>();
    List<SourceCounts> counts = new ArrayList<>();
    for (SourceSpec spec : InputContract.ALL) {
      Settings.SourceSettings in = settings.input(spec.name());
      if (in.path() == null) {
        LOG.info("source {}: not configured, skipped", spec.name());
        continue;
      }
      long started = System.nanoTime();
      spark.sparkContext().setJobDescription("ingest " + spec.name());
      RawSource raw = reader.read(in, spec);
      Dataset<Row> verdicts = SourceValidation.validate(raw, spec, settings, accepted).persist(StorageLevel.MEMORY_AND_DISK());
      SourceCounts c = tally(verdicts, in);
      counts.add(c);
      accepted.put(spec.name(), verdicts.filter(col(SourceValidation.REASON).isNull()).select(spec.columns().stream().map(x -> col(x.name())).toArray(Column[]::new)));
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
          "source {}: read {} rows, accepted {}, quarantined {} {} in {} ms",
          spec.name(), c.read(), c.accepted(), c.quarantined(), c.quarantinedByReason(), (System.nanoTime() - started) / 1_000_000);
    }
    Dataset<Row> quarantine = quarantines.stream().reduce(Dataset::unionAll).orElseThrow();
    return new Result(accepted, quarantine, counts);
  }

  /** The first action on a source: a read failure here is the source's fault, so name it. */
  private SourceCounts tally(Dataset<Row> verdicts, Settings.SourceSettings in) {
    List<Row> byReason;
    try {
      byReason = verdicts.groupBy(col(SourceValidation.REASON)).agg(count(lit(1))).collectAsList();
    } catch (RuntimeException e) {
      throw new InputException(in.name() + ": cannot read " + in.format() + " input at " + in.path() + ": " + rootMessage(e), e);
    }
    long read = 0;
    long ok = 0;
    Map<String, Long> reasons = new TreeMap<>();
    for (Row r : byReason) {
      long n = r.getLong(1);
      read += n;
      if (r.isNullAt(0)) {
        ok = n;
      } else {
        reasons.put(r.getString(0), n);
      }
    }
    return new SourceCounts(in.name(), in.path(), read, ok, reasons);
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getClass().getSimpleName() + ": " + t.getMessage();
  }
}
