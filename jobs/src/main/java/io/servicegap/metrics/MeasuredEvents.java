package io.servicegap.metrics;

import io.servicegap.config.Settings;
import io.servicegap.run.RunKeys;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** Keyed events of the run's window, with the settings and run keys the families need. */
public record MeasuredEvents(Dataset<Row> orders, Dataset<Row> answers, Settings settings, RunKeys run, double z) {}
