import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;

/**
 * The benchmark's second engine: computes, with DuckDB over the same Parquet inputs, Gap 4 rates
 * per month over the cube of segment × price tier and Gap 5 gap_mean per month and dimension (the
 * ALL rollup and segment × tier), compares them with servicegap's gap_metrics, and prints the
 * time DuckDB took for the Gap 4 query alone (the "identical work").
 *
 * usage: java -cp duckdb_jdbc.jar DuckDbGaps.java DATA_DIR TABLES_DIR AS_OF
 *        java -cp duckdb_jdbc.jar DuckDbGaps.java DATA_DIR - AS_OF --gap4-only
 * The second form runs the Gap 4 query alone and compares nothing: timed as a whole process, it is
 * the work servicegap's Gap 4 slice is held against.
 */
public class DuckDbGaps {
  public static void main(String[] args) throws Exception {
    String data = args[0];
    String tables = args[1];
    String cutoff = "TIMESTAMPTZ '" + java.time.LocalDate.parse(args[2]).plusDays(1) + " 00:00:00+00'";
    boolean gap4Only = args.length > 3 && args[3].equals("--gap4-only");
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement()) {
      s.execute("SET TimeZone = 'UTC'");
      s.execute("SET threads = 2");
      String gap4 =
          "WITH o AS (SELECT t.*, a.segment, coalesce(t.price_tier, a.price_tier) AS tier, "
              + "  CASE WHEN t.delivered_ts < " + cutoff + " THEN t.delivered_ts END AS delivered "
              + "  FROM read_parquet('" + data + "/transactions/*.parquet') t JOIN read_parquet('" + data + "/accounts/*.parquet') a USING (account_id) "
              + "  WHERE t.order_ts < " + cutoff + "), "
              + "e AS (SELECT date_trunc('month', order_ts)::DATE AS month, segment, tier, "
              + "  coalesce(delivered <= promised_ts, false) AS on_time, coalesce(delivered IS NOT NULL AND qty_delivered >= qty_ordered, false) AS in_full "
              + "  FROM o WHERE status <> 'cancelled' AND (delivered IS NOT NULL OR promised_ts < " + cutoff + ")) "
              + "SELECT month, coalesce(segment, 'ALL') AS segment, coalesce(tier, 'ALL') AS tier, "
              + "  avg(on_time::INT) AS on_time_rate, avg(in_full::INT) AS in_full_rate, avg((on_time AND in_full)::INT) AS otif_rate, count(*) AS n "
              + "FROM e GROUP BY month, CUBE (segment, tier)";
      long t0 = System.nanoTime();
      Map<String, double[]> duck = new HashMap<>();
      try (ResultSet r = s.executeQuery(gap4)) {
        while (r.next()) {
          String key = r.getString(1) + "|" + r.getString(2) + "|" + r.getString(3);
          duck.put(key + "|on_time_rate", new double[] {r.getDouble(4), r.getLong(7)});
          duck.put(key + "|in_full_rate", new double[] {r.getDouble(5), r.getLong(7)});
          duck.put(key + "|otif_rate", new double[] {r.getDouble(6), r.getLong(7)});
        }
      }
      double gap4Seconds = (System.nanoTime() - t0) / 1e9;
      if (gap4Only) {
        System.out.printf("duckdb_gap4_seconds=%.2f%ngap4_rows=%d%n", gap4Seconds, duck.size() / 3);
        return;
      }

      String gap5 =
          "WITH a AS (SELECT s.*, acc.segment, coalesce(o.price_tier, oa.price_tier, acc.price_tier) AS tier "
              + "  FROM read_parquet('" + data + "/surveys/*.parquet') s JOIN read_parquet('" + data + "/accounts/*.parquet') acc USING (account_id) "
              + "  LEFT JOIN read_parquet('" + data + "/transactions/*.parquet') o ON o.order_id = s.order_id "
              + "  LEFT JOIN read_parquet('" + data + "/accounts/*.parquet') oa ON oa.account_id = o.account_id "
              + "  WHERE s.submitted_ts < " + cutoff + " AND s.expectation IS NOT NULL AND s.perception IS NOT NULL) "
              + "SELECT date_trunc('month', submitted_ts)::DATE AS month, coalesce(segment, 'ALL'), coalesce(tier, 'ALL'), dimension, "
              + "  avg(perception - expectation), count(*) FROM a GROUP BY month, dimension, GROUPING SETS ((), (segment, tier))";
      long t1 = System.nanoTime();
      try (ResultSet r = s.executeQuery(gap5)) {
        while (r.next()) {
          duck.put(r.getString(1) + "|" + r.getString(2) + "|" + r.getString(3) + "|gap_mean|" + r.getString(4), new double[] {r.getDouble(5), r.getLong(6)});
        }
      }
      double gap5Seconds = (System.nanoTime() - t1) / 1e9;

      String ours =
          "SELECT period_start, segment, price_tier, metric, subject, value, n FROM read_parquet('" + tables + "/gap_metrics/*/*/*.parquet', hive_partitioning = true) "
              + "WHERE grain = 'month' AND phase = 'ALL' AND ((gap = 'gap4' AND metric IN ('on_time_rate', 'in_full_rate', 'otif_rate')) "
              + "OR (gap = 'gap5' AND metric = 'gap_mean' AND subject_type = 'dimension' AND ((segment = 'ALL' AND price_tier = 'ALL') OR (segment <> 'ALL' AND price_tier <> 'ALL'))))";
      int compared = 0;
      int disagree = 0;
      double maxDiff = 0;
      try (ResultSet r = s.executeQuery(ours)) {
        while (r.next()) {
          String key = r.getString(1) + "|" + r.getString(2) + "|" + r.getString(3) + "|" + r.getString(4) + (r.getString(4).equals("gap_mean") ? "|" + r.getString(5) : "");
          double[] d = duck.remove(key);
          compared++;
          if (d == null || d[1] != r.getLong(7) || Math.abs(d[0] - r.getDouble(6)) > 1e-9) {
            if (disagree++ < 5) {
              System.out.println("disagree: " + key + " servicegap " + r.getDouble(6) + " n " + r.getLong(7) + " duckdb " + (d == null ? "none" : d[0] + " n " + (long) d[1]));
            }
          } else {
            maxDiff = Math.max(maxDiff, Math.abs(d[0] - r.getDouble(6)));
          }
        }
      }
      disagree += duck.size();
      System.out.printf("duckdb_gap4_seconds=%.2f%nduckdb_gap5_seconds=%.2f%ncompared=%d%ndisagree=%d%nmax_abs_diff=%.2e%n", gap4Seconds, gap5Seconds, compared, disagree, maxDiff);
    }
  }
}
