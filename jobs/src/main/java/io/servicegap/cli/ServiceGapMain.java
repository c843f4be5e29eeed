package io.servicegap.cli;

import io.servicegap.config.ConfigurationException;
import io.servicegap.config.Settings;
import io.servicegap.config.SettingsLoader;
import io.servicegap.generate.GenerateCommand;
import io.servicegap.ingest.InputException;
import io.servicegap.ingest.RawInputs;
import io.servicegap.ingest.SourceCounts;
import io.servicegap.output.RunLock;
import io.servicegap.run.OneStepAggregates;
import io.servicegap.run.QualityGateException;
import io.servicegap.run.RunManifest;
import io.servicegap.run.ServiceGapJob;
import io.servicegap.run.StageClock;
import java.io.PrintStream;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.UUID;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Entry point: arguments and settings, the session, the run, and the exit code of SPEC §6. */
public final class ServiceGapMain {
  public static final int OK = 0;
  public static final int FAILED = 1;
  public static final int BAD_CONFIGURATION = 2;
  public static final int QUALITY_GATE = 3;
  private static final Logger LOG = LoggerFactory.getLogger(ServiceGapMain.class);
  private static final String EXTENSIONS = "spark.sql.extensions";
  private static final String MIN_SCAN_SPLITS = "spark.sql.files.minPartitionNum";
  private static final String LISTING_JOB_THRESHOLD = "spark.sql.sources.parallelPartitionDiscovery.threshold";

  private ServiceGapMain() {}

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  public static int run(String[] args, PrintStream out, PrintStream err) {
    if (args.length > 0 && args[0].equals("generate")) {
      return generate(args, out, err);
    }
    Arguments arguments;
    Settings settings;
    try {
      arguments = Arguments.parse(args);
      settings = SettingsLoader.load(arguments.conf(), arguments.sets(), io.servicegap.metrics.Families.names());
    } catch (ConfigurationException e) {
      err.println("servicegap: " + e.getMessage());
      err.println(Arguments.USAGE);
      return BAD_CONFIGURATION;
    }
    SparkSession spark;
    try {
      spark = session(settings);
    } catch (Exception e) { // Scala throws checked exceptions unchecked (FileNotFoundException)
      // A Spark setting it cannot start with (an event log folder that does not exist, a bad
      // master URL): say which, not a stack trace.
      LOG.debug("Spark did not start", e);
      err.println("servicegap: Spark did not start: " + settings.secrets().redact(RawInputs.rootMessage(e))
          + " (check servicegap.spark.conf and spark-submit's --conf)");
      return FAILED;
    }
    try {
      return execute(arguments, settings, spark, out, err);
    } finally {
      spark.stop();
    }
  }

  private static int generate(String[] args, PrintStream out, PrintStream err) {
    GenerateCommand.Options options;
    try {
      options = GenerateCommand.parse(args);
    } catch (ConfigurationException e) {
      err.println("servicegap: " + e.getMessage());
      err.println(Arguments.USAGE);
      return BAD_CONFIGURATION;
    }
    SparkSession spark = GenerateCommand.session();
    try {
      GenerateCommand.run(options, spark, out);
      return OK;
    } catch (Exception e) {
      LOG.error("generate failed", e);
      err.println("servicegap: generate failed: " + e);
      return FAILED;
    } finally {
      spark.stop();
    }
  }

