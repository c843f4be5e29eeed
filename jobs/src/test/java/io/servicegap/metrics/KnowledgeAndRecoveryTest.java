package io.servicegap.metrics;

import static io.servicegap.metrics.CommunicationGapTest.assertMetric;
import static io.servicegap.metrics.CommunicationGapTest.assertPercentile;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/** Gap 1 (knowledge, self-assessment) and recovery, on hand-worked histories. */
class KnowledgeAndRecoveryTest extends MetricFixtures {

  /** smb (A1) answers reliability (e 6, p 4) and (e 4, p 4) in delivery; enterprise (A2) reliability (e 7, p 6) in pre_sale. */
  private static Dataset<Row> surveys() {
    return frame(
        SURVEYS_DDL,
        row("R1", "A1", null, ts("2026-05-02T09:00:00Z"), "delivery", "reliability", 6.0, 4.0),
        row("R2", "A1", null, ts("2026-05-03T09:00:00Z"), "delivery", "reliability", 4.0, 4.0),
        row("R3", "A2", null, ts("2026-05-03T09:00:00Z"), "pre_sale", "reliability", 7.0, 6.0));
  }

  /** * * believes expectation 5, own service 6.5; smb × delivery is more specific: 5.5 and 6. */
  private static Dataset<Row> estimates() {
    return frame(ESTIMATES_DDL, row("*", "*", "reliability", 5.0, 6.5), row("smb", "delivery", "reliability", 5.5, 6.0), row("smb", "*", "reliability", 9.0, 9.0));
  }

  @Test
  void theMostSpecificEstimateAppliesAndStarsCoverTheRest() {
    Dataset<Row> tidy = new KnowledgeGap().measure(events(settings(), noOrders(), frame(COMPLAINTS_DDL), surveys(), estimates())).cache();
    Map<String, Row> smb = metrics(tidy, "month", "2026-05-01", "smb", "delivery", "budget", "dimension/reliability");
    // exact row: 5.5 − mean(6, 4) = 0.5; 6 − mean(4, 4) = 2
    assertMetric(smb, "knowledge_gap", 5.5 - 5.0, 2);
    assertMetric(smb, "self_assessment_gap", 6.0 - 4.0, 2);
    // smb in every phase matches "smb, *": 9 − 5 = 4
    assertMetric(metrics(tidy, "month", "2026-05-01", "smb", "ALL", "budget", "dimension/reliability"), "knowledge_gap", 9.0 - 5.0, 2);
    // enterprise has no row of its own: "*, *" applies: 5 − 7 = −2; 6.5 − 6 = 0.5
    Map<String, Row> ent = metrics(tidy, "month", "2026-05-01", "enterprise", "pre_sale", "premium", "dimension/reliability");
    assertMetric(ent, "knowledge_gap", -2.0, 1);
    assertMetric(ent, "self_assessment_gap", 0.5, 1);
    // everyone: "*, *" against mean expectation (6 + 4 + 7)/3 and perception (4 + 4 + 6)/3
    Map<String, Row> all = metrics(tidy, "month", "2026-05-01", "ALL", "ALL", "ALL", "dimension/reliability");
    assertMetric(all, "knowledge_gap", 5.0 - 17.0 / 3, 3);
    assertMetric(all, "self_assessment_gap", 6.5 - 14.0 / 3, 3);
    Row sa = all.get("self_assessment_gap");
    assertTrue(sa.<Double>getAs("ci_low") <= sa.<Double>getAs("value") && sa.<Double>getAs("value") <= sa.<Double>getAs("ci_high"));
    assertMetric(metrics(tidy, "month", "2026-05-01", "ALL", "ALL", "ALL", "all/ALL"), "self_assessment_gap", 6.5 - 14.0 / 3, 3);
  }

  @Test
  void withoutEstimatesThereIsNoGapOne() {
    assertTrue(new KnowledgeGap().measure(events(settings(), noOrders(), frame(COMPLAINTS_DDL), surveys(), null)).isEmpty());
  }

