package io.servicegap.metrics;

import static org.apache.spark.sql.functions.expr;

import io.servicegap.config.Settings.BusinessHours;
import java.time.LocalTime;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.Column;

/**
 * Hours between two instants counted only inside business hours (a weekly schedule in its own
 * time zone, minus holidays), as one Spark SQL expression: the calendar days between the two are
 * folded with {@code aggregate}, no UDF.
 */
public final class BusinessClock {
  private BusinessClock() {}

  /**
   * @param start SQL of the start timestamp
   * @param end SQL of the end timestamp
   * @param sessionZone the Spark session time zone, in which timestamps render as wall-clock time
   */
  public static Column hoursBetween(String start, String end, BusinessHours hours, String sessionZone) {
    String s = wallClock(start, sessionZone, hours);
    String e = wallClock(end, sessionZone, hours);
    String open = bySparkWeekday(hours, 0);
    String close = bySparkWeekday(hours, 1);
    String closedDay =
        "(" + open + ") is null"
            + (hours.holidays().isEmpty()
                ? ""
                : " or array_contains(array(" + hours.holidays().stream().map(d -> "date'" + d + "'").collect(Collectors.joining(", ")) + "), d)");
    String dayOpens = "timestampadd(SECOND, " + open + ", cast(d as timestamp_ntz))";
    String dayCloses = "timestampadd(SECOND, " + close + ", cast(d as timestamp_ntz))";
    String secondsOpen =
        "case when " + closedDay + " then 0L else greatest(0L, timestampdiff(SECOND, greatest(" + s + ", " + dayOpens + "), least(" + e + ", " + dayCloses + "))) end";
    return expr(
        "case when (" + start + ") is null or (" + end + ") is null then null else "
            + "aggregate(sequence(to_date(" + s + "), to_date(" + e + ")), 0L, (acc, d) -> acc + " + secondsOpen + ") / 3600D end");
  }

  /** The instant as wall-clock time (timestamp_ntz) in the business time zone. */
  private static String wallClock(String ts, String sessionZone, BusinessHours hours) {
    return "convert_timezone('" + sessionZone + "', '" + hours.zone().getId() + "', cast(" + ts + " as timestamp_ntz))";
  }

  /** Second of day the day {@code d} opens (which = 0) or closes (1); null when closed. */
  private static String bySparkWeekday(BusinessHours hours, int which) {
    StringBuilder sql = new StringBuilder("case dayofweek(d)");
    for (Map.Entry<Integer, LocalTime[]> day : hours.week().entrySet()) {
      int sparkDay = day.getKey() % 7 + 1; // ISO 1 = Monday; Spark's dayofweek 1 = Sunday
      sql.append(" when ").append(sparkDay).append(" then ").append(day.getValue()[which].toSecondOfDay());
    }
    return sql.append(" end").toString();
  }
}
