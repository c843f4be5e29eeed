package io.servicegap.cli;

import io.servicegap.config.ConfigurationException;
import java.io.File;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The command line of SPEC §6: {@code run|validate [--conf FILE] [--as-of D] [--backfill FROM TO] [--set k=v]...}. */
public record Arguments(String commandLine, String command, File conf, Optional<LocalDate> asOf, Optional<LocalDate> backfillFrom, List<String> sets) {

  public static final String USAGE =
      String.join(
          "\n",
          "usage: servicegap run      [--conf FILE] [--as-of YYYY-MM-DD] [--backfill FROM TO] [--set key=value]...",
          "       servicegap validate [--conf FILE] [--as-of YYYY-MM-DD] [--set key=value]...",
          "       servicegap generate --orders N [--seed S] [--gaps planted|none] --out DIR [--format parquet|csv]",
          "  run       ingest, measure and publish the gap tables",
          "  validate  ingest and report what would be quarantined; publish nothing",
          "  generate  write synthetic inputs of all six sources, with planted gaps");

  public static Arguments parse(String[] args) {
    if (args.length == 0 || !(args[0].equals("run") || args[0].equals("validate"))) {
      throw new ConfigurationException(args.length == 0 ? "no command given" : "unknown command '" + args[0] + "'");
    }
    String command = args[0];
    File conf = null;
    LocalDate asOf = null;
    LocalDate from = null;
    LocalDate to = null;
    List<String> sets = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    for (int i = 1; i < args.length; i++) {
      String a = args[i];
      switch (a) {
        case "--conf" -> conf = new File(value(args, ++i, a, problems));
        case "--as-of" -> asOf = date(value(args, ++i, a, problems), a, problems);
        case "--set" -> sets.add(value(args, ++i, a, problems));
        case "--backfill" -> {
          from = date(value(args, ++i, a, problems), a, problems);
          to = date(value(args, ++i, a, problems), a, problems);
        }
        default -> problems.add("unknown argument '" + a + "'");
      }
    }
    if (from != null && to != null) {
      if (command.equals("validate")) {
        problems.add("--backfill applies to run only");
      }
      if (asOf != null) {
        problems.add("give either --as-of or --backfill FROM TO (TO is the as_of)");
      }
      if (to.isBefore(from)) {
        problems.add("--backfill FROM must not be after TO");
      }
      asOf = to;
    }
    if (!problems.isEmpty()) {
      throw new ConfigurationException(problems);
    }
    return new Arguments(String.join(" ", args), command, conf, Optional.ofNullable(asOf), Optional.ofNullable(from), List.copyOf(sets));
  }

  private static String value(String[] args, int i, String flag, List<String> problems) {
    if (i >= args.length || args[i].startsWith("--")) {
      problems.add(flag + " needs a value");
      return "";
    }
    return args[i];
  }

  private static LocalDate date(String text, String flag, List<String> problems) {
    if (text.isEmpty()) {
      return null;
    }
    try {
      return LocalDate.parse(text);
    } catch (DateTimeParseException e) {
      problems.add(flag + ": '" + text + "' is not a date (YYYY-MM-DD)");
      return null;
    }
  }
}
