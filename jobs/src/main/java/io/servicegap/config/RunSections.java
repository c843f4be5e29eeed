package io.servicegap.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValue;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** Readers of what a run computes: its grains, tiers, families, findings and Spark settings. */
final class RunSections {
  /** The servicegap.metrics.families value naming every family. */
  static final String ALL_FAMILIES = "all";

  private RunSections() {}

  static List<Grain> grains(Config sg, Problems problems) {
    List<Grain> grains = new ArrayList<>();
    List<String> names = problems.read("servicegap.grains", () -> sg.getStringList("grains"));
    for (String g : names == null ? List.<String>of() : names) {
      try {
        grains.add(Grain.parse(g));
      } catch (IllegalArgumentException e) {
        problems.add("servicegap.grains: unknown grain '" + g + "' (allowed: day, week, month)");
      }
    }
    if (names != null && grains.isEmpty()) {
      problems.add("servicegap.grains must name at least one of day, week, month");
    }
    return List.copyOf(grains);
  }

  static List<String> tiers(Config sg, Problems problems) {
    List<String> tiers = problems.read("servicegap.price-tiers", () -> sg.getStringList("price-tiers"));
    if (tiers == null) {
      return List.of();
    }
    if (tiers.isEmpty()) {
      problems.add("servicegap.price-tiers must list at least one tier");
    }
    if (tiers.stream().anyMatch(t -> t.equals("ALL") || t.equals("*"))) {
      problems.add("servicegap.price-tiers: 'ALL' and '*' are reserved and cannot be tiers");
    }
    return List.copyOf(tiers);
  }

  /** The families to run; {@code known} are the registry's names. */
  static Set<String> families(Config sg, List<String> known, Problems problems) {
    Set<String> families = new LinkedHashSet<>();
    List<String> names = problems.read("servicegap.metrics.families", () -> sg.getStringList("metrics.families"));
    for (String f : names == null ? List.<String>of() : names) {
      if (f.equals(ALL_FAMILIES)) {
        families.addAll(known);
      } else if (known.contains(f)) {
        families.add(f);
      } else {
        problems.add("servicegap.metrics.families: unknown family '" + f + "' (available: " + ALL_FAMILIES + ", " + String.join(", ", known) + ")");
      }
    }
    if (names != null && families.isEmpty()) {
      problems.add("servicegap.metrics.families must name at least one family");
    }
    return Set.copyOf(families);
  }

  /** The findings' rules; the scalars among them are checked by {@link SettingRules}. */
  static Settings.FindingRules findings(Config sg, List<Grain> grains, Problems problems) {
    String f = "servicegap.findings.";
    Grain grain = null;
    String name = problems.read(f + "grain", () -> sg.getString("findings.grain"));
    try {
      grain = name == null ? null : Grain.parse(name);
    } catch (IllegalArgumentException e) {
      problems.add(f + "grain must be one of day, week, month");
    }
    if (grain != null && !grains.isEmpty() && !grains.contains(grain)) {
      problems.add(f + "grain " + grain.label() + " is not among servicegap.grains");
    }
    Map<String, Double> targets = new TreeMap<>();
    for (Map.Entry<String, ConfigValue> e : sg.getObject("findings.targets").entrySet()) {
      if (e.getValue().unwrapped() instanceof Number n) {
        targets.put(e.getKey(), n.doubleValue());
      } else if (e.getValue().unwrapped() != null) {
        problems.add(f + "targets." + e.getKey() + " must be a number");
      }
    }
    if (!problems.isEmpty()) {
      return null;
    }
    return new Settings.FindingRules(
        grain, sg.getInt("findings.periods"), sg.getLong("findings.min-sample"), sg.getInt("findings.max"),
        sg.getDouble("findings.fdr"), Collections.unmodifiableMap(targets));
  }

  /** Extra Spark settings, keys as Spark spells them. */
  static Map<String, String> sparkConf(Config sg) {
    Map<String, String> conf = new LinkedHashMap<>();
    for (Map.Entry<String, ConfigValue> e : sg.getConfig("spark.conf").entrySet()) {
      String key = e.getKey();
      conf.put(key.startsWith("\"") && key.endsWith("\"") ? key.substring(1, key.length() - 1) : key, String.valueOf(e.getValue().unwrapped()));
    }
    return Map.copyOf(conf);
  }
}
