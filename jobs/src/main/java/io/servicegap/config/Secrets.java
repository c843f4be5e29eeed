package io.servicegap.config;

import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The secret values of a configuration (reader options named like a password or token, and option
 * values taken from the environment), so that no message, log line, manifest or digest shows them.
 */
public record Secrets(List<String> values) {
  /** Option names whose values are secrets whatever their origin. */
  static final Pattern SECRET_KEY = Pattern.compile("(?i).*(password|passwd|pwd|token|secret|credential|api[-_.]?key|access[-_.]?key).*");
  /** A password given inside a JDBC URL or connection string. */
  private static final Pattern URL_PASSWORD = Pattern.compile("(?i)(password=)[^&;\\s]*");
  public static final String MASK = "*****";

  public Secrets {
    // Longest first, so a secret containing another is masked whole.
    values = values.stream().filter(v -> !v.isEmpty()).distinct().sorted(Comparator.comparingInt(String::length).reversed()).toList();
  }

  public static Secrets none() {
    return new Secrets(List.of());
  }

  /** The text with every secret value, and any password in a URL, masked. */
  public String redact(String text) {
    if (text == null) {
      return null;
    }
    String out = text;
    for (String v : values) {
      out = out.replace(v, MASK);
    }
    return URL_PASSWORD.matcher(out).replaceAll("$1" + MASK);
  }
}
