package io.servicegap.ingest;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.servicegap.SparkTestBase;
import io.servicegap.config.Settings;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/**
 * A source's mapping from an export's own columns (SPEC §2b), on inline exports: renames and
 * expressions, value maps, formats, time zones, where, and sql with a join, a pivot and an unpivot.
 * Every mapped value is then validated as a file's would be.
 */
class ExportMappingTest extends SparkTestBase {
  private static final String ACCOUNTS_EXPORT =
      "`Customer No` string, `Customer Group` string, Plan string, `Opened On` string, City string";

  private static Dataset<Row> accountsExport(Object[]... rows) {
    return frame(ACCOUNTS_EXPORT, rows);
  }

  /** Verdicts of a mapped source, by its first contract key. */
  private static Map<String, Row> verdicts(Dataset<Row> export, Settings s, String source, Map<String, Dataset<Row>> parents) {
    SourceSpec spec = InputContract.source(source);
    RawSource raw = SourceReader.mapped(export, s.input(source), spec);
    Map<String, Row> byKey = new HashMap<>();
    for (Row r : SourceValidation.validate(raw, spec, s, parents).collectAsList()) {
      byKey.put(String.valueOf(r.<Object>getAs(spec.key().get(0))), r);
    }
    return byKey;
  }

  private static void assertReason(Row r, Reason reason, String column) {
    assertEquals(reason.name(), r.getAs(SourceValidation.REASON), String.valueOf(r));
    assertEquals(column, r.getAs(SourceValidation.COLUMN), String.valueOf(r));
  }

  private static void assertAccepted(Row r) {
    assertNull(r.getAs(SourceValidation.REASON), String.valueOf(r));
  }

  @Test
  void renamesExpressionsValueMapsAndADateFormat() {
    Settings s = settings(
        "servicegap.inputs.accounts {",
        "  columns { account_id = \"`Customer No`\", segment = \"lower(`Customer Group`)\", price_tier = \"Plan\", created_date = \"`Opened On`\", region = \"upper(City)\" }",
        "  values { price_tier { Gold = premium, Silver = standard, Bronze = budget } }",
        "  date-format = \"dd/MM/yyyy\"",
        "}");
    Map<String, Row> v = verdicts(accountsExport(
            row("C1", "SMB", "Gold", "25/12/2013", "rome"),
            row("C2", "Enterprise", " Silver ", "01/02/2014", null),
            row("C3", "SMB", "Platinum", "03/03/2014", "oslo"),
            row("C4", "SMB", "Bronze", "2014-03-03", "oslo")),
        s, "accounts", Map.of());
    assertAccepted(v.get("C1"));
    assertEquals("smb", v.get("C1").getAs("segment"));
    assertEquals("premium", v.get("C1").getAs("price_tier"));
    assertEquals("ROME", v.get("C1").getAs("region"));
    assertEquals(Date.valueOf("2013-12-25"), v.get("C1").getAs("created_date"));
    // Values are matched without surrounding blanks.
    assertEquals("standard", v.get("C2").getAs("price_tier"));
    // An unlisted value passes unchanged, and is then not an allowed tier.
    assertReason(v.get("C3"), Reason.BAD_VALUE, "price_tier");
    // A date in another format than the source's is a PARSE_ERROR like any other.
    assertReason(v.get("C4"), Reason.PARSE_ERROR, "created_date");
    // The record is the export's own row, under its own column names, empty cells included.
    String record = v.get("C4").getAs(SourceValidation.RECORD);
    assertEquals("{\"Customer No\":\"C4\",\"Customer Group\":\"SMB\",\"Plan\":\"Bronze\",\"Opened On\":\"2014-03-03\",\"City\":\"oslo\"}", record);
  }

  @Test
  void aColumnNotMappedIsReadByItsOwnNameCaseInsensitively() {
    Settings s = settings("servicegap.inputs.accounts.columns { account_id = \"`Customer No`\" }");
    Dataset<Row> export = frame("`Customer No` string, Segment string, ` PRICE_TIER ` string", row("C1", "smb", "budget"));
    Row r = verdicts(export, s, "accounts", Map.of()).get("C1");
    assertAccepted(r);
    assertEquals("smb", r.getAs("segment"));
    assertEquals("budget", r.getAs("price_tier"));
  }

