"""The `tierwise` command: thin click commands that parse, call, and print.

Heavy modules (polars, Textual, openpyxl) are imported inside the commands that need
them, so `tierwise --help` and `tierwise rubric` start fast.
"""

from __future__ import annotations

import json
import os
import re
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import click

from tierwise import __version__
from tierwise.errors import TierwiseError
from tierwise.io.formats import READABLE
from tierwise.outputs import FORMATS, WORKBOOK


class _Command(click.Command):
    """Turns a TierwiseError (and any unexpected error) into one line and exit 1."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except TierwiseError as err:
            raise _fail(str(err)) from None
        except (click.exceptions.Exit, click.ClickException, click.Abort, KeyboardInterrupt):
            raise
        except BrokenPipeError:  # the reader of standard output went (`| head`): stop quietly
            # Python docs' recipe: point stdout at devnull so the flush at exit cannot fail too.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            raise click.exceptions.Exit(1) from None
        except Exception as err:  # a bug of ours: still one line, traceback on request
            if os.environ.get("TIERWISE_DEBUG"):
                raise
            raise _fail(
                f"unexpected error: {type(err).__name__}: {err} "
                "(set TIERWISE_DEBUG=1 to see the traceback)"
            ) from None


# Control characters from cell text (calamine decodes "_x001B_" to ESC) would reach the
# terminal and drive it: an OSC sequence retitles it, others clear or rewrite the screen.
# Text for people shows them as U+FFFD, except colour/bold (SGR) sequences, which the
# reports use and which cannot do more than colour; JSON keeps them, as \u escapes.
# Bidirectional overrides and isolates (U+202A-202E, U+2066-2069, and the marks U+200E,
# U+200F, U+061C) are controls too: they reorder what follows on the line, so a name can
# make the text after it read backwards ("Trojan Source").
_UNSAFE = re.compile(
    "(\x1b\\[[0-9;]*m)|[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]"
)


def shown(text: str) -> str:
    """Text safe to print on a terminal (tab, newline and colours kept)."""
    return _UNSAFE.sub(lambda m: m.group(1) or "\ufffd", text)


def echo_json(doc: object) -> None:
    """Print `doc` as JSON (see `echo_json_parts`)."""
    echo_json_parts([json.dumps(doc, ensure_ascii=False).encode()])


def echo_json_parts(parts: Iterable[bytes]) -> None:
    """Print a JSON document given as UTF-8 pieces, every control character escaped:
    compact and streamed for a pipe, indented when a person reads it at a terminal."""
    from tierwise.io.exports import escape_c1

    if sys.stdout.isatty():
        pretty = json.dumps(json.loads(b"".join(parts)), indent=2, ensure_ascii=False)
        parts = [pretty.encode()]
    for part in parts:
        click.echo(escape_c1(part), nl=False)  # bytes go to the binary stream as they are
    click.echo(b"\n", nl=False)


def _json_array(docs: Iterable[Iterable[bytes]]) -> Iterator[bytes]:
    """JSON documents given in pieces, as the pieces of one array of them."""
    yield b"["
    for i, parts in enumerate(docs):
        if i:
            yield b","
        yield from parts
    yield b"]"


@contextmanager
def _status_line(wanted: bool) -> Iterator[Callable[[str], None] | None]:
    """A callable that shows what is being done on one stderr line, rewritten in place
    and erased when the block ends (so an error line starts clean); None unless
    `wanted` and stderr is a terminal."""
    if not (wanted and sys.stderr.isatty()):
        yield None
        return

    def show(what: str) -> None:
        click.echo(f"\r\x1b[K{shown(what)} …", err=True, nl=False)

    try:
        yield show
    finally:
        click.echo("\r\x1b[K", err=True, nl=False)


def _fail(message: str) -> click.exceptions.Exit:
    click.echo(f"tierwise: {shown(message)}", err=True)
    return click.exceptions.Exit(1)


def _colour() -> bool | None:
    """click.echo's `color`: never with NO_COLOR set (no-color.org), else only at a
    terminal (click strips the styles from a pipe)."""
    return False if os.environ.get("NO_COLOR") else None


def echo_text(text: str, *, err: bool = False) -> None:
    """Print text for people: control characters made harmless, colours as `_colour`."""
    click.echo(shown(text), err=err, color=_colour())


class _MissingFile(click.ClickException):
    """A file argument that is not there: exit 1 like any file Tierwise cannot read (a
    usage error, exit 2, is a wrong option or argument, not a missing file)."""

    def show(self, file: object = None) -> None:
        click.echo(f"tierwise: {shown(self.message)}", err=True)


class InputFile(click.ParamType):
    """An existing file to read; a missing one is `_MissingFile` (exit 1)."""

    name = "file"

    def convert(self, value: object, param: click.Parameter | None, ctx: click.Context | None):
        path = Path(str(value))
        if not path.is_file():
            raise _MissingFile(f"{path} does not exist or is not a file")
        return path


class _Group(click.Group):
    command_class = _Command


def parse_map(values: tuple[str, ...]) -> dict[str, str]:
    """`--map "Header=field"` options into {header: field} ("Header=" keeps it unmapped)."""
    from tierwise.fields import FIELDS

    mapping: dict[str, str] = {}
    for item in values:
        header, sep, field = item.rpartition("=")
        field = field.strip()
        if not sep or not header.strip():
            raise click.BadParameter(f"{item!r} is not HEADER=FIELD", param_hint="--map")
        if field and field not in FIELDS:
            raise click.BadParameter(
                f"unknown field {field!r}; fields are: {', '.join(FIELDS)}", param_hint="--map"
            )
        mapping[header.strip()] = field
    return mapping


def parse_sheet(value: str | None) -> str | int | None:
    """`--sheet` takes a name or a 1-based position."""
    if value is None:
        return None
    return int(value) - 1 if value.isdigit() else value


def parse_as_of(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date like 2026-03-31") from None


sheet_option = click.option(
    "--sheet", metavar="NAME|N", help="The partner sheet, by name or 1-based position."
)
map_option = click.option(
    "--map",
    "maps",
    multiple=True,
    metavar="HEADER=FIELD",
    help='Map a column to a field, e.g. --map "Account Name=partner" ("Status=" keeps a '
    "column unmapped). Repeatable.",
)
profile_option = click.option(
    "--profile",
    metavar="NAME",
    help="Read the columns as this export names them (see `tierwise profiles`); "
    "default: detected from the headers.",
)
rubric_option = click.option(
    "--rubric",
    type=InputFile(),
    help="A rubric TOML merged over the default (see `tierwise rubric`).",
)
allow_large_option = click.option(
    "--allow-large",
    is_flag=True,
    help="Open files past the zip-bomb and sheet-size safety caps (only files you trust).",
)
as_of_option = click.option(
    "--as-of", metavar="YYYY-MM-DD", help="Judge dates as of this day (default: today)."
)


@click.group(
    cls=_Group,
    context_settings={"help_option_names": ["-h", "--help"]},
    help=f"""Score a partner portfolio against the four go-to-market motivations.

    Tierwise reads the partner tracker you already keep ({READABLE}), scores each
    partner, flags the four classic partnering mistakes with the reasons, and writes
    your own workbook back annotated.""",
)
@click.version_option(__version__, prog_name="tierwise")
def main() -> None:
    """The `tierwise` command (its help, above, names the formats it reads)."""
    _allocator_settings()


def _allocator_settings() -> None:
    """polars' allocator (jemalloc) marks the pages it frees as reclaimable (MADV_FREE)
    and returns them a second later: until then they count in the process's memory,
    and scoring 100k partners frees and takes hundreds of MB within that second. They
    are returned at once instead (benchmarks/RESULTS-floor.md: 40-80 MB less peak at
    100k, the same CPU). Set before polars is first imported, or it is too late; a
    setting of the user's own wins."""
    if "polars" not in sys.modules:
        os.environ.setdefault("_RJEM_MALLOC_CONF", "muzzy_decay_ms:0")


