package io.servicegap.ingest;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.servicegap.SparkTestBase;
import org.apache.spark.SparkException;
import org.apache.spark.memory.SparkOutOfMemoryError;
import org.junit.jupiter.api.Test;

class EngineFailureTest extends SparkTestBase {

  /** A hash relation that could not be built at 100 M orders was once reported as an unreadable input. */
  @Test
  void memoryExhaustedWhileValidatingIsAnEngineFailureNotAnInputError() {
    var complaints = settings().input("complaints");
    SparkException aborted = new SparkException("Job aborted due to stage failure",
        new SparkOutOfMemoryError("[_LEGACY_ERROR_TEMP_2107] Unable to acquire 1048576 bytes of memory"));
    RuntimeException e = SourceReader.unreadable(complaints, aborted);
    assertInstanceOf(EngineFailure.class, e);
    assertTrue(e.getMessage().contains("complaints") && e.getMessage().contains("SparkOutOfMemoryError") && e.getMessage().contains("heap"), e.getMessage());
  }

  @Test
  void aMissingFileIsStillAnInputErrorNamingSourceAndPath() {
    var complaints = settings().input("complaints");
    RuntimeException e = SourceReader.unreadable(complaints, new SparkException("read failed", new java.io.FileNotFoundException("/nonexistent/complaints")));
    assertInstanceOf(InputException.class, e);
    assertTrue(e.getMessage().startsWith("complaints: cannot read") && e.getMessage().contains("/nonexistent/complaints"), e.getMessage());
  }
}
