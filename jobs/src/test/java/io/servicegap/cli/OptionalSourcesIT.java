package io.servicegap.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.servicegap.SparkTestBase;
import io.servicegap.output.OutputTables;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A business without orders, or without complaints and surveys, declares those sources absent
 * ({@code required = false}): the figures that need them are absent, the rest computed, and every
 * table is still written with its schema, readable by Spark and DuckDB even with no rows.
 */
class OptionalSourcesIT extends SparkTestBase {
  @TempDir Path dir;

  private Path csv(String name, String text) throws IOException {
    Path f = dir.resolve(name);
    Files.writeString(f, text);
    return f;
  }

  private JobRunner.Result run(String... sets) {
    List<String> args = new java.util.ArrayList<>(List.of("run", "--as-of", "2026-03-31", "--set", "servicegap.output.path=" + dir.resolve("out")));
    for (String s : sets) {
      args.addAll(List.of("--set", s));
    }
    return JobRunner.run(spark, args.toArray(String[]::new));
  }

  private Row figure(String gap, String metric, String subject) {
    return spark.read().parquet(dir.resolve("out/gap_metrics").toString())
        .filter("grain = 'month' AND period_start = DATE'2026-03-01' AND segment = 'ALL' AND phase = 'ALL' AND price_tier = 'ALL'")
        .filter("gap = '" + gap + "' AND metric = '" + metric + "' AND subject = '" + subject + "'").first();
  }

  /** Every output table is there, and DuckDB reads it through the Hive-partitioned glob BI tools use. */
  private void assertEveryTableReadable() throws Exception {
    try (Connection duck = DriverManager.getConnection("jdbc:duckdb:"); Statement st = duck.createStatement()) {
      for (OutputTables.Table t : List.of(OutputTables.GAP_METRICS, OutputTables.GAP_SCORECARD, OutputTables.PHASE_IMPACT,
          OutputTables.FEE_IMPACT, OutputTables.ACCOUNT_SCORECARD, OutputTables.QUARANTINE)) {
        Dataset<Row> spark = SparkTestBase.spark.read().parquet(dir.resolve("out/" + t.name()).toString());
        assertTrue(List.of(spark.columns()).containsAll(t.columnNames()), t.name() + ": " + List.of(spark.columns()));
        String glob = dir.resolve("out/" + t.name()) + "/" + "*/".repeat(t.partitionBy().size()) + "*.parquet";
        try (ResultSet rs = st.executeQuery("SELECT count(*) FROM read_parquet('" + glob + "', hive_partitioning = true)")) {
          rs.next();
          assertEquals(spark.count(), rs.getLong(1), t.name());
        }
      }
    }
  }

  @Test
  void aHelpdeskWithoutOrdersOrSurveys() throws Exception {
    Path accounts = csv("accounts.csv", "account_id,segment,price_tier\nA1,smb,budget\nA2,enterprise,premium\n");
    // Three cases, none about an order. Resolved: H1 and H3 → 2 / 3; H3 needed two contacts.
    Path complaints = csv("complaints.csv", String.join("\n",
        "complaint_id,account_id,opened_ts,phase,category,first_response_ts,resolved_ts,contacts",
        "H1,A1,2026-03-02T09:00:00Z,post_sale,billing,2026-03-02T10:00:00Z,2026-03-03T09:00:00Z,1",
        "H2,A2,2026-03-05T09:00:00Z,post_sale,staff_attitude,,,",
        "H3,A2,2026-03-09T09:00:00Z,pre_sale,billing,2026-03-09T09:30:00Z,2026-03-10T09:00:00Z,2", ""));
    JobRunner.Result r = run(
        "servicegap.inputs.accounts.path=" + accounts,
        "servicegap.inputs.complaints.path=" + complaints,
        "servicegap.inputs.transactions.required=false",
        "servicegap.inputs.surveys.required=false");
    assertEquals(0, r.exitCode(), r.out() + r.err());
    assertTrue(r.out().contains("transactions                  0 read"), r.out());
    Row resolution = figure("recovery", "resolution_rate", "ALL");
    assertEquals(2 / 3.0, resolution.<Double>getAs("value"), 1e-12);
    assertEquals(3L, resolution.<Long>getAs("n"));
    // First contact: resolved with one contact, not reopened: H1 of H1, H3 → 1 / 2.
    assertEquals(0.5, figure("recovery", "first_contact_resolution_rate", "ALL").<Double>getAs("value"), 1e-12);
    // Nothing quarantined: the table is there, empty, with its schema.
    assertEquals(0, spark.read().parquet(dir.resolve("out/quarantine").toString()).count());
    assertEveryTableReadable();
  }

  @Test
  void ordersWithoutComplaintsOrSurveys() throws Exception {
    Path accounts = csv("accounts.csv", "account_id,segment,price_tier\nA1,smb,budget\n");
    // No quoted prices, as many exports: O1 on time, O2 a day late, O3 never delivered and past
    // its promise → on time 1 / 3, no price metrics.
    Path orders = csv("transactions.csv", String.join("\n",
        "order_id,account_id,order_ts,qty_ordered,qty_delivered,promised_ts,delivered_ts,status",
        "O1,A1,2026-03-01T09:00:00Z,1,1,2026-03-03T09:00:00Z,2026-03-02T09:00:00Z,delivered",
        "O2,A1,2026-03-02T09:00:00Z,1,1,2026-03-04T09:00:00Z,2026-03-05T09:00:00Z,delivered",
        "O3,A1,2026-03-03T09:00:00Z,2,,2026-03-05T09:00:00Z,,open", ""));
    JobRunner.Result r = run(
        "servicegap.inputs.accounts.path=" + accounts,
        "servicegap.inputs.transactions.path=" + orders,
        "servicegap.inputs.complaints.required=false",
        "servicegap.inputs.surveys.required=false");
    assertEquals(0, r.exitCode(), r.out() + r.err());
    Row onTime = figure("gap4", "on_time_rate", "ALL");
    assertEquals(1 / 3.0, onTime.<Double>getAs("value"), 1e-12);
    assertEquals(3L, onTime.<Long>getAs("n"));
    assertEquals(0, spark.read().parquet(dir.resolve("out/gap_metrics").toString()).filter("metric = 'price_kept_rate'").count());
    assertEveryTableReadable();
  }
}