@main.command()
@click.argument("file", type=InputFile())
@sheet_option
@map_option
@profile_option
@click.option("--json", "as_json", is_flag=True, help="Print the source and warnings as JSON.")
@allow_large_option
def inspect(
    file: Path,
    sheet: str | None,
    maps: tuple[str, ...],
    profile: str | None,
    as_json: bool,
    allow_large: bool,
) -> None:
    """Show how FILE is read: sheet, header row, column mapping (how sure, least sure
    first) and every warning."""
    from tierwise.io.reader import read_tracker
    from tierwise.report import inspect_report

    with _status_line(True) as status:
        if status:
            status(f"reading {file.name}")
        tracker = read_tracker(
            file,
            sheet=parse_sheet(sheet),
            mapping=parse_map(maps),
            profile=profile,
            allow_large=allow_large,
        )
    if as_json:
        doc = {
            "source": tracker.source.to_json(),
            "warnings": [{"where": w.where, "message": w.message} for w in tracker.warnings],
        }
        echo_json(doc)
    else:
        echo_text(inspect_report(tracker))


@main.command()
@rubric_option
def profiles(rubric: Path | None) -> None:
    """List the mapping profiles: built-in ones and those of your rubric."""
    from tierwise.io.profiles import all_profiles
    from tierwise.report.inspect import profiles_report
    from tierwise.scoring.rubric import load_rubric

    click.echo(profiles_report(all_profiles(load_rubric(rubric).profiles)))


