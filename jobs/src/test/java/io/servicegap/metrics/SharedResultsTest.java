package io.servicegap.metrics;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;
import org.junit.jupiter.api.Test;

class SharedResultsTest extends MetricFixtures {

  @Test
  void anEqualPlanIsCachedOnceAndFreedOnClose() {
    Dataset<Row> numbers = spark.range(10).toDF("n");
    Dataset<Row> first;
    Dataset<Row> other;
    try (SharedResults shared = new SharedResults()) {
      first = shared.cache(numbers.filter(col("n").gt(3)));
      // Built again, as a second family would: the same result, so the same cached rows.
      assertSame(first, shared.cache(numbers.filter(col("n").gt(3))));
      other = shared.cache(numbers.filter(col("n").gt(5)));
      assertEquals(6, first.count());
      assertEquals(StorageLevel.MEMORY_AND_DISK(), first.storageLevel());
      assertEquals(StorageLevel.MEMORY_AND_DISK(), other.storageLevel());
    }
    assertEquals(StorageLevel.NONE(), first.storageLevel());
    assertEquals(StorageLevel.NONE(), other.storageLevel());
  }
}