  /** Runs a parsed command on a given session; returns the exit code. */
  public static int execute(Arguments arguments, Settings settings, SparkSession spark, PrintStream out, PrintStream err) {
    spark.conf().set("spark.sql.session.timeZone", settings.timezone().getId());
    spark.conf().set("spark.sql.parquet.outputTimestampType", "TIMESTAMP_MICROS");
    // A text timestamp its pattern cannot read is a PARSE_ERROR (null), not a failed run.
    spark.conf().set("spark.sql.legacy.timeParserPolicy", "CORRECTED");
    String runId = newRunId();
    boolean validateOnly = arguments.command().equals("validate");
    RunManifest manifest = new RunManifest(runId, settings.secrets().redact(arguments.commandLine()), settings.digest(), spark.version());
    StageClock clock = new StageClock(spark.sparkContext());
    int code;
    String error = null;
    try {
      var outcome =
          new ServiceGapJob(spark, settings)
              .execute(new ServiceGapJob.Request(runId, arguments.asOf(), arguments.backfillFrom(), validateOnly), manifest, clock);
      printInputs(out, outcome.inputs());
      printRejected(out, outcome.rejected(), settings);
      if (!validateOnly) {
        out.printf("as_of %s, periods from %s recomputed%n", outcome.run().asOf(), outcome.run().windowStart());
        out.println("tables under " + settings.outputPath() + ":");
        outcome.rowsByTable().forEach((t, n) -> out.printf("  %-18s %,d rows written%n", t, n));
        if (!outcome.topFindings().isEmpty()) {
          out.println("what to look at first:");
          for (int i = 0; i < outcome.topFindings().size(); i++) {
            out.printf("  %d. %s%n", i + 1, outcome.topFindings().get(i));
          }
        } else if (outcome.noFindings() != null) {
          out.println("what to look at first: " + outcome.noFindings());
        }
        out.println(outcome.report() != null ? "report: " + outcome.report() : "report: not written (see the log)");
      }
      code = OK;
    } catch (ConfigurationException e) {
      error = e.getMessage();
      code = BAD_CONFIGURATION;
    } catch (QualityGateException e) {
      error = e.getMessage();
      code = QUALITY_GATE;
    } catch (InputException e) {
      error = "input error: " + e.getMessage();
      code = FAILED;
    } catch (RunLock.HeldException e) {
      error = "refused: " + e.getMessage();
      code = FAILED;
    } catch (Exception e) { // includes SparkException, thrown unchecked from Scala
      java.io.StringWriter trace = new java.io.StringWriter();
      e.printStackTrace(new java.io.PrintWriter(trace));
      LOG.error("run failed: {}", settings.secrets().redact(trace.toString()));
      error = "run failed: " + e;
      code = FAILED;
    }
    if (error != null) {
      error = settings.secrets().redact(error);
      err.println("servicegap: " + error);
    }
    manifest.finish(code == OK ? "succeeded" : "failed", code, error, clock.millis());
    if (!validateOnly) {
      try {
        out.println("run manifest: " + manifest.write(settings.outputPath(), spark.sparkContext().hadoopConfiguration()));
      } catch (Exception e) {
        err.println("servicegap: could not write the run manifest: " + e.getMessage());
      }
    }
    return code;
  }

  private static void printInputs(PrintStream out, java.util.List<SourceCounts> inputs) {
    out.println("inputs:");
    for (SourceCounts c : inputs) {
      String note = c.path() == null ? "  (declared absent)" : c.leftOut() > 0 ? String.format("  (%,d left out by where)", c.leftOut()) : "";
      out.printf("  %-21s %,9d read %,9d accepted %,6d quarantined%s%s%n", c.source(), c.read(), c.accepted(), c.quarantined(), reasons(c.quarantinedByReason()), note);
    }
  }

  /** validate's report: the first rejected rows of each source and reason, as the export had them. */
  private static void printRejected(PrintStream out, java.util.List<ServiceGapJob.Rejected> rejected, Settings settings) {
    if (rejected.isEmpty()) {
      return;
    }
    out.println("first rejected rows of each source and reason, as read:");
    String group = null;
    for (ServiceGapJob.Rejected r : rejected) {
      String g = r.source() + " " + r.reason() + " (" + r.column() + ")";
      if (!g.equals(group)) {
        out.println("  " + g + ":");
        group = g;
      }
      out.println("    " + settings.secrets().redact(r.record()));
    }
  }

  private static String reasons(Map<String, Long> byReason) {
    if (byReason.isEmpty()) {
      return "";
    }
    StringBuilder s = new StringBuilder(" (");
    byReason.forEach((r, n) -> s.append(s.length() > 2 ? ", " : "").append(r).append(' ').append(n));
    return s.append(')').toString();
  }

  /** Sortable by start time, unique across concurrent starts. */
  static String newRunId() {
    String t = ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'"));
    return t + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  /** spark-submit's settings win: servicegap.spark.* only fills what is missing. */
  public static SparkSession session(Settings settings) {
    SparkConf conf = new SparkConf().setAppName("servicegap");
    conf.setIfMissing("spark.master", settings.sparkMaster());
    settings.sparkConf().forEach(conf::setIfMissing);
    conf.set(EXTENSIONS, OneStepAggregates.withExtension(conf.get(EXTENSIONS, null)));
    SparkSession spark = SparkSession.builder().config(conf).getOrCreate();
    if (!conf.contains(MIN_SCAN_SPLITS)) {
      // Four scan tasks per core at least: by default a scan gets one per core and 128 MB splits,
      // so 10 M orders (610 MB) ran as 5 tasks on 2 cores, the last alone on one core.
      spark.conf().set(MIN_SCAN_SPLITS, 4L * spark.sparkContext().defaultParallelism());
    }
    if (spark.sparkContext().isLocal() && !conf.contains(LISTING_JOB_THRESHOLD)) {
      // Folders with over 32 subfolders (a table's ~470 period partitions) are listed by a Spark
      // job of one task per folder; in local mode those tasks run in this JVM anyway, and on the
      // samples the job took 6 s of the 11 s spent counting the staged tables' rows.
      spark.conf().set(LISTING_JOB_THRESHOLD, Integer.MAX_VALUE);
    }
    return spark;
  }
}