@main.command()
def rubric() -> None:
    """Print the default rubric (TOML), to start a custom one."""
    from tierwise.scoring.rubric import default_rubric_text

    click.echo(default_rubric_text(), nl=False)


old_as_of_option = click.option(
    "--old-as-of",
    metavar="YYYY-MM-DD",
    help="Judge OLD's dates as of this day (default: its last saved scoring, else the day "
    "it was last saved).",
)


@main.command()
@click.argument("files", nargs=-1, required=True, metavar="FILE...")
@click.option(
    "-o",
    "--output",
    type=click.Path(),  # text as typed: "DIR/" names a folder
    help="Output file (one input), folder (DIR/, made when missing), or - for stdout "
    "(csv/json). Default: NAME.tierwise.EXT beside each.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(list(FORMATS)),
    default=None,
    help="What to write: the annotated workbook (default), or the results as "
    + " or ".join(name.upper() for name in FORMATS if name != WORKBOOK)
    + ".",
)
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="Print the whole result as JSON on stdout (writes a file only with -o or --format).",
)
@sheet_option
@map_option
@profile_option
@rubric_option
@click.option(
    "--compare",
    type=InputFile(),
    metavar="B.toml",
    help="Also score with this rubric and show what changes against --rubric (or the default).",
)
@as_of_option
@click.option(
    "--since",
    type=InputFile(),
    metavar="OLD",
    help='Add a "Tierwise Changes" sheet: what changed since OLD (last quarter\'s tracker).',
)
@old_as_of_option
@allow_large_option
@click.option(
    "--top",
    type=click.IntRange(min=0),
    default=None,
    metavar="N",
    help="Partners listed in the report (default 50; 0 lists them all).",
)
@click.option("-q", "--quiet", is_flag=True, help="Only the one-line summary per file.")
@click.option(
    "--force", is_flag=True, help="Replace an existing workbook at -o that Tierwise did not write."
)
def score(
    files: tuple[str, ...],
    output: str | None,
    fmt: str | None,
    as_json: bool,
    sheet: str | None,
    maps: tuple[str, ...],
    profile: str | None,
    rubric: Path | None,
    compare: Path | None,
    as_of: str | None,
    since: Path | None,
    old_as_of: str | None,
    allow_large: bool,
    top: int | None,
    quiet: bool,
    force: bool,
) -> None:
    """Score partner trackers and write each one back annotated.

    FILE may be several files or glob patterns ("trackers/*.xlsx"). Each input gets its
    own output: NAME.tierwise.xlsx beside it (or --format csv|json), never over an
    input. With one input the ranked report and portfolio checks are printed; with
    several, a one-line summary each. Exits 1 if any file failed, after trying all.
    """
    from tierwise import batch
    from tierwise.outputs import STDOUT, output_format, plan_outputs

    options = batch.Options(
        sheet=parse_sheet(sheet),
        mapping=parse_map(maps),
        profile=profile,
        rubric_path=rubric,
        as_of=parse_as_of(as_of),
        allow_large=allow_large,
        since=since,
        since_as_of=parse_as_of(old_as_of),
    )
    if old_as_of is not None and since is None:
        raise click.UsageError("--old-as-of dates OLD of --since: give --since OLD too")
    if compare is not None and (output is not None or fmt is not None):
        raise click.UsageError(
            "--compare prints what changes between two rubrics and writes no file: "
            "drop -o/--format, or score with each rubric in its own run"
        )
    paths, again = batch.expand(files)
    for path in again:
        echo_text(f"tierwise: {path} is given more than once: scored once", err=True)
    write = fmt is not None or output is not None or not as_json
    fmt = output_format(output, fmt)  # --format, else what -o's suffix names
    if since is not None and len(paths) != 1:
        raise TierwiseError("--since takes exactly one tracker")
    if since is not None and (fmt != WORKBOOK or not write):
        others = " or ".join(name for name in FORMATS if name != WORKBOOK)
        raise TierwiseError(
            "--since adds a 'Tierwise Changes' sheet to the annotated workbook: "
            f"write one (not --json alone, nor --format {others})"
        )
    if compare is not None:
        if len(paths) != 1:
            raise TierwiseError("--compare takes exactly one tracker")
        outcome = batch.compare_rubrics(paths[0], options, compare)
        if as_json:
            echo_json(outcome.to_json())
        else:
            echo_text(outcome.report())
        return
    if output == str(STDOUT) and as_json:
        raise click.UsageError("-o - already prints the result: drop --json")
    # Every -o problem (a folder, permissions, an input, a clash) fails here, before
    # any tracker is read.
    targets = plan_outputs(paths, output, fmt, force=force) if write else {}
    failed = 0
    docs = []
    show = sys.stderr.isatty() and len(paths) > 1 and not as_json
    with click.progressbar(
        paths, label="Scoring", file=sys.stderr, hidden=not show, show_pos=True
    ) as bar:
        for path in bar:
            try:
                # One big tracker takes seconds: at a terminal, say which stage it is in.
                with _status_line(len(paths) == 1) as status:
                    done = batch.score_one(path, options, targets.get(path), status, fmt)
            except TierwiseError as err:
                failed += 1
                echo_text(f"tierwise: {_naming(path, str(err))}", err=True)
                continue
            if as_json:
                docs.append(done.json_parts)
            elif targets.get(path) == STDOUT:  # stdout holds the CSV or JSON
                echo_text(done.summary, err=True)
            elif len(paths) == 1 and not quiet:
                echo_text(done.report(top))
                echo_text(done.summary, err=True)
            else:
                echo_text(done.summary)
    if as_json and docs:  # a failed run prints nothing on stdout: its errors are on stderr
        if len(paths) == 1:
            echo_json_parts(docs[0])
        else:
            echo_json_parts(_json_array(docs))
    if failed:
        raise click.exceptions.Exit(1)