  /**
   * Orders in May: O1, O2, O3 by A1 (smb budget), O4 by A2 (enterprise premium).
   * Complaints, A1: K1 resolved in 10 h at first contact; K2 resolved in 30 h after 2 contacts;
   * K3 resolved in 20 h, 1 contact but reopened; K4 unresolved. First responses 1, 3, 2 h, none.
   * Survey: R1 answers about K1 on responsiveness (recovery element): perception 5; on empathy 2.
   */
  @Test
  void recoveryFiguresFromComplaintsOrdersAndLinkedAnswers() {
    Dataset<Row> orders = frame(
        ORDERS_DDL,
        row("O1", "A1", ts("2026-05-01T10:00:00Z"), null, money("10"), null, 1, null, ts("2026-05-02T10:00:00Z"), null, null, "open"),
        row("O2", "A1", ts("2026-05-02T10:00:00Z"), null, money("10"), null, 1, null, ts("2026-05-03T10:00:00Z"), null, null, "cancelled"),
        row("O3", "A1", ts("2026-05-03T10:00:00Z"), null, money("10"), null, 1, null, ts("2026-05-04T10:00:00Z"), null, null, "open"),
        row("O4", "A2", ts("2026-05-03T10:00:00Z"), null, money("10"), null, 1, null, ts("2026-05-04T10:00:00Z"), null, null, "open"));
    Dataset<Row> complaints = frame(
        COMPLAINTS_DDL,
        row("K1", "A1", null, ts("2026-05-05T00:00:00Z"), "post_sale", "billing", ts("2026-05-05T01:00:00Z"), ts("2026-05-05T10:00:00Z"), null, 1, false),
        row("K2", "A1", null, ts("2026-05-05T00:00:00Z"), "post_sale", "billing", ts("2026-05-05T03:00:00Z"), ts("2026-05-06T06:00:00Z"), null, 2, false),
        row("K3", "A1", null, ts("2026-05-05T00:00:00Z"), "delivery", "late_delivery", ts("2026-05-05T02:00:00Z"), ts("2026-05-05T20:00:00Z"), null, 1, true),
        row("K4", "A1", null, ts("2026-05-05T00:00:00Z"), "post_sale", "billing", null, null, null, 1, false));
    Dataset<Row> surveys = frame(
        "response_id string, account_id string, order_id string, complaint_id string, submitted_ts timestamp, phase string, dimension string, expectation double, perception double",
        row("R1", "A1", null, "K1", ts("2026-05-06T09:00:00Z"), "post_sale", "responsiveness", 6.0, 5.0),
        row("R1", "A1", null, "K1", ts("2026-05-06T09:00:00Z"), "post_sale", "empathy", 6.0, 2.0));
    Dataset<Row> tidy = new RecoveryGap().measure(events(settings(), orders, complaints, surveys, null)).cache();
    Map<String, Row> smb = metrics(tidy, "month", "2026-05-01", "smb", "ALL", "budget", "all/ALL");
    assertMetric(smb, "complaints_per_1000_orders", 4.0 / 3 * 1000, 3); // 4 complaints, 3 orders (any status)
    assertMetric(smb, "resolution_rate", 3.0 / 4, 4);
    assertMetric(smb, "first_contact_resolution_rate", 1.0 / 3, 3); // K1 only (K2 two contacts, K3 reopened)
    assertMetric(smb, "reopen_rate", 1.0 / 3, 3);
    assertPercentile(smb, "first_response_hours_p50", 2.0, 3); // 1, 2, 3 h
    assertPercentile(smb, "resolution_hours_p50", 20.0, 3); // 10, 20, 30 h
    assertMetric(smb, "recovery_satisfaction", 5.0, 1); // the recovery element only: responsiveness
    // Complaint phases share their segment and tier's order count: post_sale K1 K2 K4 → 3 / 3 orders.
    assertMetric(metrics(tidy, "month", "2026-05-01", "smb", "post_sale", "budget", "all/ALL"), "complaints_per_1000_orders", 1000.0, 3);
    assertEquals(0, tidy.filter("segment = 'enterprise'").filter("metric = 'complaints_per_1000_orders'").count(), "no complaints, no row");
  }

