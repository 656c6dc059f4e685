"""Seeded synthetic login events (user, IPv4 address) for the built-in IP Insights algorithm.

In the spirit of the IP Insights notebook's generate_data.py: no input; the events are generated here.
  networks   a pool of public blocks standing in for the networks of autonomous systems: ISP blocks (/16) for home
             connections and office blocks (/24) for work, each in its own /16, so blocks never overlap.
  users      each has a home network (an ISP block, shared by many users) with one usual home address, and a work
             network (an office block, chosen with a heavy-tailed popularity, so co-workers share it).
  logins     per user a Pareto-distributed count (capped), with uniform timestamps over --days. Each login comes
             from home (mostly the usual address, sometimes another one of the ISP block), from work (any address
             of the office block) or, with a per-user share of up to 10%, from travel (any address of any block).
  anomalies  --anomaly-share of the test file: logins of random users from uniformly random public addresses.
Addresses avoid the non-public IPv4 ranges (RESERVED): 0/8, 10/8, 100.64/10, 127/8, 169.254/16, 172.16/12,
192.0.0/24, 192.0.2/24, 192.88.99/24, 192.168/16, 198.18/15, 198.51.100/24, 203.0.113/24 and 224/3 (multicast
and everything above), so every address is one that ipaddress calls global and not multicast.

Out-of-time split as in the notebook: train = the events before the last (--validation-days + --test-days) days,
shuffled; validation = the next --validation-days, test = the last --test-days, both in time order. Train and
validation hold no anomalies. Output, the algorithm's only format (CSV `entity_id,ipv4`, no header):
DIR/train/train.csv, DIR/validation/validation.csv, DIR/test/test.csv, plus DIR/test_labels/labels.csv
(`entity_id,ipv4,is_anomaly` with a header, row i labelling row i of test.csv) to judge the batch-transform scores.
The same arguments give byte-identical files.
"""

import argparse
import os
from collections.abc import Sequence

import numpy as np
from shared.cli import run
from shared.errors import InputError
from shared.outputs import staged_outputs

SECONDS_PER_DAY = 86_400
MAX_USERS = 1_000_000
# At most this many user-days (--users x --days): the most users over the default 10 days, 100 times the pipeline's
# 10,000 x 10. Logins grow with both (about 4 per user and day), and each takes a few dozen bytes of arrays and text.
MAX_USER_DAYS = 10 * MAX_USERS
# (first address, prefix length) of the ranges no generated address may fall in; see the module docstring.
RESERVED = (
    ("0.0.0.0", 8),
    ("10.0.0.0", 8),
    ("100.64.0.0", 10),
    ("127.0.0.0", 8),
    ("169.254.0.0", 16),
    ("172.16.0.0", 12),
    ("192.0.0.0", 24),
    ("192.0.2.0", 24),
    ("192.88.99.0", 24),
    ("192.168.0.0", 16),
    ("198.18.0.0", 15),
    ("198.51.100.0", 24),
    ("203.0.113.0", 24),
    ("224.0.0.0", 3),
)
USERS_PER_ISP = 50  # home networks: one /16 per this many users
USERS_PER_OFFICE = 10  # work networks: one /24 per this many users (popularity is skewed, so some are much bigger)
PARETO_SHAPE = 1.5  # event counts: 1 + Lomax(1.5) * 2 per day, mean about 1 + 4 per day, capped
MAX_EVENTS_PER_DAY = 50
HOME_ADDRESS_SHARE = 0.8  # home logins from the user's usual address; the rest from elsewhere in the ISP block
MAX_TRAVEL_SHARE = 0.1


def main(argv: Sequence[str]) -> int:
    return run(_main, argv)


