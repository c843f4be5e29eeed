package io.servicegap.metrics;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Every headline a family declares reaches the findings: it is a figure of the family's own state
 * sets (so its account sums are taken over the findings window), the findings test its metric,
 * its sentence has words, and docs/metrics.md lists it among the figures findings look at.
 */
class HeadlinesTest extends MetricFixtures {
  @Test
  void everyHeadlineIsADeclaredFigureTheFindingsTest() throws Exception {
    MeasuredEvents in = events(settings(), noOrders(), noSurveys());
    String docs = Files.readString(repo().resolve("docs/metrics.md"));
    assertFalse(Families.headlines().isEmpty());
    for (MetricFamily family : Families.METRICS) {
      Set<String> figures = new HashSet<>();
      for (StateSet set : family.stateSets(in)) {
        for (Figure f : set.figures()) {
          String type = f.subjectType() != null ? f.subjectType() : set.subjectKey() != null ? set.subjectKey() : "all";
          figures.add((f.gap() != null ? f.gap() : set.family()) + "/" + f.metric() + "/" + type);
        }
      }
      for (Headline h : family.headlines().stream().filter(Headline::tested).toList()) {
        for (String metric : h.isDifference() ? new String[] {h.minuend(), h.subtrahend(), h.metric()} : new String[] {h.metric()}) {
          assertTrue(figures.contains(h.gap() + "/" + metric + "/" + h.subjectType()), family.name() + " declares headline " + metric + " but no figure of it");
        }
        for (String tested : h.isDifference() ? new String[] {h.minuend(), h.subtrahend()} : new String[] {h.metric()}) {
          assertTrue(Findings.testedMetrics().contains(tested), "findings do not test " + tested);
        }
        assertFalse(h.what().isBlank() || h.unit().isBlank(), h.metric() + " has no words for its sentence");
        assertTrue(docs.contains("`" + h.metric() + "`"), "docs/metrics.md does not name the headline " + h.metric());
      }
    }
  }

  /**
   * A family that declares no headline would publish its rows and reach neither the findings, the
   * scorecard nor the report; every headline is tested or shown, and each shown one is a column of
   * gap_scorecard, documented, that the report's headline table lists (ReportIT draws it).
   */
  @Test
  void everyFamilyHasAHeadlineAndEveryHeadlineReachesItsPlaces() throws Exception {
    for (String name : Families.names()) {
      if (!name.equals(Families.ACCOUNTS)) {
        assertFalse(Families.headlines().stream().noneMatch(h -> h.gap().equals(name)), "family " + name + " declares no headline");
      }
    }
    String tables = Files.readString(repo().resolve("docs/tables.md"));
    List<String> columns = io.servicegap.output.OutputTables.GAP_SCORECARD.columns().stream().map(c -> c.name()).toList();
    for (Headline h : Families.headlines()) {
      assertTrue(h.tested() || h.shown(), h.metric() + " is neither tested nor shown");
      if (h.shown()) {
        assertTrue(Scorecard.HEADLINES.contains(h));
        assertTrue(columns.contains(h.column()) && columns.contains(h.column() + "_n"), "gap_scorecard has no column " + h.column());
        assertTrue(tables.contains("`" + h.column() + "`"), "docs/tables.md does not document " + h.column());
        assertFalse(h.meaning().isBlank());
      }
    }
  }
}
