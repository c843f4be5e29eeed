package io.servicegap.ingest;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.servicegap.SparkTestBase;
import io.servicegap.config.Settings;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reader options reach Spark as documented (reference.conf: "passed as they are"), on files as
 * users have them: a survey export with no header row mapped by position, a compressed export,
 * and an export that writes "?" for an empty cell.
 */
class CsvOptionsTest extends SparkTestBase {
  @TempDir Path dir;

  private static final Map<String, Dataset<Row>> PARENTS = Map.of(
      "accounts", frame("account_id string, segment string, price_tier string", row("C1", "smb", "budget"), row("C2", "smb", "budget")),
      "transactions", frame("order_id string, price_tier string, account_tier string"),
      "complaints", frame("complaint_id string"));

  private Dataset<Row> verdicts(Settings s, String source) {
    SourceSpec spec = InputContract.source(source);
    return SourceValidation.validate(new SourceReader(spark).read(s.input(source), spec), spec, s, PARENTS).cache();
  }

  /**
   * No header row: the first line is a response like the others (all three lines are read), and
   * the mapping names the columns by position. One line has a perception of "x": quarantined with
   * its own columns, as any mapped row.
   */
  @Test
  void aFileWithNoHeaderRowIsReadByPosition() throws IOException {
    Files.writeString(dir.resolve("answers.csv"),
        "R1,C1,2026-04-02 10:15,reliability,6,5\n"
            + "R1,C1,2026-04-02 10:15,empathy,5,7\n"
            + "R2,C2,2026-04-03 09:00,reliability,7,x\n");
    Settings s = settings(
        "servicegap.inputs.surveys {",
        "  path = \"" + dir.resolve("answers.csv") + "\", format = csv, options { header = \"false\" }",
        "  columns { response_id = _c0, account_id = _c1, submitted_ts = _c2, dimension = _c3, expectation = _c4, perception = _c5, phase = \"'post_sale'\" }",
        "  timestamp-format = \"yyyy-MM-dd HH:mm\"",
        "}");
    Dataset<Row> v = verdicts(s, "surveys");
    assertEquals(3, v.count(), "no line taken for a header");
    List<Row> accepted = v.filter(col(SourceValidation.REASON).isNull()).orderBy("dimension").collectAsList();
    assertEquals(List.of("R1/empathy/5.0/7.0", "R1/reliability/6.0/5.0"),
        accepted.stream().map(r -> r.getAs("response_id") + "/" + r.getAs("dimension") + "/" + r.getAs("expectation") + "/" + r.getAs("perception")).toList());
    Row bad = v.filter(col(SourceValidation.REASON).isNotNull()).first();
    assertEquals(Reason.PARSE_ERROR.name(), bad.getAs(SourceValidation.REASON));
    assertEquals("perception", bad.getAs(SourceValidation.COLUMN));
  }

  @Test
  void withoutAMappingAHeaderlessFileSaysHowToNameItsColumns() throws IOException {
    Files.writeString(dir.resolve("accounts.csv"), "C1,smb,budget\n");
    Settings s = settings("servicegap.inputs.accounts { path = \"" + dir.resolve("accounts.csv") + "\", format = csv, options { header = false } }");
    InputException e = assertThrows(InputException.class, () -> new SourceReader(spark).read(s.input("accounts"), InputContract.ACCOUNTS));
    assertTrue(e.getMessage().contains("no header row") && e.getMessage().contains("_c0"), e.getMessage());
  }

  @Test
  void theHeaderOptionIsReadAsSparkReadsItsOptions() {
    assertTrue(SourceReader.hasHeader(Map.of()), "a header by default");
    assertFalse(SourceReader.hasHeader(Map.of("HEADER", "False")), "option names ignore case");
    assertTrue(SourceReader.hasHeader(Map.of("header", "true")));
  }

  /** A gzip-compressed export (.csv.gz) and an export's own word for an empty cell (nullValue). */
  @Test
  void aCompressedExportAndItsOwnEmptyValue() throws IOException {
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(dir.resolve("accounts.csv.gz")))) {
      out.write("account_id,segment,price_tier,region\nC1,smb,budget,?\nC2,?,budget,north\n".getBytes(StandardCharsets.UTF_8));
    }
    Settings s = settings("servicegap.inputs.accounts { path = \"" + dir.resolve("accounts.csv.gz") + "\", format = csv, options { nullValue = \"?\" } }");
    Dataset<Row> v = verdicts(s, "accounts");
    Row c1 = v.filter(col("account_id").equalTo("C1")).first();
    assertNull(c1.getAs(SourceValidation.REASON));
    assertNull(c1.getAs("region"), "? is empty");
    Row c2 = v.filter(col("account_id").equalTo("C2")).first();
    assertEquals(Reason.MISSING_REQUIRED.name(), c2.getAs(SourceValidation.REASON), "a required segment of ? is missing, not the text '?'");
    assertEquals("segment", c2.getAs(SourceValidation.COLUMN));
  }
}
