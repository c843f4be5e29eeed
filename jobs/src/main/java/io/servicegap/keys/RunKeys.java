package io.servicegap.keys;

import io.servicegap.config.Grain;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.temporal.TemporalAdjusters;

/**
 * What a run computes: its id, the as_of date whose end is the cut-off instant, and the first date
 * whose periods it recomputes. A nightly run's is the first day of a month ({@link #monthsFrom}),
 * since its tables are replaced a month at a time.
 */
public record RunKeys(String runId, LocalDate asOf, LocalDate windowStart, ZoneId zone) {

  /** The instant the run sees the world at: the end of the as_of date in the run's time zone. */
  public Timestamp cutoff() {
    return Timestamp.from(asOf.plusDays(1).atStartOfDay(zone).toInstant());
  }

  /**
   * First day of the earliest period of a grain the run recomputes: the one holding windowStart,
   * unless it is a week begun in the month before, which belongs to that month's partition.
   */
  public LocalDate firstPeriod(Grain grain) {
    LocalDate start = periodStart(grain, windowStart);
    return start.getMonth() == windowStart.getMonth() ? start : start.plusWeeks(1);
  }

  /**
   * The first day of the months a run recomputes so that every period of the grains that holds a
   * day from {@code from} on is recomputed whole: the month of the earliest such period's start.
   */
  public static LocalDate monthsFrom(LocalDate from, java.util.List<Grain> grains) {
    LocalDate earliest = grains.stream().map(g -> periodStart(g, from)).min(java.util.Comparator.naturalOrder()).orElse(from);
    return earliest.with(TemporalAdjusters.firstDayOfMonth());
  }

  /** The first day of the month a period starts in: its partition. */
  public static LocalDate periodMonth(LocalDate periodStart) {
    return periodStart.with(TemporalAdjusters.firstDayOfMonth());
  }

  public LocalDate lastPeriod(Grain grain) {
    return periodStart(grain, asOf);
  }

  public static LocalDate periodStart(Grain grain, LocalDate day) {
    return switch (grain) {
      case DAY -> day;
      case WEEK -> day.minusDays(day.getDayOfWeek().getValue() - 1L);
      case MONTH -> day.with(TemporalAdjusters.firstDayOfMonth());
    };
  }
}
