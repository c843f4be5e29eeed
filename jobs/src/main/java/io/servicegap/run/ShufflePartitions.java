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
 * Shuffle partitions that follow the data: one per servicegap.run.input-bytes-per-shuffle-partition
 * of input files, never fewer than spark.sql.shuffle.partitions says. A join or aggregate then
 * holds about the same share per task at 1 M orders as at 100 M.
 */
final class ShufflePartitions {
  private static final Logger LOG = LoggerFactory.getLogger(ShufflePartitions.class);
  private static final String KEY = "spark.sql.shuffle.partitions";
  /** Beyond this a run is better split by period than by more tasks. */
  static final int MOST = 20_000;

  private ShufflePartitions() {}

  static void followInput(SparkSession spark, Settings settings, Set<String> sources) {
    long per = settings.inputBytesPerShufflePartition();
    if (per <= 0) {
      return;
    }
    List<String> paths = new ArrayList<>();
    for (String s : sources) {
      Settings.SourceSettings in = settings.input(s);
      if (in.configured() && in.path() != null) {
        paths.add(in.path());
      }
    }
    settings.raw().values().forEach(r -> {
      if (r.path() != null) {
        paths.add(r.path());
      }
    });
    long bytes = 0;
    for (String p : paths) {
      bytes += size(spark, p);
    }
    int configured = Integer.parseInt(spark.conf().get(KEY));
    int wanted = forInput(bytes, per, configured);
    if (wanted > configured) {
      spark.conf().set(KEY, Integer.toString(wanted));
      LOG.info("{} = {} for {} MB of input files", KEY, wanted, bytes >> 20);
    }
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
