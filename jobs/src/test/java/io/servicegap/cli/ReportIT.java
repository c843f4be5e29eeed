package io.servicegap.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.servicegap.SparkTestBase;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The run's report on the samples, opened from disk in headless Chromium (Debian's chromium, which
 * .ci/run installs): no console error, every section drawn with data, a screenshot written to
 * jobs/target/report-screenshot.png to look at, and a page small enough to mail.
 */
class ReportIT extends SparkTestBase {
  private static final List<String> SECTIONS =
      List.of("findings", "headlines", "servqual", "tiers", "standards", "recovery", "impact", "fees", "statuses", "accounts", "quarantine", "sources");

  private static String chromium() {
    for (String c : List.of("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")) {
      if (Files.isExecutable(Path.of(c))) {
        return c;
      }
    }
    throw new IllegalStateException("no Chromium: install Debian's chromium package (.ci/run does)");
  }

  private static String[] run(List<String> command, Path stderr) throws Exception {
    Process p = new ProcessBuilder(command).redirectError(stderr.toFile()).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(180, TimeUnit.SECONDS), "chromium did not finish");
    return new String[] {out, Files.readString(stderr)};
  }

  private static List<String> browser(Path profile, String... args) {
    List<String> c = new ArrayList<>(List.of(chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync", "--user-data-dir=" + profile,
        "--enable-logging=stderr", "--v=0", "--virtual-time-budget=20000"));
    c.addAll(List.of(args));
    return c;
  }

  @Test
  void theReportOpensFromDiskWithEverySectionDrawn() throws Exception {
    Path dir = Files.createTempDirectory("servicegap-report");
    JobRunner.Result r = JobRunner.run(spark, "run", "--conf", repo().resolve("conf/local.conf").toString(), "--as-of", "2026-09-30",
        "--set", "servicegap.output.path=" + dir.resolve("tables"),
        "--set", "servicegap.inputs.accounts.path=" + repo().resolve("data-samples/accounts.csv"),
        "--set", "servicegap.inputs.transactions.path=" + repo().resolve("data-samples/transactions.csv"),
        "--set", "servicegap.inputs.complaints.path=" + repo().resolve("data-samples/complaints.csv"),
        "--set", "servicegap.inputs.surveys.path=" + repo().resolve("data-samples/surveys.csv"),
        "--set", "servicegap.inputs.management_estimates.path=" + repo().resolve("data-samples/management_estimates.csv"),
        "--set", "servicegap.inputs.price_changes.path=" + repo().resolve("data-samples/price_changes.csv"));
    assertEquals(0, r.exitCode(), r.err());
    Matcher m = Pattern.compile("report: (\\S+)").matcher(r.out());
    assertTrue(m.find(), r.out());
    Path page = Path.of(m.group(1));
    assertTrue(Files.isRegularFile(page), page.toString());
    assertEquals(Files.readString(page), Files.readString(dir.resolve("tables/_reports/latest/index.html")), "latest/ is the run's page");
    long bytes = Files.size(page);
    assertTrue(bytes < 2_000_000, "small enough to mail: " + bytes + " bytes");
    String html = Files.readString(page);
    assertFalse(html.contains("src=\"http") || html.contains("href=\"http"), "nothing loaded from the network");

    Path profile = Files.createTempDirectory("chromium-profile");
    String[] dom = run(browser(profile, "--dump-dom", page.toUri().toString()), dir.resolve("dom.err"));
    String body = dom[0];
    assertTrue(body.contains("data-rendered=\"yes\""), "rendered without errors:\n" + body.substring(0, Math.min(2000, body.length())) + "\n" + dom[1]);
    for (String section : SECTIONS) {
      Matcher rows = Pattern.compile("id=\"" + section + "\"[^>]*data-rows=\"(\\d+)\"|data-rows=\"(\\d+)\"[^>]*id=\"" + section + "\"").matcher(body);
      assertTrue(rows.find(), section + " was not drawn");
      int n = Integer.parseInt(rows.group(1) != null ? rows.group(1) : rows.group(2));
      assertTrue(n > 0, section + " has no data");
    }
    for (io.servicegap.metrics.Headline h : io.servicegap.metrics.Scorecard.HEADLINES) {
      assertTrue(body.contains(h.gap() + " · " + h.metric().replace('_', ' ')), "the headline table shows " + h.column());
    }
    assertTrue(body.split("<svg", -1).length - 1 >= 8, "every chart is an SVG drawn by Vega");
    List<String> consoleErrors = dom[1].lines().filter(l -> l.contains("CONSOLE") && (l.contains("ERROR") || l.contains("Uncaught"))).toList();
    assertEquals(List.of(), consoleErrors, "console errors");

    Path shot = repo().resolve("jobs/target/report-screenshot.png");
    Files.deleteIfExists(shot);
    run(browser(profile, "--hide-scrollbars", "--window-size=1280,5200", "--screenshot=" + shot, page.toUri().toString()), dir.resolve("shot.err"));
    assertTrue(Files.exists(shot) && Files.size(shot) > 50_000, "screenshot written: " + shot);
    try (Stream<Path> reports = Files.list(dir.resolve("tables/_reports"))) {
      assertEquals(2, reports.count(), "the run's folder and latest/");
    }
  }
}
