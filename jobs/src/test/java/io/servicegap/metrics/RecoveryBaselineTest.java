package io.servicegap.metrics;

import static org.apache.spark.sql.functions.add_months;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.date_add;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.servicegap.config.Settings;
import io.servicegap.keys.EventKeys;
import io.servicegap.keys.JoinKeys;
import io.servicegap.keys.Periods;
import io.servicegap.keys.RunKeys;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.Test;

/**
 * The recovery paradox's baseline (accounts that ordered in a period without complaining) against
 * the churn definition itself: every account-period's end is an instant for
 * {@link Retention#churnAfter}, over histories made to hit its edges — orders at exactly a
 * period's first midnight, several orders at one instant, tiers changing within a period, periods
 * with only midnight orders, complaints in periods with and without orders.
 */
class RecoveryBaselineTest extends MetricFixtures {
  private static final int DAYS = 30;
  private static final RunKeys RUN = new RunKeys("test-run", LocalDate.parse("2026-06-30"), LocalDate.parse("2026-01-01"), ZoneOffset.UTC);
  private static final Settings SETTINGS = settings("servicegap.retention.churn-after-days = " + DAYS);

  @Test
  void baselineEqualsChurnAfterEveryPeriodEnd() {
    Random random = new Random(11);
    List<Object[]> accounts = new ArrayList<>();
    List<Object[]> orders = new ArrayList<>();
    List<Object[]> complaints = new ArrayList<>();
    String[] tiers = {"budget", "standard", "premium"};
    LocalDate first = LocalDate.parse("2025-12-01");
    int midnightOrders = 0;
    for (int a = 0; a < 60; a++) {
      String account = "A" + a;
      accounts.add(row(account, a % 2 == 0 ? "smb" : "enterprise", tiers[a % 3]));
      java.sql.Timestamp previous = null;
      int n = random.nextInt(14);
      for (int o = 0; o < n; o++) {
        java.sql.Timestamp t;
        if (previous != null && random.nextInt(6) == 0) {
          t = previous; // two orders at one instant
        } else {
          LocalDate day = first.plusDays(random.nextInt(212));
          // Mondays and months' first days at midnight: a period's end is exactly an order's time
          if (random.nextInt(3) == 0) {
            day = random.nextBoolean() ? day.with(java.time.DayOfWeek.MONDAY) : day.withDayOfMonth(1);
          }
          int hour = random.nextInt(3) == 0 ? 0 : random.nextInt(24);
          t = java.sql.Timestamp.from(day.atTime(hour, 0).toInstant(ZoneOffset.UTC));
          midnightOrders += hour == 0 ? 1 : 0;
        }
        previous = t;
        String tier = random.nextBoolean() ? null : tiers[random.nextInt(3)];
        orders.add(row("O" + a + "-" + o, account, t, tier, money("10.00"), money("10.00"), 1, 1, t, null, t, "delivered"));
      }
      for (int c = random.nextInt(3); c > 0; c--) {
        java.sql.Timestamp t = java.sql.Timestamp.from(first.plusDays(random.nextInt(212)).atTime(9, 0).toInstant(ZoneOffset.UTC));
        complaints.add(row("K" + a + "-" + c, account, null, t, "delivery", "late_delivery", null, null, null, 1, false));
      }
    }
    assertTrue(midnightOrders > 20, "the fixture exercises midnight orders");
    Dataset<Row> accountRows = frame(ACCOUNTS_DDL, accounts.toArray(Object[][]::new));
    Dataset<Row> orderRows = frame(ORDERS_DDL, orders.toArray(Object[][]::new));
    MeasuredEvents in = events(SETTINGS, RUN, accountRows, orderRows, frame(COMPLAINTS_DDL, complaints.toArray(Object[][]::new)), noSurveys(), null);

    Dataset<Row> actual = RecoveryParadox.uncomplainedByKeys(in.orders(), in.complaints(), DAYS, SETTINGS.grains(), SETTINGS.priceTiers(), RUN);
    Dataset<Row> expected = byDefinition(in, keyedOrders(orderRows, accountRows, RUN));
    long groups = expected.count();
    assertTrue(groups > 100, "the fixture covers many periods");
    Dataset<Row> ordered = actual.select(expected.columns()[0], java.util.Arrays.copyOfRange(expected.columns(), 1, expected.columns().length));
    assertSameRows(expected, spark.createDataFrame(ordered.rdd(), expected.schema())); // nullability aside
  }

  /**
   * The baseline as SPEC states it: each (account, period) with orders and no complaint, churn
   * after the period's end among every order, the window's and the earlier ones.
   */
  private static Dataset<Row> byDefinition(MeasuredEvents in, Dataset<Row> everyOrder) {
    Dataset<Row> ordered =
        Periods.expand(in.orders().select("account_id", "segment", "price_tier", EventKeys.EVENT_DATE), EventKeys.EVENT_DATE, SETTINGS.grains(), RUN).distinct();
    Dataset<Row> complained =
        Periods.expand(in.complaints().select("account_id", EventKeys.EVENT_DATE), EventKeys.EVENT_DATE, SETTINGS.grains(), RUN).distinct();
    Column end =
        when(col(Periods.GRAIN).equalTo("day"), date_add(col(Periods.PERIOD_START), 1))
            .when(col(Periods.GRAIN).equalTo("week"), date_add(col(Periods.PERIOD_START), 7))
            .otherwise(add_months(col(Periods.PERIOD_START), 1));
    Dataset<Row> instants =
        ordered.join(complained, JoinKeys.of("account_id", Periods.GRAIN, Periods.PERIOD_START), "left_anti")
            .withColumn("period_end", least(end.cast(DataTypes.TimestampType), lit(RUN.cutoff())));
    Column evaluable = col(Retention.EVALUABLE);
    return Retention.churnAfter(instants, "period_end", everyOrder, DAYS, RUN.cutoff())
        .groupBy(Periods.GRAIN, Periods.PERIOD_START, "segment", "price_tier")
        .agg(
            sum(when(evaluable, 1L).otherwise(0L)).as("uncomplained_evaluable"),
            sum(when(evaluable.and(col(Retention.CHURNED).equalTo(false)), 1L).otherwise(0L)).as("uncomplained_retained"));
  }
}
