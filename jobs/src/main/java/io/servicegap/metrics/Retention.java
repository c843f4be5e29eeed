package io.servicegap.metrics;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lead;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.xxhash64;

import java.sql.Timestamp;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;

/**
 * The one definition of churn (SPEC §4): an account churned after instant t if it placed no order
 * in (t, t + window]; only instants with t + window ≤ the cut-off are evaluable. Windows are
 * calendar days in the session time zone.
 */
public final class Retention {
  /** Added column: the account's first order after the instant. */
  public static final String NEXT_ORDER = "next_order_ts";
  /** The instant's window has closed by the cut-off. */
  public static final String EVALUABLE = "evaluable";
  /** No order in the window; null when not evaluable. */
  public static final String CHURNED = "churned";

  static final String TIME = "_t";
  static final String KIND = "_kind"; // 0 an order, else another event: orders come first at one time
  private static final String ACCOUNT_HASH = "_account_hash";

  private Retention() {}

  /**
   * The instants (rows with {@code account_id} and the timestamp column {@code instant}) with
   * {@link #NEXT_ORDER}, {@link #EVALUABLE} and {@link #CHURNED} added.
   *
   * @param orders orders placed by the cut-off, any status; only account_id and order_ts are read
   */
  public static Dataset<Row> churnAfter(Dataset<Row> instants, String instant, Dataset<Row> orders, int windowDays, Timestamp cutoff) {
    Dataset<Row> events =
        instants.withColumn(TIME, col(instant)).withColumn(KIND, lit(1))
            .unionByName(orders.select(col("account_id"), col("order_ts").as(TIME), lit(0).as(KIND)), true);
    // Orders sort before instants at the same time: an order at t is "at or before t", never after.
    // The next order is the next non-null order time after the row in that one sort.
    WindowSpec byTime = byAccountInTime();
    Column orderTime = when(col(KIND).equalTo(0), col(TIME));
    Column evaluable = windowEnd(col(instant), windowDays).leq(lit(cutoff));
    Column next = col(NEXT_ORDER);
    return withAccountHash(events)
        .withColumn(NEXT_ORDER, lead(orderTime, 1, null, true).over(byTime))
        .filter(col(KIND).equalTo(1))
        .withColumn(EVALUABLE, evaluable)
        .withColumn(CHURNED, when(evaluable, next.isNull().or(next.gt(windowEnd(col(instant), windowDays)))))
        .drop(TIME, KIND, ACCOUNT_HASH);
  }

  /**
   * Each account's rows in order of {@link #TIME}, then {@link #KIND}, over rows {@link
   * #withAccountHash}. The hash leads the partitioning and so the sort: its prefix tells nearly
   * any two accounts apart, where an id's first bytes often do not and rows would be compared in
   * full. A column, not an expression, so that windows over a window's output share its sort.
   */
  static WindowSpec byAccountInTime() {
    return Window.partitionBy(col(ACCOUNT_HASH), col("account_id")).orderBy(col(TIME), col(KIND));
  }

  static Dataset<Row> withAccountHash(Dataset<Row> rows) {
    return rows.withColumn(ACCOUNT_HASH, xxhash64(col("account_id")));
  }

  /** t + days, in calendar days of the session time zone. */
  public static Column windowEnd(Column t, int days) {
    return t.plus(expr("make_interval(0, 0, 0, " + days + ", 0, 0, 0)"));
  }

  /**
   * Whether an order at {@code orderTs} lies in (after, until]: with until = after + window, an
   * order that retains the account after {@code after}; with after = until − window, one that
   * makes it active at {@code until}.
   */
  public static Column orderedIn(Column orderTs, Column after, Column until) {
    return orderTs.gt(after).and(orderTs.leq(until));
  }
}
