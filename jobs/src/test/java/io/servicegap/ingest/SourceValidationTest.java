package io.servicegap.ingest;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.servicegap.SparkTestBase;
import io.servicegap.config.Settings;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SourceValidationTest extends SparkTestBase {
  private static final String ACCOUNTS =
      "account_id,segment,price_tier\nA1,smb,budget\nA2,enterprise,premium\n";
  private static final String TX_HEADER =
      "order_id,account_id,order_ts,price_tier,quoted_amount,charged_amount,qty_ordered,qty_delivered,promised_ts,processed_ts,delivered_ts,status,updated_ts\n";

  @TempDir Path dir;

  @Test
  void eachRuleQuarantinesWithItsReasonAndColumn() throws IOException {
    Map<String, Dataset<Row>> parents = Map.of("accounts", accepted(InputContract.ACCOUNTS, ACCOUNTS, Map.of()));
    String tx =
        TX_HEADER
            + "OK1,A1,2026-05-01T10:00:00Z,,10.00,10.00,1,1,2026-05-02T10:00:00Z,,,delivered,\n"
            + "P1,A1,2026-05-01T10:00:00Z,,ten,,1,,2026-05-02T10:00:00Z,,,open,\n"
            + "P2,A1,yesterday,,10.00,,1,,2026-05-02T10:00:00Z,,,open,\n"
            + "P3,A1,2026-05-01T10:00:00Z,,10.00,,1.5,,2026-05-02T10:00:00Z,,,open,\n"
            + "M1,,2026-05-01T10:00:00Z,,10.00,,1,,2026-05-02T10:00:00Z,,,open,\n"
            + "B1,A1,2026-05-01T10:00:00Z,,10.00,,1,,2026-05-02T10:00:00Z,,,shipped,\n"
            + "B2,A1,2026-05-01T10:00:00Z,gold,10.00,,1,,2026-05-02T10:00:00Z,,,open,\n"
            + "R1,A1,2026-05-01T10:00:00Z,,10.00,,0,,2026-05-02T10:00:00Z,,,open,\n"
            + "R2,A1,2026-05-01T10:00:00Z,,-1.00,,1,,2026-05-02T10:00:00Z,,,open,\n"
            + "T1,A1,2026-05-01T10:00:00Z,,10.00,,1,,2026-04-30T10:00:00Z,,,open,\n"
            + "U1,A9,2026-05-01T10:00:00Z,,10.00,,1,,2026-05-02T10:00:00Z,,,open,\n"
            + "X1,A1,2026-05-01T10:00:00Z,,10.00\n";
    Map<String, Row> v = byKey(verdicts(InputContract.TRANSACTIONS, tx, parents), "order_id");
    assertAccepted(v.get("OK1"));
    assertReason(v.get("P1"), Reason.PARSE_ERROR, "quoted_amount");
    assertReason(v.get("P2"), Reason.PARSE_ERROR, "order_ts");
    assertReason(v.get("P3"), Reason.PARSE_ERROR, "qty_ordered");
    assertReason(v.get("M1"), Reason.MISSING_REQUIRED, "account_id");
    assertReason(v.get("B1"), Reason.BAD_VALUE, "status");
    assertReason(v.get("B2"), Reason.BAD_VALUE, "price_tier");
    assertReason(v.get("R1"), Reason.OUT_OF_RANGE, "qty_ordered");
    assertReason(v.get("R2"), Reason.OUT_OF_RANGE, "quoted_amount");
    assertReason(v.get("T1"), Reason.BAD_ORDER_OF_TIMES, "promised_ts");
    assertReason(v.get("U1"), Reason.UNKNOWN_REFERENCE, "account_id");
    // A truncated line cannot be split into the header's columns: the raw line is kept.
    assertReason(v.get("X1"), Reason.PARSE_ERROR, "_record");
    assertEquals("X1,A1,2026-05-01T10:00:00Z,,10.00", v.get("X1").getAs(SourceValidation.RECORD));
    assertTrue(v.get("B1").<String>getAs(SourceValidation.RECORD).contains("\"status\":\"shipped\""));
  }

  @Test
  void aRowBreakingSeveralRulesGetsTheFirstReasonInContractOrder() throws IOException {
    Map<String, Dataset<Row>> parents = Map.of("accounts", accepted(InputContract.ACCOUNTS, ACCOUNTS, Map.of()));
    String tx =
        TX_HEADER
            // bad status (BAD_VALUE) and qty 0 (OUT_OF_RANGE) and unknown account: BAD_VALUE wins
            + "S1,A9,2026-05-01T10:00:00Z,,10.00,,0,,2026-05-02T10:00:00Z,,,shipped,\n"
            // unreadable charged_amount and missing status: PARSE_ERROR wins
            + "S2,A1,2026-05-01T10:00:00Z,,10.00,x,1,,2026-05-02T10:00:00Z,,,,\n"
            // out of range and times out of order: OUT_OF_RANGE wins
            + "S3,A1,2026-05-01T10:00:00Z,,10.00,,0,,2026-04-01T10:00:00Z,,,open,\n";
    Map<String, Row> v = byKey(verdicts(InputContract.TRANSACTIONS, tx, parents), "order_id");
    assertReason(v.get("S1"), Reason.BAD_VALUE, "status");
    assertReason(v.get("S2"), Reason.PARSE_ERROR, "charged_amount");
    assertReason(v.get("S3"), Reason.OUT_OF_RANGE, "qty_ordered");
  }

  @Test
  void duplicatesKeepTheLatestVersionAndTiesKeepTheFirstRead() throws IOException {
    Map<String, Dataset<Row>> parents = Map.of("accounts", accepted(InputContract.ACCOUNTS, ACCOUNTS, Map.of()));
    String tx =
        TX_HEADER
            + "D1,A1,2026-05-01T10:00:00Z,,10.00,,1,,2026-05-02T10:00:00Z,,,open,2026-05-01T10:00:00Z\n"
            + "D1,A1,2026-05-01T10:00:00Z,,12.00,,1,,2026-05-02T10:00:00Z,,,open,2026-05-03T10:00:00Z\n"
            + "D2,A1,2026-05-01T10:00:00Z,,20.00,,1,,2026-05-02T10:00:00Z,,,open,\n"
            + "D2,A1,2026-05-01T10:00:00Z,,21.00,,1,,2026-05-02T10:00:00Z,,,open,\n"
            // a newer but invalid version does not knock out the valid one
            + "D3,A1,2026-05-01T10:00:00Z,,30.00,,1,,2026-05-02T10:00:00Z,,,open,2026-05-01T10:00:00Z\n"
            + "D3,A1,2026-05-01T10:00:00Z,,31.00,,1,,2026-05-02T10:00:00Z,,,lost,2026-05-09T10:00:00Z\n"
            // nor does a newer version naming an unknown account
            + "D4,A1,2026-05-01T10:00:00Z,,40.00,,1,,2026-05-02T10:00:00Z,,,open,2026-05-01T10:00:00Z\n"
            + "D4,A9,2026-05-01T10:00:00Z,,41.00,,1,,2026-05-02T10:00:00Z,,,open,2026-05-09T10:00:00Z\n";
    List<Row> rows = verdicts(InputContract.TRANSACTIONS, tx, parents).orderBy("order_id", "quoted_amount").collectAsList();
    assertEquals(8, rows.size());
    Map<String, String> reasonByAmount = new HashMap<>();
    rows.forEach(r -> reasonByAmount.put(r.<BigDecimal>getAs("quoted_amount").toPlainString(), r.getAs(SourceValidation.REASON)));
    assertEquals("DUPLICATE_KEY", reasonByAmount.get("10.00"));
    assertNull(reasonByAmount.get("12.00"), "latest updated_ts wins");
    assertNull(reasonByAmount.get("20.00"), "equal versions: the first read wins");
    assertEquals("DUPLICATE_KEY", reasonByAmount.get("21.00"));
    assertNull(reasonByAmount.get("30.00"));
    assertEquals("BAD_VALUE", reasonByAmount.get("31.00"));
    assertNull(reasonByAmount.get("40.00"));
    assertEquals("UNKNOWN_REFERENCE", reasonByAmount.get("41.00"));
  }

  @Test
  void theLiteralAllIsReservedInKeysThatRollUp() throws IOException {
    Map<String, Row> v =
        byKey(verdicts(InputContract.ACCOUNTS, "account_id,segment,price_tier\nA1,ALL,budget\nA2,smb,budget\n", Map.of()), "account_id");
    assertReason(v.get("A1"), Reason.RESERVED_VALUE, "segment");
    assertAccepted(v.get("A2"));
  }

  @Test
  void surveyScoresMustLieOnTheirDimensionsScale() throws IOException {
    Settings fivePoint = settings(
            "servicegap.dimensions = [reliability, empathy]",
            "servicegap.dimension-settings { reliability { min = 1, max = 5 }, empathy { min = 0, max = 10 } }");
    Dataset<Row> accounts = accepted(InputContract.ACCOUNTS, ACCOUNTS, Map.of());
    Dataset<Row> none = spark.emptyDataFrame();
    String surveys =
        "response_id,account_id,submitted_ts,phase,dimension,expectation,perception\n"
            + "R1,A1,2026-05-01T10:00:00Z,delivery,reliability,5,5\n"
            + "R2,A1,2026-05-01T10:00:00Z,delivery,reliability,6,5\n"
            + "R3,A1,2026-05-01T10:00:00Z,delivery,empathy,6,9\n"
            + "R4,A1,2026-05-01T10:00:00Z,delivery,empathy,,\n"
            + "R5,A1,2026-05-01T10:00:00Z,delivery,empathy,,3\n"
            + "R6,A1,2026-05-01T10:00:00Z,delivery,tangibles,3,3\n";
    Map<String, Dataset<Row>> parents =
        Map.of("accounts", accounts,
            "transactions", none.selectExpr("cast(null as string) as order_id", "cast(null as string) as price_tier", "cast(null as string) as account_tier").limit(0),
            "complaints", none.selectExpr("cast(null as string) as complaint_id").limit(0));
    Map<String, Row> v = byKey(SourceValidation.validate(new SourceReader(spark).read(in("surveys", surveys), InputContract.SURVEYS), InputContract.SURVEYS, fivePoint, parents), "response_id");
    assertAccepted(v.get("R1"));
    assertReason(v.get("R2"), Reason.OUT_OF_RANGE, "expectation");
    assertAccepted(v.get("R3"));
    assertReason(v.get("R4"), Reason.MISSING_REQUIRED, "expectation|perception");
    assertAccepted(v.get("R5"));
    assertReason(v.get("R6"), Reason.BAD_VALUE, "dimension");
  }

  @Test
  void referencesBringTheirRowsSegmentAndTiersAlong() throws IOException {
    Dataset<Row> accounts = accepted(InputContract.ACCOUNTS, ACCOUNTS, Map.of());
    String tx =
        TX_HEADER
            + "O1,A1,2026-05-01T10:00:00Z,,10.00,,1,,2026-05-02T10:00:00Z,,,open,\n"
            + "O2,A1,2026-05-01T10:00:00Z,premium,10.00,,1,,2026-05-02T10:00:00Z,,,open,\n"
            // quarantined (bad status): complaints about it name no accepted order
            + "O3,A2,2026-05-01T10:00:00Z,,10.00,,1,,2026-05-02T10:00:00Z,,,lost,\n";
    Dataset<Row> orders = accepted(InputContract.TRANSACTIONS, tx, Map.of("accounts", accounts));
    Map<String, Row> o = byKey(orders, "order_id");
    assertEquals(2, o.size());
    assertEquals("smb", o.get("O1").getAs("segment"));
    assertEquals("budget", o.get("O1").getAs("account_tier"));
    String complaints =
        "complaint_id,account_id,order_id,opened_ts,phase,category\n"
            + "C1,A2,O1,2026-05-03T10:00:00Z,delivery,late\n"
            + "C2,A2,O2,2026-05-03T10:00:00Z,delivery,late\n"
            + "C3,A2,,2026-05-03T10:00:00Z,pre_sale,late\n"
            + "C4,A2,O3,2026-05-03T10:00:00Z,delivery,late\n"
            + "C5,A9,O1,2026-05-03T10:00:00Z,delivery,late\n";
    Map<String, Row> v = byKey(verdicts(InputContract.COMPLAINTS, complaints, Map.of("accounts", accounts, "transactions", orders)), "complaint_id");
    // C1: A2 is enterprise/premium; O1 has no tier of its own, so its account A1's: budget.
    assertAccepted(v.get("C1"));
    assertEquals(List.of("enterprise", "premium", "budget"), carried(v.get("C1")));
    // C2: O2's own tier.
    assertEquals(List.of("enterprise", "premium", "premium"), carried(v.get("C2")));
    // C3: no order, so no order tier; the complaint is still accepted.
    assertAccepted(v.get("C3"));
    assertEquals(java.util.Arrays.asList("enterprise", "premium", null), carried(v.get("C3")));
    assertReason(v.get("C4"), Reason.UNKNOWN_REFERENCE, "order_id");
    assertReason(v.get("C5"), Reason.UNKNOWN_REFERENCE, "account_id");
  }

  private static List<Object> carried(Row r) {
    return java.util.Arrays.asList(r.getAs("segment"), r.getAs("account_tier"), r.getAs("order_tier"));
  }

  @Test
  void absentOptionalValuesTakeTheirDefaults() throws IOException {
    Dataset<Row> accounts = accepted(InputContract.ACCOUNTS, ACCOUNTS, Map.of());
    Dataset<Row> orders = accepted(InputContract.TRANSACTIONS, TX_HEADER, Map.of("accounts", accounts));
    String complaints = "complaint_id,account_id,opened_ts,phase,category,contacts\nC1,A1,2026-05-01T10:00:00Z,post_sale,billing,\nC2,A1,2026-05-01T10:00:00Z,post_sale,billing,3\n";
    Map<String, Row> v = byKey(verdicts(InputContract.COMPLAINTS, complaints, Map.of("accounts", accounts, "transactions", orders)), "complaint_id");
    assertEquals(1, (int) v.get("C1").getAs("contacts"));
    assertEquals(3, (int) v.get("C2").getAs("contacts"));
    assertEquals(false, v.get("C1").getAs("reopened"));
  }

  @Test
  void jsonAndParquetInputsGetTheSameVerdictsAsCsv() throws IOException {
    String json =
        "{\"Account_ID\":\"A1\",\"segment\":\"smb\",\"price_tier\":\"budget\",\"created_date\":\"2024-01-02\"}\n"
            + "{\"Account_ID\":\"A2\",\"segment\":\"smb\",\"price_tier\":\"gold\"}\n"
            + "{\"Account_ID\":\"A3\",\"segment\":\"smb\",\"price_tier\":\"budget\",\"created_date\":\"soon\"}\n"
            + "{not json\n";
    Path file = dir.resolve("accounts.json");
    Files.writeString(file, json);
    Settings.SourceSettings in = new Settings.SourceSettings("accounts", file.toString(), "json", Map.of(), true);
    Dataset<Row> v = SourceValidation.validate(new SourceReader(spark).read(in, InputContract.ACCOUNTS), InputContract.ACCOUNTS, settings(), Map.of());
    assertEquals(4, v.count());
    Map<String, Row> byId = byKey(v.filter(col("account_id").isNotNull()), "account_id");
    assertAccepted(byId.get("A1"));
    assertReason(byId.get("A2"), Reason.BAD_VALUE, "price_tier");
    assertReason(byId.get("A3"), Reason.PARSE_ERROR, "created_date");
    assertEquals(1, v.filter(col(SourceValidation.COLUMN).equalTo("_record")).count());

    // Typed Parquet: a real date column and an integer read where text is expected.
    Path parquet = dir.resolve("accounts.parquet");
    spark.sql("select 'A1' as account_id, 'smb' as segment, 'budget' as price_tier, date'2024-01-02' as created_date "
            + "union all select 'A2', 'smb', 'premium', null")
        .write().parquet(parquet.toString());
    Settings.SourceSettings pin = new Settings.SourceSettings("accounts", parquet.toString(), "parquet", Map.of(), true);
    Dataset<Row> pv = SourceValidation.validate(new SourceReader(spark).read(pin, InputContract.ACCOUNTS), InputContract.ACCOUNTS, settings(), Map.of());
    assertEquals(2, pv.filter(col(SourceValidation.REASON).isNull()).count());
    assertEquals(java.sql.Date.valueOf("2024-01-02"), byKey(pv, "account_id").get("A1").getAs("created_date"));
  }

  @Test
  void aMissingRequiredColumnNamesTheSourceAndColumn() throws IOException {
    InputException e =
        assertThrows(InputException.class, () -> new SourceReader(spark).read(in("accounts", "account_id,price_tier\nA1,budget\n"), InputContract.ACCOUNTS));
    assertTrue(e.getMessage().contains("accounts"), e.getMessage());
    assertTrue(e.getMessage().contains("'segment'"), e.getMessage());
  }

  @Test
  void aMissingPathIsAnInputErrorAndAnEmptyFolderAnEmptySource() throws IOException {
    Settings.SourceSettings missing = new Settings.SourceSettings("accounts", dir.resolve("nope.csv").toString(), "csv", Map.of(), true);
    InputException e = assertThrows(InputException.class, () -> new SourceReader(spark).read(missing, InputContract.ACCOUNTS));
    assertTrue(e.getMessage().contains("not found"), e.getMessage());
    Path empty = Files.createDirectories(dir.resolve("empty"));
    Settings.SourceSettings folder = new Settings.SourceSettings("accounts", empty.toString(), "csv", Map.of(), true);
    assertEquals(0, SourceValidation.validate(new SourceReader(spark).read(folder, InputContract.ACCOUNTS), InputContract.ACCOUNTS, settings(), Map.of()).count());
  }

  private Settings.SourceSettings in(String name, String csv) throws IOException {
    Path file = Files.createTempFile(dir, name, ".csv");
    Files.writeString(file, csv);
    return new Settings.SourceSettings(name, file.toString(), "csv", Map.of(), true);
  }

  private Dataset<Row> verdicts(SourceSpec spec, String csv, Map<String, Dataset<Row>> parents) throws IOException {
    return SourceValidation.validate(new SourceReader(spark).read(in(spec.name(), csv), spec), spec, settings(), parents);
  }

  private Dataset<Row> accepted(SourceSpec spec, String csv, Map<String, Dataset<Row>> parents) throws IOException {
    return verdicts(spec, csv, parents).filter(col(SourceValidation.REASON).isNull()).cache();
  }

  private static Map<String, Row> byKey(Dataset<Row> verdicts, String key) {
    Map<String, Row> m = new HashMap<>();
    for (Row r : verdicts.collectAsList()) {
      m.putIfAbsent(r.getAs(key), r);
    }
    return m;
  }

  private static void assertReason(Row r, Reason reason, String column) {
    assertEquals(reason.name(), r.getAs(SourceValidation.REASON), () -> "row " + r);
    assertEquals(column, r.getAs(SourceValidation.COLUMN), () -> "row " + r);
  }

  private static void assertAccepted(Row r) {
    assertNull(r.getAs(SourceValidation.REASON), () -> "row " + r);
  }
}
