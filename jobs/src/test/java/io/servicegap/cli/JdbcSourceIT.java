package io.servicegap.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.servicegap.SparkTestBase;
import java.io.IOException;
import java.io.Reader;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postgresql.copy.CopyManager;
import org.postgresql.core.BaseConnection;

/**
 * Accounts and orders read from a real PostgreSQL server (Debian's postgresql package, which
 * .ci/run installs; this test starts a throw-away server of its own on 127.0.0.1), through raw
 * inputs of format jdbc, one of them a partitioned read: the tables equal those of the same rows
 * read from the sample CSV files, and the password reaches no text the run writes.
 */
class JdbcSourceIT extends SparkTestBase {
  private static final String PASSWORD = "jdbc-it-Pa55";
  private static Path pg;
  /** The sample orders without their planted truncated line, which no database table holds. */
  private static Path orders;
  private static String bin;
  private static int port;

  @BeforeAll
  static void startPostgres() throws Exception {
    bin = postgresBin();
    pg = Files.createTempDirectory("servicegap-pg");
    Path pwfile = pg.resolve("pw");
    Files.writeString(pwfile, PASSWORD + "\n");
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    boolean root = "root".equals(System.getProperty("user.name"));
    if (root) { // initdb refuses to run as root
      exec(List.of("chown", "-R", "postgres", pg.toString()));
    }
    exec(asPostgres(root, bin + "/initdb", "-D", pg.resolve("data").toString(), "-U", "postgres", "-A", "scram-sha-256", "--pwfile=" + pwfile));
    exec(asPostgres(root, bin + "/pg_ctl", "-D", pg.resolve("data").toString(), "-l", pg.resolve("pg.log").toString(), "-w",
        "-o", "-p " + port + " -k " + pg + " -c listen_addresses=127.0.0.1", "start"));
    try (Connection c = connect("postgres"); Statement st = c.createStatement()) {
      st.execute("CREATE DATABASE crm");
    }
    try (Connection c = connect("crm"); Statement st = c.createStatement()) {
      st.execute("CREATE TABLE accounts (account_id text, segment text, price_tier text, region text, created_date text)");
      st.execute("CREATE TABLE orders (order_id text, account_id text, order_ts text, price_tier text, quoted_amount text, charged_amount text,"
          + " qty_ordered text, qty_delivered text, promised_ts text, processed_ts text, delivered_ts text, status text, channel text, updated_ts text)");
      CopyManager copy = new CopyManager(c.unwrap(BaseConnection.class));
      load(copy, "accounts", repo().resolve("data-samples/accounts.csv"));
      orders = wellFormedOrders();
      load(copy, "orders", orders);
      // A row number to split the read on, as a warehouse table would have a key.
      st.execute("ALTER TABLE orders ADD COLUMN row_no serial");
    }
  }

  @AfterAll
  static void stopPostgres() throws Exception {
    if (pg != null) {
      exec(asPostgres("root".equals(System.getProperty("user.name")), bin + "/pg_ctl", "-D", pg.resolve("data").toString(), "-m", "fast", "stop"));
    }
  }

  private static String postgresBin() throws IOException {
    Path lib = Path.of("/usr/lib/postgresql");
    if (Files.isDirectory(lib)) {
      try (Stream<Path> versions = Files.list(lib)) {
        for (Path v : versions.sorted(java.util.Comparator.reverseOrder()).toList()) {
          if (Files.isExecutable(v.resolve("bin/initdb"))) {
            return v.resolve("bin").toString();
          }
        }
      }
    }
    throw new IllegalStateException("PostgreSQL server binaries not found under /usr/lib/postgresql: install Debian's postgresql package (.ci/run does)");
  }

  private static List<String> asPostgres(boolean root, String... command) {
    List<String> c = new ArrayList<>();
    if (root) {
      c.addAll(List.of("runuser", "-u", "postgres", "--"));
    }
    c.addAll(List.of(command));
    return c;
  }

