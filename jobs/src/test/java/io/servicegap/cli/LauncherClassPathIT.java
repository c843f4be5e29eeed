package io.servicegap.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.servicegap.SparkTestBase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The class path the launchers build holds what the job needs at run time (Spark, Typesafe Config,
 * the PostgreSQL driver) and none of the pom's test libraries: each script's own Maven command is
 * run, offline, into a file of the test's.
 */
class LauncherClassPathIT {
  @TempDir Path dir;

  @ParameterizedTest
  @ValueSource(strings = {"scripts/servicegap", "scripts/submit"})
  void theLaunchersClassPathHasNoTestLibrary(String script) throws Exception {
    Path repo = SparkTestBase.repoRoot();
    Matcher m = Pattern.compile("mvn -q -B -pl jobs dependency:build-classpath ([^\"]*)-Dmdep.outputFile=").matcher(Files.readString(repo.resolve(script)));
    assertTrue(m.find(), script + " builds its class path with dependency:build-classpath");
    Path out = dir.resolve("classpath.txt");
    List<String> cmd = new ArrayList<>(List.of("mvn", "-q", "-B", "-o", "-pl", "jobs", "dependency:build-classpath"));
    cmd.addAll(List.of(m.group(1).trim().split("\\s+")));
    cmd.add("-Dmdep.outputFile=" + out);
    Process p = new ProcessBuilder(cmd).directory(repo.toFile()).redirectErrorStream(true).redirectOutput(dir.resolve("mvn.log").toFile()).start();
    assertTrue(p.waitFor(300, TimeUnit.SECONDS), "maven ends");
    assertEquals(0, p.exitValue(), Files.readString(dir.resolve("mvn.log")));
    List<String> jars = List.of(Files.readString(out).trim().split(java.io.File.pathSeparator));
    String pom = Files.readString(repo.resolve("jobs/pom.xml"));
    Matcher test = Pattern.compile("<artifactId>([^<$]+)[^<]*</artifactId>\\s*(?:<version>[^<]*</version>\\s*)?<scope>test</scope>").matcher(pom);
    List<String> testLibraries = new ArrayList<>();
    while (test.find()) {
      testLibraries.add(test.group(1));
    }
    assertFalse(testLibraries.isEmpty(), "the pom's test libraries are found");
    for (String lib : List.of("junit", "scalatest", "spark-testing-base", "archunit", "duckdb", "hive-common")) {
      assertTrue(jars.stream().noneMatch(j -> j.contains("/" + lib)), script + ": a test library on the class path: " + lib);
    }
    for (String lib : testLibraries) {
      String name = lib.endsWith("_") ? lib : lib + "-";
      assertTrue(jars.stream().noneMatch(j -> Path.of(j).getFileName().toString().startsWith(name)), script + ": " + lib + " is a test library");
    }
    for (String needed : List.of("spark-sql_", "spark-core_", "config-", "postgresql-", "scala-library-")) {
      assertTrue(jars.stream().anyMatch(j -> Path.of(j).getFileName().toString().startsWith(needed)), script + ": " + needed + " is needed at run time");
    }
  }
}
