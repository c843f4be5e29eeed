package io.servicegap.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigSyntax;
import com.typesafe.config.ConfigValueFactory;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Resolves configuration in one place. Precedence, highest first: {@code --set key=value}, then
 * environment overrides (Typesafe's {@code CONFIG_FORCE_} variables), then the environment file
 * given with {@code --conf}, then the jar's {@code reference.conf}, which holds every default.
 * Checked in this order, every problem collected and reported together before Spark starts: the
 * shape against the reference ({@link ConfigShape}), the scalars' ranges ({@link SettingRules}),
 * then one reader per section.
 */
public final class SettingsLoader {
  private static final Config REFERENCE = ConfigFactory.defaultReference(SettingsLoader.class.getClassLoader());

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
          .withFallback(REFERENCE)
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
    Problems problems = new Problems();
    ConfigShape.check(config, REFERENCE, problems);
    Config sg = config.getConfig("servicegap");
    SettingRules.check(sg, problems);
    List<String> secrets = new ArrayList<>();
    Map<String, Settings.RawInput> raw = SourceSections.raw(sg, secrets, problems);
    Map<String, Settings.SourceSettings> inputs = SourceSections.inputs(sg, secrets, problems);
    String outputPath = SourceSections.optionalString(sg, "output.path");
    if (outputPath == null) {
      problems.add("servicegap.output.path is required");
    }
    String master = problems.read("servicegap.spark.master", () -> sg.getString("spark.master"));
    ZoneId zone = ServiceSections.zone(sg, "timezone", "servicegap.timezone", problems);
    List<Grain> grains = RunSections.grains(sg, problems);
    List<String> tiers = RunSections.tiers(sg, problems);
    Map<String, Settings.Dimension> dimensions = ServiceSections.dimensions(sg, problems);
    Map<String, Settings.Standard> standards = ServiceSections.standards(sg, tiers, problems);
    Settings.BusinessHours hours = ServiceSections.businessHours(sg, problems);
    Set<String> families = RunSections.families(sg, known, problems);
    Settings.FindingRules findings = RunSections.findings(sg, grains, problems);
    problems.throwIfAny();
    return new Settings(
        raw, inputs, outputPath, master, RunSections.sparkConf(sg), zone, grains, tiers, dimensions,
        sg.getDouble("standards.delivery.tolerance-hours"), standards, hours,
        sg.getDouble("quality.max-reject-ratio"), sg.getDouble("stats.confidence"), sg.getLong("stats.min-sample"),
        sg.getLong("stats.cluster-accounts"), sg.getLong("stats.design-effect-accounts"), sg.getDouble("stats.percentile-resolution"),
        sg.getInt("run.lookback-days"), sg.getLong("run.lock-stale-hours"), sg.getBytes("run.input-bytes-per-shuffle-partition"),
        sg.getBytes("run.compile-plans-from"),
        families, accountRisk(sg.getConfig("accounts")), retention(sg.getConfig("retention")), findings,
        digest(SourceSections.redacted(sg)), new Secrets(secrets));
  }

  private static Settings.AccountRisk accountRisk(Config a) {
    return new Settings.AccountRisk(
        a.getDouble("best-share"), a.getInt("at-risk.days-since-order"), a.getDouble("at-risk.min-otif-rate"),
        a.getInt("at-risk.min-orders"), a.getInt("at-risk.open-complaints"), a.getDouble("at-risk.min-gap"),
        a.getInt("at-risk.min-answers"));
  }

  private static Settings.Retention retention(Config r) {
    return new Settings.Retention(r.getInt("churn-after-days"), r.getDouble("exceeded-above"), r.getDouble("failed-below"));
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
