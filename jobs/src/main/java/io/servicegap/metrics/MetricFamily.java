package io.servicegap.metrics;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** One family of gap metrics: builds its tidy rows (columns of {@link MetricTable#COLUMNS}). */
public interface MetricFamily {
  /** The family's name in servicegap.metrics.families. */
  String name();

  Dataset<Row> measure(MeasuredEvents events);
}
