package io.servicegap.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.servicegap.config.Grain;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The months a run owns and the first period of each grain it recomputes, on a calendar checked by hand. */
class RunKeysTest {
  private static final List<Grain> ALL = List.of(Grain.DAY, Grain.WEEK, Grain.MONTH);

  private static LocalDate d(String date) {
    return LocalDate.parse(date);
  }

  @Test
  void aRunRecomputesWholeMonths() {
    // 2026-06-22 is a Monday: its week starts in June, so June is the first month.
    assertEquals(d("2026-06-01"), RunKeys.monthsFrom(d("2026-06-22"), ALL));
    // 2026-03-01 is a Sunday: its week began on Monday 02-23, a period of February's partition.
    assertEquals(d("2026-02-01"), RunKeys.monthsFrom(d("2026-03-01"), ALL));
    assertEquals(d("2026-03-01"), RunKeys.monthsFrom(d("2026-03-01"), List.of(Grain.DAY, Grain.MONTH)), "without weeks");
  }

  @Test
  void aWeekBelongsToItsMondaysMonth() {
    // 2026-05-01 is a Friday; its week (Monday 04-27) is April's, so May's first week starts 05-04.
    RunKeys may = new RunKeys("r", d("2026-05-31"), d("2026-05-01"), ZoneOffset.UTC);
    assertEquals(d("2026-05-04"), may.firstPeriod(Grain.WEEK));
    assertEquals(d("2026-05-01"), may.firstPeriod(Grain.DAY));
    assertEquals(d("2026-05-01"), may.firstPeriod(Grain.MONTH));
    // 2026-06-01 is a Monday: June's first week starts on the 1st.
    assertEquals(d("2026-06-01"), new RunKeys("r", d("2026-06-30"), d("2026-06-01"), ZoneOffset.UTC).firstPeriod(Grain.WEEK));
    assertEquals(d("2026-06-01"), RunKeys.periodMonth(d("2026-06-29")), "the week of Monday 06-29 is June's, though it ends in July");
  }
}
