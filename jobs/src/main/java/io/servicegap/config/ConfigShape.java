package io.servicegap.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The configuration's shape against {@code reference.conf}: Typesafe's {@code checkValid} for
 * missing settings and wrong types, and a check of keys the reference does not know, so a typo
 * never silently falls back to a default.
 */
final class ConfigShape {
  /** Settings whose keys are the user's own: Spark settings, dimensions, weekdays, raw inputs, reader options, mappings. */
  private static final List<Pattern> OPEN =
      List.of(
          Pattern.compile("servicegap\\.spark\\.conf\\..*"),
          Pattern.compile("servicegap\\.dimension-settings\\..*"),
          Pattern.compile("servicegap\\.business-hours\\.week\\..*"),
          Pattern.compile("servicegap\\.raw\\..*"),
          Pattern.compile("servicegap\\.findings\\.targets\\..*"),
          Pattern.compile("servicegap\\.inputs\\.[a-z_]+\\.(options|columns|values)\\..*"),
          Pattern.compile("servicegap\\.standards\\.[a-z-]+\\.tier-targets\\..*"));

  private ConfigShape() {}

  /** A section that is not an object cannot be read further: its shape is reported alone. */
  private static void stopAtBrokenSections(Config reference, Problems problems) {
    if (problems.reportedAny(p -> section(reference, p))) {
      problems.throwIfAny();
    }
  }

  private static boolean section(Config reference, String path) {
    try {
      return reference.hasPath(path) && reference.getValue(path).valueType() == ConfigValueType.OBJECT;
    } catch (ConfigException.BadPath e) {
      return false;
    }
  }

  /** Sections set to null, which checkValid lets pass; only a standard may be null (not measured). */
  private static void nullSections(Config config, ConfigObject reference, String path, Problems problems) {
    for (Map.Entry<String, ConfigValue> e : reference.entrySet()) {
      String child = path + "." + ConfigUtil.quoteString(e.getKey());
      String shown = path.replace("\"", "") + "." + e.getKey();
      if (e.getValue().valueType() != ConfigValueType.OBJECT || shown.startsWith("servicegap.standards.")) {
        continue;
      }
      if (config.getIsNull(child)) {
        problems.at(shown, " is null, but must be an object (see reference.conf)");
      } else {
        nullSections(config, (ConfigObject) e.getValue(), child, problems);
      }
    }
  }

  static void check(Config config, Config reference, Problems problems) {
    try {
      config.checkValid(reference, "servicegap");
    } catch (ConfigException.ValidationFailed e) {
      for (ConfigException.ValidationProblem p : e.problems()) {
        String where = p.origin() == null || p.origin().filename() == null ? "" : " (" + p.origin().description() + ")";
        problems.at(p.path(), ": " + p.problem() + where);
      }
    }
    stopAtBrokenSections(reference, problems);
    nullSections(config, reference.getObject("servicegap"), "servicegap", problems);
    stopAtBrokenSections(reference, problems);
    for (Map.Entry<String, ConfigValue> e : config.getConfig("servicegap").entrySet()) {
      String path = "servicegap." + e.getKey();
      if (OPEN.stream().noneMatch(p -> p.matcher(path).matches()) && !reference.hasPathOrNull(path)) {
        problems.add("unknown setting " + path + " (misspelled? see reference.conf)");
      }
    }
  }
}
