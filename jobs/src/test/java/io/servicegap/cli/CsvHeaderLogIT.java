package io.servicegap.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.servicegap.SparkTestBase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An export with an unnamed index column (a data frame's index written by pandas), validated in a
 * JVM of its own logging as scripts/servicegap does: servicegap says it once for the source, and
 * no Spark header warning reaches the log.
 */
class CsvHeaderLogIT {
  @TempDir Path dir;

  @Test
  void anUnnamedHeaderColumnIsOneLineNotSparksWarnings() throws Exception {
    Path repo = SparkTestBase.repoRoot();
    List<String> lines = Files.readAllLines(repo.resolve("data-samples/accounts.csv"));
    List<String> indexed = new ArrayList<>(List.of("," + lines.get(0)));
    for (int i = 1; i < lines.size(); i++) {
      indexed.add((i - 1) + "," + lines.get(i));
    }
    Path accounts = dir.resolve("accounts.csv");
    Files.write(accounts, indexed);
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx1g",
        "-Dlog4j2.configurationFile=" + repo.resolve("conf/log4j2.properties")));
    cmd.addAll(List.of(System.getProperty("spark.jvm.opens").trim().split("\\s+")));
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), ServiceGapMain.class.getName(),
        "validate", "--conf", repo.resolve("conf/local.conf").toString(),
        "--set", "servicegap.inputs.accounts.path=" + accounts,
        "--set", "servicegap.output.path=" + dir.resolve("out")));
    Process p = new ProcessBuilder(cmd).directory(repo.toFile()).redirectOutput(dir.resolve("out.log").toFile()).redirectError(dir.resolve("err.log").toFile()).start();
    assertTrue(p.waitFor(300, TimeUnit.SECONDS), "validate ends");
    String err = Files.readString(dir.resolve("err.log"));
    assertEquals(0, p.exitValue(), err + Files.readString(dir.resolve("out.log")));
    assertTrue(err.lines().noneMatch(l -> l.contains("CSV header does not conform")), err);
    assertEquals(1, err.lines().filter(l -> l.contains("accounts: column 1 of the CSV header has no name; it is read as _c0")).count(), err);
  }
}
