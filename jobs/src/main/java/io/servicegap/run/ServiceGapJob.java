package io.servicegap.run;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.to_date;

import io.servicegap.config.Settings;
import io.servicegap.ingest.Ingestion;
import io.servicegap.ingest.SourceCounts;
import io.servicegap.keys.Periods;
import io.servicegap.keys.RunKeys;
import io.servicegap.metrics.Families;
import io.servicegap.metrics.PhaseImpact;
import io.servicegap.output.OutputTables;
import io.servicegap.output.RunLock;
import io.servicegap.output.TablePublisher;
import java.sql.Date;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One servicegap run: ingest, gate, measure, stage, publish, and the manifest of it all. */
public final class ServiceGapJob {
  private static final Logger LOG = LoggerFactory.getLogger(ServiceGapJob.class);
  private final SparkSession spark;
  private final Settings settings;

  public ServiceGapJob(SparkSession spark, Settings settings) {
    this.spark = spark;
    this.settings = settings;
  }

  /**
   * @param asOf the run's as_of date; empty: the newest event date in the inputs
   * @param backfillFrom first date to recompute; empty: as_of − lookback
   * @param validateOnly ingest and report quarantine only, publish nothing
   */
  public record Request(String runId, Optional<LocalDate> asOf, Optional<LocalDate> backfillFrom, boolean validateOnly) {}

  /**
   * What a finished run reports: its manifest, and for a run the published row counts.
   *
   * @param rejected for validate, the first few quarantined rows of each source and reason
   * @param topFindings the run's first findings, in plain words
   * @param noFindings why the run found nothing, or null
   * @param report where the run's report is, or null (validate, or a report that failed)
   */
  public record Outcome(
      RunManifest manifest, List<SourceCounts> inputs, Map<String, Long> rowsByTable, RunKeys run, List<Rejected> rejected, List<String> topFindings,
      String noFindings, String report) {}

  /** Findings the run's summary ends with. */
  private static final int FINDINGS_SHOWN = 5;

  /** A quarantined row as its export had it, for validate's report. */
  public record Rejected(String source, String reason, String column, String record) {}

  /** Rows of each source and reason that validate shows. */
  private static final int REJECTED_SHOWN = 3;

  /** Runs to completion or throws; the caller maps exceptions to exit codes and records them. */
  public Outcome execute(Request request, RunManifest manifest, StageClock clock) {
    if (request.validateOnly()) {
      TablePublisher scratch = new TablePublisher(settings.outputPath(), request.runId(), hadoop());
      try {
        Ingestion.Result ingested = clock.time("ingest", () -> new Ingestion(spark, settings, scratch.scratch("inputs")).ingest());
        manifest.inputs(ingested.counts(), ingested.rawRows());
        List<Rejected> rejected = firstRejected(ingested.quarantine());
        gate(ingested.counts());
        return new Outcome(manifest, ingested.counts(), Map.of(), null, rejected, List.of(), null, null);
      } finally {
        scratch.discardStaging();
      }
    }
    try (RunLock lock = RunLock.acquire(settings.outputPath(), request.runId(), Duration.ofHours(settings.lockStaleHours()), hadoop())) {
      TablePublisher.recoverInterrupted(settings.outputPath(), hadoop());
      return run(request, manifest, clock);
    }
  }

