package io.servicegap.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.servicegap.SparkTestBase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Each preset of conf/presets/ end to end on a small export in its public layout
 * (src/test/resources/exports/), with the layouts' dirt: spaces and colons in column names,
 * AM/PM times, empty cells, rows out of order, a case closed before it was opened, an order never
 * delivered, an unknown status word. Expected figures are worked out by hand from the files, the
 * arithmetic written beside each.
 */
class PresetRunIT extends SparkTestBase {

  @AfterAll
  static void sessionBackToUtc() {
    spark.conf().set("spark.sql.session.timeZone", "UTC");
  }

  /** Runs a preset on a copy of its fixture folder; the export's files are read as they are. */
  private static Path runPreset(String preset, String fixture, String asOf) throws IOException {
    Path data = Files.createTempDirectory("preset-" + preset).resolve("export");
    Files.createDirectories(data);
    try (Stream<Path> files = Files.list(repo().resolve("jobs/src/test/resources/exports/" + fixture))) {
      for (Path f : files.toList()) {
        Files.copy(f, data.resolve(f.getFileName()));
      }
    }
    JobRunner.Result r = JobRunner.run(spark,
        "run", "--conf", repo().resolve("conf/presets/" + preset + ".conf").toString(), "--as-of", asOf,
        // the fixtures are a few rows with a planted fault or more per source: far above 5 %
        "--set", "servicegap.quality.max-reject-ratio=0.5",
        "--set", "SERVICEGAP_DATA=" + data);
    assertEquals(0, r.exitCode(), r.out() + r.err());
    return Path.of(data + "-tables");
  }

  /** gap_metrics of one month at ALL × ALL × ALL, by "gap/metric/subject": one collect. */
  private static Map<String, Row> monthTotals(Path tables, String month) {
    Map<String, Row> byKey = new HashMap<>();
    for (Row r : spark.read().parquet(tables.resolve("gap_metrics").toString())
        .filter("grain = 'month' AND period_start = DATE'" + month + "' AND segment = 'ALL' AND phase = 'ALL' AND price_tier = 'ALL'")
        .collectAsList()) {
      byKey.put(r.getAs("gap") + "/" + r.getAs("metric") + "/" + r.getAs("subject"), r);
    }
    return byKey;
  }

  private static void assertFigure(Map<String, Row> totals, String key, double value, long n) {
    Row r = totals.get(key);
    assertNotNull(r, key + " missing; have " + totals.keySet());
    assertEquals(value, r.<Double>getAs("value"), 1e-9, key);
    assertEquals(n, r.<Long>getAs("n"), key);
  }

  private static JsonNode manifest(Path tables) throws IOException {
    try (Stream<Path> runs = Files.list(tables.resolve("_runs"))) {
      return new ObjectMapper().readTree(runs.filter(p -> p.toString().endsWith(".json")).findFirst().orElseThrow().toFile());
    }
  }

  private static Map<String, JsonNode> inputs(JsonNode manifest) {
    Map<String, JsonNode> bySource = new HashMap<>();
    manifest.get("inputs").forEach(i -> bySource.put(i.get("source").asText(), i));
    return bySource;
  }

  private static List<Row> quarantine(Path tables, String source) {
    return spark.read().parquet(tables.resolve("quarantine").toString()).filter("source = '" + source + "'").orderBy("reason").collectAsList();
  }

