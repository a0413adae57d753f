"""The ports `python -m bench chat_latency` runs its servers on (bench/chat_latency.py)."""

from pathlib import Path

from bench.chat_latency import server_ports


def test_the_servers_ports_are_below_the_ephemeral_range_for_every_process_id():
    first_ephemeral = 32768  # Linux's default; the machine's own, where it can be read
    ranges = Path("/proc/sys/net/ipv4/ip_local_port_range")
    if ranges.exists():
        first_ephemeral = min(first_ephemeral, int(ranges.read_text().split()[0]))
    for pid in range(0, 70000, 7):
        ports = server_ports(4, pid)
        assert len(set(ports)) == 4
        assert min(ports) > 1024 and max(ports) < first_ephemeral, (pid, ports)
