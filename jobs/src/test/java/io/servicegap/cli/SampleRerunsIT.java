package io.servicegap.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.servicegap.SparkTestBase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Runs of the samples beside the first one (mvn verify): the same night again, a backfill, and a
 * run of Gap 4 alone, each against the first run's tables.
 */
class SampleRerunsIT extends SparkTestBase {
  private static final String AS_OF = SampleRunTest.AS_OF;
  private static Path out;
  private static Dataset<Row> metrics;

  @BeforeAll
  static void runOnSamples() throws IOException {
    out = Files.createTempDirectory("servicegap-samples");
    JobRunner.Result first = SampleRunTest.run(out);
    assertEquals(0, first.exitCode(), first.err());
    metrics = spark.read().parquet(out.resolve("tables/gap_metrics").toString()).cache();
  }

  private static JobRunner.Result run(Path dir, String... when) {
    return SampleRunTest.run(dir, when);
  }

  private static com.fasterxml.jackson.databind.JsonNode manifest(Path output) throws IOException {
    return SampleRunTest.manifest(output);
  }

  @Test
  void aRerunOfTheSameNightGivesIdenticalTables() throws IOException {
    JobRunner.Result again = run(out);
    assertEquals(0, again.exitCode(), again.err());
    Dataset<Row> rerun = spark.read().parquet(out.resolve("tables/gap_metrics").toString()).drop("run_id");
    assertSameRows(metrics.drop("run_id"), rerun);
    try (Stream<Path> runs = Files.list(out.resolve("tables/_runs"))) {
      assertEquals(2, runs.filter(p -> p.getFileName().toString().endsWith(".json") && !p.getFileName().toString().startsWith(".")).count());
    }
  }

  @Test
  void aBackfillReproducesTheFullRunsPeriods() throws IOException {
    Path backfilled = Files.createTempDirectory("servicegap-backfill");
    // 2026-06-01 is a Monday and a month's first day: the range's periods start there at every grain.
    JobRunner.Result r = run(backfilled, "--backfill", "2026-06-01", AS_OF);
    assertEquals(0, r.exitCode(), r.err());
    Dataset<Row> refilled = spark.read().parquet(backfilled.resolve("tables/gap_metrics").toString()).drop("run_id");
    assertEquals(0, refilled.filter("period_start < date'2026-06-01'").count(), "nothing outside the range");
    assertSameRows(metrics.filter("period_start >= date'2026-06-01'").drop("run_id"), refilled);
  }

  @Test
  void aRunOfGap4AloneReadsOnlyItsSourcesAndAgreesWithTheFullRun() throws IOException {
    Path restricted = Files.createTempDirectory("servicegap-gap4");
    JobRunner.Result r = run(restricted, "--as-of", AS_OF, "--set", "servicegap.metrics.families=[gap4]", "--set", "servicegap.grains=[month]");
    assertEquals(0, r.exitCode(), r.err());
    List<String> read = new ArrayList<>();
    manifest(restricted.resolve("tables")).get("inputs").forEach(in -> read.add(in.get("source").asText()));
    assertEquals(List.of("accounts", "transactions"), read, "Gap 4 reads orders, keyed by their accounts");
    assertFalse(Files.exists(restricted.resolve("tables/quarantine")), "a partial quarantine would replace the day's full one");
    Dataset<Row> gap4 = spark.read().parquet(restricted.resolve("tables/gap_metrics").toString()).drop("run_id");
    assertTrue(gap4.count() > 0);
    assertSameRows(metrics.filter("gap = 'gap4' and grain = 'month'").drop("run_id"), gap4);
  }

  @Test
  void aNightlyRunReplacesWholeMonthsAndRewritesTheDailyLayoutFirst() throws IOException {
    Path nightly = Files.createTempDirectory("servicegap-nightly");
    copy(out.resolve("tables"), nightly.resolve("tables"));
    // gap_metrics as an earlier servicegap published it: a folder per grain and day.
    Path table = nightly.resolve("tables/gap_metrics");
    Path daily = nightly.resolve("daily");
    spark.read().parquet(table.toString()).drop("period_month").write().partitionBy("grain", "period_start").parquet(daily.toString());
    org.apache.commons.io.FileUtils.deleteDirectory(table.toFile());
    Files.move(daily, table);
    String firstRun = spark.read().parquet(table.toString()).select("run_id").first().getString(0);

    // 2026-09-30 − (10 + 90 days of churn) = 2026-06-22, a Monday in June: June to September are recomputed.
    JobRunner.Result r = run(nightly, "--as-of", AS_OF, "--set", "servicegap.run.lookback-days=10");
    assertEquals(0, r.exitCode(), r.err());
    try (Stream<Path> folders = Files.walk(table, 2)) {
      assertEquals(List.of(), folders.map(Path::toString).filter(f -> f.contains("period_start=")).toList(), "no folder per day is left");
    }
    Dataset<Row> after = spark.read().parquet(table.toString());
    List<Row> byMonth = after.groupBy("grain", "period_month").agg(org.apache.spark.sql.functions.countDistinct("run_id"), org.apache.spark.sql.functions.first("run_id")).collectAsList();
    assertTrue(byMonth.size() <= 60, byMonth.size() + " partitions");
    for (Row m : byMonth) {
      assertEquals(1L, m.getLong(2), "one run wrote " + m);
      boolean recomputed = !m.getDate(1).toLocalDate().isBefore(java.time.LocalDate.parse("2026-06-01"));
      assertEquals(!recomputed, m.getString(3).equals(firstRun), "the nightly run owns June to September only: " + m);
    }
    assertSameRows(metrics.drop("run_id"), after.drop("run_id"));
  }

  private static void copy(Path from, Path to) throws IOException {
    org.apache.commons.io.FileUtils.copyDirectory(from.toFile(), to.toFile());
  }
}
