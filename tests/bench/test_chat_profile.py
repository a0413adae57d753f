"""How `python -m bench chat_latency --profile` reads py-spy's collapsed stacks: which phase
of a chat a stack belongs to, which package its sampled instruction was in, and our functions
by inclusive samples. On made-up stacks shaped like py-spy's (outermost frame first)."""

from bench.chat_profile import by_package, by_phase, package, shares, top_functions

THREAD = (
    "_bootstrap (threading.py:1032);run (concurrent/futures/thread.py:59);"
    "_one_call (contactcenter/db_threads.py:86)"
)
COMMAND = "command.<locals>.run (contactcenter/commands.py:88)"
LOOP = "_run_once (asyncio/base_events.py:2040);websocket (contactcenter/asgi.py:51)"
STACKS = [
    # a visitor's message, on a database thread: the command, then the ORM
    f"{THREAD};{COMMAND};send_message (channels_adapters/webchat/visitor.py:230);"
    "execute (django/db/backends/utils.py:79) 30",
    # the push it makes when it commits counts for the message, not for the push
    f"{THREAD};{COMMAND};send_message (channels_adapters/webchat/visitor.py:240);"
    "publish (contactcenter/push.py:95) 10",
    # the token view
    "handle (daphne/http_protocol.py:200);session (channels_adapters/webchat/views.py:80);"
    "dumps (json/__init__.py:231) 5",
    # the accept: the routing config reload under it is named for itself
    f"{THREAD};AgentConsumer.act.<locals>.as_actor (contactcenter/console/consumers.py:70);"
    "accept (contactcenter/actions/interactions.py:40);"
    "fetch (psycopg/cursor.py:100) 20",
    f"{THREAD};interaction_view (contactcenter/console/state.py:120);"
    "current (routing/config.py:98);load (routing/config.py:120);"
    "__iter__ (django/db/models/query.py:400) 15",
    # the router's round
    "Loop.run (contactcenter/workers/loop.py:50);route_once (routing/router.py:311);"
    "assign_round (routing/router.py:200);match (routing/matching.py:10) 12",
    # frames with none of ours: by the framework found in the stack
    "run (twisted/internet/base.py:1318);dataReceived (autobahn/websocket/protocol.py:1200);"
    "_parseFrames (autobahn/websocket/protocol.py:1400) 7",
    f"{LOOP};JsonFramesConsumer.dispatch (contactcenter/json_frames.py:77);"
    "VisitorConsumer.connect (channels_adapters/webchat/consumers.py:33) 4",
    "garbage line without a count",
]


def test_each_stack_is_counted_for_the_phase_of_a_chat_it_belongs_to():
    phases = by_phase(STACKS)

    assert phases == {
        "visitor message: ingest": 40,
        "token (POST /widget/session/, HTTP middleware)": 5,
        "accept (agent action)": 20,
        "routing config reload (routing.config.load)": 15,
        "router: assign round (match, offer)": 12,
        "WebSocket framing (daphne, autobahn)": 7,
        "visitor connect": 4,
    }
    assert shares(phases, 1) == [("visitor message: ingest", 40, 40 / 103 * 100)]


def test_samples_are_counted_where_their_instruction_ran():
    assert by_package(STACKS, depth=1) == {
        "django": 45,
        "contactcenter": 10,
        "json": 5,
        "psycopg": 20,
        "routing": 12,
        "autobahn": 7,
        "channels_adapters": 4,
    }
    assert by_package(STACKS)["django.db"] == 45


def test_a_package_is_found_in_py_spy_s_short_and_long_file_names():
    assert package("django/db/models/query.py:400", 2) == "django.db"
    assert package("/srv/.venv/lib/python3.13/site-packages/redis/client.py") == "redis"
    assert package("/usr/lib/python3.13/asyncio/tasks.py") == "asyncio"
    assert package("/work/app/routing/router.py", 2) == "routing.router"
    assert package("<frozen importlib._bootstrap>") == "importlib"


def test_our_functions_are_ranked_by_inclusive_samples_without_the_wrappers():
    top = dict(top_functions(STACKS, 3))

    assert top == {
        "send_message (channels_adapters/webchat/visitor.py)": 40,
        "AgentConsumer.act.<locals>.as_actor (contactcenter/console/consumers.py)": 20,
        "accept (contactcenter/actions/interactions.py)": 20,
    }


SERVE = (
    "<module> (manage.py:14);main (manage.py:10);"
    "execute_from_command_line (django/core/management/__init__.py:443);"
    "BaseCommand.execute (django/core/management/base.py:466);"
    "Command.handle (contactcenter/management/commands/serve.py:120);"
    "Server.run (daphne/server.py:155);AsyncioSelectorReactor.run "
    "(twisted/internet/asyncioreactor.py:257);BaseEventLoop._run_once "
    "(asyncio/base_events.py:2027);Handle._run (asyncio/events.py:89)"
)


def test_the_servers_own_entry_point_names_no_phase():
    # Every stack of a Daphne's event loop starts at Django's command and `serve`: counted as
    # ours, the loop's, Twisted's and autobahn's work was "other of ours (serve.py)", 15 % of
    # a profile at 20 chats/s.
    phases = by_phase(
        [
            f"{SERVE};callWithLogger (twisted/python/log.py:98);"
            "WebSocketProtocol._dataReceived (autobahn/websocket/protocol.py:1428) 9",
            f"{SERVE};callWithLogger (twisted/python/log.py:98) 4",
            f"{SERVE};PubSub.parse_response (redis/asyncio/client.py:1572) 3",
            "<module> (manage.py:14);Command.handle "
            "(contactcenter/management/commands/serve.py:120);"
            "_later.<locals>.<lambda> (contactcenter/management/commands/serve.py:44) 2",
        ]
    )

    assert phases == {
        "WebSocket framing (daphne, autobahn)": 9,
        "event loops (twisted, asyncio)": 4,
        "channel layer (channels_redis)": 3,
        "other of ours (contactcenter/management/commands/serve.py)": 2,
    }


def test_a_callback_whose_frames_the_sampler_missed_is_named_so():
    # py-spy --nonblocking reads a running process: 1-11 % of a profile's samples ended
    # at the callback's call with the coroutine's frames below it unread.
    assert by_phase([f"{SERVE} 11"]) == {"asyncio callbacks (frames below not read)": 11}
