package io.servicegap.config;

import java.util.Locale;

/** A reporting period length; a period is named by its first day. */
public enum Grain {
  DAY,
  WEEK,
  MONTH;

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Grain parse(String text) {
    return valueOf(text.trim().toUpperCase(Locale.ROOT));
  }
}
