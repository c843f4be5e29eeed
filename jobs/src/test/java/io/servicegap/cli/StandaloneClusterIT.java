package io.servicegap.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.servicegap.SparkTestBase;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Spark standalone master and worker on 127.0.0.1, started from the build's own class path
 * (no Spark distribution), run the job submitted with SparkSubmit; its tables equal a local run's.
 */
class StandaloneClusterIT extends SparkTestBase {
  /** The parent pom's spark.jvm.opens, as the build passes it. */
  private static final List<String> OPENS = List.of(System.getProperty("spark.jvm.opens").trim().split("\\s+"));

  @TempDir Path dir;
  private final List<Process> daemons = new ArrayList<>();

  @Test
  void theJobRunsOnAStandaloneClusterAndWritesWhatALocalRunWrites() throws Exception {
    String classPath = classPath();
    Path sparkHome = Files.createDirectories(dir.resolve("sparkhome/jars"));
    for (String entry : classPath.split(File.pathSeparator)) {
      if (entry.endsWith(".jar")) {
        Path link = sparkHome.resolve(Path.of(entry).getFileName());
        if (!Files.exists(link)) {
          Files.createSymbolicLink(link, Path.of(entry));
        }
      }
    }
    Map<String, String> env = Map.of("SPARK_HOME", dir.resolve("sparkhome").toString(), "SPARK_SCALA_VERSION", "2.12", "SPARK_LOCAL_IP", "127.0.0.1");
    // The daemons announce their address at INFO; the tests' own log configuration keeps WARN.
    Path log4j = Files.writeString(dir.resolve("daemons-log4j2.properties"), String.join("\n",
        "rootLogger.level = info", "rootLogger.appenderRef.out.ref = out", "appender.out.type = Console", "appender.out.name = out",
        "appender.out.layout.type = PatternLayout", "appender.out.layout.pattern = %d %p %c{1}: %m%n"));
    String daemonLog = "-Dlog4j2.configurationFile=" + log4j;
    try {
      Path masterLog = dir.resolve("master.log");
      start(List.of(java(), daemonLog, "-cp", classPath, "org.apache.spark.deploy.master.Master", "--host", "127.0.0.1", "--port", "0", "--webui-port", "0"), env, masterLog);
      Matcher url = await(masterLog, Pattern.compile("Starting Spark master at (spark://127\\.0\\.0\\.1:\\d+)"));
      Path workerLog = dir.resolve("worker.log");
      start(List.of(java(), daemonLog, "-cp", classPath, "org.apache.spark.deploy.worker.Worker", "--host", "127.0.0.1", "--cores", "2", "--memory", "2g",
          "--webui-port", "0", "--work-dir", dir.resolve("work").toString(), url.group(1)), env, workerLog);
      await(workerLog, Pattern.compile("Successfully registered with master"));

      Path clusterOut = dir.resolve("cluster-tables");
      List<String> submit = new ArrayList<>(List.of(java()));
      submit.addAll(OPENS);
      submit.addAll(List.of("-cp", classPath, "org.apache.spark.deploy.SparkSubmit", "--master", url.group(1), "--deploy-mode", "client",
          "--class", ServiceGapMain.class.getName(), "--conf", "spark.executor.memory=1g", "--conf", "spark.cores.max=2", appJar().toString()));
      submit.addAll(jobArgs(clusterOut));
      Path submitLog = dir.resolve("submit.log");
      Process driver = new ProcessBuilder(submit).redirectErrorStream(true).redirectOutput(submitLog.toFile()).start();
      driver.getOutputStream().close();
      assertTrue(driver.waitFor(15, TimeUnit.MINUTES), "the submitted run finished");
      assertEquals(0, driver.exitValue(), Files.readString(submitLog));

      long tasksOnExecutors;
      try (Stream<Path> logs = Files.walk(dir.resolve("work"))) {
        tasksOnExecutors = logs.filter(p -> p.getFileName().toString().equals("stderr")).mapToLong(StandaloneClusterIT::finishedTasks).sum();
      }
      assertTrue(tasksOnExecutors > 0, "tasks ran on the worker's executor, not in local mode");

      Path localOut = dir.resolve("local-tables");
      assertEquals(0, JobRunner.run(spark, jobArgs(localOut).toArray(String[]::new)).exitCode());
      for (String table : List.of("gap_metrics", "gap_scorecard", "quarantine")) {
        assertSameRowsWithin(
            spark.read().parquet(localOut.resolve(table).toString()).drop("run_id", "source_file"),
            spark.read().parquet(clusterOut.resolve(table).toString()).drop("run_id", "source_file"),
            1e-9);
      }
    } finally {
      daemons.forEach(Process::destroyForcibly);
    }
  }

  private List<String> jobArgs(Path out) {
    List<String> a = new ArrayList<>(List.of("run", "--conf", repo().resolve("conf/local.conf").toString(), "--as-of", "2026-09-30",
        "--set", "servicegap.output.path=" + out, "--set", "servicegap.spark.conf.\"spark.sql.shuffle.partitions\"=4",
        "--set", "servicegap.grains=[month]")); // cluster equivalence, not coverage: months keep it quick
    for (String s : List.of("accounts", "transactions", "complaints", "surveys", "management_estimates", "price_changes")) {
      a.addAll(List.of("--set", "servicegap.inputs." + s + ".path=" + repo().resolve("data-samples/" + s + ".csv")));
    }
    return a;
  }

  /** The application jar spark-submit ships to executors: the compiled main classes. */
  private Path appJar() throws Exception {
    Path classes = Path.of(ServiceGapMain.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    Path jar = dir.resolve("servicegap-app.jar");
    try (OutputStream os = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(os); Stream<Path> files = Files.walk(classes)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        out.putNextEntry(new JarEntry(classes.relativize(f).toString().replace(File.separatorChar, '/')));
        Files.copy(f, out);
        out.closeEntry();
      }
    }
    return jar;
  }

  private static String classPath() throws IOException {
    String cp = System.getProperty("java.class.path");
    // Surefire may hand the JVM a manifest-only jar; its Class-Path holds the real entries.
    if (!cp.contains(File.pathSeparator) && cp.endsWith(".jar")) {
      try (var jar = new java.util.jar.JarFile(cp)) {
        String manifestPath = jar.getManifest().getMainAttributes().getValue("Class-Path");
        if (manifestPath != null) {
          List<String> entries = new ArrayList<>();
          for (String u : manifestPath.trim().split("\\s+")) {
            entries.add(Path.of(java.net.URI.create(u)).toString());
          }
          return String.join(File.pathSeparator, entries);
        }
      }
    }
    return cp;
  }

  private static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  private void start(List<String> cmd, Map<String, String> env, Path log) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().putAll(env);
    daemons.add(pb.start());
  }

  private static Matcher await(Path log, Pattern pattern) throws Exception {
    long deadline = System.currentTimeMillis() + 60_000;
    while (System.currentTimeMillis() < deadline) {
      Matcher m = pattern.matcher(Files.exists(log) ? Files.readString(log) : "");
      if (m.find()) {
        return m;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("no '" + pattern + "' in " + log + ":\n" + Files.readString(log));
  }

  private static long finishedTasks(Path stderr) {
    try {
      return Files.readAllLines(stderr).stream().filter(l -> l.contains("Finished task")).count();
    } catch (IOException e) {
      return 0;
    }
  }
}
