package io.servicegap.config;

import com.typesafe.config.Config;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Every scalar setting's type and range, as data: one rule per key, checked together. Values
 * themselves come from {@code reference.conf} and the layers above it, never from here.
 */
final class SettingRules {
  enum Kind { NUMBER, INT, LONG, BYTES }

  /**
   * A setting of a kind, within [min, max] ((min or max) when open), and at most another
   * setting's value when {@code atMost} names one.
   */
  record Rule(String key, Kind kind, Double min, boolean minOpen, Double max, boolean maxOpen, String atMost) {
    static Rule of(String key, Kind kind) {
      return new Rule(key, kind, null, false, null, false, null);
    }

    Rule from(double v) {
      return new Rule(key, kind, v, false, max, maxOpen, atMost);
    }

    Rule above(double v) {
      return new Rule(key, kind, v, true, max, maxOpen, atMost);
    }

    Rule to(double v) {
      return new Rule(key, kind, min, minOpen, v, false, atMost);
    }

    Rule below(double v) {
      return new Rule(key, kind, min, minOpen, v, true, atMost);
    }

    Rule notAbove(String other) {
      return new Rule(key, kind, min, minOpen, max, maxOpen, other);
    }

    boolean holds(double v, Double other) {
      return (min == null || (minOpen ? v > min : v >= min))
          && (max == null || (maxOpen ? v < max : v <= max))
          && (other == null || v <= other);
    }

    /** What the value must be, in the words of the message. */
    String must() {
      String range;
      if (min != null && max != null) {
        range = minOpen && maxOpen
            ? "strictly between " + text(min) + " and " + text(max)
            : "within " + (minOpen ? "(" : "[") + text(min) + ", " + text(max) + (maxOpen ? ")" : "]");
      } else if (min != null) {
        range = (minOpen ? "> " : ">= ") + text(min);
      } else if (max != null) {
        range = (maxOpen ? "< " : "<= ") + text(max);
      } else {
        return atMost == null ? null : "must not exceed servicegap." + atMost;
      }
      return "must be " + range + (atMost == null ? "" : " and at most servicegap." + atMost);
    }

    private static String text(double v) {
      return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }
  }

  static final List<Rule> RULES =
      List.of(
          Rule.of("standards.delivery.tolerance-hours", Kind.NUMBER).from(0),
          Rule.of("quality.max-reject-ratio", Kind.NUMBER).from(0).to(1),
          Rule.of("stats.confidence", Kind.NUMBER).above(0).below(1),
          Rule.of("stats.min-sample", Kind.LONG).from(0),
          Rule.of("stats.cluster-accounts", Kind.LONG).from(100),
          Rule.of("stats.design-effect-accounts", Kind.LONG).from(100).notAbove("stats.cluster-accounts"),
          Rule.of("stats.percentile-resolution", Kind.NUMBER).above(0).to(1),
          Rule.of("run.lookback-days", Kind.INT).from(0),
          Rule.of("run.lock-stale-hours", Kind.LONG).from(1),
          Rule.of("run.input-bytes-per-shuffle-partition", Kind.BYTES), // a memory size is never negative
          Rule.of("run.compile-plans-from", Kind.BYTES),
          Rule.of("accounts.best-share", Kind.NUMBER).above(0).to(1),
          Rule.of("accounts.at-risk.days-since-order", Kind.INT).from(1),
          Rule.of("accounts.at-risk.min-otif-rate", Kind.NUMBER).from(0).to(1),
          Rule.of("accounts.at-risk.min-orders", Kind.INT).from(1),
          Rule.of("accounts.at-risk.open-complaints", Kind.INT).from(1),
          Rule.of("accounts.at-risk.min-gap", Kind.NUMBER),
          Rule.of("accounts.at-risk.min-answers", Kind.INT).from(1),
          Rule.of("retention.churn-after-days", Kind.INT).from(1),
          Rule.of("retention.exceeded-above", Kind.NUMBER),
          Rule.of("retention.failed-below", Kind.NUMBER).notAbove("retention.exceeded-above"),
          Rule.of("findings.periods", Kind.INT).from(1),
          Rule.of("findings.min-sample", Kind.LONG).from(1),
          Rule.of("findings.max", Kind.INT).from(1),
          Rule.of("findings.fdr", Kind.NUMBER).above(0).below(1));

  private SettingRules() {}

  /** Reads every ruled setting and reports those that cannot be read or are out of range. */
  static void check(Config sg, Problems problems) {
    Map<String, Double> values = new HashMap<>();
    for (Rule rule : RULES) {
      Double v = problems.read("servicegap." + rule.key(), () -> read(sg, rule));
      if (v != null) {
        values.put(rule.key(), v);
      }
    }
    for (Rule rule : RULES) {
      Double v = values.get(rule.key());
      // A bound set by another setting is checked once that setting itself passed.
      boolean boundFailed = rule.atMost() != null && (!values.containsKey(rule.atMost()) || problems.reported("servicegap." + rule.atMost()));
      if (v == null || boundFailed) {
        continue;
      }
      if (!rule.holds(v, rule.atMost() == null ? null : values.get(rule.atMost()))) {
        problems.at("servicegap." + rule.key(), " " + rule.must());
      }
    }
  }

  private static double read(Config sg, Rule rule) {
    return switch (rule.kind()) {
      case NUMBER -> sg.getDouble(rule.key());
      case INT -> sg.getInt(rule.key());
      case LONG -> sg.getLong(rule.key());
      case BYTES -> sg.getBytes(rule.key());
    };
  }
}