  private static void exec(List<String> command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException(String.join(" ", command) + " failed:\n" + output);
    }
  }

  private static String url(String db) {
    return "jdbc:postgresql://127.0.0.1:" + port + "/" + db;
  }

  private static Connection connect(String db) throws SQLException {
    return DriverManager.getConnection(url(db), "postgres", PASSWORD);
  }

  private static Path wellFormedOrders() throws IOException {
    Path dir = pg.resolve("orders-csv");
    Dataset<Row> lines = spark.read().option("header", "true").option("mode", "DROPMALFORMED")
        .schema(spark.read().option("header", "true").csv(repo().resolve("data-samples/transactions.csv").toString()).schema())
        .csv(repo().resolve("data-samples/transactions.csv").toString());
    lines.coalesce(1).write().option("header", "true").csv(dir.toString());
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(f -> f.getFileName().toString().endsWith(".csv")).findFirst().orElseThrow();
    }
  }

  private static void load(CopyManager copy, String table, Path csv) throws Exception {
    try (Reader r = Files.newBufferedReader(csv)) {
      copy.copyIn("COPY " + table + " FROM STDIN WITH (FORMAT csv, HEADER true)", r);
    }
  }

  private static JobRunner.Result run(Path out, String... sourceSets) {
    List<String> args = new ArrayList<>(List.of("run", "--conf", repo().resolve("conf/local.conf").toString(), "--as-of", "2026-09-30",
        "--set", "servicegap.output.path=" + out));
    for (String s : List.of("accounts", "complaints", "surveys", "management_estimates", "price_changes")) {
      args.addAll(List.of("--set", "servicegap.inputs." + s + ".path=" + repo().resolve("data-samples/" + s + ".csv")));
    }
    args.addAll(List.of("--set", "servicegap.inputs.transactions.path=" + orders));
    for (String s : sourceSets) {
      args.addAll(List.of("--set", s));
    }
    return JobRunner.run(spark, args.toArray(String[]::new));
  }

  private static Dataset<Row> table(Path out, String name) {
    return spark.read().parquet(out.resolve(name).toString()).drop("run_id");
  }

  @Test
  void accountsAndOrdersFromPostgresGiveTheTablesOfTheSameRowsFromCsv() throws IOException {
    Path dir = Files.createTempDirectory("servicegap-jdbc");
    JobRunner.Result csv = run(dir.resolve("csv"));
    assertEquals(0, csv.exitCode(), csv.err());
    JobRunner.Result db = run(dir.resolve("db"),
        "servicegap.raw.crm_accounts={format=jdbc, options {url=\"" + url("crm") + "\", dbtable=\"public.accounts\", user=postgres}}",
        "servicegap.raw.crm_accounts.options.password=" + PASSWORD,
        "servicegap.raw.crm_orders={format=jdbc, options {url=\"" + url("crm") + "\", dbtable=\"public.orders\", user=postgres,"
            + " partitionColumn=row_no, lowerBound=1, upperBound=2500, numPartitions=3}}",
        "servicegap.raw.crm_orders.options.password=" + PASSWORD,
        "servicegap.inputs.accounts.path=",
        "servicegap.inputs.accounts.sql=SELECT * FROM crm_accounts",
        "servicegap.inputs.transactions.path=",
        "servicegap.inputs.transactions.sql=SELECT * FROM crm_orders");
    assertEquals(0, db.exitCode(), db.err());
    assertEquals(csv.out().lines().filter(l -> l.contains(" read ")).toList(), db.out().lines().filter(l -> l.contains(" read ")).toList(),
        "same rows read, accepted and quarantined per source");
    for (String t : List.of("gap_metrics", "gap_scorecard", "phase_impact", "fee_impact", "account_scorecard")) {
      assertSameRows(table(dir.resolve("csv"), t), table(dir.resolve("db"), t));
    }
    // Quarantined rows agree on source, reason and column; a mapped source's record is its query's row.
    String[] verdict = {"source", "reason", "column_name"};
    assertSameRows(table(dir.resolve("csv"), "quarantine").selectExpr(verdict), table(dir.resolve("db"), "quarantine").selectExpr(verdict));
    String manifest;
    try (Stream<Path> runs = Files.list(dir.resolve("db/_runs"))) {
      manifest = Files.readString(runs.filter(p -> p.toString().endsWith(".json")).findFirst().orElseThrow());
    }
    assertTrue(manifest.contains("\"raw_input\" : \"crm_orders\""), manifest);
    assertFalse(manifest.contains(PASSWORD), "the password is a secret: " + manifest);
    assertFalse((db.out() + db.err()).contains(PASSWORD));
    assertEquals(0, table(dir.resolve("db"), "quarantine").filter(org.apache.spark.sql.functions.col("record").contains(PASSWORD)).count());
  }
}
