package io.servicegap.run;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.spark.SparkContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Names each stage in the logs and the Spark UI, and records how long it took. */
public final class StageClock {
  private static final Logger LOG = LoggerFactory.getLogger(StageClock.class);
  private final SparkContext spark;
  private final Map<String, Long> millis = new LinkedHashMap<>();

  public StageClock(SparkContext spark) {
    this.spark = spark;
  }

  public <T> T time(String stage, Supplier<T> work) {
    LOG.info("stage {}: started", stage);
    spark.setJobDescription(stage);
    long start = System.nanoTime();
    try {
      return work.get();
    } finally {
      long ms = (System.nanoTime() - start) / 1_000_000;
      millis.merge(stage, ms, Long::sum);
      LOG.info("stage {}: {} ms", stage, ms);
      spark.setJobDescription(null);
    }
  }

  public void time(String stage, Runnable work) {
    time(stage, () -> {
      work.run();
      return null;
    });
  }

  public Map<String, Long> millis() {
    return new LinkedHashMap<>(millis);
  }
}
