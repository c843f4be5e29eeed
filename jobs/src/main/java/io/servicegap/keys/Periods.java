package io.servicegap.keys;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.trunc;

import io.servicegap.config.Grain;
import java.sql.Date;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** Maps an event date to the periods (day, ISO week from Monday, month) a run reports. */
public final class Periods {
  public static final String GRAIN = "grain";
  public static final String PERIOD_START = "period_start";
  /** The partition of a period: the first day of the month it starts in (a week's, of its Monday). */
  public static final String PERIOD_MONTH = "period_month";

  private Periods() {}

  /**
   * One row per input row and configured grain, with {@code grain} and {@code period_start}, kept
   * only where the period lies in the run's window. Replaces {@code dateColumn}.
   */
  public static Dataset<Row> expand(Dataset<Row> rows, String dateColumn, List<Grain> grains, RunKeys run) {
    List<Column> periods = new ArrayList<>();
    List<String> starts = new ArrayList<>();
    // Each grain's start a column of its own, computed once per row: in the exploded structs each
    // use would evaluate the truncation again. Added in one step, as the keys below: each step
    // analyses the whole plan again.
    Map<String, Column> startColumns = new LinkedHashMap<>();
    for (Grain g : grains) {
      startColumns.put("_start_" + g.label(), start(g, col(dateColumn)));
    }
    rows = rows.withColumns(startColumns);
    for (Grain g : grains) {
      String startColumn = "_start_" + g.label();
      starts.add(startColumn);
      Column start = col(startColumn);
      Column inWindow =
          start.between(lit(Date.valueOf(run.firstPeriod(g))), lit(Date.valueOf(run.lastPeriod(g))));
      periods.add(struct(lit(g.label()).as(GRAIN), start.as(PERIOD_START), inWindow.as("in_window")));
    }
    starts.add("_period");
    starts.add(dateColumn);
    return rows.withColumn("_period", explode(array(periods.toArray(Column[]::new))))
        .filter(col("_period.in_window"))
        .withColumns(AddedColumns.of(GRAIN, col("_period." + GRAIN), PERIOD_START, col("_period." + PERIOD_START)))
        .drop(starts.toArray(String[]::new));
  }

  /** The rows with {@link #PERIOD_MONTH}, from their {@link #PERIOD_START}. */
  public static Dataset<Row> withMonth(Dataset<Row> rows) {
    return rows.withColumn(PERIOD_MONTH, trunc(col(PERIOD_START), "month"));
  }

  /** The first day of the period of grain {@code g} holding {@code date}. */
  public static Column start(Grain g, Column date) {
    return switch (g) {
      case DAY -> date;
      case WEEK -> trunc(date, "week");
      case MONTH -> trunc(date, "month");
    };
  }

  /** Events a run needs: those dated from the first day of the earliest period it recomputes. */
  public static Column needed(Column eventDate, List<Grain> grains, RunKeys run) {
    Date first = Date.valueOf(grains.stream().map(run::firstPeriod).min(java.util.Comparator.naturalOrder()).orElseThrow());
    return eventDate.between(lit(first), lit(Date.valueOf(run.asOf())));
  }
}
