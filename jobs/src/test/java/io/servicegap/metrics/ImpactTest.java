package io.servicegap.metrics;

import static io.servicegap.metrics.CommunicationGapTest.assertMetric;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.servicegap.config.Settings;
import io.servicegap.keys.RunKeys;
import java.time.LocalDate;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/**
 * phase_impact and the recovery paradox on hand-worked histories: as_of 2026-06-30 (cut-off
 * 2026-07-01T00:00Z), periods from May, a 30-day churn window.
 */
class ImpactTest extends MetricFixtures {
  private static final RunKeys JUNE = new RunKeys("test-run", LocalDate.parse("2026-06-30"), LocalDate.parse("2026-05-01"), java.time.ZoneOffset.UTC);
  private static final Settings SETTINGS = settings("servicegap.retention.churn-after-days = 30");

  /** A1 smb budget, A2 enterprise premium, A3 and A4 consumer standard. */
  private static Dataset<Row> accounts4() {
    return frame(ACCOUNTS_DDL, row("A1", "smb", "budget"), row("A2", "enterprise", "premium"), row("A3", "consumer", "standard"), row("A4", "consumer", "standard"));
  }

  private static Object[] order(String id, String account, String placed) {
    return row(id, account, ts(placed), null, money("100"), money("100"), 1, 1, ts(placed), null, ts(placed), "delivered");
  }

  /** A1 orders 05-01 and 05-20; A2 only 04-20; A3 05-03 and 06-10; A4 only 05-15. */
  private static Dataset<Row> orders() {
    return frame(
        ORDERS_DDL,
        order("O1", "A1", "2026-05-01T10:00:00Z"),
        order("O2", "A1", "2026-05-20T10:00:00Z"),
        order("O3", "A2", "2026-04-20T10:00:00Z"),
        order("O4", "A3", "2026-05-03T10:00:00Z"),
        order("O5", "A3", "2026-06-10T10:00:00Z"),
        order("O6", "A4", "2026-05-15T10:00:00Z"));
  }

  @Test
  void responsesAreClassedByTheirMeanGapAndRetentionIsMeasuredAfterThem() {
    Dataset<Row> surveys = frame(
        SURVEYS_DDL,
        // R1 (A1, 05-05): gaps +2 and +1, mean 1.5 > 0.5 → exceeded; A1 orders 05-20 → retained
        row("R1", "A1", null, ts("2026-05-05T09:00:00Z"), "delivery", "reliability", 5.0, 7.0),
        row("R1", "A1", null, ts("2026-05-05T09:00:00Z"), "delivery", "empathy", 5.0, 6.0),
        // R6 (A1, 05-10): gap exactly 0.5 is not above the threshold → met; retained (05-20)
        row("R6", "A1", null, ts("2026-05-10T09:00:00Z"), "delivery", "reliability", 4.0, 4.5),
        // R2 (A1, 05-25): gap 0 → met; no order up to 06-24 → churned
        row("R2", "A1", null, ts("2026-05-25T09:00:00Z"), "delivery", "reliability", 5.0, 5.0),
        // R3 (A2, 05-06): gap −2 → failed; A2 never orders again → churned
        row("R3", "A2", null, ts("2026-05-06T09:00:00Z"), "delivery", "reliability", 6.0, 4.0),
        // R4 (A2, 05-07): met; churned. An answer without perception does not count.
        row("R4", "A2", null, ts("2026-05-07T09:00:00Z"), "delivery", "reliability", 6.0, 6.0),
        row("R4", "A2", null, ts("2026-05-07T09:00:00Z"), "delivery", "empathy", 1.0, null),
        // R5 (A1, 06-20): met, but 06-20 + 30 d is after the cut-off → not evaluable
        row("R5", "A1", null, ts("2026-06-20T09:00:00Z"), "delivery", "reliability", 5.0, 5.0));
    Dataset<Row> tidy = new PhaseImpact().measure(events(SETTINGS, JUNE, accounts4(), orders(), frame(COMPLAINTS_DDL), surveys, null)).cache();

    Map<String, Row> may = metrics(tidy, "month", "2026-05-01", "ALL", "delivery", "ALL", "all/ALL");
    // 5 responses in May: exceeded R1; met R2, R4, R6; failed R3
    assertMetric(may, "exceeded_response_share", 1 / 5.0, 5);
    assertMetric(may, "met_response_share", 3 / 5.0, 5);
    assertMetric(may, "failed_response_share", 1 / 5.0, 5);
    assertMetric(may, "retention_exceeded", 1.0, 1);
    assertMetric(may, "retention_met", 1 / 3.0, 3); // R6 retained; R2, R4 churned
    assertMetric(may, "retention_failed", 0.0, 1);
    assertMetric(may, "positive_impact", 1.0 - 1 / 3.0, 1);
    assertMetric(may, "negative_impact", 1 / 3.0 - 0.0, 1);
    for (Row r : may.values()) {
      assertTrue(r.<Double>getAs("ci_low") <= r.<Double>getAs("value") && r.<Double>getAs("value") <= r.<Double>getAs("ci_high"), r.toString());
    }
    // smb (A1) alone: exceeded R1; met R6 (retained), R2 (churned)
    Map<String, Row> smb = metrics(tidy, "month", "2026-05-01", "smb", "ALL", "budget", "all/ALL");
    assertMetric(smb, "met_response_share", 2 / 3.0, 3);
    assertMetric(smb, "retention_met", 1 / 2.0, 2);
    // June: R5 is counted as a response but its retention is not yet known
    Map<String, Row> june = metrics(tidy, "month", "2026-06-01", "ALL", "ALL", "ALL", "all/ALL");
    assertMetric(june, "met_response_share", 1.0, 1);
    assertFalse(june.containsKey("retention_met"));
  }