  private Outcome run(Request request, RunManifest manifest, StageClock clock) {
    TablePublisher publisher = new TablePublisher(settings.outputPath(), request.runId(), hadoop());
    try {
      relayout(request.runId());
      java.util.Set<String> sources = sourcesRead();
      InputSizing.followInput(spark, settings, sources);
      Ingestion.Result ingested = clock.time("ingest", () -> new Ingestion(spark, settings, publisher.scratch("inputs")).ingest(sources));
      manifest.inputs(ingested.counts(), ingested.rawRows());
      gate(ingested.counts());
      LocalDate asOf = request.asOf().orElseGet(() -> clock.time("find as_of", () -> newestEventDate(ingested)));
      // Retention after an event is known only a churn window later: a nightly run with the impact
      // family also recomputes the periods whose outcomes became known in its lookback window.
      int matured = settings.runs(PhaseImpact.GAP) ? settings.retention().churnAfterDays() : 0;
      LocalDate touched = request.backfillFrom().orElse(asOf.minusDays(settings.lookbackDays() + (long) matured));
      // Tables of periods are replaced a month at a time: the window widens to whole months.
      LocalDate from = RunKeys.monthsFrom(touched, settings.grains());
      RunKeys run = new RunKeys(request.runId(), asOf, from, settings.timezone());
      manifest.window(run);
      LOG.info("run {}: as_of {}, recomputing the months from {} (the window reaches back to {})", run.runId(), asOf, from, touched);

      // A run restricted to some families reads only their sources: its quarantine would replace
      // the day's full one with part of it, so it leaves the table be (the manifest has its counts).
      boolean readEverySource = ingested.counts().size() == configuredSources().size();
      if (!readEverySource) {
        LOG.info("quarantine not published: this run read only {}", ingested.accepted().keySet());
      }
      RunPlan plan = new RunPlanner(spark, settings).plan(ingested, run, readEverySource, publisher.scratch("measure"));
      LOG.info("run {} writes {}", run.runId(), String.join(", ", plan.tableNames()));
      AtomicReference<String> noFindings = new AtomicReference<>();
      Map<String, Long> rows = executePlan(plan, publisher, manifest, clock, noFindings);
      // The report is drawn from the published tables; a report that cannot be written leaves them
      // published and says so.
      String report;
      try {
        report = clock.time("write report", () -> new io.servicegap.report.RunReport(spark, settings, run).write(ingested.counts(), noFindings.get())).toString();
        manifest.report(report);
      } catch (RuntimeException e) {
        LOG.error("report not written: {}", settings.secrets().redact(String.valueOf(e)), e);
        manifest.report(null);
        report = null;
      }
      return new Outcome(manifest, ingested.counts(), rows, run, List.of(), topFindings(run), noFindings.get(), report);
    } finally {
      publisher.discardStaging();
    }
  }

  /** Tables published by grain and day (an earlier servicegap's layout) are rewritten by grain and month first. */
  private void relayout(String runId) {
    TablePublisher rewriter = new TablePublisher(settings.outputPath(), runId + "-layout", hadoop());
    try {
      for (OutputTables.Table table : List.of(OutputTables.GAP_METRICS, OutputTables.GAP_SCORECARD, OutputTables.PHASE_IMPACT)) {
        rewriter.rewriteLayout(spark, table, old -> Periods.withMonth(old.withColumn(Periods.PERIOD_START, col(Periods.PERIOD_START).cast("date"))));
      }
    } finally {
      rewriter.discardStaging();
    }
  }

  /**
   * Stages the plan's tables in order (a derived table only when what it derives from has rows),
   * counts their rows per partition, and publishes them together, each replacing only the
   * partitions it owns. Returns the rows written per table.
   */
  private Map<String, Long> executePlan(RunPlan plan, TablePublisher publisher, RunManifest manifest, StageClock clock, AtomicReference<String> noFindings) {
    PlannedTable.Staged staged = new PlannedTable.Staged() {
      @Override
      public boolean hasRows(OutputTables.Table table) {
        return publisher.hasStagedRows(table);
      }

      @Override
      public Dataset<Row> read(OutputTables.Table table) {
        return spark.read().parquet(publisher.stagedPath(table).toString());
      }
    };
    List<PlannedTable> written = new ArrayList<>();
    for (PlannedTable t : plan.tables()) {
      if (t.derivedFrom().stream().anyMatch(d -> !publisher.hasStagedRows(d))) {
        LOG.info("{} not written: {} has no rows", t.table().name(), t.derivedFrom().stream().map(OutputTables.Table::name).toList());
        continue;
      }
      clock.time(t.stage(), () -> stage(publisher, t.rows().apply(staged), t));
      written.add(t);
    }
    Map<PlannedTable, Map<String, Long>> counted = new LinkedHashMap<>();
    clock.time("count staged rows", () -> written.forEach(t -> counted.put(t, publisher.stagedRows(t.table()))));
    // Asked while the staged tables it reads are still in place.
    counted.forEach((t, byPartition) -> {
      if (t.table() == OutputTables.FINDINGS && byPartition.values().stream().mapToLong(Long::longValue).sum() == 0) {
        noFindings.set(clock.time("explain no findings", () -> plan.whyNoFindings().get()));
        manifest.noFindings(noFindings.get());
        LOG.info(noFindings.get());
      }
    });
    // Only the tables this run produced: a run restricted to some families leaves the others be.
    List<TablePublisher.Scope> scopes = written.stream().map(t -> new TablePublisher.Scope(t.table(), t.owns())).toList();
    var published = clock.time("publish", () -> publisher.publish(scopes));
    Map<String, Long> rows = new LinkedHashMap<>();
    counted.forEach((t, byPartition) -> {
      manifest.output(t.table().name(), byPartition, published.get(t.table().name()));
      rows.put(t.table().name(), byPartition.values().stream().mapToLong(Long::longValue).sum());
    });
    return rows;
  }

