package io.servicegap.cli;

import io.servicegap.config.ConfigurationException;
import io.servicegap.config.Settings;
import io.servicegap.config.SettingsLoader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.apache.spark.sql.SparkSession;

/** Runs the command line exactly as main does, on the tests' shared session. */
final class JobRunner {
  record Result(int exitCode, String out, String err) {}

  private JobRunner() {}

  static Result run(SparkSession spark, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
    PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);
    int code;
    try {
      Arguments a = Arguments.parse(args);
      Settings s = SettingsLoader.load(a.conf(), com.typesafe.config.ConfigFactory.empty(), a.sets(), io.servicegap.metrics.Families.names());
      code = ServiceGapMain.execute(a, s, spark, o, e);
    } catch (ConfigurationException x) {
      e.println("servicegap: " + x.getMessage());
      code = ServiceGapMain.BAD_CONFIGURATION;
    }
    return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }
}
