package io.servicegap.config;

import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Every setting of a run, validated; built only by {@link SettingsLoader}. */
public record Settings(
    Map<String, RawInput> raw,
    Map<String, SourceSettings> inputs,
    String outputPath,
    String sparkMaster,
    Map<String, String> sparkConf,
    ZoneId timezone,
    List<Grain> grains,
    List<String> priceTiers,
    Map<String, Dimension> dimensions,
    double deliveryToleranceHours,
    Map<String, Standard> standards,
    BusinessHours businessHours,
    double maxRejectRatio,
    double confidence,
    long minSample,
    long clusterAccounts,
    long designEffectAccounts,
    double percentileResolution,
    int lookbackDays,
    long lockStaleHours,
    long inputBytesPerShufflePartition,
    long compilePlansFromBytes,
    Set<String> families,
    AccountRisk accountRisk,
    Retention retention,
    FindingRules findings,
    String digest,
    Secrets secrets) {

  /**
   * One input source as configured: a file source ({@code path}) or a query over the raw inputs
   * ({@code sql}), neither when not configured, and the mapping from the export's own columns.
   *
   * @param columns contract column → Spark SQL expression over the source's own columns
   * @param values per contract column, replacements of listed values before validation
   * @param where Spark SQL condition; rows it does not keep are counted, not quarantined
   * @param timestampFormat, dateFormat Spark datetime patterns for text values, or null for ISO-8601
   * @param timezone zone of text timestamps without an offset, or null for servicegap.timezone
   */
  public record SourceSettings(
      String name,
      String path,
      String format,
      Map<String, String> options,
      boolean required,
      String sql,
      Map<String, String> columns,
      Map<String, Map<String, String>> values,
      String where,
      String timestampFormat,
      String dateFormat,
      ZoneId timezone) {

    /** A plain file source in the contract's own layout. */
    public SourceSettings(String name, String path, String format, Map<String, String> options, boolean required) {
      this(name, path, format, options, required, null, Map.of(), Map.of(), null, null, null, null);
    }

    public boolean configured() {
      return path != null || sql != null;
    }

    /** Whether the rows are the export's own and the contract's columns are derived from them. */
    public boolean mapped() {
      return sql != null || !columns.isEmpty() || !values.isEmpty() || where != null;
    }

    /** Where the rows come from, for messages and the manifest. */
    public String origin() {
      return path != null ? path : sql != null ? "sql" : null;
    }
  }

  /**
   * An export read as it is and registered as a view of its name, for sources' {@code sql}.
   *
   * @param format csv, json, parquet, jdbc or table
   * @param table the catalog table of format table, else null
   */
  public record RawInput(String name, String path, String format, Map<String, String> options, String table) {
    /** Where the rows come from, without secrets: the path, the table, or the JDBC table or query. */
    public String origin() {
      if (path != null) {
        return path;
      }
      if (table != null) {
        return "table " + table;
      }
      String target = options.containsKey("dbtable") ? options.get("dbtable") : "query";
      return "jdbc " + target;
    }
  }

  /** A survey dimension: its answer scale, experience element and weight in servqual_gap. */
  public record Dimension(String name, double min, double max, String element, double weight) {}

  /**
   * A service standard: its target (in the measure's unit), per-tier targets overriding it, its
   * clock, and the complaint categories it covers (empty: every complaint, covering none).
   */
  public record Standard(String name, double target, Map<String, Double> tierTargets, boolean businessClock, List<String> categories) {
    public double targetFor(String tier) {
      return tierTargets.getOrDefault(tier, target);
    }
  }

  /** Opening hours per ISO weekday (1 = Monday; absent = closed) in a time zone, and closed dates. */
  public record BusinessHours(ZoneId zone, Map<Integer, java.time.LocalTime[]> week, List<java.time.LocalDate> holidays) {}

  /** Thresholds of account_scorecard: best accounts and the reasons an account is at risk. */
  public record AccountRisk(
      double bestShare, int daysSinceOrder, double minOtifRate, int minOrders, int openComplaints, double minGap, int minAnswers) {}

  /**
   * Churn and the response classes of phase_impact: an account churned after an instant if it
   * placed no order in the following churnAfterDays; a response exceeded expectations when its mean
   * gap is above exceededAbove, failed them when below failedBelow, and met them otherwise.
   */
  public record Retention(int churnAfterDays, double exceededAbove, double failedBelow) {}

  /**
   * What makes a figure a finding: its grain, the complete periods it pools and its trend looks
   * at, the sample both it and what it is compared with need, how many findings are kept, the false
   * discovery rate its tests are held to, and targets per headline metric.
   */
  public record FindingRules(Grain grain, int periods, long minSample, int max, double fdr, Map<String, Double> targets) {}

  public SourceSettings input(String source) {
    return inputs.get(source);
  }

  public boolean runs(String family) {
    return families.contains(family);
  }
}