  /**
   * Stages a table; with no rows, one empty file in the partition the plan names for it, so the
   * table and its schema exist for every reader.
   */
  private void stage(TablePublisher publisher, Dataset<Row> rows, PlannedTable planned) {
    OutputTables.Table table = planned.table();
    publisher.stage(rows, table);
    if (publisher.hasStagedRows(table)) {
      return;
    }
    Dataset<Row> columns = rows.selectExpr(table.columnNames().toArray(String[]::new)).drop(table.partitionBy().toArray(String[]::new));
    publisher.stageEmpty(spark, table, columns.schema(), planned.whenEmpty());
  }

  /** The published findings of this run, most at stake first. */
  private List<String> topFindings(RunKeys run) {
    Path published = new Path(settings.outputPath(), OutputTables.FINDINGS.name());
    try {
      if (!settings.families().containsAll(Families.names()) || !published.getFileSystem(hadoop()).exists(published)) {
        return List.of();
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return spark.read().parquet(published.toString()).filter(col("as_of").equalTo(lit(Date.valueOf(run.asOf()))))
        .orderBy(col("rank")).limit(FINDINGS_SHOWN).select("sentence").as(org.apache.spark.sql.Encoders.STRING()).collectAsList();
  }

  /** The first quarantined rows of each source and reason, in read order within each: one small job. */
  private static List<Rejected> firstRejected(Dataset<Row> quarantine) {
    var bySourceAndReason = org.apache.spark.sql.expressions.Window.partitionBy("source", "reason").orderBy("record");
    List<Rejected> shown = new ArrayList<>();
    for (Row r : quarantine
        .withColumn("_shown", org.apache.spark.sql.functions.row_number().over(bySourceAndReason))
        .filter(col("_shown").leq(REJECTED_SHOWN))
        .orderBy("source", "reason", "_shown")
        .collectAsList()) {
      shown.add(new Rejected(r.getAs("source"), r.getAs("reason"), r.getAs("column_name"), r.getAs("record")));
    }
    return shown;
  }

  /**
   * The sources the running families read (their referenced sources are added by ingestion):
   * every source when all families run; a run restricted to Gap 4 reads accounts and transactions.
   */
  private java.util.Set<String> sourcesRead() {
    return Families.sourcesRead(settings.families());
  }

  /** The sources a run of every family reads: those configured, and those declared absent (read empty). */
  private java.util.Set<String> configuredSources() {
    java.util.Set<String> configured = new java.util.TreeSet<>();
    io.servicegap.ingest.InputContract.ALL.forEach(spec -> {
      Settings.SourceSettings in = settings.input(spec.name());
      if (in.configured() || !in.required()) {
        configured.add(spec.name());
      }
    });
    return configured;
  }

  private org.apache.hadoop.conf.Configuration hadoop() {
    return spark.sparkContext().hadoopConfiguration();
  }

  private void gate(List<SourceCounts> counts) {
    List<String> failed = new ArrayList<>();
    for (SourceCounts c : counts) {
      if (!c.reconciles()) {
        throw new IllegalStateException("source " + c.source() + " does not reconcile: " + c);
      }
      if (c.rejectRatio() > settings.maxRejectRatio()) {
        failed.add(String.format(
            "%s: %d of %d rows quarantined (%.1f %% > %.1f %%): %s",
            c.source(), c.quarantined(), c.read(), 100 * c.rejectRatio(), 100 * settings.maxRejectRatio(), c.quarantinedByReason()));
      }
    }
    if (!failed.isEmpty()) {
      throw new QualityGateException("data-quality gate failed, nothing published:\n  " + String.join("\n  ", failed));
    }
  }

  private LocalDate newestEventDate(Ingestion.Result in) {
    Map<String, String> eventTimes = new LinkedHashMap<>();
    eventTimes.put("transactions", "order_ts");
    eventTimes.put("complaints", "opened_ts");
    eventTimes.put("surveys", "submitted_ts");
    Dataset<Row> dates = null;
    List<Column> newest = new ArrayList<>();
    for (Map.Entry<String, String> e : eventTimes.entrySet()) {
      if (in.has(e.getKey())) {
        Dataset<Row> d = in.rows(e.getKey()).select(max(to_date(col(e.getValue()))).as(e.getKey()));
        dates = dates == null ? d : dates.crossJoin(d);
        newest.add(col(e.getKey()));
      }
    }
    newest.add(lit(null).cast("date"));
    dates = dates.select(greatest(newest.toArray(Column[]::new)));
    Row r = dates.first();
    if (r.isNullAt(0)) {
      throw new io.servicegap.config.ConfigurationException("the inputs hold no events: give --as-of");
    }
    return r.getDate(0).toLocalDate();
  }
}