  @Test
  void olistOrdersAndReviews() throws IOException {
    Path tables = runPreset("olist", "olist", "2018-06-30");
    Map<String, Row> march = monthTotals(tables, "2018-03-01");
    // 15 orders. Quarantined: ord09 (customer without a unique id: no account), ord10 (delivered
    // before it was bought), ord11 (status "lost"), ord13 (payment "46,50"), ord15 (no estimate).
    // Accepted 10; ord05 canceled and ord06 unavailable are cancelled, so 8 are eligible:
    // ord01, 02, 03, 04 (shipped, never delivered), 07, 08 (invoiced, never delivered), 12, 14.
    // On time (delivered by the estimate): ord01, 03, 07, 12 → 4 / 8.
    assertFigure(march, "gap4/on_time_rate/ALL", 4 / 8.0, 8);
    // Delivered with all items: the six delivered ones → 6 / 8; OTIF = on time → 4 / 8.
    assertFigure(march, "gap4/in_full_rate/ALL", 6 / 8.0, 8);
    assertFigure(march, "gap4/otif_rate/ALL", 4 / 8.0, 8);
    // Late: ord02 25/03 18:00 against 21/03 00:00 = 114 h; ord14 20/04 10:00 against 16/04 = 106 h.
    assertFigure(march, "gap4/lateness_hours_mean/ALL", (114 + 106) / 2.0, 2);
    // No quoted price in Olist: no price metrics at all.
    assertFalse(march.containsKey("gap4/price_kept_rate/ALL"));
    assertFalse(march.containsKey("gap4/overcharge_ratio/ALL"));
    // Approval within 24 h: all 8 not cancelled but ord03 (14:00 → next day 19:00, 29 h) → 7 / 8.
    assertFigure(march, "gap3/compliance_rate/order-processing", 7 / 8.0, 8);
    // Reviews: rev08 names an unknown order (no account), the second rev05 repeats a review id,
    // rev10 scores 6 of 5, rev11 has no score. Accepted scores 5, 1, 4, 1, 5, 4, 2 → 22 / 7.
    assertFigure(march, "gap5/perception_mean/rating", 22 / 7.0, 7);
    assertFalse(march.containsKey("gap5/expectation_mean/rating"), "stars carry no expectation");
    assertFalse(march.containsKey("gap5/gap_mean/rating"));

    Map<String, JsonNode> in = inputs(manifest(tables));
    assertEquals(15, in.get("transactions").get("rows_read").asLong());
    assertEquals(10, in.get("transactions").get("accepted").asLong());
    assertEquals(0, in.get("complaints").get("rows_read").asLong(), "declared absent");
    // u01..u07; the customer with no unique id is one quarantined account row.
    assertEquals(8, in.get("accounts").get("rows_read").asLong());
    Map<String, Long> raw = new HashMap<>();
    manifest(tables).get("raw_inputs").forEach(r -> raw.put(r.get("raw_input").asText(), r.get("rows_read").asLong()));
    assertEquals(Map.of("olist_orders", 15L, "olist_items", 18L, "olist_payments", 16L, "olist_customers", 10L, "olist_reviews", 11L), raw,
        "a review's comment with a line break inside quotes is one row");
    // A rejected order is quarantined as the query's row had it, its text untouched.
    Row badPayment = quarantine(tables, "transactions").stream().filter(r -> r.<String>getAs("reason").equals("PARSE_ERROR")).findFirst().orElseThrow();
    assertEquals("charged_amount", badPayment.getAs("column_name"));
    String record = badPayment.getAs("record");
    assertTrue(record.contains("\"charged_amount\":\"46,50\""), record);
    assertTrue(record.contains("\"delivered_ts\":null"), "empty cells kept: " + record);
  }

  @Test
  void nyc311ServiceRequests() throws IOException {
    Path tables = runPreset("nyc311", "nyc311", "2014-03-31");
    Map<String, Row> january = monthTotals(tables, "2014-01-01");
    // 13 requests. Quarantined: 27000005 (closed 01/07 9 AM before created 01/08 10 AM),
    // 27000009 (no ZIP: no account), 27000010 (Due Date in ISO form, not the export's format).
    // 27000003 was created at 12:05 AM: read as noon it would be closed before it was created.
    // Accepted 10; resolved (Closed Date given): 1, 2, 3, 6, 7, 8, 11, 13 → 8 / 10.
    assertFigure(january, "recovery/resolution_rate/ALL", 8 / 10.0, 10);
    // case-promise, over the accepted requests with a Due Date (all but 27000006): 9, of which
    // 27000012 is due 04/30, after as_of, and still open: pending. Counted 8. Broken: 27000002
    // (closed 01/09 10 AM, due 01/07 11:59 PM), 27000004 (open, due 01/20), 27000007 (closed
    // 01/14 4 PM, due 01/13 9:45 AM) → 5 / 8 kept.
    assertFigure(january, "gap3/compliance_rate/case-promise", 5 / 8.0, 8);
    // No standard names a 311 category.
    assertFigure(january, "gap2/uncovered_complaint_share/ALL", 1.0, 10);
    List<Row> bad = quarantine(tables, "complaints");
    assertEquals(List.of("BAD_ORDER_OF_TIMES", "MISSING_REQUIRED", "PARSE_ERROR"), bad.stream().map(r -> r.<String>getAs("reason")).toList());
    // The export's own row, with its own column names, so the user finds it in the file.
    String closedFirst = bad.get(0).getAs("record");
    assertTrue(closedFirst.contains("\"Unique Key\":\"27000005\"") && closedFirst.contains("\"Closed Date\":\"01/07/2014 09:00:00 AM\""), closedFirst);
    assertEquals("due_ts", bad.get(2).getAs("column_name"));
  }

