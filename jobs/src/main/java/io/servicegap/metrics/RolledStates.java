package io.servicegap.metrics;

import static org.apache.spark.sql.functions.col;

import io.servicegap.keys.GroupingSets;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The result of {@link RollupRunner}'s roll-ups: every state set's sums per grain, period,
 * grouping set of (segment, phase, price tier) and subject, and every histogram's counts per bin.
 */
public final class RolledStates {
  private final Dataset<Row> rolled;
  private final StateSlots slots;
  private final List<Histogram> histograms;
  private final Dataset<Row> bins;
  private final MeasuredEvents in;

  /**
   * @param rolled null (with {@code slots}) when no state set was rolled up
   * @param bins the histograms' rolled-up bin counts ({@link RollupRunner#binKeys()} and the
   *     count), null when there are no histograms
   */
  RolledStates(Dataset<Row> rolled, StateSlots slots, List<Histogram> histograms, Dataset<Row> bins, MeasuredEvents in) {
    this.rolled = rolled;
    this.slots = slots;
    this.histograms = List.copyOf(histograms);
    this.bins = bins;
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
    return rolled.filter(col(RollupRunner.SET).equalTo(set.name())).select(out.toArray(Column[]::new));
  }

  /** Tidy rows of every histogram's percentiles, or null when there are no histograms. */
  Dataset<Row> percentiles() {
    return histograms.isEmpty() ? null : Percentiles.read(bins, histograms, in.settings());
  }
}