def _main(argv: Sequence[str]) -> int:
    args = parse_args(argv)
    rng = np.random.default_rng(args.seed)
    users, addresses, times = generate_logins(rng, args.users, args.days)
    train_end = (args.days - args.validation_days - args.test_days) * SECONDS_PER_DAY
    test_start = (args.days - args.test_days) * SECONDS_PER_DAY
    train = np.flatnonzero(times < train_end)
    train = train[rng.permutation(len(train))]
    validation = time_order(np.flatnonzero((times >= train_end) & (times < test_start)), times)
    test_normal = np.flatnonzero(times >= test_start)
    sizes = {"train": len(train), "validation": len(validation), "test": len(test_normal)}
    empty = [split for split, size in sizes.items() if size == 0]
    if empty:
        raise InputError(
            f"the generated data have no events in the {empty[0]} days ({counts(sizes)}): use more --users"
        )

    anomalies = anomaly_count(len(test_normal), args.anomaly_share)
    bad_users = rng.integers(0, args.users, anomalies)
    bad_addresses = public_addresses(rng, anomalies)
    bad_times = rng.integers(test_start, args.days * SECONDS_PER_DAY, anomalies)
    test_users = np.concatenate([users[test_normal], bad_users])
    test_addresses = np.concatenate([addresses[test_normal], bad_addresses])
    is_anomaly = np.concatenate([np.zeros(len(test_normal), np.int64), np.ones(anomalies, np.int64)])
    order = np.argsort(np.concatenate([times[test_normal], bad_times]), kind="stable")

    names = entity_names(args.users)
    outputs = {split: os.path.join(args.output_dir, split) for split in ("train", "validation", "test", "test_labels")}
    with staged_outputs(outputs) as staging:
        write_csv(f"{staging['train']}/train.csv", lines(names, users[train], addresses[train]))
        write_csv(f"{staging['validation']}/validation.csv", lines(names, users[validation], addresses[validation]))
        test_lines = lines(names, test_users[order], test_addresses[order])
        write_csv(f"{staging['test']}/test.csv", test_lines)
        labels = (test_lines + ",") + is_anomaly[order].astype(str).astype(object)
        write_csv(f"{staging['test_labels']}/labels.csv", labels, header="entity_id,ipv4,is_anomaly")
    sizes["test"] += anomalies
    print(
        f"ipinsights_logins: generated {len(times) + anomalies} logins of {args.users} users over {args.days} days "
        f"(seed {args.seed}); wrote {counts(sizes)}, the test split with {anomalies} anomalies (test_labels)"
    )
    return 0


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="ipinsights_logins", description=__doc__.splitlines()[0])
    parser.add_argument("--output-dir", required=True, help="gets train/, validation/, test/ and test_labels/")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--users", type=int, default=10_000, help=f"number of users, 1..{MAX_USERS:,}")
    parser.add_argument("--days", type=int, default=10, help="length of the period in days")
    parser.add_argument("--anomaly-share", type=float, default=0.01, help="share of anomalies in test, in [0, 1)")
    parser.add_argument("--validation-days", type=int, default=2)
    parser.add_argument("--test-days", type=int, default=1)
    args = parser.parse_args(argv)
    if args.seed < 0:
        parser.error("--seed must not be negative")
    if not 1 <= args.users <= MAX_USERS:
        parser.error(f"--users must be 1..{MAX_USERS}, got {args.users}")
    if args.validation_days < 1 or args.test_days < 1:
        parser.error("--validation-days and --test-days must be at least 1")
    if args.days <= args.validation_days + args.test_days:
        parser.error("--days must be more than --validation-days plus --test-days, leaving days for train")
    if not 0 <= args.anomaly_share < 1:  # also false for NaN
        parser.error(f"--anomaly-share must be in [0, 1), got {args.anomaly_share}")
    if args.users * args.days > MAX_USER_DAYS:
        user_days = args.users * args.days
        parser.error(f"--users x --days must be at most {MAX_USER_DAYS:,} user-days, got {user_days:,}")
    return args


