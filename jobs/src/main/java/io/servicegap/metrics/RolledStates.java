package io.servicegap.metrics;

import static org.apache.spark.sql.functions.col;

import io.servicegap.keys.GroupingSets;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The result of {@link RollupRunner}'s one roll-up: every state set's sums per grain, period,
 * grouping set of (segment, phase, price tier) and subject, and every histogram's counts per bin.
 */
public final class RolledStates {
  private final Dataset<Row> rolled;
  private final StateSlots slots;
  private final List<Histogram> histograms;
  private final MeasuredEvents in;

  /** @param rolled null (with {@code slots}) when nothing was rolled up */
  RolledStates(Dataset<Row> rolled, StateSlots slots, List<Histogram> histograms, MeasuredEvents in) {
    this.rolled = rolled;
    this.slots = slots;
    this.histograms = List.copyOf(histograms);
    this.in = in;
  }

  /**
   * A set's rolled-up states: the report keys, the set's subject (named by its subject key) if it
   * has one, then its states under their own names.
   */
  public Dataset<Row> of(StateSet set) {
    List<Column> out = new ArrayList<>();
    GroupingSets.reportKeys().forEach(k -> out.add(col(k)));
    if (set.subjectKey() != null) {
      out.add(col(RollupRunner.SUBJECT).as(set.subjectKey()));
    }
    if (rolled == null) {
      throw new IllegalStateException("state set " + set.name() + " was not rolled up");
    }
    set.sums().keySet().forEach(s -> out.add(col(slots.of(set.name(), s)).as(s)));
    return rolled
        .filter(col(RollupRunner.SET).equalTo(set.name()).and(col(RollupRunner.BIN).isNull()))
        .select(out.toArray(Column[]::new));
  }

  /** Tidy rows of every histogram's percentiles, or null when there are no histograms. */
  Dataset<Row> percentiles() {
    if (histograms.isEmpty()) {
      return null;
    }
    if (rolled == null) {
      return MetricTable.empty();
    }
    List<Column> bins = new ArrayList<>();
    RollupRunner.rolledKeys().forEach(k -> bins.add(col(k)));
    // A histogram's one state, its count, sits in the same slot for every histogram.
    bins.add(col(slots.of(histograms.get(0).name(), RollupRunner.COUNT)).as(RollupRunner.COUNT));
    return Percentiles.read(rolled.filter(col(RollupRunner.BIN).isNotNull()).select(bins.toArray(Column[]::new)), histograms, in.settings());
  }
}
