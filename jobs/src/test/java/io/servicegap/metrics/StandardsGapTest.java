package io.servicegap.metrics;

import static io.servicegap.metrics.CommunicationGapTest.assertMetric;
import static io.servicegap.metrics.CommunicationGapTest.assertPercentile;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/** Gap 3 (standards), Gap 2 (coverage) and the business clock, on hand-worked histories. */
class StandardsGapTest extends MetricFixtures {

  /**
   * order-processing, target 3 h (premium 1 h); as_of 2026-05-31 (cut-off 06-01 00:00).
   * P1 smb budget processed after 2 h: met. P2 smb budget after 5 h: breach, excess 2.
   * P3 enterprise premium after 2 h: breach of the premium 1 h target, excess 1.
   * P4 smb budget, ordered 05-31 22:00, unprocessed: 2 h elapsed < 3 h, pending.
   * P5 smb budget, ordered 05-31 20:00, unprocessed: 4 h elapsed > 3 h, breach, value unknown.
   * P6 cancelled: not counted.
   */
  private static Dataset<Row> orders() {
    return frame(
        ORDERS_DDL,
        row("P1", "A1", ts("2026-05-10T10:00:00Z"), null, money("10"), null, 1, null, ts("2026-05-12T10:00:00Z"), ts("2026-05-10T12:00:00Z"), null, "open"),
        row("P2", "A1", ts("2026-05-10T10:00:00Z"), null, money("10"), null, 1, null, ts("2026-05-12T10:00:00Z"), ts("2026-05-10T15:00:00Z"), null, "open"),
        row("P3", "A2", ts("2026-05-10T10:00:00Z"), null, money("10"), null, 1, null, ts("2026-05-12T10:00:00Z"), ts("2026-05-10T12:00:00Z"), null, "open"),
        row("P4", "A1", ts("2026-05-31T22:00:00Z"), null, money("10"), null, 1, null, ts("2026-06-02T10:00:00Z"), null, null, "open"),
        row("P5", "A1", ts("2026-05-31T20:00:00Z"), null, money("10"), null, 1, null, ts("2026-06-02T10:00:00Z"), null, null, "open"),
        row("P6", "A1", ts("2026-05-10T10:00:00Z"), null, money("10"), null, 1, null, ts("2026-05-12T10:00:00Z"), ts("2026-05-11T10:00:00Z"), null, "cancelled"));
  }

  /**
   * All smb budget (A1). first-response target 4 h; resolution 48 h for late_delivery,
   * product_defect, billing only; queue-wait 120 s.
   * C1 billing: answered after 1 h, resolved after 50 h (resolution breach, excess 2), waited 100 s.
   * C2 staff_attitude: answered after 6 h (breach, excess 2), resolved after 100 h (not covered
   * by resolution), waited 200 s (breach, excess 80).
   * C3 late_delivery, opened 05-31 23:00: unanswered and unresolved, both pending (1 h elapsed).
   * C4 misleading_claim, opened 05-20, never answered: first-response breach with unknown value.
   */
  private static Dataset<Row> complaints() {
    return frame(
        COMPLAINTS_DDL,
        row("C1", "A1", null, ts("2026-05-05T08:00:00Z"), "post_sale", "billing", ts("2026-05-05T09:00:00Z"), ts("2026-05-07T10:00:00Z"), 100, 1, false),
        row("C2", "A1", null, ts("2026-05-05T08:00:00Z"), "post_sale", "staff_attitude", ts("2026-05-05T14:00:00Z"), ts("2026-05-09T12:00:00Z"), 200, 2, false),
        row("C3", "A1", null, ts("2026-05-31T23:00:00Z"), "delivery", "late_delivery", null, null, null, 1, false),
        row("C4", "A1", null, ts("2026-05-20T08:00:00Z"), "pre_sale", "misleading_claim", null, null, null, 1, false));
  }

