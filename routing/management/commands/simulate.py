import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from routing.simulator import Scenario, simulate


class Command(BaseCommand):
    help = (
        "Drive the real routing core with a synthetic workload on a virtual clock (no "
        "sleeping) and print service level, ASA, abandonment and occupancy per queue beside "
        "the Erlang C prediction for the same traffic. Either the single-queue shorthand "
        "(--agents, --arrivals-per-hour, --aht, …) or --scenario FILE for many queues, skills "
        "and shifts (docs/routing.md)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--agents", type=int, help="agents serving the queue (M/M/c: c)")
        parser.add_argument(
            "--arrivals-per-hour", type=float, help="mean arrival rate; arrivals are Poisson"
        )
        parser.add_argument("--aht", type=float, help="mean handle time in seconds")
        parser.add_argument(
            "--sl-threshold",
            type=float,
            default=20.0,
            help="service-level threshold in seconds (default 20)",
        )
        parser.add_argument("--hours", type=float, default=8.0, help="simulated hours (default 8)")
        parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
        parser.add_argument(
            "--patience",
            type=float,
            default=None,
            help="mean customer patience in seconds, exponentially "
            "distributed; absent: nobody abandons",
        )
        parser.add_argument(
            "--handle-dist",
            choices=["exponential", "lognormal"],
            default="exponential",
            help="handle-time distribution (default exponential)",
        )
        parser.add_argument(
            "--scenario", type=Path, help="a JSON scenario file instead of the shorthand"
        )
        parser.add_argument(
            "--json", action="store_true", help="print one JSON object and nothing else on stdout"
        )

    def handle(self, *args, **options):
        scenario = self._scenario(options)
        result = simulate(scenario)
        if options["json"]:
            self.stdout.write(json.dumps(result))
            return
        self.stdout.write(self._table(result, scenario))

    def _scenario(self, options) -> Scenario:
        if options["scenario"]:
            try:
                return Scenario.from_dict(json.loads(options["scenario"].read_text()))
            except (OSError, ValueError, KeyError, TypeError) as error:
                raise CommandError(f"bad scenario file: {error}") from None
        missing = [
            f"--{name.replace('_', '-')}"
            for name in ("agents", "arrivals_per_hour", "aht")
            if options[name] is None
        ]
        if missing:
            raise CommandError(f"give {', '.join(missing)} (or --scenario FILE)")
        if options["agents"] < 1 or options["arrivals_per_hour"] <= 0 or options["aht"] <= 0:
            raise CommandError("--agents, --arrivals-per-hour and --aht must be positive")
        if options["hours"] <= 0 or options["sl_threshold"] <= 0:
            raise CommandError("--hours and --sl-threshold must be positive")
        return Scenario.single_queue(
            agents=options["agents"],
            arrivals_per_hour=options["arrivals_per_hour"],
            aht=options["aht"],
            sl_threshold=options["sl_threshold"],
            hours=options["hours"],
            seed=options["seed"],
            patience=options["patience"],
            handle_dist=options["handle_dist"],
        )

    def _table(self, result, scenario: Scenario) -> str:
        lines = [
            f"Simulated {result['simulated_interactions']:,} interactions over "
            f"{scenario.hours:g} h in {result['wall_seconds']:.2f} s "
            f"({result['simulated_interactions'] / max(result['wall_seconds'], 1e-9):,.0f}/s).",
            "",
            f"{'queue':12} {'offered':>8} {'answered':>9} {'abandoned':>9} "
            f"{'SL':>7} {'ASA s':>8} {'occup.':>7}   | Erlang C: {'agents':>6} {'P(wait)':>8} "
            f"{'SL':>7} {'ASA s':>8}",
        ]
        for name, q in result["queues"].items():
            e = q["erlang_c"]
            asa = "inf" if e["asa_seconds"] is None else f"{e['asa_seconds']:.1f}"
            lines.append(
                f"{name:12} {q['offered']:>8} {q['answered']:>9} {q['abandoned']:>9} "
                f"{q['service_level']:>7.1%} {q['asa_seconds']:>8.1f} {q['occupancy']:>7.1%}   | "
                f"{'':10}{e['agents']:>6} {e['p_wait']:>8.3f} {e['service_level']:>7.1%} "
                f"{asa:>8}"
            )
        lines.append("")
        lines.append(
            "SL: answered within the threshold ÷ (answered + abandoned). Erlang C "
            "assumes nobody abandons and exponential handle times."
        )
        return "\n".join(lines)
