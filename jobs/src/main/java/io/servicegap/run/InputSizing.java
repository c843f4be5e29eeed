package io.servicegap.run;

import io.servicegap.config.Settings;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Spark sized to the run's input files. Shuffle partitions follow the data: one per
 * servicegap.run.input-bytes-per-shuffle-partition, never fewer than spark.sql.shuffle.partitions
 * says, so a join or aggregate holds about the same share per task at 1 M orders as at 100 M.
 * Plans are compiled to code only from servicegap.run.compile-plans-from: a small run plans and
 * compiles about as many queries as a large one, and on a few megabytes compiling them (and the
 * JIT compiling the generated classes) costs more than the code saves.
 */
final class InputSizing {
  private static final Logger LOG = LoggerFactory.getLogger(InputSizing.class);
  private static final String KEY = "spark.sql.shuffle.partitions";
  private static final String WHOLE_STAGE = "spark.sql.codegen.wholeStage";
  private static final String EXPRESSIONS = "spark.sql.codegen.factoryMode";
  private static final String SHARED_EXPRESSIONS = "spark.sql.subexpressionElimination.enabled";
  private static final String CONSTRAINTS = "spark.sql.constraintPropagation.enabled";
  /** Beyond this a run is better split by period than by more tasks. */
  static final int MOST = 20_000;

  private InputSizing() {}

  static void followInput(SparkSession spark, Settings settings, Set<String> sources) {
    Input input = input(spark, settings, sources);
    long bytes = input.bytes();
    long per = settings.inputBytesPerShufflePartition();
    if (per > 0) {
      int configured = Integer.parseInt(spark.conf().get(KEY));
      int wanted = forInput(bytes, per, configured);
      if (wanted > configured) {
        spark.conf().set(KEY, Integer.toString(wanted));
        LOG.info("{} = {} for {} MB of input files", KEY, wanted, bytes >> 20);
      }
    }
    boolean givenBySubmit = spark.sparkContext().getConf().contains(WHOLE_STAGE) || spark.sparkContext().getConf().contains(EXPRESSIONS);
    if (givenBySubmit) {
      return;
    }
    if (compiles(input, settings.compilePlansFromBytes())) {
      // Spark's defaults, whatever an earlier run in this session chose.
      spark.conf().unset(WHOLE_STAGE);
      spark.conf().unset(EXPRESSIONS);
      spark.conf().unset(SHARED_EXPRESSIONS);
      spark.conf().unset(CONSTRAINTS);
    } else {
      spark.conf().set(WHOLE_STAGE, "false");
      spark.conf().set(EXPRESSIONS, "NO_CODEGEN");
      // Interpreted, shared subexpressions go through a cache cleared at every row (about 3 % of
      // the tasks' time on the samples); and the optimizer's inferred constraints (an is-not-null
      // filter here and there) are slow to derive on the job's large plans and save little on
      // small data.
      spark.conf().set(SHARED_EXPRESSIONS, "false");
      spark.conf().set(CONSTRAINTS, "false");
      LOG.info("plans interpreted, not compiled: {} KB of input files (servicegap.run.compile-plans-from)", bytes >> 10);
    }
  }

  /** Whether plans over an input are compiled to code: over files of {@code from} bytes or more, or a table of any size. */
  static boolean compiles(Input input, long from) {
    return !input.onlyFiles() || input.bytes() >= from;
  }

  /**
   * The input's size: the bytes of the files the sources and raw inputs read.
   *
   * @param onlyFiles false when an input is a database or catalog table, whose size a run cannot tell
   */
  record Input(long bytes, boolean onlyFiles) {}

  static Input input(SparkSession spark, Settings settings, Set<String> sources) {
    boolean onlyFiles = true;
    List<String> paths = new ArrayList<>();
    for (String s : sources) {
      Settings.SourceSettings in = settings.input(s);
      if (in.configured() && in.path() != null) {
        paths.add(in.path());
      }
    }
    for (Settings.RawInput r : settings.raw().values()) {
      if (r.path() == null) {
        onlyFiles = false;
      } else {
        paths.add(r.path());
      }
    }
    long bytes = 0;
    for (String p : paths) {
      bytes += size(spark, p);
    }
    return new Input(bytes, onlyFiles);
  }

  /** The partitions for {@code bytes} of input: one per {@code per} bytes, within [configured, MOST]. */
  static int forInput(long bytes, long per, int configured) {
    return (int) Math.max(configured, Math.min(MOST, (bytes + per - 1) / per));
  }

  /** Bytes under a path, glob or folder; 0 where it cannot be listed (reading will say why). */
  private static long size(SparkSession spark, String path) {
    try {
      Path p = new Path(path);
      FileSystem fs = p.getFileSystem(spark.sparkContext().hadoopConfiguration());
      FileStatus[] matched = fs.globStatus(p);
      long bytes = 0;
      for (FileStatus f : matched == null ? new FileStatus[0] : matched) {
        bytes += f.isDirectory() ? fs.getContentSummary(f.getPath()).getLength() : f.getLen();
      }
      return bytes;
    } catch (IOException | IllegalArgumentException e) {
      return 0;
    }
  }
}
