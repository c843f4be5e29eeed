package io.servicegap.config;

import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Every setting of a run, validated; built only by {@link SettingsLoader}. */
public record Settings(
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
    double percentileResolution,
    int lookbackDays,
    long lockStaleHours,
    Set<String> families,
    AccountRisk accountRisk,
    Retention retention,
    String digest) {

  /** One input source as configured. A null path means not configured. */
  public record SourceSettings(
      String name, String path, String format, Map<String, String> options, boolean required) {}

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

  public SourceSettings input(String source) {
    return inputs.get(source);
  }

  public boolean runs(String family) {
    return families.contains(family);
  }
}
