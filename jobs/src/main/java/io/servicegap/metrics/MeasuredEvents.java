package io.servicegap.metrics;

import io.servicegap.config.Settings;
import io.servicegap.keys.RunKeys;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Keyed events of the run's window (see {@link io.servicegap.keys.EventKeys}), the accepted
 * management estimates when configured, the settings and run keys the families need, and the
 * results they share; {@code orderHistory} holds every keyed order, of any age, for events of the
 * window that name an order placed before it. Churn reads the window's orders: an order after an instant of the window
 * lies in the window too.
 */
public record MeasuredEvents(
    Dataset<Row> orders,
    Dataset<Row> orderHistory,
    Dataset<Row> complaints,
    Dataset<Row> answers,
    Optional<Dataset<Row>> estimates,
    Settings settings,
    RunKeys run,
    double z,
    SharedResults shared) {}
