package io.servicegap.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import com.typesafe.config.ConfigValueType;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** Readers of servicegap.inputs and servicegap.raw: where rows come from, and which option values are secrets. */
final class SourceSections {
  static final List<String> SOURCES =
      List.of("accounts", "transactions", "complaints", "surveys", "management_estimates", "price_changes");
  private static final Set<String> FORMATS = Set.of("csv", "json", "parquet");
  private static final List<String> RAW_FORMATS = List.of("csv", "json", "parquet", "jdbc", "table");
  private static final List<String> RAW_KEYS = List.of("path", "format", "options", "table");

  private SourceSections() {}

  static Map<String, Settings.SourceSettings> inputs(Config sg, List<String> secrets, Problems problems) {
    Map<String, Settings.SourceSettings> inputs = new LinkedHashMap<>();
    for (String source : SOURCES) {
      Config c = problems.read("servicegap.inputs." + source, () -> sg.getConfig("inputs." + source));
      if (c != null) {
        inputs.put(source, source(c, source, secrets, problems));
      }
    }
    return Map.copyOf(inputs);
  }

  private static Settings.SourceSettings source(Config c, String source, List<String> secrets, Problems problems) {
    String where = "servicegap.inputs." + source;
    String path = optionalString(c, "path");
    String sql = optionalString(c, "sql");
    String format = format(c, where, problems);
    Boolean required = problems.read(where + ".required", () -> c.getBoolean("required"));
    if (format != null && !FORMATS.contains(format)) {
      problems.at(where + ".format", " must be one of csv, json, parquet, got '" + format + "'");
    }
    if (path != null && sql != null) {
      problems.add(where + " has both path and sql: a source is a file source or a query over servicegap.raw, not both");
    }
    if (Boolean.TRUE.equals(required) && path == null && sql == null) {
      problems.add(where + ".path is required, or .sql (the " + source + " source; required = false declares it absent)");
    }
    return new Settings.SourceSettings(
        source, path, format, options(c, secrets), Boolean.TRUE.equals(required), sql, columns(c, where, problems),
        values(c, where, problems), optionalString(c, "where"), pattern(c, "timestamp-format", where, problems),
        pattern(c, "date-format", where, problems),
        optionalString(c, "timezone") == null ? null : ServiceSections.zone(c, "timezone", where + ".timezone", problems));
  }

  /** Contract column → Spark SQL expression; a number or boolean is an expression too. */
  private static Map<String, String> columns(Config c, String where, Problems problems) {
    Map<String, String> columns = new LinkedHashMap<>();
    if (!c.hasPath("columns")) {
      return Map.of();
    }
    for (Map.Entry<String, ConfigValue> e : c.getObject("columns").entrySet()) {
      Object v = e.getValue().unwrapped();
      if (v instanceof String || v instanceof Number || v instanceof Boolean) {
        columns.put(e.getKey(), String.valueOf(v));
      } else {
        problems.add(where + ".columns." + e.getKey() + " must be a Spark SQL expression (a string)");
      }
    }
    return Collections.unmodifiableMap(columns);
  }

  private static Map<String, Map<String, String>> values(Config c, String where, Problems problems) {
    Map<String, Map<String, String>> values = new LinkedHashMap<>();
    if (!c.hasPath("values")) {
      return Map.of();
    }
    for (Map.Entry<String, ConfigValue> e : c.getObject("values").entrySet()) {
      if (e.getValue().valueType() != ConfigValueType.OBJECT) {
        problems.add(where + ".values." + e.getKey() + " must be an object { export value = contract value }");
        continue;
      }
      Map<String, String> replace = new LinkedHashMap<>();
      ((ConfigObject) e.getValue()).forEach((from, to) -> replace.put(from, String.valueOf(to.unwrapped())));
      values.put(e.getKey(), Map.copyOf(replace));
    }
    return Collections.unmodifiableMap(values);
  }

