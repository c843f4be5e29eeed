import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Compares the tables of two output folders with DuckDB, as an analyst's second engine reads them:
 * every column but run_id, doubles within a tolerance (sums of doubles merged in another order
 * differ in the last bits). Prints one line per table and exits 1 when any differs.
 *
 * usage: java -cp duckdb_jdbc.jar CompareTables.java BEFORE_DIR AFTER_DIR [TOLERANCE]
 */
public class CompareTables {
  static final List<String> TABLES =
      List.of("gap_metrics", "gap_scorecard", "phase_impact", "fee_impact", "findings", "account_scorecard", "quarantine");

  public static void main(String[] args) throws Exception {
    String before = args[0];
    String after = args[1];
    double tolerance = args.length > 2 ? Double.parseDouble(args[2]) : 1e-9;
    int differing = 0;
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement()) {
      s.execute("SET threads = 2");
      for (String t : TABLES) {
        if (!new java.io.File(before, t).exists() && !new java.io.File(after, t).exists()) {
          continue;
        }
        s.execute("CREATE OR REPLACE VIEW b AS SELECT * EXCLUDE (run_id) FROM read_parquet('" + before + "/" + t + "/**/*.parquet', hive_partitioning = true)");
        s.execute("CREATE OR REPLACE VIEW a AS SELECT * EXCLUDE (run_id) FROM read_parquet('" + after + "/" + t + "/**/*.parquet', hive_partitioning = true)");
        List<String> keys = new ArrayList<>();
        List<String> doubles = new ArrayList<>();
        try (ResultSet r = s.executeQuery("DESCRIBE b")) {
          while (r.next()) {
            String name = r.getString(1);
            if (r.getString(2).equals("DOUBLE")) {
              doubles.add(name);
            } else if (!t.equals("findings") || !name.equals("sentence")) {
              keys.add(name); // a finding's sentence prints figures rounded, and differs where they do
            }
          }
        }
        long rowsBefore = count(s, "SELECT count(*) FROM b");
        long rowsAfter = count(s, "SELECT count(*) FROM a");
        // Rows whose non-double columns match, paired by row number within equal keys, then doubles compared.
        String k = keys.stream().map(x -> "\"" + x + "\"").reduce((x, y) -> x + ", " + y).orElse("1");
        String numbered = " SELECT *, row_number() OVER (PARTITION BY " + k + " ORDER BY " + (doubles.isEmpty() ? "1" : doubles.stream().map(x -> "\"" + x + "\"").reduce((x, y) -> x + ", " + y).get()) + ") AS _rn FROM ";
        String on = keys.stream().map(x -> "b.\"" + x + "\" IS NOT DISTINCT FROM a.\"" + x + "\"").reduce((x, y) -> x + " AND " + y).orElse("true");
        String far = doubles.stream()
            .map(x -> "(b.\"" + x + "\" IS DISTINCT FROM a.\"" + x + "\" AND (b.\"" + x + "\" IS NULL OR a.\"" + x + "\" IS NULL OR abs(b.\"" + x + "\" - a.\"" + x + "\") > " + tolerance + "))")
            .reduce((x, y) -> x + " OR " + y).orElse("false");
        long unmatched = count(s, "SELECT count(*) FROM (" + numbered + "b) b FULL JOIN (" + numbered + "a) a ON " + on + " AND b._rn = a._rn WHERE b._rn IS NULL OR a._rn IS NULL");
        long apart = count(s, "SELECT count(*) FROM (" + numbered + "b) b JOIN (" + numbered + "a) a ON " + on + " AND b._rn = a._rn WHERE " + far);
        boolean same = rowsBefore == rowsAfter && unmatched == 0 && apart == 0;
        differing += same ? 0 : 1;
        System.out.printf("%-18s %10d rows before %10d after  %s%n", t, rowsBefore, rowsAfter,
            same ? "equal (doubles within " + tolerance + ")" : "DIFFERENT: " + unmatched + " rows unpaired, " + apart + " paired rows with a double apart");
      }
    }
    System.exit(differing == 0 ? 0 : 1);
  }

  private static long count(Statement s, String sql) throws Exception {
    try (ResultSet r = s.executeQuery(sql)) {
      r.next();
      return r.getLong(1);
    }
  }
}
