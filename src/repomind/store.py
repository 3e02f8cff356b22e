"""The index database (SQLite under `.repomind/cache/`): schema, migrations, reads and writes.

Nothing else in repomind knows SQL. Parsed facts are keyed by content hash, so an unchanged
file (or one that moved, or came back after a branch switch) is never parsed again.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from repomind.errors import OperationError
from repomind.parse import Import, ParsedFile

SCHEMA_VERSION = 5

SCHEMA = """
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE files(
    path TEXT PRIMARY KEY,
    size INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL,
    hash TEXT NOT NULL,
    language TEXT,
    lines INTEGER NOT NULL,
    skip TEXT  -- NULL when indexed, else why the content was left out (binary, generated...)
);
CREATE INDEX files_hash ON files(hash);
CREATE TABLE skipped(path TEXT PRIMARY KEY, reason TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE blobs(
    hash TEXT PRIMARY KEY,
    language TEXT,
    doc TEXT NOT NULL,
    comments TEXT NOT NULL,
    has_errors INTEGER NOT NULL,
    extra TEXT NOT NULL,
    words TEXT NOT NULL  -- every distinct word of the source, split like search terms
);
CREATE TABLE symbols(
    hash TEXT NOT NULL, name TEXT NOT NULL, kind TEXT NOT NULL, line INTEGER NOT NULL,
    end_line INTEGER NOT NULL, parent TEXT NOT NULL, doc TEXT NOT NULL, signature TEXT NOT NULL
);
CREATE INDEX symbols_hash ON symbols(hash);
CREATE INDEX symbols_name ON symbols(name);
CREATE TABLE refs(hash TEXT NOT NULL, name TEXT NOT NULL, count INTEGER NOT NULL);
CREATE INDEX refs_hash ON refs(hash);
CREATE INDEX refs_name ON refs(name);
CREATE TABLE imports(
    hash TEXT NOT NULL, module TEXT NOT NULL, line INTEGER NOT NULL,
    names TEXT NOT NULL, level INTEGER NOT NULL
);
CREATE INDEX imports_hash ON imports(hash);
CREATE TABLE edges(
    src TEXT NOT NULL, dst TEXT NOT NULL, weight REAL NOT NULL, imports INTEGER NOT NULL,
    PRIMARY KEY(src, dst)
) WITHOUT ROWID;
CREATE INDEX edges_dst ON edges(dst);
CREATE TABLE file_rank(path TEXT PRIMARY KEY, score REAL NOT NULL) WITHOUT ROWID;
CREATE TABLE commits(
    sha TEXT PRIMARY KEY, seq INTEGER NOT NULL, ts INTEGER NOT NULL, author TEXT NOT NULL,
    subject TEXT NOT NULL, nfiles INTEGER NOT NULL
);
CREATE TABLE file_history(
    path TEXT PRIMARY KEY, commits INTEGER NOT NULL, cc_commits INTEGER NOT NULL,
    first_ts INTEGER NOT NULL, last_ts INTEGER NOT NULL,
    subjects TEXT NOT NULL  -- subjects of the latest commits touching the file, newest first
) WITHOUT ROWID;
CREATE TABLE authors(
    path TEXT NOT NULL, author TEXT NOT NULL, commits INTEGER NOT NULL,
    PRIMARY KEY(path, author)
) WITHOUT ROWID;
CREATE TABLE cochange(
    a TEXT NOT NULL, b TEXT NOT NULL, n INTEGER NOT NULL, last_ts INTEGER NOT NULL,
    PRIMARY KEY(a, b)
) WITHOUT ROWID;
CREATE INDEX cochange_b ON cochange(b);
CREATE TABLE fts_ids(path TEXT PRIMARY KEY, rid INTEGER NOT NULL UNIQUE);
CREATE VIRTUAL TABLE fts USING fts5(
    path_terms, names, doc, comments, refs, subjects, body, tokenize='unicode61'
);
"""

HISTORY_TABLES = ("commits", "file_history", "authors", "cochange")
SUBJECTS_KEPT = 20  # commit subjects remembered per file (for search by task description)


@dataclass(frozen=True, slots=True)
class FileRow:
    path: str
    size: int
    mtime_ns: int
    hash: str
    language: str | None
    lines: int
    skip: str | None


@dataclass(frozen=True, slots=True)
class SymbolRow:
    path: str
    name: str
    kind: str
    line: int
    end_line: int
    parent: str
    doc: str
    signature: str


@dataclass(frozen=True, slots=True)
class CochangeRow:
    a: str
    b: str
    n: int
    last_ts: int


class CorruptCache(Exception):
    """The cache database is unreadable; the caller deletes and rebuilds it."""


class Store:
    """A connection to one repository's index database."""

    def __init__(self, conn: sqlite3.Connection, path: Path) -> None:
        self.conn = conn
        self.path = path

    # ----------------------------------------------------------------- lifecycle
    @classmethod
    def open(cls, path: Path, *, readonly: bool = False) -> Store:
        """Open (creating or rebuilding as needed). A corrupt or foreign cache is rebuilt."""
        if readonly:
            if not path.exists():
                raise OperationError("no index yet: run `repomind index` first")
            conn = _connect(f"file:{path}?mode=ro", uri=True)
            store = cls(conn, path)
            try:
                version = store.meta("schema_version")
            except sqlite3.DatabaseError:
                conn.close()
                raise OperationError(
                    "the index cache is unreadable: run `repomind index` to rebuild it"
                ) from None
            if version != str(SCHEMA_VERSION):
                conn.close()
                raise OperationError("the index cache is outdated: run `repomind index`")
            return store
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            return cls._open_rw(path)
        except (sqlite3.DatabaseError, CorruptCache):
            _remove_db(path)
            return cls._open_rw(path)

    @classmethod
    def _open_rw(cls, path: Path) -> Store:
        conn = _connect(str(path))
        store = cls(conn, path)
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
            if not tables:
                store._create()
            elif store.meta("schema_version") != str(SCHEMA_VERSION):
                # Derived data: an old or unknown schema is rebuilt, never misread.
                conn.close()
                raise CorruptCache(path)
        except sqlite3.DatabaseError:
            conn.close()
            raise
        return store

    def _create(self) -> None:
        self.conn.executescript(
            "BEGIN;"
            + SCHEMA
            + f"INSERT INTO meta VALUES('schema_version', '{SCHEMA_VERSION}');"
            + "COMMIT;"
        )

    def close(self) -> None:
        self.conn.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        if self.conn.in_transaction:
            yield
            return
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self.conn.rollback()
            raise
        self.conn.commit()

    @contextmanager
    def savepoint(self) -> Iterator[None]:
        """A nested transaction: on error only the work inside it is undone."""
        self.conn.execute("SAVEPOINT inner")
        try:
            yield
        except BaseException:
            self.conn.execute("ROLLBACK TO inner")
            self.conn.execute("RELEASE inner")
            raise
        self.conn.execute("RELEASE inner")

    def reset(self) -> None:
        """Drop everything (for `index --full`)."""
        self.conn.close()
        _remove_db(self.path)
        fresh = Store._open_rw(self.path)
        self.conn = fresh.conn

    # ----------------------------------------------------------------- meta
    def meta(self, key: str) -> str | None:
        row = self.conn.execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str | None) -> None:
        if value is None:
            self.conn.execute("DELETE FROM meta WHERE key=?", (key,))
        else:
            self.conn.execute("INSERT OR REPLACE INTO meta VALUES(?, ?)", (key, value))

    # ----------------------------------------------------------------- files
    def files(self) -> dict[str, FileRow]:
        rows = self.conn.execute(
            "SELECT path, size, mtime_ns, hash, language, lines, skip FROM files"
        )
        return {r[0]: FileRow(*r) for r in rows}

    def replace_skipped(self, rows: Sequence[tuple[str, str]]) -> None:
        """Paths the path rules or size limits left out at the last index, with why."""
        stored = dict(self.conn.execute("SELECT path, reason FROM skipped"))
        if stored != dict(rows):
            self.conn.execute("DELETE FROM skipped")
            self.conn.executemany("INSERT INTO skipped VALUES(?, ?)", rows)

    def skipped_paths(self) -> set[str]:
        return {r[0] for r in self.conn.execute("SELECT path FROM skipped")}

    def indexed_paths(self) -> list[str]:
        """Paths whose content is indexed (not left out as binary, generated...)."""
        return [
            r[0]
            for r in self.conn.execute("SELECT path FROM files WHERE skip IS NULL ORDER BY path")
        ]

    def known_blobs(self, hashes: Iterable[str]) -> set[str]:
        found: set[str] = set()
        batch = list(hashes)
        for i in range(0, len(batch), 500):
            chunk = batch[i : i + 500]
            marks = ",".join("?" * len(chunk))
            found.update(
                r[0]
                for r in self.conn.execute(f"SELECT hash FROM blobs WHERE hash IN ({marks})", chunk)
            )
        return found

    def put_blob(
        self, digest: str, parsed: ParsedFile, signatures: Sequence[str], words: str = ""
    ) -> None:
        """Store one parsed content (idempotent: a known hash is left as it is)."""
        cur = self.conn.execute(
            "INSERT OR IGNORE INTO blobs VALUES(?, ?, ?, ?, ?, ?, ?)",
            (
                digest,
                parsed.language,
                parsed.doc,
                parsed.comments,
                int(parsed.has_errors),
                json.dumps(parsed.extra, sort_keys=True),
                words,
            ),
        )
        if cur.rowcount == 0:
            return
        self.conn.executemany(
            "INSERT INTO symbols VALUES(?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (digest, s.name, s.kind, s.line, s.end_line, s.parent, s.doc, sig)
                for s, sig in zip(parsed.symbols, signatures, strict=True)
            ],
        )
        self.conn.executemany(
            "INSERT INTO refs VALUES(?, ?, ?)", [(digest, n, c) for n, c in parsed.references]
        )
        self.conn.executemany(
            "INSERT INTO imports VALUES(?, ?, ?, ?, ?)",
            [(digest, i.module, i.line, "\x1f".join(i.names), i.level) for i in parsed.imports],
        )

    def upsert_files(self, rows: Iterable[FileRow]) -> None:
        self.conn.executemany(
            "INSERT OR REPLACE INTO files VALUES(?, ?, ?, ?, ?, ?, ?)",
            [(r.path, r.size, r.mtime_ns, r.hash, r.language, r.lines, r.skip) for r in rows],
        )

    def delete_files(self, paths: Iterable[str]) -> None:
        self.conn.executemany("DELETE FROM files WHERE path=?", [(p,) for p in paths])

    def collect_garbage(self) -> int:
        """Drop parsed blobs no file points at any more. Returns how many were dropped."""
        orphans = [
            r[0]
            for r in self.conn.execute(
                "SELECT hash FROM blobs WHERE hash NOT IN (SELECT hash FROM files)"
            )
        ]
        for table in ("symbols", "refs", "imports", "blobs"):
            self.conn.executemany(f"DELETE FROM {table} WHERE hash=?", [(h,) for h in orphans])
        return len(orphans)

    def blob_count(self) -> int:
        return self.conn.execute("SELECT count(*) FROM blobs").fetchone()[0]

    # ----------------------------------------------------------------- parsed facts by path
    def parsed_imports(self, paths: Iterable[str] | None = None) -> dict[str, list[Import]]:
        sql = (
            "SELECT f.path, i.module, i.line, i.names, i.level FROM imports i "
            "JOIN files f ON f.hash = i.hash WHERE f.skip IS NULL"
        )
        out: dict[str, list[Import]] = {}
        for path, module, line, names, level in self._by_paths(sql, paths, "f.path"):
            out.setdefault(path, []).append(
                Import(module, line, tuple(names.split("\x1f")) if names else (), level)
            )
        return out

    def definitions(self, names: Iterable[str] | None = None) -> Iterator[tuple[str, str]]:
        """(name, path) for definitions in indexed files (all, or of the given names)."""
        sql = (
            "SELECT DISTINCT s.name, f.path FROM symbols s JOIN files f ON f.hash = s.hash "
            "WHERE f.skip IS NULL"
        )
        return self._by_paths(sql, names, "s.name")

    def names_by_hash(self, hashes: Iterable[str]) -> dict[str, set[str]]:
        out: dict[str, set[str]] = {}
        for digest, name in self._by_paths(
            "SELECT hash, name FROM symbols WHERE 1", hashes, "hash"
        ):
            out.setdefault(digest, set()).add(name)
        return out

    def files_referencing(self, names: Iterable[str]) -> set[str]:
        sql = (
            "SELECT DISTINCT f.path FROM refs r JOIN files f ON f.hash = r.hash "
            "WHERE f.skip IS NULL"
        )
        return {r[0] for r in self._by_paths(sql, names, "r.name")}

    def files_importing_like(self, stems: Iterable[str]) -> set[str]:
        """Files with an import whose module text contains one of `stems`."""
        out: set[str] = set()
        for stem in sorted(set(stems)):
            pattern = "%" + stem.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            out.update(
                r[0]
                for r in self.conn.execute(
                    "SELECT DISTINCT f.path FROM imports i JOIN files f ON f.hash = i.hash "
                    "WHERE f.skip IS NULL AND i.module LIKE ? ESCAPE '\\'",
                    (pattern,),
                )
            )
        return out

    def names_used(self, src: str, dst: str, limit: int = 3) -> list[str]:
        """Names `src` uses that `dst` defines, most used first."""
        rows = self.conn.execute(
            "SELECT r.name FROM refs r JOIN files fs ON fs.hash = r.hash "
            "JOIN symbols s ON s.name = r.name JOIN files fd ON fd.hash = s.hash "
            "WHERE fs.path = ? AND fd.path = ? GROUP BY r.name ORDER BY max(r.count) DESC, r.name "
            "LIMIT ?",
            (src, dst, limit),
        )
        return [r[0] for r in rows]

    def references(self, paths: Iterable[str] | None = None) -> Iterator[tuple[str, str, int]]:
        """(path, name, count) for names used in indexed files."""
        sql = (
            "SELECT f.path, r.name, r.count FROM refs r JOIN files f ON f.hash = r.hash "
            "WHERE f.skip IS NULL"
        )
        return self._by_paths(sql, paths, "f.path")

    def references_to(self, names: Iterable[str]) -> Iterator[tuple[str, str, int]]:
        """(path, name, count) for uses of the given names in indexed files."""
        sql = (
            "SELECT f.path, r.name, r.count FROM refs r JOIN files f ON f.hash = r.hash "
            "WHERE f.skip IS NULL"
        )
        return self._by_paths(sql, names, "r.name")

    def file_extras(self) -> dict[str, tuple[str, dict[str, str]]]:
        rows = self.conn.execute(
            "SELECT f.path, b.language, b.extra FROM files f JOIN blobs b ON b.hash = f.hash "
            "WHERE f.skip IS NULL"
        )
        return {p: (lang, json.loads(extra)) for p, lang, extra in rows}

    def symbols_of(self, paths: Iterable[str] | None = None) -> list[SymbolRow]:
        sql = (
            "SELECT f.path, s.name, s.kind, s.line, s.end_line, s.parent, s.doc, s.signature "
            "FROM symbols s JOIN files f ON f.hash = s.hash WHERE f.skip IS NULL"
        )
        return [SymbolRow(*r) for r in self._by_paths(sql, paths, "f.path")]

    def file_docs(self, paths: Iterable[str]) -> dict[str, str]:
        sql = "SELECT f.path, b.doc FROM files f JOIN blobs b ON b.hash = f.hash WHERE 1"
        return {p: d for p, d in self._by_paths(sql, paths, "f.path")}

    def _by_paths(self, sql: str, paths: Iterable[str] | None, column: str) -> Iterator[tuple]:
        if paths is None:
            yield from self.conn.execute(sql)
            return
        batch = sorted(set(paths))
        for i in range(0, len(batch), 500):
            chunk = batch[i : i + 500]
            marks = ",".join("?" * len(chunk))
            yield from self.conn.execute(f"{sql} AND {column} IN ({marks})", chunk)

    # ----------------------------------------------------------------- full-text search
    def replace_fts(self, rows: Iterable[tuple[str, ...]]) -> None:
        """(path, path_terms, names, doc, comments, refs, subjects, body) rows replace the paths'
        rows."""
        rows = list(rows)
        self.delete_fts(r[0] for r in rows)
        next_id = self.conn.execute("SELECT coalesce(max(rid), 0) + 1 FROM fts_ids").fetchone()[0]
        ids = [(r[0], next_id + i) for i, r in enumerate(rows)]
        self.conn.executemany("INSERT INTO fts_ids VALUES(?, ?)", ids)
        self.conn.executemany(
            "INSERT INTO fts(rowid, path_terms, names, doc, comments, refs, subjects, body) "
            "VALUES(?, ?, ?, ?, ?, ?, ?, ?)",
            [(rid, *r[1:]) for (_, rid), r in zip(ids, rows, strict=True)],
        )

    def search_material(self, paths: Iterable[str]) -> dict[str, tuple[str, str, str, str, str]]:
        """path -> (defined names, docstrings, comments, used names and imported modules)."""
        paths = list(paths)
        out: dict[str, list[str]] = {}
        for path, doc, comments, words in self._by_paths(
            "SELECT f.path, b.doc, b.comments, b.words FROM files f JOIN blobs b "
            "ON b.hash = f.hash WHERE f.skip IS NULL",
            paths,
            "f.path",
        ):
            out[path] = ["", doc, comments, "", words]
        names: dict[str, list[str]] = {}
        docs: dict[str, list[str]] = {}
        for path, name, sdoc in self._by_paths(
            "SELECT f.path, s.name, s.doc FROM symbols s JOIN files f ON f.hash = s.hash "
            "WHERE f.skip IS NULL",
            paths,
            "f.path",
        ):
            names.setdefault(path, []).append(name)
            if sdoc:
                docs.setdefault(path, []).append(sdoc)
        refs: dict[str, list[tuple[int, str]]] = {}
        for path, name, count in self.references(paths):
            refs.setdefault(path, []).append((count, name))
        modules: dict[str, set[str]] = {}
        for path, module_names in self.parsed_imports(paths).items():
            modules[path] = {i.module for i in module_names}
        for path, slot in out.items():
            slot[0] = " ".join(sorted(set(names.get(path, ()))))
            slot[1] = " ".join([slot[1], *docs.get(path, ())]).strip()
            top = sorted(refs.get(path, ()), key=lambda cn: (-cn[0], cn[1]))[:200]
            used = sorted({name for _, name in top} | modules.get(path, set()))
            slot[3] = " ".join(used)
        return {p: (a, b, c, d, e) for p, (a, b, c, d, e) in out.items()}

    def search(self, match: str, weights: Sequence[float], limit: int) -> list[tuple[str, float]]:
        """(path, relevance) for an FTS5 MATCH expression, best first (relevance = -bm25)."""
        marks = ", ".join(str(float(w)) for w in weights)
        try:
            rows = self.conn.execute(
                f"SELECT i.path, -bm25(fts, {marks}) AS s FROM fts JOIN fts_ids i "
                "ON i.rid = fts.rowid WHERE fts MATCH ? ORDER BY s DESC, i.path LIMIT ?",
                (match, limit),
            ).fetchall()
        except sqlite3.OperationalError:
            return []  # a query FTS5 cannot parse finds nothing rather than failing
        return [(p, float(s)) for p, s in rows]

    def telling_terms(self, path: str, limit: int) -> list[str]:
        """The words that best characterise a file: frequent in it, rare in the repository
        (tf·idf over its search row), as the search index spells them."""
        import math
        from collections import Counter

        row = self.conn.execute("SELECT rid FROM fts_ids WHERE path=?", (path,)).fetchone()
        if row is None:
            return []
        fields = self.conn.execute(
            "SELECT path_terms, names, doc, comments, refs FROM fts WHERE rowid=?", row
        ).fetchone()
        counts = Counter(w for text in fields for w in text.lower().split() if len(w) > 1)
        if not counts:
            return []
        documents = max(self.conn.execute("SELECT count(*) FROM fts_ids").fetchone()[0], 1)
        frequency = self._term_document_frequency(list(counts))

        def weight(word: str) -> float:
            df = frequency.get(word, 0)
            if df <= 1 or df > documents / 2:
                return 0.0  # unique to this file, or everywhere: says nothing about others
            return (1 + math.log(counts[word])) * math.log(documents / df)

        ranked = sorted(counts, key=lambda w: (-weight(w), w))
        return [w for w in ranked if weight(w) > 0][:limit]

    def _term_document_frequency(self, words: list[str]) -> dict[str, int]:
        """How many files' search rows contain each word (FTS5 vocabulary table)."""
        self.conn.execute(
            "CREATE VIRTUAL TABLE IF NOT EXISTS temp.fts_vocab USING fts5vocab(main, fts, row)"
        )
        out: dict[str, int] = {}
        for i in range(0, len(words), 500):
            chunk = words[i : i + 500]
            marks = ",".join("?" * len(chunk))
            out.update(
                self.conn.execute(
                    f"SELECT term, doc FROM temp.fts_vocab WHERE term IN ({marks})", chunk
                )
            )
        return out

    def definers_of(self, names: Iterable[str]) -> dict[str, list[tuple[str, str, int]]]:
        """name -> [(path, kind, line)] for definitions with exactly these names."""
        sql = (
            "SELECT s.name, f.path, s.kind, s.line FROM symbols s JOIN files f "
            "ON f.hash = s.hash WHERE f.skip IS NULL"
        )
        out: dict[str, list[tuple[str, str, int]]] = {}
        for name, path, kind, line in self._by_paths(sql, names, "s.name"):
            out.setdefault(name, []).append((path, kind, line))
        return {k: sorted(v) for k, v in out.items()}

    def delete_fts(self, paths: Iterable[str]) -> None:
        for path in paths:
            row = self.conn.execute("SELECT rid FROM fts_ids WHERE path=?", (path,)).fetchone()
            if row:
                self.conn.execute("DELETE FROM fts WHERE rowid=?", row)
                self.conn.execute("DELETE FROM fts_ids WHERE path=?", (path,))

    # ----------------------------------------------------------------- graph
    def clear_edges(self) -> None:
        self.conn.execute("DELETE FROM edges")

    def replace_edges(
        self, sources: Iterable[str], edges: Iterable[tuple[str, str, float, int]]
    ) -> None:
        """Replace the outgoing edges of `sources` by `edges` (src, dst, weight, imports)."""
        self.conn.executemany("DELETE FROM edges WHERE src=?", [(s,) for s in sources])
        self.conn.executemany("INSERT INTO edges VALUES(?, ?, ?, ?)", edges)

    def delete_edges_of(self, paths: Iterable[str]) -> None:
        """Drop every edge from or to `paths` (files that left the index)."""
        rows = [(p,) for p in paths]
        self.conn.executemany("DELETE FROM edges WHERE src=?", rows)
        self.conn.executemany("DELETE FROM edges WHERE dst=?", rows)

    def edge_count(self) -> int:
        return self.conn.execute("SELECT count(*) FROM edges").fetchone()[0]

    def edges(self) -> list[tuple[str, str, float]]:
        return list(self.conn.execute("SELECT src, dst, weight FROM edges ORDER BY src, dst"))

    def edges_detail(self, path: str) -> list[tuple[str, str, float, int]]:
        return list(
            self.conn.execute(
                "SELECT src, dst, weight, imports FROM edges WHERE src=? UNION ALL "
                "SELECT src, dst, weight, imports FROM edges WHERE dst=? ORDER BY 1, 2",
                (path, path),
            )
        )

    def patch_rank(self, nodes: set[str]) -> None:
        """Keep the rank in step with the node set without recomputing it: files that left
        are dropped, new files start at the lowest rank until the next recomputation."""
        stored = self.rank()
        gone = [(p,) for p in stored if p not in nodes]
        self.conn.executemany("DELETE FROM file_rank WHERE path=?", gone)
        floor = min(stored.values(), default=0.0)
        fresh = [(p, floor) for p in sorted(nodes) if p not in stored]
        self.conn.executemany("INSERT INTO file_rank VALUES(?, ?)", fresh)

    def replace_rank(self, scores: dict[str, float]) -> None:
        self.conn.execute("DELETE FROM file_rank")
        self.conn.executemany("INSERT INTO file_rank VALUES(?, ?)", sorted(scores.items()))

    def rank_of(self, paths: Iterable[str]) -> dict[str, float]:
        return dict(self._by_paths("SELECT path, score FROM file_rank WHERE 1", paths, "path"))

    def top_rank(self) -> float:
        return self.conn.execute("SELECT coalesce(max(score), 0) FROM file_rank").fetchone()[0]

    def rank(self) -> dict[str, float]:
        return dict(self.conn.execute("SELECT path, score FROM file_rank"))

    # ----------------------------------------------------------------- history
    def clear_history(self) -> None:
        for table in HISTORY_TABLES:
            self.conn.execute(f"DELETE FROM {table}")

    def commit_count(self) -> int:
        return self.conn.execute("SELECT count(*) FROM commits").fetchone()[0]

    def next_commit_seq(self) -> int:
        return self.conn.execute("SELECT coalesce(max(seq), 0) + 1 FROM commits").fetchone()[0]

    def insert_commits(self, rows: Sequence[tuple[str, int, int, str, str, int]]) -> None:
        self.conn.executemany("INSERT OR IGNORE INTO commits VALUES(?, ?, ?, ?, ?, ?)", rows)

    def rename_in_history(self, old: str, new: str) -> None:
        """Carry `old`'s history over to `new` (git renamed it), merging with what `new` has."""
        c = self.conn
        row = c.execute(
            "SELECT commits, cc_commits, first_ts, last_ts, subjects FROM file_history "
            "WHERE path=?",
            (old,),
        ).fetchone()
        if row:
            c.execute("DELETE FROM file_history WHERE path=?", (old,))
            self.add_file_history([(new, *row)], newer=False)
        for author, n in c.execute(
            "SELECT author, commits FROM authors WHERE path=?", (old,)
        ).fetchall():
            self.add_authors([(new, author, n)])
        c.execute("DELETE FROM authors WHERE path=?", (old,))
        moved = c.execute(
            "SELECT a, b, n, last_ts FROM cochange WHERE a=? OR b=?", (old, old)
        ).fetchall()
        c.execute("DELETE FROM cochange WHERE a=? OR b=?", (old, old))
        pairs = []
        for a, b, n, ts in moved:
            other = b if a == old else a
            if other == new:
                continue
            x, y = sorted((new, other))
            pairs.append((x, y, n, ts))
        self.add_cochange(pairs)

    def add_file_history(
        self, rows: Iterable[tuple[str, int, int, int, int, str]], newer: bool = True
    ) -> None:
        """Add per-file counts; the rows' subjects go before (newer) or after the stored ones."""
        rows = list(rows)
        stored = {
            r[0]: r[1:]
            for r in self._by_paths(
                "SELECT path, commits, cc_commits, first_ts, last_ts, subjects FROM file_history "
                "WHERE 1",
                [r[0] for r in rows],
                "path",
            )
        }
        merged = []
        for path, commits, cc, first, last, subjects in rows:
            old = stored.get(path)
            if old is not None:
                parts = [subjects, old[4]] if newer else [old[4], subjects]
                subjects = "\n".join(p for p in parts if p)
                commits, cc = commits + old[0], cc + old[1]
                first, last = min(first, old[2]), max(last, old[3])
            kept = "\n".join(subjects.split("\n")[:SUBJECTS_KEPT]) if subjects else ""
            merged.append((path, commits, cc, first, last, kept))
        self.conn.executemany(
            "INSERT OR REPLACE INTO file_history VALUES(?, ?, ?, ?, ?, ?)", merged
        )

    def add_authors(self, rows: Iterable[tuple[str, str, int]]) -> None:
        self.conn.executemany(
            "INSERT INTO authors VALUES(?, ?, ?) ON CONFLICT(path, author) DO UPDATE SET "
            "commits = commits + excluded.commits",
            rows,
        )

    def add_cochange(self, rows: Iterable[tuple[str, str, int, int]]) -> None:
        self.conn.executemany(
            "INSERT INTO cochange VALUES(?, ?, ?, ?) ON CONFLICT(a, b) DO UPDATE SET "
            "n = n + excluded.n, last_ts = max(last_ts, excluded.last_ts)",
            rows,
        )

    def file_subjects(self, paths: Iterable[str] | None = None) -> dict[str, str]:
        """path -> newline-joined subjects of its latest commits, newest first."""
        sql = "SELECT path, subjects FROM file_history WHERE 1"
        return dict(self._by_paths(sql, paths, "path"))

    def file_history(self) -> dict[str, tuple[int, int, int, int]]:
        """path -> (commits, cc_commits, first_ts, last_ts)."""
        rows = self.conn.execute(
            "SELECT path, commits, cc_commits, first_ts, last_ts FROM file_history"
        )
        return {r[0]: tuple(r[1:]) for r in rows}

    def file_history_of(self, paths: Iterable[str]) -> dict[str, tuple[int, int, int, int]]:
        """file_history() for some paths only."""
        sql = "SELECT path, commits, cc_commits, first_ts, last_ts FROM file_history WHERE 1"
        return {r[0]: tuple(r[1:]) for r in self._by_paths(sql, paths, "path")}

    def history_extremes(self) -> tuple[int, int]:
        """(most co-change commits of any file, newest change of any file); 0 without history."""
        row = self.conn.execute("SELECT max(cc_commits), max(last_ts) FROM file_history").fetchone()
        return (row[0] or 0, row[1] or 0)

    def cochange_pairs(self, min_support: int) -> list[CochangeRow]:
        rows = self.conn.execute(
            "SELECT a, b, n, last_ts FROM cochange WHERE n >= ? ORDER BY a, b", (min_support,)
        )
        return [CochangeRow(*r) for r in rows]

    def cochange_partners(self, path: str) -> list[tuple[str, int, int]]:
        """(other path, times changed together, last time) for one file."""
        rows = self.conn.execute(
            "SELECT b, n, last_ts FROM cochange WHERE a=? UNION ALL "
            "SELECT a, n, last_ts FROM cochange WHERE b=?",
            (path, path),
        )
        return sorted(rows, key=lambda r: (-r[1], r[0]))

    def top_authors(self, path: str, limit: int = 3) -> list[tuple[str, int]]:
        return list(
            self.conn.execute(
                "SELECT author, commits FROM authors WHERE path=? ORDER BY commits DESC, author "
                "LIMIT ?",
                (path, limit),
            )
        )

    # ----------------------------------------------------------------- stats
    def counts(self) -> dict[str, int]:
        q = self.conn.execute
        return {
            "files": q("SELECT count(*) FROM files WHERE skip IS NULL").fetchone()[0],
            "files_skipped": q("SELECT count(*) FROM files WHERE skip IS NOT NULL").fetchone()[0],
            "symbols": q(
                "SELECT count(*) FROM symbols s JOIN files f ON f.hash = s.hash "
                "WHERE f.skip IS NULL"
            ).fetchone()[0],
            "edges": q("SELECT count(*) FROM edges").fetchone()[0],
            "commits": q("SELECT count(*) FROM commits").fetchone()[0],
            "cochange_pairs": q("SELECT count(*) FROM cochange").fetchone()[0],
        }

    def languages(self) -> dict[str, int]:
        rows = self.conn.execute(
            "SELECT language, count(*) FROM files WHERE skip IS NULL AND language IS NOT NULL "
            "GROUP BY language"
        )
        return dict(rows)


def _connect(target: str, uri: bool = False) -> sqlite3.Connection:
    conn = sqlite3.connect(target, uri=uri, timeout=30, isolation_level=None)
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("PRAGMA temp_store=MEMORY")
    return conn


def _remove_db(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(str(path) + suffix).unlink(missing_ok=True)
