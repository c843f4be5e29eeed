package io.servicegap.generate;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.format_string;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.xxhash64;
import static org.apache.spark.sql.functions.when;

import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Synthetic histories in the input contract, at any scale, deterministic for a seed: every random
 * draw is a hash of (seed, row id, purpose), so the output does not depend on partitioning.
 *
 * <p>Planted gaps (checked by PlantedGapIT):
 *
 * <ul>
 *   <li>Gap 4: smb × budget orders are late 40 % of the time, every other segment × tier 8 %.
 *   <li>Gap 5: post_sale answers fall 1.2 points short of expectation on average; pre_sale and
 *       delivery answers meet it on average (late deliveries excepted).
 *   <li>Gap 4 price: enterprise × premium orders are overcharged 30 % of the time, others 2 %.
 *   <li>Gap 1: management rates its own service 6.3 against customers' perception around 5.
 *   <li>Fee impact: budget tier prices rise 8 % mid-history.
 *   <li>Broken-promise penalty: answers about a late order rate perception a point lower.
 * </ul>
 *
 * With {@code planted = false} none of these is planted: every segment, tier and phase draws from
 * the same distributions (8 % late, 2 % overcharged, answers meeting expectations on average), and
 * management estimates what customers expect and perceive.
 *
 * <p>Accounts differ as real ones do, in both modes and independently of segment and tier: each
 * has its own lateness propensity (its orders are late 0.25 to 1.75 times as often as its segment
 * and tier's rate, uniformly, 1 on average) and rating offset (its perceptions are shifted by −0.6
 * to +0.6 points, uniformly); the answers of one response share a mood of −0.4 to +0.4 points more.
 *
 * Proportions: one account per 20 orders, about one complaint per 12 orders, and five survey
 * answers per three orders (one response of five dimensions for every third order).
 */
public final class HistoryGenerator {
  /** The history's last day, the as-of of runs on it: it spans the 365 days that end with this one. */
  public static final String END = "2026-06-30";
  /**
   * The moment the history is seen from, the end of its last day: a run as of END measures at this
   * same moment, so nothing is left open that the run would see as already due.
   */
  private static final String SNAPSHOT = "timestamp'" + java.time.LocalDate.parse(END).plusDays(1) + " 00:00:00'";
  private static final List<String> DIMENSIONS = List.of("reliability", "responsiveness", "assurance", "empathy", "tangibles", "value");

  private final SparkSession spark;
  private final long seed;
  private final boolean planted;

  /** @param planted whether to plant the documented gaps */
  public HistoryGenerator(SparkSession spark, long seed, boolean planted) {
    this.spark = spark;
    this.seed = seed;
    this.planted = planted;
  }

  /** A planted value, or what every group gets when nothing is planted. */
  private Column plant(Column gap, double unplanted) {
    return planted ? gap : lit(unplanted);
  }

  /** A uniform draw in [0, 1) for a row and a purpose. */
  private Column u(Column id, String purpose) {
    return pmod(xxhash64(lit(seed), lit(purpose), id), lit(1_000_000_007L)).divide(1_000_000_007.0);
  }

  public Dataset<Row> accounts(long orders) {
    long n = Math.max(50, orders / 20);
    Column id = col("id");
    Column s = u(id, "segment");
    Column t = u(id, "tier");
    return spark.range(n).select(
        format_string("A%08d", id).as("account_id"),
        when(s.lt(0.2), "enterprise").when(s.lt(0.7), "smb").otherwise("consumer").as("segment"),
        when(t.lt(0.4), "budget").when(t.lt(0.8), "standard").otherwise("premium").as("price_tier"),
        expr("element_at(array('north', 'south', 'east', 'west'), cast(pmod(id, 4) as int) + 1)").as("region"),
        expr("date_sub(date'" + END + "', 400 + cast(pmod(id * 7919, 2000) as int))").as("created_date"));
  }

