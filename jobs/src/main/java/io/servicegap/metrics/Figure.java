package io.servicegap.metrics;

import static org.apache.spark.sql.functions.lit;

import io.servicegap.keys.GroupingSets;
import org.apache.spark.sql.Column;

/**
 * A figure of gap_metrics that is a ratio of a state set's sums (a rate, or a mean over the events
 * that have a value), declared beside the set so its spread between accounts can be measured
 * ({@link AccountClusters}): the numerator (less an optional state) over the denominator, for the
 * set's subject or for a subject the family rolls the set's subjects up to (an element, all).
 *
 * @param gap the gap the figure is published under (null: the set's family)
 * @param metric its name in gap_metrics
 * @param subjectType null: the set's subject key, or {@code all} when the set has no subject
 * @param subject null: the set's subject, or ALL
 * @param less a state subtracted from the numerator, or null
 * @param shape how its interval is drawn, and so how it widens
 */
public record Figure(String gap, String metric, String subjectType, Column subject, String numerator, String less, String denominator, Shape shape) {
  /**
   * A rate's Wilson interval, a mean's normal one, or a difference of two figures (Newcombe or
   * normal): for a difference, {@code numerator} and {@code denominator} name the two figures.
   */
  public enum Shape { RATE, MEAN, DIFFERENCE }

  /** A share of events: {@code numerator / denominator}, with a Wilson interval. */
  public static Figure rate(String metric, String numerator, String denominator) {
    return new Figure(null, metric, null, null, numerator, null, denominator, Shape.RATE);
  }

  /** A mean: {@code sum / count}, with a normal interval. */
  public static Figure mean(String metric, String sum, String count) {
    return new Figure(null, metric, null, null, sum, null, count, Shape.MEAN);
  }

  /**
   * A difference of two figures of the same set and subject ({@code minuend − subtrahend}): it
   * widens as the more clustered of the two.
   */
  public static Figure difference(String metric, String minuend, String subtrahend) {
    return new Figure(null, metric, null, null, minuend, null, subtrahend, Shape.DIFFERENCE);
  }

  /** The numerator less another state (compliance: counted − breaches). */
  public Figure less(String state) {
    return new Figure(gap, metric, subjectType, subject, numerator, state, denominator, shape);
  }

  /** Published under another gap than the set's family. */
  public Figure under(String otherGap) {
    return new Figure(otherGap, metric, subjectType, subject, numerator, less, denominator, shape);
  }

  /** Over a roll-up of the set's subjects: an element of dimensions, say. */
  public Figure per(String type, Column subjectOfEvent) {
    return new Figure(gap, metric, type, subjectOfEvent, numerator, less, denominator, shape);
  }

  /** Over all the set's subjects together. */
  public Figure overAll() {
    return per("all", lit(GroupingSets.ALL));
  }
}
