"""processing/ipinsights_logins.py: seeded synthetic logins -> out-of-time CSV splits and test labels (IP Insights)."""

import csv
import ipaddress
from collections import Counter, defaultdict
from pathlib import Path

import ipinsights_logins
import numpy as np
import pytest
from processing_testlib import assert_fails_in_process, assert_input_error, files_under, run_processing

SPLITS = ("train", "validation", "test")
DAY = ipinsights_logins.SECONDS_PER_DAY


@pytest.fixture
def output_splits() -> tuple[str, ...]:
    return (*SPLITS, "test_labels")


def run_generator(output, *args) -> int:
    return ipinsights_logins.main(["--output-dir", str(output), *map(str, args)])


def read_pairs(path: Path) -> list[tuple[str, str]]:
    text = path.read_text()
    assert text.endswith("\n") and "\r" not in text
    rows = [line.split(",") for line in text.splitlines()]
    assert all(len(row) == 2 for row in rows)
    return [tuple(row) for row in rows]


def read_labels(path: Path) -> list[tuple[str, str, int]]:
    with path.open(newline="") as file:
        rows = list(csv.reader(file))
    assert rows[0] == ["entity_id", "ipv4", "is_anomaly"]
    return [(user, ip, int(label)) for user, ip, label in rows[1:]]


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    """One run with 600 users over the default 10 days (7 train, 2 validation, 1 test) and 5% anomalies."""
    folder = tmp_path_factory.mktemp("ipinsights") / "output"
    assert run_generator(folder, "--users", 600, "--anomaly-share", "0.05", "--seed", 3) == 0
    return folder


def test_csv_files_are_entity_and_public_ipv4_without_header(generated):
    assert files_under(generated) == [
        generated / "test" / "test.csv",
        generated / "test_labels" / "labels.csv",
        generated / "train" / "train.csv",
        generated / "validation" / "validation.csv",
    ]
    for split in SPLITS:
        pairs = read_pairs(generated / split / f"{split}.csv")
        assert pairs
        for user, ip in pairs:
            assert user.startswith("user_") and len(user) == 10 and 0 <= int(user[5:]) < 600
            address = ipaddress.IPv4Address(ip)  # raises on anything but a dotted quad
            assert str(address) == ip
            assert address.is_global and not address.is_multicast, ip


def test_no_address_in_a_reserved_range(generated):
    reserved = [ipaddress.ip_network(f"{first}/{length}") for first, length in ipinsights_logins.RESERVED]
    for name in ("0.0.0.0/8", "10.0.0.0/8", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12", "192.168.0.0/16",
                 "224.0.0.0/4", "240.0.0.0/4"):  # fmt: skip
        assert any(ipaddress.ip_network(name).subnet_of(network) for network in reserved), name
    addresses = {
        ipaddress.IPv4Address(ip) for split in SPLITS for _, ip in read_pairs(generated / split / f"{split}.csv")
    }
    assert not [address for address in addresses if any(address in network for network in reserved)]


def test_public_address_sampler_avoids_reserved_ranges():
    addresses = ipinsights_logins.public_addresses(np.random.default_rng(0), 200_000)
    assert len(addresses) == 200_000
    ranges = ipinsights_logins.reserved_ranges()
    assert not ((addresses[:, None] >= ranges[:, 0]) & (addresses[:, None] <= ranges[:, 1])).any()
    assert addresses.min() >= 1 << 24 and addresses.max() < 224 << 24


def test_split_sizes_follow_the_days(tmp_path, capsys):
    output = tmp_path / "output"
    assert run_generator(output, "--users", 400, "--days", 20, "--validation-days", 5, "--test-days", 3) == 0
    sizes = {split: len(read_pairs(output / split / f"{split}.csv")) for split in SPLITS}
    labels = read_labels(output / "test_labels" / "labels.csv")
    anomalies = sum(label for *_, label in labels)
    normal = sum(sizes.values()) - anomalies
    # Uniform timestamps: about 12/20, 5/20 and 3/20 of the normal events.
    assert abs(sizes["train"] / normal - 12 / 20) < 0.05
    assert abs(sizes["validation"] / normal - 5 / 20) < 0.05
    assert abs((sizes["test"] - anomalies) / normal - 3 / 20) < 0.05
    summary = capsys.readouterr().out
    assert summary.startswith(f"ipinsights_logins: generated {sum(sizes.values())} logins of 400 users over 20 days")
    assert f"wrote train {sizes['train']}, validation {sizes['validation']}, test {sizes['test']}" in summary


