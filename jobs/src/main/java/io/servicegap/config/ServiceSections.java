package io.servicegap.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValueType;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Readers of what the service promises: survey dimensions, service standards and business hours. */
final class ServiceSections {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(SettingsLoader.class);
  /** Standards the job knows how to measure; configuring one is choosing its target and clock. */
  static final List<String> STANDARDS = List.of("order-processing", "first-response", "resolution", "queue-wait", "case-promise");
  /** The standard whose target is each case's own promise (complaints.due_ts), not a setting. */
  static final String CASE_PROMISE = "case-promise";
  static final List<String> ELEMENTS = List.of("promise", "recovery", "personnel", "value");
  private static final List<String> WEEKDAYS = List.of("mon", "tue", "wed", "thu", "fri", "sat", "sun");
  private static final Pattern SPAN = Pattern.compile("(\\d{2}:\\d{2})-(\\d{2}:\\d{2})");

  private ServiceSections() {}

  /** The listed dimensions, each read with servicegap.entry-defaults.dimension-settings under what it sets. */
  static Map<String, Settings.Dimension> dimensions(Config sg, Problems problems) {
    Map<String, Settings.Dimension> dims = new LinkedHashMap<>();
    List<String> names = problems.read("servicegap.dimensions", () -> sg.getStringList("dimensions"));
    if (names == null) {
      return Map.of();
    }
    if (names.isEmpty()) {
      problems.add("servicegap.dimensions must list at least one dimension");
    }
    Config defaults = sg.getConfig("entry-defaults.dimension-settings");
    for (String name : names) {
      String where = "servicegap.dimension-settings." + name;
      String key = "dimension-settings.\"" + name + "\"";
      if (name.equals("ALL") || name.equals("*")) {
        problems.add("servicegap.dimensions: '" + name + "' is reserved and cannot name a dimension");
      } else if (!sg.hasPath(key) || sg.getValue(key).valueType() != ConfigValueType.OBJECT) {
        problems.add(where + " must be an object { min, max, element, weight } for listed dimension '" + name + "'");
      } else {
        Config d = sg.getConfig(key).withFallback(defaults);
        Double min = problems.read(where + ".min", () -> d.getDouble("min"));
        Double max = problems.read(where + ".max", () -> d.getDouble("max"));
        String element = problems.read(where + ".element", () -> d.getString("element"));
        Double weight = problems.read(where + ".weight", () -> d.getDouble("weight"));
        if (min != null && max != null && !(min < max)) {
          problems.add(where + ": min must be below max");
        }
        if (element != null && !ELEMENTS.contains(element)) {
          problems.add(where + ".element must be one of " + String.join(", ", ELEMENTS) + ", got '" + element + "'");
        }
        if (weight != null && !(weight >= 0)) {
          problems.add(where + ".weight must be >= 0");
        }
        if (min != null && max != null && element != null && weight != null) {
          dims.put(name, new Settings.Dimension(name, min, max, element, weight));
        }
      }
    }
    return Collections.unmodifiableMap(dims);
  }

  /** The measured standards; a standard set to null is not measured (an export with no such times). */
  static Map<String, Settings.Standard> standards(Config sg, List<String> tiers, Problems problems) {
    Map<String, Settings.Standard> out = new LinkedHashMap<>();
    List<String> unused = new ArrayList<>();
    Config section = sg.getConfig("standards");
    for (String name : section.root().keySet()) {
      String where = "servicegap.standards." + name;
      if (name.equals("delivery") || section.getIsNull(name)) {
        continue;
      } else if (!STANDARDS.contains(name)) {
        problems.add(where + ": no measure for a standard of that name (known: " + String.join(", ", STANDARDS) + ")");
      } else {
        Settings.Standard standard = standard(section.getConfig(name), name, tiers, unused, problems);
        if (standard != null) {
          out.put(name, standard);
        }
      }
    }
    if (!unused.isEmpty()) {
      // A run narrowed to fewer tiers keeps the reference's targets for the others: they are not errors.
      LOG.warn("servicegap.standards: tier-targets of tiers not in servicegap.price-tiers {} are ignored: {}", tiers, String.join(", ", unused));
    }
    return Collections.unmodifiableMap(out);
  }

