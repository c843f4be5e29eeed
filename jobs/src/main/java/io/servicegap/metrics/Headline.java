package io.servicegap.metrics;

/**
 * A headline figure a family declares beside the figure itself, so a new family's headlines reach
 * the findings, the scorecard and the report with no list to edit elsewhere. A headline is tested
 * by the findings when it has words for a sentence, and shown (a gap_scorecard column and a row of
 * the report's headline table, from its subject ALL row) when it has a meaning.
 *
 * @param subjectType the gap_metrics subject type the findings read (all, standard, element)
 * @param higherIsBetter which direction is worse
 * @param rate a share (shown in %) rather than a mean (shown in points)
 * @param what for a rate, what the share is of ("of orders on time and in full"); for a mean,
 *     what it measures; {@code %s} stands for the subject; null for a figure the findings don't test
 * @param unit what n counts
 * @param minuend for a difference of two figures, the first (null otherwise)
 * @param subtrahend for a difference, the second
 * @param againstZero for all customers, tested against 0 (a difference that should be none)
 * @param meaning what the figure tells, for all customers (the gap_scorecard column's text); null
 *     for a figure not shown
 */
public record Headline(
    String gap, String metric, String subjectType, boolean higherIsBetter, boolean rate, String what, String unit, String minuend, String subtrahend,
    boolean againstZero, String meaning) {
  /** A figure of gap_metrics the findings test. */
  public static Headline of(String gap, String metric, String subjectType, boolean higherIsBetter, boolean rate, String what, String unit) {
    return new Headline(gap, metric, subjectType, higherIsBetter, rate, what, unit, null, null, false, null);
  }

  /** One figure less another, of subject type all, tested from the two. */
  public static Headline difference(String gap, String metric, String minuend, String subtrahend, boolean higherIsBetter, boolean rate, String what, String unit,
      boolean againstZero) {
    return new Headline(gap, metric, "all", higherIsBetter, rate, what, unit, minuend, subtrahend, againstZero, null);
  }

  /** A figure of all customers that is shown but not tested per key combination (it has no account sums). */
  public static Headline shown(String gap, String metric, boolean higherIsBetter, boolean rate, String meaning) {
    return new Headline(gap, metric, "all", higherIsBetter, rate, null, null, null, null, false, meaning);
  }

  /** This headline shown as well: on the scorecard and the report, with what it tells. */
  public Headline shownAs(String meaning) {
    return new Headline(gap, metric, subjectType, higherIsBetter, rate, what, unit, minuend, subtrahend, againstZero, meaning);
  }

  public boolean isDifference() {
    return minuend != null;
  }

  /** Whether the findings test it. */
  public boolean tested() {
    return what != null;
  }

  /** Whether it is a gap_scorecard column and a row of the report's headline table. */
  public boolean shown() {
    return meaning != null;
  }

  /** Its gap_scorecard column. */
  public String column() {
    return gap + "_" + metric;
  }
}