  /** Raw inputs, each read with servicegap.entry-defaults.raw under what it sets. */
  static Map<String, Settings.RawInput> raw(Config sg, List<String> secrets, Problems problems) {
    Map<String, Settings.RawInput> raw = new TreeMap<>();
    if (!sg.hasPath("raw")) {
      return Map.of();
    }
    for (String name : sg.getObject("raw").keySet()) {
      String where = "servicegap.raw." + name;
      String base = "raw.\"" + name + "\"";
      if (!name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
        problems.add(where + ": a raw input's name is the view its queries read, so letters, digits and _ only");
      } else if (sg.getValue(base).valueType() != ConfigValueType.OBJECT) {
        problems.add(where + " must be an object { path, format, options } or { format = table, table }");
      } else {
        Config c = sg.getConfig(base);
        for (String key : c.root().keySet()) {
          if (!RAW_KEYS.contains(key)) {
            problems.add("unknown setting " + where + "." + key + " (a raw input has " + String.join(", ", RAW_KEYS) + ")");
          }
        }
        Settings.RawInput input = rawInput(name, c.withFallback(sg.getConfig("entry-defaults.raw")), secrets, problems);
        if (input != null) {
          raw.put(name, input);
        }
      }
    }
    return Collections.unmodifiableMap(raw);
  }

  private static Settings.RawInput rawInput(String name, Config c, List<String> secrets, Problems problems) {
    String where = "servicegap.raw." + name;
    String path = optionalString(c, "path");
    String table = optionalString(c, "table");
    String format = format(c, where, problems);
    Map<String, String> options = options(c, secrets);
    if (format == null) {
      return null;
    } else if (!RAW_FORMATS.contains(format)) {
      problems.add(where + ".format must be one of " + String.join(", ", RAW_FORMATS) + ", got '" + format + "'");
    } else if (format.equals("table")) {
      if (table == null) {
        problems.add(where + ": format table needs table = \"database.table\"");
      }
    } else if (format.equals("jdbc")) {
      if (!options.containsKey("url")) {
        problems.add(where + ": format jdbc needs options.url");
      }
      if (options.containsKey("dbtable") == options.containsKey("query")) {
        problems.add(where + ": format jdbc needs exactly one of options.dbtable and options.query");
      }
    } else if (path == null) {
      problems.add(where + ".path is required for format " + format);
    }
    return new Settings.RawInput(name, path, format, options, table);
  }

  private static String format(Config c, String where, Problems problems) {
    return problems.read(where + ".format", () -> c.getString("format").toLowerCase(Locale.ROOT));
  }

  /** Reader options as given; the values of secret-named options and of values from the environment are secrets. */
  private static Map<String, String> options(Config c, List<String> secrets) {
    Map<String, String> options = new LinkedHashMap<>();
    if (c.hasPath("options")) {
      for (Map.Entry<String, ConfigValue> e : c.getObject("options").entrySet()) {
        String value = String.valueOf(e.getValue().unwrapped());
        options.put(e.getKey(), value);
        if (secret(e.getKey(), e.getValue())) {
          secrets.add(value);
        }
      }
    }
    return Collections.unmodifiableMap(options);
  }

  private static boolean secret(String key, ConfigValue value) {
    return Secrets.SECRET_KEY.matcher(key).matches() || value.origin().description().contains("env variables");
  }

  /** The configuration with secret option values masked, for the digest. */
  static Config redacted(Config sg) {
    Config out = sg;
    for (String tree : List.of("inputs", "raw")) {
      if (!sg.hasPath(tree)) {
        continue;
      }
      for (String name : sg.getObject(tree).keySet()) {
        String base = tree + ".\"" + name + "\".options";
        if (!sg.hasPath(base) || sg.getValue(base).valueType() != ConfigValueType.OBJECT) {
          continue;
        }
        for (Map.Entry<String, ConfigValue> e : sg.getObject(base).entrySet()) {
          if (secret(e.getKey(), e.getValue())) {
            out = out.withValue(base + ".\"" + e.getKey() + "\"", ConfigValueFactory.fromAnyRef(Secrets.MASK));
          }
        }
      }
    }
    return out;
  }

  /** A datetime pattern, checked as far as Java's formatter checks it (Spark's patterns are its letters). */
  private static String pattern(Config c, String key, String where, Problems problems) {
    String p = optionalString(c, key);
    if (p != null) {
      try {
        java.time.format.DateTimeFormatter.ofPattern(p);
      } catch (IllegalArgumentException e) {
        problems.add(where + "." + key + ": not a datetime pattern: " + e.getMessage());
      }
    }
    return p;
  }

  /** A text setting that may be absent, null or blank: all three are no value. */
  static String optionalString(Config c, String key) {
    if (!c.hasPath(key)) {
      return null;
    }
    String s = c.getString(key).trim();
    return s.isEmpty() ? null : s;
  }
}
