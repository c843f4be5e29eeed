package io.servicegap.config;

import com.typesafe.config.ConfigException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.Supplier;

/** The configuration's problems, collected so that one run reports them all; one per setting. */
final class Problems {
  private final List<String> messages = new ArrayList<>();
  private final Set<String> settings = new HashSet<>();

  void add(String message) {
    messages.add(message);
  }

  /** A problem of one setting; a setting already reported (its type, say) is not reported again. */
  void at(String setting, String message) {
    if (settings.add(setting)) {
      messages.add(setting + message);
    }
  }

  boolean reported(String setting) {
    return settings.contains(setting);
  }

  boolean reportedAny(Predicate<String> setting) {
    return settings.stream().anyMatch(setting);
  }

  /** Reads a value, or reports why it cannot be read and returns null. */
  <T> T read(String setting, Supplier<T> read) {
    try {
      return read.get();
    } catch (ConfigException e) {
      String origin = e.origin() == null ? null : e.origin().description();
      String message = e.getMessage();
      if (origin != null && message.startsWith(origin + ": ")) {
        message = message.substring(origin.length() + 2) + (e.origin().filename() == null ? "" : " (" + origin + ")");
      }
      at(setting, ": " + message);
      return null;
    }
  }

  boolean isEmpty() {
    return messages.isEmpty();
  }

  void throwIfAny() {
    if (!messages.isEmpty()) {
      throw new ConfigurationException(messages);
    }
  }
}
