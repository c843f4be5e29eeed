package io.servicegap.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.servicegap.SparkTestBase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Exit codes and messages when arguments, configuration or inputs are wrong. */
class ErrorPathTest extends SparkTestBase {
  @TempDir Path dir;

  /** A copy of the samples that a test may break. */
  private Path samples() throws IOException {
    Path copy = Files.createDirectories(dir.resolve("in"));
    for (String f : List.of("accounts.csv", "transactions.csv", "complaints.csv", "surveys.csv")) {
      Files.copy(repo().resolve("data-samples").resolve(f), copy.resolve(f));
    }
    return copy;
  }

  private JobRunner.Result run(Path in, String... extra) {
    List<String> args = new ArrayList<>(List.of("run", "--as-of", "2026-09-30", "--set", "servicegap.output.path=" + dir.resolve("out")));
    for (String s : List.of("accounts", "transactions", "complaints", "surveys")) {
      args.addAll(List.of("--set", "servicegap.inputs." + s + ".path=" + in.resolve(s + ".csv")));
    }
    args.addAll(List.of(extra));
    return JobRunner.run(spark, args.toArray(String[]::new));
  }

  @Test
  void badArgumentsAndConfigurationExitWithTwo() {
    assertEquals(2, JobRunner.run(spark, "frobnicate").exitCode());
    assertEquals(2, JobRunner.run(spark, "run", "--as-of", "yesterday").exitCode());
    JobRunner.Result r = JobRunner.run(spark, "run", "--set", "servicegap.grains=[hourly]");
    assertEquals(2, r.exitCode());
    assertTrue(r.err().contains("hourly") && r.err().contains("inputs.accounts.path is required"), r.err());
  }

  @Test
  void theQualityGateFailsWithThreeAndPublishesNothing() throws IOException {
    JobRunner.Result r = run(samples(), "--set", "servicegap.quality.max-reject-ratio=0.002");
    assertEquals(3, r.exitCode(), r.err());
    assertTrue(r.err().contains("transactions: 8 of 2447 rows quarantined"), r.err());
    assertFalse(r.err().contains("surveys:"), "5 of 5803 is within the ratio: " + r.err());
    assertFalse(Files.exists(dir.resolve("out/gap_metrics")), "nothing published");
    assertFalse(Files.exists(dir.resolve("out/quarantine")), "nothing published");
    JsonNode manifest = SampleRunTest.manifest(dir.resolve("out"));
    assertEquals("failed", manifest.get("status").asText());
    assertEquals(3, manifest.get("exit_code").asInt());
  }

  @Test
  void aMissingRequiredColumnNamesSourceColumnAndPath() throws IOException {
    Path in = samples();
    List<String> lines = Files.readAllLines(in.resolve("accounts.csv"));
    List<String> cut = lines.stream().map(l -> l.substring(0, l.lastIndexOf(',', l.lastIndexOf(',', l.lastIndexOf(',') - 1) - 1))).toList();
    Files.write(in.resolve("accounts.csv"), cut); // keeps account_id, segment: price_tier is gone
    JobRunner.Result r = run(in);
    assertEquals(1, r.exitCode(), r.err());
    assertTrue(r.err().contains("accounts") && r.err().contains("'price_tier' is missing") && r.err().contains("accounts.csv"), r.err());
  }

  @Test
  void aMissingSourceAndAnUnreadableFileNameTheSource() throws IOException {
    Path in = samples();
    Files.delete(in.resolve("complaints.csv"));
    JobRunner.Result missing = run(in);
    assertEquals(1, missing.exitCode());
    assertTrue(missing.err().contains("complaints: input path not found"), missing.err());

    Path corrupt = dir.resolve("broken.parquet");
    Files.write(corrupt, "PAR1 this is not parquet at all PAR1".getBytes());
    Files.copy(repo().resolve("data-samples/complaints.csv"), in.resolve("complaints.csv"));
    JobRunner.Result unreadable = run(in, "--set", "servicegap.inputs.transactions.path=" + corrupt, "--set", "servicegap.inputs.transactions.format=parquet");
    assertEquals(1, unreadable.exitCode());
    assertTrue(unreadable.err().contains("transactions") && unreadable.err().contains("broken.parquet"), unreadable.err());
  }

  @Test
  void validateReportsQuarantineAndPublishesNothing() throws IOException {
    Path in = samples();
    List<String> args = new ArrayList<>(List.of("validate", "--set", "servicegap.output.path=" + dir.resolve("out")));
    for (String s : List.of("accounts", "transactions", "complaints", "surveys")) {
      args.addAll(List.of("--set", "servicegap.inputs." + s + ".path=" + in.resolve(s + ".csv")));
    }
    JobRunner.Result r = JobRunner.run(spark, args.toArray(String[]::new));
    assertEquals(0, r.exitCode(), r.err());
    assertTrue(r.out().contains("UNKNOWN_REFERENCE 1"), r.out());
    assertFalse(Files.exists(dir.resolve("out/gap_metrics")));
  }
}