def _naming(path: Path, message: str) -> str:
    """`message` naming `path` once: prefixed with it unless it already names it."""
    return message if str(path) in message or path.name in message else f"{path}: {message}"


def quarter_options(command: Callable) -> Callable:
    """The options `diff` and `brief` share: how both trackers are read, and as of when."""
    for option in reversed(
        (sheet_option, map_option, rubric_option, as_of_option, old_as_of_option)
    ):
        command = option(command)
    return command


threshold_option = click.option(
    "--threshold",
    type=click.FloatRange(min=0),
    default=10.0,
    show_default=True,
    metavar="POINTS",
    help="Report score and motivation moves of at least this many points.",
)


@main.command()
@click.argument("old", type=InputFile())
@click.argument("new", type=InputFile())
@click.option("--json", "as_json", is_flag=True, help="Print the comparison as JSON.")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="OUT.xlsx",
    help='Also write NEW annotated, with a "Tierwise Changes" sheet.',
)
@quarter_options
@threshold_option
@allow_large_option
@click.option(
    "--top",
    type=click.IntRange(min=0),
    default=20,
    metavar="N",
    help="Entries listed per section (0: all).",
)
def diff(
    old: Path,
    new: Path,
    as_json: bool,
    output: Path | None,
    sheet: str | None,
    maps: tuple[str, ...],
    rubric: Path | None,
    as_of: str | None,
    old_as_of: str | None,
    threshold: float,
    allow_large: bool,
    top: int,
) -> None:
    """What changed from OLD to NEW, two trackers of the same portfolio.

    Partners are matched by name (case, punctuation and legal suffixes such as Inc or
    GmbH ignored); each file is read with its own column mapping. Shows partners added
    and removed, tier labels changed, scores moved, flags raised and cleared, FTE and
    budget moved, and whether the decisions recorded in OLD were carried out in NEW.
    """
    from tierwise import batch
    from tierwise import review as quarter
    from tierwise.report.diff import diff_json, diff_report

    options = batch.Options(
        sheet=parse_sheet(sheet),
        mapping=parse_map(maps),
        rubric_path=rubric,
        as_of=parse_as_of(as_of),
        allow_large=allow_large,
    )
    with _status_line(not as_json) as status:
        if status:
            status(f"reading {old.name} and {new.name}")
        review = quarter.compare_files(
            old,
            new,
            options.judge,
            as_of=options.as_of,
            old_as_of=parse_as_of(old_as_of),
            threshold=threshold,
        )
        if output is not None:
            if status:
                status(f"writing {output.name}")
            quarter.write_with_changes(review, output)
    if as_json:
        echo_json(diff_json(review))
    else:
        echo_text(diff_report(review, top))
    if output is not None:
        click.echo(shown(f"Wrote {output}"), err=as_json)


