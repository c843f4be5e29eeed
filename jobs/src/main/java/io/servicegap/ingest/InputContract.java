package io.servicegap.ingest;

import static io.servicegap.ingest.ColumnSpec.of;
import static io.servicegap.ingest.ColumnType.BOOLEAN;
import static io.servicegap.ingest.ColumnType.DATE;
import static io.servicegap.ingest.ColumnType.DECIMAL;
import static io.servicegap.ingest.ColumnType.DOUBLE;
import static io.servicegap.ingest.ColumnType.INT;
import static io.servicegap.ingest.ColumnType.STRING;
import static io.servicegap.ingest.ColumnType.TIMESTAMP;

import java.util.List;
import java.util.NoSuchElementException;

/** The six input sources of SPEC §2, declared once: validation and docs/tables.md read them. */
public final class InputContract {
  private InputContract() {}

  public static final SourceSpec ACCOUNTS =
      new SourceSpec(
          "accounts",
          "One row per customer account.",
          List.of(
              of("account_id", STRING, true, "Account identifier, unique."),
              of("segment", STRING, true, "Customer segment.").rolledUp(),
              of("price_tier", STRING, true, "Price tier, one of servicegap.price-tiers.")
                  .allowed(Vocabulary.PRICE_TIER)
                  .rolledUp(),
              of("region", STRING, false, "Region."),
              of("created_date", DATE, false, "Date the account was opened.")),
          List.of("account_id"),
          List.of(),
          List.of());

  public static final SourceSpec TRANSACTIONS =
      new SourceSpec(
          "transactions",
          "One row per order; every order's journey phase is delivery.",
          List.of(
              of("order_id", STRING, true, "Order identifier, unique (latest updated_ts wins)."),
              of("account_id", STRING, true, "Ordering account.").references("accounts.account_id")
                  .carrying("segment", "segment")
                  .carrying("account_tier", "price_tier"),
              of("order_ts", TIMESTAMP, true, "When the order was placed."),
              of("price_tier", STRING, false, "Tier of the order; the account's tier when absent.")
                  .allowed(Vocabulary.PRICE_TIER)
                  .rolledUp(),
              of("quoted_amount", DECIMAL, false, "Price promised at sale; price metrics count only orders with both amounts.").atLeast(0),
              of("charged_amount", DECIMAL, false, "Price billed.").atLeast(0),
              of("qty_ordered", INT, true, "Quantity ordered.").above(0),
              of("qty_delivered", INT, false, "Quantity delivered.").atLeast(0),
              of("promised_ts", TIMESTAMP, true, "Delivery time promised at sale.").notBefore("order_ts"),
              of("processed_ts", TIMESTAMP, false, "When the order was confirmed/processed.").notBefore("order_ts"),
              of("delivered_ts", TIMESTAMP, false, "When the order was delivered.").notBefore("order_ts"),
              of("status", STRING, true, "open, delivered, cancelled or returned.").allowed(Vocabulary.ORDER_STATUS),
              of("channel", STRING, false, "Sales channel."),
              of("updated_ts", TIMESTAMP, false, "Version of the row, for duplicates.")),
          List.of("order_id"),
          List.of(),
          List.of());

  public static final SourceSpec COMPLAINTS =
      new SourceSpec(
          "complaints",
          "One row per support case, of any journey phase.",
          List.of(
              of("complaint_id", STRING, true, "Complaint identifier, unique."),
              of("account_id", STRING, true, "Complaining account.").references("accounts.account_id")
                  .carrying("segment", "segment")
                  .carrying("account_tier", "price_tier"),
              of("order_id", STRING, false, "Order complained about.").references("transactions.order_id")
                  .carrying("order_tier", "coalesce(price_tier, account_tier)"),
              of("opened_ts", TIMESTAMP, true, "When the case was opened."),
              of("phase", STRING, true, "Journey phase: pre_sale, delivery or post_sale.").allowed(Vocabulary.PHASE),
              of("category", STRING, true, "Category, e.g. late_delivery, billing, staff_attitude."),
              of("channel", STRING, false, "Contact channel."),
              of("first_response_ts", TIMESTAMP, false, "First response to the customer.").notBefore("opened_ts"),
              of("resolved_ts", TIMESTAMP, false, "When the case was resolved.").notBefore("opened_ts"),
              of("queue_wait_s", INT, false, "Seconds held before reaching a person.").atLeast(0),
              of("contacts", INT, false, "Contacts needed until resolved.").atLeast(1).withDefault("1"),
              of("reopened", BOOLEAN, false, "Whether the case was reopened.").withDefault("false"),
              of("compensation_amount", DECIMAL, false, "Compensation paid.").atLeast(0),
              of("due_ts", TIMESTAMP, false, "A promise made on this case (a due date, an SLA breach time), measured by case-promise.").notBefore("opened_ts"),
              of("sla_met", BOOLEAN, false, "The source system's own verdict on the case's SLA (made SLA); where present, case-promise reads kept or broken from it."),
              of("updated_ts", TIMESTAMP, false, "Version of the row, for duplicates.")),
          List.of("complaint_id"),
          List.of(),
          List.of());

