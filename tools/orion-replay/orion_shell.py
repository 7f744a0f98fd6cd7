"""A small reader for the bash subset used in the SHELL sections of Orion's .test files.

Orion's functional tests are bash scripts calling helper functions (orionCurl, echo, variable
assignments). This module parses that subset into commands without running bash: quoting
(single, double, $'...'), $VAR / ${VAR} expansion with word splitting, $(...) command
substitution (kept as text for the interpreter), backslash-newline continuation, comments,
`;`, pipes, `&&`/`||` and simple redirections. Anything else (control flow, subshells,
here-documents) is reported through Command.unsupported so the caller can skip the case.

Nothing here talks to the network; see replay.py for the interpreter.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_NAME_RE = re.compile(r"[A-Za-z_][A-Za-z_0-9]*")
_ASSIGN_RE = re.compile(r"^([A-Za-z_][A-Za-z_0-9]*)=")
_CONTROL_WORDS = {
    "if", "then", "else", "elif", "fi", "for", "while", "until", "do", "done", "case", "esac",
    "function", "{", "}", "[[", "]]", "select",
}


@dataclass
class Seg:
    """One piece of a shell word: a literal, a variable or a command substitution."""

    kind: str  # 'lit' | 'var' | 'cmd'
    text: str
    quoted: bool
    default: str | None = None  # for ${VAR:-default}


@dataclass
class Simple:
    """A simple command: words plus redirections (op, target-word)."""

    words: list[list[Seg]] = field(default_factory=list)
    redirs: list[tuple[str, list[Seg]]] = field(default_factory=list)


@dataclass
class Command:
    """A pipeline of simple commands, with the source line where it starts."""

    line: int
    pipeline: list[Simple]
    unsupported: str | None = None


class ShellSyntaxError(Exception):
    pass


def _ansi_c(s: str) -> str:
    table = {"n": "\n", "t": "\t", "r": "\r", "\\": "\\", "'": "'", '"': '"', "a": "\a",
             "b": "\b", "e": "\x1b", "f": "\f", "v": "\v"}
    out, i = [], 0
    while i < len(s):
        if s[i] == "\\" and i + 1 < len(s):
            c = s[i + 1]
            if c in table:
                out.append(table[c])
                i += 2
                continue
            if c == "x":
                m = re.match(r"[0-9a-fA-F]{1,2}", s[i + 2:])
                if m:
                    out.append(chr(int(m.group(0), 16)))
                    i += 2 + len(m.group(0))
                    continue
        out.append(s[i])
        i += 1
    return "".join(out)


class _Parser:
    def __init__(self, text: str, first_line: int):
        self.s = text
        self.i = 0
        self.line = first_line

    # -- helpers -------------------------------------------------------------------------------
    def _peek(self, k: int = 0) -> str:
        j = self.i + k
        return self.s[j] if j < len(self.s) else ""

    def _advance(self, n: int = 1) -> str:
        chunk = self.s[self.i:self.i + n]
        self.line += chunk.count("\n")
        self.i += n
        return chunk

    def _matching_paren(self) -> str:
        """Reads from just after '$(' up to the matching ')', honouring quotes."""
        depth, start = 1, self.i
        while self.i < len(self.s):
            c = self._peek()
            if c == "\\":
                self._advance(2)
                continue
            if c == "'":
                self._advance()
                while self.i < len(self.s) and self._peek() != "'":
                    self._advance()
                self._advance()
                continue
            if c == '"':
                self._advance()
                while self.i < len(self.s) and self._peek() != '"':
                    if self._peek() == "\\":
                        self._advance()
                    self._advance()
                self._advance()
                continue
            if c == "(":
                depth += 1
            elif c == ")":
                depth -= 1
                if depth == 0:
                    body = self.s[start:self.i]
                    self._advance()
                    return body
            self._advance()
        raise ShellSyntaxError("unterminated $(")

    def _dollar(self, quoted: bool) -> Seg:
        """Parses an expansion starting at '$'."""
        self._advance()  # '$'
        c = self._peek()
        if c == "(":
            if self._peek(1) == "(":
                raise ShellSyntaxError("arithmetic expansion $(( )) is not supported")
            self._advance()
            return Seg("cmd", self._matching_paren(), quoted)
        if c == "{":
            end = self.s.find("}", self.i)
            if end < 0:
                raise ShellSyntaxError("unterminated ${")
            inner = self.s[self.i + 1:end]
            self._advance(end - self.i + 1)
            m = re.fullmatch(r"([A-Za-z_][A-Za-z_0-9]*)(?::?-(.*))?", inner, re.S)
            if not m:
                raise ShellSyntaxError("unsupported parameter expansion ${%s}" % inner)
            return Seg("var", m.group(1), quoted, m.group(2))
        if c == "'" and not quoted:
            self._advance()
            end = self.s.find("'", self.i)
            while end > 0 and self.s[end - 1] == "\\" and not self.s[self.i:end].endswith("\\\\"):
                end = self.s.find("'", end + 1)
            if end < 0:
                raise ShellSyntaxError("unterminated $'")
            raw = self.s[self.i:end]
            self._advance(end - self.i + 1)
            return Seg("lit", _ansi_c(raw), True)
        m = _NAME_RE.match(self.s, self.i)
        if m:
            self._advance(len(m.group(0)))
            return Seg("var", m.group(0), quoted)
        if c and c in "?#$!@*0123456789-":
            self._advance()
            return Seg("var", c, quoted)
        return Seg("lit", "$", quoted)

    def _double_quoted(self, segs: list[Seg]) -> None:
        self._advance()  # opening "
        buf: list[str] = []

        def flush():
            if buf:
                segs.append(Seg("lit", "".join(buf), True))
                buf.clear()

        while True:
            if self.i >= len(self.s):
                raise ShellSyntaxError("unterminated double quote")
            c = self._peek()
            if c == '"':
                self._advance()
                flush()
                if not segs:
                    segs.append(Seg("lit", "", True))
                return
            if c == "\\":
                n = self._peek(1)
                if n == "\n":
                    self._advance(2)
                elif n in '$`"\\':
                    buf.append(n)
                    self._advance(2)
                else:
                    buf.append("\\")
                    self._advance()
                continue
            if c == "$":
                flush()
                segs.append(self._dollar(quoted=True))
                continue
            if c == "`":
                raise ShellSyntaxError("backquote substitution is not supported")
            buf.append(c)
            self._advance()

    # -- main loop -----------------------------------------------------------------------------
    def parse(self) -> list[Command]:
        commands: list[Command] = []
        simple = Simple()
        pipeline: list[Simple] = [simple]
        word: list[Seg] | None = None
        start_line = self.line
        unsupported: str | None = None
        pending_redir: str | None = None

        def finish_word():
            nonlocal word, pending_redir
            if word is None:
                return
            if pending_redir is not None:
                simple.redirs.append((pending_redir, word))
                pending_redir = None
            else:
                simple.words.append(word)
            word = None

        def finish_command():
            nonlocal simple, pipeline, unsupported, start_line
            finish_word()
            if any(s.words or s.redirs for s in pipeline):
                first = pipeline[0].words[0] if pipeline[0].words else None
                if (unsupported is None and first and len(first) == 1 and first[0].kind == "lit"
                        and not first[0].quoted and first[0].text in _CONTROL_WORDS):
                    unsupported = "shell control flow (%s)" % first[0].text
                commands.append(Command(start_line, pipeline, unsupported))
            simple = Simple()
            pipeline = [simple]
            unsupported = None
            start_line = self.line

        def lit(text: str, quoted: bool):
            nonlocal word
            if word is None:
                word = []
            if word and word[-1].kind == "lit" and word[-1].quoted == quoted:
                word[-1].text += text
            else:
                word.append(Seg("lit", text, quoted))

        while self.i < len(self.s):
            c = self._peek()
            if c == "\\" and self._peek(1) == "\n":
                self._advance(2)
                continue
            if c in " \t\r":
                finish_word()
                self._advance()
                continue
            if c in "\n;":
                if c == ";" and self._peek(1) == ";":
                    unsupported = unsupported or "shell control flow (;;)"
                self._advance()
                finish_command()
                if c == "\n":
                    start_line = self.line
                continue
            if c == "#" and word is None:
                while self.i < len(self.s) and self._peek() != "\n":
                    self._advance()
                continue
            if word is None and simple.words == [] and pending_redir is None:
                start_line = self.line if not any(s.words for s in pipeline) else start_line
            if c == "'":
                self._advance()
                end = self.s.find("'", self.i)
                if end < 0:
                    raise ShellSyntaxError("unterminated single quote")
                text = self.s[self.i:end]
                self._advance(end - self.i + 1)
                lit(text, True)
                continue
            if c == '"':
                if word is None:
                    word = []
                self._double_quoted(word)
                continue
            if c == "$":
                if word is None:
                    word = []
                try:
                    word.append(self._dollar(quoted=False))
                except ShellSyntaxError as e:
                    unsupported = unsupported or str(e)
                    lit("$", False)
                continue
            if c == "\\":
                self._advance()
                lit(self._advance(), True)
                continue
            if c == "`":
                unsupported = unsupported or "backquote substitution"
                self._advance()
                continue
            if c == "|":
                finish_word()
                if self._peek(1) == "|":
                    self._advance(2)
                    unsupported = unsupported or "shell operator ||"
                    continue
                self._advance()
                simple = Simple()
                pipeline.append(simple)
                continue
            if c == "&":
                finish_word()
                if self._peek(1) == "&":
                    self._advance(2)
                    unsupported = unsupported or "shell operator &&"
                else:
                    self._advance()
                    if self._peek() == ">":
                        continue
                    unsupported = unsupported or "background job (&)"
                continue
            if c in "<>":
                fd = ""
                if (word is not None and len(word) == 1 and word[0].kind == "lit"
                        and not word[0].quoted and word[0].text in ("1", "2")):
                    fd = word[0].text
                    word = None
                finish_word()
                op = fd + self._advance()
                if self._peek() in "><&":
                    op += self._advance()
                if op.endswith("<<") or op.endswith("<<<"):
                    unsupported = unsupported or "here-document"
                if self._peek() == "&":
                    op += self._advance()
                pending_redir = op
                continue
            if c in "()":
                unsupported = unsupported or "subshell or function definition"
                self._advance()
                continue
            lit(c, False)
            self._advance()
        finish_command()
        return commands


def parse_script(text: str, first_line: int = 1) -> list[Command]:
    """Parses shell text into commands. Raises ShellSyntaxError on unterminated quotes."""
    return _Parser(text, first_line).parse()


def word_text(word: list[Seg]) -> str | None:
    """The text of a word made only of literals, else None."""
    if all(s.kind == "lit" for s in word):
        return "".join(s.text for s in word)
    return None


def assignment_of(word: list[Seg]) -> tuple[str, list[Seg]] | None:
    """If the word is NAME=value (NAME unquoted), returns (NAME, value segments)."""
    if not word or word[0].kind != "lit" or word[0].quoted:
        return None
    m = _ASSIGN_RE.match(word[0].text)
    if not m:
        return None
    rest = word[0].text[m.end():]
    value = ([Seg("lit", rest, False)] if rest else []) + word[1:]
    return m.group(1), value


def expand_word(word: list[Seg], env: dict[str, str], subst, split: bool = True) -> list[str]:
    """Expands one word into fields (bash semantics, no globbing).

    `subst(body, quoted)` runs a command substitution and returns its output (trailing newlines
    already removed). With split=False (assignments), the result is always one field.
    """
    fields: list[str] = []
    cur: list[str] = []
    have = False  # current field exists (even if empty)
    for seg in word:
        if seg.kind == "lit":
            cur.append(seg.text)
            have = True
            continue
        if seg.kind == "var":
            value = env.get(seg.text)
            if (value is None or value == "") and seg.default is not None:
                value = seg.default
            value = value or ""
        else:
            value = subst(seg.text)
        if seg.quoted or not split:
            cur.append(value)
            have = True
            continue
        parts = re.split(r"[ \t\n]+", value)
        if value and value[0] in " \t\n" and (have or cur):
            fields.append("".join(cur))
            cur, have = [], False
        parts = [p for p in parts]
        stripped = [p for p in parts if p != ""]
        if not stripped:
            continue
        cur.append(stripped[0])
        have = True
        for p in stripped[1:]:
            fields.append("".join(cur))
            cur = [p]
        if value[-1] in " \t\n":
            fields.append("".join(cur))
            cur, have = [], False
    if have or cur:
        fields.append("".join(cur))
    return fields
