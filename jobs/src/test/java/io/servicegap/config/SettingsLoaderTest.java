package io.servicegap.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SettingsLoaderTest {
  private static final List<String> FAMILIES = io.servicegap.metrics.Families.names();
  @TempDir Path dir;

  private File conf(String text) throws IOException {
    Path f = dir.resolve("env.conf");
    Files.writeString(f, text);
    return f.toFile();
  }

  private static final String INPUTS =
      "servicegap.inputs { accounts.path = a, transactions.path = t, complaints.path = c, surveys.path = s }\n"
          + "servicegap.output.path = out\n";

  @Test
  void referenceDefaultsApplyWhenNothingOverrides() throws IOException {
    Settings s = SettingsLoader.load(conf(INPUTS), ConfigFactory.empty(), List.of(), FAMILIES);
    assertEquals(0.05, s.maxRejectRatio());
    assertEquals(List.of(Grain.DAY, Grain.WEEK, Grain.MONTH), s.grains());
    assertEquals(List.of("budget", "standard", "premium"), s.priceTiers());
    assertEquals("promise", s.dimensions().get("reliability").element());
    assertEquals(6, s.dimensions().size());
    assertEquals(35, s.lookbackDays());
  }

  @Test
  void eachLayerOverridesTheOneBelow() throws IOException {
    File file = conf(INPUTS + "servicegap.stats.min-sample = 10\nservicegap.stats.confidence = 0.9\nservicegap.timezone = \"Europe/Berlin\"\n");
    var env = ConfigFactory.parseString("servicegap.stats.min-sample = 20\nservicegap.stats.confidence = 0.8");
    Settings s = SettingsLoader.load(file, env, List.of("servicegap.stats.min-sample=40"), FAMILIES);
    assertEquals(40, s.minSample(), "--set beats the environment");
    Settings twice = SettingsLoader.load(file, env, List.of("servicegap.stats.min-sample=40", "servicegap.stats.min-sample=50"), FAMILIES);
    assertEquals(50, twice.minSample(), "the later --set wins");
    assertEquals(0.8, s.confidence(), "the environment beats the file");
    assertEquals("Europe/Berlin", s.timezone().getId(), "the file beats reference.conf");
  }

  @Test
  void setTakesUrisListsAndObjectsLiterally() throws IOException {
    Settings s =
        SettingsLoader.load(
            conf(INPUTS),
            ConfigFactory.empty(),
            List.of("servicegap.output.path=s3a://bucket/gaps//x", "servicegap.grains=[month]", "servicegap.dimensions=[value]"),
            FAMILIES);
    assertEquals("s3a://bucket/gaps//x", s.outputPath());
    assertEquals(List.of(Grain.MONTH), s.grains());
    assertEquals(List.of("value"), List.copyOf(s.dimensions().keySet()), "a list replaces, never merges");
  }

  @Test
  void aQuotedSetValueIsAStringWithoutItsQuotes() throws IOException {
    Settings s =
        SettingsLoader.load(
            conf(INPUTS),
            ConfigFactory.empty(),
            List.of("servicegap.spark.conf.\"spark.eventLog.dir\"=\"file:/tmp/spark events\"", "servicegap.output.path=\"s3a://b/x\""),
            FAMILIES);
    assertEquals("file:/tmp/spark events", s.sparkConf().get("spark.eventLog.dir"));
    assertEquals("s3a://b/x", s.outputPath());
  }

  @Test
  void everyProblemIsReportedAtOnce() throws IOException {
    File file =
        conf(
            "servicegap.inputs.accounts.format = xml\n"
                + "servicegap.timezone = Mars/Olympus\n"
                + "servicegap.grains = [day, fortnight]\n"
                + "servicegap.stats.confidence = 1.5\n"
                + "servicegap.quality.max-reject-ratio = oops\n"
                + "servicegap.metrics.families = [gap9]\n"
                + "servicegap.dimensions = [reliability, courtesy]\n"
                + "servicegap.stats.min-sampel = 3\n"
                + "servicegap.stats.percentile-resolution = 0\n");
    ConfigurationException e = assertThrows(ConfigurationException.class, () -> SettingsLoader.load(file, ConfigFactory.empty(), List.of(), FAMILIES));
    String all = String.join("\n", e.problems());
    for (String expected :
        List.of(
            "inputs.accounts.format", "inputs.transactions.path is required", "output.path is required", "Mars/Olympus", "fortnight",
            "confidence", "percentile-resolution", "max-reject-ratio", "gap9", "dimension-settings.courtesy", "unknown setting servicegap.stats.min-sampel")) {
      assertTrue(all.contains(expected), () -> "missing '" + expected + "' in:\n" + all);
    }
  }

  @Test
  void aMissingConfFileIsAConfigurationError() {
    ConfigurationException e =
        assertThrows(ConfigurationException.class, () -> SettingsLoader.load(new File(dir.toFile(), "nope.conf"), ConfigFactory.empty(), List.of(), FAMILIES));
    assertTrue(e.getMessage().contains("nope.conf"));
  }

  @Test
  void narrowingTheTiersIgnoresTheOtherTiersTargets() throws IOException {
    // reference.conf sets premium targets for four standards; a run of the standard tier alone
    // needs no edit of them.
    Settings s = SettingsLoader.load(conf(INPUTS), ConfigFactory.empty(), List.of("servicegap.price-tiers=[standard]"), FAMILIES);
    assertEquals(List.of("standard"), s.priceTiers());
    assertEquals(java.util.Map.of(), s.standards().get("order-processing").tierTargets(), "premium's target is not kept");
    assertEquals(3.0, s.standards().get("order-processing").target());
    Settings own = SettingsLoader.load(conf(INPUTS), ConfigFactory.empty(),
        List.of("servicegap.price-tiers=[standard, gold]", "servicegap.standards.resolution.tier-targets.gold=12"), FAMILIES);
    assertEquals(java.util.Map.of("gold", 12.0), own.standards().get("resolution").tierTargets());
    ConfigurationException e = assertThrows(ConfigurationException.class, () -> SettingsLoader.load(conf(INPUTS), ConfigFactory.empty(),
        List.of("servicegap.standards.resolution.tier-targets.premium=0"), FAMILIES));
    assertTrue(e.getMessage().contains("tier-targets.premium must be > 0"), e.getMessage());
  }

  @Test
  void designEffectsReadAPartOfTheFindingsAccounts() throws IOException {
    Settings s = SettingsLoader.load(conf(INPUTS), ConfigFactory.empty(), List.of(), FAMILIES);
    assertEquals(10_000, s.clusterAccounts());
    assertEquals(2_500, s.designEffectAccounts());
    ConfigurationException e = assertThrows(ConfigurationException.class, () -> SettingsLoader.load(conf(INPUTS), ConfigFactory.empty(),
        List.of("servicegap.stats.cluster-accounts=1000", "servicegap.stats.design-effect-accounts=2000"), FAMILIES));
    assertTrue(e.getMessage().contains("design-effect-accounts must be >= 100 and at most servicegap.stats.cluster-accounts"), e.getMessage());
  }

  @Test
  void everyRangeRuleRejectsTheValueJustOutsideIt() throws IOException {
    for (SettingRules.Rule rule : SettingRules.RULES) {
      if (rule.min() == null && rule.max() == null) {
        continue;
      }
      // An open bound is itself outside; a closed one is passed by one unit.
      double outside = rule.min() != null ? (rule.minOpen() ? rule.min() : rule.min() - 1) : (rule.maxOpen() ? rule.max() : rule.max() + 1);
      String value = rule.kind() == SettingRules.Kind.NUMBER ? Double.toString(outside) : Long.toString((long) outside);
      ConfigurationException e = assertThrows(ConfigurationException.class,
          () -> SettingsLoader.load(conf(INPUTS), ConfigFactory.empty(), List.of("servicegap." + rule.key() + "=" + value), FAMILIES), rule.key());
      assertEquals(List.of("servicegap." + rule.key() + " " + rule.must()), e.problems(), rule.key());
    }
  }

  @Test
  void rangeMessagesSayTheRangeInWords() throws IOException {
    File file = conf(INPUTS + "servicegap.stats.confidence = 1\nservicegap.quality.max-reject-ratio = 1.5\n"
        + "servicegap.stats.percentile-resolution = 0\nservicegap.retention.failed-below = 0.6\nservicegap.run.lock-stale-hours = 0\n");
    ConfigurationException e = assertThrows(ConfigurationException.class, () -> SettingsLoader.load(file, ConfigFactory.empty(), List.of(), FAMILIES));
    assertEquals(
        List.of(
            "servicegap.quality.max-reject-ratio must be within [0, 1]",
            "servicegap.stats.confidence must be strictly between 0 and 1",
            "servicegap.stats.percentile-resolution must be within (0, 1]",
            "servicegap.run.lock-stale-hours must be >= 1",
            "servicegap.retention.failed-below must not exceed servicegap.retention.exceeded-above"),
        e.problems());
  }

  @Test
  void aWrongTypeIsReportedOnceWithWhereItWasSet() throws IOException {
    File file = conf(INPUTS + "servicegap.grains = day\nservicegap.stats.confidence = true\nservicegap.stats.min-sample = lots\n");
    ConfigurationException e = assertThrows(ConfigurationException.class, () -> SettingsLoader.load(file, ConfigFactory.empty(), List.of(), FAMILIES));
    String all = String.join("\n", e.problems());
    assertEquals(3, e.problems().size(), all);
    assertTrue(all.contains("servicegap.grains: Wrong value type at 'servicegap.grains', expecting: list but got: string ("), all);
    assertTrue(all.contains("env.conf: 3)"), all);
    assertTrue(all.contains("servicegap.stats.confidence: Wrong value type"), all);
    assertTrue(all.contains("servicegap.stats.min-sample: stats.min-sample has type STRING rather than NUMBER ("), all);
    assertTrue(all.contains("env.conf: 5)"), all);
  }

  @Test
  void aSectionOfTheWrongShapeIsReportedAlone() throws IOException {
    ConfigurationException notObject = assertThrows(ConfigurationException.class,
        () -> SettingsLoader.load(conf(INPUTS + "servicegap.stats = 5\nservicegap.timezone = Mars/Olympus\n"), ConfigFactory.empty(), List.of(), FAMILIES));
    assertEquals(1, notObject.problems().size(), notObject.getMessage());
    assertTrue(notObject.problems().get(0).startsWith("servicegap.stats: Wrong value type"), notObject.getMessage());
    ConfigurationException nulled = assertThrows(ConfigurationException.class,
        () -> SettingsLoader.load(conf(INPUTS + "servicegap.business-hours = null\n"), ConfigFactory.empty(), List.of(), FAMILIES));
    assertEquals(List.of("servicegap.business-hours is null, but must be an object (see reference.conf)"), nulled.problems());
  }

  @Test
  void entriesTakeWhatTheyLeaveOutFromTheReference() throws IOException {
    Settings s = SettingsLoader.load(conf(INPUTS + "servicegap.raw.orders.path = o.csv\n"
        + "servicegap.dimensions = [rating]\nservicegap.dimension-settings.rating { min = 1, max = 5, element = promise }\n"),
        ConfigFactory.empty(), List.of(), FAMILIES);
    assertEquals("csv", s.raw().get("orders").format());
    assertEquals(Map.of(), s.raw().get("orders").options());
    assertEquals(1.0, s.dimensions().get("rating").weight());
    Settings json = SettingsLoader.load(conf(INPUTS), ConfigFactory.empty(),
        List.of("servicegap.entry-defaults.raw.format=json", "servicegap.raw.orders.path=o.json"), FAMILIES);
    assertEquals("json", json.raw().get("orders").format());
  }

  @Test
  void configurationCodeStaysSmall() throws IOException {
    // Files of this package at most 400 lines, methods at most 60 (a method ends at its closing brace's indentation).
    Path pkg = Path.of("src/main/java/io/servicegap/config");
    try (var files = Files.list(pkg)) {
      for (Path f : files.toList()) {
        List<String> lines = Files.readAllLines(f);
        assertTrue(lines.size() <= 400, f + " has " + lines.size() + " lines");
        for (int i = 0; i < lines.size(); i++) {
          String line = lines.get(i);
          if (line.matches("  [A-Za-z<][^=;(]*\\(.*\\{\\s*") && !line.contains(" record ") && !line.contains(" class ")) {
            int end = i + 1;
            while (end < lines.size() && !lines.get(end).equals("  }")) {
              end++;
            }
            int length = end - i + 1;
            int start = i + 1;
            assertTrue(length <= 60, () -> f.getFileName() + ":" + start + " is a method of " + length + " lines");
          }
        }
      }
    }
  }
}
