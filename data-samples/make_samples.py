#!/usr/bin/env python3
"""Writes the small sample inputs in data-samples/ (deterministic; standard library only).

A year (2025-10-01 .. 2026-09-30) of a business with three segments, three price tiers and 216
accounts that order every few weeks until they leave. Planted effects, so every gap and every
consequence shows somewhere:
  * smb x budget orders are late far more often (Gap 4);
  * enterprise x premium orders are sometimes overcharged (Gap 4 price_kept);
  * post_sale survey answers fall short of expectations (Gap 5);
  * a late delivery makes an account leave with probability 0.6 (phase_impact: retention after
    failed delivery responses is lower: negative_impact > 0 in delivery; none planted elsewhere);
  * a late-delivery complaint resolved within the resolution standard keeps the account for good
    (recovery_paradox > 0);
  * the budget fee increase of 2026-07-01 (price_changes P001) makes 70 % of budget accounts
    leave on that day (fee_impact: churn_lift > 0; the other tiers, the control, show none).
Planted bad rows, one or more of every quarantine reason, are marked where they are appended.
Run: python3 data-samples/make_samples.py   (rewrites the CSV files next to it)
"""
import csv
import os
import random
from datetime import datetime, timedelta, timezone

OUT = os.path.dirname(os.path.abspath(__file__))
rng = random.Random(20251001)
START = datetime(2025, 10, 1, tzinfo=timezone.utc)
END = datetime(2026, 9, 30, 23, 0, tzinfo=timezone.utc)
FEE_DATE = datetime(2026, 7, 1, tzinfo=timezone.utc)
SEGMENTS = ["enterprise", "smb", "consumer"]
TIERS = ["budget", "standard", "premium"]
DIMENSIONS = ["reliability", "responsiveness", "assurance", "empathy", "tangibles", "value"]
RESOLUTION_TARGET_H = {"budget": 48, "standard": 48, "premium": 24}   # reference.conf defaults


def ts(t):
    return t.strftime("%Y-%m-%dT%H:%M:%SZ") if t else ""


def write(name, header, rows):
    with open(os.path.join(OUT, name), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)


def between(a, b):
    return a + timedelta(seconds=rng.randint(0, int((b - a).total_seconds())))


# --- accounts: every segment x tier present -------------------------------------------
accounts = []
n = 0
for seg in SEGMENTS:
    for tier in TIERS:
        for _ in range(24):
            n += 1
            accounts.append([f"A{n:03d}", seg, tier, rng.choice(["north", "south", "east", "west"]),
                             (START - timedelta(days=rng.randint(30, 900))).strftime("%Y-%m-%d")])
acc_rows = [list(a) for a in accounts]
acc_rows.append(["A900", "ALL", "standard", "north", "2025-01-01"])          # RESERVED_VALUE
acc_rows.append(["A001", "enterprise", "budget", "north", "2024-02-02"])      # DUPLICATE_KEY (first read wins)
write("accounts.csv", ["account_id", "segment", "price_tier", "region", "created_date"], acc_rows)

# --- answers of one survey response -------------------------------------------------------
answers = []
responses = [0]


def respond(acc, order_id, complaint_id, when, phase, tier, penalty):
    responses[0] += 1
    base = {"budget": 4.8, "standard": 5.0, "premium": 5.3}[tier]
    for dim in rng.sample(DIMENSIONS, rng.randint(3, 6)):
        e = min(7, max(1, round(base + rng.gauss(0, 0.8))))
        p = min(7, max(1, round(e - penalty + rng.gauss(0.3, 0.9))))
        answers.append([f"R{responses[0]:04d}", acc, order_id, complaint_id, ts(when), phase, dim, e, p])