  /**
   * case-promise: each case's own due_ts is its target; as_of 2026-05-31 (cut-off 06-01 00:00).
   * D1 due 48 h after opening, resolved after 24 h: kept. D2 due after 48 h, resolved after 72 h:
   * broken, excess 72 − 48 = 24 h. D3 due 05-25, still open: broken, value unknown. D4 due 06-05,
   * still open: pending. D5 has no due_ts: no promise to keep, not an event.
   */
  @Test
  void aCasePromiseIsKeptByResolvingBeforeItsOwnDueTime() {
    Dataset<Row> cases = frame(COMPLAINTS_DDL + ", due_ts timestamp",
        row("D1", "A1", null, ts("2026-05-10T09:00:00Z"), "post_sale", "billing", null, ts("2026-05-11T09:00:00Z"), null, 1, false, ts("2026-05-12T09:00:00Z")),
        row("D2", "A1", null, ts("2026-05-10T09:00:00Z"), "post_sale", "billing", null, ts("2026-05-13T09:00:00Z"), null, 1, false, ts("2026-05-12T09:00:00Z")),
        row("D3", "A1", null, ts("2026-05-20T09:00:00Z"), "post_sale", "billing", null, null, null, 1, false, ts("2026-05-25T09:00:00Z")),
        row("D4", "A1", null, ts("2026-05-28T09:00:00Z"), "post_sale", "billing", null, null, null, 1, false, ts("2026-06-05T09:00:00Z")),
        row("D5", "A1", null, ts("2026-05-28T09:00:00Z"), "post_sale", "billing", null, ts("2026-05-29T09:00:00Z"), null, 1, false, null));
    Dataset<Row> tidy = new StandardsGap().measure(events(settings(), frame(ORDERS_DDL), cases, noSurveys(), null));
    Map<String, Row> promise = metrics(tidy, "month", "2026-05-01", "ALL", "ALL", "ALL", "standard/case-promise");
    assertMetric(promise, "compliance_rate", 1.0 / 3, 3); // counted D1 D2 D3, kept D1
    assertMetric(promise, "excess_mean", 24.0, 1); // D2 alone has a known value
    assertPercentile(promise, "value_p50", 24.0, 2); // resolved after 24 h (D1) and 72 h (D2)
  }

  /**
   * case-promise with the source system's own verdict (sla_met), as a service desk exports it;
   * as_of 2026-05-31. V1 made its SLA though resolved after its due time: kept (the system knows
   * of a pause the export doesn't). V2 breached though resolved 1 minute after opening, with no
   * due time at all: broken, no excess (its value is within any deadline it had). V3 has no
   * verdict: due after 48 h, resolved after 72 h, broken by time, excess 24 h. V4 has neither a
   * verdict nor a due time: not an event. Counted V1 V2 V3, kept V1: 1/3.
   */
  @Test
  void aCasePromiseReadsTheSourceSystemsOwnVerdictWhereItHasOne() {
    Dataset<Row> cases = frame(COMPLAINTS_DDL + ", due_ts timestamp, sla_met boolean",
        row("V1", "A1", null, ts("2026-05-10T09:00:00Z"), "post_sale", "billing", null, ts("2026-05-13T09:00:00Z"), null, 1, false, ts("2026-05-12T09:00:00Z"), true),
        row("V2", "A1", null, ts("2026-05-10T09:00:00Z"), "post_sale", "billing", null, ts("2026-05-10T09:01:00Z"), null, 1, false, null, false),
        row("V3", "A1", null, ts("2026-05-10T09:00:00Z"), "post_sale", "billing", null, ts("2026-05-13T09:00:00Z"), null, 1, false, ts("2026-05-12T09:00:00Z"), null),
        row("V4", "A1", null, ts("2026-05-10T09:00:00Z"), "post_sale", "billing", null, ts("2026-05-13T09:00:00Z"), null, 1, false, null, null));
    Dataset<Row> tidy = new StandardsGap().measure(events(settings(), frame(ORDERS_DDL), cases, noSurveys(), null));
    Map<String, Row> promise = metrics(tidy, "month", "2026-05-01", "ALL", "ALL", "ALL", "standard/case-promise");
    assertMetric(promise, "compliance_rate", 1.0 / 3, 3);
    assertMetric(promise, "excess_mean", 24.0, 1); // V3 alone breached past a known deadline
  }

  @Test
  void complianceCountsBreachesOfTierTargetsAndUnmeasuredEventsPastTheirTarget() {
    Dataset<Row> tidy = new StandardsGap().measure(events(settings(), orders(), complaints(), noSurveys(), null)).cache();
    Map<String, Row> processing = metrics(tidy, "month", "2026-05-01", "ALL", "ALL", "ALL", "standard/order-processing");
    // counted: P1 P2 P3 P5 (P4 pending, P6 cancelled); breaches: P2 P3 P5
    assertMetric(processing, "compliance_rate", 1.0 / 4, 4);
    assertMetric(processing, "excess_mean", (2.0 + 1.0) / 2, 2); // P5's value is unknown
    assertPercentile(processing, "value_p50", 2.0, 3); // known values 2, 5, 2 h
    assertPercentile(processing, "value_p90", 5.0, 3);
    assertMetric(metrics(tidy, "month", "2026-05-01", "enterprise", "delivery", "premium", "standard/order-processing"), "compliance_rate", 0.0, 1);

    Map<String, Row> firstResponse = metrics(tidy, "month", "2026-05-01", "ALL", "ALL", "ALL", "standard/first-response");
    // counted: C1 (met), C2 (6 h: breach), C4 (unanswered 11 days: breach); C3 pending
    assertMetric(firstResponse, "compliance_rate", 1.0 / 3, 3);
    Map<String, Row> resolution = metrics(tidy, "month", "2026-05-01", "ALL", "ALL", "ALL", "standard/resolution");
    // covers billing and late_delivery here: C1 (50 h: breach); C3 pending
    assertMetric(resolution, "compliance_rate", 0.0, 1);
    assertMetric(resolution, "excess_mean", 2.0, 1);
    Map<String, Row> queue = metrics(tidy, "month", "2026-05-01", "ALL", "ALL", "ALL", "standard/queue-wait");
    assertMetric(queue, "compliance_rate", 1.0 / 2, 2);
    assertMetric(queue, "excess_mean", 80.0, 1);

    // All standards pooled: 1 + 1 + 0 + 1 met of 4 + 3 + 1 + 2 counted
    assertMetric(metrics(tidy, "month", "2026-05-01", "ALL", "ALL", "ALL", "all/ALL"), "compliance_rate", 3.0 / 10, 10);
  }

