package io.servicegap.keys;

import io.servicegap.config.Grain;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.temporal.TemporalAdjusters;

/**
 * What a run computes: its id, the as_of date whose end is the cut-off instant, and the first date
 * whose periods it recomputes (as_of − lookback, or a backfill's FROM).
 */
public record RunKeys(String runId, LocalDate asOf, LocalDate windowStart, ZoneId zone) {

  /** The instant the run sees the world at: the end of the as_of date in the run's time zone. */
  public Timestamp cutoff() {
    return Timestamp.from(asOf.plusDays(1).atStartOfDay(zone).toInstant());
  }

  /** First day of the earliest period a grain's window touches. */
  public LocalDate firstPeriod(Grain grain) {
    return periodStart(grain, windowStart);
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
