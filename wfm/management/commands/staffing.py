import json

from django.core.management.base import BaseCommand, CommandError

from wfm.requirements import BadTarget, staffing_summary


class Command(BaseCommand):
    help = (
        "Agents required for one interval by Erlang C and, with --patience, Erlang A: the "
        "fewest that meet the service-level target, and the agents to schedule after "
        "shrinkage (docs/wfm.md)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--arrivals-per-hour", type=float, required=True)
        parser.add_argument("--aht", type=float, required=True, help="mean handle time, s")
        parser.add_argument(
            "--sl-target", type=float, required=True, help="fraction answered in time, 0..1"
        )
        parser.add_argument(
            "--sl-threshold", type=float, required=True, help="service-level threshold, s"
        )
        parser.add_argument(
            "--patience",
            type=float,
            default=None,
            help="mean (exponential) customer patience in seconds: adds Erlang A",
        )
        parser.add_argument(
            "--shrinkage", type=float, default=0.0, help="fraction of paid time off the phones"
        )
        parser.add_argument("--json", action="store_true", help="print one JSON object only")

    def handle(self, *args, **options):
        if options["arrivals_per_hour"] < 0 or options["aht"] <= 0:
            raise CommandError("--arrivals-per-hour must be >= 0 and --aht > 0")
        try:
            result = staffing_summary(
                arrivals_per_hour=options["arrivals_per_hour"],
                aht_seconds=options["aht"],
                sl_target=options["sl_target"],
                sl_threshold_seconds=options["sl_threshold"],
                patience_seconds=options["patience"],
                shrinkage=options["shrinkage"],
            )
        except BadTarget as error:
            raise CommandError(str(error)) from None
        if options["json"]:
            self.stdout.write(json.dumps(result))
            return
        c = result["erlang_c"]
        lines = [
            f"Erlang C: {c['agents']} agents, service level {c['service_level']:.1%}, "
            f"ASA {c['asa_seconds']:.1f} s"
        ]
        if "erlang_a" in result:
            a = result["erlang_a"]
            lines.append(
                f"Erlang A: {a['agents']} agents, service level {a['service_level']:.1%}, "
                f"abandonment {a['abandon_rate']:.1%}"
            )
        lines.append(
            f"Scheduled after {options['shrinkage']:.0%} shrinkage: {result['scheduled_agents']}"
        )
        self.stdout.write("\n".join(lines))