def test_validation_and_test_are_the_last_days_in_time_order(monkeypatch, tmp_path):
    """Marks each event's time in its address (one /8 per day), so the files show which day an event is from."""

    def generate(rng, user_count, days):
        times = np.sort(rng.integers(0, days * DAY, 5000))[::-1].copy()  # generated out of time order
        users = rng.integers(0, user_count, len(times))
        return users, (times // DAY + 20) << 24 | (times % DAY), times

    monkeypatch.setattr(ipinsights_logins, "generate_logins", generate)
    output = tmp_path / "output"
    assert run_generator(output, "--users", 50, "--anomaly-share", 0) == 0

    def stamps(split):
        return [int(ipaddress.IPv4Address(ip)) for _, ip in read_pairs(output / split / f"{split}.csv")]

    def days(split):
        return {stamp >> 24 for stamp in stamps(split)}

    assert days("train") == set(range(20, 27))
    assert days("validation") == {27, 28}
    assert days("test") == {29}
    assert stamps("validation") == sorted(stamps("validation")) and stamps("test") == sorted(stamps("test"))
    assert stamps("train") != sorted(stamps("train"))  # shuffled
    assert sum(len(stamps(split)) for split in SPLITS) == 5000


def test_most_logins_of_a_user_come_from_home_and_work(generated):
    per_user: dict[str, Counter] = defaultdict(Counter)
    for split in ("train", "validation"):
        for user, ip in read_pairs(generated / split / f"{split}.csv"):
            per_user[user][ip.rsplit(".", 2)[0]] += 1  # the /16: home and work blocks each lie in one
    busy = {user: networks for user, networks in per_user.items() if sum(networks.values()) >= 30}
    assert len(busy) > 100
    for user, networks in busy.items():  # travel is at most 10% of a user's logins, so a small sample may reach 20%
        top3 = sum(count for _, count in networks.most_common(3))
        assert top3 >= 0.7 * sum(networks.values()), (user, networks)
    top2 = sum(count for networks in busy.values() for _, count in networks.most_common(2))
    assert top2 >= 0.9 * sum(sum(networks.values()) for networks in busy.values())  # home and work: ~95%
    # ... and users share networks (co-workers, neighbours on one ISP).
    users_per_network = Counter(network for networks in busy.values() for network in networks)
    assert max(users_per_network.values()) >= 10


def test_event_counts_are_heavy_tailed(generated):
    counts = Counter(user for split in SPLITS for user, _ in read_pairs(generated / split / f"{split}.csv"))
    values = np.array(sorted(counts.values()))
    assert values.max() > 5 * np.median(values)
    assert values.max() <= ipinsights_logins.MAX_EVENTS_PER_DAY * 10 + 100  # capped (plus a few anomalies)


def test_anomaly_labels_match_the_test_file(generated):
    test = read_pairs(generated / "test" / "test.csv")
    labels = read_labels(generated / "test_labels" / "labels.csv")
    assert [(user, ip) for user, ip, _ in labels] == test
    assert {label for *_, label in labels} == {0, 1}
    anomalies = sum(label for *_, label in labels)
    assert anomalies == round((len(test) - anomalies) * 0.05 / 0.95)
    # Anomalous addresses are random: almost none lies in a /16 the user logged in from during train.
    seen = defaultdict(set)
    for user, ip in read_pairs(generated / "train" / "train.csv"):
        seen[user].add(ip.rsplit(".", 2)[0])
    familiar = [ip for user, ip, label in labels if label and ip.rsplit(".", 2)[0] in seen[user]]
    assert len(familiar) <= 1


def test_anomalies_go_only_to_test_and_are_labelled_there(monkeypatch, tmp_path):
    """Anomalous addresses are drawn from TEST-NET-2 here, a range the generator never uses, to trace them."""
    marker = int(ipaddress.IPv4Address("198.51.100.0"))
    monkeypatch.setattr(ipinsights_logins, "public_addresses", lambda rng, count: marker + np.arange(count) % 256)
    output = tmp_path / "output"
    assert run_generator(output, "--users", 300, "--anomaly-share", "0.1") == 0

    def marked(ip: str) -> bool:
        return ip.startswith("198.51.100.")

    for split in ("train", "validation"):
        assert not any(marked(ip) for _, ip in read_pairs(output / split / f"{split}.csv"))
    labels = read_labels(output / "test_labels" / "labels.csv")
    assert [label for _, ip, label in labels] == [int(marked(ip)) for _, ip, _ in labels]
    assert sum(label for *_, label in labels) == round((len(labels) - sum(label for *_, label in labels)) / 9)


def test_zero_anomaly_share_gives_no_anomalies(tmp_path):
    output = tmp_path / "output"
    assert run_generator(output, "--users", 100, "--anomaly-share", 0) == 0
    assert {label for *_, label in read_labels(output / "test_labels" / "labels.csv")} == {0}


def test_same_seed_gives_identical_bytes_and_another_seed_other_data(tmp_path):
    def files(name, seed):
        assert run_generator(tmp_path / name, "--users", 200, "--seed", seed) == 0
        return [path.read_bytes() for path in files_under(tmp_path / name)]

    first = files("a", 7)
    assert first == files("b", 7)
    assert all(a != c for a, c in zip(first, files("c", 8), strict=True))


def test_no_events_in_a_split_fails_without_output(monkeypatch, output, capsys):
    def generate(rng, user_count, days):
        times = rng.integers(0, 7 * DAY, 100)  # none in the validation and test days
        return rng.integers(0, user_count, 100), np.full(100, 1 << 24), times

    monkeypatch.setattr(ipinsights_logins, "generate_logins", generate)
    code = run_generator(output, "--users", 5)
    assert_fails_in_process(code, capsys, output, "error: the generated data have no events in the", "--users")


@pytest.mark.parametrize(
    "arguments",
    [
        ("--users", "0"),
        ("--users", "x"),
        ("--days", "3"),
        ("--validation-days", "0"),
        ("--test-days", "0"),
        ("--days", "5", "--validation-days", "3", "--test-days", "2"),
        ("--anomaly-share", "1"),
        ("--anomaly-share", "-0.1"),
        ("--anomaly-share", "nan"),
        ("--seed", "-1"),
    ],
)
def test_bad_arguments_exit_2_without_output(output, capsys, arguments):
    with pytest.raises(SystemExit) as exit_info:
        run_generator(output, *arguments)
    assert exit_info.value.code == 2
    assert "ipinsights_logins: error:" in capsys.readouterr().err
    assert files_under(output) == []


@pytest.mark.parametrize(
    "arguments",
    [
        ("--users", "1", "--days", str(10**12)),
        ("--users", "1000", "--days", str(10**9)),
        ("--days", str(10**20)),
        ("--users", "1000000", "--days", "11"),
    ],
)
def test_sizes_beyond_the_bound_are_a_usage_error_not_a_memory_error(output, capsys, arguments):
    with pytest.raises(SystemExit) as exit_info:
        run_generator(output, *arguments)
    assert exit_info.value.code == 2
    assert "ipinsights_logins: error: --users x --days must be at most 10,000,000 user-days" in capsys.readouterr().err
    assert files_under(output) == []


def test_the_job_entry_point_runs_it(tmp_path):
    output = tmp_path / "output"
    result = run_processing("ipinsights_logins", "--output-dir", output, "--users", 50)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("ipinsights_logins: generated")
    result = run_processing("ipinsights_logins", "--output-dir", output, "--users", "1", "--days", "400", "--seed", "3")
    assert_input_error(result, "no events in the")
