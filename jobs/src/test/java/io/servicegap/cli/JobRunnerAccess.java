package io.servicegap.cli;

import org.apache.spark.sql.SparkSession;

/** Lets tests in other packages run the command line as {@link JobRunner} does. */
public final class JobRunnerAccess {
  private JobRunnerAccess() {}

  /** What a run printed, with its exit code. */
  public record Output(int exitCode, String out, String err) {}

  public static Output capture(SparkSession spark, String... args) {
    JobRunner.Result r = JobRunner.run(spark, args);
    return new Output(r.exitCode(), r.out(), r.err());
  }

  public static int run(SparkSession spark, String... args) {
    JobRunner.Result r = JobRunner.run(spark, args);
    if (r.exitCode() != 0) {
      System.err.println(r.err());
    }
    return r.exitCode();
  }
}
