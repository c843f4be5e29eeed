package io.servicegap.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigSyntax;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import com.typesafe.config.ConfigValueType;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Resolves configuration in one place. Precedence, highest first: {@code --set key=value}, then
 * environment overrides (Typesafe's {@code CONFIG_FORCE_} variables), then the environment file
 * given with {@code --conf}, then the jar's {@code reference.conf}. Every problem is collected and
 * reported together before Spark starts.
 */
public final class SettingsLoader {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(SettingsLoader.class);
  public static final List<String> SOURCES =
      List.of(
          "accounts",
          "transactions",
          "complaints",
          "surveys",
          "management_estimates",
          "price_changes");
  /** The servicegap.metrics.families value naming every family. */
  public static final String ALL_FAMILIES = "all";
  /** Standards the job knows how to measure; configuring one is choosing its target and clock. */
  public static final List<String> STANDARDS = List.of("order-processing", "first-response", "resolution", "queue-wait", "case-promise");
  /** The standard whose target is each case's own promise (complaints.due_ts), not a setting. */
  public static final String CASE_PROMISE = "case-promise";
  private static final List<String> WEEKDAYS = List.of("mon", "tue", "wed", "thu", "fri", "sat", "sun");
  public static final List<String> ELEMENTS = List.of("promise", "recovery", "personnel", "value");
  private static final Set<String> FORMATS = Set.of("csv", "json", "parquet");
  private static final List<String> RAW_FORMATS = List.of("csv", "json", "parquet", "jdbc", "table");
  private static final List<String> RAW_KEYS = List.of("path", "format", "options", "table");
  /** Sub-trees whose keys are free-form and passed through. */
  private static final List<String> OPEN_TREES =
      List.of("servicegap.spark.conf", "servicegap.dimension-settings", "servicegap.business-hours.week");

  private SettingsLoader() {}

  /**
   * Loads with the real process environment.
   *
   * @param families the names servicegap.metrics.families accepts (the registry's)
   */
  public static Settings load(File confFile, List<String> sets, List<String> families) {
    return load(confFile, ConfigFactory.systemEnvironmentOverrides(), sets, families);
  }

  public static Settings load(File confFile, Config environment, List<String> sets, List<String> families) {
    Config merged = merge(confFile, environment, sets);
    return validate(merged, families);
  }

  static Config merge(File confFile, Config environment, List<String> sets) {
    List<String> problems = new ArrayList<>();
    Config overrides = ConfigFactory.empty();
    for (String set : sets) {
      int eq = set.indexOf('=');
      if (eq <= 0) {
        problems.add("--set expects key=value, got '" + set + "'");
        continue;
      }
      String key = set.substring(0, eq).trim();
      String value = set.substring(eq + 1).trim();
      try {
        overrides = setting(key, value).withFallback(overrides); // a later --set wins
      } catch (ConfigException e) {
        problems.add("--set " + set + ": " + e.getMessage());
      }
    }
    Config file = ConfigFactory.empty();
    if (confFile != null) {
      if (!confFile.isFile()) {
        problems.add("configuration file not found: " + confFile);
      } else {
        try {
          file =
              ConfigFactory.parseFile(
                  confFile, ConfigParseOptions.defaults().setSyntax(ConfigSyntax.CONF).setAllowMissing(false));
        } catch (ConfigException e) {
          problems.add("cannot parse " + confFile + ": " + e.getMessage());
        }
      }
    }
    if (!problems.isEmpty()) {
      throw new ConfigurationException(problems);
    }
    try {
      return overrides
          .withFallback(environment)
          .withFallback(file)
          .withFallback(ConfigFactory.defaultReference(SettingsLoader.class.getClassLoader()))
          .resolve();
    } catch (ConfigException e) {
      throw new ConfigurationException(e.getMessage());
    }
  }

  /**
   * Lists, objects and quoted strings are parsed as HOCON; anything else is taken literally (URIs
   * contain //).
   */
  private static Config setting(String key, String value) {
    boolean quoted = value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"");
    if (value.startsWith("[") || value.startsWith("{") || quoted) {
      return ConfigFactory.parseString("\"_\" = " + value).getValue("\"_\"").atPath(key);
    }
    return ConfigValueFactory.fromAnyRef(value).atPath(key);
  }

  static Settings validate(Config config, List<String> known) {
    List<String> problems = new ArrayList<>();
    checkUnknownKeys(config, problems);
    Config sg = config.getConfig("servicegap");

    List<String> secrets = new ArrayList<>();
    Map<String, Settings.RawInput> raw = rawInputs(sg, secrets, problems);
    Map<String, Settings.SourceSettings> inputs = new LinkedHashMap<>();
    for (String source : SOURCES) {
      inputs.put(source, source(sg, source, secrets, problems));
    }

    String outputPath = optionalString(sg, "output.path");
    if (outputPath == null) {
      problems.add("servicegap.output.path is required");
    }

    String master = get(problems, "servicegap.spark.master", () -> sg.getString("spark.master"), "local[*]");
    Map<String, String> sparkConf = new LinkedHashMap<>();
    for (Map.Entry<String, ConfigValue> e : sg.getConfig("spark.conf").entrySet()) {
      sparkConf.put(unquote(e.getKey()), String.valueOf(e.getValue().unwrapped()));
    }

    ZoneId zone = zone(sg, "timezone", problems);

    List<Grain> grains = new ArrayList<>();
    for (String g : get(problems, "servicegap.grains", () -> sg.getStringList("grains"), List.<String>of())) {
      try {
        grains.add(Grain.parse(g));
      } catch (IllegalArgumentException e) {
        problems.add("servicegap.grains: unknown grain '" + g + "' (allowed: day, week, month)");
      }
    }
    if (grains.isEmpty()) {
      problems.add("servicegap.grains must name at least one of day, week, month");
    }

    List<String> tiers = get(problems, "servicegap.price-tiers", () -> sg.getStringList("price-tiers"), List.of());
    if (tiers.isEmpty()) {
      problems.add("servicegap.price-tiers must list at least one tier");
    }
    if (tiers.stream().anyMatch(t -> t.equals("ALL") || t.equals("*"))) {
      problems.add("servicegap.price-tiers: 'ALL' and '*' are reserved and cannot be tiers");
    }

    Map<String, Settings.Dimension> dimensions = dimensions(sg, problems);

    double tolerance = get(problems, "servicegap.standards.delivery.tolerance-hours", () -> sg.getDouble("standards.delivery.tolerance-hours"), 0.0);
    if (tolerance < 0) {
      problems.add("servicegap.standards.delivery.tolerance-hours must be >= 0");
    }
    Map<String, Settings.Standard> standards = standards(sg, tiers, problems);
    Settings.BusinessHours hours = businessHours(sg, problems);
    double maxReject = get(problems, "servicegap.quality.max-reject-ratio", () -> sg.getDouble("quality.max-reject-ratio"), 0.05);
    if (maxReject < 0 || maxReject > 1) {
      problems.add("servicegap.quality.max-reject-ratio must be within [0, 1]");
    }
    double confidence = get(problems, "servicegap.stats.confidence", () -> sg.getDouble("stats.confidence"), 0.95);
    if (!(confidence > 0 && confidence < 1)) {
      problems.add("servicegap.stats.confidence must be strictly between 0 and 1");
    }
    long minSample = get(problems, "servicegap.stats.min-sample", () -> sg.getLong("stats.min-sample"), 30L);
    if (minSample < 0) {
      problems.add("servicegap.stats.min-sample must be >= 0");
    }
    long clusterAccounts = get(problems, "servicegap.stats.cluster-accounts", () -> sg.getLong("stats.cluster-accounts"), 10_000L);
    if (clusterAccounts < 100) {
      problems.add("servicegap.stats.cluster-accounts must be >= 100");
    }
    long effectAccounts = get(problems, "servicegap.stats.design-effect-accounts", () -> sg.getLong("stats.design-effect-accounts"), 2_500L);
    if (effectAccounts < 100 || effectAccounts > clusterAccounts) {
      problems.add("servicegap.stats.design-effect-accounts must be >= 100 and at most servicegap.stats.cluster-accounts");
    }
    double resolution = get(problems, "servicegap.stats.percentile-resolution", () -> sg.getDouble("stats.percentile-resolution"), 0.02);
    if (!(resolution > 0 && resolution <= 1)) {
      problems.add("servicegap.stats.percentile-resolution must be within (0, 1]");
    }
    int lookback = get(problems, "servicegap.run.lookback-days", () -> sg.getInt("run.lookback-days"), 35);
    if (lookback < 0) {
      problems.add("servicegap.run.lookback-days must be >= 0");
    }
    long lockStale = get(problems, "servicegap.run.lock-stale-hours", () -> sg.getLong("run.lock-stale-hours"), 12L);
    long bytesPerPartition = get(problems, "servicegap.run.input-bytes-per-shuffle-partition", () -> sg.getBytes("run.input-bytes-per-shuffle-partition"), 0L);
    if (bytesPerPartition < 0) {
      problems.add("servicegap.run.input-bytes-per-shuffle-partition must be >= 0");
    }
    if (lockStale < 1) {
      problems.add("servicegap.run.lock-stale-hours must be >= 1");
    }
    Set<String> families = new LinkedHashSet<>();
    for (String f : get(problems, "servicegap.metrics.families", () -> sg.getStringList("metrics.families"), List.<String>of())) {
      if (f.equals(ALL_FAMILIES)) {
        families.addAll(known);
      } else if (known.contains(f)) {
        families.add(f);
      } else {
        problems.add("servicegap.metrics.families: unknown family '" + f + "' (available: " + ALL_FAMILIES + ", " + String.join(", ", known) + ")");
      }
    }
    String r = "servicegap.accounts.";
    Settings.AccountRisk risk =
        new Settings.AccountRisk(
            get(problems, r + "best-share", () -> sg.getDouble("accounts.best-share"), 0.2),
            get(problems, r + "at-risk.days-since-order", () -> sg.getInt("accounts.at-risk.days-since-order"), 60),
            get(problems, r + "at-risk.min-otif-rate", () -> sg.getDouble("accounts.at-risk.min-otif-rate"), 0.8),
            get(problems, r + "at-risk.min-orders", () -> sg.getInt("accounts.at-risk.min-orders"), 3),
            get(problems, r + "at-risk.open-complaints", () -> sg.getInt("accounts.at-risk.open-complaints"), 1),
            get(problems, r + "at-risk.min-gap", () -> sg.getDouble("accounts.at-risk.min-gap"), -0.5),
            get(problems, r + "at-risk.min-answers", () -> sg.getInt("accounts.at-risk.min-answers"), 3));
    if (!(risk.bestShare() > 0 && risk.bestShare() <= 1)) {
      problems.add(r + "best-share must be within (0, 1]");
    }
    Settings.Retention retention =
        new Settings.Retention(
            get(problems, "servicegap.retention.churn-after-days", () -> sg.getInt("retention.churn-after-days"), 90),
            get(problems, "servicegap.retention.exceeded-above", () -> sg.getDouble("retention.exceeded-above"), 0.5),
            get(problems, "servicegap.retention.failed-below", () -> sg.getDouble("retention.failed-below"), -0.5));
    if (retention.churnAfterDays() < 1) {
      problems.add("servicegap.retention.churn-after-days must be >= 1");
    }
    if (retention.failedBelow() > retention.exceededAbove()) {
      problems.add("servicegap.retention.failed-below must not exceed servicegap.retention.exceeded-above");
    }
    if (families.isEmpty()) {
      problems.add("servicegap.metrics.families must name at least one family");
    }
    Settings.FindingRules findings = findingRules(sg, problems);
    if (!grains.isEmpty() && !grains.contains(findings.grain())) {
      problems.add("servicegap.findings.grain " + findings.grain().label() + " is not among servicegap.grains");
    }

    if (!problems.isEmpty()) {
      throw new ConfigurationException(problems);
    }
    Secrets redaction = new Secrets(secrets);
    return new Settings(
        java.util.Collections.unmodifiableMap(raw),
        Map.copyOf(inputs),
        outputPath,
        master,
        Map.copyOf(sparkConf),
        zone,
        List.copyOf(grains),
        List.copyOf(tiers),
        dimensions,
        tolerance,
        standards,
        hours,
        maxReject,
        confidence,
        minSample,
        clusterAccounts,
        effectAccounts,
        resolution,
        lookback,
        lockStale,
        bytesPerPartition,
        Set.copyOf(families),
        risk,
        retention,
        findings,
        digest(redacted(sg)),
        redaction);
  }

  private static Settings.FindingRules findingRules(Config sg, List<String> problems) {
    String f = "servicegap.findings.";
    Grain grain = Grain.MONTH;
    try {
      grain = Grain.parse(get(problems, f + "grain", () -> sg.getString("findings.grain"), "month"));
    } catch (IllegalArgumentException e) {
      problems.add(f + "grain must be one of day, week, month");
    }
    int periods = get(problems, f + "periods", () -> sg.getInt("findings.periods"), 3);
    long minSample = get(problems, f + "min-sample", () -> sg.getLong("findings.min-sample"), 30L);
    int max = get(problems, f + "max", () -> sg.getInt("findings.max"), 50);
    double fdr = get(problems, f + "fdr", () -> sg.getDouble("findings.fdr"), 0.05);
    if (!(fdr > 0 && fdr < 1)) {
      problems.add(f + "fdr must be strictly between 0 and 1");
    }
    if (periods < 1) {
      problems.add(f + "periods must be >= 1");
    }
    if (minSample < 1) {
      problems.add(f + "min-sample must be >= 1");
    }
    if (max < 1) {
      problems.add(f + "max must be >= 1");
    }
    Map<String, Double> targets = new java.util.TreeMap<>();
    for (Map.Entry<String, ConfigValue> e : sg.getConfig("findings.targets").root().entrySet()) {
      if (e.getValue().unwrapped() instanceof Number n) {
        targets.put(e.getKey(), n.doubleValue());
      } else if (e.getValue().unwrapped() != null) {
        problems.add(f + "targets." + e.getKey() + " must be a number");
      }
    }
    return new Settings.FindingRules(grain, periods, minSample, max, fdr, java.util.Collections.unmodifiableMap(targets));
  }

  private static Settings.SourceSettings source(Config sg, String source, List<String> secrets, List<String> problems) {
    String base = "inputs." + source;
    String where = "servicegap." + base;
    String path = optionalString(sg, base + ".path");
    String sql = optionalString(sg, base + ".sql");
    String format = get(problems, where + ".format", () -> sg.getString(base + ".format"), "csv").toLowerCase(Locale.ROOT);
    boolean required = get(problems, where + ".required", () -> sg.getBoolean(base + ".required"), true);
    if (!FORMATS.contains(format)) {
      problems.add(where + ".format must be one of csv, json, parquet, got '" + format + "'");
    }
    if (path != null && sql != null) {
      problems.add(where + " has both path and sql: a source is a file source or a query over servicegap.raw, not both");
    }
    if (required && path == null && sql == null) {
      problems.add(where + ".path is required, or .sql (the " + source + " source; required = false declares it absent)");
    }
    Map<String, String> columns = new LinkedHashMap<>();
    if (sg.hasPath(base + ".columns")) {
      for (Map.Entry<String, ConfigValue> e : sg.getConfig(base + ".columns").root().entrySet()) {
        Object v = e.getValue().unwrapped();
        if (v instanceof String || v instanceof Number || v instanceof Boolean) {
          columns.put(e.getKey(), String.valueOf(v));
        } else {
          problems.add(where + ".columns." + e.getKey() + " must be a Spark SQL expression (a string)");
        }
      }
    }
    Map<String, Map<String, String>> values = new LinkedHashMap<>();
    if (sg.hasPath(base + ".values")) {
      for (Map.Entry<String, ConfigValue> e : sg.getConfig(base + ".values").root().entrySet()) {
        if (e.getValue().valueType() != ConfigValueType.OBJECT) {
          problems.add(where + ".values." + e.getKey() + " must be an object { export value = contract value }");
          continue;
        }
        Map<String, String> replace = new LinkedHashMap<>();
        ((com.typesafe.config.ConfigObject) e.getValue()).forEach((from, to) -> replace.put(from, String.valueOf(to.unwrapped())));
        values.put(e.getKey(), Map.copyOf(replace));
      }
    }
    String filter = optionalString(sg, base + ".where");
    String timestampFormat = pattern(sg, base + ".timestamp-format", problems);
    String dateFormat = pattern(sg, base + ".date-format", problems);
    java.time.ZoneId zone = optionalString(sg, base + ".timezone") == null ? null : zone(sg, base + ".timezone", problems);
    return new Settings.SourceSettings(
        source, path, format, options(sg, base, where, secrets), required, sql, java.util.Collections.unmodifiableMap(columns),
        java.util.Collections.unmodifiableMap(values), filter, timestampFormat, dateFormat, zone);
  }

  private static Map<String, Settings.RawInput> rawInputs(Config sg, List<String> secrets, List<String> problems) {
    Map<String, Settings.RawInput> raw = new java.util.TreeMap<>();
    if (!sg.hasPath("raw")) {
      return raw;
    }
    for (String name : sg.getConfig("raw").root().keySet()) {
      String base = "raw.\"" + name + "\"";
      String where = "servicegap.raw." + name;
      if (!name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
        problems.add(where + ": a raw input's name is the view its queries read, so letters, digits and _ only");
        continue;
      }
      if (sg.getValue(base).valueType() != ConfigValueType.OBJECT) {
        problems.add(where + " must be an object { path, format, options } or { format = table, table }");
        continue;
      }
      for (String key : sg.getConfig(base).root().keySet()) {
        if (!RAW_KEYS.contains(key)) {
          problems.add("unknown setting " + where + "." + key + " (a raw input has " + String.join(", ", RAW_KEYS) + ")");
        }
      }
      String path = optionalString(sg, base + ".path");
      String table = optionalString(sg, base + ".table");
      String format = sg.hasPath(base + ".format") ? get(problems, where + ".format", () -> sg.getString(base + ".format"), "csv").toLowerCase(Locale.ROOT) : "csv";
      Map<String, String> options = options(sg, base, where, secrets);
      if (!RAW_FORMATS.contains(format)) {
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
      raw.put(name, new Settings.RawInput(name, path, format, options, table));
    }
    return raw;
  }

  /** Reader options as given; the values of secret-named options and of values from the environment are secrets. */
  private static Map<String, String> options(Config sg, String base, String where, List<String> secrets) {
    Map<String, String> options = new LinkedHashMap<>();
    if (sg.hasPath(base + ".options")) {
      for (Map.Entry<String, ConfigValue> e : sg.getConfig(base + ".options").root().entrySet()) {
        String value = String.valueOf(e.getValue().unwrapped());
        options.put(e.getKey(), value);
        if (secret(e.getKey(), e.getValue())) {
          secrets.add(value);
        }
      }
    }
    return java.util.Collections.unmodifiableMap(options);
  }

  private static boolean secret(String key, ConfigValue value) {
    return Secrets.SECRET_KEY.matcher(key).matches() || value.origin().description().contains("env variables");
  }

  /** The configuration with secret option values masked, for the digest. */
  private static Config redacted(Config sg) {
    Config out = sg;
    for (String tree : List.of("inputs", "raw")) {
      if (!sg.hasPath(tree)) {
        continue;
      }
      for (String name : sg.getConfig(tree).root().keySet()) {
        String base = tree + ".\"" + name + "\".options";
        if (!sg.hasPath(base) || sg.getValue(base).valueType() != ConfigValueType.OBJECT) {
          continue;
        }
        for (Map.Entry<String, ConfigValue> e : sg.getConfig(base).root().entrySet()) {
          if (secret(e.getKey(), e.getValue())) {
            out = out.withValue(base + ".\"" + e.getKey() + "\"", ConfigValueFactory.fromAnyRef(Secrets.MASK));
          }
        }
      }
    }
    return out;
  }

  /** A datetime pattern, checked as far as Java's formatter checks it (Spark's patterns are its letters). */
  private static String pattern(Config sg, String path, List<String> problems) {
    String p = optionalString(sg, path);
    if (p != null) {
      try {
        java.time.format.DateTimeFormatter.ofPattern(p);
      } catch (IllegalArgumentException e) {
        problems.add("servicegap." + path + ": not a datetime pattern: " + e.getMessage());
      }
    }
    return p;
  }

  private static Map<String, Settings.Dimension> dimensions(Config sg, List<String> problems) {
    Map<String, Settings.Dimension> dims = new LinkedHashMap<>();
    List<String> names = get(problems, "servicegap.dimensions", () -> sg.getStringList("dimensions"), List.<String>of());
    for (String name : names) {
      String where = "servicegap.dimension-settings." + name;
      String key = "dimension-settings.\"" + name + "\"";
      if (!sg.hasPath(key) || sg.getValue(key).valueType() != ConfigValueType.OBJECT) {
        problems.add(where + " must be an object { min, max, element, weight } for listed dimension '" + name + "'");
        continue;
      }
      Config d = sg.getConfig(key);
      double min = get(problems, where + ".min", () -> d.getDouble("min"), 0.0);
      double max = get(problems, where + ".max", () -> d.getDouble("max"), 0.0);
      String element = get(problems, where + ".element", () -> d.getString("element"), "");
      double weight = d.hasPath("weight") ? get(problems, where + ".weight", () -> d.getDouble("weight"), 1.0) : 1.0;
      if (!(min < max)) {
        problems.add(where + ": min must be below max");
      }
      if (!ELEMENTS.contains(element)) {
        problems.add(where + ".element must be one of " + String.join(", ", ELEMENTS) + ", got '" + element + "'");
      }
      if (!(weight >= 0)) {
        problems.add(where + ".weight must be >= 0");
      }
      if (name.equals("ALL") || name.equals("*")) {
        problems.add("servicegap.dimensions: '" + name + "' is reserved and cannot name a dimension");
      }
      dims.put(name, new Settings.Dimension(name, min, max, element, weight));
    }
    if (dims.isEmpty() && names.isEmpty()) {
      problems.add("servicegap.dimensions must list at least one dimension");
    }
    return java.util.Collections.unmodifiableMap(dims);
  }

  private static Map<String, Settings.Standard> standards(Config sg, List<String> tiers, List<String> problems) {
    Map<String, Settings.Standard> out = new LinkedHashMap<>();
    List<String> unused = new ArrayList<>();
    Config section = sg.getConfig("standards");
    for (String name : section.root().keySet()) {
      if (name.equals("delivery") || section.getIsNull(name)) {
        continue; // a standard set to null is not measured (an export with no such times)
      }
      String where = "servicegap.standards." + name;
      if (!STANDARDS.contains(name)) {
        problems.add(where + ": no measure for a standard of that name (known: " + String.join(", ", STANDARDS) + ")");
        continue;
      }
      Config c = section.getConfig(name);
      boolean ownTarget = name.equals(CASE_PROMISE);
      if (ownTarget && (c.hasPath("target") || c.hasPath("tier-targets"))) {
        problems.add(where + ": its target is each case's own due_ts, so it takes no target or tier-targets");
      }
      double target = ownTarget ? 0.0 : get(problems, where + ".target", () -> c.getDouble("target"), 0.0);
      if (!ownTarget && !(target > 0)) {
        problems.add(where + ".target must be > 0");
      }
      Map<String, Double> tierTargets = new LinkedHashMap<>();
      if (!ownTarget && c.hasPath("tier-targets")) {
        for (String tier : c.getConfig("tier-targets").root().keySet()) {
          double t = get(problems, where + ".tier-targets." + tier, () -> c.getDouble("tier-targets.\"" + tier + "\""), 0.0);
          if (!tiers.contains(tier)) {
            unused.add(name + "." + tier);
            continue;
          } else if (!(t > 0)) {
            problems.add(where + ".tier-targets." + tier + " must be > 0");
          }
          tierTargets.put(tier, t);
        }
      }
      String clock = get(problems, where + ".clock", () -> c.getString("clock"), "calendar");
      if (!clock.equals("calendar") && !clock.equals("business")) {
        problems.add(where + ".clock must be calendar or business, got '" + clock + "'");
      }
      if (ownTarget && clock.equals("business")) {
        problems.add(where + ".clock: a case's due_ts is an instant, so case-promise is measured on the calendar clock");
      }
      if (name.equals("queue-wait") && clock.equals("business")) {
        problems.add(where + ".clock: queue-wait is a duration in seconds, not a span of time; use calendar");
      }
      List<String> categories = c.hasPath("categories") ? get(problems, where + ".categories", () -> c.getStringList("categories"), List.<String>of()) : List.of();
      out.put(name, new Settings.Standard(name, target, Map.copyOf(tierTargets), clock.equals("business"), List.copyOf(categories)));
    }
    if (!unused.isEmpty()) {
      // A run narrowed to fewer tiers keeps the defaults' targets for the others: they are not errors.
      LOG.warn("servicegap.standards: tier-targets of tiers not in servicegap.price-tiers {} are ignored: {}", tiers, String.join(", ", unused));
    }
    return java.util.Collections.unmodifiableMap(out);
  }

  private static Settings.BusinessHours businessHours(Config sg, List<String> problems) {
    ZoneId zone = zone(sg, "business-hours.timezone", problems);
    Map<Integer, java.time.LocalTime[]> week = new java.util.TreeMap<>();
    Config days = sg.getConfig("business-hours.week");
    for (String day : days.root().keySet()) {
      String where = "servicegap.business-hours.week." + day;
      int index = WEEKDAYS.indexOf(day) + 1;
      String span = get(problems, where, () -> days.getString(day), "");
      java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d{2}:\\d{2})-(\\d{2}:\\d{2})").matcher(span);
      if (index == 0) {
        problems.add(where + ": not a weekday (mon … sun)");
      } else if (!m.matches()) {
        problems.add(where + " must be \"HH:mm-HH:mm\", got '" + span + "'");
      } else {
        try {
          java.time.LocalTime open = java.time.LocalTime.parse(m.group(1));
          java.time.LocalTime close = java.time.LocalTime.parse(m.group(2));
          if (!open.isBefore(close)) {
            problems.add(where + ": opening must be before closing");
          }
          week.put(index, new java.time.LocalTime[] {open, close});
        } catch (java.time.format.DateTimeParseException e) {
          problems.add(where + ": " + e.getMessage());
        }
      }
    }
    if (week.isEmpty()) {
      problems.add("servicegap.business-hours.week must open on at least one day");
    }
    List<java.time.LocalDate> holidays = new ArrayList<>();
    for (String d : get(problems, "servicegap.business-hours.holidays", () -> sg.getStringList("business-hours.holidays"), List.<String>of())) {
      try {
        holidays.add(java.time.LocalDate.parse(d));
      } catch (java.time.format.DateTimeParseException e) {
        problems.add("servicegap.business-hours.holidays: '" + d + "' is not a date (YYYY-MM-DD)");
      }
    }
    return new Settings.BusinessHours(zone, java.util.Collections.unmodifiableMap(week), List.copyOf(holidays));
  }

  /** Flags keys the reference does not know, so a typo never silently falls back to a default. */
  private static void checkUnknownKeys(Config config, List<String> problems) {
    Config reference = ConfigFactory.defaultReference(SettingsLoader.class.getClassLoader());
    for (Map.Entry<String, ConfigValue> e : config.getConfig("servicegap").entrySet()) {
      String path = "servicegap." + e.getKey();
      boolean open =
          OPEN_TREES.stream().anyMatch(t -> path.startsWith(t + "."))
              || path.startsWith("servicegap.raw.")
              || path.startsWith("servicegap.findings.targets.")
              || path.matches("servicegap\\.inputs\\.[a-z_]+\\.(options|columns|values)\\..*")
              || path.matches("servicegap\\.standards\\.[a-z-]+\\.tier-targets\\..*");
      if (!open && !reference.hasPathOrNull(path)) {
        problems.add("unknown setting " + path + " (misspelled? see reference.conf)");
      }
    }
  }

  private static ZoneId zone(Config sg, String path, List<String> problems) {
    String name = get(problems, "servicegap." + path, () -> sg.getString(path), "UTC");
    try {
      return ZoneId.of(name);
    } catch (DateTimeException e) {
      problems.add("servicegap." + path + ": unknown time zone '" + name + "'");
      return ZoneId.of("UTC");
    }
  }

  private static String optionalString(Config c, String path) {
    if (!c.hasPath(path)) {
      return null;
    }
    String s = c.getString(path).trim();
    return s.isEmpty() ? null : s;
  }

  private static String unquote(String key) {
    return key.startsWith("\"") && key.endsWith("\"") ? key.substring(1, key.length() - 1) : key;
  }

  private static <T> T get(List<String> problems, String path, Supplier<T> read, T fallback) {
    try {
      return read.get();
    } catch (ConfigException e) {
      problems.add(path + ": " + e.getMessage().replaceFirst("^.*?: ", ""));
      return fallback;
    }
  }

  private static String digest(Config sg) {
    String rendered = sg.root().render(ConfigRenderOptions.concise().setFormatted(false));
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256").digest(rendered.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(hash).substring(0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
