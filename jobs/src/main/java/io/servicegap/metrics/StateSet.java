package io.servicegap.metrics;

import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;

/**
 * Additive states one family sums over one kind of event, per report key (and per subject, such
 * as a dimension or a standard): each state is the sum of a value every event contributes, so
 * states of two halves of the events add up to the states of the whole. Only events meeting
 * {@code where} contribute. Two families declaring a set of the same name share it.
 *
 * @param family the family that declares the set
 * @param name unique in a run
 * @param subjectKey the name of the subject column in the rolled-up rows, or null for none
 * @param subject the subject of each event (text), or null
 * @param sums state name → the value each event contributes (a number)
 * @param figures the ratios of its states that gap_metrics publishes with an interval
 */
public record StateSet(String family, String name, EventKind kind, Column where, String subjectKey, Column subject, Map<String, Column> sums, List<Figure> figures) {
  public StateSet {
    sums = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(sums));
    figures = List.copyOf(figures);
  }

  /** A set of {@code family}'s states over {@code kind}, of every event and no subject until said otherwise. */
  public static StateSet of(String family, String name, EventKind kind) {
    return new StateSet(family, name, kind, lit(true), null, null, Map.of(), List.of());
  }

  /** Only events meeting the condition contribute. */
  public StateSet where(Column condition) {
    return new StateSet(family, name, kind, condition, subjectKey, subject, sums, figures);
  }

  /** States per subject: {@code key} names it in the rolled-up rows. */
  public StateSet per(String key, Column subjectOfEvent) {
    return new StateSet(family, name, kind, where, key, subjectOfEvent, sums, figures);
  }

  /** A state: the sum of {@code value} over the events. */
  public StateSet sum(String state, Column value) {
    Map<String, Column> more = new LinkedHashMap<>(sums);
    more.put(state, value);
    return new StateSet(family, name, kind, where, subjectKey, subject, more, figures);
  }

  /** A state: the number of events meeting {@code condition}. */
  public StateSet count(String state, Column condition) {
    return sum(state, when(condition, 1L).otherwise(0L));
  }

  /** Figures of gap_metrics that are ratios of this set's states (see {@link Figure}). */
  public StateSet figures(Figure... more) {
    List<Figure> all = new java.util.ArrayList<>(figures);
    all.addAll(List.of(more));
    return new StateSet(family, name, kind, where, subjectKey, subject, sums, all);
  }

  /** A state: the number of events. */
  public StateSet count(String state) {
    return sum(state, lit(1L));
  }
}