  @Test
  void recoveredComplaintsAreComparedWithAccountsThatHadNothingToComplainAbout() {
    Dataset<Row> complaints = frame(
        COMPLAINTS_DDL,
        // K1: A1 late delivery resolved in 24 h ≤ 48 h (budget): recovered; A1 orders 05-20 → retained
        row("K1", "A1", null, ts("2026-05-03T00:00:00Z"), "delivery", "late_delivery", null, ts("2026-05-04T00:00:00Z"), null, 1, false),
        // K2: A2 billing resolved in 36 h > 24 h (premium target): not recovered
        row("K2", "A2", null, ts("2026-05-08T00:00:00Z"), "post_sale", "billing", null, ts("2026-05-09T12:00:00Z"), null, 1, false),
        // K3: staff attitude is covered by no resolution standard: not recovered
        row("K3", "A1", null, ts("2026-05-12T00:00:00Z"), "post_sale", "staff_attitude", null, ts("2026-05-12T02:00:00Z"), null, 1, false));
    Dataset<Row> tidy = new RecoveryParadox().measure(events(SETTINGS, JUNE, accounts4(), orders(), complaints, noSurveys(), null)).cache();

    // May: recovered K1, retained → 1/1. Ordering without complaint in May: A3 (next order 06-10
    // within 30 d of the month's end, 06-01) retained; A4 (nothing after 05-15) churned, its window
    // ending exactly at the cut-off (06-01 + 30 d = 07-01). A1 complained; A2 did not order in May.
    Map<String, Row> may = metrics(tidy, "month", "2026-05-01", "ALL", "delivery", "ALL", "all/ALL");
    assertMetric(may, "retention_after_recovery", 1.0, 1);
    assertMetric(may, "retention_without_complaint", 1 / 2.0, 2);
    assertMetric(may, "recovery_paradox", 1.0 - 1 / 2.0, 1);
    assertEquals(RecoveryGap.GAP, may.get("recovery_paradox").getAs("gap"));
    // the post_sale phase had no recovered complaint: no paradox there
    assertFalse(metrics(tidy, "month", "2026-05-01", "ALL", "post_sale", "ALL", "all/ALL").containsKey("recovery_paradox"));
  }
}
