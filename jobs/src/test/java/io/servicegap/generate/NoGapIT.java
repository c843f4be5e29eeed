package io.servicegap.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.servicegap.SparkTestBase;
import io.servicegap.cli.JobRunnerAccess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * No false alarms: on histories in which no segment, phase or tier differs from another (generate
 * --gaps none, accounts differing as real ones do, the tiers' targets set equal), three seeds of
 * 80,000 orders together yield at most one finding, and an empty list says why.
 */
class NoGapIT extends SparkTestBase {
  @TempDir static Path dir;

  @Test
  void historiesWithNoGapYieldNoFindings() throws Exception {
    int findings = 0;
    List<String> sentences = new ArrayList<>();
    for (long seed : List.of(1L, 2L, 3L)) {
      Path data = dir.resolve("data-" + seed);
      GenerateCommand.run(new GenerateCommand.Options(80_000, seed, data.toString(), "parquet", false), spark, System.out);
      Path tables = dir.resolve("tables-" + seed);
      List<String> args = new ArrayList<>(List.of("run", "--conf", repo().resolve("conf/generated.conf").toString(), "--as-of", HistoryGenerator.END,
          "--set", "servicegap.grains=[month]", "--set", "servicegap.output.path=" + tables));
      for (String s : List.of("accounts", "transactions", "complaints", "surveys", "management_estimates", "price_changes")) {
        args.addAll(List.of("--set", "servicegap.inputs." + s + ".path=" + data.resolve(s)));
      }
      // Every tier held to the same targets: the defaults promise premium more.
      for (String[] t : List.of(new String[] {"order-processing", "3"}, new String[] {"first-response", "4"}, new String[] {"resolution", "48"},
          new String[] {"queue-wait", "120"})) {
        args.addAll(List.of("--set", "servicegap.standards." + t[0] + ".tier-targets.premium=" + t[1]));
      }
      JobRunnerAccess.Output run = JobRunnerAccess.capture(spark, args.toArray(String[]::new));
      assertEquals(0, run.exitCode(), run.err());
      List<Row> found = spark.read().parquet(tables.resolve("findings").toString()).collectAsList();
      findings += found.size();
      found.forEach(f -> sentences.add("seed " + seed + ": " + f.getAs("sentence") + " (q " + f.getAs("q_value") + ")"));
      if (found.isEmpty()) {
        assertTrue(run.out().contains("what to look at first: no findings: nothing beyond chance, none of the "), run.out());
        Path runManifest;
        try (var runs = Files.list(tables.resolve("_runs"))) {
          runManifest = runs.filter(p -> p.getFileName().toString().endsWith(".json") && !p.getFileName().toString().startsWith(".")).findFirst().orElseThrow();
        }
        String manifest = Files.readString(runManifest);
        assertTrue(manifest.contains("\"no_findings\""), manifest);
      }
    }
    assertTrue(findings <= 1, findings + " findings on histories with no gap: " + sentences);
  }
}