  @Test
  void anExpressionNeverTurnsABadValueIntoAnAbsentOne() {
    Settings s = settings(
        "servicegap.inputs.accounts.columns { account_id = \"`Customer No`\", segment = \"`Customer Group`\", price_tier = \"Plan\",",
        "  created_date = \"to_date(`Opened On`, 'yyyyMMdd')\" }");
    Map<String, Row> v = verdicts(accountsExport(
            row("C1", "smb", "budget", "20140301", null),
            row("C2", "smb", "budget", "March 1st", null),
            row("C3", "smb", "budget", null, null)),
        s, "accounts", Map.of());
    assertEquals(Date.valueOf("2014-03-01"), v.get("C1").getAs("created_date"));
    // to_date gave null for a value the export had: unreadable, not "no date".
    assertReason(v.get("C2"), Reason.PARSE_ERROR, "created_date");
    // No value in the export: absent, and created_date is optional.
    assertAccepted(v.get("C3"));
  }

  @Test
  void aTimestampPatternAndTheSourcesTimeZone() {
    Map<String, Dataset<Row>> parents = Map.of("accounts", frame("account_id string, segment string, price_tier string", row("A1", "smb", "budget")));
    Settings s = settings(
        "servicegap.inputs.transactions {",
        "  columns { order_id = \"`Order #`\", account_id = \"'A1'\", order_ts = \"Placed\", promised_ts = \"Due\", qty_ordered = \"1\", status = \"'open'\" }",
        "  timestamp-format = \"MM/dd/yyyy hh:mm:ss a\"",
        "  timezone = \"America/New_York\"",
        "}");
    String export = "`Order #` string, Placed string, Due string";
    Map<String, Row> v = verdicts(frame(export,
            row("o1", "12/25/2013 11:59:08 PM", "12/26/2013 12:30:00 AM"),
            row("o2", "07/01/2014 12:00:00 PM", "07/02/2014 09:00:00 AM"),
            row("o3", "2013-12-25T23:59:08", "12/26/2013 12:30:00 AM"),
            row("o4", "12/25/2013 11:59:08 PM", "12/25/2013 11:00:00 PM")),
        s, "transactions", parents);
    // New York is UTC−5 in December: 11:59:08 PM there is 04:59:08 the next day in UTC;
    // 12:30 AM (just after midnight, not noon) is 05:30.
    assertAccepted(v.get("o1"));
    assertEquals(Timestamp.from(Instant.parse("2013-12-26T04:59:08Z")), v.get("o1").getAs("order_ts"));
    assertEquals(Timestamp.from(Instant.parse("2013-12-26T05:30:00Z")), v.get("o1").getAs("promised_ts"));
    // July: daylight saving, UTC−4; 12:00 PM is noon.
    assertEquals(Timestamp.from(Instant.parse("2014-07-01T16:00:00Z")), v.get("o2").getAs("order_ts"));
    // ISO-8601 in a source that writes another pattern is unreadable.
    assertReason(v.get("o3"), Reason.PARSE_ERROR, "order_ts");
    // Times out of order are caught after the mapping, on the instants.
    assertReason(v.get("o4"), Reason.BAD_ORDER_OF_TIMES, "promised_ts");
  }

  @Test
  void textWithAnOffsetKeepsItsInstantWhateverTheSourcesZone() {
    Settings s = settings(
        "servicegap.inputs.accounts { columns { account_id = \"`Customer No`\", segment = \"'smb'\", price_tier = \"'budget'\" } }",
        "servicegap.inputs.transactions { columns { order_id = \"id\", account_id = \"'A1'\", order_ts = \"ts\", promised_ts = \"ts\", qty_ordered = \"1\", status = \"'open'\" },",
        "  timezone = \"Europe/Rome\" }");
    Map<String, Dataset<Row>> parents = Map.of("accounts", frame("account_id string, segment string, price_tier string", row("A1", "smb", "budget")));
    Map<String, Row> v = verdicts(frame("id string, ts string",
            row("o1", "2024-02-06T08:00:00Z"), row("o2", "2024-02-06T09:00:00+01:00"), row("o3", "2024-02-06 09:00:00")),
        s, "transactions", parents);
    Timestamp eight = Timestamp.from(Instant.parse("2024-02-06T08:00:00Z"));
    assertEquals(eight, v.get("o1").getAs("order_ts"));
    assertEquals(eight, v.get("o2").getAs("order_ts"));
    assertEquals(eight, v.get("o3").getAs("order_ts"), "no offset: Rome's wall clock, UTC+1 in February");
  }

