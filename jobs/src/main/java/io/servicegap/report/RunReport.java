package io.servicegap.report;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.servicegap.config.Grain;
import io.servicegap.config.Settings;
import io.servicegap.ingest.SourceCounts;
import io.servicegap.output.OutputTables;
import io.servicegap.keys.RunKeys;
import io.servicegap.metrics.Findings;
import io.servicegap.metrics.Headline;
import io.servicegap.metrics.Scorecard;
import io.servicegap.stats.Estimate;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The run's report: one self-contained page, {@code _reports/<run_id>/index.html} and a copy in
 * {@code _reports/latest/}, that opens from disk with no network. The findings first, then the
 * pictures SPEC §5 lists, drawn by Vega-Lite (inlined) from small aggregates of the published
 * tables, each figure with its interval and its low-sample flag.
 */
public final class RunReport {
  private static final int FINDINGS_SHOWN = 20;
  private static final int ACCOUNTS_SHOWN = 20;

  private final SparkSession spark;
  private final Settings settings;
  private final RunKeys run;

  public RunReport(SparkSession spark, Settings settings, RunKeys run) {
    this.spark = spark;
    this.settings = settings;
    this.run = run;
  }

  /** Writes the page from the published tables; returns where it is. */
  /** @param noFindings why the run found nothing, or null */
  public Path write(List<SourceCounts> inputs, String noFindings) {
    try {
      Map<String, Object> data = data(inputs);
      if (noFindings != null) {
        data.put("no_findings", noFindings);
      }
      String page = render(data);
      Path dir = new Path(settings.outputPath(), "_reports");
      Path own = new Path(dir, run.runId() + "/index.html");
      FileSystem fs = own.getFileSystem(spark.sparkContext().hadoopConfiguration());
      for (Path p : List.of(own, new Path(dir, "latest/index.html"))) {
        try (OutputStream out = fs.create(p, true)) {
          out.write(page.getBytes(StandardCharsets.UTF_8));
        }
      }
      return own;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the report under " + settings.outputPath() + "/_reports", e);
    }
  }

