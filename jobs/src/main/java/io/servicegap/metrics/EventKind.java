package io.servicegap.metrics;

import java.util.function.Function;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The events a family's additive states are summed over: one of the run's keyed event kinds, or
 * events derived from them (churn after an instant, answers with their order's promise). Every
 * kind's rows carry the event keys ({@link io.servicegap.keys.EventKeys#keys()}). The runner reads
 * each kind once per run, however many families sum over it.
 *
 * @param name unique among kinds
 * @param events the kind's rows in the run's window
 */
public record EventKind(String name, Function<MeasuredEvents, Dataset<Row>> events) {
  public static final EventKind ORDERS = new EventKind("orders", MeasuredEvents::orders);
  public static final EventKind COMPLAINTS = new EventKind("complaints", MeasuredEvents::complaints);
  public static final EventKind ANSWERS = new EventKind("answers", MeasuredEvents::answers);

  @Override
  public boolean equals(Object o) {
    return o instanceof EventKind k && k.name.equals(name);
  }

  @Override
  public int hashCode() {
    return name.hashCode();
  }
}
