#!/usr/bin/env python3
"""Writes the small sample inputs in data-samples/ (deterministic; standard library only).

Six months (2026-04-01 .. 2026-09-30) of a business with three segments and three price
tiers. Planted effects, so every gap shows somewhere:
  * smb x budget orders are late far more often (Gap 4);
  * enterprise x premium orders are sometimes overcharged (Gap 4 price_kept);
  * post_sale survey answers fall short of expectations (Gap 5).
Planted bad rows, one or more of every quarantine reason, are listed in BAD_ROWS.md.
Run: python3 data-samples/make_samples.py   (rewrites the CSV files next to it)
"""
import csv
import os
import random
from datetime import datetime, timedelta, timezone

OUT = os.path.dirname(os.path.abspath(__file__))
rng = random.Random(20260401)
START = datetime(2026, 4, 1, tzinfo=timezone.utc)
END = datetime(2026, 9, 30, 23, 0, tzinfo=timezone.utc)
SEGMENTS = ["enterprise", "smb", "consumer"]
TIERS = ["budget", "standard", "premium"]
DIMENSIONS = ["reliability", "responsiveness", "assurance", "empathy", "tangibles", "value"]


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
        for _ in range(7):
            n += 1
            accounts.append([f"A{n:03d}", seg, tier, rng.choice(["north", "south", "east", "west"]),
                             (START - timedelta(days=rng.randint(30, 900))).strftime("%Y-%m-%d")])
acc_rows = [list(a) for a in accounts]
acc_rows.append(["A900", "ALL", "standard", "north", "2025-01-01"])          # RESERVED_VALUE
acc_rows.append(["A001", "enterprise", "budget", "north", "2024-02-02"])      # DUPLICATE_KEY (first read wins)
write("accounts.csv", ["account_id", "segment", "price_tier", "region", "created_date"], acc_rows)

# --- orders -------------------------------------------------------------------------
PRICE = {"budget": (40, 200), "standard": (200, 800), "premium": (800, 3000)}
orders = []
order_info = {}
for i in range(1, 421):
    acc = rng.choice(accounts)
    seg, acc_tier = acc[1], acc[2]
    tier = rng.choice(TIERS) if rng.random() < 0.12 else ""
    eff_tier = tier or acc_tier
    placed = between(START, END)
    quoted = round(rng.uniform(*PRICE[eff_tier]), 2)
    qty = rng.randint(1, 20)
    promised = placed + timedelta(hours=rng.randint(48, 168))
    processed = placed + timedelta(minutes=rng.randint(20, 300))
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
        if rng.random() < 0.08:
            qty_del = max(0, qty - rng.randint(1, qty))
        if rng.random() < 0.03:
            status = "returned"
    if (seg, eff_tier) == ("enterprise", "premium") and rng.random() < 0.35:
        charged = round(quoted * rng.uniform(1.03, 1.15), 2)
    elif rng.random() < 0.03:
        charged = round(quoted * 1.05, 2)
    if rng.random() < 0.04:
        charged = ""
    oid = f"O{i:04d}"
    updated = delivered or processed or placed
    orders.append([oid, acc[0], ts(placed), tier, f"{quoted:.2f}", f"{charged:.2f}" if charged != "" else "",
                   qty, qty_del if delivered else "", ts(promised), ts(processed), ts(delivered), status,
                   rng.choice(["web", "phone", "partner"]), ts(updated)])
    order_info[oid] = (acc[0], placed, promised, delivered, status, seg, eff_tier)

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

# --- complaints ---------------------------------------------------------------------
complaints = []
c = 0
for oid, (acc, placed, promised, delivered, status, seg, tier) in order_info.items():
    late = delivered is not None and delivered > promised
    if (late and rng.random() < 0.5) or rng.random() < 0.04:
        c += 1
        opened = (delivered or promised) + timedelta(hours=rng.randint(1, 48))
        if opened > END:
            continue
        category = "late_delivery" if late else rng.choice(["billing", "product_defect", "staff_attitude"])
        phase = "delivery" if category == "late_delivery" else ("post_sale" if category != "staff_attitude" else rng.choice(["delivery", "post_sale"]))
        first = opened + timedelta(minutes=rng.randint(10, 600))
        resolved = opened + timedelta(hours=rng.randint(2, 120)) if rng.random() < 0.85 else None
        complaints.append([f"C{c:04d}", acc, oid, ts(opened), phase, category, rng.choice(["email", "phone", "chat"]),
                           ts(first), ts(resolved), rng.randint(5, 400), rng.choice([1, 1, 1, 2, 3]),
                           "true" if rng.random() < 0.1 else "false",
                           f"{rng.choice([0, 0, 10, 25]):.2f}", ts(resolved or opened)])
for k in range(6):
    c += 1
    opened = between(START, END)
    complaints.append([f"C{c:04d}", rng.choice(accounts)[0], "", ts(opened), "pre_sale", "misleading_claim", "email",
                       ts(opened + timedelta(hours=3)), ts(opened + timedelta(hours=30)), 60, 1, "false", "0.00", ts(opened)])
cm = [list(x) for x in complaints]
cm.append(["C9001", "A004", "O8888", "2026-06-01T09:00:00Z", "delivery", "late_delivery", "email", "", "", "", "", "", "", ""])  # UNKNOWN_REFERENCE order_id
write("complaints.csv", ["complaint_id", "account_id", "order_id", "opened_ts", "phase", "category", "channel",
                         "first_response_ts", "resolved_ts", "queue_wait_s", "contacts", "reopened",
                         "compensation_amount", "updated_ts"], cm)

# --- surveys --------------------------------------------------------------------------
answers = []
r = 0
def respond(acc, order_id, complaint_id, when, phase, tier, penalty):
    global r
    r += 1
    base = {"budget": 4.6, "standard": 5.3, "premium": 6.1}[tier]
    for dim in rng.sample(DIMENSIONS, rng.randint(3, 6)):
        e = min(7, max(1, round(base + rng.gauss(0, 0.8))))
        p = min(7, max(1, round(e - penalty + rng.gauss(0.3, 0.9))))
        answers.append([f"R{r:04d}", acc, order_id, complaint_id, ts(when), phase, dim, e, p])

acc_tier = {a[0]: a[2] for a in accounts}
for oid, (acc, placed, promised, delivered, status, seg, tier) in order_info.items():
    if delivered and delivered + timedelta(days=1) < END and rng.random() < 0.4:
        respond(acc, oid, "", delivered + timedelta(days=1), "delivery", tier, 1.5 if delivered > promised else 0.0)
for row in complaints[:40]:
    opened = datetime.strptime(row[3], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
    if opened + timedelta(days=2) < END:
        respond(row[1], "", row[0], opened + timedelta(days=2), "post_sale", acc_tier[row[1]], 1.4)
for _ in range(45):
    acc = rng.choice(accounts)
    respond(acc[0], "", "", between(START, END), "pre_sale", acc[2], -0.2)
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