  @Test
  void ticketEventLog() throws IOException {
    Path tables = runPreset("ticket-log", "ticket-log", "2024-03-31");
    Map<String, Row> february = monthTotals(tables, "2024-02-01");
    // 7 tickets. Quarantined: Case 5 (an event at "20/02/2024 10:00"), Case 7 (no customer).
    // First response (first "Take in charge ticket"); Gold is premium (target 1 h), others 4 h:
    // Case 1 Gold 1.5 h broken; Case 2 Silver 1 h; Case 3 Gold 43 h broken (10/02 14:00 → 12/02
    // 9:00); Case 4 Bronze 1 h; Case 6 Silver 20 min → 3 / 5.
    assertFigure(february, "gap3/compliance_rate/first-response", 3 / 5.0, 5);
    // Resolution covers billing, product_defect, late_delivery: Case 1 Gold, 24 h target, resolved
    // at 08:00Z = 09:00+01:00 the next day, exactly 24 h: kept; Case 2 29 h of 48 (its resolve
    // listed before its insert); Case 4 never resolved: broken; Case 6 5 h → 3 / 4.
    assertFigure(february, "gap3/compliance_rate/resolution", 3 / 4.0, 4);
    // Resolved 4 of 5 (Case 4 open); reopened: Case 3, resolved twice → 1 of 4 resolved.
    assertFigure(february, "recovery/resolution_rate/ALL", 4 / 5.0, 5);
    assertFigure(february, "recovery/reopen_rate/ALL", 1 / 4.0, 4);
    // staff_attitude (Case 3) is the one category no standard covers → 1 / 5.
    assertFigure(february, "gap2/uncovered_complaint_share/ALL", 1 / 5.0, 5);
    Row premium = spark.read().parquet(tables.resolve("account_scorecard").toString()).filter("account_id = 'acme'").first();
    assertEquals(2L, premium.<Long>getAs("complaints_365d"));
  }

  @Test
  void surveyToolWideExport() throws IOException {
    Path tables = runPreset("survey-wide", "survey-wide", "2026-04-30");
    Map<String, Row> march = monthTotals(tables, "2026-03-01");
    // Left out by where: R_4 (unfinished, 3 answers) and R_3's blank responsiveness → 4.
    // Quarantined: R_5 responsiveness 8 of 7, R_6 assurance "n/a". R_5 ended 3/31 11:30 PM in
    // Chicago, 04:30 on 1 April UTC: April, not March.
    // Reliability in March: (6,5) R_1, (7,4) R_2, (5,6) R_3, (6,6) R_6, (4,3) R_7.
    assertFigure(march, "gap5/expectation_mean/reliability", (6 + 7 + 5 + 6 + 4) / 5.0, 5);
    assertFigure(march, "gap5/perception_mean/reliability", (5 + 4 + 6 + 6 + 3) / 5.0, 5);
    assertFigure(march, "gap5/gap_mean/reliability", (-1 - 3 + 1 + 0 - 1) / 5.0, 5);
    // Assurance: R_1 7, R_2 5, R_3 6, R_7 4 experienced → 22 / 4.
    assertFigure(march, "gap5/perception_mean/assurance", 22 / 4.0, 4);
    Map<String, Row> april = monthTotals(tables, "2026-04-01");
    // R_5 reliability: expected 6, nothing experienced: an expectation mean without a gap.
    assertFigure(april, "gap5/expectation_mean/reliability", 6.0, 1);
    assertFalse(april.containsKey("gap5/perception_mean/reliability"));
    assertFalse(april.containsKey("gap5/gap_mean/reliability"));

    JsonNode surveys = inputs(manifest(tables)).get("surveys");
    assertEquals(4, surveys.get("left_out_by_where").asLong());
    assertEquals(17, surveys.get("rows_read").asLong());
    assertEquals(15, surveys.get("accepted").asLong());
    assertTrue(surveys.get("reconciles").asBoolean());
    // Orders and complaints declared absent: their tables still exist, empty, with their schema.
    assertEquals(0, spark.read().parquet(tables.resolve("fee_impact").toString()).count());
    assertNull(inputs(manifest(tables)).get("transactions").get("path").textValue());
  }

