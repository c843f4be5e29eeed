package io.servicegap.keys;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.when;

import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Gives every event its segment, phase, price tier and event date (SPEC §3), as the world looked
 * at the run's cut-off: later events are dropped, later timestamps read as not yet happened. Event
 * dates are taken in the session time zone, which the job sets to servicegap.timezone. The events
 * are accepted rows: their account's segment and tier and their order's tier came along with the
 * reference checks ({@code segment}, {@code account_tier}, {@code order_tier}), so keying is a
 * projection, no join.
 */
public final class EventKeys {
  public static final String EVENT_DATE = "event_date";

  private EventKeys() {}

  /** Orders placed by the cut-off, phase delivery, tier the order's or else its account's. */
  public static Dataset<Row> orders(Dataset<Row> transactions, RunKeys run) {
    Column cutoff = lit(run.cutoff());
    return transactions
        .filter(col("order_ts").lt(cutoff))
        .withColumns(AddedColumns.of(
            "price_tier", coalesce(col("price_tier"), col("account_tier")),
            "phase", lit("delivery"),
            EVENT_DATE, to_date(col("order_ts")),
            "processed_ts", happened(col("processed_ts"), cutoff),
            "delivered_ts", happened(col("delivered_ts"), cutoff)))
        .drop("account_tier");
  }

  /**
   * Survey answers submitted by the cut-off, tier of their order (the order's own, else its
   * account's) or else of the answering account.
   */
  public static Dataset<Row> answers(Dataset<Row> surveys, RunKeys run) {
    return withOrderTier(surveys.filter(col("submitted_ts").lt(lit(run.cutoff()))))
        .withColumn(EVENT_DATE, to_date(col("submitted_ts")));
  }

  /** Complaints opened by the cut-off, in their own phase, keyed like survey answers. */
  public static Dataset<Row> complaints(Dataset<Row> complaints, RunKeys run) {
    Column cutoff = lit(run.cutoff());
    return withOrderTier(complaints.filter(col("opened_ts").lt(cutoff)))
        .withColumns(AddedColumns.of(
            EVENT_DATE, to_date(col("opened_ts")),
            "first_response_ts", happened(col("first_response_ts"), cutoff),
            "resolved_ts", happened(col("resolved_ts"), cutoff)));
  }

  private static Dataset<Row> withOrderTier(Dataset<Row> events) {
    return events
        .withColumn("price_tier", coalesce(col("order_tier"), col("account_tier")))
        .drop("order_tier", "account_tier");
  }

  /** A timestamp after the cut-off has not happened yet as the run sees it. */
  private static Column happened(Column ts, Column cutoff) {
    return when(ts.lt(cutoff), ts);
  }

  public static List<String> keys() {
    return List.of("segment", "phase", "price_tier", EVENT_DATE);
  }
}
