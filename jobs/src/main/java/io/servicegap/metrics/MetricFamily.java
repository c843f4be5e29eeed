package io.servicegap.metrics;

import java.util.List;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * One family of gap metrics. It declares what it sums over which events ({@link StateSet}) and
 * which durations it takes percentiles of ({@link Histogram}); {@link RollupRunner} folds every
 * running family's sums into one roll-up and their histograms into another, and the family turns
 * its rolled-up states into tidy rows. Anything that is not a sum (a join with management's estimates, the recovery
 * paradox's baseline) happens there, on the small rolled-up rows.
 */
public interface MetricFamily {
  /** The family's name in servicegap.metrics.families. */
  String name();

  /** The input sources the family reads, besides accounts. */
  Set<String> sources();

  List<StateSet> stateSets(MeasuredEvents in);

  default List<Histogram> histograms(MeasuredEvents in) {
    return List.of();
  }

  /**
   * The family's headline figures: those the findings test, each a declared {@link Figure} of the
   * family's sets (or a difference of two), and those the scorecard and the report show.
   */
  default List<Headline> headlines() {
    return List.of();
  }

  /** The family's tidy rows (columns of {@link MetricTable#COLUMNS}) from the rolled-up states. */
  Dataset<Row> metrics(RolledStates states, MeasuredEvents in);

  /** This family alone, through the runner. */
  default Dataset<Row> measure(MeasuredEvents in) {
    return RollupRunner.measure(List.of(this), in);
  }
}
