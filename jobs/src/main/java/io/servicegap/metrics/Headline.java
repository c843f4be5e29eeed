package io.servicegap.metrics;

/**
 * A headline figure a family declares: what findings test and how a sentence names it. A family
 * declares it beside the figure itself, so a new family's headlines reach the findings (and through
 * them the report) with no list to edit elsewhere.
 *
 * @param subjectType the gap_metrics subject type the findings read (all, standard, element)
 * @param higherIsBetter which direction is worse
 * @param rate a share (shown in %) rather than a mean (shown in points)
 * @param what for a rate, what the share is of ("of orders on time and in full"); for a mean,
 *     what it measures; {@code %s} stands for the subject
 * @param unit what n counts
 * @param minuend for a difference of two figures, the first (null otherwise)
 * @param subtrahend for a difference, the second
 * @param againstZero for all customers, tested against 0 (a difference that should be none)
 */
public record Headline(
    String gap, String metric, String subjectType, boolean higherIsBetter, boolean rate, String what, String unit, String minuend, String subtrahend,
    boolean againstZero) {
  /** A figure of gap_metrics. */
  public static Headline of(String gap, String metric, String subjectType, boolean higherIsBetter, boolean rate, String what, String unit) {
    return new Headline(gap, metric, subjectType, higherIsBetter, rate, what, unit, null, null, false);
  }

  /** One figure less another, of subject type all, tested from the two. */
  public static Headline difference(String gap, String metric, String minuend, String subtrahend, boolean higherIsBetter, boolean rate, String what, String unit,
      boolean againstZero) {
    return new Headline(gap, metric, "all", higherIsBetter, rate, what, unit, minuend, subtrahend, againstZero);
  }

  public boolean isDifference() {
    return minuend != null;
  }
}
