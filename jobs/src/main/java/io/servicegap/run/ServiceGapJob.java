package io.servicegap.run;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.to_date;

import io.servicegap.config.Grain;
import io.servicegap.config.Settings;
import io.servicegap.ingest.Ingestion;
import io.servicegap.ingest.SourceCounts;
import io.servicegap.keys.EventKeys;
import io.servicegap.keys.Periods;
import io.servicegap.metrics.AccountScorecard;
import io.servicegap.metrics.CommunicationGap;
import io.servicegap.metrics.CoverageGap;
import io.servicegap.metrics.CustomerGap;
import io.servicegap.metrics.FeeImpact;
import io.servicegap.metrics.KnowledgeGap;
import io.servicegap.metrics.PhaseImpact;
import io.servicegap.metrics.RecoveryGap;
import io.servicegap.metrics.RecoveryParadox;
import io.servicegap.metrics.Scorecard;
import io.servicegap.metrics.SharedResults;
import io.servicegap.metrics.StandardsGap;
import io.servicegap.metrics.MeasuredEvents;
import io.servicegap.metrics.MetricFamily;
import io.servicegap.output.OutputTables;
import io.servicegap.output.RunLock;
import io.servicegap.output.TablePublisher;
import io.servicegap.stats.Estimate;
import java.sql.Date;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
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
  private static final List<MetricFamily> FAMILIES =
      List.of(new KnowledgeGap(), new CoverageGap(), new StandardsGap(), new CommunicationGap(), new CustomerGap(), new RecoveryGap(),
          new PhaseImpact(), new RecoveryParadox(), new io.servicegap.metrics.BrokenPromise());

  /** The families reading each kind of keyed event. */
  private static final Map<String, List<String>> EVENTS_READ_BY = Map.of(
      "orders", List.of("gap3", "gap4", "recovery", "impact", "accounts"),
      "complaints", List.of("gap2", "gap3", "recovery", "impact", "accounts"),
      "answers", List.of("gap1", "gap5", "recovery", "impact", "accounts"));
  private static final Map<String, String> EVENT_SOURCE = Map.of("orders", "transactions", "complaints", "complaints", "answers", "surveys");

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
   * @param report where the run's report is, or null (validate, or a report that failed)
   */
  public record Outcome(
      RunManifest manifest, List<SourceCounts> inputs, Map<String, Long> rowsByTable, RunKeys run, List<Rejected> rejected, List<String> topFindings,
      String report) {}

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
        return new Outcome(manifest, ingested.counts(), Map.of(), null, rejected, List.of(), null);
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
      Ingestion.Result ingested = clock.time("ingest", () -> new Ingestion(spark, settings, publisher.scratch("inputs")).ingest(sourcesRead()));
      manifest.inputs(ingested.counts(), ingested.rawRows());
      gate(ingested.counts());
      LocalDate asOf = request.asOf().orElseGet(() -> clock.time("find as_of", () -> newestEventDate(ingested)));
      // Retention after an event is known only a churn window later: a nightly run with the impact
      // family also recomputes the periods whose outcomes became known in its lookback window.
      int matured = settings.runs(PhaseImpact.GAP) ? settings.retention().churnAfterDays() : 0;
      LocalDate from = request.backfillFrom().orElse(asOf.minusDays(settings.lookbackDays() + (long) matured));
      RunKeys run = new RunKeys(request.runId(), asOf, from, settings.timezone());
      manifest.window(run);
      LOG.info("run {}: as_of {}, recomputing periods from {}", run.runId(), asOf, from);

      KeyedEvents keyed = keyedEvents(ingested, run);
      List<OutputTables.Table> staged = new ArrayList<>(List.of(OutputTables.GAP_METRICS));
      // A run restricted to some families reads only their sources: its quarantine would replace
      // the day's full one with part of it, so it leaves the table be (the manifest has its counts).
      boolean readEverySource = ingested.counts().size() == configuredSources().size();
      if (readEverySource) {
        staged.add(OutputTables.QUARANTINE);
      } else {
        LOG.info("quarantine not published: this run read only {}", ingested.accepted().keySet());
      }
      try (SharedResults shared = new SharedResults()) {
        clock.time("measure and stage gap_metrics", () -> stage(publisher, gapMetrics(ingested, keyed, run, shared), OutputTables.GAP_METRICS, run));
      }
      if (publisher.hasStagedRows(OutputTables.GAP_METRICS)) {
        staged.add(OutputTables.GAP_SCORECARD);
        Dataset<Row> stagedMetrics = spark.read().parquet(publisher.stagedPath(OutputTables.GAP_METRICS).toString());
        clock.time("stage gap_scorecard", () -> stage(publisher, Scorecard.wide(stagedMetrics), OutputTables.GAP_SCORECARD, run));
        if (settings.runs(PhaseImpact.GAP)) {
          staged.add(OutputTables.PHASE_IMPACT);
          clock.time("stage phase_impact", () -> stage(publisher, PhaseImpact.wide(stagedMetrics, settings.minSample()), OutputTables.PHASE_IMPACT, run));
        }
      }
      if (settings.runs(PhaseImpact.GAP) && ingested.has("price_changes")) {
        staged.add(OutputTables.FEE_IMPACT);
        clock.time("stage fee_impact", () -> stage(publisher, feeImpact(ingested, keyed, run), OutputTables.FEE_IMPACT, run));
      }
      // Findings rank every family's figures: a run of some families leaves the day's findings be.
      if (settings.families().containsAll(io.servicegap.config.SettingsLoader.FAMILIES)) {
        staged.add(OutputTables.FINDINGS);
        clock.time("stage findings", () -> stage(publisher, findings(publisher, run), OutputTables.FINDINGS, run));
      }
      if (settings.runs("accounts")) {
        staged.add(OutputTables.ACCOUNT_SCORECARD);
        clock.time("stage account_scorecard", () -> stage(publisher, accountScorecard(ingested, keyed, run), OutputTables.ACCOUNT_SCORECARD, run));
      }
      if (readEverySource) {
        clock.time("stage quarantine", () -> stage(publisher, quarantine(ingested, run), OutputTables.QUARANTINE, run));
      }
      Map<OutputTables.Table, Map<String, Long>> counted = new LinkedHashMap<>();
      clock.time("count staged rows", () -> {
        for (OutputTables.Table t : staged) {
          counted.put(t, rowsByPartition(publisher, t));
        }
      });
      // Only the tables this run produced: a run restricted to some families leaves the others be.
      List<TablePublisher.Scope> scopes = staged.stream().map(t -> new TablePublisher.Scope(t, scope(t, run))).toList();
      var published = clock.time("publish", () -> publisher.publish(scopes));
      Map<String, Long> rows = new LinkedHashMap<>();
      counted.forEach((t, byPartition) -> {
        manifest.output(t.name(), byPartition, published.get(t.name()));
        rows.put(t.name(), byPartition.values().stream().mapToLong(Long::longValue).sum());
      });
      // The report is drawn from the published tables; a report that cannot be written leaves them
      // published and says so.
      String report;
      try {
        report = clock.time("write report", () -> new io.servicegap.report.RunReport(spark, settings, run).write(ingested.counts())).toString();
        manifest.report(report);
      } catch (RuntimeException e) {
        LOG.error("report not written: {}", settings.secrets().redact(String.valueOf(e)), e);
        manifest.report(null);
        report = null;
      }
      return new Outcome(manifest, ingested.counts(), rows, run, List.of(), topFindings(run), report);
    } finally {
      publisher.discardStaging();
    }
  }

  /**
   * Stages a table; with no rows, one empty file in the partition of the run's as_of (the first
   * configured grain's period, the run date's accounts quarantine), so the table and its schema
   * exist for every reader.
   */
  private void stage(TablePublisher publisher, Dataset<Row> rows, OutputTables.Table table, RunKeys run) {
    publisher.stage(rows, table);
    if (publisher.hasStagedRows(table)) {
      return;
    }
    Dataset<Row> columns = rows.selectExpr(table.columnNames().toArray(String[]::new)).drop(table.partitionBy().toArray(String[]::new));
    List<String> partition;
    if (table == OutputTables.QUARANTINE) {
      partition = List.of(run.asOf().toString(), io.servicegap.ingest.InputContract.ACCOUNTS.name());
    } else if (table.partitionBy().equals(List.of("as_of"))) {
      partition = List.of(run.asOf().toString());
    } else {
      Grain g = settings.grains().get(0);
      partition = List.of(g.name().toLowerCase(java.util.Locale.ROOT), run.lastPeriod(g).toString());
    }
    publisher.stageEmpty(spark, table, columns.schema(), partition);
  }

  /**
   * Findings over the staged gap_metrics and, for the periods before the run's window that the
   * trend looks at, the published ones; with the staged fee_impact where the run has one.
   */
  private Dataset<Row> findings(TablePublisher publisher, RunKeys run) {
    Grain g = settings.findings().grain();
    Dataset<Row> metrics = spark.read().parquet(publisher.stagedPath(OutputTables.GAP_METRICS).toString()).filter(col("grain").equalTo(g.label()));
    Path published = new Path(settings.outputPath(), OutputTables.GAP_METRICS.name());
    try {
      if (published.getFileSystem(hadoop()).exists(published)) {
        Dataset<Row> before = spark.read().parquet(published.toString())
            .filter(col("grain").equalTo(g.label()).and(col("period_start").lt(lit(Date.valueOf(run.firstPeriod(g))))));
        metrics = metrics.unionByName(before.select(metrics.columns()[0], java.util.Arrays.copyOfRange(metrics.columns(), 1, metrics.columns().length)));
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    Dataset<Row> fee = publisher.hasStagedRows(OutputTables.FEE_IMPACT) ? spark.read().parquet(publisher.stagedPath(OutputTables.FEE_IMPACT).toString()) : null;
    return io.servicegap.metrics.Findings.build(metrics, fee, settings, run);
  }

  /** The published findings of this run, most at stake first. */
  private List<String> topFindings(RunKeys run) {
    Path published = new Path(settings.outputPath(), OutputTables.FINDINGS.name());
    try {
      if (!settings.families().containsAll(io.servicegap.config.SettingsLoader.FAMILIES) || !published.getFileSystem(hadoop()).exists(published)) {
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

  /** Every event keyed once (SPEC §3), as the run sees it at its cut-off, any age. */
  record KeyedEvents(Dataset<Row> orders, Dataset<Row> complaints, Dataset<Row> answers) {}

  /**
   * Every event keyed: projections of the accepted rows, which every family, scorecard and impact
   * table scans from ingestion's Parquet copy; a source not ingested has no events.
   */
  private static KeyedEvents keyedEvents(Ingestion.Result in, RunKeys run) {
    return new KeyedEvents(
        in.has("transactions") ? EventKeys.orders(in.rows("transactions"), run) : null,
        in.has("complaints") ? EventKeys.complaints(in.rows("complaints"), run) : null,
        in.has("surveys") ? EventKeys.answers(in.rows("surveys"), run) : null);
  }

  /**
   * The sources the running families read (their referenced sources are added by ingestion):
   * every source when all families run; a run restricted to Gap 4 reads accounts and transactions.
   */
  private java.util.Set<String> sourcesRead() {
    java.util.Set<String> sources = new java.util.TreeSet<>(List.of("accounts"));
    EVENTS_READ_BY.forEach((event, families) -> {
      if (families.stream().anyMatch(settings::runs)) {
        sources.add(EVENT_SOURCE.get(event));
      }
    });
    if (settings.runs(KnowledgeGap.GAP)) {
      sources.add("management_estimates");
    }
    if (settings.runs(PhaseImpact.GAP)) {
      sources.add("price_changes");
    }
    return sources;
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

  /** Every family's tidy rows, with the run's columns; one plan, so shared scans are reused. */
  Dataset<Row> gapMetrics(Ingestion.Result in, KeyedEvents keyed, RunKeys run, SharedResults shared) {
    Column needed = Periods.needed(col(EventKeys.EVENT_DATE), settings.grains(), run);
    java.util.function.UnaryOperator<Dataset<Row>> inWindow = d -> d == null ? null : d.filter(needed);
    Dataset<Row> orders = inWindow.apply(keyed.orders());
    Dataset<Row> answers = inWindow.apply(keyed.answers());
    Dataset<Row> complaints = inWindow.apply(keyed.complaints());
    Optional<Dataset<Row>> estimates = in.has("management_estimates") ? Optional.of(in.rows("management_estimates")) : Optional.empty();
    MeasuredEvents events = new MeasuredEvents(orders, keyed.orders(), complaints, answers, estimates, settings, run, Estimate.z(settings.confidence()), shared);
    Dataset<Row> all = null;
    for (MetricFamily f : FAMILIES) {
      if (settings.runs(f.name())) {
        Dataset<Row> rows = f.measure(events);
        all = all == null ? rows : all.unionByName(rows);
      }
    }
    if (all == null) {
      all = spark.createDataFrame(List.of(), io.servicegap.metrics.MetricTable.schema());
    }
    // Sums of doubles depend on the order partitions are merged in; 12 decimals keep re-runs and
    // cluster runs bit-identical without losing anything an analyst could see.
    for (String c : List.of("value", "ci_low", "ci_high")) {
      all = all.withColumn(c, org.apache.spark.sql.functions.round(col(c), 12));
    }
    return all.withColumn("low_sample", col("n").lt(settings.minSample()))
        .withColumn("as_of", lit(Date.valueOf(run.asOf())))
        .withColumn("run_id", lit(run.runId()));
  }

  private Dataset<Row> accountScorecard(Ingestion.Result in, KeyedEvents keyed, RunKeys run) {
    return AccountScorecard.build(in.rows("accounts"), keyed.orders(), keyed.complaints(), keyed.answers(), settings, run);
  }

  private Dataset<Row> feeImpact(Ingestion.Result in, KeyedEvents keyed, RunKeys run) {
    return FeeImpact.build(in.rows("price_changes"), in.rows("accounts"), keyed.orders(), settings, run, Estimate.z(settings.confidence()));
  }

  private static Dataset<Row> quarantine(Ingestion.Result in, RunKeys run) {
    Date asOf = Date.valueOf(run.asOf());
    return in.quarantine()
        .withColumn("as_of", lit(asOf))
        .withColumn("run_id", lit(run.runId()))
        .withColumn("run_date", lit(asOf));
  }

  /** The partitions a run owns: the periods of its window, or its run_date's quarantine. */
  private Predicate<Map<String, String>> scope(OutputTables.Table table, RunKeys run) {
    if (table == OutputTables.QUARANTINE) {
      return p -> run.asOf().toString().equals(p.get("run_date"));
    }
    if (table.partitionBy().equals(List.of("as_of"))) {
      return p -> run.asOf().toString().equals(p.get("as_of"));
    }
    return p -> {
      Grain g;
      try {
        g = Grain.parse(p.get("grain"));
      } catch (IllegalArgumentException e) {
        return false;
      }
      LocalDate start = LocalDate.parse(p.get("period_start"));
      return settings.grains().contains(g) && !start.isBefore(run.firstPeriod(g)) && !start.isAfter(run.lastPeriod(g));
    };
  }

  private Map<String, Long> rowsByPartition(TablePublisher publisher, OutputTables.Table table) {
    Map<String, Long> rows = new java.util.TreeMap<>();
    if (!publisher.hasStagedRows(table)) {
      return rows;
    }
    Path staged = publisher.stagedPath(table);
    Dataset<Row> written = spark.read().parquet(staged.toString());
    String[] parts = table.partitionBy().toArray(String[]::new);
    for (Row r : written.groupBy(parts[0], java.util.Arrays.copyOfRange(parts, 1, parts.length)).agg(count(lit(1))).collectAsList()) {
      List<String> path = new ArrayList<>();
      for (int i = 0; i < parts.length; i++) {
        path.add(parts[i] + "=" + r.get(i));
      }
      rows.put(String.join("/", path), r.getLong(parts.length));
    }
    return rows;
  }
}