  public Dataset<Row> transactions(long orders) {
    long accounts = Math.max(50, orders / 20);
    Column id = col("id");
    Dataset<Row> base = spark.range(orders).select(
        id,
        format_string("A%08d", pmod(xxhash64(lit(seed), lit("account"), id), lit(accounts))).as("account_id"),
        expr(SNAPSHOT).as("_end"),
        u(id, "when").as("_when"), u(id, "late").as("_late"), u(id, "status").as("_status"), u(id, "qty").as("_qty"),
        u(id, "partial").as("_partial"), u(id, "over").as("_over"), u(id, "price").as("_price"), u(id, "hours").as("_hours"));
    Dataset<Row> a = accounts(orders).select(col("account_id"), col("segment"), col("price_tier").as("tier"),
        lit(0.25).plus(u(col("account_id"), "lateness").multiply(1.5)).as("_propensity"));
    Column orderTs = expr("_end - make_dt_interval(0, 0, 0, cast(_when * 365 * 86400 as decimal(18, 6)))");
    Column lateP = plant(when(col("segment").equalTo("smb").and(col("tier").equalTo("budget")), 0.40).otherwise(0.08), 0.08).multiply(col("_propensity"));
    Column overP = plant(when(col("segment").equalTo("enterprise").and(col("tier").equalTo("premium")), 0.30).otherwise(0.02), 0.02);
    Column quoted = when(col("tier").equalTo("budget"), lit(40).plus(col("_price").multiply(160)))
        .when(col("tier").equalTo("standard"), lit(200).plus(col("_price").multiply(600)))
        .otherwise(lit(800).plus(col("_price").multiply(2200)))
        .multiply(plant(when(col("tier").equalTo("budget").and(col("order_ts").geq(expr("timestamp'2026-01-01 00:00:00'"))), 1.08).otherwise(1.0), 1.0));
    Dataset<Row> o = base.join(org.apache.spark.sql.functions.broadcast(a), "account_id")
        .withColumn("order_ts", orderTs)
        .withColumn("promised_ts", expr("order_ts + make_dt_interval(0, 48 + cast(_hours * 120 as int), 0, 0)"))
        .withColumn("status", when(col("_status").lt(0.04), "cancelled")
            .when(col("promised_ts").gt(col("_end")).and(col("_status").lt(0.7)), "open")
            .when(col("_status").lt(0.06), "open")
            .when(col("_status").lt(0.08), "returned")
            .otherwise("delivered"));
    Column delivered = col("status").isin("delivered", "returned");
    Column late = col("_late").lt(lateP);
    return o.select(
        format_string("O%010d", col("id")).as("order_id"),
        col("account_id"),
        col("order_ts"),
        when(col("_qty").lt(0.1), col("tier")).as("price_tier"),
        quoted.cast("decimal(18,2)").as("quoted_amount"),
        when(col("_partial").gt(0.97), lit(null)).otherwise(quoted.multiply(when(col("_over").lt(overP), lit(1.05).plus(col("_over"))).otherwise(1.0))).cast("decimal(18,2)").as("charged_amount"),
        lit(1).plus(expr("cast(_qty * 20 as int)")).as("qty_ordered"),
        when(delivered, lit(1).plus(expr("cast(_qty * 20 as int)")).minus(when(col("_partial").lt(0.06), 1).otherwise(0))).as("qty_delivered"),
        col("promised_ts"),
        // Processed in 10 min to 5 h; premium, promised 1 h instead of 3, in 10 to 95 min: every tier
        // meets its target about as often (59 %), so no processing gap is planted. With nothing
        // planted every tier is processed alike (for runs whose tiers share their targets).
        when(col("status").notEqual("cancelled"), expr("order_ts + make_dt_interval(0, 0, 10 + cast(_hours * if(tier = 'premium' and " + planted + ", 85, 290) as int), 0)"))
            .as("processed_ts"),
        when(delivered, when(late, expr("promised_ts + make_dt_interval(0, 2 + cast(_late * 200 as int), 0, 0)"))
            .otherwise(expr("promised_ts - make_dt_interval(0, cast(_hours * 40 as int), 0, 0)"))).as("delivered_ts"),
        col("status"),
        expr("element_at(array('web', 'phone', 'partner'), cast(pmod(id, 3) as int) + 1)").as("channel"),
        col("order_ts").as("updated_ts"));
  }

