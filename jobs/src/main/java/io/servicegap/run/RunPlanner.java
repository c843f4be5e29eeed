package io.servicegap.run;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.servicegap.config.Grain;
import io.servicegap.config.Settings;
import io.servicegap.ingest.InputContract;
import io.servicegap.ingest.Ingestion;
import io.servicegap.keys.AddedColumns;
import io.servicegap.keys.EventKeys;
import io.servicegap.keys.Periods;
import io.servicegap.keys.RunKeys;
import io.servicegap.metrics.AccountClusters;
import io.servicegap.metrics.AccountScorecard;
import io.servicegap.metrics.Families;
import io.servicegap.metrics.FeeImpact;
import io.servicegap.metrics.Findings;
import io.servicegap.metrics.MeasuredEvents;
import io.servicegap.metrics.MetricFamily;
import io.servicegap.metrics.PhaseImpact;
import io.servicegap.metrics.RollupRunner;
import io.servicegap.metrics.Scorecard;
import io.servicegap.metrics.SharedResults;
import io.servicegap.output.OutputTables;
import io.servicegap.output.OutputTables.Table;
import io.servicegap.stats.Estimate;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Predicate;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Plans a run: which tables it writes, each with the rows it is built from and the partitions it
 * owns. Pure: nothing is read, computed or written until the executor stages a table.
 */
final class RunPlanner {
  private final SparkSession spark;
  private final Settings settings;

  RunPlanner(SparkSession spark, Settings settings) {
    this.spark = spark;
    this.settings = settings;
  }

  /**
   * @param readEverySource whether the run read every configured source: only then does it own
   *     the run date's quarantine (a run of some families would replace it with part of it)
   * @param scratch a folder of the run's staging area for intermediate results
   */
  RunPlan plan(Ingestion.Result ingested, RunKeys run, boolean readEverySource, String scratch) {
    Keyed keyed = keyed(ingested, run);
    List<PlannedTable> tables = new ArrayList<>();
    // The account sums gap_metrics is widened by, kept for the findings staged after it.
    AtomicReference<AccountClusters.Clusters> clusters = new AtomicReference<>();
    AtomicReference<Dataset<Row>> tested = new AtomicReference<>();
    AtomicReference<Dataset<Row>> figures = new AtomicReference<>();
    tables.add(periodTable(OutputTables.GAP_METRICS, "measure and stage gap_metrics", staged -> gapMetrics(ingested, keyed, run, scratch, clusters), run, List.of()));
    tables.add(periodTable(OutputTables.GAP_SCORECARD, "stage gap_scorecard",
        staged -> Scorecard.wide(staged.read(OutputTables.GAP_METRICS)), run, List.of(OutputTables.GAP_METRICS)));
    if (settings.runs(PhaseImpact.GAP)) {
      tables.add(periodTable(OutputTables.PHASE_IMPACT, "stage phase_impact",
          staged -> PhaseImpact.wide(staged.read(OutputTables.GAP_METRICS), settings.minSample()), run, List.of(OutputTables.GAP_METRICS)));
      if (ingested.has("price_changes")) {
        tables.add(asOfTable(OutputTables.FEE_IMPACT, staged -> FeeImpact.build(
            ingested.rows("price_changes"), ingested.rows("accounts"), keyed.orders(), settings, run, Estimate.z(settings.confidence())), run));
      }
    }
    // Findings rank every family's figures: a run of some families leaves the day's findings be.
    if (findsThings()) {
      tables.add(asOfTable(OutputTables.FINDINGS, staged -> findings(staged, run, clusters.get(), tested, figures), run));
    }
    if (settings.runs(Families.ACCOUNTS)) {
      tables.add(asOfTable(OutputTables.ACCOUNT_SCORECARD, staged -> AccountScorecard.build(
          ingested.rows("accounts"), keyed.orders(), keyed.complaints(), keyed.answers(), settings, run), run));
    }
    if (readEverySource) {
      Date asOf = Date.valueOf(run.asOf());
      tables.add(new PlannedTable(OutputTables.QUARANTINE, "stage quarantine",
          staged -> ingested.quarantine().withColumn("as_of", lit(asOf)).withColumn("run_id", lit(run.runId())).withColumn("run_date", lit(asOf)),
          p -> run.asOf().toString().equals(p.get("run_date")),
          List.of(run.asOf().toString(), InputContract.ACCOUNTS.name()),
          List.of()));
    }
    return new RunPlan(run, tables, () -> tested.get() == null ? null : Findings.whyNone(figures.get(), tested.get(), settings, run));
  }

  /** Findings rank every family's figures: only a run of all of them has findings. */
  private boolean findsThings() {
    return settings.families().containsAll(Families.names());
  }

  /** Every event keyed once (SPEC §3), as the run sees it at its cut-off, any age; null for a source not read. */
  private record Keyed(Dataset<Row> orders, Dataset<Row> complaints, Dataset<Row> answers) {}

  private static Keyed keyed(Ingestion.Result in, RunKeys run) {
    return new Keyed(
        in.has("transactions") ? EventKeys.orders(in.rows("transactions"), run) : null,
        in.has("complaints") ? EventKeys.complaints(in.rows("complaints"), run) : null,
        in.has("surveys") ? EventKeys.answers(in.rows("surveys"), run) : null);
  }