def generate_logins(rng: np.random.Generator, user_count: int, days: int) -> tuple[np.ndarray, ...]:
    """(user index, uint32 address, timestamp in seconds) of every normal login, in generation order."""
    isp_count = max(4, -(-user_count // USERS_PER_ISP))
    office_count = max(8, -(-user_count // USERS_PER_OFFICE))
    available = public_slash16_prefixes()
    office_count = min(office_count, len(available) - isp_count)  # every block has its own /16
    prefixes = rng.choice(available, isp_count + office_count, replace=False).astype(np.int64)
    starts = prefixes << 16
    sizes = np.full(len(prefixes), 1 << 16, np.int64)
    starts[isp_count:] += rng.integers(0, 256, office_count) << 8  # an office is a /24 inside its /16
    sizes[isp_count:] = 1 << 8

    home = rng.integers(0, isp_count, user_count)
    popularity = 1 / np.arange(1, office_count + 1)  # Zipf-like: a few big offices, many small ones
    work = isp_count + rng.choice(office_count, user_count, p=popularity / popularity.sum())
    usual_home = host_addresses(rng, starts[home], sizes[home])
    travel_share = rng.uniform(0, MAX_TRAVEL_SHARE, user_count)
    home_share = (1 - travel_share) * rng.uniform(0.3, 0.7, user_count)

    per_user = 1 + np.floor(rng.pareto(PARETO_SHAPE, user_count) * 2 * days)
    per_user = np.minimum(per_user, MAX_EVENTS_PER_DAY * days).astype(np.int64)
    users = np.repeat(np.arange(user_count), per_user)
    draw = rng.random(len(users))
    at_home = draw < home_share[users]
    travelling = draw >= 1 - travel_share[users]
    network = np.where(at_home, home[users], work[users])
    network[travelling] = rng.integers(0, len(starts), int(travelling.sum()))
    addresses = host_addresses(rng, starts[network], sizes[network])
    usual = at_home & (rng.random(len(users)) < HOME_ADDRESS_SHARE)
    addresses[usual] = usual_home[users[usual]]
    times = rng.integers(0, days * SECONDS_PER_DAY, len(users))
    return users, addresses, times


def host_addresses(rng: np.random.Generator, starts: np.ndarray, sizes: np.ndarray) -> np.ndarray:
    """A random address of each block, never its first or last (network and broadcast address)."""
    return starts + 1 + rng.integers(0, sizes - 2)


def reserved_ranges() -> np.ndarray:
    """(first, last) address of each RESERVED range as int64, one row each."""
    ranges = []
    for address, length in RESERVED:
        first = int.from_bytes(bytes(int(octet) for octet in address.split(".")), "big")
        ranges.append((first, first + (1 << (32 - length)) - 1))
    return np.array(ranges, np.int64)


def public_slash16_prefixes() -> np.ndarray:
    """The first 16 bits of every /16 block that overlaps no RESERVED range."""
    prefixes = np.arange(1 << 16, dtype=np.int64)
    return prefixes[~overlaps_reserved(prefixes << 16, (prefixes << 16) + 0xFFFF)]


def overlaps_reserved(first: np.ndarray, last: np.ndarray) -> np.ndarray:
    ranges = reserved_ranges()
    return np.any((first[:, None] <= ranges[:, 1]) & (last[:, None] >= ranges[:, 0]), axis=1)


def public_addresses(rng: np.random.Generator, count: int) -> np.ndarray:
    """Uniformly random addresses outside every RESERVED range (rejection sampling; about 85% are kept)."""
    found = np.empty(0, np.int64)
    while len(found) < count:
        draw = rng.integers(0, 1 << 32, 2 * (count - len(found)) + 16, dtype=np.int64)
        found = np.concatenate([found, draw[~overlaps_reserved(draw, draw)]])
    return found[:count]


def anomaly_count(normal: int, share: float) -> int:
    """Anomalies to add to `normal` test events so that they make up `share` of the test file."""
    return round(normal * share / (1 - share))


def time_order(indices: np.ndarray, times: np.ndarray) -> np.ndarray:
    return indices[np.argsort(times[indices], kind="stable")]


def entity_names(user_count: int) -> np.ndarray:
    width = max(5, len(str(user_count - 1)))
    return np.array([f"user_{index:0{width}d}" for index in range(user_count)], dtype=object)


def format_ipv4(addresses: np.ndarray) -> np.ndarray:
    """Dotted-quad text of uint32 addresses (in int64), as an object array."""
    octets = np.array([str(value) for value in range(256)], dtype=object)
    a = addresses.astype(np.int64)
    return octets[a >> 24] + "." + octets[(a >> 16) & 255] + "." + octets[(a >> 8) & 255] + "." + octets[a & 255]


def lines(names: np.ndarray, users: np.ndarray, addresses: np.ndarray) -> np.ndarray:
    if len(users) == 0:
        return np.empty(0, dtype=object)
    return names[users] + "," + format_ipv4(addresses)


def write_csv(path: str, rows: np.ndarray, header: str | None = None) -> None:
    with open(path, "w", encoding="ascii", newline="\n") as file:
        if header is not None:
            file.write(header + "\n")
        if len(rows):
            file.write("\n".join(rows.tolist()) + "\n")


def counts(sizes: dict[str, int]) -> str:
    return ", ".join(f"{split} {size}" for split, size in sizes.items())