@main.command()
@click.argument("file", type=InputFile())
@click.option(
    "--since",
    type=InputFile(),
    metavar="OLD",
    help="Say what changed since this tracker (default: the workbook's last saved scoring).",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="BRIEF.md|BRIEF.html",
    help="Write the brief here (Markdown or HTML, by extension) instead of printing Markdown.",
)
@quarter_options
@allow_large_option
def brief(
    file: Path,
    since: Path | None,
    output: Path | None,
    sheet: str | None,
    maps: tuple[str, ...],
    rubric: Path | None,
    as_of: str | None,
    old_as_of: str | None,
    allow_large: bool,
) -> None:
    """A one-page brief on FILE's portfolio, for the CEO.

    The portfolio against the 1 / 3-5 / many model, the strategic initiative's health,
    the top moves and the resources they free, the biggest risks, and what changed
    since the last review. Markdown on stdout (paste it into an email), or -o BRIEF.html
    to print.
    """
    from tierwise import batch, review
    from tierwise.io.atomic import same_file, write_atomically
    from tierwise.report.brief import brief_html, brief_markdown, build_brief

    kind = None if output is None else output.suffix.lower()
    if kind not in (None, ".md", ".markdown", ".txt", ".html", ".htm"):
        raise click.BadParameter("the brief is .md or .html", param_hint="-o")
    for given in (file, since):
        if output is not None and given is not None and same_file(output, given):
            raise TierwiseError(f"{output} is an input; Tierwise never overwrites one")
    options = batch.Options(
        sheet=parse_sheet(sheet),
        mapping=parse_map(maps),
        rubric_path=rubric,
        as_of=parse_as_of(as_of),
        allow_large=allow_large,
    )
    with _status_line(output is not None) as status:
        ev = options.evaluate(file, step=status)
        changes = review.since(ev, since, options.judge, old_as_of=parse_as_of(old_as_of))
    if ev.tracker.source.doubt:  # said on the page too, under its title
        click.echo(shown(f"Warning: {ev.tracker.source.doubt}"), err=True)
    page = build_brief(ev, changes)
    text = brief_html(page) if kind in (".html", ".htm") else brief_markdown(page)
    if output is None:
        click.echo(shown(text), nl=False)
        return

    def write(tmp: Path) -> None:
        tmp.write_text(text, encoding="utf-8")

    write_atomically(output, write)
    click.echo(shown(f"Wrote {output}"))