# --- each account's history: orders until it leaves, complaints, survey answers ----------
PRICE = {"budget": (40, 200), "standard": (200, 800), "premium": (800, 3000)}
orders = []        # [placed, row without order_id, info]
complaints = []    # [opened, row without complaint_id, order index or None]
for acc in accounts:
    aid, seg, acc_tier = acc[0], acc[1], acc[2]
    every_days = rng.uniform(14, 30)
    leaves = between(START, END) if rng.random() < 0.15 else None      # leaves for reasons of its own
    fee_leaves = FEE_DATE if acc_tier == "budget" and rng.random() < 0.7 else END   # the fee increase
    loyal = False
    t = START + timedelta(days=rng.uniform(0, every_days))
    while t < min(END, fee_leaves) and (leaves is None or t < leaves):
        placed = t
        t = t + timedelta(days=rng.expovariate(1 / every_days))
        asked = placed - timedelta(hours=rng.randint(2, 96))             # asked about the quote before ordering
        if asked > START and rng.random() < 0.1:
            respond(aid, "", "", asked, "pre_sale", acc_tier, -0.2)
        tier = rng.choice(TIERS) if rng.random() < 0.12 else ""
        eff_tier = tier or acc_tier
        quoted = round(rng.uniform(*PRICE[eff_tier]), 2)
        qty = rng.randint(1, 20)
        promised = placed + timedelta(hours=rng.randint(48, 168))
        # Processed in 20 min to 5 h; premium, promised 1 h instead of 3, three times as fast: every
        # tier meets its processing target equally often (no processing gap is planted).
        processed = placed + timedelta(minutes=rng.randint(20, 300) // (3 if eff_tier == "premium" else 1))
        late_p = 0.45 if (seg, eff_tier) == ("smb", "budget") else 0.08
        r = rng.random()
        status, delivered, qty_del, charged = "delivered", None, qty, quoted
        if r < 0.05:
            status, processed = "cancelled", None
        elif promised > END and rng.random() < 0.7:
            status = "open"  # still pending at as_of
        elif r < 0.08:
            status = "open"  # overdue: promised time passed, nothing delivered
        else:
            if rng.random() < late_p:
                delivered = promised + timedelta(hours=rng.randint(2, 96))
            else:
                delivered = promised - timedelta(hours=rng.randint(0, 40))
            if delivered > END:
                delivered, status = None, "open"
            elif rng.random() < 0.08:
                qty_del = max(0, qty - rng.randint(1, qty))
            if delivered and rng.random() < 0.03:
                status = "returned"
        if (seg, eff_tier) == ("enterprise", "premium") and rng.random() < 0.35:
            charged = round(quoted * rng.uniform(1.03, 1.15), 2)
        elif rng.random() < 0.03:
            charged = round(quoted * 1.05, 2)
        if rng.random() < 0.04:
            charged = ""
        updated = delivered or processed or placed
        index = len(orders)
        orders.append([placed, [aid, ts(placed), tier, f"{quoted:.2f}", f"{charged:.2f}" if charged != "" else "",
                                qty, qty_del if delivered else "", ts(promised), ts(processed), ts(delivered), status,
                                rng.choice(["web", "phone", "partner"]), ts(updated)]])
        late = delivered is not None and delivered > promised
        if delivered and delivered + timedelta(days=1) < END and rng.random() < 0.4:
            respond(aid, index, "", delivered + timedelta(days=1), "delivery", eff_tier, 2.0 if late else 0.0)
        recovered = False
        if (late and rng.random() < 0.5) or rng.random() < 0.04:
            opened = (delivered or promised) + timedelta(hours=rng.randint(1, 48))
            if opened < END:
                category = "late_delivery" if late else rng.choice(["billing", "product_defect", "staff_attitude"])
                phase = "delivery" if category == "late_delivery" else ("post_sale" if category != "staff_attitude" else rng.choice(["delivery", "post_sale"]))
                # premium's tighter targets (1 h, 60 s) are met as often as the others' (4 h, 120 s)
                fast = 4 if eff_tier == "premium" else 1
                first = opened + timedelta(minutes=rng.randint(10, 600) // fast)
                hours = rng.randint(2, 120)
                resolved = opened + timedelta(hours=hours) if rng.random() < 0.85 else None
                if resolved and resolved > END:
                    resolved = None
                recovered = late and resolved is not None and hours <= RESOLUTION_TARGET_H[eff_tier]
                complaints.append([opened, [aid, index, ts(opened), phase, category, rng.choice(["email", "phone", "chat"]),
                                            ts(first), ts(resolved), rng.randint(5, 400) // (2 if fast > 1 else 1), rng.choice([1, 1, 1, 2, 3]),
                                            "true" if rng.random() < 0.1 else "false",
                                            f"{rng.choice([0, 0, 10, 25]):.2f}", ts(resolved or opened)]])
                if opened + timedelta(days=2) < END and rng.random() < 0.6:
                    respond(aid, "", len(complaints) - 1, opened + timedelta(days=2), "post_sale", acc_tier, 1.4)
        if recovered:
            loyal, leaves = True, None                                   # a recovered customer stays
        elif late and not loyal and rng.random() < 0.6:
            leaves = min(leaves or END, delivered + timedelta(days=1))   # a failed delivery drives it away
for k in range(6):
    opened = between(START, END)
    complaints.append([opened, [rng.choice(accounts)[0], None, ts(opened), "pre_sale", "misleading_claim", "email",
                                ts(opened + timedelta(hours=3)), ts(opened + timedelta(hours=30)), 60, 1, "false", "0.00", ts(opened)]])

# Ids follow time, as a real system's would.
order_ids = {}
for i, index in enumerate(sorted(range(len(orders)), key=lambda k: orders[k][0])):
    order_ids[index] = f"O{i + 1:04d}"
complaint_ids = {}
for i, index in enumerate(sorted(range(len(complaints)), key=lambda k: complaints[k][0])):
    complaint_ids[index] = f"C{i + 1:04d}"
orders_sorted = sorted(((order_ids[k], o[1]) for k, o in enumerate(orders)))
orders = [[oid] + row for oid, row in orders_sorted]
complaints = sorted([[complaint_ids[k], c[1][0], order_ids[c[1][1]] if c[1][1] is not None else ""] + c[1][2:]
                     for k, c in enumerate(complaints)])
answers = [a[:2] + [order_ids[a[2]] if a[2] != "" else "", complaint_ids[a[3]] if a[3] != "" else ""] + a[4:] for a in answers]
tx = [list(o) for o in orders]
o5 = list(tx[4]); o5[13] = ts(datetime(2026, 1, 1, tzinfo=timezone.utc))
tx.append(o5)                                                                                      # DUPLICATE_KEY: older version of O0005
tx.append(["O9001", "A002", "2026-05-02T10:00:00Z", "", "not-a-number", "", 2, "", "2026-05-05T10:00:00Z", "", "", "open", "web", ""])  # PARSE_ERROR quoted_amount
tx.append(["O9002", "", "2026-05-02T10:00:00Z", "", "10.00", "", 2, "", "2026-05-05T10:00:00Z", "", "", "open", "web", ""])            # MISSING_REQUIRED account_id
tx.append(["O9003", "A002", "2026-05-02T10:00:00Z", "", "10.00", "", 2, "", "2026-05-05T10:00:00Z", "", "", "shipped", "web", ""])     # BAD_VALUE status
tx.append(["O9004", "A002", "2026-05-02T10:00:00Z", "", "10.00", "", 0, "", "2026-05-05T10:00:00Z", "", "", "open", "web", ""])        # OUT_OF_RANGE qty_ordered
tx.append(["O9005", "A002", "2026-05-02T10:00:00Z", "", "10.00", "10.00", 2, 2, "2026-05-05T10:00:00Z", "", "2026-05-01T10:00:00Z", "delivered", "web", ""])  # BAD_ORDER_OF_TIMES delivered_ts
tx.append(["O9006", "A777", "2026-05-02T10:00:00Z", "", "10.00", "", 2, "", "2026-05-05T10:00:00Z", "", "", "open", "web", ""])        # UNKNOWN_REFERENCE account_id
write("transactions.csv", ["order_id", "account_id", "order_ts", "price_tier", "quoted_amount", "charged_amount",
                           "qty_ordered", "qty_delivered", "promised_ts", "processed_ts", "delivered_ts", "status",
                           "channel", "updated_ts"], tx)
with open(os.path.join(OUT, "transactions.csv"), "a") as f:
    f.write("O9007,A003,2026-05-02T10:00:00Z,,10.00\n")                                             # PARSE_ERROR: a truncated line

cm = [list(x) for x in complaints]
cm.append(["C9001", "A004", "O8888", "2026-06-01T09:00:00Z", "delivery", "late_delivery", "email", "", "", "", "", "", "", ""])  # UNKNOWN_REFERENCE order_id
write("complaints.csv", ["complaint_id", "account_id", "order_id", "opened_ts", "phase", "category", "channel",
                         "first_response_ts", "resolved_ts", "queue_wait_s", "contacts", "reopened",
                         "compensation_amount", "updated_ts"], cm)

sv = [list(x) for x in answers]
sv.append(list(answers[0]))                                                                         # DUPLICATE_KEY (response_id, dimension)
sv.append(["R9001", "A005", "", "", "2026-06-01T12:00:00Z", "pre_sale", "reliability", "5", "9"])       # OUT_OF_RANGE perception
sv.append(["R9002", "A005", "", "", "2026-06-01T12:00:00Z", "pre_sale", "reliability", "", ""])        # MISSING_REQUIRED expectation|perception
sv.append(["R9003", "A005", "", "", "2026-06-01T12:00:00Z", "pre_sale", "price", "5", "5"])            # BAD_VALUE dimension
sv.append(["R9004", "A005", "", "", "2026-06-01T12:00:00Z", "pre_sale", "empathy", "five", "4"])       # PARSE_ERROR expectation
write("surveys.csv", ["response_id", "account_id", "order_id", "complaint_id", "submitted_ts", "phase", "dimension",
                      "expectation", "perception"], sv)

# --- management beliefs and price changes ----------------------------------------------
est = [["*", "*", d, "5.2", "6.3"] for d in DIMENSIONS]
est.append(["enterprise", "delivery", "reliability", "6.4", "6.6"])
write("management_estimates.csv", ["segment", "phase", "dimension", "expected_score", "self_score"], est)
write("price_changes.csv", ["change_id", "effective_date", "price_tier", "segment", "change_pct", "description"],
      [["P001", "2026-07-01", "budget", "*", "0.08", "Delivery fee raised for budget orders"]])
print(f"accounts {len(acc_rows)}, transactions {len(tx) + 1}, complaints {len(cm)}, survey answers {len(sv)}")
