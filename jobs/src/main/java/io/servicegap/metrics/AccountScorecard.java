package io.servicegap.metrics;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.array_compact;
import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.ceil;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.count_if;
import static org.apache.spark.sql.functions.datediff;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.when;

import io.servicegap.config.Settings;
import io.servicegap.keys.RunKeys;
import java.sql.Date;
import java.sql.Timestamp;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;

/**
 * account_scorecard: every account as of the run — trailing 365-day revenue and rank, best
 * accounts, delivery and complaint record, survey gap, and whether (and why) it is at risk.
 */
public final class AccountScorecard {
  private AccountScorecard() {}

  public static final String ACTIVE = "active";
  public static final String AT_RISK = "at_risk";
  public static final String LAPSED = "lapsed";

  /**
   * @param orders keyed orders placed by the cut-off (any age)
   * @param complaints keyed complaints opened by the cut-off (any age)
   * @param answers keyed survey answers submitted by the cut-off (any age)
   */
  public static Dataset<Row> build(Dataset<Row> accounts, Dataset<Row> orders, Dataset<Row> complaints, Dataset<Row> answers, Settings settings, RunKeys run) {
    Settings.AccountRisk risk = settings.accountRisk();
    Timestamp cutoff = run.cutoff();
    Column trailing = trailing(cutoff);
    // Gap 4's definitions, counted per account in the one pass over its orders.
    Column recentEligible = col("order_ts").geq(trailing).and(CommunicationGap.eligible(cutoff));
    Column otifOrder = CommunicationGap.onTime(settings.deliveryToleranceHours()).and(CommunicationGap.inFull());
    Dataset<Row> byOrders =
        orders.groupBy("account_id").agg(
            sum(when(col("order_ts").geq(trailing).and(col("status").notEqual("cancelled")), Money.cents(coalesce(col("charged_amount"), col("quoted_amount")))))
                .as("revenue_cents"),
            count_if(col("order_ts").geq(trailing)).as("orders_365d"),
            max(col("order_ts")).as("last_order_ts"),
            count_if(recentEligible).as("eligible_orders_365d"),
            count_if(recentEligible.and(otifOrder)).as("otif_orders"));
    Dataset<Row> byComplaint =
        complaints.groupBy("account_id").agg(
            count_if(col("opened_ts").geq(trailing)).as("complaints_365d"),
            count_if(col("resolved_ts").isNull()).as("open_complaints"));
    Dataset<Row> byAnswer =
        answers.filter(col("submitted_ts").geq(trailing).and(col("expectation").isNotNull()).and(col("perception").isNotNull()))
            .groupBy("account_id").agg(avg(col("perception").minus(col("expectation"))).as("mean_gap_365d"), count(lit(1)).as("answers_365d"));

    Dataset<Row> joined = accounts.select("account_id", "segment", "price_tier")
        .join(byOrders, "account_id", "left")
        .join(byComplaint, "account_id", "left")
        .join(byAnswer, "account_id", "left")
        .na().fill(0L, new String[] {"orders_365d", "eligible_orders_365d", "otif_orders", "complaints_365d", "open_complaints", "answers_365d"})
        .withColumn("revenue_365d", Money.fromCents(coalesce(col("revenue_cents"), lit(0L))))
        .withColumn("last_order_date", to_date(col("last_order_ts")));

    // Best accounts: the top best-share of accounts with revenue; ties broken by account_id.
    var byRevenue = Window.orderBy(col("revenue_365d").desc(), col("account_id"));
    // Over the ranking's own ordering (whole frame): one window operator, one pass over the accounts.
    Column withRevenue = sum(when(col("revenue_365d").gt(0), 1).otherwise(0))
        .over(byRevenue.rowsBetween(Window.unboundedPreceding(), Window.unboundedFollowing()));
    Column otif = when(col("eligible_orders_365d").gt(0), col("otif_orders").divide(col("eligible_orders_365d")));
    Column days = datediff(lit(Date.valueOf(run.asOf())), col("last_order_date"));
    Column reasons = array_compact(array(
        when(days.isNull().or(days.gt(risk.daysSinceOrder())), lit("no_recent_order")),
        when(col("eligible_orders_365d").geq(risk.minOrders()).and(otif.lt(risk.minOtifRate())), lit("low_otif")),
        when(col("open_complaints").geq(risk.openComplaints()), lit("open_complaints")),
        when(col("answers_365d").geq(risk.minAnswers()).and(col("mean_gap_365d").lt(risk.minGap())), lit("negative_gap"))));
    // Lapsed: churned as retention defines it, no order in the churn window before the cut-off. A lost
    // account is not "at risk": only an active one with reasons is.
    Timestamp windowStart = Timestamp.from(cutoff.toInstant().minus(java.time.Duration.ofDays(settings.retention().churnAfterDays())));
    Column lapsed = col("last_order_ts").isNull().or(col("last_order_ts").leq(lit(windowStart)));
    Column status = when(lapsed, lit(LAPSED)).when(size(reasons).gt(0), lit(AT_RISK)).otherwise(lit(ACTIVE));
    return joined
        .select(col("*"), row_number().over(byRevenue).as("revenue_rank"), withRevenue.as("_with_revenue"))
        .select(
            col("account_id"), col("segment"), col("price_tier"), col("revenue_365d"), col("revenue_rank").cast("int").as("revenue_rank"),
            col("revenue_365d").gt(0).and(col("revenue_rank").leq(ceil(col("_with_revenue").multiply(risk.bestShare())))).as("best_account"),
            col("orders_365d"), otif.as("otif_rate_365d"), col("complaints_365d"), col("open_complaints"),
            col("mean_gap_365d"), col("answers_365d"), days.as("days_since_last_order"),
            status.equalTo(AT_RISK).as("at_risk"), reasons.as("at_risk_reasons"), status.as("status"),
            lit(Date.valueOf(run.asOf())).as("as_of"), lit(run.runId()).as("run_id"));
  }

  private static Column trailing(Timestamp cutoff) {
    return lit(Timestamp.from(cutoff.toInstant().minus(java.time.Duration.ofDays(365))));
  }
}