  private static Settings.Standard standard(Config c, String name, List<String> tiers, List<String> unused, Problems problems) {
    String where = "servicegap.standards." + name;
    boolean ownTarget = name.equals(CASE_PROMISE);
    if (ownTarget && (c.hasPath("target") || c.hasPath("tier-targets"))) {
      problems.add(where + ": its target is each case's own due_ts, so it takes no target or tier-targets");
    }
    Double target = ownTarget ? Double.valueOf(0) : problems.read(where + ".target", () -> c.getDouble("target"));
    if (!ownTarget && target != null && !(target > 0)) {
      problems.at(where + ".target", " must be > 0");
    }
    Map<String, Double> tierTargets = new LinkedHashMap<>();
    if (!ownTarget && c.hasPath("tier-targets")) {
      for (String tier : c.getObject("tier-targets").keySet()) {
        Double t = problems.read(where + ".tier-targets." + tier, () -> c.getDouble("tier-targets.\"" + tier + "\""));
        if (!tiers.contains(tier)) {
          unused.add(name + "." + tier);
        } else if (t != null && !(t > 0)) {
          problems.at(where + ".tier-targets." + tier, " must be > 0");
        } else if (t != null) {
          tierTargets.put(tier, t);
        }
      }
    }
    String clock = problems.read(where + ".clock", () -> c.getString("clock"));
    List<String> categories = problems.read(where + ".categories", () -> c.getStringList("categories"));
    if (clock != null && !clock.equals("calendar") && !clock.equals("business")) {
      problems.add(where + ".clock must be calendar or business, got '" + clock + "'");
    } else if (ownTarget && "business".equals(clock)) {
      problems.add(where + ".clock: a case's due_ts is an instant, so case-promise is measured on the calendar clock");
    } else if (name.equals("queue-wait") && "business".equals(clock)) {
      problems.add(where + ".clock: queue-wait is a duration in seconds, not a span of time; use calendar");
    }
    if (target == null || clock == null || categories == null) {
      return null;
    }
    return new Settings.Standard(name, target, Map.copyOf(tierTargets), clock.equals("business"), List.copyOf(categories));
  }

  static Settings.BusinessHours businessHours(Config sg, Problems problems) {
    ZoneId zone = zone(sg, "business-hours.timezone", "servicegap.business-hours.timezone", problems);
    Map<Integer, LocalTime[]> week = new TreeMap<>();
    Config days = sg.getConfig("business-hours.week");
    for (String day : days.root().keySet()) {
      String where = "servicegap.business-hours.week." + day;
      int index = WEEKDAYS.indexOf(day) + 1;
      String span = problems.read(where, () -> days.getString(day));
      Matcher m = SPAN.matcher(span == null ? "" : span);
      if (index == 0) {
        problems.add(where + ": not a weekday (mon … sun)");
      } else if (span != null && !m.matches()) {
        problems.add(where + " must be \"HH:mm-HH:mm\", got '" + span + "'");
      } else if (span != null) {
        try {
          LocalTime open = LocalTime.parse(m.group(1));
          LocalTime close = LocalTime.parse(m.group(2));
          if (!open.isBefore(close)) {
            problems.add(where + ": opening must be before closing");
          }
          week.put(index, new LocalTime[] {open, close});
        } catch (DateTimeParseException e) {
          problems.add(where + ": " + e.getMessage());
        }
      }
    }
    if (week.isEmpty()) {
      problems.add("servicegap.business-hours.week must open on at least one day");
    }
    return new Settings.BusinessHours(zone, Collections.unmodifiableMap(week), holidays(sg, problems));
  }

  private static List<LocalDate> holidays(Config sg, Problems problems) {
    List<LocalDate> holidays = new ArrayList<>();
    List<String> dates = problems.read("servicegap.business-hours.holidays", () -> sg.getStringList("business-hours.holidays"));
    for (String d : dates == null ? List.<String>of() : dates) {
      try {
        holidays.add(LocalDate.parse(d));
      } catch (DateTimeParseException e) {
        problems.add("servicegap.business-hours.holidays: '" + d + "' is not a date (YYYY-MM-DD)");
      }
    }
    return List.copyOf(holidays);
  }

  /** An IANA zone, or null with the problem reported. */
  static ZoneId zone(Config c, String key, String setting, Problems problems) {
    String name = problems.read(setting, () -> c.getString(key));
    if (name == null) {
      return null;
    }
    try {
      return ZoneId.of(name);
    } catch (DateTimeException e) {
      problems.add(setting + ": unknown time zone '" + name + "'");
      return null;
    }
  }
}