  public static final SourceSpec SURVEYS =
      new SourceSpec(
          "surveys",
          "One row per answered dimension of a survey response.",
          List.of(
              of("response_id", STRING, true, "Survey response; (response_id, dimension) is unique."),
              of("account_id", STRING, true, "Answering account.").references("accounts.account_id")
                  .carrying("segment", "segment")
                  .carrying("account_tier", "price_tier"),
              of("order_id", STRING, false, "Order the response is about.").references("transactions.order_id")
                  .carrying("order_tier", "coalesce(price_tier, account_tier)"),
              of("complaint_id", STRING, false, "Complaint the response is about.").references("complaints.complaint_id"),
              of("submitted_ts", TIMESTAMP, true, "When the response was submitted."),
              of("phase", STRING, true, "Journey phase answered about.").allowed(Vocabulary.PHASE),
              of("dimension", STRING, true, "SERVQUAL dimension, one of servicegap.dimensions.").allowed(Vocabulary.DIMENSION),
              of("expectation", DOUBLE, false, "Expected quality, on the dimension's scale."),
              of("perception", DOUBLE, false, "Perceived quality, on the dimension's scale."),
              of("updated_ts", TIMESTAMP, false, "Version of the row, for duplicates.")),
          List.of("response_id", "dimension"),
          List.of("expectation", "perception"),
          List.of("expectation", "perception"));

  public static final SourceSpec MANAGEMENT_ESTIMATES =
      new SourceSpec(
          "management_estimates",
          "What management believes customers expect and how it rates its own service.",
          List.of(
              of("segment", STRING, true, "Segment, or * for every segment.").rolledUp(),
              of("phase", STRING, true, "Phase, or * for every phase.").allowed(Vocabulary.PHASE_OR_ANY),
              of("dimension", STRING, true, "SERVQUAL dimension.").allowed(Vocabulary.DIMENSION),
              of("expected_score", DOUBLE, false, "Management's estimate of customer expectation."),
              of("self_score", DOUBLE, false, "Management's rating of its own delivered service.")),
          List.of("segment", "phase", "dimension"),
          List.of("expected_score", "self_score"),
          List.of());

  public static final SourceSpec PRICE_CHANGES =
      new SourceSpec(
          "price_changes",
          "Price or fee changes, for fee impact.",
          List.of(
              of("change_id", STRING, true, "Change identifier, unique."),
              of("effective_date", DATE, true, "Date the change took effect."),
              of("price_tier", STRING, true, "Tier affected, or * for all.").allowed(Vocabulary.PRICE_TIER_OR_ANY).rolledUp(),
              of("segment", STRING, true, "Segment affected, or * for all.").rolledUp(),
              of("change_pct", DOUBLE, true, "Relative change, 0.08 = +8 %."),
              of("description", STRING, false, "What changed.")),
          List.of("change_id"),
          List.of(),
          List.of());

  /** In dependency order: a source only references sources before it. */
  public static final List<SourceSpec> ALL =
      List.of(ACCOUNTS, TRANSACTIONS, COMPLAINTS, SURVEYS, MANAGEMENT_ESTIMATES, PRICE_CHANGES);

  public static SourceSpec source(String name) {
    return ALL.stream()
        .filter(s -> s.name().equals(name))
        .findFirst()
        .orElseThrow(() -> new NoSuchElementException("no source " + name));
  }
}
