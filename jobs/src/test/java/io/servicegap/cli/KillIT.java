package io.servicegap.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.servicegap.SparkTestBase;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real run in its own JVM, killed with SIGKILL while it writes its tables: the published tables
 * stay the previous run's, whole; the next run takes over the dead run's lock, cleans up, and
 * publishes tables identical to a clean run's.
 */
class KillIT extends SparkTestBase {
  @TempDir Path dir;

  private List<String> args(Path out) {
    List<String> a = new ArrayList<>(List.of("run", "--conf", repo().resolve("conf/local.conf").toString(), "--as-of", "2026-09-30", "--set", "servicegap.output.path=" + out,
        // The kill needs a write in progress, not every family and grain: Gap 4 over weeks and
        // months still stages dozens of gap_metrics partitions, at a fraction of a full run's time.
        "--set", "servicegap.metrics.families=[gap4]", "--set", "servicegap.grains=[week, month]"));
    for (String s : List.of("accounts", "transactions", "complaints", "surveys", "management_estimates", "price_changes")) {
      a.addAll(List.of("--set", "servicegap.inputs." + s + ".path=" + repo().resolve("data-samples/" + s + ".csv")));
    }
    return a;
  }

  private Dataset<Row> table(Path out, String name) {
    return spark.read().parquet(out.resolve(name).toString()).drop("run_id");
  }

  @Test
  void aRunKilledWhileWritingLeavesThePublishedTablesWholeAndTheNextRunRecovers() throws Exception {
    Path out = dir.resolve("tables");
    assertEquals(0, JobRunner.run(spark, args(out).toArray(String[]::new)).exitCode());
    Dataset<Row> before = table(out, "gap_metrics").cache();
    long rowsBefore = before.count();

    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx1g"));
    cmd.addAll(List.of(System.getProperty("spark.jvm.opens").trim().split("\\s+")));
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), ServiceGapMain.class.getName()));
    cmd.addAll(args(out));
    Process run = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("killed-run.log").toFile()).start();
    Path staging = out.resolve("_staging");
    long deadline = System.currentTimeMillis() + 600_000; // a bound for a hung child, not a target
    boolean writing = false;
    while (!writing && run.isAlive() && System.currentTimeMillis() < deadline) {
      writing = stagedTableExists(staging, "gap_metrics");
      Thread.sleep(20);
    }
    assertTrue(writing, "the child run reached the writing of gap_metrics; log: " + Files.readString(dir.resolve("killed-run.log")));
    run.destroyForcibly(); // SIGKILL
    assertTrue(run.waitFor(30, TimeUnit.SECONDS));
    assertEquals(137, run.exitValue(), "killed by SIGKILL");

    assertTrue(Files.exists(out.resolve("_lock")), "the killed run's lock is left behind");
    assertEquals(rowsBefore, table(out, "gap_metrics").count(), "published gap_metrics is the previous run's, whole");
    assertSameRows(before, table(out, "gap_metrics"));

    JobRunner.Result rerun = JobRunner.run(spark, args(out).toArray(String[]::new));
    assertEquals(0, rerun.exitCode(), rerun.err());
    assertSameRows(before, table(out, "gap_metrics"));
    assertFalse(Files.exists(out.resolve("_lock")));
    try (Stream<Path> left = Files.exists(staging) ? Files.list(staging) : Stream.empty()) {
      assertEquals(0, left.count(), "what the killed run left aside is gone");
    }
  }

  private static boolean stagedTableExists(Path staging, String table) {
    File[] runs = staging.toFile().listFiles();
    if (runs == null) {
      return false;
    }
    return Stream.of(runs).anyMatch(r -> new File(r, table).exists());
  }
}