  @Test
  void whereLeavesRowsOutAndCountsThem() {
    Settings s = settings(
        "servicegap.inputs.accounts {",
        "  columns { account_id = \"`Customer No`\", segment = \"`Customer Group`\", price_tier = \"Plan\" }",
        "  where = \"`Customer No` NOT LIKE 'TEST%'\"",
        "}");
    Dataset<Row> export = accountsExport(
        row("C1", "smb", "budget", null, null), row("TEST-1", "smb", "budget", null, null), row("TEST-2", "smb", "gold", null, null));
    RawSource raw = SourceReader.mapped(export, s.input("accounts"), InputContract.ACCOUNTS);
    assertEquals(2, raw.leftOut().count(), "left out, counted, never validated");
    Dataset<Row> v = SourceValidation.validate(raw, InputContract.ACCOUNTS, s, Map.of());
    assertEquals(List.of("C1"), v.select("account_id").as(org.apache.spark.sql.Encoders.STRING()).collectAsList());
  }

  @Test
  void sqlJoinsPivotsAnEventLogAndUnpivotsAWideSurvey() {
    frame("case_id string, activity string, at string, customer string",
        row("T1", "Resolve", "2024-02-06T10:00:00Z", "A1"),
        row("T1", "Open", "2024-02-05T09:00:00Z", "A1"),
        row("T1", "Take in charge", "2024-02-05T11:00:00Z", "A1"),
        row("T1", "Resolve", "2024-02-07T12:00:00Z", "A1"),
        row("T2", "Open", "2024-02-08T09:00:00Z", "A2")).createOrReplaceTempView("ticket_events");
    frame("customer string, tier string", row("A1", "Gold"), row("A2", "Bronze")).createOrReplaceTempView("crm_customers");
    Settings s = settings(
        "servicegap.inputs.complaints {",
        "  sql = \"\"\"SELECT e.case_id AS complaint_id, first(e.customer) AS account_id, max(c.tier) AS tier,",
        "           cast(min(to_timestamp(e.at)) AS STRING) AS opened_ts,",
        "           cast(min(CASE WHEN e.activity = 'Take in charge' THEN to_timestamp(e.at) END) AS STRING) AS first_response_ts,",
        "           cast(max(CASE WHEN e.activity = 'Resolve' THEN to_timestamp(e.at) END) AS STRING) AS resolved_ts,",
        "           cast(count_if(e.activity = 'Resolve') > 1 AS STRING) AS reopened",
        "           FROM ticket_events e JOIN crm_customers c ON c.customer = e.customer GROUP BY e.case_id\"\"\"",
        "  columns { phase = \"'post_sale'\", category = \"'billing'\" }",
        "}");
    Map<String, Dataset<Row>> parents = Map.of(
        "accounts", frame("account_id string, segment string, price_tier string", row("A1", "smb", "premium"), row("A2", "smb", "budget")),
        "transactions", frame("order_id string, price_tier string, account_tier string"));
    Map<String, Row> v = verdicts(spark.sql(s.input("complaints").sql()), s, "complaints", parents);
    Row t1 = v.get("T1");
    assertAccepted(t1);
    assertEquals(Timestamp.from(Instant.parse("2024-02-05T09:00:00Z")), t1.getAs("opened_ts"), "first event, though listed second");
    assertEquals(Timestamp.from(Instant.parse("2024-02-05T11:00:00Z")), t1.getAs("first_response_ts"));
    assertEquals(Timestamp.from(Instant.parse("2024-02-07T12:00:00Z")), t1.getAs("resolved_ts"), "the last resolve");
    assertEquals(true, t1.getAs("reopened"), "a resolve after a resolve");
    assertEquals(false, v.get("T2").getAs("reopened"));
    assertNull(v.get("T2").getAs("resolved_ts"));

    frame("`Response ID` string, Customer string, Ended string, `Speed - Expected` string, `Speed - Experienced` string, `Staff - Expected` string, `Staff - Experienced` string",
        row("R1", "A1", "2024-02-10T10:00:00Z", "6", "4", "5", "7"),
        row("R2", "A2", "2024-02-11T10:00:00Z", "5", "5", null, null)).createOrReplaceTempView("survey_wide");
    Settings w = settings(
        "servicegap.inputs.surveys {",
        "  sql = \"\"\"SELECT `Response ID` AS response_id, Customer AS account_id, Ended AS submitted_ts, 'post_sale' AS phase,",
        "           stack(2, 'responsiveness', `Speed - Expected`, `Speed - Experienced`, 'empathy', `Staff - Expected`, `Staff - Experienced`)",
        "             AS (dimension, expectation, perception) FROM survey_wide\"\"\"",
        "  where = \"expectation IS NOT NULL OR perception IS NOT NULL\"",
        "}");
    SourceSpec surveys = InputContract.SURVEYS;
    RawSource raw = SourceReader.mapped(spark.sql(w.input("surveys").sql()), w.input("surveys"), surveys);
    assertEquals(1, raw.leftOut().count(), "R2 left the staff question blank");
    Map<String, Dataset<Row>> answerParents = new HashMap<>(parents);
    answerParents.put("complaints", frame("complaint_id string"));
    List<Row> answers = SourceValidation.validate(raw, surveys, w, answerParents).orderBy("response_id", "dimension").collectAsList();
    assertEquals(3, answers.size());
    assertEquals(List.of("R1/empathy/5.0/7.0", "R1/responsiveness/6.0/4.0", "R2/responsiveness/5.0/5.0"),
        answers.stream().map(r -> r.getAs("response_id") + "/" + r.getAs("dimension") + "/" + r.getAs("expectation") + "/" + r.getAs("perception")).toList());
    answers.forEach(ExportMappingTest::assertAccepted);
  }