  @Test
  void aPendingEventBecomesABreachOnceItsTargetElapses() {
    // With a 1 h target P4 (2 h unprocessed at the cut-off) is no longer pending.
    Dataset<Row> tidy = new StandardsGap().measure(events(settings("servicegap.standards.order-processing { target = 1, tier-targets {} }"),
        orders(), complaints(), noSurveys(), null));
    // counted P1..P5: all five exceed 1 h (P1 2 h, P2 5 h, P3 2 h, P4 and P5 unprocessed)
    assertMetric(metrics(tidy, "month", "2026-05-01", "ALL", "ALL", "ALL", "standard/order-processing"), "compliance_rate", 0.0, 5);
  }

  @Test
  void businessClockCountsOnlyOpeningHours() {
    // Mon–Fri 09:00–17:00; 2026-05-22 is a Friday, 2026-05-25 a holiday Monday.
    String hours = "servicegap.business-hours { week { mon = \"09:00-17:00\", tue = \"09:00-17:00\", wed = \"09:00-17:00\", thu = \"09:00-17:00\", fri = \"09:00-17:00\" }, holidays = [\"2026-05-25\"] }\n"
        + "servicegap.standards.first-response.clock = business";
    Dataset<Row> c = frame(
        COMPLAINTS_DDL,
        // Fri 16:00 → Tue 10:00: 1 h Friday + 0 (weekend) + 0 (holiday) + 1 h Tuesday = 2 h
        row("B1", "A1", null, ts("2026-05-22T16:00:00Z"), "post_sale", "billing", ts("2026-05-26T10:00:00Z"), null, null, 1, false),
        // Sat 10:00 → Sat 12:00: nothing open = 0 h
        row("B2", "A1", null, ts("2026-05-23T10:00:00Z"), "post_sale", "billing", ts("2026-05-23T12:00:00Z"), null, null, 1, false),
        // Wed 08:00 → Wed 18:30: the whole opening day = 8 h (breach of 4 h)
        row("B3", "A1", null, ts("2026-05-27T08:00:00Z"), "post_sale", "billing", ts("2026-05-27T18:30:00Z"), null, null, 1, false));
    Dataset<Row> events = StandardsGap.standardEvents(settings(hours).standards().get("first-response"), events(settings(hours), noOrders(), c, noSurveys(), null));
    Map<Object, Double> values = new java.util.HashMap<>();
    for (Row r : events.select("event_date", "value").collectAsList()) {
      values.put(r.get(0).toString(), r.getDouble(1));
    }
    assertEquals(2.0, values.get("2026-05-22"), 1e-9);
    assertEquals(0.0, values.get("2026-05-23"), 1e-9);
    assertEquals(8.0, values.get("2026-05-27"), 1e-9);
  }

  @Test
  void coverageCountsComplaintsNoStandardNames() {
    Dataset<Row> tidy = new CoverageGap().measure(events(settings(), noOrders(), complaints(), noSurveys(), null));
    // staff_attitude and misleading_claim are named by no standard: 2 of 4
    assertMetric(metrics(tidy, "month", "2026-05-01", "ALL", "ALL", "ALL", "all/ALL"), "uncovered_complaint_share", 2.0 / 4, 4);
    assertMetric(metrics(tidy, "month", "2026-05-01", "ALL", "pre_sale", "ALL", "all/ALL"), "uncovered_complaint_share", 1.0, 1);
    Dataset<Row> widened = new CoverageGap().measure(events(settings("servicegap.standards.first-response.categories = [staff_attitude]"), noOrders(), complaints(), noSurveys(), null));
    assertMetric(metrics(widened, "month", "2026-05-01", "ALL", "ALL", "ALL", "all/ALL"), "uncovered_complaint_share", 1.0 / 4, 4);
    assertFalse(tidy.isEmpty());
  }
}
