package io.servicegap.output;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run at a time per output folder: {@code _lock} is created exclusively and names its holder.
 * A lock is stale — and taken over — when its holder ran on this host and is gone (a killed run),
 * or when it is older than servicegap.run.lock-stale-hours.
 */
public final class RunLock implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RunLock.class);
  private final FileSystem fs;
  private final Path path;

  private RunLock(FileSystem fs, Path path) {
    this.fs = fs;
    this.path = path;
  }

  /** Thrown when another live run holds the output folder. */
  public static final class HeldException extends RuntimeException {
    HeldException(String message) {
      super(message);
    }
  }

  public static RunLock acquire(String outputPath, String runId, Duration staleAfter, Configuration hadoop) {
    Path path = new Path(outputPath, "_lock");
    try {
      FileSystem fs = path.getFileSystem(hadoop);
      for (int attempt = 0; attempt < 2; attempt++) {
        try (OutputStream out = fs.create(path, false)) {
          out.write(new ObjectMapper().writeValueAsBytes(holder(runId)));
          return new RunLock(fs, path);
        } catch (FileAlreadyExistsException e) {
          JsonNode held = read(fs, path);
          String why = staleness(held, staleAfter);
          if (why == null) {
            throw new HeldException(
                "another run holds " + path + " (" + held + "); it started at " + held.path("started_at").asText()
                    + ". If no run is going on, remove that file and run again.");
          }
          LOG.warn("taking over the stale lock {} of run {}: {}", path, held.path("run_id").asText(), why);
          fs.delete(path, false);
        }
      }
      throw new HeldException("could not take the lock " + path + ": another run took it first");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot lock the output folder " + outputPath, e);
    }
  }

  private static Map<String, Object> holder(String runId) throws IOException {
    Map<String, Object> h = new LinkedHashMap<>();
    h.put("run_id", runId);
    h.put("host", InetAddress.getLocalHost().getHostName());
    h.put("pid", ProcessHandle.current().pid());
    h.put("started_at", Instant.now().toString());
    return h;
  }

  private static JsonNode read(FileSystem fs, Path path) throws IOException {
    try (var in = fs.open(path)) {
      return new ObjectMapper().readTree(in);
    } catch (IOException e) {
      return new ObjectMapper().createObjectNode().put("unreadable", e.getMessage());
    }
  }

  /** Why a held lock is stale, or null when its holder may still be running. */
  static String staleness(JsonNode held, Duration staleAfter) throws IOException {
    if (held.has("unreadable") || !held.has("started_at")) {
      return "its content is unreadable (a run killed while taking it)";
    }
    Instant started = Instant.parse(held.get("started_at").asText());
    if (Duration.between(started, Instant.now()).compareTo(staleAfter) > 0) {
      return "older than " + staleAfter.toHours() + " h";
    }
    boolean here = InetAddress.getLocalHost().getHostName().equals(held.path("host").asText());
    if (here && ProcessHandle.of(held.path("pid").asLong()).map(p -> !p.isAlive()).orElse(true)) {
      return "its process " + held.path("pid").asText() + " on this host is gone";
    }
    return null;
  }

  @Override
  public void close() {
    try {
      fs.delete(path, false);
    } catch (IOException e) {
      LOG.warn("could not release {}: {}", path, e.getMessage());
    }
  }
}
