package io.servicegap.ingest;

/**
 * Spark itself failed while a source was read or validated: out of memory, most often. Reported
 * as what it is (exit 1), with what to change, never as an unreadable input.
 */
public final class EngineFailure extends RuntimeException {
  EngineFailure(String source, Throwable failure, Throwable cause) {
    super("the engine failed while ingesting " + source + ": " + failure.getClass().getSimpleName() + ": " + firstLine(failure.getMessage())
        + " (memory: give the driver and executors more heap, or raise spark.sql.shuffle.partitions so each task holds less)", cause);
  }

  /** Memory exhausted in the JVM or in Spark's own memory manager. */
  static boolean isEngineFailure(Throwable t) {
    String name = t.getClass().getName();
    String message = String.valueOf(t.getMessage());
    return t instanceof OutOfMemoryError
        || name.contains("OutOfMemory")
        || message.contains("SparkOutOfMemoryError")
        || message.contains("_LEGACY_ERROR_TEMP_2107")
        || message.contains("Not enough memory to build and broadcast");
  }

  private static String firstLine(String message) {
    return message == null ? "" : message.lines().findFirst().orElse("");
  }
}