  @Test
  void mappingMistakesAreFoundOnTheSchemaAlone() {
    Settings s = settings(
        "servicegap.inputs.accounts {",
        "  columns { account_id = \"`Customer Number`\", segment = \"lower(\", colour = \"Plan\" }",
        "  values { tier { Gold = premium } }",
        "  where = \"NoSuchColumn > 1\"",
        "}");
    List<String> problems = ExportMapping.problems(accountsExport(), s.input("accounts"), InputContract.ACCOUNTS);
    String all = String.join("\n", problems);
    assertTrue(all.contains("columns.account_id") && all.contains("Customer Number"), all);
    assertTrue(all.contains("columns.segment"), all);
    assertTrue(all.contains("columns.colour: not a column of the accounts contract"), all);
    assertTrue(all.contains("values.tier: not a column of the accounts contract"), all);
    assertTrue(all.contains(".where") && all.contains("NoSuchColumn"), all);
    assertTrue(all.contains("required column 'price_tier' is neither mapped"), all);
    assertEquals(6, problems.size(), all);
  }

  @Test
  void theColumnsOfAMappedSourceAreTheContractsWhateverTheExportHas() {
    Settings s = settings("servicegap.inputs.accounts.columns { account_id = \"`Customer No`\", segment = \"`Customer Group`\", price_tier = \"Plan\" }");
    RawSource raw = SourceReader.mapped(accountsExport(row("C1", "smb", "budget", null, "x")), s.input("accounts"), InputContract.ACCOUNTS);
    assertEquals(List.of("account_id", "segment", "price_tier"), raw.columns());
    assertEquals(List.of("Customer No", "Customer Group", "Plan", "Opened On", "City"), raw.exportColumns());
    assertEquals(1, raw.rows().filter(col("account_id").equalTo("C1")).count());
  }
}