@main.command()
@click.argument("file", type=InputFile())
@click.option(
    "-o", "--output", type=click.Path(), help="Where ctrl+s saves (a file, or a folder DIR/)."
)
@click.option("--force", is_flag=True, help="Let ctrl+s replace a workbook Tierwise did not write.")
@sheet_option
@map_option
@profile_option
@rubric_option
@as_of_option
@allow_large_option
def triage(
    file: Path,
    output: str | None,
    force: bool,
    sheet: str | None,
    maps: tuple[str, ...],
    profile: str | None,
    rubric: Path | None,
    as_of: str | None,
    allow_large: bool,
) -> None:
    """Open the triage app on FILE: sort, filter, read why, decide tiers, save."""
    from tierwise.io.target import check_target, in_folder, is_folder, name_too_long
    from tierwise.outputs import default_output
    from tierwise.tui.app import TriageApp

    target = None
    if output is not None:  # a bad -o fails now, not when the session's work is done
        target = in_folder(output, default_output(file).name) if is_folder(output) else output
        target = check_target(target, [file], force=force)
    elif name_too_long(default_output(file)):  # (a read-only folder: save as, later)
        raise TierwiseError(f"the output's name would be too long for {file.name}: pass -o")

    app = TriageApp(
        file,
        output=target,
        sheet=parse_sheet(sheet),
        mapping=parse_map(maps),
        profile=profile,
        rubric_path=rubric,
        as_of=parse_as_of(as_of),
        allow_large=allow_large,
        force=force,
    )
    app.run()
    if app.failure:
        raise TierwiseError(_naming(file, app.failure))
    if app.saved:
        echo_text(app.saved)  # what the last save wrote, once the screen is gone
    sys.exit(app.return_code or 0)


@main.command()
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path), metavar="OUT.xlsx")
@click.option("--force", is_flag=True, help="Replace OUT.xlsx if it already exists.")
@rubric_option
def template(out: Path, force: bool, rubric: Path | None) -> None:
    """Write a blank partner tracker to OUT.xlsx.

    The canonical columns with a note on each header, drop-downs for tier and partner
    type, an example row, and a "Rules of engagement" sheet for the three tiers (limits
    taken from the rubric).
    """
    from tierwise.outputs import write_template
    from tierwise.scoring.rubric import load_rubric

    write_template(out, load_rubric(rubric), force=force)
    click.echo(f"Wrote {out}")


@main.command()
@click.argument("shell", type=click.Choice(["bash", "zsh", "fish"]))
def completion(shell: str) -> None:
    """Print the shell completion script for SHELL.

    bash: eval "$(tierwise completion bash)" in ~/.bashrc; zsh: the same in ~/.zshrc;
    fish: tierwise completion fish > ~/.config/fish/completions/tierwise.fish
    """
    from click.shell_completion import get_completion_class

    cls = get_completion_class(shell)
    assert cls is not None  # every choice is one of click's shells
    click.echo(cls(main, {}, "tierwise", "_TIERWISE_COMPLETE").source())


if __name__ == "__main__":
    main()