  /**
   * The same complaints with their channels (K1 and K2 by phone, K3 by email, K4 with none) read
   * per category and per channel, with mean times. Means over the cases that have the time:
   * first response (1 + 3 + 2) / 3 = 2 h, resolution (10 + 30 + 20) / 3 = 20 h. billing: K1 K2 K4,
   * resolved 2 of 3, first responses 1 and 3 h (mean 2), resolutions 10 and 30 h (mean 20,
   * sample variance ((10−20)² + (30−20)²) / 1 = 200, half-width z · √(200 / 2) = 1.96 · 10).
   * phone: K1 K2, both resolved, at first contact 1 of 2. K4 has no channel: no channel row.
   */
  @Test
  void recoveryPerCategoryAndChannelWithMeanTimes() {
    Dataset<Row> orders = frame(ORDERS_DDL,
        row("O1", "A1", ts("2026-05-01T10:00:00Z"), null, money("10"), null, 1, null, ts("2026-05-02T10:00:00Z"), null, null, "open"),
        row("O2", "A1", ts("2026-05-02T10:00:00Z"), null, money("10"), null, 1, null, ts("2026-05-03T10:00:00Z"), null, null, "open"));
    Dataset<Row> complaints = frame(COMPLAINTS_DDL + ", channel string",
        row("K1", "A1", null, ts("2026-05-05T00:00:00Z"), "post_sale", "billing", ts("2026-05-05T01:00:00Z"), ts("2026-05-05T10:00:00Z"), null, 1, false, "phone"),
        row("K2", "A1", null, ts("2026-05-05T00:00:00Z"), "post_sale", "billing", ts("2026-05-05T03:00:00Z"), ts("2026-05-06T06:00:00Z"), null, 2, false, "phone"),
        row("K3", "A1", null, ts("2026-05-05T00:00:00Z"), "delivery", "late_delivery", ts("2026-05-05T02:00:00Z"), ts("2026-05-05T20:00:00Z"), null, 1, true, "email"),
        row("K4", "A1", null, ts("2026-05-05T00:00:00Z"), "post_sale", "billing", null, null, null, 1, false, null));
    Dataset<Row> surveys = frame(
        "response_id string, account_id string, order_id string, complaint_id string, submitted_ts timestamp, phase string, dimension string, expectation double, perception double");
    Dataset<Row> tidy = new RecoveryGap().measure(events(settings(), orders, complaints, surveys, null)).cache();
    Map<String, Row> all = metrics(tidy, "month", "2026-05-01", "ALL", "ALL", "ALL", "all/ALL");
    assertMetric(all, "first_response_hours_mean", 2.0, 3);
    assertMetric(all, "resolution_hours_mean", 20.0, 3);
    Map<String, Row> billing = metrics(tidy, "month", "2026-05-01", "ALL", "ALL", "ALL", "category/billing");
    assertMetric(billing, "resolution_rate", 2.0 / 3, 3);
    assertMetric(billing, "complaints_per_1000_orders", 3.0 / 2 * 1000, 2); // billing complaints per order of the same keys
    assertMetric(billing, "first_response_hours_mean", 2.0, 2);
    assertMetric(billing, "resolution_hours_mean", 20.0, 2);
    double half = io.servicegap.stats.Estimate.z(0.95) * Math.sqrt(200.0 / 2);
    assertEquals(20.0 - half, billing.get("resolution_hours_mean").<Double>getAs("ci_low"), 1e-6);
    assertEquals(2L, billing.get("resolution_hours_p50").<Long>getAs("n"), "a median per category too");
    Map<String, Row> phone = metrics(tidy, "month", "2026-05-01", "ALL", "ALL", "ALL", "channel/phone");
    assertMetric(phone, "resolution_rate", 1.0, 2);
    assertMetric(phone, "first_contact_resolution_rate", 1.0 / 2, 2);
    assertMetric(metrics(tidy, "month", "2026-05-01", "ALL", "ALL", "ALL", "category/late_delivery"), "reopen_rate", 1.0, 1);
    assertEquals(2, tidy.filter("subject_type = 'channel' AND metric = 'resolution_rate' AND grain = 'month' AND segment = 'ALL' AND phase = 'ALL' AND price_tier = 'ALL'")
        .count(), "phone and email; K4 has no channel");
  }
}
