"""``python -m ganglion run CONFIG`` and ``python -m ganglion resume RUN_DIR``: the ``ganglion``
program's run and resume for configs whose task is written in Python
(``task: {python: "module:factory"}``); built-in tasks run too. Exit codes as the program's: 0
solved or threshold reached, 3 generation limit, 130 interrupted (Ctrl-C or SIGTERM: the
generation finishes and the files are saved), 1 bad input or an error in the task's code (the
last completed generation is saved and resumes).
"""

import argparse
import signal
import sys
import traceback

from . import ConfigError, Error, Session, _ganglion, load_config, set_log_level, write_report

EXIT_CODES = {"solved": 0, "threshold": 0, "generation_limit": 3, "interrupted": 130}


def _stop_on_sigterm(signum, frame):
    raise KeyboardInterrupt  # ends the run as Ctrl-C does: files saved, exit 130


def _log_end(session, quiet):
    if quiet:
        return
    s = session.summary()
    best = s["best"]
    print(f"{s['reason']} after {s['generations']} generation(s), {s['evaluations']} evaluations, "
          f"{s['seconds']:.2f}s; best genome {best.id}: fitness {best.fitness:.6g}"
          f"{' (reached run.fitness_threshold)' if s['reason'] == 'threshold' else ' (solves the task)' if s['solved'] else ''}",
          file=sys.stderr)
    print(f"run folder: {s['run_dir']}", file=sys.stderr)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m ganglion", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="run one evolution from a config file")
    run.add_argument("config")
    run.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", help="override a config key")
    run.add_argument("--seed", type=int)
    run.add_argument("--generations", type=int)
    run.add_argument("--threads", type=int)
    run.add_argument("--out", default="", help="run folder (default: <run.out_dir>/<name>-<timestamp>); must be empty or new")
    run.add_argument("--force", action="store_true", help="start over in a --out folder that holds a run: delete its files first")
    run.add_argument("-q", "--quiet", action="store_true", help="only warnings and errors")
    run.add_argument("--report", action="store_true", help="write RUN_DIR/report.html at the end")
    resume = sub.add_parser("resume", help="continue a run from its folder or a checkpoint")
    resume.add_argument("path")
    resume.add_argument("--set", action="append", default=[], metavar="KEY=VALUE")
    resume.add_argument("--generations", type=int)
    resume.add_argument("--threads", type=int)
    resume.add_argument("-q", "--quiet", action="store_true")
    resume.add_argument("--report", action="store_true", help="write RUN_DIR/report.html at the end")
    args = parser.parse_args(argv)

    overrides = list(args.set)
    if getattr(args, "seed", None) is not None:
        overrides.append(f"seed={args.seed}")
    if args.generations is not None:
        overrides.append(f"run.generations={args.generations}")
    if args.threads is not None:
        overrides.append(f"threads={args.threads}")
    _ganglion._set_log_pattern("[%H:%M:%S] %^%l%$ %v")  # the ganglion program's
    if args.quiet:
        set_log_level("warn")
    previous = signal.signal(signal.SIGTERM, _stop_on_sigterm)
    try:
        if args.command == "run":
            session = Session.start(load_config(args.config, overrides), run_dir=args.out, log=not args.quiet,
                                    overwrite=args.force)
        else:
            session = Session.resume(args.path, overrides, log=not args.quiet)
        if not args.quiet:
            print(f"{args.command} '{session.config.name}': task {session.task_name}, backend {session.backend} "
                  f"-> {session.run_dir}", file=sys.stderr)
        reason = session.run()
        _log_end(session, args.quiet)
        if args.report:
            path = write_report(session.run_dir)
            if not args.quiet:
                print(f"report: {path}", file=sys.stderr)
        return EXIT_CODES.get(reason, 1)
    except (ConfigError, Error) as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130  # before the session existed: nothing was written
    except Exception:
        traceback.print_exc()
        return 1
    finally:
        signal.signal(signal.SIGTERM, previous)


if __name__ == "__main__":
    sys.exit(main())
