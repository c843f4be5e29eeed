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
 * A Spark setting the session cannot start with, in a JVM of its own (this one's session is
 * already up) logging as scripts/servicegap does: exit 1, and one line that names the problem and
 * where to change it, without Spark's stack trace of the same failure above it.
 */
class SparkStartIT {
  @TempDir Path dir;

  @Test
  void aSparkSettingItCannotStartWithIsOneLineAndExitOne() throws Exception {
    Path events = dir.resolve("no-such-folder");
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx1g",
        "-Dlog4j2.configurationFile=" + SparkTestBase.repoRoot().resolve("conf/log4j2.properties")));
    cmd.addAll(List.of(System.getProperty("spark.jvm.opens").trim().split("\\s+")));
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), ServiceGapMain.class.getName(),
        "run", "--conf", SparkTestBase.repoRoot().resolve("conf/local.conf").toString(),
        "--set", "servicegap.output.path=" + dir.resolve("out"),
        "--set", "servicegap.spark.conf.\"spark.eventLog.enabled\"=true",
        // Quoted as HOCON would have it: the quotes are not part of the folder's name.
        "--set", "servicegap.spark.conf.\"spark.eventLog.dir\"=\"file:" + events + "\""));
    Process run = new ProcessBuilder(cmd).redirectOutput(dir.resolve("out.log").toFile()).redirectError(dir.resolve("err.log").toFile()).start();
    assertTrue(run.waitFor(120, TimeUnit.SECONDS), "the run ends");
    String err = Files.readString(dir.resolve("err.log"));
    assertEquals(1, run.exitValue(), err);
    String last = err.strip().lines().reduce((a, b) -> b).orElse("");
    assertTrue(last.startsWith("servicegap: Spark did not start: ") && last.contains(events.toString())
        && last.contains("servicegap.spark.conf") && !last.contains("\"file:"), err);
    assertTrue(err.lines().noneMatch(l -> l.contains("Error initializing SparkContext") || l.strip().startsWith("at org.apache.spark.")), err);
  }
}