  /** Everything the page shows, as JSON-ready lists of small rows. */
  Map<String, Object> data(List<SourceCounts> inputs) {
    Grain grain = settings.findings().grain();
    LocalDate latest = Findings.latestComplete(grain, run.asOf());
    // The pictures show the last twelve periods of the findings grain.
    LocalDate earliest = Findings.step(grain, latest, -11);
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("run", Map.of("run_id", run.runId(), "as_of", run.asOf().toString(), "grain", grain.label(), "from", earliest.toString(), "to", latest.toString(),
        "min_sample", settings.minSample(), "fdr", settings.findings().fdr()));
    Dataset<Row> metrics = table(OutputTables.GAP_METRICS);
    Dataset<Row> window = metrics == null ? null
        : metrics.filter(col("grain").equalTo(grain.label()).and(col("period_start").between(lit(Date.valueOf(earliest)), lit(Date.valueOf(latest)))));
    d.put("findings", rows(asOfRows(OutputTables.FINDINGS), FINDINGS_SHOWN, "rank",
        "rank", "sentence", "gap", "metric", "subject", "segment", "phase", "price_tier", "value", "n", "n_accounts", "ci_low", "ci_high", "parent_value",
        "q_value", "trend"));
    d.put("headlines", headlines(window, latest, Findings.step(grain, latest, -1)));
    d.put("tiers", series(window, "gap4", List.of("otif_rate", "promise_kept_rate"), "all", col("segment").equalTo("ALL").and(col("phase").equalTo("ALL")), "price_tier"));
    d.put("standards", series(window, "gap3", List.of("compliance_rate"), "standard", allKeys(), "subject"));
    d.put("recovery", series(window, "recovery", List.of("resolution_rate", "first_contact_resolution_rate"), "all", allKeys(), "metric"));
    d.put("servqual", servqual(window));
    d.put("impact", retentionByClass(window));
    d.put("fees", rows(asOfRows(OutputTables.FEE_IMPACT), 20, "change_id",
        "change_id", "price_tier", "segment", "effective_date", "evaluable", "accounts_before", "accounts_after", "churn_rate_before", "churn_rate_before_ci_low",
        "churn_rate_before_ci_high", "churn_rate_after", "churn_rate_after_ci_low", "churn_rate_after_ci_high", "churn_lift", "churn_lift_ci_low",
        "churn_lift_ci_high", "control_accounts_after", "control_churn_lift", "control_churn_lift_ci_low", "control_churn_lift_ci_high", "revenue_at_risk", "low_sample"));
    Dataset<Row> accounts = asOfRows(OutputTables.ACCOUNT_SCORECARD);
    d.put("accounts", accounts == null ? List.of()
        : rows(accounts.filter(col("best_account").and(col("status").equalTo("at_risk"))), ACCOUNTS_SHOWN, "revenue_rank",
            "account_id", "segment", "price_tier", "revenue_365d", "revenue_rank", "otif_rate_365d", "open_complaints", "mean_gap_365d", "days_since_last_order",
            "at_risk_reasons"));
    d.put("statuses", accounts == null ? List.of()
        : rows(accounts.groupBy("best_account", "status").agg(count(lit(1)).as("accounts")), 10, "status", "best_account", "status", "accounts"));
    Dataset<Row> quarantine = table(OutputTables.QUARANTINE);
    d.put("quarantine", quarantine == null ? List.of()
        : rows(quarantine.filter(col("run_date").equalTo(lit(Date.valueOf(run.asOf())))).groupBy("source", "reason").agg(count(lit(1)).as("rows")), 200, "source",
            "source", "reason", "rows"));
    List<Map<String, Object>> sources = new ArrayList<>();
    for (SourceCounts c : inputs) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("source", c.source());
      m.put("read", c.read());
      m.put("accepted", c.accepted());
      m.put("quarantined", c.quarantined());
      m.put("left_out", c.leftOut());
      m.put("reconciles", c.reconciles());
      m.put("absent", c.path() == null);
      sources.add(m);
    }
    d.put("sources", sources);
    return d;
  }

  private static Column allKeys() {
    return col("segment").equalTo("ALL").and(col("phase").equalTo("ALL")).and(col("price_tier").equalTo("ALL"));
  }

  /** A published table, or null when there is none. */
  private Dataset<Row> table(OutputTables.Table t) {
    Path p = new Path(settings.outputPath(), t.name());
    try {
      return p.getFileSystem(spark.sparkContext().hadoopConfiguration()).exists(p) ? spark.read().parquet(p.toString()) : null;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private Dataset<Row> asOfRows(OutputTables.Table t) {
    Dataset<Row> rows = table(t);
    return rows == null ? null : rows.filter(col("as_of").equalTo(lit(Date.valueOf(run.asOf()))));
  }

  /** Per period and series key, the figure with its interval, n and low-sample flag. */
  private List<Map<String, Object>> series(Dataset<Row> window, String gap, List<String> metrics, String subjectType, Column keys, String seriesColumn) {
    if (window == null) {
      return List.of();
    }
    Dataset<Row> picked = window.filter(col("gap").equalTo(gap).and(col("metric").isin(metrics.toArray())).and(col("subject_type").equalTo(subjectType)).and(keys))
        .select(col("period_start").cast("string").as("period"), col(seriesColumn).as("series"), col("metric"), col("value"), col("ci_low"), col("ci_high"), col("n"),
            col("low_sample"));
    return rows(picked, 2000, "period", "period", "series", "metric", "value", "ci_low", "ci_high", "n", "low_sample");
  }

  /**
   * Every shown headline the families declare, for all customers in the latest complete period,
   * with its interval, n, and its value the period before; in the registry's order.
   */
  private List<Map<String, Object>> headlines(Dataset<Row> window, LocalDate latest, LocalDate before) {
    List<Map<String, Object>> out = new ArrayList<>();
    Map<String, Map<String, Object>> latestRows = new LinkedHashMap<>();
    Map<String, Object> previous = new LinkedHashMap<>();
    if (window != null) {
      Dataset<Row> all = window.filter(allKeys().and(col("subject_type").equalTo("all")))
          .withColumn("column", org.apache.spark.sql.functions.concat_ws("_", col("gap"), col("metric")))
          .filter(col("column").isin(Scorecard.HEADLINES.stream().map(Headline::column).toArray()));
      for (Map<String, Object> r : rows(all, 2000, "period_start", "period_start", "column", "value", "ci_low", "ci_high", "n", "low_sample")) {
        String column = (String) r.get("column");
        if (r.get("period_start").equals(latest.toString())) {
          latestRows.put(column, r);
        } else if (r.get("period_start").equals(before.toString())) {
          previous.put(column, r.get("value"));
        }
      }
    }
    for (Headline h : Scorecard.HEADLINES) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("gap", h.gap());
      m.put("metric", h.metric());
      m.put("meaning", h.meaning());
      m.put("rate", h.rate());
      Map<String, Object> r = latestRows.getOrDefault(h.column(), Map.of());
      for (String c : List.of("value", "ci_low", "ci_high", "n", "low_sample")) {
        m.put(c, r.get(c));
      }
      m.put("previous", previous.get(h.column()));
      out.add(m);
    }
    return out;
  }

  /** servqual_gap by segment × phase over the window: n-weighted means of the periods' figures. */
  private List<Map<String, Object>> servqual(Dataset<Row> window) {
    if (window == null) {
      return List.of();
    }
    Dataset<Row> pooled = window.filter(col("gap").equalTo("gap5").and(col("metric").equalTo("servqual_gap")).and(col("price_tier").equalTo("ALL")))
        .groupBy("segment", "phase")
        .agg(sum(col("value").multiply(col("n"))).divide(sum(col("n"))).as("value"), sum(col("n")).as("n"))
        .withColumn("low_sample", col("n").lt(settings.minSample()));
    return rows(pooled, 200, "segment", "segment", "phase", "value", "n", "low_sample");
  }

  /** Retention after responses that exceeded, met or failed expectations, per phase, pooled over the window. */
  private List<Map<String, Object>> retentionByClass(Dataset<Row> window) {
    if (window == null) {
      return List.of();
    }
    Dataset<Row> pooled = window.filter(col("gap").equalTo("impact").and(col("metric").isin("retention_exceeded", "retention_met", "retention_failed"))
            .and(col("segment").equalTo("ALL")).and(col("price_tier").equalTo("ALL")).and(col("phase").notEqual("ALL")))
        .groupBy("phase", "metric")
        .agg(sum(col("value").multiply(col("n"))).as("retained"), sum(col("n")).as("n"));
    double z = Estimate.z(settings.confidence());
    List<Map<String, Object>> out = new ArrayList<>();
    for (Map<String, Object> r : rows(pooled, 100, "phase", "phase", "metric", "retained", "n")) {
      double n = ((Number) r.get("n")).doubleValue();
      double retained = Math.round(((Number) r.get("retained")).doubleValue());
      double[] ci = Estimate.wilson(retained, n, z);
      r.put("class", ((String) r.remove("metric")).substring("retention_".length()));
      r.put("value", retained / n);
      r.put("ci_low", ci[0]);
      r.put("ci_high", ci[1]);
      r.put("low_sample", n < settings.minSample());
      r.remove("retained");
      out.add(r);
    }
    return out;
  }

  /** A small aggregate collected for the page: at most {@code limit} rows in {@code order}. */
  private static List<Map<String, Object>> rows(Dataset<Row> rows, int limit, String order, String... columns) {
    List<Map<String, Object>> out = new ArrayList<>();
    if (rows == null) {
      return out;
    }
    for (Row r : rows.orderBy(order).limit(limit).select(columns[0], java.util.Arrays.copyOfRange(columns, 1, columns.length)).collectAsList()) {
      Map<String, Object> m = new LinkedHashMap<>();
      for (int i = 0; i < columns.length; i++) {
        Object v = r.get(i);
        if (v instanceof java.math.BigDecimal b) {
          v = b.doubleValue();
        } else if (v instanceof Date date) {
          v = date.toString();
        } else if (v instanceof scala.collection.Seq<?> seq) {
          v = scala.collection.JavaConverters.seqAsJavaList(seq);
        } else if (v instanceof Double x && (x.isNaN() || x.isInfinite())) {
          v = null;
        }
        m.put(columns[i], v);
      }
      out.add(m);
    }
    return out;
  }

  /** The template with the data and both chart bundles inlined. */
  static String render(Map<String, Object> data) throws IOException {
    String json = new ObjectMapper().writeValueAsString(data).replace("</", "<\\/");
    return resource("template.html")
        .replace("/*VEGA*/", resource("vega.min.js").replace("</script", "<\\/script"))
        .replace("/*VEGA_LITE*/", resource("vega-lite.min.js").replace("</script", "<\\/script"))
        .replace("/*DATA*/", json);
  }

  private static String resource(String name) throws IOException {
    try (InputStream in = RunReport.class.getResourceAsStream("/report/" + name)) {
      if (in == null) {
        throw new IOException("report/" + name + " is missing from the application (built by mvn package)");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
