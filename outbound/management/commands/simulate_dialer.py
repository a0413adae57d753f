import json

from django.core.management.base import BaseCommand, CommandError

from outbound.pacing import DEFAULT_ABANDON_CAP, Mode
from outbound.simulator import DialerScenario, simulate_dialer


class Command(BaseCommand):
    help = (
        "Drive the real pacing code (preview, progressive, predictive) against contacts who "
        "answer with probability P after a ring time, on a virtual clock (no sleeping); print "
        "dials, answers, abandons, the abandon rate (abandoned ÷ answered) and agent "
        "utilisation (docs/outbound.md)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--mode", choices=[m.value for m in Mode], required=True)
        parser.add_argument("--agents", type=int, required=True, help="agents on the campaign")
        parser.add_argument(
            "--answer-rate", type=float, required=True, help="chance a dial reaches a person"
        )
        parser.add_argument("--aht", type=float, required=True, help="mean handle time, s")
        parser.add_argument("--dials", type=int, required=True, help="dials to place")
        parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
        parser.add_argument(
            "--abandon-cap",
            type=float,
            default=DEFAULT_ABANDON_CAP,
            help="the abandoned ÷ answered cap predictive holds (default 0.03)",
        )
        parser.add_argument(
            "--ring-seconds", type=float, default=15.0, help="mean ring time before an answer"
        )
        parser.add_argument(
            "--json", action="store_true", help="print one JSON object and nothing else on stdout"
        )

    def handle(self, *args, **options):
        try:
            scenario = DialerScenario(
                mode=Mode(options["mode"]),
                agents=options["agents"],
                answer_rate=options["answer_rate"],
                aht_seconds=options["aht"],
                dials=options["dials"],
                seed=options["seed"],
                abandon_cap=options["abandon_cap"],
                ring_seconds=options["ring_seconds"],
            )
            scenario.config()  # checks the cap
        except ValueError as error:
            raise CommandError(str(error)) from None
        result = simulate_dialer(scenario)
        if options["json"]:
            self.stdout.write(json.dumps(result))
            return
        self.stdout.write(
            f"{scenario.mode} dialling, {scenario.agents} agents, answer rate "
            f"{scenario.answer_rate:.0%}, AHT {scenario.aht_seconds:g} s "
            f"(simulated in {result['wall_seconds']:.2f} s)\n"
            f"  dials              {result['dials']:>8}\n"
            f"  answered           {result['answered']:>8}\n"
            f"  abandoned          {result['abandoned']:>8}\n"
            f"  abandon rate       {result['abandon_rate']:>8.2%}   (cap {scenario.abandon_cap:.0%}"
            " of answered)\n"
            f"  agent utilisation  {result['agent_utilisation']:>8.1%}"
        )