  /**
   * A ServiceNow incident log: one row per update, "?" for an empty cell, updates out of order,
   * ServiceNow's own SLA verdict, categories and channels; one price tier (the reference's premium
   * targets are ignored, not an error). As of 2016-03-31.
   */
  @Test
  void serviceNowIncidentLogWithItsOwnSlaVerdict() throws IOException {
    Path tables = runPreset("servicenow", "servicenow", "2016-03-31");
    Map<String, Row> march = monthTotals(tables, "2016-03-01");
    // Six incidents; quarantined: INC0000055 (opened "4/3/2016 10:00 AM", another format) and
    // INC0000060 (caller "?"). Kept: 45 (Phone, Category 55, 10 h), 47 (Email, Category 55, 1 min),
    // 50 (Phone, Category 26, 48 h, reopened; its updates out of order), 52 (Self service,
    // Category 26, unresolved).
    assertFigure(march, "recovery/resolution_rate/ALL", 3 / 4.0, 4);
    assertFigure(march, "recovery/reopen_rate/ALL", 1 / 3.0, 3);
    assertFigure(march, "recovery/first_contact_resolution_rate/ALL", 2 / 3.0, 3);
    assertFigure(march, "recovery/resolution_hours_mean/ALL", (10 + 1 / 60.0 + 48) / 3, 3);
    // The latest made_sla of each: 45 true, 47 false (resolved in a minute, breached all the
    // same), 50 false, 52 true (within its SLA so far) → 2 / 4. No incident has a due time.
    assertFigure(march, "gap3/compliance_rate/case-promise", 2 / 4.0, 4);
    // Resolution within 48 h over every category: 45, 47, 50 (exactly 48 h) kept; 52 open for
    // 27 days → 3 / 4; the mean of the known times as above.
    assertFigure(march, "gap3/compliance_rate/resolution", 3 / 4.0, 4);
    assertFigure(march, "gap3/value_mean/resolution", (10 + 1 / 60.0 + 48) / 3, 3);
    // Per category and per channel (monthTotals keys them by subject).
    assertFigure(march, "recovery/resolution_rate/Category 55", 1.0, 2);
    assertFigure(march, "recovery/resolution_rate/Category 26", 1 / 2.0, 2);
    assertFigure(march, "recovery/resolution_rate/Phone", 1.0, 2);
    assertFigure(march, "recovery/resolution_rate/Email", 1.0, 1);
    assertFigure(march, "recovery/resolution_rate/Self service", 0.0, 1);
    assertFigure(march, "recovery/resolution_hours_mean/Phone", (10 + 48) / 2.0, 2);
    List<Row> bad = quarantine(tables, "complaints");
    assertEquals(List.of("MISSING_REQUIRED", "PARSE_ERROR"), bad.stream().map(r -> r.<String>getAs("reason")).toList());
    assertEquals("opened_ts", bad.get(1).getAs("column_name"));
    assertTrue(bad.get(1).<String>getAs("record").contains("\"opened_ts\":\"4/3/2016 10:00 AM\""), bad.get(1).<String>getAs("record"));
    Map<String, JsonNode> in = inputs(manifest(tables));
    assertEquals(6, in.get("complaints").get("rows_read").asLong());
    assertEquals(3, in.get("accounts").get("accepted").asLong());
  }

  /**
   * A SERVQUAL export with no header row, no respondent id and no date, gzip-compressed: five
   * respondents, expectation then perception per item. Respondent 3 wrote "N/A" for its
   * reliability perception (that answer is quarantined); respondent 2 left its responsiveness
   * perception blank (an expectation alone). Dated 2026-04-30.
   */
  @Test
  void servqualExportWithNoHeaderIdsOrDates() throws IOException {
    Path tables = runPreset("servqual-headerless", "servqual-headerless", "2026-05-31");
    Map<String, Row> april = monthTotals(tables, "2026-04-01");
    // Reliability, respondents 0 1 2 4: expected 6 7 5 7, perceived 5 4 5 6.
    assertFigure(april, "gap5/expectation_mean/reliability", 25 / 4.0, 4);
    assertFigure(april, "gap5/perception_mean/reliability", 20 / 4.0, 4);
    assertFigure(april, "gap5/gap_mean/reliability", -5 / 4.0, 4);
    // Responsiveness: expected 7 6 6 6 7 (all five), perceived 6 5 _ 6 7, gaps −1 −1 0 0.
    assertFigure(april, "gap5/expectation_mean/responsiveness", 32 / 5.0, 5);
    assertFigure(april, "gap5/gap_mean/responsiveness", -2 / 4.0, 4);
    Map<String, JsonNode> in = inputs(manifest(tables));
    assertEquals(5, in.get("accounts").get("accepted").asLong(), "each respondent an account");
    assertEquals(25, in.get("surveys").get("rows_read").asLong(), "five answers from each of five lines: none taken for a header");
    assertEquals(24, in.get("surveys").get("accepted").asLong());
    List<Row> bad = quarantine(tables, "surveys");
    assertEquals(1, bad.size());
    assertEquals("perception", bad.get(0).getAs("column_name"));
    assertTrue(bad.get(0).<String>getAs("record").contains("\"perception\":\"N/A\""), bad.get(0).<String>getAs("record"));
    // Every accepted answer names an account the accounts query numbered alike.
    assertEquals(0, spark.read().parquet(tables.resolve("quarantine").toString()).filter("reason = 'UNKNOWN_REFERENCE'").count());
  }
}