  /**
   * A table partitioned by grain and the month a period starts in: it owns every month of the
   * run's window, whose periods it recomputes whole.
   */
  private PlannedTable periodTable(Table table, String stage, Function<PlannedTable.Staged, Dataset<Row>> rows, RunKeys run, List<Table> derivedFrom) {
    LocalDate firstMonth = RunKeys.periodMonth(run.windowStart());
    LocalDate lastMonth = RunKeys.periodMonth(run.asOf());
    Predicate<Map<String, String>> owns = p -> {
      if (p.get("grain") == null || p.get(Periods.PERIOD_MONTH) == null) {
        return false;
      }
      try {
        LocalDate month = LocalDate.parse(p.get(Periods.PERIOD_MONTH));
        return settings.grains().contains(Grain.parse(p.get("grain"))) && !month.isBefore(firstMonth) && !month.isAfter(lastMonth);
      } catch (IllegalArgumentException | java.time.DateTimeException e) {
        return false;
      }
    };
    Function<PlannedTable.Staged, Dataset<Row>> withMonth = rows.andThen(Periods::withMonth);
    Grain first = settings.grains().get(0);
    List<String> whenEmpty = List.of(first.name().toLowerCase(Locale.ROOT), RunKeys.periodMonth(run.lastPeriod(first)).toString());
    return new PlannedTable(table, stage, withMonth, owns, whenEmpty, derivedFrom);
  }

  /** A table partitioned by as_of: it owns the run's as_of. */
  private static PlannedTable asOfTable(Table table, Function<PlannedTable.Staged, Dataset<Row>> rows, RunKeys run) {
    return new PlannedTable(table, "stage " + table.name(), rows, p -> run.asOf().toString().equals(p.get("as_of")), List.of(run.asOf().toString()), List.of());
  }

  /** Every running family's tidy rows through the roll-ups, with the run's columns. */
  private Dataset<Row> gapMetrics(Ingestion.Result in, Keyed keyed, RunKeys run, String scratch, AtomicReference<AccountClusters.Clusters> clusters) {
    boolean findings = findsThings();
    AccountClusters.Window window = findings ? Findings.window(settings, run.asOf()) : null;
    // The findings window may start before the periods the run recomputes: its events are read too.
    Column needed = window == null ? Periods.needed(col(EventKeys.EVENT_DATE), settings.grains(), run)
        : Periods.needed(col(EventKeys.EVENT_DATE), settings.grains(), run)
            .or(col(EventKeys.EVENT_DATE).between(lit(Date.valueOf(window.first())), lit(Date.valueOf(window.last()))));
    java.util.function.UnaryOperator<Dataset<Row>> inWindow = d -> d == null ? null : d.filter(needed);
    Optional<Dataset<Row>> estimates = in.has("management_estimates") ? Optional.of(in.rows("management_estimates")) : Optional.empty();
    MeasuredEvents events = new MeasuredEvents(inWindow.apply(keyed.orders()), keyed.orders(), inWindow.apply(keyed.complaints()), inWindow.apply(keyed.answers()),
        estimates, settings, run, Estimate.z(settings.confidence()), new SharedResults(scratch));
    List<MetricFamily> running = Families.running(settings.families());
    long accounts = in.counts().stream().filter(c -> c.source().equals("accounts")).mapToLong(c -> c.accepted()).findFirst().orElse(0L);
    double share = accounts <= settings.clusterAccounts() ? 1.0 : (double) settings.clusterAccounts() / accounts;
    double effectShare = accounts <= settings.designEffectAccounts() ? 1.0 : (double) settings.designEffectAccounts() / accounts;
    AccountClusters.Clusters measured = AccountClusters.measure(running, events, share, effectShare, window, Findings.testedMetrics());
    clusters.set(measured);
    Dataset<Row> all = AccountClusters.widen(RollupRunner.measure(running, events), measured.designEffects(), events.z());
    // Sums of doubles depend on the order partitions are merged in; 12 decimals keep re-runs and
    // cluster runs bit-identical without losing anything an analyst could see.
    // One step for every column: each withColumn would analyse the whole plan of every family again.
    return all.withColumns(AddedColumns.of(
        "value", org.apache.spark.sql.functions.round(col("value"), 12),
        "ci_low", org.apache.spark.sql.functions.round(col("ci_low"), 12),
        "ci_high", org.apache.spark.sql.functions.round(col("ci_high"), 12),
        "low_sample", col("n").lt(settings.minSample()),
        "as_of", lit(Date.valueOf(run.asOf())),
        "run_id", lit(run.runId())));
  }

  /**
   * Findings over the staged gap_metrics and, for the periods before the run's window that the
   * trend looks at, the published ones; with the staged fee_impact where the run has one.
   */
  private Dataset<Row> findings(PlannedTable.Staged staged, RunKeys run, AccountClusters.Clusters clusters, AtomicReference<Dataset<Row>> tested,
      AtomicReference<Dataset<Row>> figures) {
    Grain g = settings.findings().grain();
    Dataset<Row> metrics = staged.read(OutputTables.GAP_METRICS).filter(col("grain").equalTo(g.label()));
    Path published = new Path(settings.outputPath(), OutputTables.GAP_METRICS.name());
    try {
      if (published.getFileSystem(spark.sparkContext().hadoopConfiguration()).exists(published)) {
        Dataset<Row> before = spark.read().parquet(published.toString())
            .filter(col("grain").equalTo(g.label()).and(col("period_start").lt(lit(Date.valueOf(run.firstPeriod(g))))));
        metrics = metrics.unionByName(before.select(metrics.columns()[0], java.util.Arrays.copyOfRange(metrics.columns(), 1, metrics.columns().length)));
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    Dataset<Row> fee = staged.hasRows(OutputTables.FEE_IMPACT) ? staged.read(OutputTables.FEE_IMPACT) : null;
    figures.set(metrics);
    if (clusters == null || clusters.window() == null) {
      throw new IllegalStateException("findings are staged after gap_metrics, from its account sums");
    }
    tested.set(Findings.tested(metrics, fee, clusters, settings, run).cache());
    return Findings.chosen(tested.get(), settings, run);
  }
}