  /**
   * About one complaint per 12 orders; late orders complain far more often. How a case is handled
   * (when it is answered and resolved, its wait, contacts and reopening) is drawn apart from what
   * it is about, so no phase or category is handled worse than another; premium cases, promised
   * faster by the default targets, are handled as much faster (unless nothing is planted), so no
   * tier breaches its standards more often than another.
   */
  public Dataset<Row> complaints(Dataset<Row> transactions, Dataset<Row> accounts) {
    Column late = col("delivered_ts").gt(col("promised_ts"));
    Column c = col("_c");
    Column premium = coalesce(col("price_tier"), col("_tier")).equalTo("premium");
    Dataset<Row> t = transactions.join(accounts.select(col("account_id"), col("price_tier").as("_tier")), "account_id")
        .withColumn("_c", u(col("order_id"), "complaint")).withColumn("_k", u(col("order_id"), "kind"))
        .withColumn("_h", u(col("order_id"), "handling")).withColumn("_w", u(col("order_id"), "wait"))
        // First response within 1 h instead of 4, resolution 24 h instead of 48, queue 60 s instead of 120.
        .withColumn("_respond", when(premium.and(lit(planted)), 0.25).otherwise(1.0))
        .withColumn("_fast", when(premium.and(lit(planted)), 0.5).otherwise(1.0));
    Dataset<Row> chosen = t.filter(when(late, c.lt(0.35)).otherwise(c.lt(0.055)));
    Column category = when(late, lit("late_delivery"))
        .when(col("_k").lt(0.35), "billing").when(col("_k").lt(0.6), "product_defect").when(col("_k").lt(0.85), "staff_attitude").otherwise("misleading_claim");
    Column opened = expr("coalesce(delivered_ts, promised_ts) + make_dt_interval(0, 1 + cast(_h * 47 as int), 0, 0)");
    return chosen.filter(opened.lt(expr(SNAPSHOT))).select(
        concat(lit("C"), col("order_id").substr(2, 20)).as("complaint_id"),
        col("account_id"),
        col("order_id"),
        opened.as("opened_ts"),
        when(category.equalTo("late_delivery"), "delivery").when(category.equalTo("misleading_claim"), "pre_sale").otherwise("post_sale").as("phase"),
        category.as("category"),
        expr("element_at(array('email', 'phone', 'chat'), cast(_w * 3 as int) + 1)").as("channel"),
        expr("coalesce(delivered_ts, promised_ts) + make_dt_interval(0, 1 + cast(_h * 47 as int), cast((10 + _w * 200) * _respond as int), 0)").as("first_response_ts"),
        when(u(col("order_id"), "resolve").lt(0.85), expr("coalesce(delivered_ts, promised_ts) + make_dt_interval(0, 1 + cast(_h * 47 as int), 0, 0)"
            + " + make_dt_interval(0, 0, cast((120 + _h * 6180) * _fast as int), 0)")).as("resolved_ts"),
        expr("cast(_w * 2000 * _fast as int)").as("queue_wait_s"),
        when(col("_w").lt(0.7), 1).otherwise(2).as("contacts"),
        col("_h").gt(0.92).as("reopened"),
        when(col("_w").lt(0.3), lit(10.0)).otherwise(lit(0.0)).cast("decimal(18,2)").as("compensation_amount"),
        opened.as("updated_ts"));
  }

  /** One response of five dimensions for every third order. */
  public Dataset<Row> surveys(Dataset<Row> transactions) {
    Dataset<Row> r = transactions
        .filter(expr("pmod(xxhash64(" + seed + "L, 'respond', order_id), 3) = 0"))
        .withColumn("_p", u(col("order_id"), "phase"))
        .withColumn("phase", when(col("_p").lt(0.6), "delivery").when(col("_p").lt(0.85), "post_sale").otherwise("pre_sale"))
        .withColumn("_skip", expr("cast(pmod(xxhash64(" + seed + "L, 'skip', order_id), 6) as int)"))
        .withColumn("dimension", explode(expr("array('" + String.join("', '", DIMENSIONS) + "')")))
        .filter(expr("dimension != element_at(array('" + String.join("', '", DIMENSIONS) + "'), _skip + 1)"));
    Column e = expr("least(7, greatest(1, round(5 + (" + "pmod(xxhash64(" + seed + "L, 'e', order_id, dimension), 1000) / 1000.0 - 0.5) * 3)))");
    Column penalty = plant(when(col("phase").equalTo("post_sale"), 1.2).when(col("delivered_ts").gt(col("promised_ts")), 1.0).otherwise(0.0), 0.0);
    // The account's rating offset and the response's mood, shared by all its answers.
    Column offset = u(col("account_id"), "offset").minus(0.5).multiply(1.2).plus(u(col("order_id"), "mood").minus(0.5).multiply(0.8));
    Column p = expr("least(7, greatest(1, round(e + (pmod(xxhash64(" + seed + "L, 'p', order_id, dimension), 1000) / 1000.0 - 0.5) * 3 - penalty + offset)))");
    return r.withColumn("e", e).withColumn("penalty", penalty).withColumn("offset", offset).select(
        concat(lit("R"), col("order_id").substr(2, 20)).as("response_id"),
        col("account_id"),
        when(col("phase").notEqual("pre_sale"), col("order_id")).as("order_id"),
        lit(null).cast("string").as("complaint_id"),
        expr("coalesce(delivered_ts, promised_ts, order_ts) + make_dt_interval(1, 0, 0, 0)").as("submitted_ts"),
        col("phase"),
        col("dimension"),
        col("e").cast("double").as("expectation"),
        p.cast("double").as("perception"))
        .filter(col("submitted_ts").lt(expr(SNAPSHOT)));
  }

  public Dataset<Row> managementEstimates() {
    StringBuilder values = new StringBuilder();
    for (String d : DIMENSIONS) {
      values.append(values.length() == 0 ? "" : ", ").append("('*', '*', '").append(d).append(planted ? "', 5.2, 6.3)" : "', 5.0, 5.0)");
    }
    return spark.sql("select * from values " + values + " as t(segment, phase, dimension, expected_score, self_score)");
  }

  public Dataset<Row> priceChanges() {
    return spark.sql("select * from values ('P001', date'2026-01-01', 'budget', '*', 0.08, 'Budget prices up 8 %') as t(change_id, effective_date, price_tier, segment, change_pct, description)");
  }
}
